//! Token and SDK-HMAC-SHA256 authentication.

mod common;

use std::time::{Duration, SystemTime};

use common::{good_signed_get, signed_get, start, start_with, token_get};
use huaweicloud_rds_mock::*;
use huaweicloud_signer as signing;
use serde_json::Value;

async fn status_and_body(rb: reqwest::RequestBuilder) -> (u16, Option<String>, Value) {
    let r = rb.send().await.expect("response");
    let status = r.status().as_u16();
    let id = r
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    (status, id, body)
}

fn assert_401(status: u16, id: Option<String>, body: &Value, why: &str) {
    assert_eq!(status, 401, "{why}: {body}");
    assert_eq!(body["error_code"], "APIGW.0301", "{why}");
    assert!(
        body["error_msg"]
            .as_str()
            .unwrap()
            .starts_with("Incorrect IAM authentication information: "),
        "{why}"
    );
    assert_eq!(body["request_id"].as_str(), id.as_deref(), "{why}");
}

fn date(offset_secs: i64) -> String {
    let now = SystemTime::now();
    let t = if offset_secs >= 0 {
        now + Duration::from_secs(offset_secs as u64)
    } else {
        now - Duration::from_secs(offset_secs.unsigned_abs())
    };
    signing::format_sdk_date(t)
}

#[tokio::test]
async fn signed_request_is_accepted() {
    let s = start().await;
    let pairs = [
        ("instance_id", INSTANCE_MYSQL),
        ("begin_time", "2024-06-29T02:00:00+0800"),
        ("end_time", "2024-06-30T02:00:00+0800"),
        ("limit", "3"),
    ];
    let (status, _, body) = status_and_body(good_signed_get(&s, &pairs)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["backups"].as_array().unwrap().len(), 3);
    // What reached the server: the canonical query, %2B and %3A encoded.
    let rec = s.received();
    let target = &rec.last().unwrap().target;
    assert!(
        target.contains("begin_time=2024-06-29T02%3A00%3A00%2B0800"),
        "{target}"
    );
    // Dates within the allowed skew are fine, both ways.
    for off in [-14 * 60, 14 * 60] {
        let (rb, _) = signed_get(&s, &pairs, MOCK_SECRET_KEY, &date(off));
        assert_eq!(rb.send().await.unwrap().status().as_u16(), 200, "{off}");
    }
    // A query value with a space and a plus sign round-trips through the signature.
    let (rb, _) = signed_get(
        &s,
        &[("instance_id", INSTANCE_MYSQL), ("backup_id", "a b+c")],
        MOCK_SECRET_KEY,
        &signing::sdk_date_now(),
    );
    let (status, _, body) = status_and_body(rb).await;
    assert_eq!((status, body["total_count"].as_u64()), (200, Some(0)));
}

#[tokio::test]
async fn bad_signatures_are_rejected() {
    let s = start().await;
    let pairs = [("instance_id", INSTANCE_MYSQL), ("limit", "3")];

    let (rb, _) = signed_get(
        &s,
        &pairs,
        "WrongSecretKey0000000000000000000000000",
        &signing::sdk_date_now(),
    );
    let (st, id, body) = status_and_body(rb).await;
    assert_401(st, id, &body, "wrong SK");

    for off in [-16 * 60, 16 * 60, -24 * 3600] {
        let (rb, _) = signed_get(&s, &pairs, MOCK_SECRET_KEY, &date(off));
        let (st, id, body) = status_and_body(rb).await;
        assert_401(st, id, &body, "stale date");
    }

    // Tampered query: signed for limit=3, sent with limit=4.
    let (_, signed) = signed_get(&s, &pairs, MOCK_SECRET_KEY, &signing::sdk_date_now());
    let url = format!(
        "{}{}?{}",
        s.base_url(),
        common::backups_path(),
        signed.canonical_query.replace("limit=3", "limit=4")
    );
    let mut rb = s.client.get(url);
    for (n, v) in &signed.headers {
        if !n.eq_ignore_ascii_case("host") {
            rb = rb.header(n.as_str(), v.as_str());
        }
    }
    let (st, id, body) = status_and_body(rb).await;
    assert_401(st, id, &body, "tampered query");

    // A raw `+` on the wire where `%2B` was signed: the server reads a space.
    let tpairs = [
        ("instance_id", INSTANCE_MYSQL),
        ("begin_time", "2024-06-29T02:00:00+0800"),
        ("end_time", "2024-06-30T02:00:00+0800"),
    ];
    let (_, signed) = signed_get(&s, &tpairs, MOCK_SECRET_KEY, &signing::sdk_date_now());
    let url = format!(
        "{}{}?{}",
        s.base_url(),
        common::backups_path(),
        signed.canonical_query.replace("%2B", "+")
    );
    let mut rb = s.client.get(url);
    for (n, v) in &signed.headers {
        if !n.eq_ignore_ascii_case("host") {
            rb = rb.header(n.as_str(), v.as_str());
        }
    }
    let (st, id, body) = status_and_body(rb).await;
    assert_401(st, id, &body, "raw plus");

    // Tampered signed header, unknown AK, missing date, unsigned host.
    let (_, signed) = signed_get(&s, &pairs, MOCK_SECRET_KEY, &signing::sdk_date_now());
    let url = format!(
        "{}{}?{}",
        s.base_url(),
        common::backups_path(),
        signed.canonical_query
    );
    let auth = signed.authorization.clone();
    let sdk_date = signed
        .headers
        .iter()
        .find(|(n, _)| n == "X-Sdk-Date")
        .unwrap()
        .1
        .clone();
    let variants: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "tampered content-type",
            vec![
                ("Content-Type", "text/plain".into()),
                ("X-Project-Id", MOCK_PROJECT_ID.into()),
                ("X-Sdk-Date", sdk_date.clone()),
                ("Authorization", auth.clone()),
            ],
        ),
        (
            "unknown AK",
            vec![
                ("Content-Type", "application/json".into()),
                ("X-Project-Id", MOCK_PROJECT_ID.into()),
                ("X-Sdk-Date", sdk_date.clone()),
                (
                    "Authorization",
                    auth.replace(MOCK_ACCESS_KEY, "OTHERAK0000000000001"),
                ),
            ],
        ),
        (
            "no date",
            vec![
                ("Content-Type", "application/json".into()),
                ("X-Project-Id", MOCK_PROJECT_ID.into()),
                ("Authorization", auth.clone()),
            ],
        ),
        (
            "garbage authorization",
            vec![("Authorization", "Basic Zm9vOmJhcg==".into())],
        ),
    ];
    for (why, headers) in variants {
        let mut rb = s.client.get(&url);
        for (n, v) in headers {
            rb = rb.header(n, v);
        }
        let (st, id, body) = status_and_body(rb).await;
        assert_401(st, id, &body, why);
    }
}

#[tokio::test]
async fn signature_uses_the_host_as_received() {
    let s = start().await;
    // Signed for another host than the one the request carries.
    let host = "rds.cn-north-4.myhuaweicloud.com";
    let path = common::backups_path();
    let pairs = [("instance_id", INSTANCE_MYSQL)];
    let headers = [("Content-Type", "application/json")];
    let signed = signing::sign(
        &signing::RequestParts {
            method: "GET",
            host,
            path: &path,
            query: &pairs,
            headers: &headers,
            body: b"",
        },
        &signing::SigningKey::new(MOCK_ACCESS_KEY, MOCK_SECRET_KEY),
        &signing::sdk_date_now(),
    )
    .unwrap();
    let url = format!("{}{path}?{}", s.base_url(), signed.canonical_query);
    let mut rb = s.client.get(&url);
    for (n, v) in &signed.headers {
        if !n.eq_ignore_ascii_case("host") {
            rb = rb.header(n.as_str(), v.as_str());
        }
    }
    let (st, id, body) = status_and_body(rb).await;
    assert_401(st, id, &body, "other host");

    // The same request sent with that Host header verifies (as behind a proxy).
    let mut rb = s.client.get(&url);
    for (n, v) in &signed.headers {
        rb = rb.header(n.as_str(), v.as_str());
    }
    let (st, _, body) = status_and_body(rb).await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test]
async fn token_auth() {
    let s = start().await;
    let (st, _, _) = status_and_body(token_get(&s, &format!("instance_id={INSTANCE_MYSQL}"))).await;
    assert_eq!(st, 200);
    let rb = s
        .client
        .get(format!(
            "{}{}?instance_id={INSTANCE_MYSQL}",
            s.base_url(),
            common::backups_path()
        ))
        .header("X-Auth-Token", "not-the-token");
    let (st, id, body) = status_and_body(rb).await;
    assert_401(st, id, &body, "bad token");
    let rb = s.client.get(format!(
        "{}{}?instance_id={INSTANCE_MYSQL}",
        s.base_url(),
        common::backups_path()
    ));
    let (st, id, body) = status_and_body(rb).await;
    assert_401(st, id, &body, "no credentials");
    // Rejected attempts still count.
    assert_eq!(s.requests(INSTANCE_MYSQL), 3);
}

#[tokio::test]
async fn verification_off_accepts_anything() {
    let s = start_with(MockConfig::default().verify_signature(false)).await;
    let url = format!(
        "{}{}?instance_id={INSTANCE_MYSQL}",
        s.base_url(),
        common::backups_path()
    );
    for rb in [
        s.client.get(&url),
        s.client.get(&url).header("X-Auth-Token", "whatever"),
        s.client.get(&url).header(
            "Authorization",
            "SDK-HMAC-SHA256 Access=x, SignedHeaders=host, Signature=00",
        ),
    ] {
        let (st, _, body) = status_and_body(rb).await;
        assert_eq!(st, 200, "{body}");
    }
    // The project check still applies.
    let r = s
        .client
        .get(format!(
            "{}/v3/other/backups?instance_id={INSTANCE_MYSQL}",
            s.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}
