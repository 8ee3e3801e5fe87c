//! The wire: a small HTTP/1.1 server on a tokio `TcpListener`, parsing with `httparse`.
//!
//! Keep-alive and pipelining, `Connection: close`, `Content-Length` (or chunked, for the
//! oversize fault) responses. Bounded: request heads of at most [`MAX_HEAD_BYTES`] and
//! [`MAX_HEADERS`] headers (`431` otherwise), bodies of at most [`MAX_BODY_BYTES`]
//! (`413`), malformed requests get `400` and the connection is closed. Nothing read
//! from the network can make it panic. Responses are written byte by byte as the
//! [`Wire`] plan says, which is what the faults need.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::timefmt::{http_date, now_epoch};

/// Largest accepted request head (request line and headers), in bytes.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Largest accepted number of request headers.
pub const MAX_HEADERS: usize = 64;
/// Largest accepted request body, in bytes (the operation has none).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long an idle keep-alive connection is kept open.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a client may take to send a request once it started.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long, and for how many bytes, a closing connection keeps reading.
const LINGER_TIME: Duration = Duration::from_millis(500);
const LINGER_BYTES: usize = 1 << 20;
/// Piece size of streamed bodies.
const CHUNK: usize = 64 * 1024;

/// A received request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// Request target as received (path and query).
    pub target: String,
    /// Raw path (before `?`).
    pub path: String,
    /// Raw query (after `?`), if any.
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    keep_alive: bool,
}

impl Request {
    /// The first header of this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response body.
#[derive(Debug)]
pub(crate) enum Body {
    /// These bytes.
    Bytes(Vec<u8>),
    /// `len` bytes of valid JSON: `fragment` repeated in a `backups` array, padded.
    Oversize {
        len: u64,
        chunked: bool,
        fragment: String,
    },
}

/// How the response goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    Normal,
    DelayHeaders(Duration),
    StallMidBody(Duration),
    DropBeforeHeaders,
    DropMidBody,
}

/// A response to send.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    /// Headers besides `Date`, `X-Request-Id`, `Content-Length`, `Connection`.
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub wire: Wire,
    /// Close the connection after this response.
    pub close: bool,
    /// Send the head only (answer to `HEAD`).
    pub omit_body: bool,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Body::Bytes(body),
            wire: Wire::Normal,
            close: false,
            omit_body: false,
        }
    }

    /// `{"error_code": code, "error_msg": msg}`.
    pub fn error(status: u16, code: &str, msg: &str) -> Response {
        let body = serde_json::json!({"error_code": code, "error_msg": msg});
        Response::json(status, body.to_string().into_bytes())
    }
}

/// What the server does with requests.
pub(crate) trait Service: Send + Sync + 'static {
    /// A fresh `X-Request-Id`.
    fn request_id(&self) -> String;
    /// Answers a request.
    fn handle(&self, req: &Request, request_id: &str) -> Response;
}

/// Accepts connections until `shutdown` turns true (or its sender is gone), then
/// closes idle connections, lets busy ones finish for up to a second and aborts the rest.
pub(crate) async fn serve<S: Service>(
    listener: TcpListener,
    svc: Arc<S>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        if *shutdown.borrow_and_update() {
            break;
        }
        tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => {
                    conns.spawn(connection(stream, svc.clone(), shutdown.clone()));
                }
                // Out of descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            r = shutdown.changed() => if r.is_err() { break },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    conns.shutdown().await;
}

enum Read {
    Request(Request),
    Closed,
    Bad(u16, &'static str, String),
}

/// Serves one connection: requests in order until close, error or shutdown.
async fn connection<S: Service>(
    mut stream: TcpStream,
    svc: Arc<S>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        if *shutdown.borrow() {
            break;
        }
        let read = tokio::select! {
            r = read_request(&mut stream, &mut buf) => r,
            _ = shutdown.changed() => Read::Closed,
        };
        let id = svc.request_id();
        let (resp, keep_alive) = match read {
            Read::Closed => break,
            Read::Bad(status, code, msg) => {
                let mut r = Response::error(status, code, &msg);
                r.close = true;
                (r, false)
            }
            Read::Request(req) => {
                let mut resp = svc.handle(&req, &id);
                // A HEAD response has the head a GET would get, and no body.
                resp.omit_body = req.method == "HEAD";
                let keep = req.keep_alive && !resp.close;
                (resp, keep)
            }
        };
        let sent = tokio::select! {
            r = send(&mut stream, resp, &id, keep_alive) => r.unwrap_or(false),
            _ = shutdown.changed() => false,
        };
        if !(sent && keep_alive) {
            break;
        }
    }
    let _ = stream.shutdown().await;
    // Lingering close: read what the client still sends for a moment, so that unread
    // request bytes do not turn our close into a reset that destroys the response.
    if !*shutdown.borrow() {
        let mut sink = [0u8; 4096];
        let mut left = LINGER_BYTES;
        let _ = tokio::time::timeout(LINGER_TIME, async {
            while let Ok(n) = stream.read(&mut sink).await {
                if n == 0 || n >= left {
                    break;
                }
                left -= n;
            }
        })
        .await;
    }
}

/// Reads one request (head and body) from `stream`, keeping any pipelined bytes in `buf`.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Read {
    loop {
        if !buf.is_empty() {
            match parse_head(buf) {
                Ok(Some((head_len, _, _))) if head_len > MAX_HEAD_BYTES => {
                    return Read::Bad(431, "DBS.280001", "Request header fields too large.".into());
                }
                Ok(Some((head_len, mut req, content_length))) => {
                    buf.drain(..head_len);
                    if content_length > MAX_BODY_BYTES {
                        return Read::Bad(413, "DBS.280001", "Request body too large.".into());
                    }
                    let expects_continue = req
                        .header("expect")
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"));
                    if expects_continue
                        && buf.len() < content_length
                        && stream
                            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                            .await
                            .is_err()
                    {
                        return Read::Closed;
                    }
                    while buf.len() < content_length {
                        match tokio::time::timeout(REQUEST_TIMEOUT, stream.read_buf(buf)).await {
                            Ok(Ok(n)) if n > 0 => {}
                            _ => return Read::Closed,
                        }
                    }
                    req.body = buf.drain(..content_length).collect();
                    return Read::Request(req);
                }
                Ok(None) if buf.len() > MAX_HEAD_BYTES => {
                    return Read::Bad(431, "DBS.280001", "Request header fields too large.".into());
                }
                Ok(None) => {}
                Err((status, msg)) => return Read::Bad(status, "DBS.280001", msg),
            }
        }
        let timeout = if buf.is_empty() {
            IDLE_TIMEOUT
        } else {
            REQUEST_TIMEOUT
        };
        // Never let one read grow the buffer far past the head limit.
        let room = (MAX_HEAD_BYTES + 1024).saturating_sub(buf.len()).max(1);
        let mut limited = (&mut *stream).take(room as u64);
        match tokio::time::timeout(timeout, limited.read_buf(buf)).await {
            Ok(Ok(n)) if n > 0 => {}
            Ok(_) => return Read::Closed,
            Err(_) if buf.is_empty() => return Read::Closed,
            Err(_) => return Read::Bad(408, "DBS.280001", "Request timeout.".into()),
        }
    }
}

type Head = (usize, Request, usize);

/// Parses a request head: `Ok(None)` if incomplete; the head length, the request
/// (without body) and its `Content-Length` otherwise.
fn parse_head(buf: &[u8]) -> Result<Option<Head>, (u16, String)> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut r = httparse::Request::new(&mut headers);
    let head_len = match r.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err((431, "Too many request header fields.".into()));
        }
        Err(e) => return Err((400, format!("Malformed HTTP request: {e}."))),
    };
    let bad = |m: &str| Err((400, m.to_owned()));
    let method = r.method.unwrap_or_default().to_owned();
    let target = r.path.unwrap_or_default().to_owned();
    let http11 = r.version == Some(1);
    let mut list = Vec::with_capacity(r.headers.len());
    for h in r.headers.iter() {
        let Ok(v) = std::str::from_utf8(h.value) else {
            return bad("A header value is not valid UTF-8.");
        };
        list.push((h.name.to_owned(), v.to_owned()));
    }
    let mut content_length: Option<usize> = None;
    for (n, v) in &list {
        if n.eq_ignore_ascii_case("transfer-encoding") {
            return Err((
                400,
                "Transfer-Encoding is not supported in requests.".into(),
            ));
        }
        if n.eq_ignore_ascii_case("content-length") {
            let v = v.trim();
            let parsed = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                v.parse::<usize>().ok()
            } else {
                None
            };
            match (parsed, content_length) {
                (None, _) => return bad("Invalid Content-Length."),
                (Some(a), Some(b)) if a != b => return bad("Conflicting Content-Length headers."),
                (Some(a), _) => content_length = Some(a),
            }
        }
    }
    let hosts = list
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
        .count();
    if http11 && hosts != 1 {
        return bad("An HTTP/1.1 request needs exactly one Host header.");
    }
    let origin = if target.starts_with('/') {
        target.clone()
    } else if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        rest.find('/')
            .map_or_else(|| "/".to_owned(), |i| rest[i..].to_owned())
    } else {
        return bad("The request target must be a path.");
    };
    let origin = origin.split('#').next().unwrap_or_default();
    let (path, query) = match origin.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (origin.to_owned(), None),
    };
    let tokens = |name: &str| {
        list.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(name))
    };
    let keep_alive = if http11 {
        !tokens("close")
    } else {
        tokens("keep-alive")
    };
    Ok(Some((
        head_len,
        Request {
            method,
            target,
            path,
            query,
            headers: list,
            body: Vec::new(),
            keep_alive,
        },
        content_length.unwrap_or(0),
    )))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

fn head(resp: &Response, id: &str, length: Option<u64>, keep_alive: bool) -> Vec<u8> {
    let mut h = format!(
        "HTTP/1.1 {} {}\r\nDate: {}\r\nX-Request-Id: {id}\r\nServer: rds-mock\r\n",
        resp.status,
        reason(resp.status),
        http_date(now_epoch())
    );
    for (n, v) in &resp.headers {
        h.push_str(n);
        h.push_str(": ");
        h.push_str(v);
        h.push_str("\r\n");
    }
    match length {
        Some(n) => h.push_str(&format!("Content-Length: {n}\r\n")),
        None => h.push_str("Transfer-Encoding: chunked\r\n"),
    }
    if !keep_alive {
        h.push_str("Connection: close\r\n");
    }
    h.push_str("\r\n");
    h.into_bytes()
}

/// Writes a response as its [`Wire`] plan says. `Ok(true)` if the connection is still usable.
async fn send(
    stream: &mut TcpStream,
    resp: Response,
    id: &str,
    keep_alive: bool,
) -> std::io::Result<bool> {
    match resp.wire {
        Wire::DropBeforeHeaders => return Ok(false),
        Wire::DelayHeaders(d) => tokio::time::sleep(d).await,
        _ => {}
    }
    match &resp.body {
        Body::Bytes(body) if resp.omit_body => {
            stream
                .write_all(&head(&resp, id, Some(body.len() as u64), keep_alive))
                .await?;
        }
        Body::Oversize { len, chunked, .. } if resp.omit_body => {
            stream
                .write_all(&head(&resp, id, (!chunked).then_some(*len), keep_alive))
                .await?;
        }
        Body::Bytes(body) => {
            let mut out = head(&resp, id, Some(body.len() as u64), keep_alive);
            let half = body.len() / 2;
            match resp.wire {
                Wire::StallMidBody(d) => {
                    out.extend_from_slice(&body[..half]);
                    stream.write_all(&out).await?;
                    stream.flush().await?;
                    tokio::time::sleep(d).await;
                    stream.write_all(&body[half..]).await?;
                }
                Wire::DropMidBody => {
                    out.extend_from_slice(&body[..half]);
                    stream.write_all(&out).await?;
                    stream.flush().await?;
                    return Ok(false);
                }
                _ => {
                    out.extend_from_slice(body);
                    stream.write_all(&out).await?;
                }
            }
        }
        Body::Oversize {
            len,
            chunked,
            fragment,
        } => {
            let h = head(&resp, id, (!chunked).then_some(*len), keep_alive);
            stream.write_all(&h).await?;
            let mut w = ChunkWriter {
                stream: &mut *stream,
                chunked: *chunked,
                buf: Vec::with_capacity(CHUNK + fragment.len() + 64),
            };
            oversize_body(&mut w, *len, fragment).await?;
            w.finish().await?;
        }
    }
    stream.flush().await?;
    Ok(true)
}

struct ChunkWriter<'a> {
    stream: &'a mut TcpStream,
    chunked: bool,
    buf: Vec<u8>,
}

impl ChunkWriter<'_> {
    async fn push(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.flush_chunk().await?;
        }
        Ok(())
    }

    async fn flush_chunk(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        if self.chunked {
            let size = format!("{:x}\r\n", self.buf.len());
            self.stream.write_all(size.as_bytes()).await?;
            self.buf.extend_from_slice(b"\r\n");
        }
        self.stream.write_all(&self.buf).await?;
        self.buf.clear();
        Ok(())
    }

    async fn finish(&mut self) -> std::io::Result<()> {
        self.flush_chunk().await?;
        if self.chunked {
            self.stream.write_all(b"0\r\n\r\n").await?;
        }
        Ok(())
    }
}

/// Writes exactly `len` bytes: `{"backups":[F,F,...,F]` + blanks + `,"total_count":K}`,
/// valid JSON when `len` leaves room for one fragment, blanks-padded `{}` otherwise.
async fn oversize_body(w: &mut ChunkWriter<'_>, len: u64, fragment: &str) -> std::io::Result<()> {
    const PREFIX: &[u8] = b"{\"backups\":[";
    // `]` + the longest possible `,"total_count":K}`.
    const SUFFIX_MAX: u64 = 1 + 16 + 20 + 1;
    let f = fragment.len() as u64;
    let fixed = PREFIX.len() as u64 + SUFFIX_MAX + f;
    if len < fixed || f == 0 {
        let mut left = len;
        if left >= 2 {
            w.push(b"{}").await?;
            left -= 2;
        }
        return pad(w, left).await;
    }
    let extra = (len - fixed) / (f + 1);
    let count = extra + 1;
    let suffix = format!("],\"total_count\":{count}}}");
    w.push(PREFIX).await?;
    for _ in 0..extra {
        w.push(fragment.as_bytes()).await?;
        w.push(b",").await?;
    }
    w.push(fragment.as_bytes()).await?;
    let written = PREFIX.len() as u64 + extra * (f + 1) + f;
    pad(w, len - written - suffix.len() as u64).await?;
    w.push(suffix.as_bytes()).await
}

async fn pad(w: &mut ChunkWriter<'_>, mut n: u64) -> std::io::Result<()> {
    const BLANKS: [u8; 4096] = [b' '; 4096];
    while n > 0 {
        let k = n.min(BLANKS.len() as u64) as usize;
        w.push(&BLANKS[..k]).await?;
        n -= k as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads() {
        let (n, r, cl) = parse_head(b"GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\nrest")
            .unwrap()
            .unwrap();
        assert_eq!((n, cl), (32, 0));
        assert_eq!((r.path.as_str(), r.query.as_deref()), ("/a", Some("b=c")));
        assert!(r.keep_alive);
        let (_, r, _) = parse_head(b"GET http://h:1/x?y HTTP/1.0\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!((r.path.as_str(), r.query.as_deref()), ("/x", Some("y")));
        assert!(!r.keep_alive);
        assert!(
            parse_head(b"GET / HTTP/1.1\r\nHost: x\r\n")
                .unwrap()
                .is_none()
        );
        for bad in [
            &b"GARBAGE\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\n\r\n",
            b"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: \xff\r\n\r\n",
        ] {
            assert_eq!(
                parse_head(bad).unwrap_err().0,
                400,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let many: String = (0..MAX_HEADERS + 1)
            .map(|i| format!("X-{i}: v\r\n"))
            .collect();
        let req = format!("GET / HTTP/1.1\r\nHost: x\r\n{many}\r\n");
        assert_eq!(parse_head(req.as_bytes()).unwrap_err().0, 431);
    }
}
