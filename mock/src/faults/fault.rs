//! [`Fault`]: what goes wrong with one response.

use std::time::Duration;

use crate::reply::Reply;

/// What goes wrong with one response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Nothing: the normal answer.
    None,
    /// Send this reply instead of the normal answer. `{request_id}` in its body is
    /// replaced by the response's `X-Request-Id`.
    Reply(Reply),
    /// Wait `delay` before sending anything, then send `reply` (`None`: the normal
    /// answer).
    DelayHeaders {
        /// How long the headers are late.
        delay: Duration,
        /// What is sent after the delay; `None` for the normal answer.
        reply: Option<Reply>,
    },
    /// Never answer: hold the connection until the client closes it.
    Hang,
    /// Close the connection (FIN) before sending a byte.
    CloseBeforeHeaders,
    /// Reset the connection (RST, `SO_LINGER` 0) before sending a byte.
    ResetBeforeHeaders,
    /// Send the headers with the full body's `Content-Length` and the first `sent`
    /// bytes of the body (`None`: half of it), then close the connection.
    CloseMidBody {
        /// Body bytes sent before the close; `None` for half.
        sent: Option<usize>,
        /// The response cut short; `None` for the normal answer.
        reply: Option<Reply>,
    },
    /// Send the headers with the full body's `Content-Length` and the first `sent`
    /// bytes of the body (`None`: half of it), then send nothing for `stall` and then
    /// the rest (`stall: None`: nothing more, until the client closes the connection).
    /// The connection is closed after such a response.
    StallMidBody {
        /// Body bytes sent before the stall; `None` for half.
        sent: Option<usize>,
        /// How long the body stalls; `None` until the client closes the connection.
        stall: Option<Duration>,
        /// The response that stalls; `None` for the normal answer.
        reply: Option<Reply>,
    },
    /// `200` `application/json` with a body of exactly `bytes` bytes, streamed in
    /// 64 KiB pieces without being held in memory: valid JSON (the instance's first
    /// backup repeated, then blanks) for an instance, `{}` and blanks from the
    /// server-wide script (played before routing); with `Content-Length`, or
    /// `Transfer-Encoding: chunked`.
    Oversize {
        /// Body length in bytes.
        bytes: u64,
        /// Chunked transfer coding instead of `Content-Length`.
        chunked: bool,
    },
    /// `200` with the normal body cut in half; `Content-Length` is that of the cut body.
    TruncatedJson,
    /// `200` with an empty body (`Content-Length: 0`).
    EmptyBody,
    /// `200` with the normal body, except that the first backup's `name` starts with
    /// the bytes `FF FE` (not UTF-8).
    InvalidUtf8,
    /// `200` with JSON of the wrong shape: `backups` an object, `total_count` a string.
    WrongShape,
    /// `200` with the normal JSON body but `Content-Type: text/plain; charset=utf-8`.
    NonJsonContentType,
    /// `200` with the normal body, except that every backup's `id` key is written
    /// `"id "` (the typo of the documented SQL Server sample).
    IdTypo,
    /// Answer as if a new backup had been created just before this request: the list
    /// gains one backup at its head, so every item moves one place down and
    /// `total_count` grows by one.
    ShiftByOne,
    /// Report `total_count` off by this much (items unchanged); clamped at 0.
    TotalCountDelta(i64),
    /// Ignore `offset` (answer as if it were 0).
    IgnoreOffset,
    /// `502 Bad Gateway` with an HTML page (`text/html`), as a proxy would send.
    HtmlBadGateway,
    /// A redirect: this status (`301`, `302`, `303`, `307`, `308`) with this
    /// `Location` and an empty body. The API itself never redirects.
    Redirect {
        /// The 3xx status.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// `200` `application/json` whose body is an error object,
    /// `{"error_code": code, "error_msg": message, "request_id": ...}`.
    ErrorBodyIn200 {
        /// `error_code`.
        code: String,
        /// `error_msg`.
        message: String,
    },
}

impl Fault {
    /// A reply with the service's JSON error body
    /// `{"error_code": code, "error_msg": msg}` and no extra header.
    pub fn error(status: u16, code: &str, msg: &str) -> Fault {
        Fault::Reply(Reply::api_error(status, code, msg))
    }

    /// `429` as the API gateway throttles: `APIGW.0308` with `request_id` in the body
    /// and `Retry-After: {seconds}`.
    pub fn throttled(retry_after_secs: u64) -> Fault {
        Fault::Reply(
            Reply::json(429, THROTTLED_BODY).header("Retry-After", retry_after_secs.to_string()),
        )
    }

    /// `503` `DBS.108000` with `Retry-After: {seconds}`.
    pub fn unavailable(retry_after_secs: u64) -> Fault {
        Fault::Reply(
            Reply::json(503, UNAVAILABLE_BODY).header("Retry-After", retry_after_secs.to_string()),
        )
    }

    /// `502` as the API gateway answers when the service is unreachable:
    /// `APIGW.0201` "Backend unavailable." with `request_id` in the body.
    pub fn bad_gateway() -> Fault {
        Fault::Reply(Reply::json(502, BAD_GATEWAY_BODY))
    }

    /// `504` as the API gateway answers when the service does not answer in
    /// time: `APIGW.0201` "Backend timeout." with `request_id` in the body.
    pub fn gateway_timeout() -> Fault {
        Fault::Reply(Reply::json(504, GATEWAY_TIMEOUT_BODY))
    }

    /// The normal answer, `delay` late.
    pub fn delay(delay: Duration) -> Fault {
        Fault::DelayHeaders { delay, reply: None }
    }

    /// Half of the normal answer's body, then a close.
    pub fn close_mid_body() -> Fault {
        Fault::CloseMidBody {
            sent: None,
            reply: None,
        }
    }

    /// Half of the normal answer's body, a stall of `stall`, then the rest.
    pub fn stall_mid_body(stall: Duration) -> Fault {
        Fault::StallMidBody {
            sent: None,
            stall: Some(stall),
            reply: None,
        }
    }

    /// A redirect to `location` with this 3xx status.
    pub fn redirect(status: u16, location: impl Into<String>) -> Fault {
        Fault::Redirect {
            status,
            location: location.into(),
        }
    }

    /// A `200` whose body is the error object `{"error_code", "error_msg", "request_id"}`.
    pub fn error_body_in_200(code: &str, message: &str) -> Fault {
        Fault::ErrorBodyIn200 {
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }
}

const THROTTLED_BODY: &str = r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached.","request_id":"{request_id}"}"#;
const BAD_GATEWAY_BODY: &str =
    r#"{"error_code":"APIGW.0201","error_msg":"Backend unavailable.","request_id":"{request_id}"}"#;
const GATEWAY_TIMEOUT_BODY: &str =
    r#"{"error_code":"APIGW.0201","error_msg":"Backend timeout.","request_id":"{request_id}"}"#;
const UNAVAILABLE_BODY: &str = r#"{"error_code":"DBS.108000","error_msg":"Service unavailable."}"#;

/// The HTML page of [`Fault::HtmlBadGateway`].
pub(crate) const BAD_GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// The body of [`Fault::WrongShape`].
pub(crate) const WRONG_SHAPE_BODY: &str = r#"{"backups":{"id":"43e4feaab48f11e89039fa163ebaa7e4br01","name":"xxxx.xxx"},"total_count":"1"}"#;
