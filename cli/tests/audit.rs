//! `summary`, `check` and `--since`: the real binary against a mock started
//! here, holding instances made at test time relative to now (fresh, stale,
//! missing, failed-only, mixed offsets, a window of two pages) and erroring
//! ones (a fault instance, an unknown instance).

mod support;

use huaweicloud_rds::Timestamp;
use huaweicloud_rds_mock::data::Backup;
use huaweicloud_rds_mock::faults::FAULT_500;
use huaweicloud_rds_mock::{
    MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig, MockServer,
};

use support::Run;

const FRESH: &str = "audit-fresh";
const OFFSETS: &str = "audit-mixed-offsets";
const STALE: &str = "audit-stale";
const MISSING: &str = "audit-no-backups";
const FAILED_ONLY: &str = "audit-failed-only";
const TWO_PAGES: &str = "audit-two-pages";
const UNKNOWN: &str = "audit-unknown-instance";

/// 26 hours, the documented example, in seconds.
const MAX_AGE: i64 = 93_600;

const HOUR: i64 = 3600;

/// A mock holding the audit instances.
struct Fixture {
    server: MockServer,
}

fn now() -> i64 {
    Timestamp::now(0)
        .expect("a clock after 1970")
        .unix_seconds()
}

/// `ago` seconds before now, written with `offset_minutes` as the service may.
fn time_ago(ago: i64, offset_minutes: i16) -> String {
    Timestamp::from_unix_seconds(now() - ago, offset_minutes)
        .unwrap()
        .to_string()
}

/// A backup as the mock stores it (built from its JSON form, as the service
/// writes it).
fn backup(instance: &str, id: &str, type_: &str, status: &str, begin: String) -> Backup {
    serde_json::from_value(serde_json::json!({
        "id": id, "name": format!("{instance}-{id}"), "type": type_, "size": 1024,
        "status": status, "begin_time": begin, "end_time": begin,
        "datastore": {"type": "MySQL", "version": "8.0"}, "instance_id": instance
    }))
    .expect("a well-formed backup")
}

impl Fixture {
    fn new() -> Fixture {
        let server = support::mock_with(MockConfig::default());
        let b = backup;
        let beijing = 480;
        server.insert_instance(
            FRESH,
            &[
                b(
                    FRESH,
                    "fresh-auto",
                    "auto",
                    "COMPLETED",
                    time_ago(2 * HOUR, beijing),
                ),
                // Newer, but not a completed full backup.
                b(
                    FRESH,
                    "fresh-failed",
                    "auto",
                    "FAILED",
                    time_ago(HOUR, beijing),
                ),
                b(
                    FRESH,
                    "fresh-incr",
                    "incremental",
                    "COMPLETED",
                    time_ago(600, beijing),
                ),
                b(
                    FRESH,
                    "fresh-old",
                    "manual",
                    "COMPLETED",
                    time_ago(30 * 24 * HOUR, beijing),
                ),
            ],
        );
        // In text, the +0800 time sorts after the `Z` one; as instants the
        // `Z` one is two hours newer.
        server.insert_instance(
            OFFSETS,
            &[
                b(
                    OFFSETS,
                    "offsets-z",
                    "manual",
                    "COMPLETED",
                    time_ago(HOUR, 0),
                ),
                b(
                    OFFSETS,
                    "offsets-cst",
                    "auto",
                    "COMPLETED",
                    time_ago(3 * HOUR, beijing),
                ),
            ],
        );
        server.insert_instance(
            STALE,
            &[b(
                STALE,
                "stale-auto",
                "auto",
                "COMPLETED",
                time_ago(3 * 24 * HOUR, beijing),
            )],
        );
        server.insert_instance(MISSING, &[]);
        server.insert_instance(
            FAILED_ONLY,
            &[
                b(
                    FAILED_ONLY,
                    "failed-auto",
                    "auto",
                    "FAILED",
                    time_ago(HOUR, beijing),
                ),
                b(
                    FAILED_ONLY,
                    "building-manual",
                    "manual",
                    "BUILDING",
                    time_ago(600, beijing),
                ),
            ],
        );
        let many: Vec<Backup> = (0..150)
            .map(|i| {
                b(
                    TWO_PAGES,
                    &format!("page-{i:03}"),
                    "auto",
                    "COMPLETED",
                    time_ago(HOUR + i * 60, beijing),
                )
            })
            .collect();
        server.insert_instance(TWO_PAGES, &many);
        Fixture { server }
    }

    /// Runs the binary against this mock with AK/SK from the environment (the
    /// shared runner sets HOME and the metadata and IAM endpoints).
    fn run(&self, args: &[&str]) -> Run {
        self.cli(args).run()
    }

    /// As [`Fixture::run`], with the local zone UTC.
    fn run_in_utc(&self, args: &[&str]) -> Run {
        self.cli(args).env("TZ", "UTC").run()
    }

    fn cli(&self, args: &[&str]) -> support::Cli {
        support::cli()
            .args(["--endpoint", &self.server.base_url(), "--max-attempts", "1"])
            .args(args)
            .env("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY)
            .env("HUAWEICLOUD_SDK_SK", MOCK_SECRET_KEY)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", MOCK_PROJECT_ID)
    }

    /// The decoded `name=value` of each query the mock received for `instance`.
    fn queries(&self, instance: &str) -> Vec<Vec<(String, String)>> {
        self.server
            .received()
            .into_iter()
            .filter(|r| r.instance_id.as_deref() == Some(instance))
            .map(|r| {
                let query = r.target.split_once('?').map_or("", |(_, q)| q).to_owned();
                query
                    .split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.to_owned(), decode(v)))
                    .collect()
            })
            .collect()
    }
}

fn decode(value: &str) -> String {
    value
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%3A", ":")
        .replace("%3a", ":")
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn instance_args(ids: &[&'static str]) -> Vec<&'static str> {
    ids.iter().flat_map(|id| ["--instance-id", *id]).collect()
}

fn check(f: &Fixture, ids: &[&'static str], extra: &[&str]) -> Run {
    let mut args = vec!["check", "--max-age", "26h"];
    args.extend(instance_args(ids));
    args.extend_from_slice(extra);
    f.run(&args)
}

fn instant(text: &str) -> i64 {
    text.parse::<Timestamp>().unwrap().unix_seconds()
}

#[test]
fn check_reports_every_state_and_an_error_wins_with_exit_1() {
    let f = Fixture::new();
    let ids = [
        FRESH,
        OFFSETS,
        STALE,
        MISSING,
        FAILED_ONLY,
        FAULT_500,
        UNKNOWN,
    ];
    let o = check(&f, &ids, &["--output", "json"]);
    o.assert_exit(1);
    let v = o.json();
    assert_eq!(v["max_age_seconds"], MAX_AGE);
    assert_eq!(v["kind"], "full");
    let checked_at = v["checked_at"].as_str().unwrap();
    assert!(checked_at.ends_with("+0800"), "{checked_at}");
    let checked_at = instant(checked_at);

    let entries = v["instances"].as_array().unwrap();
    let order: Vec<&str> = entries
        .iter()
        .map(|e| e["instance_id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ids, "instances in the order given");
    let entry = |id: &str| entries.iter().find(|e| e["instance_id"] == id).unwrap();

    for (id, latest) in [(FRESH, "fresh-auto"), (OFFSETS, "offsets-z")] {
        let e = entry(id);
        assert_eq!(e["fresh"], true, "{e}");
        assert_eq!(e["latest"]["id"], latest, "{e}");
        assert_eq!(e["latest"]["status"], "COMPLETED");
        assert!(e["error"].is_null());
        let begin = instant(e["latest"]["begin_time"].as_str().unwrap());
        assert_eq!(e["age_seconds"], checked_at - begin, "{e}");
    }
    for id in [STALE, MISSING, FAILED_ONLY] {
        let e = entry(id);
        assert_eq!(e["fresh"], false, "{e}");
        assert!(e["latest"].is_null() && e["age_seconds"].is_null(), "{e}");
        assert!(e["error"].is_null(), "{e}");
    }
    let fault = entry(FAULT_500);
    assert_eq!(fault["fresh"], false);
    assert!(fault["latest"].is_null() && fault["age_seconds"].is_null());
    assert_eq!(fault["error"]["status"], 500);
    assert_eq!(fault["error"]["error_code"], "DBS.108000");
    assert!(fault["error"]["error_msg"].is_string());
    assert!(fault["error"]["request_id"].is_string());
    let unknown = entry(UNKNOWN);
    let status = unknown["error"]["status"].as_u64().unwrap();
    assert!((400..500).contains(&status), "a client error: {unknown}");
    assert_eq!(unknown["error"]["error_code"], "DBS.200823");

    let err = &o.stderr;
    assert!(err.contains(&format!("error: {FAULT_500}: ")), "{err}");
    assert!(err.contains(&format!("error: {UNKNOWN}: ")), "{err}");
}

#[test]
fn check_exits_3_when_one_is_stale_and_0_when_all_are_fresh() {
    let f = Fixture::new();
    for (ids, code) in [
        (&[FRESH, STALE][..], 3),
        (&[MISSING, FRESH][..], 3),
        (&[FAILED_ONLY][..], 3),
        (&[FRESH, OFFSETS, TWO_PAGES][..], 0),
    ] {
        let o = check(&f, ids, &["--output", "json"]);
        o.assert_exit(code);
        assert_eq!(o.json()["instances"].as_array().unwrap().len(), ids.len());
        assert!(o.stderr.is_empty(), "{ids:?}: {}", o.stderr);
    }
}

#[test]
fn check_lists_only_the_window_a_page_or_two_per_instance() {
    let f = Fixture::new();
    let o = check(&f, &[FRESH, TWO_PAGES], &["--output", "json"]);
    o.assert_exit(0);
    let v = o.json();
    let two_pages = &v["instances"][1];
    assert_eq!(two_pages["latest"]["id"], "page-000", "{two_pages}");

    let fresh = f.queries(FRESH);
    assert_eq!(fresh.len(), 1, "one request: {fresh:?}");
    let q = &fresh[0];
    let begin = param(q, "begin_time").expect("begin_time sent");
    let end = param(q, "end_time").expect("end_time sent");
    assert!(begin.ends_with("+0800") && end.ends_with("+0800"), "{q:?}");
    assert_eq!(instant(end) - instant(begin), MAX_AGE);
    assert_eq!(end, v["checked_at"], "the window ends at the check's time");
    assert_eq!(
        param(q, "backup_type"),
        None,
        "full is three types: none sent"
    );

    let pages = f.queries(TWO_PAGES);
    assert_eq!(pages.len(), 2, "150 backups in the window: {pages:?}");
    assert!(pages.iter().all(|q| param(q, "begin_time") == Some(begin)));
}

#[test]
fn kind_selects_which_backups_count() {
    let f = Fixture::new();
    let o = check(&f, &[FRESH], &["--kind", "incremental", "--output", "json"]);
    o.assert_exit(0);
    let v = o.json();
    assert_eq!(v["kind"], "incremental");
    assert_eq!(v["instances"][0]["latest"]["id"], "fresh-incr");
    assert_eq!(
        param(&f.queries(FRESH)[0], "backup_type"),
        Some("incremental")
    );

    let o = check(
        &f,
        &[FRESH, OFFSETS],
        &["--kind", "any", "--output", "json"],
    );
    o.assert_exit(0);
    let v = o.json();
    assert_eq!(v["instances"][0]["latest"]["id"], "fresh-incr");
    assert_eq!(v["instances"][1]["latest"]["id"], "offsets-z");

    let o = check(&f, &[FAILED_ONLY], &["--kind", "any", "--output", "json"]);
    o.assert_exit(3);
}

#[test]
fn prometheus_output_has_the_documented_samples() {
    let f = Fixture::new();
    let o = check(
        &f,
        &[FRESH, MISSING, FAULT_500],
        &["--output", "prometheus"],
    );
    o.assert_exit(1);
    let text = &o.stdout;
    let samples: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let value = |prefix: &str| {
        samples
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .map(|v| v.trim().parse::<i64>().unwrap())
    };
    let fresh = format!("{{instance_id=\"{FRESH}\",kind=\"full\"}}");
    let missing = format!("{{instance_id=\"{MISSING}\",kind=\"full\"}}");
    assert_eq!(value(&format!("rds_backup_fresh{fresh}")), Some(1));
    assert_eq!(value(&format!("rds_backup_fresh{missing}")), Some(0));
    let ts = value(&format!(
        "rds_backup_latest_completed_begin_timestamp_seconds{fresh}"
    ));
    let age = value(&format!("rds_backup_age_seconds{fresh}")).unwrap();
    assert!(ts.unwrap() + age <= now() && age >= 2 * HOUR, "{text}");
    assert_eq!(
        value(&format!(
            "rds_backup_check_success{{instance_id=\"{FAULT_500}\"}}"
        )),
        Some(0)
    );
    assert_eq!(
        value(&format!(
            "rds_backup_check_success{{instance_id=\"{MISSING}\"}}"
        )),
        Some(1)
    );
    // None in the window: no timestamp, no age. Not checked: nothing else.
    assert!(
        !samples
            .iter()
            .any(|l| l.contains(MISSING) && l.contains("_seconds"))
    );
    assert_eq!(samples.iter().filter(|l| l.contains(FAULT_500)).count(), 1);
    for name in [
        "rds_backup_fresh",
        "rds_backup_latest_completed_begin_timestamp_seconds",
        "rds_backup_age_seconds",
        "rds_backup_check_success",
    ] {
        assert!(text.contains(&format!("# HELP {name} ")), "{name}");
        assert!(text.contains(&format!("# TYPE {name} gauge\n")), "{name}");
    }
}

#[test]
fn check_table_says_fresh_stale_or_error() {
    let f = Fixture::new();
    let o = check(&f, &[FRESH, STALE, FAULT_500], &["--output", "table"]);
    o.assert_exit(1);
    let text = &o.stdout;
    let row = |id: &str| text.lines().find(|l| l.starts_with(id)).unwrap().to_owned();
    assert!(text.starts_with("INSTANCE"), "{text}");
    let fresh = row(FRESH);
    assert!(fresh.contains(" fresh ") && fresh.contains("fresh-auto") && fresh.contains(" 2h "));
    assert!(row(STALE).contains(" STALE "), "{text}");
    assert!(row(FAULT_500).contains(" ERROR "), "{text}");
}

/// A service time as the tables show it in UTC: `2026-12-01 07:36:00`.
fn in_utc(service_text: &str) -> String {
    let utc = Timestamp::from_unix_seconds(instant(service_text), 0).unwrap();
    utc.to_string().replace('T', " ").replace("+0000", "")
}

#[test]
fn audit_tables_show_local_times_named_in_the_header_as_list_does() {
    let f = Fixture::new();
    let o = check(&f, &[FRESH], &["--output", "json"]);
    let begin = o.json()["instances"][0]["latest"]["begin_time"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut args = vec!["check", "--max-age", "26h", "--output", "table"];
    args.extend(instance_args(&[FRESH]));
    let o = f.run_in_utc(&args);
    o.assert_exit(0);
    assert!(
        o.stdout.lines().next().unwrap().ends_with("BEGIN (UTC)"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains(&in_utc(&begin)), "{}", o.stdout);

    let o = f.run(&["summary", "--output", "json", "--instance-id", FRESH]);
    let last = o.json()["instances"][0]["last_begin_time"]
        .as_str()
        .unwrap()
        .to_owned();
    let o = f.run_in_utc(&["summary", "--output", "table", "--instance-id", FRESH]);
    o.assert_exit(0);
    let header = o.stdout.lines().next().unwrap();
    assert!(
        header.contains("FIRST BEGIN (UTC)") && header.contains("LAST BEGIN (UTC)"),
        "{header}"
    );
    assert!(o.stdout.contains(&in_utc(&last)), "{}", o.stdout);
    assert!(!o.stdout.contains("+0800"), "{}", o.stdout);
}

#[test]
fn summary_json_counts_every_page_with_nulls_for_none() {
    let f = Fixture::new();
    let mut args = vec!["summary", "--output", "json"];
    args.extend(instance_args(&[TWO_PAGES, FRESH, MISSING, OFFSETS]));
    let o = f.run(&args);
    o.assert_exit(0);
    let v = o.json();
    let s = v["instances"].as_array().unwrap();
    assert_eq!(s.len(), 4);

    assert_eq!(s[0]["instance_id"], TWO_PAGES);
    assert_eq!(s[0]["backups"], 150);
    assert_eq!(s[0]["size"], 150 * 1024);
    assert_eq!(s[0]["latest_completed"]["id"], "page-000");
    assert_eq!(f.queries(TWO_PAGES).len(), 2, "every page walked");

    let fresh = &s[1];
    assert_eq!(fresh["backups"], 4);
    assert_eq!(
        fresh["by_status"],
        serde_json::json!({"COMPLETED": 3, "FAILED": 1})
    );
    assert_eq!(
        fresh["by_type"],
        serde_json::json!({"auto": 2, "incremental": 1, "manual": 1})
    );
    // The newest COMPLETED of any type, and the time span of all of them.
    assert_eq!(fresh["latest_completed"]["id"], "fresh-incr");
    let first = fresh["first_begin_time"].as_str().unwrap();
    assert!(first.ends_with("+0800"), "times keep the service's form");
    assert!(instant(first) <= now() - 30 * 24 * HOUR);
    assert_eq!(
        fresh["last_begin_time"],
        fresh["latest_completed"]["begin_time"]
    );

    let missing = &s[2];
    assert_eq!(missing["backups"], 0);
    assert_eq!(missing["size"], 0);
    assert_eq!(missing["by_status"], serde_json::json!({}));
    for key in ["first_begin_time", "last_begin_time", "latest_completed"] {
        assert!(missing[key].is_null(), "{key}: {missing}");
    }

    let offsets = &s[3];
    assert_eq!(offsets["latest_completed"]["id"], "offsets-z");
    let last = offsets["last_begin_time"].as_str().unwrap();
    assert!(last.ends_with("+0000"), "the `Z` time is the last: {last}");
}

#[test]
fn summary_csv_and_table_have_one_row_per_instance() {
    let f = Fixture::new();
    let mut args = vec!["summary", "--output", "csv"];
    args.extend(instance_args(&[FRESH, MISSING]));
    let o = f.run(&args);
    o.assert_exit(0);
    let text = &o.stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "instance_id,backups,size,by_status,by_type,first_begin_time,last_begin_time,latest_completed_id,latest_completed_begin_time"
    );
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with(&format!(
        "{FRESH},4,4096,COMPLETED=3;FAILED=1,auto=2;incremental=1;manual=1,"
    )));
    assert_eq!(lines[2], format!("{MISSING},0,0,,,,,,"));

    let mut args = vec!["summary", "--output", "table"];
    args.extend(instance_args(&[FRESH, MISSING]));
    let o = f.run(&args);
    o.assert_exit(0);
    let text = &o.stdout;
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.lines().nth(1).unwrap().contains("4.0 MB"), "{text}");
}

#[test]
fn summary_with_an_instance_that_fails_prints_nothing_and_exits_1() {
    let f = Fixture::new();
    let mut args = vec!["summary", "--output", "json"];
    args.extend(instance_args(&[FRESH, FAULT_500]));
    let o = f.run(&args);
    o.assert_exit(1);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let last = o.last_line().to_owned();
    assert!(
        last.starts_with(&format!("error: {FAULT_500}: HTTP 500")),
        "{last}"
    );
}

#[test]
fn since_sends_the_window_ending_now_for_list_and_summary() {
    let f = Fixture::new();
    let o = f.run(&[
        "list",
        "--instance-id",
        FRESH,
        "--since",
        "90m",
        "--output",
        "json",
    ]);
    o.assert_exit(0);
    let ids: Vec<String> = o.json()["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["fresh-incr", "fresh-failed"]);
    let q = &f.queries(FRESH)[0];
    let (begin, end) = (
        param(q, "begin_time").unwrap(),
        param(q, "end_time").unwrap(),
    );
    assert!(begin.ends_with("+0800") && end.ends_with("+0800"), "{q:?}");
    assert_eq!(instant(end) - instant(begin), 90 * 60);
    assert!(
        (instant(end) - now()).abs() < 600,
        "the window ends now: {end}"
    );

    f.server.reset();
    let o = f.run(&[
        "summary",
        "--instance-id",
        FRESH,
        "--since",
        "7d",
        "--output",
        "json",
    ]);
    o.assert_exit(0);
    assert_eq!(
        o.json()["instances"][0]["backups"],
        3,
        "the 30-day-old one is out"
    );
    let q = &f.queries(FRESH)[0];
    let (begin, end) = (
        param(q, "begin_time").unwrap(),
        param(q, "end_time").unwrap(),
    );
    assert_eq!(instant(end) - instant(begin), 7 * 24 * HOUR);
}

#[test]
fn since_with_an_explicit_window_or_a_bad_duration_exits_2_and_sends_nothing() {
    let f = Fixture::new();
    let t = "2026-01-01T00:00:00+0800";
    let cases: [&[&str]; 7] = [
        &[
            "list",
            "--instance-id",
            FRESH,
            "--since",
            "1d",
            "--begin-time",
            t,
            "--end-time",
            t,
        ],
        &[
            "summary",
            "--instance-id",
            FRESH,
            "--since",
            "1d",
            "--begin-time",
            t,
            "--end-time",
            t,
        ],
        &[
            "list",
            "--instance-id",
            FRESH,
            "--since",
            "1d",
            "--end-time",
            t,
        ],
        &["list", "--instance-id", FRESH, "--since", "1y"],
        &["summary", "--instance-id", FRESH, "--since", "0h"],
        &["check", "--instance-id", FRESH, "--max-age", "soon"],
        &[
            "check",
            "--instance-id",
            FRESH,
            "--max-age",
            "1d",
            "--kind",
            "differential",
        ],
    ];
    for args in cases {
        let o = f.run(args);
        o.assert_exit(2);
        assert!(o.stderr.contains("error:"), "{args:?}: {}", o.stderr);
    }
    let o = f.run(&["check", "--instance-id", FRESH]);
    o.assert_exit(2);
    assert!(o.stderr.contains("--max-age"), "{}", o.stderr);
    assert_eq!(f.server.total_requests(), 0, "nothing was sent");
}

#[test]
fn long_help_of_summary_and_check_ends_with_examples() {
    let f = Fixture::new();
    for (command, example) in [
        (
            "summary",
            "rds-backups summary --instance-id - --since 7d --output csv",
        ),
        (
            "check",
            "rds-backups check --instance-id ID1 --instance-id ID2 --max-age 26h",
        ),
    ] {
        let o = f.run(&[command, "--help"]);
        o.assert_exit(0);
        let text = &o.stdout;
        assert!(
            text.contains("Examples:") && text.contains(example),
            "{text}"
        );
        assert!(text.contains("--since") == (command == "summary"), "{text}");
    }
}

#[test]
fn many_instances_are_reported_in_the_order_given() {
    let f = Fixture::new();
    let ids: Vec<String> = (0..24).map(|i| format!("audit-many-{i:02}")).collect();
    for (i, id) in ids.iter().enumerate() {
        // Every third one has no backup; the others one begun i minutes ago.
        let backups = if i % 3 == 0 {
            vec![]
        } else {
            vec![backup(
                id,
                &format!("b-{i:02}"),
                "auto",
                "COMPLETED",
                time_ago(i as i64 * 60, 480),
            )]
        };
        f.server.insert_instance(id, &backups);
    }
    let mut args = vec!["check", "--max-age", "2h", "--output", "json"];
    for id in &ids {
        args.extend(["--instance-id", id.as_str()]);
    }
    let o = f.run(&args);
    o.assert_exit(3);
    let v = o.json();
    let entries = v["instances"].as_array().unwrap();
    assert_eq!(entries.len(), ids.len());
    for (i, (entry, id)) in entries.iter().zip(&ids).enumerate() {
        assert_eq!(entry["instance_id"], id.as_str());
        assert_eq!(entry["fresh"], i % 3 != 0, "{entry}");
        if i % 3 != 0 {
            assert_eq!(entry["latest"]["id"], format!("b-{i:02}"));
        }
    }
}

#[test]
fn check_without_a_service_reports_every_instance_as_failed() {
    let o = support::cli()
        .args([
            "--endpoint",
            &support::unused_loopback_url(),
            "--max-attempts",
            "1",
        ])
        .args(["check", "--max-age", "1d", "--output", "json"])
        .args(instance_args(&[FRESH, STALE]))
        .env("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", MOCK_SECRET_KEY)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", MOCK_PROJECT_ID)
        .run();
    o.assert_exit(1);
    let v = o.json();
    for (entry, id) in v["instances"]
        .as_array()
        .unwrap()
        .iter()
        .zip([FRESH, STALE])
    {
        assert_eq!(entry["instance_id"], id);
        assert_eq!(entry["fresh"], false);
        let error = &entry["error"];
        assert!(
            error["status"].is_null() && error["error_code"].is_null(),
            "{error}"
        );
        assert!(error["request_id"].is_null(), "{error}");
        let msg = error["error_msg"].as_str().unwrap();
        assert!(msg.contains("connection"), "{msg}");
    }
}
