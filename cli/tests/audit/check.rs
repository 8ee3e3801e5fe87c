//! `check`: each state, the exit codes, the window it lists, `--kind`, its
//! outputs, many instances and no service at all.

use huaweicloud_rds_mock::faults::FAULT_500;
use huaweicloud_rds_mock::{MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY};

use crate::fixture::*;
use crate::support;

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
