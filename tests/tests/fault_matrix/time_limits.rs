//! Headers that are late or never come, bodies that stall: each attempt is
//! bounded by its timeout and retried; the call by its deadline.

use std::time::{Duration, Instant};

use huaweicloud_rds::{Error, TimeoutKind};
use huaweicloud_rds_mock::faults::FAULT_STALL_MID_BODY;
use huaweicloud_rds_mock::{Fault, Script};

use crate::support::{MYSQL_BACKUPS, call, client, guarded, list, mock, page_of};

fn attempt_timeout(err: &Error, limit: Duration) {
    assert!(
        matches!(err, Error::Timeout(TimeoutKind::Attempt(d)) if *d == limit),
        "{err:?}"
    );
}

/// Every attempt times out, whether the headers never come (a hang, or a
/// delay longer than the test) or the body stops halfway (for longer than the
/// attempt, or until the client gives up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_that_never_complete_time_out_every_attempt() {
    guarded(Duration::from_secs(2), async {
        let short = Duration::from_millis(200);
        for fault in [
            Fault::Hang,
            Fault::delay(Duration::from_secs(30)),
            Fault::stall_mid_body(Duration::from_secs(30)),
            Fault::StallMidBody {
                sent: Some(20),
                stall: None,
                reply: None,
            },
        ] {
            let what = format!("{fault:?}");
            let c = call(Script::new([fault]).repeat_last(), |b| {
                b.attempt_timeout(short)
            })
            .await;
            let err = c.result.unwrap_err();
            attempt_timeout(&err, short);
            assert_eq!(
                err.to_string(),
                "timed out: no complete response within 0.2s",
                "{what}"
            );
            assert_eq!(c.requests, 3, "{what}");
        }
        // `fault-stall-mid-body` stalls for 10 s, by its rule.
        let server = mock().await;
        let c = client(&server)
            .max_attempts(2)
            .attempt_timeout(short)
            .build()
            .unwrap();
        attempt_timeout(&list(&c, FAULT_STALL_MID_BODY).await.unwrap_err(), short);
        assert_eq!(server.requests(FAULT_STALL_MID_BODY), 2);
    })
    .await;
}

/// A late answer (headers or the rest of the body) times out once; the
/// retry, answered normally, gets the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_answer_times_out_then_the_retry_succeeds() {
    guarded(Duration::from_secs(2), async {
        for fault in [
            Fault::delay(Duration::from_secs(30)),
            Fault::stall_mid_body(Duration::from_secs(30)),
        ] {
            let what = format!("{fault:?}");
            let c = call(vec![fault], |b| {
                b.attempt_timeout(Duration::from_millis(200))
            })
            .await;
            page_of(c.result, MYSQL_BACKUPS);
            assert_eq!(c.requests, 2, "{what}");
        }
        // A delay or a stall shorter than the attempt is only slow.
        for fault in [
            Fault::delay(Duration::from_millis(50)),
            Fault::stall_mid_body(Duration::from_millis(50)),
        ] {
            let what = format!("{fault:?}");
            let c = call(vec![fault], |b| b).await;
            page_of(c.result, MYSQL_BACKUPS);
            assert_eq!(c.requests, 1, "{what}");
        }
    })
    .await;
}

/// Attempt 1 uses its 300 ms, attempt 2 only what is left of the 500 ms
/// deadline: the deadline is the error, after two requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_cuts_the_retries_short() {
    guarded(Duration::from_secs(1), async {
        for fault in [Fault::Hang, Fault::stall_mid_body(Duration::from_secs(30))] {
            let what = format!("{fault:?}");
            let started = Instant::now();
            let c = call(Script::new([fault]).repeat_last(), |b| {
                b.max_attempts(5)
                    .attempt_timeout(Duration::from_millis(300))
                    .deadline(Duration::from_millis(500))
            })
            .await;
            let err = c.result.unwrap_err();
            assert!(
                matches!(err, Error::Timeout(TimeoutKind::Deadline(d)) if d == Duration::from_millis(500)),
                "{what}: {err:?}"
            );
            assert_eq!(
                err.to_string(),
                "timed out: the call's deadline of 0.5s passed"
            );
            assert_eq!(c.requests, 2, "{what}");
            // The whole deadline was used (a lower bound: load only adds).
            assert!(started.elapsed() >= Duration::from_millis(450), "{what}");
        }
    })
    .await;
}

/// The deadline ends the first attempt: a deadline is never retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_shorter_than_the_attempt_is_not_retried() {
    guarded(Duration::from_secs(1), async {
        let c = call(Script::new([Fault::Hang]).repeat_last(), |b| {
            b.deadline(Duration::from_millis(300))
        })
        .await;
        let err = c.result.unwrap_err();
        assert!(
            matches!(err, Error::Timeout(TimeoutKind::Deadline(d)) if d == Duration::from_millis(300)),
            "{err:?}"
        );
        assert_eq!(c.requests, 1);
    })
    .await;
}
