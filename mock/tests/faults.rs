//! Every fault, scripted and through the fault instances.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{
    assert_still_serves, get_json, header, ids, raw, raw_get, split_response, start, token_get,
};
use huaweicloud_rds_mock::faults::*;
use huaweicloud_rds_mock::*;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn script_is_consumed_one_per_request_then_normal() {
    let s = start().await;
    s.script(
        INSTANCE_MYSQL,
        vec![
            Fault::throttled(2),
            Fault::error(500, "DBS.108000", "boom"),
            Fault::None,
            Fault::unavailable(0),
        ],
    );
    let q = format!("instance_id={INSTANCE_MYSQL}");
    let r = token_get(&s, &q).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error_code"], "APIGW.0308");
    assert_eq!(body["request_id"], id.as_str());

    let (st, body) = get_json(&s, &q).await;
    assert_eq!((st, body["error_msg"].as_str()), (500, Some("boom")));
    let (st, _) = get_json(&s, &q).await;
    assert_eq!(st, 200);
    let r = token_get(&s, &q).send().await.unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers()["retry-after"].to_str().unwrap()
        ),
        (503, "0")
    );
    for _ in 0..3 {
        assert_eq!(get_json(&s, &q).await.0, 200);
    }
    assert_eq!(s.requests(INSTANCE_MYSQL), 7);
    // Scripts are per instance, and invalid requests do not consume them.
    s.script(
        INSTANCE_POSTGRESQL,
        vec![Fault::error(500, "DBS.108000", "x")],
    );
    assert_eq!(get_json(&s, &q).await.0, 200);
    let bad = format!("instance_id={INSTANCE_POSTGRESQL}&limit=0");
    assert_eq!(get_json(&s, &bad).await.0, 400);
    assert_eq!(
        get_json(&s, &format!("instance_id={INSTANCE_POSTGRESQL}"))
            .await
            .0,
        500
    );
    // A status fault can set its own content type.
    s.script(
        INSTANCE_MYSQL,
        vec![Fault::Reply(
            Reply::new(504)
                .header("Content-Type", "text/plain")
                .body("timeout"),
        )],
    );
    let r = token_get(&s, &q).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 504);
    assert_eq!(r.headers()["content-type"], "text/plain");
    assert_eq!(r.headers().get_all("content-type").iter().count(), 1);
}

#[tokio::test]
async fn gateway_faults_answer_as_the_api_gateway() {
    let s = start().await;
    s.script(
        INSTANCE_MYSQL,
        vec![Fault::bad_gateway(), Fault::gateway_timeout()],
    );
    let q = format!("instance_id={INSTANCE_MYSQL}");
    for (status, msg) in [(502, "Backend unavailable."), (504, "Backend timeout.")] {
        let r = token_get(&s, &q).send().await.unwrap();
        assert_eq!(r.status().as_u16(), status);
        assert_eq!(r.headers()["content-type"], "application/json");
        let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        assert_eq!(body["error_code"], "APIGW.0201");
        assert_eq!(body["error_msg"], msg);
        assert_eq!(body["request_id"], id.as_str());
        assert_eq!(s.last_request_id(), Some(id));
    }
}

#[tokio::test]
async fn status_fault_instances() {
    let s = start().await;
    let r = token_get(&s, &format!("instance_id={FAULT_HTML_502}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 502);
    assert_eq!(r.headers()["content-type"], "text/html");
    assert!(r.text().await.unwrap().contains("<html>"));

    for (inst, status, code, retry) in [
        (FAULT_500, 500, "DBS.108000", None),
        (FAULT_503, 503, "DBS.108000", Some("1")),
        (FAULT_429, 429, "APIGW.0308", Some("1")),
    ] {
        let r = token_get(&s, &format!("instance_id={inst}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status);
        assert_eq!(
            r.headers().get("retry-after").map(|v| v.to_str().unwrap()),
            retry
        );
        let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        assert_eq!(body["error_code"], code);
    }
    let (st, body) = get_json(&s, &format!("instance_id={FAULT_ERROR_LEGACY_KEYS}")).await;
    assert_eq!((st, body["errorCode"].as_str()), (400, Some("DBS.280001")));
    let (st, body) = get_json(&s, &format!("instance_id={FAULT_ERROR_NESTED}")).await;
    assert_eq!(
        (st, body["error"]["code"].as_str()),
        (500, Some("DBS.108000"))
    );

    let q = format!("instance_id={FAULT_FLAKY_503}");
    let statuses: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            v.push(token_get(&s, &q).send().await.unwrap().status().as_u16());
        }
        v
    };
    assert_eq!(statuses, [503, 200, 503, 200]);
    assert_eq!(s.requests(FAULT_FLAKY_503), 4);
}

#[tokio::test]
async fn delay_before_headers() {
    let s = start().await;
    let t = Instant::now();
    let (st, body) = get_json(&s, &format!("instance_id={FAULT_DELAY}")).await;
    assert_eq!((st, ids(&body).len()), (200, 20));
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    // A client with a shorter timeout gives up.
    let r = common::client()
        .get(format!(
            "{}{}?instance_id={INSTANCE_MYSQL}",
            s.base_url(),
            common::backups_path()
        ))
        .header("X-Auth-Token", MOCK_AUTH_TOKEN)
        .timeout(Duration::from_millis(100));
    s.script(
        INSTANCE_MYSQL,
        vec![Fault::delay(Duration::from_millis(600))],
    );
    let e = r.send().await.unwrap_err();
    assert!(e.is_timeout(), "{e}");
}

#[tokio::test]
async fn stall_mid_body() {
    let s = start().await;
    let mut c = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    c.write_all(&raw_get(&format!("instance_id={FAULT_STALL_MID_BODY}")))
        .await
        .unwrap();
    // The head and part of the body arrive first, the rest only after the stall.
    let mut first = vec![0u8; 65536];
    let n = c.read(&mut first).await.unwrap();
    let t = Instant::now();
    let mut rest = Vec::new();
    c.read_to_end(&mut rest).await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
    assert!(!rest.is_empty());
    let mut all = first[..n].to_vec();
    all.extend(rest);
    let (st, headers, body) = split_response(&all);
    assert!(n < all.len());
    assert_eq!(st, 200);
    assert_eq!(
        header(&headers, "content-length").unwrap(),
        body.len().to_string()
    );
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["total_count"], 20);
    // Scripted, with reqwest: the body completes after the stall.
    s.script(
        INSTANCE_MYSQL,
        vec![Fault::stall_mid_body(Duration::from_millis(200))],
    );
    let t = Instant::now();
    let (st, body) = get_json(&s, &format!("instance_id={INSTANCE_MYSQL}")).await;
    assert_eq!((st, ids(&body).len()), (200, 13));
    assert!(t.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn drop_before_headers() {
    let s = start().await;
    let out = raw(
        &s,
        &raw_get(&format!("instance_id={FAULT_CLOSE_BEFORE_HEADERS}")),
    )
    .await;
    assert!(out.is_empty(), "{:?}", String::from_utf8_lossy(&out));
    s.script(INSTANCE_MYSQL, vec![Fault::CloseBeforeHeaders]);
    // A fresh client: no pooled connection that could be retried.
    let e = common::token_get_with(
        &common::client(),
        &s,
        &format!("instance_id={INSTANCE_MYSQL}"),
    )
    .send()
    .await
    .unwrap_err();
    assert!(!e.is_timeout(), "{e}");
    assert_eq!(s.requests(INSTANCE_MYSQL), 1);
    assert_still_serves(&s).await;
}

#[tokio::test]
async fn drop_mid_body() {
    let s = start().await;
    let out = raw(&s, &raw_get(&format!("instance_id={FAULT_CLOSE_MID_BODY}"))).await;
    let (st, headers, body) = split_response(&out);
    assert_eq!(st, 200);
    let announced: usize = header(&headers, "content-length").unwrap().parse().unwrap();
    assert_eq!(body.len(), announced / 2);
    s.script(INSTANCE_MYSQL, vec![Fault::close_mid_body()]);
    let r = token_get(&s, &format!("instance_id={INSTANCE_MYSQL}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.bytes().await.is_err());
}

#[tokio::test]
async fn truncated_json() {
    let s = start().await;
    let out = raw(&s, &raw_get(&format!("instance_id={FAULT_TRUNCATED_JSON}"))).await;
    let (st, headers, body) = split_response(&out);
    assert_eq!(st, 200);
    assert_eq!(
        header(&headers, "content-length").unwrap(),
        body.len().to_string()
    );
    assert!(body.len() > 100);
    assert!(serde_json::from_slice::<Value>(&body).unwrap_err().is_eof());
}

async fn read_oversize(s: &MockServer, inst: &str) -> (Vec<(String, String)>, Vec<u8>) {
    let out = raw(s, &raw_get(&format!("instance_id={inst}"))).await;
    let (st, headers, body) = split_response(&out);
    assert_eq!(st, 200);
    (headers, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap(), 16).unwrap();
        b = &b[eol + 2..];
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[..n]);
        assert_eq!(&b[n..n + 2], b"\r\n");
        b = &b[n + 2..];
    }
}

#[tokio::test]
async fn oversize_bodies() {
    let s = start().await;
    let (headers, body) = read_oversize(&s, FAULT_OVERSIZE).await;
    assert_eq!(header(&headers, "content-length"), Some("1048576"));
    assert_eq!(body.len(), 1024 * 1024);
    let v: Value = serde_json::from_slice(&body).unwrap();
    let n = v["backups"].as_array().unwrap().len();
    assert!(n > 1000 && v["total_count"] == n, "{n}");

    let (headers, body) = read_oversize(&s, FAULT_OVERSIZE_CHUNKED).await;
    assert_eq!(header(&headers, "transfer-encoding"), Some("chunked"));
    assert_eq!(header(&headers, "content-length"), None);
    let body = dechunk(&body);
    assert_eq!(body.len(), 1024 * 1024);
    serde_json::from_slice::<Value>(&body).unwrap();

    // Scripted, tiny and large sizes; a client that stops reading does not hurt the server.
    for bytes in [0u64, 1, 10, 200, 5000] {
        s.script(
            INSTANCE_MYSQL,
            vec![Fault::Oversize {
                bytes,
                chunked: false,
            }],
        );
        let out = raw(&s, &raw_get(&format!("instance_id={INSTANCE_MYSQL}"))).await;
        let (_, _, body) = split_response(&out);
        assert_eq!(body.len() as u64, bytes);
    }
    s.script(
        INSTANCE_MYSQL,
        vec![Fault::Oversize {
            bytes: 64 << 20,
            chunked: true,
        }],
    );
    let r = token_get(&s, &format!("instance_id={INSTANCE_MYSQL}"))
        .send()
        .await
        .unwrap();
    drop(r);
    assert_still_serves(&s).await;
}

#[tokio::test]
async fn malformed_200_bodies() {
    let s = start().await;
    let r = token_get(&s, &format!("instance_id={FAULT_EMPTY_BODY}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.bytes().await.unwrap().is_empty());

    let r = token_get(&s, &format!("instance_id={FAULT_INVALID_UTF8}"))
        .send()
        .await
        .unwrap();
    let b = r.bytes().await.unwrap();
    assert!(std::str::from_utf8(&b).is_err());
    assert!(serde_json::from_slice::<Value>(&b).is_err());

    let (st, v) = get_json(&s, &format!("instance_id={FAULT_WRONG_SHAPE}")).await;
    assert_eq!(st, 200);
    assert!(v["backups"].is_object() && v["total_count"].is_string());

    let r = token_get(&s, &format!("instance_id={FAULT_NON_JSON_CONTENT_TYPE}"))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).unwrap();

    let (_, v) = get_json(&s, &format!("instance_id={FAULT_ID_TYPO}")).await;
    let items = v["backups"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    assert!(
        items
            .iter()
            .all(|b| b.get("id").is_none() && b["id "].is_string())
    );

    // The same faults scripted on a normal instance.
    for f in [
        Fault::EmptyBody,
        Fault::InvalidUtf8,
        Fault::WrongShape,
        Fault::TruncatedJson,
    ] {
        s.script(INSTANCE_SQLSERVER, vec![f.clone()]);
        let r = token_get(&s, &format!("instance_id={INSTANCE_SQLSERVER}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let b = r.bytes().await.unwrap();
        let parsed = serde_json::from_slice::<Value>(&b);
        assert!(
            parsed.is_err() || f == Fault::WrongShape,
            "{f:?} should not parse as a list"
        );
    }
}

/// Walks an instance the naive way (offset += items received) until an empty page
/// or `total_count` is reached; returns (ids, total_counts seen).
async fn walk(s: &common::Ctx, inst: &str) -> (Vec<String>, Vec<u64>) {
    let mut all = Vec::new();
    let mut totals = Vec::new();
    for _ in 0..10 {
        let (st, body) = get_json(s, &format!("instance_id={inst}&offset={}", all.len())).await;
        assert_eq!(st, 200);
        let page = ids(&body);
        totals.push(body["total_count"].as_u64().unwrap());
        if page.is_empty() {
            break;
        }
        all.extend(page);
        if all.len() as u64 >= *totals.last().unwrap() {
            break;
        }
    }
    (all, totals)
}

#[tokio::test]
async fn paging_faults() {
    let s = start().await;
    // Shift: every later page overlaps the previous one by one backup.
    let (got, totals) = walk(&s, FAULT_SHIFT).await;
    assert_eq!(totals, [250, 251, 251]);
    assert_eq!(got.len(), 251);
    assert_eq!(
        got.iter().collect::<HashSet<_>>().len(),
        250,
        "one duplicate"
    );
    assert_eq!(got[99], got[100]);

    let (got, totals) = walk(&s, FAULT_TOTAL_COUNT_HIGH).await;
    assert_eq!(got.len(), 250);
    assert!(totals.iter().all(|&t| t == 300));
    assert_eq!(totals.len(), 4, "a fourth, empty page");

    let (got, totals) = walk(&s, FAULT_TOTAL_COUNT_LOW).await;
    assert_eq!(totals[0], 150);
    assert_eq!(got.len(), 200, "a walk trusting total_count stops early");

    let (got, _) = walk(&s, FAULT_SAME_PAGE).await;
    assert_eq!(got[..100], got[100..200]);
    assert_eq!(s.requests(FAULT_SAME_PAGE), 3);

    // Scripted on a normal instance.
    let q = |o: u32| format!("instance_id={INSTANCE_LARGE}&offset={o}&limit=10");
    let (_, base) = get_json(&s, &q(10)).await;
    s.script(
        INSTANCE_LARGE,
        vec![
            Fault::ShiftByOne,
            Fault::IgnoreOffset,
            Fault::TotalCountDelta(-20_000),
        ],
    );
    let (_, shifted) = get_json(&s, &q(10)).await;
    assert_eq!(shifted["total_count"], 10_001);
    assert_eq!(ids(&shifted)[1..], ids(&base)[..9]);
    let (_, first) = get_json(&s, &q(10)).await;
    let (_, page0) = get_json(&s, &q(0)).await;
    assert_eq!(ids(&first), ids(&page0));
    s.script(INSTANCE_LARGE, vec![Fault::TotalCountDelta(-20_000)]);
    let (_, clamped) = get_json(&s, &q(0)).await;
    assert_eq!(
        (clamped["total_count"].as_u64(), ids(&clamped).len()),
        (Some(0), 10)
    );
}

#[tokio::test]
async fn fault_instances_are_listed_and_documented() {
    let s = start().await;
    for &(id, desc) in FAULT_INSTANCES {
        assert!(id.starts_with("fault-") && !desc.is_empty());
        // Every fault instance takes part in validation like any instance.
        let (st, _) = get_json(&s, &format!("instance_id={id}&limit=0")).await;
        assert_eq!(st, 400, "{id}");
    }
    assert_eq!(s.requests(FAULT_DELAY), 1);
}
