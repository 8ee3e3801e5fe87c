//! Helpers shared by the integration tests: starting a server, token and signed
//! requests with reqwest, raw TCP exchanges.
#![allow(dead_code)]

use std::time::Duration;

use huaweicloud_rds_mock::{
    INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_AUTH_TOKEN, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig,
    MockServer,
};
use huaweicloud_signer::{self as signing, RequestParts, SigningKey};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Runs a test body, failing instead of hanging if it takes longer than `limit`:
/// only a hang should ever reach it.
pub async fn guarded<T>(limit: Duration, body: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, body)
        .await
        .unwrap_or_else(|_| panic!("the test did not finish within {limit:?}"))
}

/// A running server and one client for it (building a client per request is slow
/// in debug builds). Derefs to the server.
pub struct Ctx {
    pub server: MockServer,
    pub client: reqwest::Client,
}

impl std::ops::Deref for Ctx {
    type Target = MockServer;
    fn deref(&self) -> &MockServer {
        &self.server
    }
}

/// A server with short fault delays and a 1 MiB oversize body.
pub async fn start() -> Ctx {
    start_with(
        MockConfig::default()
            .fault_delay(Duration::from_millis(300))
            .oversize_bytes(1024 * 1024),
    )
    .await
}

pub async fn start_with(config: MockConfig) -> Ctx {
    Ctx {
        server: MockServer::start(config).await.expect("mock server starts"),
        client: client(),
    }
}

/// A new client (a new connection pool).
pub fn client() -> reqwest::Client {
    // reqwest here has no crypto provider of its own: take the client crate's.
    huaweicloud_rds::tls::plain_http_builder()
        .expect("TLS configuration")
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

pub fn backups_path() -> String {
    format!("/v3/{MOCK_PROJECT_ID}/backups")
}

/// A GET of `/v3/{project}/backups?{raw_query}` with the mock IAM token.
pub fn token_get(ctx: &Ctx, raw_query: &str) -> reqwest::RequestBuilder {
    token_get_with(&ctx.client, ctx, raw_query)
}

/// [`token_get`] with a given client.
pub fn token_get_with(
    client: &reqwest::Client,
    server: &MockServer,
    raw_query: &str,
) -> reqwest::RequestBuilder {
    client
        .get(format!(
            "{}{}?{raw_query}",
            server.base_url(),
            backups_path()
        ))
        .header("X-Auth-Token", MOCK_AUTH_TOKEN)
}

/// Status and JSON body of a token GET.
pub async fn get_json(ctx: &Ctx, raw_query: &str) -> (u16, Value) {
    let resp = token_get(ctx, raw_query).send().await.expect("response");
    let status = resp.status().as_u16();
    let body = resp.bytes().await.expect("body");
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("JSON body for {raw_query}: {e}: {body:?}"));
    (status, json)
}

/// The ids of a list body, in order.
/// After a fault or a bad request, the server still answers a good one.
pub async fn assert_still_serves(ctx: &Ctx) {
    let (status, body) = get_json(ctx, &format!("instance_id={INSTANCE_MYSQL}")).await;
    assert_eq!(status, 200, "{body}");
}

pub fn ids(body: &Value) -> Vec<String> {
    body["backups"]
        .as_array()
        .expect("backups array")
        .iter()
        .map(|b| b["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A signed GET (SDK-HMAC-SHA256) of the list operation with the given decoded
/// query pairs, secret key and `X-Sdk-Date`, sent with the canonical query string.
pub fn signed_get(
    server: &Ctx,
    pairs: &[(&str, &str)],
    sk: &str,
    date: &str,
) -> (reqwest::RequestBuilder, signing::Signed) {
    let host = server.addr().to_string();
    let path = backups_path();
    let headers = [
        ("Content-Type", "application/json"),
        ("X-Project-Id", MOCK_PROJECT_ID),
    ];
    let parts = RequestParts {
        method: "GET",
        host: &host,
        path: &path,
        query: pairs,
        headers: &headers,
        body: b"",
    };
    let signed = signing::sign(&parts, &SigningKey::new(MOCK_ACCESS_KEY, sk), date).expect("signs");
    let url = format!("http://{host}{path}?{}", signed.canonical_query);
    let mut rb = server.client.get(url);
    for (n, v) in &signed.headers {
        if !n.eq_ignore_ascii_case("host") {
            rb = rb.header(n.as_str(), v.as_str());
        }
    }
    (rb, signed)
}

/// A correctly signed GET, dated now.
pub fn good_signed_get(server: &Ctx, pairs: &[(&str, &str)]) -> reqwest::RequestBuilder {
    signed_get(server, pairs, MOCK_SECRET_KEY, &signing::sdk_date_now()).0
}

/// Writes `request` on a fresh connection, closes the sending side and reads until
/// the server closes it (or 5 s pass).
pub async fn raw(server: &MockServer, request: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(server.addr()).await.expect("connect");
    // The server may answer and close before it read everything (e.g. 431).
    let _ = s.write_all(request).await;
    let _ = s.shutdown().await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    out
}

/// A raw GET request with the token, closing the connection afterwards.
pub fn raw_get(raw_query: &str) -> Vec<u8> {
    format!(
        "GET {}?{raw_query} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: {MOCK_AUTH_TOKEN}\r\nConnection: close\r\n\r\n",
        backups_path()
    )
    .into_bytes()
}

/// Splits a raw response into (status, lower-cased headers, body).
pub fn split_response(bytes: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("complete head");
    let head = std::str::from_utf8(&bytes[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status = lines.next().expect("status line")[9..12]
        .parse()
        .expect("status code");
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').expect("header");
            (n.trim().to_ascii_lowercase(), v.trim().to_owned())
        })
        .collect();
    (status, headers, bytes[end + 4..].to_vec())
}

/// Unix seconds of a time as the mock writes it (read by the client's `Timestamp`).
pub fn epoch(t: &str) -> i64 {
    t.parse::<huaweicloud_rds::Timestamp>()
        .unwrap_or_else(|e| panic!("{e}"))
        .unix_seconds()
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}
