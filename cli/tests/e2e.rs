//! The real `rds-backups` binary against the mock service.
//!
//! `--mock` runs start the mock inside the binary; runs that need faults or a
//! token start a mock here and point `--endpoint` at it.

mod support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use huaweicloud_rds_mock::{
    INSTANCE_LARGE, INSTANCE_MYSQL, INSTANCE_SQLSERVER, LARGE_INSTANCE_BACKUPS, MOCK_AUTH_TOKEN,
    MOCK_PROJECT_ID, MockConfig, MockServer, SAMPLE_SQLSERVER_INSTANCE,
};
use support::{Run, WALK_LARGE_NDJSON, against, cli, mock_with, run_list};

/// Run the binary with the runner's clean environment.
fn run(args: &[&str]) -> Run {
    cli().args(args).run()
}

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}

#[test]
fn all_pages_as_ndjson_with_concurrency() {
    let o = run(&[
        "--mock",
        "list",
        "--instance-id",
        INSTANCE_LARGE,
        "--all",
        "--concurrency",
        "8",
        "--output",
        "ndjson",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let text = o.stdout.clone();
    let ids: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), LARGE_INSTANCE_BACKUPS);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        LARGE_INSTANCE_BACKUPS,
        "no duplicates"
    );
}

#[test]
fn one_page_json_has_the_service_total() {
    let o = run(&[
        "--mock",
        "list",
        "--instance-id",
        INSTANCE_LARGE,
        "--limit",
        "7",
        "--offset",
        "3",
        "--output",
        "json",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let v = o.json();
    assert_eq!(v["backups"].as_array().unwrap().len(), 7);
    assert_eq!(v["total_count"], LARGE_INSTANCE_BACKUPS);
}

#[test]
fn documented_sample_is_printed_in_the_api_shape() {
    let o = run(&[
        "list",
        "--instance-id",
        SAMPLE_SQLSERVER_INSTANCE,
        "--mock",
        "--output",
        "json",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let v = o.json();
    let b = &v["backups"][0];
    assert_eq!(b["id"], "43e4feaab48f11e89039fa163ebaa7e4br04");
    assert_eq!(b["begin_time"], "2018-08-06T12:41:14+0800");
    assert_eq!(b["datastore"]["type"], "SQLServer");
    assert_eq!(b["databases"][1]["name"], "user02");
    assert_eq!(v["total_count"], 1);
}

#[test]
fn several_instances_count_what_was_printed() {
    let o = run(&[
        "--mock",
        "list",
        "--instance-id",
        INSTANCE_MYSQL,
        "--instance-id",
        INSTANCE_SQLSERVER,
        "--all",
        "--output",
        "json",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let v = o.json();
    let backups = v["backups"].as_array().unwrap();
    assert_eq!(v["total_count"], backups.len());
    let instances: Vec<&str> = backups
        .iter()
        .map(|b| b["instance_id"].as_str().unwrap())
        .collect();
    let first_sql = instances
        .iter()
        .position(|i| *i == INSTANCE_SQLSERVER)
        .expect("sqlserver backups");
    assert!(
        instances[..first_sql].iter().all(|i| *i == INSTANCE_MYSQL),
        "instances in the order given"
    );
    assert!(
        instances[first_sql..]
            .iter()
            .all(|i| *i == INSTANCE_SQLSERVER)
    );
}

#[test]
fn filters_reach_the_service() {
    let o = run(&[
        "--mock",
        "list",
        "--instance-id",
        INSTANCE_LARGE,
        "--backup-type",
        "incremental",
        "--all",
        "--output",
        "ndjson",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let lines: Vec<serde_json::Value> = o
        .stdout
        .clone()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|b| b["type"] == "incremental"));
}

#[test]
fn table_output_has_aligned_columns() {
    let o = run(&[
        "--mock",
        "list",
        "--instance-id",
        SAMPLE_SQLSERVER_INSTANCE,
        "--output",
        "table",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let text = o.stdout.clone();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("ID "), "{header}");
    let row = lines.next().unwrap();
    assert_eq!(
        header.find("SIZE"),
        row.find("2.7 MB"),
        "columns align:\n{text}"
    );
}

#[test]
fn unknown_instance_exits_1_with_the_api_error() {
    let o = run(&["--mock", "list", "--instance-id", "no-such-instance"]);
    assert_eq!(o.code, Some(1));
    let err = &o.stderr;
    let line = last_line(err);
    assert!(
        line.starts_with(
            "error: HTTP 400 Bad Request: DBS.200823: The DB instance does not exist. "
        ),
        "{line}"
    );
    assert!(line.contains("(request id "), "{line}");
    assert!(o.stdout.is_empty(), "json prints nothing on failure");
}

#[test]
fn invalid_values_exit_2_and_send_nothing() {
    let list = ["--mock", "list", "--instance-id", "i"];
    let begin = ["--begin-time", "2018-08-06T10:41:14+0800"];
    let cases: [Vec<&str>; 8] = [
        [&list[..], &["--limit", "0"]].concat(),
        [&list[..], &begin].concat(),
        [
            &list[..],
            &begin,
            &["--end-time", "2018-08-06T10:41:14+0800"],
        ]
        .concat(),
        [
            &list[..],
            &["--begin-time", "yesterday", "--end-time", "today"],
        ]
        .concat(),
        vec![
            "--mock",
            "--region",
            "cn-north-4",
            "list",
            "--instance-id",
            "i",
        ],
        vec!["--mock", "list", "--instance-id", ""],
        vec!["list", "--instance-id", "i"],
        vec!["--mock", "list"],
    ];
    for args in &cases {
        let o = run(args);
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn end_before_begin_names_the_rule() {
    let o = run(&[
        "--mock",
        "list",
        "--instance-id",
        "i",
        "--begin-time",
        "2018-08-16T10:41:14+0800",
        "--end-time",
        "2018-08-06T10:41:14+08:00",
    ]);
    assert_eq!(o.code, Some(2));
    assert!(
        o.last_line()
            .starts_with("error: invalid request: `end_time` must be later than begin_time")
    );
}

#[test]
fn help_and_version_exit_0() {
    let o = run(&["--help"]);
    assert_eq!(o.code, Some(0));
    assert!(o.stdout.clone().contains("Exit codes"));
    let o = run(&["list", "--help"]);
    assert!(o.stdout.clone().contains("--instance-id"));
    assert_eq!(run(&["--version"]).code, Some(0));
}

#[test]
fn closed_stdout_ends_quietly_with_0() {
    let (mut command, _home) = cli().args(WALK_LARGE_NDJSON).command();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.starts_with('{'));
    drop(out);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "quiet: {err}");
}

/// A mock started here, for token auth and faults: short fault delays.
fn mock() -> MockServer {
    mock_with(MockConfig::default().fault_delay(Duration::from_millis(300)))
}

#[test]
fn token_from_the_environment_and_a_wrong_token() {
    let server = mock();
    let url = server.base_url();
    let o = cli()
        .args([
            "--endpoint",
            &url,
            "list",
            "--instance-id",
            SAMPLE_SQLSERVER_INSTANCE,
            "--output",
            "json",
        ])
        .env("RDS_BACKUPS_AUTH_TOKEN", MOCK_AUTH_TOKEN)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", MOCK_PROJECT_ID)
        .run();
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(o.json()["total_count"], 1);

    let o = run(&[
        "--endpoint",
        &url,
        "--project-id",
        MOCK_PROJECT_ID,
        "--auth-token",
        "wrong",
        "list",
        "--instance-id",
        SAMPLE_SQLSERVER_INSTANCE,
    ]);
    assert_eq!(o.code, Some(1));
    assert!(
        o.last_line().starts_with("error: HTTP 401 Unauthorized"),
        "{}",
        o.stderr
    );
}

#[test]
fn verbose_logs_go_to_stderr_without_secrets() {
    let server = mock();
    let o = run_list(
        &server,
        &["-vvv"],
        SAMPLE_SQLSERVER_INSTANCE,
        &["--output", "json"],
    );
    assert_eq!(o.code, Some(0));
    let err = &o.stderr;
    assert!(
        err.contains("attempt"),
        "per-attempt events are logged: {err}"
    );
    assert!(
        !err.contains(MOCK_AUTH_TOKEN),
        "the token leaked into the logs"
    );
    assert_eq!(o.json()["total_count"], 1, "logs never reach stdout");
}

#[test]
fn every_list_option_reaches_the_wire() {
    let server = mock();
    let o = run_list(
        &server,
        &["--language", "en-us"],
        INSTANCE_SQLSERVER,
        &[
            "--backup-type",
            "manual",
            "--status",
            "COMPLETED",
            "--begin-time",
            "2020-01-01T00:00:00+0800",
            "--end-time",
            "2030-01-01T00:00:00Z",
            "--offset",
            "0",
            "--limit",
            "5",
            "--backup-id",
            "some-id",
            "--output",
            "json",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let received = server.received();
    let request = received.last().expect("one request");
    assert_eq!(request.header("x-language"), Some("en-us"));
    assert_eq!(
        request.target,
        format!(
            "/v3/{MOCK_PROJECT_ID}/backups?backup_id=some-id&backup_type=manual&begin_time=2020-01-01T00%3A00%3A00%2B0800&end_time=2030-01-01T00%3A00%3A00%2B0000&instance_id={INSTANCE_SQLSERVER}&limit=5&offset=0&status=COMPLETED"
        ),
        "the canonical query, times in the service's form"
    );
}

#[test]
fn status_and_window_filter_the_listing() {
    let walk = |filters: &[&str]| {
        let walk = [
            "--mock",
            "list",
            "--instance-id",
            INSTANCE_SQLSERVER,
            "--all",
        ];
        run(&[&walk[..], filters, &["--output", "json"]].concat())
    };
    let all = walk(&[]).json();
    let completed = walk(&["--status", "COMPLETED"]).json();
    let all_n = all["backups"].as_array().unwrap().len();
    let completed = completed["backups"].as_array().unwrap();
    assert!(
        !completed.is_empty() && completed.len() < all_n,
        "{} of {all_n}",
        completed.len()
    );
    assert!(completed.iter().all(|b| b["status"] == "COMPLETED"));

    // A window around the newest backup's start includes it and not the oldest.
    let backups = all["backups"].as_array().unwrap();
    let newest = backups.first().unwrap()["begin_time"]
        .as_str()
        .unwrap()
        .to_owned();
    let oldest_id = backups.last().unwrap()["id"].clone();
    let o = walk(&[
        "--begin-time",
        &newest,
        "--end-time",
        "2099-01-01T00:00:00+0800",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let windowed = o.json();
    let windowed = windowed["backups"].as_array().unwrap();
    assert_eq!(windowed.first().unwrap()["begin_time"], newest.as_str());
    assert!(windowed.iter().all(|b| b["id"] != oldest_id));
}

#[test]
fn all_with_offset_and_small_pages_matches_one_big_walk() {
    let walk = |extra: &[&str]| -> Vec<String> {
        let mut args = WALK_LARGE_NDJSON.to_vec();
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.code, Some(0), "{}", o.stderr);
        o.stdout
            .clone()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let sequential = walk(&["--concurrency", "1", "--offset", "9900", "--limit", "7"]);
    let concurrent = walk(&["--concurrency", "8", "--offset", "9900", "--limit", "7"]);
    assert_eq!(sequential.len(), 100, "walks from --offset to the end");
    assert_eq!(
        sequential, concurrent,
        "service order whatever the concurrency"
    );
}

/// `summary` and `check` take `--concurrency` as `list` does: under Paging,
/// default 8, 1 to 32 (out of range: exit 2, nothing sent); the report is
/// the same whatever the budget.
#[test]
fn summary_and_check_take_concurrency_as_list_does() {
    for command in [&["list"][..], &["summary"], &["check"]] {
        let help = run(&[command, &["--help"]].concat()).stdout;
        let paging = help.find("\nPaging:\n").expect(&help);
        let flag = paging + help[paging..].find("--concurrency <N>").expect(&help);
        let entry = &help[flag..help[flag..]
            .find("\n\n")
            .map_or(help.len(), |end| flag + end)];
        assert!(entry.contains("Requests in flight at once"), "{entry}");
        assert!(entry.contains("[default: 8]"), "{entry}");
    }
    let server = MockServer::start_background(MockConfig::default()).unwrap();
    let instances = [
        "--instance-id",
        INSTANCE_MYSQL,
        "--instance-id",
        INSTANCE_SQLSERVER,
    ];
    let summary = |concurrency: &str| {
        against(&server)
            .args(["summary", "--output", "json", "--concurrency", concurrency])
            .args(instances)
            .run()
    };
    for out_of_range in ["0", "33"] {
        summary(out_of_range).assert_exit(2);
        against(&server)
            .args(["check", "--max-age", "1h", "--concurrency", out_of_range])
            .args(instances)
            .run()
            .assert_exit(2);
    }
    assert_eq!(server.total_requests(), 0, "nothing was sent");
    let one = summary("1");
    one.assert_exit(0);
    let by_default = against(&server)
        .args(["summary", "--output", "json"])
        .args(instances)
        .run();
    by_default.assert_exit(0);
    assert_eq!(one.json()["instances"].as_array().unwrap().len(), 2);
    assert_eq!(one.json(), by_default.json());
}
