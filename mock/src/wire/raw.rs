//! The faults hyper cannot play: a reset, a close before or in the middle of a
//! response, a body that stalls, a request never answered. hyper frames every
//! response it sends completely (or aborts it without flushing), so for these the
//! connection task takes the socket back from hyper and writes the bytes itself,
//! then closes. Nothing here is used for a well-formed answer.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::answer::{Answer, Body, Wire};

/// How long a raw close keeps reading what the client still sends, so that unread
/// request bytes do not turn the close into a reset.
const LINGER_TIME: Duration = Duration::from_millis(500);

/// Plays `answer` (whose wire plan is raw) on `stream`, then closes it.
pub(crate) async fn play(mut stream: TcpStream, answer: Answer, date: &str, request_id: &str) {
    // Write errors mean the client went away: nothing left to do.
    let _ = match answer.wire {
        Wire::Normal | Wire::Delay(_) => Ok(()),
        Wire::Hang => {
            wait_for_close(&mut stream).await;
            Ok(())
        }
        Wire::Close => stream.shutdown().await,
        Wire::Reset => {
            // Dropping a socket with a zero linger sends RST instead of FIN.
            let _ = stream.set_zero_linger();
            return;
        }
        Wire::CloseMidBody { sent } => {
            let (head, body) = split(&answer, date, request_id, sent);
            close_after(&mut stream, &[&head, body]).await
        }
        Wire::StallMidBody { sent, stall } => {
            let (head, body) = split(&answer, date, request_id, sent);
            stall_mid_body(&mut stream, &head, body, full_body(&answer), stall).await
        }
    };
    linger(&mut stream).await;
}

async fn stall_mid_body(
    stream: &mut TcpStream,
    head: &[u8],
    first: &[u8],
    full: &[u8],
    stall: Option<Duration>,
) -> std::io::Result<()> {
    stream.write_all(head).await?;
    stream.write_all(first).await?;
    stream.flush().await?;
    let Some(stall) = stall else {
        wait_for_close(stream).await;
        return Ok(());
    };
    tokio::time::sleep(stall).await;
    close_after(stream, &[&full[first.len()..]]).await
}

async fn close_after(stream: &mut TcpStream, parts: &[&[u8]]) -> std::io::Result<()> {
    for part in parts {
        stream.write_all(part).await?;
    }
    stream.flush().await?;
    stream.shutdown().await
}

fn full_body(answer: &Answer) -> &[u8] {
    match &answer.body {
        Body::Bytes(b) => b,
        Body::Filler { .. } => &[],
    }
}

/// The head (with the full body's `Content-Length`) and the part of the body sent
/// before the fault (`None`: half).
fn split<'a>(
    answer: &'a Answer,
    date: &str,
    request_id: &str,
    sent: Option<usize>,
) -> (Vec<u8>, &'a [u8]) {
    let body = full_body(answer);
    let sent = sent.unwrap_or(body.len() / 2).min(body.len());
    (head(answer, date, request_id, body.len()), &body[..sent])
}

/// Status line and headers, ending with `Connection: close` and the blank line.
fn head(answer: &Answer, date: &str, request_id: &str, content_length: usize) -> Vec<u8> {
    let has = |name: &str| {
        answer
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    let reason = hyper::StatusCode::from_u16(answer.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut h = format!("HTTP/1.1 {} {reason}\r\n", answer.status);
    if !has("date") {
        h.push_str(&format!("Date: {date}\r\n"));
    }
    if !has("x-request-id") {
        h.push_str(&format!("X-Request-Id: {request_id}\r\n"));
    }
    if !has("server") {
        h.push_str("Server: rds-mock\r\n");
    }
    for (n, v) in &answer.headers {
        h.push_str(&format!("{n}: {v}\r\n"));
    }
    if !has("content-length") && !has("transfer-encoding") {
        h.push_str(&format!("Content-Length: {content_length}\r\n"));
    }
    h.push_str("Connection: close\r\n\r\n");
    h.into_bytes()
}

/// Reads (and discards) until the client closes the connection or it fails.
async fn wait_for_close(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
}

/// Reads what the client still sends, for a moment, before the socket is dropped.
async fn linger(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(LINGER_TIME, async {
        while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
    })
    .await;
}
