//! A scripted HTTP/1.1 server on `127.0.0.1` for client tests.
//!
//! Each connection carries one request: the server reads it, records it
//! exactly as received (method, request target, headers, body), then plays the
//! next [`Step`] of its script and closes the connection. Responses always
//! carry `Connection: close`, so a client never reuses a connection and every
//! attempt is one recorded request. When the script runs out, its last step is
//! played again.
//!
//! ```no_run
//! use rds_tests::script_server::{Reply, ScriptServer, Step};
//!
//! # async fn run() {
//! let server = ScriptServer::start([
//!     Step::Reset,
//!     Step::Reply(Reply::json(200, r#"{"backups": [], "total_count": 0}"#)),
//! ])
//! .await;
//! // point a client at server.url() ...
//! assert!(server.count() <= 2);
//! # }
//! ```

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A complete response: status, headers and body.
///
/// `Content-Length` (unless a `Content-Length` or `Transfer-Encoding` header
/// is given), `Date` (unless given) and `Connection: close` are added when it
/// is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// A response with this status, no headers and no body.
    pub fn new(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A response with a JSON body (`Content-Type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Reply::new(status)
            .header("Content-Type", "application/json")
            .body(body.into())
    }

    /// The service's error body `{"error_code": .., "error_msg": ..}` with an
    /// `X-Request-Id` header.
    pub fn api_error(status: u16, code: &str, msg: &str, request_id: &str) -> Self {
        let body = serde_json::json!({ "error_code": code, "error_msg": msg });
        Reply::json(status, body.to_string()).header("X-Request-Id", request_id)
    }

    /// Add a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Set the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Status line and headers; `content_length` is the `Content-Length` to
    /// declare (`None` to leave framing to the headers given).
    fn head(&self, content_length: Option<u64>) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(len) = content_length
            && !self.has_header("content-length")
            && !self.has_header("transfer-encoding")
        {
            head.push_str(&format!("Content-Length: {len}\r\n"));
        }
        if !self.has_header("date") {
            let date = httpdate::fmt_http_date(SystemTime::now());
            head.push_str(&format!("Date: {date}\r\n"));
        }
        head.push_str("Connection: close\r\n\r\n");
        head.into_bytes()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// What the server does with one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send the response, then close.
    Reply(Reply),
    /// Wait, then send the response (the headers are late).
    Delayed(Duration, Reply),
    /// Never answer: hold the connection until the client closes it.
    Hang,
    /// Close the connection (FIN) before sending a byte.
    Close,
    /// Reset the connection (RST) before sending a byte.
    Reset,
    /// Send the headers, declaring the full body's `Content-Length`, and the
    /// first `sent` bytes of the body, then close the connection.
    TruncateBody {
        /// The response whose body is cut short.
        reply: Reply,
        /// Body bytes actually sent.
        sent: usize,
    },
    /// Send the headers, declaring the full body's `Content-Length`, and the
    /// first `sent` bytes of the body, then send nothing more until the
    /// client closes the connection.
    StallBody {
        /// The response whose body stalls.
        reply: Reply,
        /// Body bytes sent before the stall.
        sent: usize,
    },
    /// Send `len` bytes of filler (`x`) as the body, in 16 KiB writes, with a
    /// `Content-Length` of `len`, or chunked with no length when `chunked`.
    /// Stops quietly when the client goes away.
    Stream {
        /// Status and headers; its body is ignored.
        reply: Reply,
        /// Body length.
        len: usize,
        /// Chunked transfer coding instead of `Content-Length`.
        chunked: bool,
    },
}

/// One request as the server received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target exactly as received: path and raw query.
    pub target: String,
    /// Headers in the order received, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (by `Content-Length`; empty without one).
    pub body: Vec<u8>,
    /// When the request had been read.
    pub received_at: Instant,
}

impl RecordedRequest {
    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The raw query string (without `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many headers have this name (case-insensitive).
    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }
}

#[derive(Debug)]
struct State {
    script: Vec<Step>,
    requests: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
}

impl State {
    fn requests(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        // A panicking connection task must not hide what was recorded.
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running scripted server; stops when dropped.
#[derive(Debug)]
pub struct ScriptServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

/// The largest request head accepted (request line and headers).
const MAX_HEAD: usize = 64 * 1024;

impl ScriptServer {
    /// Bind `127.0.0.1:0` and serve `script` (at least one step) on the
    /// current Tokio runtime.
    pub async fn start(script: impl IntoIterator<Item = Step>) -> ScriptServer {
        let script: Vec<Step> = script.into_iter().collect();
        assert!(!script.is_empty(), "a script needs at least one step");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State {
            script,
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        });
        let task = tokio::spawn(accept_loop(listener, state.clone()));
        ScriptServer { addr, state, task }
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests().clone()
    }

    /// How many requests were received.
    pub fn count(&self) -> usize {
        self.state.requests().len()
    }

    /// How many connections were accepted (with or without a request).
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

impl Drop for ScriptServer {
    fn drop(&mut self) {
        // Dropping the accept loop drops its `JoinSet`, which aborts every
        // connection task.
        self.task.abort();
    }
}

/// An address on `127.0.0.1` where nothing listens (bound, then released).
pub async fn unused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address")
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                state.connections.fetch_add(1, Ordering::SeqCst);
                connections.spawn(serve(stream, state.clone()));
            }
            // Reap finished connection tasks so the set stays small.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let step = {
        let mut requests = state.requests();
        let index = requests.len().min(state.script.len() - 1);
        requests.push(request);
        state.script[index].clone()
    };
    // Write errors mean the client went away: nothing to do about it.
    let _ = play(&mut stream, step).await;
}

async fn play(stream: &mut TcpStream, step: Step) -> std::io::Result<()> {
    match step {
        Step::Reply(reply) => {
            write_reply(stream, &reply).await?;
        }
        Step::Delayed(delay, reply) => {
            tokio::time::sleep(delay).await;
            write_reply(stream, &reply).await?;
        }
        Step::Hang => wait_for_close(stream).await,
        Step::Close => {
            stream.shutdown().await?;
        }
        Step::Reset => {
            stream.set_zero_linger()?;
            // Dropping the socket with a zero linger sends RST.
        }
        Step::TruncateBody { reply, sent } => {
            let head = reply.head(Some(reply.body.len() as u64));
            stream.write_all(&head).await?;
            stream
                .write_all(&reply.body[..sent.min(reply.body.len())])
                .await?;
            stream.flush().await?;
            stream.shutdown().await?;
        }
        Step::StallBody { reply, sent } => {
            let head = reply.head(Some(reply.body.len() as u64));
            stream.write_all(&head).await?;
            stream
                .write_all(&reply.body[..sent.min(reply.body.len())])
                .await?;
            stream.flush().await?;
            wait_for_close(stream).await;
        }
        Step::Stream {
            mut reply,
            len,
            chunked,
        } => {
            let head = if chunked {
                reply
                    .headers
                    .push(("Transfer-Encoding".into(), "chunked".into()));
                reply.head(None)
            } else {
                reply.head(Some(len as u64))
            };
            stream.write_all(&head).await?;
            let block = vec![b'x'; 16 * 1024];
            let mut left = len;
            while left > 0 {
                let n = left.min(block.len());
                if chunked {
                    stream.write_all(format!("{n:x}\r\n").as_bytes()).await?;
                    stream.write_all(&block[..n]).await?;
                    stream.write_all(b"\r\n").await?;
                } else {
                    stream.write_all(&block[..n]).await?;
                }
                left -= n;
            }
            if chunked {
                stream.write_all(b"0\r\n\r\n").await?;
            }
            stream.flush().await?;
            stream.shutdown().await?;
        }
    }
    Ok(())
}

async fn write_reply(stream: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut bytes = reply.head(Some(reply.body.len() as u64));
    bytes.extend_from_slice(&reply.body);
    stream.write_all(&bytes).await?;
    stream.flush().await?;
    stream.shutdown().await
}

/// Read (and discard) until the peer closes the connection or it fails.
async fn wait_for_close(stream: &mut TcpStream) {
    let mut buf = [0u8; 1024];
    while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
}

/// Read one request: head up to the blank line, then a `Content-Length`
/// body. `None` if the connection closed first or the head is malformed.
async fn read_request(stream: &mut TcpStream) -> Option<RecordedRequest> {
    let mut buf = Vec::with_capacity(4096);
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some(RecordedRequest {
        method,
        target,
        headers,
        body,
        received_at: Instant::now(),
    })
}
