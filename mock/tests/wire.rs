//! The HTTP/1.1 layer: keep-alive, pipelining, limits, malformed input, shutdown.

mod common;

use std::time::Duration;

use common::{assert_still_serves, header, raw, raw_get, split_response, start};
use huaweicloud_rds_mock::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn get(query: &str, extra: &str) -> String {
    format!(
        "GET {}?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: {MOCK_AUTH_TOKEN}\r\n{extra}\r\n",
        common::backups_path()
    )
}

/// Reads one Content-Length response from a kept-alive connection.
async fn read_one(c: &mut TcpStream, buf: &mut Vec<u8>) -> (u16, Vec<(String, String)>, Vec<u8>) {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let (st, headers, _) = split_response(&buf[..end + 4]);
            let len: usize = header(&headers, "content-length").unwrap().parse().unwrap();
            while buf.len() < end + 4 + len {
                let mut tmp = [0u8; 8192];
                let n = c.read(&mut tmp).await.unwrap();
                assert!(n > 0, "closed early");
                buf.extend_from_slice(&tmp[..n]);
            }
            let body = buf[end + 4..end + 4 + len].to_vec();
            buf.drain(..end + 4 + len);
            return (st, headers, body);
        }
        let mut tmp = [0u8; 8192];
        let n = c.read(&mut tmp).await.unwrap();
        assert!(n > 0, "closed early");
        buf.extend_from_slice(&tmp[..n]);
    }
}

#[tokio::test]
async fn keep_alive_and_pipelining() {
    let s = start().await;
    let mut c = TcpStream::connect(s.addr()).await.unwrap();
    let mut buf = Vec::new();
    for _ in 0..3 {
        c.write_all(get(&format!("instance_id={INSTANCE_MYSQL}&limit=2"), "").as_bytes())
            .await
            .unwrap();
        let (st, headers, body) = read_one(&mut c, &mut buf).await;
        assert_eq!(st, 200);
        assert_eq!(header(&headers, "connection"), None);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["backups"].as_array().unwrap().len(), 2);
    }
    // Three pipelined requests in one write, the last one closing.
    let mut batch = get(&format!("instance_id={INSTANCE_MYSQL}&limit=1"), "");
    batch.push_str(&get("instance_id=nosuch", ""));
    batch.push_str(&get(
        &format!("instance_id={INSTANCE_MYSQL}&limit=3"),
        "Connection: close\r\n",
    ));
    c.write_all(batch.as_bytes()).await.unwrap();
    let statuses = [
        read_one(&mut c, &mut buf).await.0,
        read_one(&mut c, &mut buf).await.0,
    ];
    assert_eq!(statuses, [200, 400]);
    let (st, headers, _) = read_one(&mut c, &mut buf).await;
    assert_eq!((st, header(&headers, "connection")), (200, Some("close")));
    // The server closes after the response (while the client's side stays open).
    let mut rest = Vec::new();
    c.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty() && buf.is_empty());
    assert_eq!(s.requests(INSTANCE_MYSQL), 5);
}

#[tokio::test]
async fn head_gets_no_body_and_expect_continue_is_honoured() {
    let s = start().await;
    let mut c = TcpStream::connect(s.addr()).await.unwrap();
    let head = format!(
        "HEAD {}?instance_id={INSTANCE_MYSQL} HTTP/1.1\r\nHost: x\r\n\r\n",
        common::backups_path()
    );
    c.write_all(head.as_bytes()).await.unwrap();
    // Then a GET on the same connection: its response must come right after the head.
    c.write_all(get("instance_id=nosuch", "Connection: close\r\n").as_bytes())
        .await
        .unwrap();
    let mut all = Vec::new();
    c.read_to_end(&mut all).await.unwrap();
    let text = String::from_utf8(all).unwrap();
    let second = text.find("HTTP/1.1 400 ").expect("second response");
    let (first, rest) = text.as_bytes().split_at(second);
    let (st, headers, body) = split_response(first);
    assert_eq!(st, 405);
    assert!(body.is_empty());
    assert_ne!(header(&headers, "content-length"), Some("0"));
    assert_eq!(split_response(rest).0, 400);

    // Expect: 100-continue gets an interim response before the body is sent.
    let mut c = TcpStream::connect(s.addr()).await.unwrap();
    let req = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        common::backups_path()
    );
    c.write_all(req.as_bytes()).await.unwrap();
    let mut interim = [0u8; 25];
    c.read_exact(&mut interim).await.unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    c.write_all(b"{}").await.unwrap();
    let mut rest = Vec::new();
    c.read_to_end(&mut rest).await.unwrap();
    assert_eq!(split_response(&rest).0, 405);
}

#[tokio::test]
async fn http_1_0_closes_by_default() {
    let s = start().await;
    let req = format!(
        "GET {}?instance_id={INSTANCE_EMPTY} HTTP/1.0\r\nX-Auth-Token: {MOCK_AUTH_TOKEN}\r\n\r\n",
        common::backups_path()
    );
    let out = raw(&s, req.as_bytes()).await;
    // Answered, then closed: `raw` reads to the end of the connection.
    let (st, _, body) = split_response(&out);
    assert_eq!(st, 200);
    assert_eq!(body, br#"{"backups":[],"total_count":0}"#);
}

#[tokio::test]
async fn malformed_requests_get_400_and_the_server_survives() {
    let s = start().await;
    let cases: Vec<Vec<u8>> = vec![
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n".to_vec(),
        b"GET * HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n".to_vec(),
        b"\x00\x01\x02\x03\r\n\r\n".to_vec(),
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n".to_vec(),
    ];
    for req in cases {
        let out = raw(&s, &req).await;
        let (st, headers, body) = split_response(&out);
        // A 400, then the connection is closed (`raw` reads to the end): hyper's
        // own bare refusal for what it cannot parse, the mock's error body for
        // what HTTP/1.1 forbids but hyper leaves to the server.
        assert_eq!(st, 400, "{:?}", String::from_utf8_lossy(&req));
        if !body.is_empty() {
            assert!(header(&headers, "x-request-id").is_some());
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v["error_code"], "DBS.280001");
        }
    }
    // Bytes that never form a head, then EOF: closed without a response.
    assert!(raw(&s, b"GET / HT").await.is_empty());
    assert_still_serves(&s).await;
}

#[tokio::test]
async fn oversized_heads_get_431() {
    let s = start().await;
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(MAX_HEAD_BYTES + 10)
    );
    let out = raw(&s, huge.as_bytes()).await;
    assert_eq!(split_response(&out).0, 431);
    // Endless header bytes without an end: answered once the limit is passed.
    let endless = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}",
        "a".repeat(4 * MAX_HEAD_BYTES)
    );
    let out = raw(&s, endless.as_bytes()).await;
    assert_eq!(split_response(&out).0, 431);
    let many: String = (0..=MAX_HEADERS)
        .map(|i| format!("X-H{i}: v\r\n"))
        .collect();
    let out = raw(
        &s,
        format!("GET / HTTP/1.1\r\nHost: x\r\n{many}\r\n").as_bytes(),
    )
    .await;
    assert_eq!(split_response(&out).0, 431);
    // A long but acceptable query is fine.
    let q = format!("instance_id={INSTANCE_MYSQL}&pad={}", "x".repeat(8000));
    assert_eq!(split_response(&raw(&s, &raw_get(&q)).await).0, 200);
}

#[tokio::test]
async fn request_bodies_are_bounded() {
    let s = start().await;
    let req = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        common::backups_path(),
        MAX_BODY_BYTES + 1
    );
    assert_eq!(split_response(&raw(&s, req.as_bytes()).await).0, 413);
    let req = format!(
        "POST {}?instance_id={INSTANCE_MYSQL} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        common::backups_path()
    );
    assert_eq!(split_response(&raw(&s, req.as_bytes()).await).0, 405);
}

#[tokio::test]
async fn shutdown_releases_the_port_and_closes_connections() {
    let s = start().await;
    let addr = s.addr();
    let mut idle = TcpStream::connect(addr).await.unwrap();
    // Make sure the idle connection is being served before shutting down.
    idle.write_all(get("instance_id=nosuch", "").as_bytes())
        .await
        .unwrap();
    let mut buf = Vec::new();
    assert_eq!(read_one(&mut idle, &mut buf).await.0, 400);
    tokio::time::timeout(Duration::from_secs(5), s.server.shutdown())
        .await
        .unwrap();
    let mut rest = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), idle.read_to_end(&mut rest))
        .await
        .unwrap()
        .unwrap_or(0);
    assert_eq!(n, 0);
    assert!(TcpStream::connect(addr).await.is_err());
    // Dropping also stops the server.
    let s = start().await;
    let addr = s.addr();
    drop(s);
    // The server stops in the background: wait (a hang fails) until it has.
    tokio::time::timeout(Duration::from_secs(10), async {
        while TcpStream::connect(addr).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("a dropped server stops listening");
}

#[test]
fn background_server_serves_synchronous_callers() {
    use std::io::{Read, Write};
    let s = MockServer::start_background(MockConfig::default()).unwrap();
    let mut c = std::net::TcpStream::connect(s.addr()).unwrap();
    c.write_all(&raw_get(&format!("instance_id={SAMPLE_MYSQL_INSTANCE}")))
        .unwrap();
    let mut out = Vec::new();
    c.read_to_end(&mut out).unwrap();
    let (st, _, body) = split_response(&out);
    assert_eq!(st, 200);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("43e4feaab48f11e89039fa163ebaa7e4br01")
    );
    let addr = s.addr();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(s.shutdown());
    assert!(std::net::TcpStream::connect(addr).is_err());
}
