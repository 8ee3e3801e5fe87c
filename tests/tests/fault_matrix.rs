//! The fault matrix (`docs/fault-matrix.md`), through the public client API against the
//! mock service's fault injection: each test is one row (or a few rows of one
//! kind) and asserts the exact outcome: the result or the error kind with its
//! fields, and how many requests reached the server. The pagination rows are
//! in `pagination.rs`, the rows a CLI user sees are again in
//! `cli/tests/fault_matrix.rs`; `docs/fault-matrix.md` lists them all.
//!
//! Every test runs under [`guarded`]: a liveness bound of ten times its
//! configured budget, which fails only on a hang. Attempt timeouts and
//! backoffs are short, so the whole matrix runs in seconds.

mod support;

use std::time::{Duration, Instant, SystemTime};

use huaweicloud_rds::types::ListBackupsResponse;
use huaweicloud_rds::{
    ApiError, BackupStatus, BackupType, Credentials, DatastoreType, Error, InvalidResponse,
    ListBackups, ResponseParseError, TimeoutKind,
};
use huaweicloud_rds_mock::faults::{
    FAULT_500, FAULT_CLOSE_BEFORE_HEADERS, FAULT_CLOSE_MID_BODY, FAULT_EMPTY_BODY,
    FAULT_ERROR_LEGACY_KEYS, FAULT_ERROR_NESTED, FAULT_FLAKY_503, FAULT_HTML_502, FAULT_ID_TYPO,
    FAULT_INVALID_UTF8, FAULT_NON_JSON_CONTENT_TYPE, FAULT_OVERSIZE, FAULT_OVERSIZE_CHUNKED,
    FAULT_STALL_MID_BODY, FAULT_TRUNCATED_JSON, FAULT_WRONG_SHAPE,
};
use huaweicloud_rds_mock::{
    Fault, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MockServer, QUIRK_EXTRA_FIELDS, QUIRK_NULL_OPTIONALS,
    QUIRK_TIME_OFFSETS, QUIRK_UNKNOWN_ENUMS, Reply,
};
use support::{client, client_for, guarded, mock};

/// Backups of `INSTANCE_MYSQL`; of every data-serving fault instance.
const MYSQL_BACKUPS: usize = 13;
const FAULT_INSTANCE_BACKUPS: usize = 20;

async fn list(
    c: &huaweicloud_rds::RdsClient,
    instance: &str,
) -> Result<ListBackupsResponse, Error> {
    c.list_backups(&ListBackups::new(instance)).await
}

fn page_of(result: Result<ListBackupsResponse, Error>, expected: usize) -> ListBackupsResponse {
    let page = result.unwrap_or_else(|e| panic!("expected a page, got {e:?}"));
    assert_eq!(page.backups.len(), expected);
    assert_eq!(page.total_count, expected as i32);
    page
}

fn api(result: Result<ListBackupsResponse, Error>) -> ApiError {
    match result {
        Err(Error::Api(api)) => *api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// The parse error and the error's one-line text.
fn body_error(result: Result<ListBackupsResponse, Error>) -> (ResponseParseError, String) {
    match result {
        Err(e @ Error::InvalidResponse(InvalidResponse::Body(_))) => {
            let shown = e.to_string();
            let Error::InvalidResponse(InvalidResponse::Body(parse)) = e else {
                unreachable!()
            };
            (parse, shown)
        }
        other => panic!("expected Error::InvalidResponse(Body), got {other:?}"),
    }
}

fn transport_message(result: Result<ListBackupsResponse, Error>) -> String {
    match result {
        Err(Error::Transport {
            message,
            source: Some(_),
        }) => message,
        other => panic!("expected Error::Transport with a source, got {other:?}"),
    }
}

/// The `X-Request-Id` of the newest response the server sent.
fn last_request_id(server: &MockServer) -> String {
    server
        .received()
        .last()
        .expect("a request reached the server")
        .request_id
        .clone()
}

// --- Connections -----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_is_retried_then_a_transport_error() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let url = server.base_url();
        server.shutdown().await; // nothing listens there any more
        let c = client_for(&url)
            .backoff(Duration::from_millis(100), Duration::from_millis(100))
            .build()
            .unwrap();
        let started = Instant::now();
        let message = transport_message(list(&c, INSTANCE_MYSQL).await);
        assert!(message.starts_with("connection failed"), "{message}");
        // Three attempts: two backoffs of at least half of 100 ms between them.
        assert!(started.elapsed() >= Duration::from_millis(100));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_before_the_headers_is_retried_then_succeeds() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        server.script(INSTANCE_MYSQL, vec![Fault::CloseBeforeHeaders, Fault::None]);
        let c = client(&server).build().unwrap();
        page_of(list(&c, INSTANCE_MYSQL).await, MYSQL_BACKUPS);
        assert_eq!(server.requests(INSTANCE_MYSQL), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_before_the_headers_every_time_is_a_transport_error() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).max_attempts(4).build().unwrap();
        let message = transport_message(list(&c, FAULT_CLOSE_BEFORE_HEADERS).await);
        assert_eq!(
            message,
            "sending the request failed: connection closed before message completed"
        );
        assert_eq!(server.requests(FAULT_CLOSE_BEFORE_HEADERS), 4);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_mid_body_is_retried_then_succeeds() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        server.script(INSTANCE_MYSQL, vec![Fault::close_mid_body(), Fault::None]);
        let c = client(&server).build().unwrap();
        page_of(list(&c, INSTANCE_MYSQL).await, MYSQL_BACKUPS);
        assert_eq!(server.requests(INSTANCE_MYSQL), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_mid_body_every_time_is_a_body_transport_error() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let message = transport_message(list(&c, FAULT_CLOSE_MID_BODY).await);
        assert!(
            message.starts_with("connection failed while reading the body"),
            "{message}"
        );
        assert_eq!(server.requests(FAULT_CLOSE_MID_BODY), 3);
    })
    .await;
}

// --- Time limits -------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_that_never_arrive_time_out_every_attempt() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let stall = Fault::delay(Duration::from_secs(30));
        server.script(INSTANCE_MYSQL, vec![stall.clone(), stall.clone(), stall]);
        let c = client(&server)
            .attempt_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let err = list(&c, INSTANCE_MYSQL).await.unwrap_err();
        assert!(
            matches!(err, Error::Timeout(TimeoutKind::Attempt(d)) if d == Duration::from_millis(200)),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "timed out: no complete response within 0.2s"
        );
        assert_eq!(server.requests(INSTANCE_MYSQL), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_headers_time_out_then_the_retry_succeeds() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        server.script(
            INSTANCE_MYSQL,
            vec![Fault::delay(Duration::from_secs(30)), Fault::None],
        );
        let c = client(&server)
            .attempt_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        page_of(list(&c, INSTANCE_MYSQL).await, MYSQL_BACKUPS);
        assert_eq!(server.requests(INSTANCE_MYSQL), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_stalled_halfway_times_out_every_attempt() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await; // stalls for 10 s
        let c = client(&server)
            .attempt_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let err = list(&c, FAULT_STALL_MID_BODY).await.unwrap_err();
        assert!(
            matches!(err, Error::Timeout(TimeoutKind::Attempt(d)) if d == Duration::from_millis(200)),
            "{err:?}"
        );
        assert_eq!(server.requests(FAULT_STALL_MID_BODY), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_stalled_halfway_meets_the_overall_deadline() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        // Attempt 1 uses its 300 ms, attempt 2 only what is left of 500 ms.
        let c = client(&server)
            .max_attempts(5)
            .attempt_timeout(Duration::from_millis(300))
            .deadline(Duration::from_millis(500))
            .build()
            .unwrap();
        let started = Instant::now();
        let err = list(&c, FAULT_STALL_MID_BODY).await.unwrap_err();
        assert!(
            matches!(err, Error::Timeout(TimeoutKind::Deadline(d)) if d == Duration::from_millis(500)),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "timed out: the call's deadline of 0.5s passed"
        );
        assert_eq!(server.requests(FAULT_STALL_MID_BODY), 2);
        assert!(started.elapsed() >= Duration::from_millis(450));
    })
    .await;
}

// --- Statuses ------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_with_retry_after_seconds_then_success() {
    guarded(Duration::from_secs(2), async {
        let server = mock().await;
        server.script(INSTANCE_MYSQL, vec![Fault::throttled(1), Fault::None]);
        let c = client(&server).build().unwrap();
        let started = Instant::now();
        page_of(list(&c, INSTANCE_MYSQL).await, MYSQL_BACKUPS);
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "Retry-After: 1 is honoured, not the 10 ms backoff"
        );
        assert_eq!(server.requests(INSTANCE_MYSQL), 2);
    })
    .await;
}

fn throttled_until(at: SystemTime) -> Fault {
    Fault::Reply(
        Reply::json(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached."}"#,
        )
        .header("Retry-After", httpdate::fmt_http_date(at)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_with_retry_after_as_an_http_date_then_success() {
    guarded(Duration::from_secs(3), async {
        let server = mock().await;
        // Whole seconds: the date is between 1 and 2 s away.
        let at = SystemTime::now() + Duration::from_secs(2);
        server.script(INSTANCE_MYSQL, vec![throttled_until(at), Fault::None]);
        let c = client(&server).build().unwrap();
        let started = Instant::now();
        page_of(list(&c, INSTANCE_MYSQL).await, MYSQL_BACKUPS);
        assert!(started.elapsed() >= Duration::from_millis(900));
        assert_eq!(server.requests(INSTANCE_MYSQL), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_with_retry_after_in_the_past_is_retried_at_once() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let at = SystemTime::now() - Duration::from_secs(60);
        server.script(INSTANCE_MYSQL, vec![throttled_until(at), Fault::None]);
        // A backoff of 2.5 to 5 s: the date, not the backoff, decides the wait.
        let c = client(&server)
            .backoff(Duration::from_secs(5), Duration::from_secs(5))
            .deadline(Duration::from_secs(10))
            .build()
            .unwrap();
        let started = Instant::now();
        page_of(list(&c, INSTANCE_MYSQL).await, MYSQL_BACKUPS);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "a date in the past means now, not the backoff"
        );
        assert_eq!(server.requests(INSTANCE_MYSQL), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_with_retry_after_past_the_deadline_fails_at_once() {
    guarded(Duration::from_secs(3), async {
        let server = mock().await;
        server.script(INSTANCE_MYSQL, vec![Fault::throttled(60), Fault::None]);
        let c = client(&server)
            .deadline(Duration::from_secs(3))
            .build()
            .unwrap();
        let started = Instant::now();
        let api = api(list(&c, INSTANCE_MYSQL).await);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "no wait that the deadline cannot give"
        );
        assert_eq!(api.status.as_u16(), 429);
        assert_eq!(api.error_code.as_deref(), Some("APIGW.0308"));
        assert_eq!(
            api.error_msg.as_deref(),
            Some("The throttling threshold has been reached.")
        );
        assert_eq!(api.retry_after, Some(Duration::from_secs(60)));
        assert_eq!(api.request_id, Some(last_request_id(&server)));
        assert_eq!(server.requests(INSTANCE_MYSQL), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_then_success() {
    guarded(Duration::from_secs(2), async {
        let server = mock().await;
        server.script(INSTANCE_MYSQL, vec![Fault::unavailable(0), Fault::None]);
        let c = client(&server).build().unwrap();
        page_of(list(&c, INSTANCE_MYSQL).await, MYSQL_BACKUPS);
        assert_eq!(server.requests(INSTANCE_MYSQL), 2);

        // `fault-flaky-503`: odd-numbered requests get a 503 with Retry-After.
        let page = page_of(list(&c, FAULT_FLAKY_503).await, FAULT_INSTANCE_BACKUPS);
        assert_eq!(
            support::ids(&page.backups),
            support::mock_ids(FAULT_FLAKY_503)
        );
        assert_eq!(server.requests(FAULT_FLAKY_503), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_every_time_use_every_attempt_and_keep_the_last_error() {
    guarded(Duration::from_secs(2), async {
        let server = mock().await;
        let c = client(&server).max_attempts(3).build().unwrap();
        for status in [500, 502, 503, 504] {
            server.reset();
            // Each attempt answers differently, to tell the last one apart.
            let script = (1..=3)
                .map(|n| {
                    Fault::error(
                        status,
                        &format!("DBS.{status}.{n}"),
                        &format!("attempt {n} failed"),
                    )
                })
                .collect::<Vec<_>>();
            server.script(INSTANCE_MYSQL, script);
            let err = list(&c, INSTANCE_MYSQL).await.unwrap_err();
            let request_id = last_request_id(&server);
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
            assert_eq!(server.requests(INSTANCE_MYSQL), 3, "status {status}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_error_instances_every_time_keep_code_and_request_id() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        for instance in [FAULT_500, FAULT_ERROR_NESTED] {
            let api = api(list(&c, instance).await);
            assert_eq!(api.status.as_u16(), 500, "{instance}");
            assert_eq!(api.error_code.as_deref(), Some("DBS.108000"), "{instance}");
            assert_eq!(api.error_msg.as_deref(), Some("Internal error."));
            assert_eq!(api.request_id, Some(last_request_id(&server)));
            assert_eq!(server.requests(instance), 3, "{instance}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_errors_400_401_403_404_are_not_retried() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;

        // 400, in the older error keys.
        let c = client(&server).build().unwrap();
        let e = api(list(&c, FAULT_ERROR_LEGACY_KEYS).await);
        assert_eq!(e.status.as_u16(), 400);
        assert_eq!(e.error_code.as_deref(), Some("DBS.280001"));
        assert_eq!(e.error_msg.as_deref(), Some("Invalid parameter."));
        assert_eq!(server.requests(FAULT_ERROR_LEGACY_KEYS), 1);

        // 401: a signature made with the wrong secret key.
        let wrong_key = client(&server)
            .credentials(Credentials::aksk(
                MOCK_ACCESS_KEY,
                "not-the-mock-secret-key",
            ))
            .build()
            .unwrap();
        let e = api(list(&wrong_key, INSTANCE_MYSQL).await);
        assert_eq!(e.status.as_u16(), 401);
        assert_eq!(e.error_code.as_deref(), Some("APIGW.0301"));
        assert_eq!(e.request_id, Some(last_request_id(&server)));
        assert_eq!(server.requests(INSTANCE_MYSQL), 1);

        // 403: a project the credentials are not valid for.
        server.reset();
        let other_project = client(&server)
            .project_id("ffffffffffffffffffffffffffffffff")
            .build()
            .unwrap();
        let e = api(list(&other_project, INSTANCE_MYSQL).await);
        assert_eq!(e.status.as_u16(), 403);
        assert_eq!(e.error_code.as_deref(), Some("DBS.280056"));
        assert_eq!(server.requests(INSTANCE_MYSQL), 1);

        // 404: an instance that does not exist.
        let e = api(list(&c, "no-such-instance").await);
        assert_eq!(e.status.as_u16(), 404);
        assert_eq!(e.error_code.as_deref(), Some("DBS.200823"));
        assert_eq!(
            e.error_msg.as_deref(),
            Some("The DB instance no-such-instance does not exist.")
        );
        assert_eq!(server.requests("no-such-instance"), 1);
    })
    .await;
}

// --- Bodies --------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_502_page_is_retried_then_kept_as_an_excerpt() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let err = list(&c, FAULT_HTML_502).await.unwrap_err();
        let request_id = last_request_id(&server);
        let api = err.api().expect("an API error");
        assert_eq!(api.status.as_u16(), 502);
        assert_eq!(api.error_code, None);
        assert!(
            api.body_excerpt
                .as_deref()
                .is_some_and(|b| b.starts_with("<html>")),
            "{api:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "HTTP 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> <body> \
                 <center><h1>502 Bad Gateway</h1></center> <hr><center>ngin… \
                 (request id {request_id})"
            )
        );
        assert_eq!(server.requests(FAULT_HTML_502), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_200_body_is_an_invalid_response() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let (parse, shown) = body_error(list(&c, FAULT_EMPTY_BODY).await);
        assert_eq!(parse.path(), ".");
        assert_eq!(parse.message(), "the body is empty");
        assert_eq!(
            shown,
            "invalid response body at `.`: the body is empty (body starts \"\")"
        );
        assert_eq!(server.requests(FAULT_EMPTY_BODY), 1, "not retried");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_json_is_an_invalid_response() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let (parse, shown) = body_error(list(&c, FAULT_TRUNCATED_JSON).await);
        assert!(parse.message().starts_with("EOF while parsing"), "{shown}");
        assert!(parse.excerpt().starts_with("{\"backups\":["), "{shown}");
        assert_eq!(server.requests(FAULT_TRUNCATED_JSON), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_of_the_wrong_shape_names_the_field() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let (parse, shown) = body_error(list(&c, FAULT_WRONG_SHAPE).await);
        assert_eq!(parse.path(), "backups");
        assert!(
            parse
                .message()
                .starts_with("invalid type: map, expected a sequence"),
            "{shown}"
        );
        assert_eq!(server.requests(FAULT_WRONG_SHAPE), 1);
    })
    .await;
}

/// The body decides, not the label: JSON that parses is used whatever its
/// `Content-Type` says (an HTML page labelled JSON fails in the row above).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_json_content_type_with_a_json_body_is_read() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(
            list(&c, FAULT_NON_JSON_CONTENT_TYPE).await,
            FAULT_INSTANCE_BACKUPS,
        );
        assert_eq!(
            support::ids(&page.backups),
            support::mock_ids(FAULT_NON_JSON_CONTENT_TYPE)
        );
        assert_eq!(server.requests(FAULT_NON_JSON_CONTENT_TYPE), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_is_an_invalid_response_naming_the_field() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let (parse, shown) = body_error(list(&c, FAULT_INVALID_UTF8).await);
        assert_eq!(parse.path(), "backups[0].name");
        assert!(parse.message().contains("unicode"), "{shown}");
        assert!(parse.excerpt().contains('\u{fffd}'), "{shown}");
        assert_eq!(server.requests(FAULT_INVALID_UTF8), 1);
    })
    .await;
}

/// 8 GiB bodies, with and without a declared length, against a 1 MiB cap:
/// refused (not retried) well within one 2 s attempt. A client that read the
/// body before judging its size would run into the attempt timeout instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_cap_is_refused_without_reading_it() {
    guarded(Duration::from_secs(2), async {
        let server = mock().await;
        let c = client(&server)
            .body_limit(1 << 20)
            .attempt_timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        for instance in [FAULT_OVERSIZE, FAULT_OVERSIZE_CHUNKED] {
            let err = list(&c, instance).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidResponse(InvalidResponse::TooLarge { limit: 1_048_576 })
                ),
                "{instance}: {err:?}"
            );
            assert_eq!(
                err.to_string(),
                "invalid response: the body is larger than the 1048576-byte limit"
            );
            assert_eq!(server.requests(instance), 1, "{instance}: not retried");
        }
    })
    .await;
}

// --- Values a client must tolerate, and the one it must not --------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_enum_values_are_kept_verbatim() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(list(&c, QUIRK_UNKNOWN_ENUMS).await, 3);
        let b = &page.backups;
        assert_eq!(b[0].type_, BackupType::Unknown("snapshot".into()));
        assert_eq!(b[1].status, BackupStatus::Unknown("ARCHIVED".into()));
        assert_eq!(b[2].type_, BackupType::Incremental);
        assert!(
            b.iter()
                .all(|b| b.datastore.type_ == DatastoreType::from("openGauss"))
        );
        assert!(b[0].datastore.type_.is_unknown());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_fields_are_ignored() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(list(&c, QUIRK_EXTRA_FIELDS).await, 2);
        assert_eq!(page.backups[0].type_, BackupType::Auto);
        assert_eq!(page.backups[1].type_, BackupType::Manual);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn null_optionals_read_as_none() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(list(&c, QUIRK_NULL_OPTIONALS).await, 2);
        let (a, b) = (&page.backups[0], &page.backups[1]);
        assert_eq!(a.databases, None);
        assert_eq!(a.associated_with_ddm, None);
        assert_eq!(a.min_data_volume_capacity_for_restore, None);
        assert_eq!(b.databases, Some(Vec::new()));
        assert_eq!(b.associated_with_ddm, None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_with_colon_z_and_service_offsets_are_read_and_kept() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(list(&c, QUIRK_TIME_OFFSETS).await, 3);
        let t: Vec<_> = page.backups.iter().map(|b| b.begin_time).collect();
        // `+08:00`, `Z` and `+0800`: offsets kept, instants right.
        assert_eq!(t[0].to_string(), "2024-06-29T02:00:00+0800");
        assert_eq!(t[0].offset_minutes(), 480);
        assert_eq!(t[1].to_string(), "2024-06-28T04:00:00+0000");
        assert_eq!(t[1].offset_minutes(), 0);
        assert_eq!(t[2].to_string(), "2024-06-27T22:00:00+0800");
        assert_eq!(t[0].unix_seconds() - t[1].unix_seconds(), 14 * 3600);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_id_typo_is_an_error_naming_id() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let (parse, shown) = body_error(list(&c, FAULT_ID_TYPO).await);
        assert_eq!(parse.path(), "backups[0]");
        assert!(parse.message().starts_with("missing field `id`"), "{shown}");
        assert!(
            shown.starts_with("invalid response body at `backups[0]`: missing field `id`"),
            "{shown}"
        );
        assert_eq!(server.requests(FAULT_ID_TYPO), 1);
    })
    .await;
}
