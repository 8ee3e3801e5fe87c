//! Every retry rule of `RdsClient`, shown against a scripted local server:
//! what is retried (429, 500, 502, 503, 504, connection failures before or
//! during the body, per-attempt timeouts), how long it waits (backoff,
//! `Retry-After` in seconds or as a date), and what ends a call (attempts,
//! deadline). What is *not* retried is in `client_errors.rs`.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::{INSTANCE, api_error, client, ok, within};
use huaweicloud_rds::{Error, ListBackups, TimeoutKind};
use rds_tests::script_server::{Reply, ScriptServer, Step, unused_addr};

const GUARD: Duration = Duration::from_secs(20);

fn request() -> ListBackups {
    ListBackups::new(INSTANCE)
}

fn assert_page(result: Result<huaweicloud_rds::types::ListBackupsResponse, Error>) {
    let page = result.expect("a page");
    assert_eq!(page.total_count, 1);
    assert_eq!(page.backups[0].id, "b1");
}

#[tokio::test]
async fn connection_refused_is_retried_up_to_max_attempts() {
    within(GUARD, async {
        let addr = unused_addr().await;
        let c = client(&format!("http://{addr}"))
            .max_attempts(3)
            .backoff(Duration::from_millis(150), Duration::from_millis(150))
            .build()
            .unwrap();
        let started = Instant::now();
        let err = c.list_backups(&request()).await.unwrap_err();
        let elapsed = started.elapsed();
        let Error::Transport { message, source } = &err else {
            panic!("expected Error::Transport, got {err:?}");
        };
        assert!(message.starts_with("connection failed"), "{message}");
        assert!(source.is_some());
        assert!(
            err.to_string()
                .starts_with("transport error: connection failed"),
            "{err}"
        );
        // A refused connection fails at once; the time is the two backoffs
        // between three attempts, each at least half of 150 ms.
        assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    })
    .await;
}

#[tokio::test]
async fn connection_reset_or_closed_before_headers_is_retried_then_succeeds() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::Reset, Step::Close, Step::Reply(ok())]).await;
        let c = client(&server.url()).max_attempts(3).build().unwrap();
        assert_page(c.list_backups(&request()).await);
        assert_eq!(server.count(), 3);
    })
    .await;
}

#[tokio::test]
async fn connection_reset_every_time_is_a_transport_error_after_max_attempts() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::Reset]).await;
        let c = client(&server.url()).max_attempts(4).build().unwrap();
        let err = c.list_backups(&request()).await.unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Transport {
                    source: Some(_),
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("transport error: "), "{err}");
        assert_eq!(server.count(), 4);
    })
    .await;
}

#[tokio::test]
async fn connection_dropped_mid_body_is_retried_then_succeeds() {
    within(GUARD, async {
        let server = ScriptServer::start([
            Step::TruncateBody {
                reply: ok(),
                sent: 20,
            },
            Step::Reply(ok()),
        ])
        .await;
        let c = client(&server.url()).build().unwrap();
        assert_page(c.list_backups(&request()).await);
        assert_eq!(server.count(), 2);
    })
    .await;
}

#[tokio::test]
async fn connection_dropped_mid_body_every_time_is_a_body_transport_error() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::TruncateBody {
            reply: ok(),
            sent: 20,
        }])
        .await;
        let c = client(&server.url()).max_attempts(3).build().unwrap();
        let err = c.list_backups(&request()).await.unwrap_err();
        let Error::Transport { message, .. } = &err else {
            panic!("expected Error::Transport, got {err:?}");
        };
        assert!(
            message.starts_with("connection failed while reading the body"),
            "{message}"
        );
        assert_eq!(server.count(), 3);
    })
    .await;
}

#[tokio::test]
async fn headers_that_never_arrive_time_out_every_attempt() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::Hang]).await;
        let c = client(&server.url())
            .max_attempts(3)
            .attempt_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let started = Instant::now();
        let err = c.list_backups(&request()).await.unwrap_err();
        assert!(
            matches!(err, Error::Timeout(TimeoutKind::Attempt(d)) if d == Duration::from_millis(200)),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "timed out: no complete response within 0.2s"
        );
        assert_eq!(server.count(), 3);
        assert!(started.elapsed() >= Duration::from_millis(600));
    })
    .await;
}

#[tokio::test]
async fn late_headers_time_out_then_the_retry_succeeds() {
    within(GUARD, async {
        let server = ScriptServer::start([
            Step::Delayed(Duration::from_millis(800), ok()),
            Step::Reply(ok()),
        ])
        .await;
        let c = client(&server.url())
            .attempt_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        assert_page(c.list_backups(&request()).await);
        assert_eq!(server.count(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_body_that_stalls_times_out_every_attempt() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::StallBody {
            reply: ok(),
            sent: 20,
        }])
        .await;
        let c = client(&server.url())
            .max_attempts(2)
            .attempt_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let err = c.list_backups(&request()).await.unwrap_err();
        assert!(
            matches!(err, Error::Timeout(TimeoutKind::Attempt(d)) if d == Duration::from_millis(200)),
            "{err:?}"
        );
        assert_eq!(server.count(), 2);
    })
    .await;
}

#[tokio::test]
async fn the_deadline_cuts_the_retries_short() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::Hang]).await;
        // Attempt 1 uses 300 ms, attempt 2 gets what is left of the 500 ms.
        let c = client(&server.url())
            .max_attempts(5)
            .attempt_timeout(Duration::from_millis(300))
            .deadline(Duration::from_millis(500))
            .build()
            .unwrap();
        let started = Instant::now();
        let err = c.list_backups(&request()).await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(
            matches!(err, Error::Timeout(TimeoutKind::Deadline(d)) if d == Duration::from_millis(500)),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "timed out: the call's deadline of 0.5s passed"
        );
        assert_eq!(server.count(), 2);
        assert!(elapsed >= Duration::from_millis(450), "{elapsed:?}");
    })
    .await;
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    within(GUARD, async {
        let server = ScriptServer::start([
            Step::Reply(
                Reply::api_error(429, "APIGW.0308", "throttled", "r-429")
                    .header("Retry-After", "1"),
            ),
            Step::Reply(ok()),
        ])
        .await;
        let c = client(&server.url()).build().unwrap();
        let started = Instant::now();
        assert_page(c.list_backups(&request()).await);
        assert!(started.elapsed() >= Duration::from_secs(1));
        let seen = server.requests();
        assert_eq!(seen.len(), 2);
        let gap = seen[1].received_at - seen[0].received_at;
        assert!(gap >= Duration::from_secs(1), "{gap:?}");
    })
    .await;
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    within(GUARD, async {
        // The date has whole seconds: it is between 1 and 2 s away.
        let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
        let server = ScriptServer::start([
            Step::Reply(
                Reply::api_error(429, "APIGW.0308", "throttled", "r-429").header("Retry-After", at),
            ),
            Step::Reply(ok()),
        ])
        .await;
        let c = client(&server.url()).build().unwrap();
        assert_page(c.list_backups(&request()).await);
        let seen = server.requests();
        assert_eq!(seen.len(), 2);
        let gap = seen[1].received_at - seen[0].received_at;
        assert!(gap >= Duration::from_millis(900), "{gap:?}");
    })
    .await;
}

#[tokio::test]
async fn retry_after_past_the_deadline_ends_the_call_at_once() {
    within(GUARD, async {
        let server = ScriptServer::start([
            Step::Reply(
                Reply::api_error(429, "APIGW.0308", "throttled", "r-429")
                    .header("Retry-After", "60"),
            ),
            Step::Reply(ok()),
        ])
        .await;
        let c = client(&server.url())
            .deadline(Duration::from_secs(5))
            .build()
            .unwrap();
        let started = Instant::now();
        let api = api_error(c.list_backups(&request()).await);
        assert!(started.elapsed() < Duration::from_secs(4));
        assert_eq!(api.status.as_u16(), 429);
        assert_eq!(api.error_code.as_deref(), Some("APIGW.0308"));
        assert_eq!(api.error_msg.as_deref(), Some("throttled"));
        assert_eq!(api.request_id.as_deref(), Some("r-429"));
        assert_eq!(api.retry_after, Some(Duration::from_secs(60)));
        assert_eq!(server.count(), 1);
    })
    .await;
}

#[tokio::test]
async fn service_unavailable_then_success() {
    within(GUARD, async {
        let server = ScriptServer::start([
            Step::Reply(Reply::api_error(503, "DBS.108000", "busy", "r-503")),
            Step::Reply(ok()),
        ])
        .await;
        let c = client(&server.url()).build().unwrap();
        assert_page(c.list_backups(&request()).await);
        assert_eq!(server.count(), 2);
    })
    .await;
}

#[tokio::test]
async fn each_transient_status_is_retried_and_the_last_error_is_kept() {
    within(GUARD, async {
        for status in [429, 500, 502, 503, 504] {
            // Each attempt answers differently, to tell the last one apart.
            let script = (1..=3).map(|n| {
                Step::Reply(Reply::api_error(
                    status,
                    &format!("DBS.{status}00{n}"),
                    &format!("attempt {n} failed"),
                    &format!("req-{status}-{n}"),
                ))
            });
            let server = ScriptServer::start(script).await;
            let c = client(&server.url()).max_attempts(3).build().unwrap();
            let api = api_error(c.list_backups(&request()).await);
            assert_eq!(api.status.as_u16(), status);
            let code = format!("DBS.{status}003");
            assert_eq!(api.error_code.as_deref(), Some(code.as_str()));
            assert_eq!(api.error_msg.as_deref(), Some("attempt 3 failed"));
            let id = format!("req-{status}-3");
            assert_eq!(api.request_id.as_deref(), Some(id.as_str()));
            assert_eq!(api.body_excerpt, None);
            assert_eq!(server.count(), 3, "status {status}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_mix_of_transient_statuses_uses_every_attempt() {
    within(GUARD, async {
        let script = [429, 500, 502, 503, 504].map(|status| {
            Step::Reply(Reply::api_error(
                status,
                &format!("E.{status}"),
                "transient",
                &format!("req-{status}"),
            ))
        });
        let server = ScriptServer::start(script).await;
        let c = client(&server.url()).max_attempts(5).build().unwrap();
        let err = c.list_backups(&request()).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "HTTP 504 Gateway Timeout: E.504: transient (request id req-504)"
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
        assert_eq!(server.count(), 5);
    })
    .await;
}
