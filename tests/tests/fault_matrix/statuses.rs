//! Error statuses: 429 and 5xx are retried (waiting as `Retry-After` asks,
//! when the deadline allows), the last answer is kept with every field; any
//! other error status is final at once. Throttling (429, or `APIGW.0308`) does
//! not use up attempts: the call's deadline bounds it.

use std::time::{Duration, Instant, SystemTime};

use huaweicloud_rds::Credentials;
use huaweicloud_rds_mock::faults::{
    FAULT_429, FAULT_500, FAULT_503, FAULT_ERROR_LEGACY_KEYS, FAULT_ERROR_NESTED, FAULT_FLAKY_503,
};
use huaweicloud_rds_mock::{Fault, INSTANCE_MYSQL, MOCK_ACCESS_KEY, Reply};

use crate::support::{
    FAULT_INSTANCE_BACKUPS, MYSQL_BACKUPS, api_error, call, call_default, client, guarded, ids,
    list, mock, mock_ids, page_of,
};

const THROTTLED: &str =
    r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached."}"#;

fn throttled_with(retry_after: String) -> Fault {
    Fault::Reply(Reply::json(429, THROTTLED).header("Retry-After", retry_after))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_with_retry_after_seconds_then_success() {
    guarded(Duration::from_secs(2), async {
        let started = Instant::now();
        let c = call_default(vec![Fault::throttled(1)]).await;
        page_of(c.result, MYSQL_BACKUPS);
        // A lower bound: the second asked for, not the 10 ms backoff.
        assert!(started.elapsed() >= Duration::from_secs(1));
        assert_eq!(c.requests, 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_with_retry_after_as_an_http_date_then_success() {
    guarded(Duration::from_secs(3), async {
        // Whole seconds: the date is between 1 and 2 s away.
        let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
        let started = Instant::now();
        let c = call_default(vec![throttled_with(at)]).await;
        page_of(c.result, MYSQL_BACKUPS);
        assert!(started.elapsed() >= Duration::from_millis(900));
        assert_eq!(c.requests, 2);
    })
    .await;
}

/// A date in the past means "now". The backoff (30 to 60 s) would not fit
/// in the 10 s deadline, so only a client that reads the date as "now" gets
/// the page; one that fell back to the backoff would end with the 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_with_retry_after_in_the_past_is_retried_at_once() {
    guarded(Duration::from_secs(1), async {
        let at = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        let c = call(vec![throttled_with(at)], |b| {
            b.backoff(Duration::from_secs(60), Duration::from_secs(60))
                .deadline(Duration::from_secs(10))
        })
        .await;
        page_of(c.result, MYSQL_BACKUPS);
        assert_eq!(c.requests, 2);
    })
    .await;
}

/// A wait the deadline cannot give ends the call at once with the answer: a
/// client that slept an hour would be caught by the liveness bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_with_retry_after_past_the_deadline_fails_at_once() {
    guarded(Duration::from_secs(1), async {
        let c = call(vec![throttled_with("3600".into())], |b| {
            b.deadline(Duration::from_secs(60))
        })
        .await;
        let api = api_error(c.result);
        assert_eq!(api.status.as_u16(), 429);
        assert_eq!(api.error_code.as_deref(), Some("APIGW.0308"));
        assert_eq!(
            api.error_msg.as_deref(),
            Some("The throttling threshold has been reached.")
        );
        assert_eq!(api.retry_after, Some(Duration::from_secs(3600)));
        assert_eq!(api.request_id, Some(c.server.last_request_id().unwrap()));
        assert_eq!(c.requests, 1);
    })
    .await;
}

/// The fault instances with `Retry-After`: `fault-429` (1 s, always; waited
/// out until the deadline leaves no room, however few attempts are allowed),
/// `fault-503` (1 s, always), `fault-flaky-503` (0 s, odd requests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_fault_instances() {
    guarded(Duration::from_secs(3), async {
        let server = mock().await;
        let throttled = client(&server)
            .max_attempts(1)
            .deadline(Duration::from_millis(2500))
            .build()
            .unwrap();
        let started = Instant::now();
        let api = api_error(list(&throttled, FAULT_429).await);
        assert!(started.elapsed() >= Duration::from_secs(1));
        assert_eq!(api.status.as_u16(), 429);
        assert_eq!(api.error_code.as_deref(), Some("APIGW.0308"));
        assert_eq!(api.retry_after, Some(Duration::from_secs(1)));
        assert!(
            server.requests(FAULT_429) >= 2,
            "tried again after the wait"
        );

        let hurried = client(&server)
            .deadline(Duration::from_millis(500))
            .build()
            .unwrap();
        let api = api_error(list(&hurried, FAULT_503).await);
        assert_eq!(api.status.as_u16(), 503);
        assert_eq!(api.error_msg.as_deref(), Some("Service unavailable."));
        assert_eq!(api.retry_after, Some(Duration::from_secs(1)));
        assert_eq!(server.requests(FAULT_503), 1);

        let c = client(&server).build().unwrap();
        let page = page_of(list(&c, FAULT_FLAKY_503).await, FAULT_INSTANCE_BACKUPS);
        assert_eq!(ids(&page.backups), mock_ids(FAULT_FLAKY_503));
        assert_eq!(server.requests(FAULT_FLAKY_503), 2);
        let once = client(&server).max_attempts(1).build().unwrap();
        let api = api_error(list(&once, FAULT_FLAKY_503).await);
        assert_eq!(api.status.as_u16(), 503);
        assert_eq!(api.retry_after, Some(Duration::ZERO));
        assert_eq!(server.requests(FAULT_FLAKY_503), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_statuses_then_success() {
    guarded(Duration::from_secs(2), async {
        for fault in [
            Fault::unavailable(0),
            Fault::throttled(0),
            Fault::error(500, "DBS.108000", "x"),
            Fault::bad_gateway(),
            Fault::gateway_timeout(),
            Fault::HtmlBadGateway,
        ] {
            let what = format!("{fault:?}");
            let c = call_default(vec![fault]).await;
            page_of(c.result, MYSQL_BACKUPS);
            assert_eq!(c.requests, 2, "{what}");
        }
    })
    .await;
}

/// Each attempt answers differently, to tell the last one apart: the error
/// is the last answer, whole, after every attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_statuses_every_time_use_every_attempt_and_keep_the_last_error() {
    guarded(Duration::from_secs(2), async {
        // 429 is throttling, which does not use up attempts (below).
        for status in [500u16, 502, 503, 504] {
            let script: Vec<Fault> = (1..=3)
                .map(|n| {
                    Fault::error(
                        status,
                        &format!("DBS.{status}.{n}"),
                        &format!("attempt {n} failed"),
                    )
                })
                .collect();
            let c = call_default(script).await;
            let err = c.result.unwrap_err();
            let request_id = c.server.last_request_id().unwrap();
            let api = err.api().expect("an API error");
            assert_eq!(api.status.as_u16(), status);
            assert_eq!(api.error_code, Some(format!("DBS.{status}.3")));
            assert_eq!(api.error_msg.as_deref(), Some("attempt 3 failed"));
            assert_eq!(api.request_id.as_deref(), Some(request_id.as_str()));
            assert_eq!(api.body_excerpt, None);
            let reason = api.status.canonical_reason().unwrap();
            assert_eq!(
                err.to_string(),
                format!(
                    "HTTP {status} {reason}: DBS.{status}.3: attempt 3 failed (request id {request_id})"
                )
            );
            assert_eq!(c.requests, 3, "status {status}");
        }
        // Different transient failures in one call: the last is kept.
        let script: Vec<Fault> = [429u16, 500, 502, 503, 504]
            .map(|s| Fault::error(s, &format!("E.{s}"), "transient"))
            .into();
        // The 429 is not counted: four attempts are the four server errors.
        let c = call(script, |b| b.max_attempts(4)).await;
        let err = c.result.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "HTTP 504 Gateway Timeout: E.504: transient (request id {})",
                c.server.last_request_id().unwrap()
            )
        );
        assert_eq!(c.requests, 5);
        let c = call_default(vec![
            Fault::unavailable(0),
            Fault::close_mid_body(),
            Fault::bad_gateway(),
        ])
        .await;
        let api = api_error(c.result);
        assert_eq!(
            (
                api.status.as_u16(),
                api.error_code.as_deref(),
                api.error_msg.as_deref()
            ),
            (502, Some("APIGW.0201"), Some("Backend unavailable."))
        );
        assert_eq!(api.request_id, c.server.last_request_id());
        assert_eq!(c.requests, 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_error_instances_every_time_keep_code_and_request_id() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        for instance in [FAULT_500, FAULT_ERROR_NESTED] {
            let api = api_error(list(&c, instance).await);
            assert_eq!(api.status.as_u16(), 500, "{instance}");
            assert_eq!(api.error_code.as_deref(), Some("DBS.108000"), "{instance}");
            assert_eq!(api.error_msg.as_deref(), Some("Internal error."));
            assert_eq!(api.request_id, Some(server.last_request_id().unwrap()));
            assert_eq!(api.retry_after, None);
            assert_eq!(server.requests(instance), 3, "{instance}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_error_statuses_are_final_and_keep_their_fields() {
    guarded(Duration::from_secs(2), async {
        for status in [400u16, 401, 403, 404, 409, 413, 422, 501] {
            let c = call_default(vec![Fault::error(status, &format!("DBS.{status}"), "refused")])
                .await;
            let api = api_error(c.result);
            assert_eq!(api.status.as_u16(), status);
            assert_eq!(api.error_code, Some(format!("DBS.{status}")));
            assert_eq!(api.error_msg.as_deref(), Some("refused"));
            assert_eq!(api.request_id, Some(c.server.last_request_id().unwrap()));
            assert_eq!(api.body_excerpt, None);
            assert_eq!(api.clock_skew, None);
            assert_eq!(c.requests, 1, "status {status} must not be retried");
        }
        // Not JSON: the body is kept as an excerpt.
        let not_json = Reply::new(404)
            .header("Content-Type", "text/plain")
            .body("not here");
        let c = call_default(vec![Fault::Reply(not_json)]).await;
        let api = api_error(c.result);
        assert_eq!((api.error_code, api.body_excerpt.as_deref()), (None, Some("not here")));
        assert_eq!(c.requests, 1);
        // A gateway answer without `X-Request-Id`: the body's `request_id`.
        let gateway = Reply::json(
            401,
            r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"gw-1"}"#,
        )
        .header("X-Request-Id", "");
        let c = call_default(vec![Fault::Reply(gateway)]).await;
        let api = api_error(c.result);
        assert_eq!(api.error_code.as_deref(), Some("APIGW.0301"));
        assert_eq!(api.request_id.as_deref(), Some("gw-1"));
        assert_eq!(c.requests, 1);
    })
    .await;
}

/// The mock's own answers: 400 in the older error keys, 401 for a wrong
/// secret key, 403 for another project, 400 `DBS.200823` for an unknown
/// instance (the service's answer, not a 404).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_errors_400_401_403_are_not_retried() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let e = api_error(list(&c, FAULT_ERROR_LEGACY_KEYS).await);
        assert_eq!(e.status.as_u16(), 400);
        assert_eq!(e.error_code.as_deref(), Some("DBS.280001"));
        assert_eq!(e.error_msg.as_deref(), Some("Invalid parameter."));
        assert_eq!(server.requests(FAULT_ERROR_LEGACY_KEYS), 1);

        let wrong_key = client(&server)
            .credentials(Credentials::aksk(
                MOCK_ACCESS_KEY,
                "not-the-mock-secret-key",
            ))
            .build()
            .unwrap();
        let e = api_error(list(&wrong_key, INSTANCE_MYSQL).await);
        assert_eq!(e.status.as_u16(), 401);
        assert_eq!(e.error_code.as_deref(), Some("APIGW.0301"));
        assert_eq!(e.request_id, Some(server.last_request_id().unwrap()));
        assert_eq!(server.requests(INSTANCE_MYSQL), 1);

        server.reset();
        let other_project = client(&server)
            .project_id("ffffffffffffffffffffffffffffffff")
            .build()
            .unwrap();
        let e = api_error(list(&other_project, INSTANCE_MYSQL).await);
        assert_eq!(e.status.as_u16(), 403);
        assert_eq!(e.error_code.as_deref(), Some("DBS.280056"));
        assert_eq!(server.requests(INSTANCE_MYSQL), 1);

        let err = list(&c, "no-such-instance").await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "HTTP 400 Bad Request: DBS.200823: The DB instance does not exist. (request id {})",
                server.last_request_id().unwrap()
            )
        );
        assert_eq!(server.requests("no-such-instance"), 1);
    })
    .await;
}

/// A refused signature from a server whose clock is an hour off names the
/// clock as the likely cause; the same refusal from a server that agrees
/// says nothing of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_signature_with_a_distant_server_date_blames_the_clock() {
    guarded(Duration::from_secs(1), async {
        let an_hour_ago = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
        let refused = Reply::api_error(401, "APIGW.0301", "Incorrect IAM authentication");
        let c = call_default(vec![Fault::Reply(
            refused.clone().header("Date", an_hour_ago),
        )])
        .await;
        let api = api_error(c.result);
        let skew = api.clock_skew.expect("a clock skew");
        assert!(
            skew >= Duration::from_secs(3590) && skew < Duration::from_secs(3660),
            "{skew:?}"
        );
        let shown = api.to_string();
        assert!(
            shown.starts_with("HTTP 401 Unauthorized: APIGW.0301: Incorrect IAM authentication"),
            "{shown}"
        );
        assert!(shown.contains("local clock differs"), "{shown}");
        assert_eq!(c.requests, 1);

        let c = call_default(vec![Fault::Reply(refused)]).await;
        let api = api_error(c.result);
        assert_eq!(api.clock_skew, None);
        assert!(!api.to_string().contains("clock"), "{api}");
    })
    .await;
}

/// Throttled answers (a 429 without `Retry-After`, or `APIGW.0308` under
/// another status) do not use up attempts: with one attempt allowed, three
/// of them are waited out and the fourth answer is the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_attempts_do_not_use_up_the_attempts() {
    guarded(Duration::from_secs(2), async {
        let script = vec![
            Fault::Reply(Reply::json(429, THROTTLED)),
            Fault::error(503, "APIGW.0308", "throttled"),
            Fault::Reply(Reply::json(429, THROTTLED)),
        ];
        let c = call(script, |b| b.max_attempts(1)).await;
        page_of(c.result, MYSQL_BACKUPS);
        assert_eq!(c.requests, 4);
    })
    .await;
}

/// Throttling without end is bounded by the call's deadline, and ends with
/// the service's last answer rather than a bare timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_without_end_stops_at_the_deadline_with_the_last_answer() {
    guarded(Duration::from_secs(2), async {
        let script = huaweicloud_rds_mock::Script::new([Fault::Reply(Reply::json(429, THROTTLED))])
            .repeat_last();
        let c = call(script, |b| b.deadline(Duration::from_secs(2))).await;
        let api = api_error(c.result);
        assert_eq!(api.status.as_u16(), 429);
        assert_eq!(api.error_code.as_deref(), Some("APIGW.0308"));
        assert!(c.requests > 1, "throttled attempts are tried again");
    })
    .await;
}
