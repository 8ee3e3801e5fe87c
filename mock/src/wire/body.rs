//! Response bodies for hyper: bytes in one frame, or generated filler streamed in
//! pieces so that an oversize body is never held in memory.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame, SizeHint};

/// Piece size of streamed bodies.
const CHUNK: usize = 64 * 1024;

/// A response body.
#[derive(Debug)]
pub(crate) enum ResponseBody {
    /// One frame (taken when sent).
    Full(Option<Bytes>),
    /// Generated pieces.
    Filler(Filler),
}

impl ResponseBody {
    pub fn full(bytes: Vec<u8>) -> ResponseBody {
        ResponseBody::Full(Some(Bytes::from(bytes)))
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let next = match self.get_mut() {
            ResponseBody::Full(bytes) => bytes.take(),
            ResponseBody::Filler(filler) => filler.next_chunk(),
        };
        Poll::Ready(next.map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ResponseBody::Full(bytes) => bytes.is_none(),
            ResponseBody::Filler(filler) => filler.pieces.is_empty(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ResponseBody::Full(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            // Unknown, so that a chunked filler is sent chunked; a filler with a
            // length carries its own `Content-Length` header.
            ResponseBody::Filler(_) => SizeHint::default(),
        }
    }
}

#[derive(Debug)]
enum Piece {
    Bytes(Bytes),
    Repeat { item: Bytes, times: u64 },
    Blanks(u64),
}

/// Exactly `len` bytes: `{"backups":[F,F,...,F` + blanks + `],"total_count":K}`,
/// valid JSON when `len` leaves room for one fragment `F`; `{}` and blanks otherwise.
#[derive(Debug)]
pub(crate) struct Filler {
    pieces: VecDeque<Piece>,
}

impl Filler {
    pub fn new(len: u64, fragment: &str) -> Filler {
        const PREFIX: &[u8] = b"{\"backups\":[";
        // `]` + the longest possible `,"total_count":K}`.
        const SUFFIX_MAX: u64 = 1 + 16 + 20 + 1;
        let f = fragment.len() as u64;
        let fixed = PREFIX.len() as u64 + SUFFIX_MAX + f;
        let mut pieces = VecDeque::new();
        if len < fixed || f == 0 {
            let mut left = len;
            if left >= 2 {
                pieces.push_back(Piece::Bytes(Bytes::from_static(b"{}")));
                left -= 2;
            }
            pieces.push_back(Piece::Blanks(left));
            return Filler { pieces };
        }
        let extra = (len - fixed) / (f + 1);
        let suffix = format!("],\"total_count\":{}}}", extra + 1);
        let written = PREFIX.len() as u64 + extra * (f + 1) + f;
        pieces.push_back(Piece::Bytes(Bytes::from_static(PREFIX)));
        pieces.push_back(Piece::Repeat {
            item: Bytes::from(format!("{fragment},")),
            times: extra,
        });
        pieces.push_back(Piece::Bytes(Bytes::from(fragment.to_owned())));
        pieces.push_back(Piece::Blanks(len - written - suffix.len() as u64));
        pieces.push_back(Piece::Bytes(Bytes::from(suffix)));
        Filler { pieces }
    }

    /// The next piece of about [`CHUNK`] bytes, `None` at the end.
    fn next_chunk(&mut self) -> Option<Bytes> {
        let mut buf = Vec::with_capacity(CHUNK);
        while buf.len() < CHUNK {
            let Some(piece) = self.pieces.front_mut() else {
                break;
            };
            match piece {
                Piece::Bytes(b) => {
                    buf.extend_from_slice(b);
                    self.pieces.pop_front();
                }
                Piece::Repeat { item, times } => {
                    while *times > 0 && buf.len() < CHUNK {
                        buf.extend_from_slice(item);
                        *times -= 1;
                    }
                    if *times == 0 {
                        self.pieces.pop_front();
                    }
                }
                Piece::Blanks(n) => {
                    let k = (*n).min((CHUNK - buf.len()) as u64);
                    buf.resize(buf.len() + k as usize, b' ');
                    *n -= k;
                    if *n == 0 {
                        self.pieces.pop_front();
                    }
                }
            }
        }
        (!buf.is_empty()).then(|| Bytes::from(buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(mut f: Filler) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(b) = f.next_chunk() {
            assert!(b.len() <= CHUNK + 4096);
            out.extend_from_slice(&b);
        }
        out
    }

    #[test]
    fn filler_has_the_exact_length_and_is_json() {
        let fragment = r#"{"id":"x"}"#;
        for len in [0, 1, 2, 50, 100, 1000, 3 * CHUNK as u64 + 7] {
            let body = all(Filler::new(len, fragment));
            assert_eq!(body.len() as u64, len);
            if len >= 2 {
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                if len >= 100 {
                    let n = v["backups"].as_array().unwrap().len();
                    assert_eq!(v["total_count"], n);
                }
            }
        }
        assert_eq!(all(Filler::new(5, "")), b"{}   ");
    }
}
