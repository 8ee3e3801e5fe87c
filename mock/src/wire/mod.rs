//! The wire: HTTP/1.1 on hyper's server connection, over a tokio `TcpListener`.
//!
//! hyper parses requests and frames responses (keep-alive, pipelining, `HEAD`,
//! `Expect: 100-continue`, chunked bodies). Bounded: request heads of at most
//! [`MAX_HEAD_BYTES`] and [`MAX_HEADERS`] headers (hyper answers `431`), bodies of at
//! most [`MAX_BODY_BYTES`] (`413`); hyper answers malformed requests with a bare `400`
//! and closes the connection. Nothing read from the network can make it panic.
//! The faults that must break HTTP framing are played by [`raw`] on the socket.

mod body;
mod raw;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use self::body::{Filler, ResponseBody};
use crate::answer::{Answer, Body, Wire};
use crate::request::RecordedRequest;

/// Largest accepted request head (request line and headers), in bytes.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Largest accepted number of request headers.
pub const MAX_HEADERS: usize = 64;
/// Largest accepted request body, in bytes (the operation has none).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long a connection may wait for (the rest of) a request head, idle
/// keep-alive connections included.
const HEAD_TIMEOUT: Duration = Duration::from_secs(60);
/// How long busy connections may finish after a shutdown began.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// What the server does with requests.
pub(crate) trait Service: Send + Sync + 'static {
    /// A fresh `X-Request-Id`.
    fn request_id(&self) -> String;
    /// A connection was accepted.
    fn connected(&self);
    /// Answers a request (`request.request_id` is set, `instance_id` is not).
    fn handle(&self, request: RecordedRequest) -> Answer;
}

/// Accepts connections until `shutdown` turns true (or its sender is gone), then
/// closes idle connections, lets busy ones finish for [`SHUTDOWN_GRACE`] and aborts
/// the rest.
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
                    svc.connected();
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
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    conns.shutdown().await;
}

/// A response whose wire plan is raw, handed from the service back to the
/// connection task, which alone owns the socket.
struct Takeover {
    answer: Answer,
    date: String,
    request_id: String,
}

/// Serves one connection with hyper until it ends, a raw fault takes the socket
/// over, or the server shuts down.
async fn connection<S: Service>(
    stream: TcpStream,
    svc: Arc<S>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let (tx, mut takeovers) = mpsc::unbounded_channel();
    let service = service_fn(move |req| respond(svc.clone(), req, tx.clone()));
    let mut conn = http1::Builder::new()
        // A client may shut its sending side down while it waits for the answer;
        // without this hyper would drop the request being served.
        .half_close(true)
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS)
        .serve_connection(TokioIo::new(stream), service);
    let mut closing = *shutdown.borrow();
    if closing {
        std::pin::Pin::new(&mut conn).graceful_shutdown();
    }
    let takeover = loop {
        tokio::select! {
            _ = &mut conn => return,
            Some(t) = takeovers.recv() => break t,
            r = shutdown.changed(), if !closing => {
                closing = true;
                if r.is_ok() {
                    std::pin::Pin::new(&mut conn).graceful_shutdown();
                }
            }
        }
    };
    // The service is parked on this request, so hyper has nothing buffered to
    // write: the socket is ours.
    let stream = conn.into_parts().io.into_inner();
    raw::play(
        stream,
        takeover.answer,
        &takeover.date,
        &takeover.request_id,
    )
    .await;
}

async fn respond<S: Service>(
    svc: Arc<S>,
    req: hyper::Request<Incoming>,
    takeover: mpsc::UnboundedSender<Takeover>,
) -> Result<hyper::Response<ResponseBody>, Infallible> {
    let request_id = svc.request_id();
    let date = httpdate::fmt_http_date(SystemTime::now());
    let (parts, body) = req.into_parts();
    let body = match well_formed(&parts) {
        Ok(()) => read_body(body).await,
        Err(refused) => Err(refused),
    };
    let body = match body {
        Ok(body) => body,
        Err(answer) => {
            let mut resp = http_response(answer, &date, &request_id);
            resp.headers_mut()
                .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
            return Ok(resp);
        }
    };
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        target: parts.uri.to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_owned(), v)
            })
            .collect(),
        body,
        instance_id: None,
        request_id: request_id.clone(),
    };
    let answer = svc.handle(recorded);
    match answer.wire {
        Wire::Normal => {}
        Wire::Delay(d) => tokio::time::sleep(d).await,
        _ => {
            let _ = takeover.send(Takeover {
                answer,
                date,
                request_id,
            });
            // The connection task drops this future when it takes the socket.
            return std::future::pending().await;
        }
    }
    Ok(http_response(answer, &date, &request_id))
}

/// What HTTP/1.1 requires and hyper leaves to the server: exactly one `Host`, and a
/// target that is a path (or an absolute URL); and header values in UTF-8.
fn well_formed(parts: &hyper::http::request::Parts) -> Result<(), Answer> {
    let bad = |msg: &str| Err(Answer::error(400, "DBS.280001", msg));
    let hosts = parts.headers.get_all(hyper::header::HOST).iter().count();
    if parts.version == hyper::Version::HTTP_11 && hosts != 1 {
        return bad("An HTTP/1.1 request needs exactly one Host header.");
    }
    // Signatures cover header values as text: bytes that are not UTF-8 cannot be
    // checked, so they are refused rather than recorded altered.
    if parts
        .headers
        .values()
        .any(|v| std::str::from_utf8(v.as_bytes()).is_err())
    {
        return bad("A header value is not valid UTF-8.");
    }
    if parts.uri.scheme().is_none() && !parts.uri.path().starts_with('/') {
        return bad("The request target must be a path.");
    }
    Ok(())
}

/// The request body, or the refusal: `413` over [`MAX_BODY_BYTES`] (a declared
/// length is refused before reading), `400` if it cannot be read.
async fn read_body(body: Incoming) -> Result<Vec<u8>, Answer> {
    let too_large = || Answer::error(413, "DBS.280001", "Request body too large.");
    if hyper::body::Body::size_hint(&body).lower() > MAX_BODY_BYTES as u64 {
        return Err(too_large());
    }
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(_) => Err(Answer::error(
            400,
            "DBS.280001",
            "The request body could not be read.",
        )),
    }
}

/// The hyper response of a non-raw answer.
fn http_response(answer: Answer, date: &str, request_id: &str) -> hyper::Response<ResponseBody> {
    let (body, length) = match answer.body {
        Body::Bytes(b) => {
            let n = b.len() as u64;
            (ResponseBody::full(b), Some(n))
        }
        Body::Filler {
            len,
            chunked,
            fragment,
        } => (
            ResponseBody::Filler(Filler::new(len, &fragment)),
            (!chunked).then_some(len),
        ),
    };
    let mut resp = hyper::Response::new(body);
    *resp.status_mut() = hyper::StatusCode::from_u16(answer.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    let mut bad = Vec::new();
    for (name, value) in &answer.headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) => {
                headers.append(n, v);
            }
            _ => bad.push(name.as_str()),
        }
    }
    if !bad.is_empty() {
        // A script asked for a header HTTP cannot carry: say so instead of
        // sending something else quietly.
        let msg = format!(
            "The scripted reply has invalid headers: {}.",
            bad.join(", ")
        );
        return http_response(Answer::error(500, "MOCK.0001", &msg), date, request_id);
    }
    let mut defaults = vec![
        (hyper::header::DATE, date.to_owned()),
        (
            HeaderName::from_static("x-request-id"),
            request_id.to_owned(),
        ),
        (hyper::header::SERVER, "rds-mock".to_owned()),
    ];
    if let Some(n) = length
        && !headers.contains_key(hyper::header::TRANSFER_ENCODING)
    {
        defaults.push((hyper::header::CONTENT_LENGTH, n.to_string()));
    }
    for (name, value) in defaults {
        if !headers.contains_key(&name)
            && let Ok(v) = HeaderValue::from_str(&value)
        {
            headers.insert(name, v);
        }
    }
    resp
}
