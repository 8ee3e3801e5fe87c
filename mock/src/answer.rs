//! [`Answer`]: what the pipeline decided to send, and how it goes on the wire.

use std::time::Duration;

use crate::reply::Reply;

/// A response to send, before framing.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    /// Headers besides `Date`, `X-Request-Id`, `Server` and the framing headers
    /// (each added unless given here).
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub wire: Wire,
}

/// A response body.
#[derive(Debug)]
pub(crate) enum Body {
    /// These bytes.
    Bytes(Vec<u8>),
    /// `len` bytes of JSON (`fragment` repeated in a `backups` array, padded),
    /// generated while it is sent.
    Filler {
        len: u64,
        chunked: bool,
        fragment: String,
    },
}

/// How the response goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    /// As HTTP says.
    Normal,
    /// The headers `.0` late.
    Delay(Duration),
    /// Nothing, until the client closes.
    Hang,
    /// FIN before the headers.
    Close,
    /// RST before the headers.
    Reset,
    /// Full `Content-Length`, `sent` bytes of body (`None`: half), FIN.
    CloseMidBody { sent: Option<usize> },
    /// Full `Content-Length`, `sent` bytes (`None`: half), a stall of `stall` then
    /// the rest (`None`: nothing more until the client closes), then FIN.
    StallMidBody {
        sent: Option<usize>,
        stall: Option<Duration>,
    },
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, body: Vec<u8>) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Body::Bytes(body),
            wire: Wire::Normal,
        }
    }

    /// `405` naming the method to use, with `Allow`.
    pub fn method_not_allowed(allow: &str) -> Answer {
        let mut a = Answer::error(405, "APIGW.0101", &format!("Use {allow}."));
        a.headers.push(("Allow".into(), allow.into()));
        a
    }

    /// `{"error_code": code, "error_msg": msg}`.
    pub fn error(status: u16, code: &str, msg: &str) -> Answer {
        let body = serde_json::json!({"error_code": code, "error_msg": msg});
        Answer::json(status, body.to_string().into_bytes())
    }

    /// A scripted reply, `{request_id}` in its body replaced by `request_id`.
    pub fn reply(reply: &Reply, request_id: &str) -> Answer {
        Answer {
            status: reply.status,
            headers: reply.headers.clone(),
            body: Body::Bytes(replace(&reply.body, b"{request_id}", request_id.as_bytes())),
            wire: Wire::Normal,
        }
    }

    /// With this wire plan.
    pub fn on_wire(mut self, wire: Wire) -> Answer {
        self.wire = wire;
        self
    }
}

/// `haystack` with every `from` replaced by `to` (bodies need not be UTF-8).
fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(i) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(to);
        rest = &rest[i + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_id_is_filled_in_even_in_bytes_that_are_not_utf8() {
        let reply = Reply::new(500).body(&b"\xff{request_id}-{request_id}"[..]);
        let Body::Bytes(body) = Answer::reply(&reply, "r1").body else {
            unreachable!()
        };
        assert_eq!(body, b"\xffr1-r1");
    }
}
