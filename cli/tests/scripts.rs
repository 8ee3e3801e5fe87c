//! The real binary as scripts use it: CSV, dates alone, ids on stdin.

mod support;

use huaweicloud_rds_mock::{
    Backup, INSTANCE_EMPTY, INSTANCE_MYSQL, INSTANCE_SQLSERVER, MockServer,
};
use serde_json::Value;
use support::Run;

const HEADER: &str =
    "id,name,instance_id,type,status,datastore_type,datastore_version,size,begin_time,end_time";

/// The binary in the zone `tz`, `stdin` fed to it.
fn run(args: &[&str], stdin: &str, tz: &str) -> Run {
    support::cli().args(args).env("TZ", tz).stdin(stdin).run()
}

fn against(server: &MockServer, args: &[&str], stdin: &str, tz: &str) -> Run {
    support::against(server)
        .args(args)
        .env("TZ", tz)
        .stdin(stdin)
        .run()
}

fn backup(id: &str, name: &str, kind: &str, status: &str, begin: &str) -> Backup {
    Backup {
        name: name.into(),
        backup_type: kind.into(),
        status: status.into(),
        ..support::backup("csv-instance", id, begin)
    }
}

/// RFC 4180 records: quoted fields may hold commas, quotes and newlines.
fn parse_csv(input: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = input.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.next_if_eq(&'"').is_some() => field.push('"'),
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "ends with a line end"
    );
    records
}

#[test]
fn csv_has_the_header_quoting_and_the_json_values() {
    let server = support::mock();
    server.insert_instance(
        "csv-instance",
        &[
            backup(
                "b1",
                "nightly, \"full\"",
                "auto",
                "COMPLETED",
                "2026-01-01T02:00:00+0800",
            ),
            backup(
                "b2",
                "备份\nsecond line",
                "fancy-new-type",
                "DELETING",
                "2026-01-01T01:00:00Z",
            ),
            backup(
                "b3",
                "plain",
                "incremental",
                "FAILED",
                "2025-12-31T20:00:00+0530",
            ),
        ],
    );
    let args = ["list", "--instance-id", "csv-instance", "--all", "--output"];
    let csv = against(&server, &[&args[..], &["csv"]].concat(), "", "UTC");
    assert_eq!(csv.code, Some(0), "{}", csv.stderr);
    let csv = csv.stdout;
    assert_eq!(csv.lines().next(), Some(HEADER));
    assert!(
        csv.contains("\nb1,\"nightly, \"\"full\"\"\",csv-instance,auto,COMPLETED,MySQL,8.0,2803,"),
        "{csv}"
    );
    let json = against(&server, &[&args[..], &["json"]].concat(), "", "UTC");
    let json = json.json();
    let records = parse_csv(&csv);
    let columns: Vec<&str> = HEADER.split(',').collect();
    assert_eq!(records[0], columns);
    let backups = json["backups"].as_array().unwrap();
    assert_eq!(records.len() - 1, backups.len());
    for (row, b) in records[1..].iter().zip(backups) {
        for (column, cell) in columns.iter().zip(row) {
            let value = match column.strip_prefix("datastore_") {
                Some(key) => &b["datastore"][key],
                None => &b[*column],
            };
            let expected = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(cell, &expected, "{column} of {}", b["id"]);
        }
    }
    let b2 = &records[1..].iter().find(|r| r[0] == "b2").unwrap();
    assert_eq!(b2[1], "备份\nsecond line");
    assert_eq!(b2[3], "fancy-new-type");
}

#[test]
fn csv_of_nothing_is_the_header_alone() {
    let o = run(
        &[
            "--mock",
            "list",
            "--instance-id",
            INSTANCE_EMPTY,
            "--all",
            "--output",
            "csv",
        ],
        "",
        "UTC",
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(o.stdout, format!("{HEADER}\n"));
}

#[test]
fn a_date_alone_is_local_midnight_with_the_local_offset() {
    let server = support::mock();
    for (tz, offset) in [("CST-8", "%2B0800"), ("EST5", "-0500")] {
        let o = against(
            &server,
            &[
                "list",
                "--instance-id",
                INSTANCE_MYSQL,
                "--begin-time",
                "2026-01-01",
                "--end-time",
                "2026-01-02",
                "--output",
                "json",
            ],
            "",
            tz,
        );
        assert_eq!(o.code, Some(0), "{}", o.stderr);
        let target = server.received().last().unwrap().target.clone();
        assert!(
            target.contains(&format!(
                "begin_time=2026-01-01T00%3A00%3A00{offset}&end_time=2026-01-02T00%3A00%3A00{offset}"
            )),
            "{tz}: {target}"
        );
    }
    let o = run(
        &[
            "--mock",
            "list",
            "--instance-id",
            INSTANCE_MYSQL,
            "--begin-time",
            "2026-02-30",
            "--end-time",
            "2026-03-01",
        ],
        "",
        "UTC",
    );
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("no such day"), "{}", o.stderr);
}

fn instance_ids(ndjson: &str) -> Vec<String> {
    ndjson
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["instance_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn instance_ids_from_stdin_skip_comments_and_repeats() {
    let list = [
        "--mock",
        "list",
        "--all",
        "--output",
        "ndjson",
        "--instance-id",
    ];
    let one = |id: &str| {
        let o = run(&[&list[..], &[id]].concat(), "", "UTC");
        assert_eq!(o.code, Some(0), "{}", o.stderr);
        instance_ids(&o.stdout).len()
    };
    let (mysql, sqlserver) = (one(INSTANCE_MYSQL), one(INSTANCE_SQLSERVER));
    let stdin = format!(
        "# the fleet\n\n{INSTANCE_MYSQL}\n  {INSTANCE_SQLSERVER}  \n#{INSTANCE_SQLSERVER}\n{INSTANCE_MYSQL}\n"
    );
    let o = run(&[&list[..], &["-"]].concat(), &stdin, "UTC");
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let ids = instance_ids(&o.stdout);
    assert_eq!(ids.len(), mysql + sqlserver, "each instance listed once");
    assert!(
        ids[..mysql].iter().all(|i| i == INSTANCE_MYSQL),
        "in the order read"
    );
    assert!(ids[mysql..].iter().all(|i| i == INSTANCE_SQLSERVER));

    let o = run(&[&list[..], &["-"]].concat(), "# nothing here\n\n", "UTC");
    assert_eq!(o.code, Some(2), "no ids is a usage error");
    assert!(o.stdout.is_empty());
}
