//! 2xx answers whose body cannot be used: not retried (the same request
//! would get the same body), reported with the field where reading stopped;
//! bodies over the cap refused without being read; an error object in a 200
//! reported as the error it is.

use std::time::Duration;

use huaweicloud_rds::{Error, InvalidResponse};
use huaweicloud_rds_mock::faults::{
    FAULT_EMPTY_BODY, FAULT_ERROR_BODY_IN_200, FAULT_HTML_502, FAULT_ID_TYPO, FAULT_INVALID_UTF8,
    FAULT_NON_JSON_CONTENT_TYPE, FAULT_OVERSIZE, FAULT_OVERSIZE_CHUNKED, FAULT_TRUNCATED_JSON,
    FAULT_WRONG_SHAPE,
};
use huaweicloud_rds_mock::{Fault, Reply};

use crate::support::{
    FAULT_INSTANCE_BACKUPS, MYSQL_BACKUPS, ONE_BACKUP_PAGE, api_error, body_error, call,
    call_default, client, guarded, ids, list, mock, mock_ids, page_of,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_502_page_is_retried_then_kept_as_an_excerpt() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let err = list(&c, FAULT_HTML_502).await.unwrap_err();
        let request_id = server.last_request_id().unwrap();
        let api = err.api().expect("an API error");
        assert_eq!(api.status.as_u16(), 502);
        assert_eq!((&api.error_code, &api.error_msg), (&None, &None));
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

/// Each unusable body, from its fault instance and from a scripted fault:
/// the path where reading stopped and what was wrong there, one request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unusable_200_bodies_are_invalid_responses_naming_the_field() {
    guarded(Duration::from_secs(2), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        for (instance, fault, path, message) in [
            (FAULT_EMPTY_BODY, Fault::EmptyBody, ".", "the body is empty"),
            (
                FAULT_TRUNCATED_JSON,
                Fault::TruncatedJson,
                "backups[",
                "EOF while parsing",
            ),
            (
                FAULT_WRONG_SHAPE,
                Fault::WrongShape,
                "backups",
                "invalid type: map, expected a sequence",
            ),
            (
                FAULT_INVALID_UTF8,
                Fault::InvalidUtf8,
                "backups[0].name",
                "invalid unicode",
            ),
            (
                FAULT_ID_TYPO,
                Fault::IdTypo,
                "backups[0]",
                "missing field `id`",
            ),
        ] {
            let (parse, shown) = body_error(list(&c, instance).await);
            assert!(parse.path().starts_with(path), "{instance}: {shown}");
            assert!(parse.message().starts_with(message), "{instance}: {shown}");
            assert!(
                shown.starts_with(&format!("invalid response body at `{}`: ", parse.path())),
                "{shown}"
            );
            assert_eq!(server.requests(instance), 1, "{instance}: not retried");

            let what = format!("{fault:?}");
            let scripted = call_default(vec![fault]).await;
            let (parse, shown) = body_error(scripted.result);
            assert!(parse.path().starts_with(path), "{what}: {shown}");
            assert!(parse.message().starts_with(message), "{what}: {shown}");
            assert_eq!(scripted.requests, 1, "{what}: not retried");
        }
        // What each excerpt shows.
        let (parse, shown) = body_error(list(&c, FAULT_EMPTY_BODY).await);
        assert_eq!(
            (parse.excerpt(), shown.as_str()),
            (
                "",
                "invalid response body at `.`: the body is empty (body starts \"\")"
            )
        );
        let (parse, _) = body_error(list(&c, FAULT_TRUNCATED_JSON).await);
        assert!(parse.excerpt().starts_with("{\"backups\":["), "{parse}");
        let (parse, _) = body_error(list(&c, FAULT_INVALID_UTF8).await);
        assert!(parse.excerpt().contains('\u{fffd}'), "{parse}");
    })
    .await;
}

/// Bodies the mock has no fault for, as arbitrary replies: a value of the
/// wrong type, an HTML page with status 200, the documented SQL Server
/// sample (its `"id "` typo).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arbitrary_unusable_200_bodies_name_the_field() {
    guarded(Duration::from_secs(1), async {
        let html = "<html><body>Maintenance</body></html>";
        for (reply, path, message) in [
            (
                Reply::json(200, ONE_BACKUP_PAGE.replace("2803", "\"big\"")),
                "backups[0].size",
                "invalid type: string",
            ),
            (
                Reply::new(200)
                    .header("Content-Type", "text/html; charset=utf-8")
                    .body(html),
                ".",
                "expected value",
            ),
            (
                Reply::new(200)
                    .header("Content-Type", "application/json")
                    .body(rds_tests::sample("documented", "sqlserver")),
                "backups[0]",
                "missing field `id`",
            ),
        ] {
            let c = call_default(vec![Fault::Reply(reply)]).await;
            let (parse, shown) = body_error(c.result);
            assert_eq!(parse.path(), path, "{shown}");
            assert!(parse.message().starts_with(message), "{shown}");
            assert_eq!(c.requests, 1, "{shown}");
        }
        let c = call_default(vec![Fault::Reply(Reply::new(200).body(html))]).await;
        assert_eq!(body_error(c.result).0.excerpt(), html);
    })
    .await;
}

/// The body decides, not the label: JSON that parses is used whatever its
/// `Content-Type` says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_json_content_type_with_a_json_body_is_read() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(
            list(&c, FAULT_NON_JSON_CONTENT_TYPE).await,
            FAULT_INSTANCE_BACKUPS,
        );
        assert_eq!(ids(&page.backups), mock_ids(FAULT_NON_JSON_CONTENT_TYPE));
        assert_eq!(server.requests(FAULT_NON_JSON_CONTENT_TYPE), 1);
        let c = call_default(vec![Fault::NonJsonContentType]).await;
        page_of(c.result, MYSQL_BACKUPS);
        assert_eq!(c.requests, 1);
    })
    .await;
}

fn too_large(err: &Error, limit: usize) {
    assert!(
        matches!(err, Error::InvalidResponse(InvalidResponse::TooLarge { limit: l }) if *l == limit),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("invalid response: the body is larger than the {limit}-byte limit")
    );
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
            too_large(&list(&c, instance).await.unwrap_err(), 1 << 20);
            assert_eq!(server.requests(instance), 1, "{instance}: not retried");
        }
    })
    .await;
}

/// The cap is exact: a body of the limit is read, one byte more is refused,
/// declared or chunked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_cap_is_exact() {
    guarded(Duration::from_secs(2), async {
        let limit = 96 * 1024;
        for chunked in [false, true] {
            let over = Fault::Oversize {
                bytes: limit as u64 + 1,
                chunked,
            };
            let c = call(vec![over], |b| b.body_limit(limit)).await;
            too_large(&c.result.unwrap_err(), limit);
            assert_eq!(c.requests, 1, "chunked {chunked}: not retried");
            let at = Fault::Oversize {
                bytes: limit as u64,
                chunked,
            };
            let c = call(vec![at], |b| b.body_limit(limit)).await;
            let page = c
                .result
                .unwrap_or_else(|e| panic!("chunked {chunked}: {e:?}"));
            assert!(page.backups.len() > 100, "the newest backup, repeated");
        }
    })
    .await;
}

/// A 200 whose body is the service's error object is that error, with its
/// code, message and request id, not "missing field `backups`"; not retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_object_in_a_200_is_the_api_error_it_carries() {
    guarded(Duration::from_secs(1), async {
        let c = call_default(vec![Fault::error_body_in_200(
            "DBS.280343",
            "Backup query failed.",
        )])
        .await;
        let request_id = c.server.last_request_id().unwrap();
        let err = c.result.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("HTTP 200 OK: DBS.280343: Backup query failed. (request id {request_id})")
        );
        let api = api_error::<()>(Err(err));
        assert_eq!(api.status.as_u16(), 200);
        assert_eq!(api.error_code.as_deref(), Some("DBS.280343"));
        assert_eq!(api.error_msg.as_deref(), Some("Backup query failed."));
        assert_eq!(api.request_id, Some(request_id));
        assert_eq!(c.requests, 1);
        // The fault instance, by its rule.
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let api = api_error(list(&c, FAULT_ERROR_BODY_IN_200).await);
        assert_eq!(api.status.as_u16(), 200);
        assert_eq!(api.error_code.as_deref(), Some("DBS.108000"));
        assert_eq!(api.error_msg.as_deref(), Some("Internal error."));
        assert_eq!(api.request_id, Some(server.last_request_id().unwrap()));
        assert_eq!(server.requests(FAULT_ERROR_BODY_IN_200), 1, "not retried");
        // The older key names, as a reply: read the same way.
        let legacy = Reply::json(
            200,
            r#"{"errorCode":"DBS.280001","errorMsg":"Invalid parameter."}"#,
        );
        let c = call_default(vec![Fault::Reply(legacy)]).await;
        let api = api_error(c.result);
        assert_eq!(
            (api.error_code.as_deref(), api.error_msg.as_deref()),
            (Some("DBS.280001"), Some("Invalid parameter."))
        );
    })
    .await;
}
