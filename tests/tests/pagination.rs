//! The pagination rules and the pagination rows of the fault
//! matrix (`docs/fault-matrix.md`), through `list_all` / `collect_all` / `list_instances`
//! against the mock service:
//!
//! - the offset advances by the items received; pages are fetched while the
//!   last one was full and the offset is below the latest `total_count`; an
//!   empty page ends a pass;
//! - concurrent pages come out in service order, equal to a sequential walk;
//! - duplicates are dropped by id;
//! - a pass that saw `total_count` change (or came up short) is walked again,
//!   sequentially, with a warning, up to three passes; what is still missing
//!   then ends the stream with `Error::Incomplete { received, reported }`;
//! - the walk holds only the pages in flight and stops when dropped;
//! - `list_instances` shares one budget of requests in flight among
//!   instances, delivers in order and buffers a bounded number of pages.
//!
//! Outcomes are exact: the full set in order with no duplicates, or
//! `Incomplete` with its numbers, plus the request count that shows whether
//! (and how often) the listing was walked again.

mod support;

use std::time::{Duration, Instant};

use huaweicloud_rds::types::Backup;
use huaweicloud_rds::{BackupStream, Error, ListBackups, RdsClient, WalkEvent, WalkOptions};
use huaweicloud_rds_mock::faults::{
    FAULT_500, FAULT_SAME_PAGE, FAULT_SHIFT, FAULT_TOTAL_COUNT_HIGH, FAULT_TOTAL_COUNT_LOW,
};
use huaweicloud_rds_mock::{
    Fault, INSTANCE_EMPTY, INSTANCE_LARGE, INSTANCE_MARIADB, INSTANCE_MYSQL, INSTANCE_POSTGRESQL,
    INSTANCE_SQLSERVER, LARGE_INSTANCE_BACKUPS, MockServer, Reply,
};
use support::{assert_no_duplicates, capture_logs, client, guarded, ids, logs, mock, mock_ids};

const REWALK_WARNING: &str = "the listing changed during the walk; walking it again";

fn walk(concurrency: usize) -> WalkOptions {
    WalkOptions::default().concurrency(concurrency)
}

/// A fresh mock and a client for it with the default settings.
async fn mock_client() -> (MockServer, RdsClient) {
    let server = mock().await;
    let c = client(&server).build().unwrap();
    (server, c)
}

/// Everything a stream yields: the backups, then the error it ended with (if
/// any); checks that nothing follows the error.
async fn drain(mut stream: BackupStream) -> (Vec<Backup>, Option<Error>) {
    let mut all = Vec::new();
    while let Some(item) = stream.next_batch().await {
        match item {
            Ok(batch) => {
                assert!(!batch.is_empty(), "batches are never empty");
                all.extend(batch);
            }
            Err(e) => {
                assert!(stream.next().await.is_none(), "the stream ends at an error");
                return (all, Some(e));
            }
        }
    }
    (all, None)
}

fn incomplete(error: Option<Error>) -> (u64, u64) {
    match error {
        Some(Error::Incomplete { received, reported }) => (received, reported),
        other => panic!("expected Error::Incomplete, got {other:?}"),
    }
}

/// The warning of a re-walk of `instance` was logged.
fn rewalk_warned(instance: &str) -> bool {
    logs()
        .lines()
        .any(|l| l.contains(REWALK_WARNING) && l.contains(&format!("instance_id={instance}")))
}

/// One page at a time with `list_backups`, by hand: the reference order.
async fn sequential_reference(c: &RdsClient, instance: &str, limit: u32) -> Vec<String> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = c
            .list_backups(&ListBackups::new(instance).offset(offset).limit(limit))
            .await
            .unwrap();
        if page.backups.is_empty() {
            break;
        }
        offset += page.backups.len() as u32;
        out.extend(ids(&page.backups));
        if offset >= page.total_count as u32 {
            break;
        }
    }
    out
}

// --- A stable listing ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_backups_at_concurrency_1_4_8_equal_the_sequential_walk() {
    capture_logs();
    guarded(Duration::from_secs(5), async {
        let (server, c) = mock_client().await;
        let reference = sequential_reference(&c, INSTANCE_LARGE, 100).await;
        assert_eq!(reference.len(), LARGE_INSTANCE_BACKUPS);
        assert_eq!(reference, mock_ids(INSTANCE_LARGE));
        for concurrency in [1, 4, 8] {
            server.reset();
            let all = c
                .collect_all(ListBackups::new(INSTANCE_LARGE), walk(concurrency))
                .await
                .unwrap();
            assert!(ids(&all) == reference, "concurrency {concurrency}: order");
            // 100 full pages, no page fetched twice, none past the end.
            assert_eq!(server.requests(INSTANCE_LARGE), 100, "{concurrency}");
        }
        assert!(
            !rewalk_warned(INSTANCE_LARGE),
            "a stable listing is walked once"
        );
    })
    .await;
}

/// The offset advances by what was received: a start offset and a page size
/// that does not divide the listing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_offset_and_an_uneven_page_size_walk_to_the_exact_end() {
    guarded(Duration::from_secs(5), async {
        let (server, c) = mock_client().await;
        let reference = mock_ids(INSTANCE_LARGE);
        for concurrency in [1, 4] {
            server.reset();
            let request = ListBackups::new(INSTANCE_LARGE).offset(5).limit(37);
            let all = c.collect_all(request, walk(concurrency)).await.unwrap();
            assert!(ids(&all) == reference[5..], "concurrency {concurrency}");
            // 9,995 backups in pages of 37: 270 full pages and one of 5.
            assert_eq!(server.requests(INSTANCE_LARGE), 271, "{concurrency}");
        }
    })
    .await;
}

/// Pages wait in a bounded buffer: a consumer that does not read stops the
/// walk after the pages in flight, and dropping the stream ends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_consumer_holds_only_the_pages_in_flight() {
    guarded(Duration::from_secs(10), async {
        let (server, c) = mock_client().await;
        let concurrency = 4;
        let reference = mock_ids(INSTANCE_LARGE); // generated before the clock runs
        let stream = c.list_all(ListBackups::new(INSTANCE_LARGE), walk(concurrency));
        // The walk fetches ahead of an idle consumer...
        wait_for(|| server.requests(INSTANCE_LARGE) > concurrency as u64).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        // ...but no further than one page in the channel, `concurrency`
        // pages not yet taken and `concurrency` in flight.
        let bound = 1 + 2 * concurrency as u64;
        let fetched = server.requests(INSTANCE_LARGE);
        assert!(
            fetched <= bound,
            "{fetched} pages fetched for an idle consumer (bound {bound})"
        );
        let (all, error) = drain(stream).await;
        assert!(error.is_none());
        assert!(ids(&all) == reference);

        server.reset();
        let stream = c.list_all(ListBackups::new(INSTANCE_LARGE), walk(concurrency));
        wait_for(|| server.requests(INSTANCE_LARGE) > 0).await;
        drop(stream);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let at_drop = server.requests(INSTANCE_LARGE);
        assert!(at_drop <= bound, "{at_drop}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(server.requests(INSTANCE_LARGE), at_drop, "the walk stopped");
    })
    .await;
}

/// How long a held-back first page is held: assertions about what happens
/// meanwhile are made only if they ran before it can have been answered.
const HELD: Duration = Duration::from_secs(3);

/// Polls `done` until it holds (the test's guard catches a hang).
async fn wait_for(done: impl Fn() -> bool) {
    while !done() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

// --- Empty pages ----------------------------------------------------------------

/// `reported` counts from the start offset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incomplete_counts_from_the_start_offset() {
    guarded(Duration::from_secs(3), async {
        let (server, c) = mock_client().await;
        let request = ListBackups::new(FAULT_TOTAL_COUNT_HIGH)
            .offset(10)
            .limit(50);
        // Sequential, for an exact count: concurrent pages planned from the
        // reported 300 may include offset 260 before the short page at 210.
        let (all, error) = drain(c.list_all(request, walk(1))).await;
        assert!(ids(&all) == mock_ids(FAULT_TOTAL_COUNT_HIGH)[10..]);
        assert_eq!(incomplete(error), (240, 290));
        // Offsets 10, 60, 110, 160 full, 210 short (40): five pages a pass.
        assert_eq!(server.requests(FAULT_TOTAL_COUNT_HIGH), 15);
    })
    .await;
}

// --- A listing that changes during the walk ---------------------------------------------

/// A backup is created after the first page: every later request sees the list
/// shifted by one. The second pass (sequential, from the start) finds the new
/// backup; nothing is duplicated or lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_shifts_by_one_between_pages_is_walked_again_completely() {
    capture_logs();
    guarded(Duration::from_secs(3), async {
        let server = mock().await;
        let instance = "walk-shift";
        let plain = server.insert_plain_instance(instance, 250);
        let mut script = vec![Fault::None];
        script.extend(std::iter::repeat_n(Fault::ShiftByOne, 20));
        server.script(instance, script);
        let c = client(&server).build().unwrap();
        let (all, error) = drain(c.list_all(ListBackups::new(instance), walk(1))).await;
        assert!(error.is_none(), "{error:?}");
        let got = ids(&all);
        assert_no_duplicates(&got);
        assert_eq!(got.len(), 251);
        assert!(got[..250] == plain, "the 250 in service order");
        assert!(all[250].name.starts_with("phantom-"), "then the new one");
        // Pass 1: offsets 0, 100, 200 (totals 250, 251, 251); pass 2 the same
        // (251 throughout).
        assert_eq!(server.requests(instance), 6);
        assert!(rewalk_warned(instance));
    })
    .await;
}

/// Listings that no pass walks completely: every pass comes up short, so
/// after three passes the stream yields what it has, in order, then
/// `Incomplete`, at any concurrency.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_instances_never_walked_completely_are_incomplete_after_three_passes() {
    capture_logs();
    struct Case {
        instance: &'static str,
        limit: Option<u32>,
        incomplete: (u64, u64),
        requests: u64,
    }
    let cases = [
        // A `total_count` of 300 over 250 backups: after the fifth full page
        // of 50 the sixth is empty; three passes of six pages (offsets 0,
        // 50, ..., 250).
        Case {
            instance: FAULT_TOTAL_COUNT_HIGH,
            limit: Some(50),
            incomplete: (250, 300),
            requests: 18,
        },
        // The new backup is shown only to requests with `offset > 0`, so no
        // pass ever sees it; three passes of three pages.
        Case {
            instance: FAULT_SHIFT,
            limit: None,
            incomplete: (250, 251),
            requests: 9,
        },
    ];
    guarded(Duration::from_secs(6), async {
        let (server, c) = mock_client().await;
        for case in cases {
            let instance = case.instance;
            for concurrency in [1, 4] {
                server.reset();
                let mut request = ListBackups::new(instance);
                if let Some(limit) = case.limit {
                    request = request.limit(limit);
                }
                let (all, error) = drain(c.list_all(request, walk(concurrency))).await;
                let got = ids(&all);
                assert_no_duplicates(&got);
                assert!(got == mock_ids(instance), "{instance} at {concurrency}");
                assert_eq!(
                    incomplete(error),
                    case.incomplete,
                    "{instance} at {concurrency}"
                );
                assert_eq!(
                    server.requests(instance),
                    case.requests,
                    "{instance} at {concurrency}: 3 passes"
                );
            }
            assert!(rewalk_warned(instance), "{instance}");
        }
    })
    .await;
}

/// A plain listing of 250 with faults scripted on its pages, walked one page
/// at a time so the request count is exact: a pass that saw `total_count`
/// change, or came up short, is walked again; the outcome is the full
/// listing in order, or `Incomplete` when no pass settles.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_faults_on_a_plain_listing_are_walked_again() {
    capture_logs();
    struct Case {
        instance: &'static str,
        script: Vec<Fault>,
        incomplete: Option<(u64, u64)>,
        requests: u64,
    }
    let unsettled = [
        Fault::None,
        Fault::TotalCountDelta(10),
        Fault::TotalCountDelta(10),
    ];
    let cases = [
        // One empty page in the middle: the pass ends short, the second
        // finds the rest. Pass 1: offsets 0, 100 (empty); pass 2: 0, 100, 200.
        Case {
            instance: "walk-empty-page",
            script: vec![
                Fault::None,
                Fault::Reply(Reply::json(200, r#"{"backups":[],"total_count":250}"#)),
            ],
            incomplete: None,
            requests: 5,
        },
        // `total_count` grows by 5 on the second page only: the pass saw
        // two totals, the second pass sees one; two passes of three pages.
        Case {
            instance: "walk-total-grows",
            script: vec![Fault::None, Fault::TotalCountDelta(5)],
            incomplete: None,
            requests: 6,
        },
        // `total_count` shrinks to 150 on the second page: the first pass
        // stops at offset 200 with 200 backups; without the second pass the
        // last 50 would be lost without a word. Pass 1: offsets 0, 100;
        // pass 2: 0, 100, 200.
        Case {
            instance: "walk-total-shrinks",
            script: vec![Fault::None, Fault::TotalCountDelta(-100)],
            incomplete: None,
            requests: 5,
        },
        // A `total_count` that changes within every pass: three passes,
        // then `Incomplete` against the last total reported.
        Case {
            instance: "walk-total-unsettled",
            script: unsettled.iter().cycle().take(9).cloned().collect(),
            incomplete: Some((250, 260)),
            requests: 9,
        },
    ];
    guarded(Duration::from_secs(10), async {
        let (server, c) = mock_client().await;
        for case in cases {
            let instance = case.instance;
            let expected = server.insert_plain_instance(instance, 250);
            server.script(instance, case.script);
            let (all, error) = drain(c.list_all(ListBackups::new(instance), walk(1))).await;
            match case.incomplete {
                None => assert!(error.is_none(), "{instance}: {error:?}"),
                Some(numbers) => assert_eq!(incomplete(error), numbers, "{instance}"),
            }
            assert!(ids(&all) == expected, "{instance}");
            assert_eq!(server.requests(instance), case.requests, "{instance}");
            assert!(rewalk_warned(instance), "{instance}");
        }
    })
    .await;
}

/// A `total_count` below what is there, throughout: the walk stops where the
/// service says the listing ends (offset 200 >= 150), with what it received
/// and no error: more than reported is not a loss.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn total_count_low_throughout_stops_where_the_service_says() {
    guarded(Duration::from_secs(3), async {
        let (server, c) = mock_client().await;
        for concurrency in [1, 4] {
            server.reset();
            let all = c
                .collect_all(ListBackups::new(FAULT_TOTAL_COUNT_LOW), walk(concurrency))
                .await
                .unwrap();
            assert!(ids(&all) == mock_ids(FAULT_TOTAL_COUNT_LOW)[..200]);
            assert_eq!(server.requests(FAULT_TOTAL_COUNT_LOW), 2, "{concurrency}");
        }
    })
    .await;
}

/// The second request ignores its offset and returns the first page again:
/// its backups are dropped as duplicates, the pass comes up short, and the
/// second pass adds the missing page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_page_twice_ends_with_no_duplicates_and_no_loss() {
    guarded(Duration::from_secs(3), async {
        let server = mock().await;
        let instance = "walk-same-page";
        let expected = server.insert_plain_instance(instance, 250);
        server.script(instance, vec![Fault::None, Fault::IgnoreOffset]);
        let c = client(&server).build().unwrap();
        let (all, error) = drain(c.list_all(ListBackups::new(instance), walk(1))).await;
        assert!(error.is_none(), "{error:?}");
        let got = ids(&all);
        assert_no_duplicates(&got);
        // Pass 1 received 0..100 and 200..250; pass 2 adds 100..200.
        let order: Vec<String> = [&expected[..100], &expected[200..], &expected[100..200]].concat();
        assert!(got == order);
        assert_eq!(server.requests(instance), 6);

        // The same with concurrent pages: which page is answered twice
        // depends on timing; the outcome does not.
        for concurrency in [4, 8] {
            server.reset();
            let (all, error) =
                drain(c.list_all(ListBackups::new(FAULT_SAME_PAGE), walk(concurrency))).await;
            assert!(error.is_none(), "{error:?}");
            let mut got = ids(&all);
            assert_no_duplicates(&got);
            got.sort();
            let mut want = mock_ids(FAULT_SAME_PAGE);
            want.sort();
            assert!(got == want, "{concurrency}");
            assert_eq!(server.requests(FAULT_SAME_PAGE), 6, "{concurrency}");
        }
    })
    .await;
}

// --- Several instances -------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_instances_in_order_each_backup_keeps_its_instance_id() {
    guarded(Duration::from_secs(5), async {
        let (_server, c) = mock_client().await;
        let instances = [
            INSTANCE_MYSQL,
            INSTANCE_POSTGRESQL,
            INSTANCE_SQLSERVER,
            INSTANCE_EMPTY,
            INSTANCE_LARGE,
            INSTANCE_MARIADB,
        ];
        let requests = instances.iter().map(|i| ListBackups::new(*i)).collect();
        let mut stream = c.list_instances(requests, WalkOptions::default());
        let mut all = Vec::new();
        while let Some(batch) = stream.next_batch().await {
            all.extend(batch.unwrap());
        }
        let mut at = 0;
        for instance in instances {
            let want = mock_ids(instance);
            let part = &all[at..at + want.len()];
            assert!(ids(part) == want, "{instance}");
            assert!(part.iter().all(|b| b.instance_id == instance), "{instance}");
            at += want.len();
        }
        assert_eq!(at, all.len());
    })
    .await;
}

/// `concurrency` bounds the requests in flight across instances: with two,
/// while the first pages of the first two instances are held back, the
/// others have not been asked; with four, the four first pages go out
/// together. Either way the output is in the order given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_instances_shares_one_budget_of_requests_in_flight() {
    guarded(Duration::from_secs(20), async {
        let (server, c) = mock_client().await;
        let instances = [
            INSTANCE_MYSQL,
            INSTANCE_POSTGRESQL,
            INSTANCE_SQLSERVER,
            INSTANCE_MARIADB,
        ];
        let want: Vec<String> = instances.iter().flat_map(|i| mock_ids(i)).collect();
        for (concurrency, asked_while_held) in [(2, [1, 1, 0, 0]), (4, [1, 1, 1, 1])] {
            server.reset();
            for i in instances {
                server.script(i, vec![Fault::delay(HELD)]);
            }
            let requests = instances.iter().map(|i| ListBackups::new(*i)).collect();
            let started = Instant::now();
            let mut stream = c.list_instances(requests, walk(concurrency));
            let total = || instances.iter().map(|i| server.requests(i)).sum::<u64>();
            wait_for(|| total() == concurrency as u64).await;
            // The held pages leave no room for another request.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let asked: Vec<u64> = instances.iter().map(|i| server.requests(i)).collect();
            // Only meaningful while no held page can have been answered.
            if started.elapsed() < HELD {
                assert_eq!(asked, asked_while_held, "concurrency {concurrency}");
            }
            let mut all = Vec::new();
            while let Some(item) = stream.next().await {
                all.push(item.unwrap());
            }
            assert!(ids(&all) == want, "concurrency {concurrency}");
        }
    })
    .await;
}

/// A page of one instance never waits for another: while the first
/// instance's first page is held back, the second instance is walked, as
/// far as the buffer for later instances allows (two pages per request in
/// flight), and no further.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_instance_does_not_hold_up_the_next_beyond_the_buffer() {
    guarded(Duration::from_secs(20), async {
        let (server, c) = mock_client().await;
        server.script(INSTANCE_MYSQL, vec![Fault::delay(HELD)]);
        let concurrency = 4;
        let requests = vec![
            ListBackups::new(INSTANCE_MYSQL),
            ListBackups::new(INSTANCE_LARGE),
        ];
        let started = Instant::now();
        let stream = c.list_instances(requests, walk(concurrency));
        let buffer = 2 * concurrency as u64;
        wait_for(|| server.requests(INSTANCE_LARGE) >= buffer).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let asked = server.requests(INSTANCE_LARGE);
        if started.elapsed() < HELD {
            // Still held back: the later instance stopped at the buffer.
            assert_eq!(asked, buffer);
        }
        let mut stream = stream;
        let mut all = Vec::new();
        while let Some(batch) = stream.next_batch().await {
            all.extend(batch.unwrap());
        }
        let want: Vec<String> = [INSTANCE_MYSQL, INSTANCE_LARGE]
            .iter()
            .flat_map(|i| mock_ids(i))
            .collect();
        assert!(ids(&all) == want);
    })
    .await;
}

/// An error ends that instance's part only; the next instance follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_instances_an_error_ends_only_that_instance() {
    guarded(Duration::from_secs(2), async {
        let server = mock().await;
        let c = client(&server).max_attempts(1).build().unwrap();
        let requests = [INSTANCE_MYSQL, FAULT_500, INSTANCE_POSTGRESQL]
            .iter()
            .map(|i| ListBackups::new(*i))
            .collect();
        let mut stream = c.list_instances(requests, WalkOptions::default());
        let mut seen: Vec<Result<String, String>> = Vec::new();
        while let Some(item) = stream.next().await {
            seen.push(item.map(|b| b.instance_id).map_err(|e| {
                e.api()
                    .and_then(|a| a.error_code.clone())
                    .unwrap_or_default()
            }));
        }
        let mut want: Vec<Result<String, String>> = Vec::new();
        want.extend(
            mock_ids(INSTANCE_MYSQL)
                .iter()
                .map(|_| Ok(INSTANCE_MYSQL.into())),
        );
        want.push(Err("DBS.108000".into()));
        want.extend(
            mock_ids(INSTANCE_POSTGRESQL)
                .iter()
                .map(|_| Ok(INSTANCE_POSTGRESQL.into())),
        );
        assert_eq!(seen, want);
        assert_eq!(server.requests(FAULT_500), 1);
    })
    .await;
}

/// Every event names its instance: an instance whose first page fails, one
/// without backups and one that fails after its first page are each
/// accounted for (`Counted` when a first page arrived, `Finished` or `Failed`
/// once), in the order given, and the good instances around them complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_instances_events_attribute_each_error_and_end_to_its_instance() {
    guarded(Duration::from_secs(5), async {
        let server = mock().await;
        let midway = "walk-fails-midway";
        let midway_ids = server.insert_plain_instance(midway, 250);
        server.script(
            midway,
            vec![Fault::None, Fault::error(500, "DBS.108000", "midway")],
        );
        let c = client(&server).max_attempts(1).build().unwrap();
        let instances = [
            INSTANCE_MYSQL,
            FAULT_500,
            INSTANCE_EMPTY,
            midway,
            INSTANCE_POSTGRESQL,
        ];
        let requests = instances.iter().map(|i| ListBackups::new(*i)).collect();
        let mut stream = c.list_instances(requests, walk(4));
        let mut counted = vec![None; instances.len()];
        let mut listed = vec![Vec::new(); instances.len()];
        let mut ends: Vec<Option<Result<u64, String>>> = vec![None; instances.len()];
        let mut last_instance = 0;
        while let Some(event) = stream.next_event().await {
            let at = event.instance();
            assert!(at >= last_instance, "instances in the order given");
            assert!(ends[at].is_none(), "nothing after an instance's end");
            last_instance = at;
            match event {
                WalkEvent::Counted { total_count, .. } => {
                    assert!(listed[at].is_empty(), "counted before its backups");
                    assert!(counted[at].replace(total_count).is_none(), "counted once");
                }
                WalkEvent::Backups { backups, .. } => {
                    assert!(!backups.is_empty());
                    assert!(backups.iter().all(|b| b.instance_id == instances[at]));
                    listed[at].extend(ids(&backups));
                }
                WalkEvent::Finished { total_count, .. } => ends[at] = Some(Ok(total_count)),
                WalkEvent::Failed { error, .. } => {
                    let code = error.api().and_then(|a| a.error_code.clone());
                    ends[at] = Some(Err(code.unwrap_or_default()));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        for at in [0, 2, 4] {
            let want = mock_ids(instances[at]);
            assert!(listed[at] == want, "{}", instances[at]);
            assert_eq!(counted[at], Some(want.len() as u64));
            assert_eq!(ends[at], Some(Ok(want.len() as u64)));
        }
        assert_eq!(counted[1], None, "its first page failed");
        assert!(listed[1].is_empty());
        assert_eq!(ends[1], Some(Err("DBS.108000".into())));
        assert_eq!(counted[3], Some(250));
        let got = &listed[3];
        assert!(
            got.len() >= 100 && got[..] == midway_ids[..got.len()],
            "a prefix"
        );
        assert_eq!(ends[3], Some(Err("DBS.108000".into())));
    })
    .await;
}
