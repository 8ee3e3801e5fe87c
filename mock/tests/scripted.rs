//! The server-wide script (any path, before authentication), the connection faults
//! that take the socket from hyper, and the record of received requests.

mod common;

use std::time::Duration;

use common::{header, raw, split_response, start};
use huaweicloud_rds_mock::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An unsigned request for any path, closing the connection afterwards.
fn any_get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").into_bytes()
}

/// Sends `request` and reads what arrives within `wait` (the connection stays open).
async fn read_for(server: &MockServer, request: &[u8], wait: Duration) -> (TcpStream, Vec<u8>) {
    let mut c = TcpStream::connect(server.addr()).await.unwrap();
    c.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 4096];
        while let Ok(n) = c.read(&mut buf).await {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    (c, out)
}

#[tokio::test]
async fn the_server_wide_script_answers_any_request_in_order_then_stops() {
    let s = start().await;
    s.script_any([
        Fault::Reply(Reply::json(201, r#"{"id":"{request_id}"}"#).header("X-Custom", "yes")),
        Fault::redirect(307, "http://127.0.0.2:9/elsewhere"),
        Fault::error_body_in_200("APIGW.0301", "Incorrect IAM authentication information"),
    ]);
    let out = raw(&s, &any_get("/any/path?x=1")).await;
    let (st, headers, body) = split_response(&out);
    assert_eq!((st, header(&headers, "x-custom")), (201, Some("yes")));
    let id = header(&headers, "x-request-id").unwrap();
    assert_eq!(body, format!(r#"{{"id":"{id}"}}"#).as_bytes());

    let (st, headers, body) = split_response(&raw(&s, &any_get("/")).await);
    assert_eq!(st, 307);
    assert_eq!(
        header(&headers, "location"),
        Some("http://127.0.0.2:9/elsewhere")
    );
    assert!(body.is_empty());

    let (st, headers, body) = split_response(&raw(&s, &any_get("/v3/x/backups")).await);
    assert_eq!(st, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error_code"], "APIGW.0301");
    assert_eq!(v["error_msg"], "Incorrect IAM authentication information");
    assert_eq!(v["request_id"], header(&headers, "x-request-id").unwrap());

    // The script is used up: normal routing again.
    let (st, _, _) = split_response(&raw(&s, &any_get("/any/path")).await);
    assert_eq!(st, 404);
    assert_eq!(s.total_requests(), 4);
}

#[tokio::test]
async fn a_script_can_repeat_its_last_fault_for_every_further_request() {
    let s = start().await;
    s.script_any(Script::new([Fault::None, Fault::unavailable(3)]).repeat_last());
    assert_eq!(split_response(&raw(&s, &any_get("/x")).await).0, 404);
    for _ in 0..3 {
        let (st, headers, _) = split_response(&raw(&s, &any_get("/x")).await);
        assert_eq!((st, header(&headers, "retry-after")), (503, Some("3")));
    }
    s.reset();
    assert_eq!(split_response(&raw(&s, &any_get("/x")).await).0, 404);
}

#[tokio::test]
async fn close_and_reset_before_headers_differ_on_the_wire() {
    let s = start().await;
    s.script_any([Fault::CloseBeforeHeaders, Fault::ResetBeforeHeaders]);
    // FIN: a clean end of stream without a byte.
    let mut c = TcpStream::connect(s.addr()).await.unwrap();
    c.write_all(&any_get("/")).await.unwrap();
    let mut out = Vec::new();
    assert_eq!(c.read_to_end(&mut out).await.unwrap(), 0);
    // RST: the read fails.
    let mut c = TcpStream::connect(s.addr()).await.unwrap();
    c.write_all(&any_get("/")).await.unwrap();
    let err = c.read_to_end(&mut out).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
    assert!(out.is_empty());
    assert_eq!((s.total_requests(), s.connections()), (2, 2));
}

#[tokio::test]
async fn hang_and_stall_hold_the_connection_until_the_client_closes() {
    let s = start().await;
    let reply = Reply::json(200, "0123456789");
    s.script_any([
        Fault::Hang,
        Fault::StallMidBody {
            sent: Some(4),
            stall: None,
            reply: Some(reply),
        },
    ]);
    let (hung, out) = read_for(&s, &any_get("/"), Duration::from_millis(300)).await;
    assert!(out.is_empty());
    drop(hung);
    let (stalled, out) = read_for(&s, &any_get("/"), Duration::from_millis(300)).await;
    let (st, headers, body) = split_response(&out);
    assert_eq!((st, header(&headers, "content-length")), (200, Some("10")));
    assert_eq!(body, b"0123");
    drop(stalled);
    // The server goes on serving.
    assert_eq!(split_response(&raw(&s, &any_get("/")).await).0, 404);
}

#[tokio::test]
async fn body_faults_on_a_scripted_reply_keep_its_full_length() {
    let s = start().await;
    let reply = Reply::json(200, "0123456789");
    s.script_any([
        Fault::CloseMidBody {
            sent: Some(3),
            reply: Some(reply.clone()),
        },
        Fault::StallMidBody {
            sent: None,
            stall: Some(Duration::from_millis(50)),
            reply: Some(reply.clone()),
        },
        Fault::DelayHeaders {
            delay: Duration::from_millis(50),
            reply: Some(Reply::new(204)),
        },
    ]);
    let (st, headers, body) = split_response(&raw(&s, &any_get("/")).await);
    assert_eq!((st, header(&headers, "content-length")), (200, Some("10")));
    assert_eq!(body, b"012");
    let (_, headers, body) = split_response(&raw(&s, &any_get("/")).await);
    assert_eq!(header(&headers, "connection"), Some("close"));
    assert_eq!(body, b"0123456789");
    let started = std::time::Instant::now();
    assert_eq!(split_response(&raw(&s, &any_get("/")).await).0, 204);
    assert!(started.elapsed() >= Duration::from_millis(50));
}

#[tokio::test]
async fn an_oversize_body_from_the_server_wide_script_is_streamed_exactly() {
    let s = start().await;
    s.script_any([
        Fault::Oversize {
            bytes: 300_000,
            chunked: false,
        },
        Fault::Oversize {
            bytes: 300_000,
            chunked: true,
        },
    ]);
    let (st, headers, body) = split_response(&raw(&s, &any_get("/")).await);
    assert_eq!(
        (st, header(&headers, "content-length")),
        (200, Some("300000"))
    );
    assert_eq!(body.len(), 300_000);
    let (_, headers, _) = split_response(&raw(&s, &any_get("/")).await);
    assert_eq!(header(&headers, "transfer-encoding"), Some("chunked"));
}

#[tokio::test]
async fn received_requests_are_recorded_as_they_arrived() {
    let s = start().await;
    let req = "POST /v3/p/backups?instance_id=a%2Bb&x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-First: 1\r\nX-Second: 2\r\nX-First: 3\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
    let out = raw(&s, req.as_bytes()).await;
    let (st, headers, _) = split_response(&out);
    assert_eq!(st, 405);
    let [seen] = &s.received()[..] else {
        panic!("{:?}", s.received())
    };
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/v3/p/backups?instance_id=a%2Bb&x");
    assert_eq!(
        (seen.path(), seen.query()),
        ("/v3/p/backups", Some("instance_id=a%2Bb&x"))
    );
    assert_eq!(seen.instance_id.as_deref(), Some("a+b"));
    assert_eq!(seen.body, b"hello");
    assert_eq!(seen.request_id, header(&headers, "x-request-id").unwrap());
    assert_eq!(seen.header_count("x-first"), 2);
    let names: Vec<&str> = seen.headers.iter().map(|(n, _)| n.as_str()).collect();
    let first = names.iter().position(|n| *n == "x-first").unwrap();
    let second = names.iter().position(|n| *n == "x-second").unwrap();
    assert!(first < second, "{names:?}");
    assert_eq!(s.requests("a+b"), 1);
}

#[tokio::test]
async fn a_second_server_can_listen_on_another_loopback_address() {
    let other = MockServer::start(MockConfig::default().addr(([127, 0, 0, 2], 0).into()))
        .await
        .expect("127.0.0.2 is a loopback address");
    assert!(
        other.base_url().starts_with("http://127.0.0.2:"),
        "{}",
        other.base_url()
    );
    other.script_any([Fault::Reply(Reply::json(
        200,
        r#"{"backups":[],"total_count":0}"#,
    ))]);
    let (st, _, body) = split_response(&raw(&other, &any_get("/v3/p/backups?instance_id=i")).await);
    assert_eq!(
        (st, &body[..]),
        (200, &br#"{"backups":[],"total_count":0}"#[..])
    );
    assert_eq!(other.received()[0].header("host"), Some("127.0.0.1"));
}

#[tokio::test]
async fn the_new_fault_instances_reset_and_answer_an_error_object_in_a_200() {
    let s = start().await;
    let mut c = TcpStream::connect(s.addr()).await.unwrap();
    c.write_all(&common::raw_get(&format!(
        "instance_id={}",
        faults::FAULT_RESET_BEFORE_HEADERS
    )))
    .await
    .unwrap();
    let mut out = Vec::new();
    let err = c.read_to_end(&mut out).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
    let q = format!("instance_id={}", faults::FAULT_ERROR_BODY_IN_200);
    let (st, body) = common::get_json(&s, &q).await;
    assert_eq!((st, body["error_code"].as_str()), (200, Some("DBS.108000")));
    assert_eq!(body["request_id"].as_str().map(str::len), Some(32));
}
