//! Every error kind of `RdsClient`, against a scripted local server: API
//! errors with their fields intact and not retried, bodies that cannot be
//! used, bodies over the cap, a skewed clock, and requests refused before
//! anything is sent. Retried failures are in `client_retries.rs`.

mod common;

use std::time::{Duration, SystemTime};

use common::{INSTANCE, OK_BODY, PROJECT, api_error, client, ok, within};
use huaweicloud_rds::{Credentials, Error, InvalidResponse, ListBackups, RdsClient, Timestamp};
use rds_tests::script_server::{Reply, ScriptServer, Step};

const GUARD: Duration = Duration::from_secs(20);

fn request() -> ListBackups {
    ListBackups::new(INSTANCE)
}

/// The parse error of an `InvalidResponse::Body`, or a panic.
fn body_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
) -> (huaweicloud_rds::ResponseParseError, String) {
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

/// Serve `step` to a default client: the outcome and the request count.
async fn one(
    step: Step,
) -> (
    Result<huaweicloud_rds::types::ListBackupsResponse, Error>,
    usize,
) {
    let server = ScriptServer::start([step, Step::Reply(ok())]).await;
    let c = client(&server.url()).build().unwrap();
    let result = c.list_backups(&request()).await;
    (result, server.count())
}

#[tokio::test]
async fn client_errors_are_not_retried_and_keep_their_fields() {
    within(GUARD, async {
        for status in [400, 401, 403, 404, 409, 413, 422, 501] {
            let reply = Reply::api_error(
                status,
                &format!("DBS.{status}"),
                "refused",
                &format!("req-{status}"),
            );
            let (result, count) = one(Step::Reply(reply)).await;
            let api = api_error(result);
            assert_eq!(api.status.as_u16(), status);
            let code = format!("DBS.{status}");
            assert_eq!(api.error_code.as_deref(), Some(code.as_str()));
            assert_eq!(api.error_msg.as_deref(), Some("refused"));
            let id = format!("req-{status}");
            assert_eq!(api.request_id.as_deref(), Some(id.as_str()));
            assert_eq!(api.body_excerpt, None);
            assert_eq!(api.clock_skew, None);
            assert_eq!(count, 1, "status {status} must not be retried");
        }
    })
    .await;
}

#[tokio::test]
async fn not_found_reads_as_one_actionable_line() {
    within(GUARD, async {
        let reply = Reply::api_error(
            404,
            "DBS.200823",
            "The DB instance does not exist.",
            "0b5d8d7b-404",
        );
        let (result, count) = one(Step::Reply(reply)).await;
        let err = result.unwrap_err();
        assert_eq!(
            err.to_string(),
            "HTTP 404 Not Found: DBS.200823: The DB instance does not exist. \
             (request id 0b5d8d7b-404)"
        );
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn gateway_errors_carry_the_request_id_in_the_body() {
    within(GUARD, async {
        let body = r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"gw-1"}"#;
        let (result, count) = one(Step::Reply(Reply::json(401, body))).await;
        let api = api_error(result);
        assert_eq!(api.status.as_u16(), 401);
        assert_eq!(api.error_code.as_deref(), Some("APIGW.0301"));
        assert_eq!(api.request_id.as_deref(), Some("gw-1"));
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn an_html_502_keeps_a_body_excerpt() {
    within(GUARD, async {
        let page = "<html>\n<head><title>502 Bad Gateway</title></head>\n\
                    <body><center><h1>502 Bad Gateway</h1></center></body>\n</html>\n";
        let server = ScriptServer::start([Step::Reply(
            Reply::new(502)
                .header("Content-Type", "text/html")
                .body(page),
        )])
        .await;
        let c = client(&server.url()).max_attempts(2).build().unwrap();
        let api = api_error(c.list_backups(&request()).await);
        assert_eq!(api.status.as_u16(), 502);
        assert_eq!(api.error_code, None);
        assert_eq!(api.error_msg, None);
        assert_eq!(api.request_id, None);
        let excerpt = api.body_excerpt.as_deref().expect("an excerpt");
        assert!(
            excerpt.starts_with("<html>\n<head><title>502 Bad Gateway"),
            "{excerpt:?}"
        );
        assert!(
            api.to_string()
                .starts_with("HTTP 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title>"),
            "{api}"
        );
        assert_eq!(server.count(), 2, "a 502 is retried");
    })
    .await;
}

#[tokio::test]
async fn an_empty_200_body_is_an_invalid_response() {
    within(GUARD, async {
        let (result, count) = one(Step::Reply(Reply::json(200, ""))).await;
        let (parse, shown) = body_error(result);
        assert_eq!(parse.message(), "the body is empty");
        assert_eq!(parse.excerpt(), "");
        assert!(shown.contains("the body is empty"), "{shown}");
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn truncated_json_is_an_invalid_response() {
    within(GUARD, async {
        let cut = &OK_BODY[..OK_BODY.len() / 2];
        let (result, count) = one(Step::Reply(Reply::json(200, cut))).await;
        let (parse, shown) = body_error(result);
        assert!(parse.message().contains("EOF"), "{shown}");
        assert!(parse.path().starts_with("backups[0]"), "{shown}");
        assert!(shown.starts_with("invalid response body at `"), "{shown}");
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn wrong_shape_json_names_the_field() {
    within(GUARD, async {
        let body = OK_BODY.replace(r#""size": 2803"#, r#""size": "big""#);
        let (result, count) = one(Step::Reply(Reply::json(200, body))).await;
        let (parse, shown) = body_error(result);
        assert_eq!(parse.path(), "backups[0].size");
        assert!(
            parse.message().starts_with("invalid type: string"),
            "{shown}"
        );
        assert!(
            shown.starts_with("invalid response body at `backups[0].size`"),
            "{shown}"
        );
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn an_html_page_with_status_200_is_an_invalid_response() {
    within(GUARD, async {
        let reply = Reply::new(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body("<html><body>Maintenance</body></html>");
        let (result, count) = one(Step::Reply(reply)).await;
        let (parse, _) = body_error(result);
        assert_eq!(parse.path(), ".");
        assert_eq!(parse.excerpt(), "<html><body>Maintenance</body></html>");
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn invalid_utf8_is_an_invalid_response() {
    within(GUARD, async {
        // In a field the client reads (serde_json skips unknown fields
        // without decoding them).
        let at = OK_BODY.find(r#""name": "n""#).unwrap() + r#""name": ""#.len();
        let mut body = OK_BODY.as_bytes()[..at].to_vec();
        body.extend_from_slice(b"\xff\xfe");
        body.extend_from_slice(&OK_BODY.as_bytes()[at..]);
        let (result, count) = one(Step::Reply(
            Reply::new(200)
                .header("Content-Type", "application/json")
                .body(body),
        ))
        .await;
        let (parse, shown) = body_error(result);
        assert!(parse.excerpt().contains('\u{fffd}'), "{shown}");
        assert!(parse.message().contains("unicode"), "{shown}");
        assert_eq!(parse.path(), "backups[0].name");
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn the_id_typo_of_the_documented_sample_names_id() {
    within(GUARD, async {
        let body = rds_tests::sample("documented", "sqlserver");
        let (result, count) = one(Step::Reply(
            Reply::new(200)
                .header("Content-Type", "application/json")
                .body(body),
        ))
        .await;
        let (parse, shown) = body_error(result);
        assert_eq!(parse.path(), "backups[0]");
        assert!(parse.message().starts_with("missing field `id`"), "{shown}");
        assert!(shown.contains("`id`"), "{shown}");
        assert_eq!(count, 1);
    })
    .await;
}

/// A body of exactly the limit is read; one byte less of limit refuses it.
#[tokio::test]
async fn the_body_cap_is_exact() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::Reply(ok())]).await;
        let at_cap = client(&server.url())
            .body_limit(OK_BODY.len())
            .build()
            .unwrap();
        assert_eq!(at_cap.list_backups(&request()).await.unwrap().total_count, 1);
        let below = client(&server.url())
            .body_limit(OK_BODY.len() - 1)
            .build()
            .unwrap();
        let err = below.list_backups(&request()).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidResponse(InvalidResponse::TooLarge { limit }) if limit == OK_BODY.len() - 1),
            "{err:?}"
        );
        assert_eq!(server.count(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_declared_body_over_the_cap_is_refused_and_not_retried() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::Stream {
            reply: Reply::new(200).header("Content-Type", "application/json"),
            len: 64 * 1024 * 1024,
            chunked: false,
        }])
        .await;
        let c = client(&server.url()).body_limit(4096).build().unwrap();
        let err = c.list_backups(&request()).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidResponse(InvalidResponse::TooLarge { limit: 4096 })
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "invalid response: the body is larger than the 4096-byte limit"
        );
        assert_eq!(server.count(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_chunked_body_over_the_cap_is_refused_and_not_retried() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::Stream {
            reply: Reply::new(200).header("Content-Type", "application/json"),
            len: 64 * 1024 * 1024,
            chunked: true,
        }])
        .await;
        let c = client(&server.url()).body_limit(4096).build().unwrap();
        let err = c.list_backups(&request()).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidResponse(InvalidResponse::TooLarge { limit: 4096 })
            ),
            "{err:?}"
        );
        assert_eq!(server.count(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_refused_signature_with_a_distant_server_date_blames_the_clock() {
    within(GUARD, async {
        let an_hour_ago = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
        let reply = Reply::api_error(401, "APIGW.0301", "Incorrect IAM authentication", "r-401")
            .header("Date", an_hour_ago);
        let (result, count) = one(Step::Reply(reply)).await;
        let api = api_error(result);
        let skew = api.clock_skew.expect("a clock skew");
        assert!(
            skew >= Duration::from_secs(3590) && skew <= Duration::from_secs(3610),
            "{skew:?}"
        );
        let shown = api.to_string();
        assert!(
            shown.starts_with("HTTP 401 Unauthorized: APIGW.0301: Incorrect IAM authentication"),
            "{shown}"
        );
        assert!(shown.contains("local clock differs"), "{shown}");
        assert_eq!(count, 1);

        // The same refusal from a server whose clock agrees says nothing of it.
        let reply = Reply::api_error(401, "APIGW.0301", "Incorrect IAM authentication", "r-401");
        let (result, _) = one(Step::Reply(reply)).await;
        let api = api_error(result);
        assert_eq!(api.clock_skew, None);
        assert!(!api.to_string().contains("clock"), "{api}");
    })
    .await;
}

#[tokio::test]
async fn invalid_requests_send_nothing() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::Reply(ok())]).await;
        let c = client(&server.url()).build().unwrap();
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let cases = [
            (
                request().limit(0),
                "limit",
                "must be between 1 and 100, got 0",
            ),
            (
                request().window(t("2018-08-16T10:41:14+0800"), t("2018-08-06T10:41:14+0800")),
                "end_time",
                "must be later than begin_time",
            ),
            (ListBackups::new(""), "instance_id", "must not be empty"),
        ];
        for (req, want_parameter, want_rule) in cases {
            let err = c.list_backups(&req).await.unwrap_err();
            let Error::InvalidRequest { parameter, rule } = &err else {
                panic!("expected Error::InvalidRequest, got {err:?}");
            };
            assert_eq!(*parameter, want_parameter);
            assert!(rule.starts_with(want_rule), "{rule}");
            assert!(err.is_invalid_request());
        }
        assert_eq!(server.count(), 0);
        assert_eq!(server.connections(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_bad_configuration_never_builds_a_client() {
    within(GUARD, async {
        let server = ScriptServer::start([Step::Reply(ok())]).await;
        let err = RdsClient::builder()
            .endpoint(server.url())
            .project_id("../x")
            .credentials(Credentials::aksk("AK", "SK"))
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { parameter: "project_id", rule } if rule == "must not contain `/`"),
            "{err:?}"
        );
        let err = client(&server.url())
            .attempt_timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(matches!(&err, Error::Config(_)), "{err:?}");
        let err = RdsClient::builder()
            .endpoint(server.url())
            .project_id(PROJECT)
            .credentials(Credentials::aksk("AK", ""))
            .build()
            .unwrap_err();
        assert!(matches!(&err, Error::Config(_)), "{err:?}");
        assert_eq!(server.connections(), 0);
    })
    .await;
}
