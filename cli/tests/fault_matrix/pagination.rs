//! What a user sees of the walk's rows: `--all` loses nothing and repeats
//! nothing, or exits 1 `incomplete` after printing (NDJSON) what it received.
//! Request counts only at `--concurrency 1`, where they are promised; at the
//! default concurrency, the outcome.

use std::collections::HashSet;

use huaweicloud_rds_mock::Fault;
use huaweicloud_rds_mock::faults::{
    FAULT_SAME_PAGE, FAULT_SHIFT, FAULT_TOTAL_COUNT_HIGH, FAULT_TOTAL_COUNT_LOW,
};

use crate::support::{MYSQL_BACKUPS, SERIAL_WALK_OF_FIVES, mock, run_list, scripted};

/// Each of `ids` once, and `expected` of them.
fn all_once(ids: &[String], expected: usize) {
    assert_eq!(ids.len(), expected);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        expected,
        "duplicates"
    );
}

#[test]
fn an_empty_page_while_total_count_says_more_exits_1_incomplete() {
    let server = mock();
    let line = "error: incomplete listing: received 250 backups but the service reported 300";
    for concurrency in ["4", "1"] {
        server.reset();
        let args = [
            "--all",
            "--limit",
            "50",
            "--concurrency",
            concurrency,
            "--output",
            "ndjson",
        ];
        let r = run_list(&server, &[], FAULT_TOTAL_COUNT_HIGH, &args);
        r.assert_exit(1);
        assert_eq!(r.last_line(), line, "{concurrency}");
        // NDJSON streams: what was received is printed, once each.
        all_once(&r.ndjson_ids(), 250);
    }
    assert_eq!(
        server.requests(FAULT_TOTAL_COUNT_HIGH),
        18,
        "three passes of six"
    );

    // JSON prints nothing on failure.
    let r = run_list(
        &server,
        &[],
        FAULT_TOTAL_COUNT_HIGH,
        &["--all", "--output", "json"],
    );
    r.assert_exit(1);
    assert!(r.stdout.is_empty());
}

#[test]
fn a_list_that_stays_shifted_exits_1_incomplete() {
    let server = mock();
    for concurrency in ["4", "1"] {
        server.reset();
        let r = run_list(
            &server,
            &[],
            FAULT_SHIFT,
            &["--all", "--concurrency", concurrency],
        );
        r.assert_exit(1);
        assert_eq!(
            r.last_line(),
            "error: incomplete listing: received 250 backups but the service reported 251"
        );
    }
    assert_eq!(server.requests(FAULT_SHIFT), 9, "three passes of three");
}

#[test]
fn the_same_page_twice_exits_0_with_every_backup_once() {
    let server = mock();
    for concurrency in ["4", "1"] {
        server.reset();
        let args = ["--all", "--concurrency", concurrency, "--output", "json"];
        let r = run_list(&server, &["-v"], FAULT_SAME_PAGE, &args);
        r.assert_exit(0);
        all_once(&r.ids(), 250);
        assert_eq!(r.json()["total_count"], 250);
        assert!(
            r.stderr
                .contains("the listing changed during the walk; walking it again"),
            "the re-walk is logged: {}",
            r.stderr
        );
    }
    assert_eq!(server.requests(FAULT_SAME_PAGE), 6, "two passes of three");
}

#[test]
fn total_count_shrinking_mid_walk_exits_0_with_everything() {
    let s = scripted(
        vec![Fault::None, Fault::TotalCountDelta(-8)],
        &[],
        &[&SERIAL_WALK_OF_FIVES[..], &["--output", "json"]].concat(),
    );
    s.run.assert_exit(0);
    all_once(&s.run.ids(), MYSQL_BACKUPS as usize);
    // Pass 1: offsets 0, 5 (total 5: stop); pass 2: 0, 5, 10.
    assert_eq!(s.requests, 5);
}

#[test]
fn total_count_low_exits_0_where_the_service_says_the_listing_ends() {
    let server = mock();
    for concurrency in ["4", "1"] {
        server.reset();
        let args = ["--all", "--concurrency", concurrency, "--output", "json"];
        let r = run_list(&server, &[], FAULT_TOTAL_COUNT_LOW, &args);
        r.assert_exit(0);
        all_once(&r.ids(), 200);
    }
    assert_eq!(server.requests(FAULT_TOTAL_COUNT_LOW), 2);
}
