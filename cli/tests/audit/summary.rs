//! `summary` in each output, `--since` for `list` and `summary`, and the long
//! help of both audit commands.

use huaweicloud_rds_mock::faults::FAULT_500;

use crate::fixture::*;

#[test]
fn summary_json_counts_every_page_with_nulls_for_none() {
    let f = Fixture::new();
    let o = summary(&f, "json", &[TWO_PAGES, FRESH, MISSING, OFFSETS]);
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
    let o = summary(&f, "csv", &[FRESH, MISSING]);
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

    let o = summary(&f, "table", &[FRESH, MISSING]);
    o.assert_exit(0);
    let text = &o.stdout;
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.lines().nth(1).unwrap().contains("4.0 MB"), "{text}");
}

#[test]
fn summary_with_an_instance_that_fails_prints_nothing_and_exits_1() {
    let f = Fixture::new();
    let o = summary(&f, "json", &[FRESH, FAULT_500]);
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
    let both_window_ends = |command| {
        [
            command,
            "--instance-id",
            FRESH,
            "--since",
            "1d",
            "--begin-time",
            t,
            "--end-time",
            t,
        ]
    };
    let cases: [&[&str]; 7] = [
        &both_window_ends("list"),
        &both_window_ends("summary"),
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
