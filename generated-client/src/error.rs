//! One error type a caller can match on.
//!
//! Every failure of a call ends up here with what a person needs to act on it:
//! the HTTP status, the service's `error_code` and `error_msg`, and the request
//! id to quote to support. Secrets never appear in any of it.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::response::{ResponseParseError, excerpt};

/// Why a call failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before anything was sent.
    InvalidRequest {
        /// The parameter at fault, e.g. `limit`.
        parameter: &'static str,
        /// The rule it breaks, e.g. `must be between 1 and 100, got 0`.
        rule: String,
    },
    /// The client could not be built (endpoint, region, credentials).
    Config(String),
    /// The service answered with an error status (boxed: it is the largest
    /// variant by far and errors travel through many `Result`s).
    Api(Box<ApiError>),
    /// The service answered with a redirect (3xx). The API never redirects,
    /// so it is not followed: nothing was sent to the `Location`.
    Redirect {
        /// The 3xx status.
        status: StatusCode,
        /// Where the answer pointed, as sent.
        location: Option<String>,
        /// `X-Request-Id` of the answer, when it had one.
        request_id: Option<String>,
    },
    /// The connection failed: refused, reset, TLS, DNS.
    Transport {
        /// What failed, in a few words.
        message: String,
        /// The underlying error, when there is one.
        source: Option<Arc<reqwest::Error>>,
    },
    /// No complete response in time.
    Timeout(TimeoutKind),
    /// A 2xx response whose body is not what the spec describes.
    InvalidResponse(InvalidResponse),
    /// Temporary credentials (ECS metadata) or the project id (IAM) could not
    /// be obtained, after a request for them was sent. The message names the
    /// service, the region or the endpoint, and what to do; never a secret.
    Discovery(String),
    /// A listing ended with fewer backups than the service said there are.
    Incomplete {
        /// Backups received.
        received: u64,
        /// The latest `total_count` the service reported.
        reported: u64,
    },
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt took longer than the per-attempt timeout (after retries).
    Attempt(Duration),
    /// The whole call, retries included, passed its deadline.
    Deadline(Duration),
}

/// A response that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidResponse {
    /// The body is not the JSON the spec describes.
    Body(ResponseParseError),
    /// The body is larger than the configured cap; it was not read.
    TooLarge {
        /// The cap in bytes.
        limit: usize,
    },
}

/// An error status from the service, with everything it said.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The service's error code, e.g. `DBS.280001` or `APIGW.0301`.
    pub error_code: Option<String>,
    /// The service's message.
    pub error_msg: Option<String>,
    /// `X-Request-Id`, or the body's `request_id`.
    pub request_id: Option<String>,
    /// The start of a body that carried no recognisable error (an HTML page).
    pub body_excerpt: Option<String>,
    /// Set when a signature was refused and the service's clock differs from
    /// ours by more than five minutes: the likely cause.
    pub clock_skew: Option<Duration>,
    /// `Retry-After`, when the service sent one.
    pub retry_after: Option<Duration>,
}

impl Error {
    pub(crate) fn invalid(parameter: &'static str, rule: impl Into<String>) -> Self {
        Error::InvalidRequest {
            parameter,
            rule: rule.into(),
        }
    }

    pub(crate) fn transport(source: reqwest::Error) -> Self {
        Error::Transport {
            message: describe_transport(&source),
            source: Some(Arc::new(source)),
        }
    }

    pub(crate) fn redirect(status: StatusCode, headers: &HeaderMap) -> Self {
        Error::Redirect {
            status,
            location: header_str(headers, "location"),
            request_id: header_str(headers, "x-request-id"),
        }
    }

    /// The HTTP status, when the service answered with an error or a
    /// redirect.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Redirect { status, .. } => Some(*status),
            _ => self.api().map(|api| api.status),
        }
    }

    /// The service's `error_code` (`DBS.280001`, `APIGW.0308`), when it
    /// answered with one.
    pub fn code(&self) -> Option<&str> {
        self.api().and_then(|api| api.error_code.as_deref())
    }

    /// The service's `error_msg`, when it answered with one. The whole
    /// failure, whatever its kind, is this error's `Display`.
    pub fn message(&self) -> Option<&str> {
        self.api().and_then(|api| api.error_msg.as_deref())
    }

    /// The request id to quote to support (`X-Request-Id`, or the body's
    /// `request_id`), when the service answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Redirect { request_id, .. } => request_id.as_deref(),
            _ => self.api().and_then(|api| api.request_id.as_deref()),
        }
    }

    /// Whether the service asked the caller to slow down: HTTP 429, or API
    /// Gateway's `APIGW.0308` ("the throttling threshold has been reached").
    pub fn is_throttling(&self) -> bool {
        self.api()
            .is_some_and(|api| crate::retry::is_throttling(api.status, api.error_code.as_deref()))
    }

    /// Whether the failure is transient, so the same call made later may
    /// succeed: throttling, HTTP 500/502/503/504, a connection that failed,
    /// or a time limit that ran out. The client has already retried it as far
    /// as its [`RetryPolicy`](crate::RetryPolicy) and deadline allow. False
    /// for everything a retry would meet again: a refused request, bad
    /// configuration, credentials or parameters the service rejects, a body
    /// that is not what the spec describes, and a failed metadata or IAM
    /// lookup ([`Error::Discovery`]; the IAM lookup retried what was transient).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => {
                crate::retry::is_retryable_status(api.status) || self.is_throttling()
            }
            Error::Transport { .. } | Error::Timeout(_) => true,
            Error::InvalidRequest { .. }
            | Error::Config(_)
            | Error::InvalidResponse(_)
            | Error::Discovery(_)
            | Error::Incomplete { .. }
            | Error::Redirect { .. } => false,
        }
    }

    /// The API error, when the service answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api.as_ref()),
            _ => None,
        }
    }

    /// Whether the request was refused before anything was sent (bad usage).
    pub fn is_invalid_request(&self) -> bool {
        matches!(self, Error::InvalidRequest { .. } | Error::Config(_))
    }
}

/// A one-line description of a reqwest failure, without URLs (they may carry
/// query values the caller considers private).
fn describe_transport(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_body() || e.is_decode() {
        "connection failed while reading the body"
    } else if e.is_request() {
        "sending the request failed"
    } else {
        "HTTP error"
    };
    // The innermost cause is the useful part ("Connection refused").
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let detail = cause.to_string();
    if detail.is_empty() || std::ptr::addr_eq(cause, e as &dyn std::error::Error) {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest { parameter, rule } => {
                write!(f, "invalid request: `{parameter}` {rule}")
            }
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
            Error::Api(api) => api.fmt(f),
            Error::Redirect {
                status,
                location,
                request_id,
            } => {
                write!(f, "HTTP {}", status.as_u16())?;
                if let Some(reason) = status.canonical_reason() {
                    write!(f, " {reason}")?;
                }
                match location {
                    Some(location) => write!(f, ": redirect to {location} not followed")?,
                    None => write!(f, ": redirect without a Location, not followed")?,
                }
                if let Some(id) = request_id {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
            Error::Transport { message, .. } => write!(f, "transport error: {message}"),
            Error::Timeout(TimeoutKind::Attempt(d)) => {
                write!(f, "timed out: no complete response within {}", secs(*d))
            }
            Error::Timeout(TimeoutKind::Deadline(d)) => {
                write!(f, "timed out: the call's deadline of {} passed", secs(*d))
            }
            Error::InvalidResponse(InvalidResponse::Body(e)) => e.fmt(f),
            Error::InvalidResponse(InvalidResponse::TooLarge { limit }) => write!(
                f,
                "invalid response: the body is larger than the {limit}-byte limit"
            ),
            Error::Discovery(message) => f.write_str(message),
            Error::Incomplete { received, reported } => write!(
                f,
                "incomplete listing: received {received} backups but the service reported {reported}"
            ),
        }
    }
}

/// A time that does not parse is a request that cannot be sent.
impl From<crate::time::TimeParseError> for Error {
    fn from(e: crate::time::TimeParseError) -> Self {
        Error::invalid("time", e.to_string())
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            Error::InvalidResponse(InvalidResponse::Body(e)) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        if let Some(code) = &self.error_code {
            write!(f, ": {code}")?;
        }
        if let Some(msg) = &self.error_msg {
            write!(f, ": {}", one_line(msg))?;
        }
        if let (None, None, Some(body)) = (&self.error_code, &self.error_msg, &self.body_excerpt) {
            write!(f, ": {}", one_line(body))?;
        }
        if let Some(skew) = self.clock_skew {
            write!(
                f,
                " (the local clock differs from the service's by {}s; fix the clock, \
                 signatures are only valid for 15 minutes)",
                skew.as_secs()
            )?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How far apart two clocks may be before a refused signature is blamed on
/// the clock.
const SKEW_WARNING: Duration = Duration::from_secs(5 * 60);

impl ApiError {
    /// Build from a non-2xx response: reads every error body shape the
    /// service family uses (`error_code`/`error_msg`, `errorCode`/`errorMsg`,
    /// `code`/`message`, each possibly nested one level), and keeps an excerpt
    /// of anything else.
    pub(crate) fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let fields = ErrorFields::from_body(body);
        let header_id = header_str(headers, "x-request-id");
        let request_id = header_id.or(fields.request_id);
        let body_excerpt = (fields.code.is_none() && fields.msg.is_none() && !body.is_empty())
            .then(|| excerpt(body));
        let clock_skew = if status == StatusCode::UNAUTHORIZED {
            header_str(headers, "date")
                .and_then(|d| httpdate::parse_http_date(&d).ok())
                .and_then(|server| skew(server, SystemTime::now()))
                .filter(|s| *s > SKEW_WARNING)
        } else {
            None
        };
        ApiError {
            status,
            error_code: fields.code,
            error_msg: fields.msg,
            request_id,
            body_excerpt,
            clock_skew,
            retry_after: crate::retry::retry_after(headers, SystemTime::now()),
        }
    }
}

impl ApiError {
    /// The error a 2xx answer carries instead of a page: a body that is an
    /// error object (any shape [`ApiError::from_response`] reads) and has no
    /// `backups`. `None` for anything else, pages included.
    pub(crate) fn from_success_body(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Option<Self> {
        // A page names `backups` (first, as the service writes it): that
        // check ends the search early and keeps pages from being parsed twice.
        if contains(body, b"\"backups\"") {
            return None;
        }
        let fields = ErrorFields::from_body(body);
        (fields.code.is_some() || fields.msg.is_some())
            .then(|| ApiError::from_response(status, headers, body))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn skew(a: SystemTime, b: SystemTime) -> Option<Duration> {
    a.duration_since(b).or_else(|_| b.duration_since(a)).ok()
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[derive(Default)]
struct ErrorFields {
    code: Option<String>,
    msg: Option<String>,
    request_id: Option<String>,
}

impl ErrorFields {
    fn from_body(body: &[u8]) -> Self {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(body) else {
            return ErrorFields::default();
        };
        let top = Self::from_object(&map);
        if top.code.is_some() || top.msg.is_some() {
            return top;
        }
        // Older services nest the error one level down: {"error": {...}}.
        let nested = map
            .values()
            .filter_map(|v| v.as_object())
            .map(Self::from_object)
            .find(|f| f.code.is_some() || f.msg.is_some());
        match nested {
            Some(nested) => ErrorFields {
                request_id: nested.request_id.or(top.request_id),
                ..nested
            },
            None => top,
        }
    }

    fn from_object(map: &serde_json::Map<String, serde_json::Value>) -> Self {
        let first = |keys: &[&str]| {
            keys.iter().find_map(|k| match map.get(*k) {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
        };
        ErrorFields {
            code: first(&["error_code", "errorCode", "code"]),
            msg: first(&["error_msg", "errorMsg", "message", "msg"]),
            request_id: first(&["request_id", "requestId"]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn api(status: u16, headers: &[(&'static str, &str)], body: &str) -> ApiError {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        ApiError::from_response(StatusCode::from_u16(status).unwrap(), &map, body.as_bytes())
    }

    #[test]
    fn reads_every_body_shape() {
        for body in [
            r#"{"error_code":"DBS.280001","error_msg":"bad limit"}"#,
            r#"{"errorCode":"DBS.280001","errorMsg":"bad limit"}"#,
            r#"{"code":"DBS.280001","message":"bad limit"}"#,
            r#"{"error":{"code":"DBS.280001","message":"bad limit"}}"#,
        ] {
            let e = api(400, &[], body);
            assert_eq!(e.error_code.as_deref(), Some("DBS.280001"), "{body}");
            assert_eq!(e.error_msg.as_deref(), Some("bad limit"), "{body}");
            assert_eq!(e.body_excerpt, None);
        }
    }

    #[test]
    fn request_id_from_header_or_body() {
        let e = api(
            401,
            &[],
            r#"{"error_code":"APIGW.0301","error_msg":"x","request_id":"r1"}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("r1"));
        let e = api(
            401,
            &[("x-request-id", "h1")],
            r#"{"error_code":"APIGW.0301","request_id":"r1"}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("h1"));
    }

    #[test]
    fn html_body_is_kept_as_excerpt() {
        let e = api(502, &[], "<html><body>502 Bad Gateway</body></html>");
        assert_eq!(e.error_code, None);
        assert_eq!(
            e.to_string(),
            "HTTP 502 Bad Gateway: <html><body>502 Bad Gateway</body></html>"
        );
    }

    #[test]
    fn display_is_one_actionable_line() {
        let e = api(
            400,
            &[("x-request-id", "abc")],
            r#"{"error_code":"DBS.200823","error_msg":"The DB instance\ndoes not exist."}"#,
        );
        assert_eq!(
            Error::Api(Box::new(e)).to_string(),
            "HTTP 400 Bad Request: DBS.200823: The DB instance does not exist. (request id abc)"
        );
    }

    #[test]
    fn clock_skew_is_named_on_401() {
        let old = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
        let e = api(
            401,
            &[("date", &old)],
            r#"{"error_code":"APIGW.0301","error_msg":"sig"}"#,
        );
        let skew = e.clock_skew.expect("skew detected");
        assert!(skew >= Duration::from_secs(3590), "{skew:?}");
        assert!(e.to_string().contains("local clock differs"), "{e}");
        // Not on other statuses, and not for a clock that is close.
        assert_eq!(api(403, &[("date", &old)], "{}").clock_skew, None);
        let now = httpdate::fmt_http_date(SystemTime::now());
        assert_eq!(api(401, &[("date", &now)], "{}").clock_skew, None);
    }

    #[test]
    fn accessors_read_the_api_error_without_matching() {
        let e = Error::Api(Box::new(api(
            429,
            &[("x-request-id", "req-7")],
            r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#,
        )));
        assert_eq!(e.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(e.code(), Some("APIGW.0308"));
        assert_eq!(
            e.message(),
            Some("The throttling threshold has been reached")
        );
        assert_eq!(e.request_id(), Some("req-7"));
        assert!(e.is_throttling() && e.is_retryable());

        let e = Error::invalid("limit", "must be between 1 and 100, got 0");
        assert_eq!(
            (e.status(), e.code(), e.message(), e.request_id()),
            (None, None, None, None)
        );
    }

    #[test]
    fn throttling_and_retryable_by_kind() {
        let answer = |status: u16, body: &str| Error::Api(Box::new(api(status, &[], body)));
        let gateway = r#"{"error_code":"APIGW.0308","error_msg":"slow down"}"#;
        let other = r#"{"error_code":"DBS.280001","error_msg":"bad"}"#;
        // (error, throttling, retryable)
        let cases = [
            (answer(429, "{}"), true, true),
            (answer(403, gateway), true, true),
            (answer(200, gateway), true, true),
            (answer(500, other), false, true),
            (answer(502, "<html>"), false, true),
            (answer(503, other), false, true),
            (answer(504, other), false, true),
            (answer(400, other), false, false),
            (answer(401, other), false, false),
            (answer(404, other), false, false),
            (answer(501, other), false, false),
            (
                Error::Timeout(TimeoutKind::Attempt(Duration::from_secs(1))),
                false,
                true,
            ),
            (
                Error::Timeout(TimeoutKind::Deadline(Duration::from_secs(1))),
                false,
                true,
            ),
            (
                Error::Transport {
                    message: "connection failed".into(),
                    source: None,
                },
                false,
                true,
            ),
            (Error::Config("no endpoint".into()), false, false),
            (Error::invalid("limit", "too big"), false, false),
            (
                Error::InvalidResponse(InvalidResponse::TooLarge { limit: 1 }),
                false,
                false,
            ),
            (
                Error::Incomplete {
                    received: 1,
                    reported: 2,
                },
                false,
                false,
            ),
            (
                Error::redirect(StatusCode::FOUND, &HeaderMap::new()),
                false,
                false,
            ),
        ];
        for (error, throttling, retryable) in cases {
            assert_eq!(error.is_throttling(), throttling, "{error:?}");
            assert_eq!(error.is_retryable(), retryable, "{error:?}");
        }
    }

    #[test]
    fn an_error_object_in_a_success_body_is_an_api_error() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("r200"));
        let body = br#"{"error_code":"DBS.280343","error_msg":"Backup query failed."}"#;
        let e = ApiError::from_success_body(StatusCode::OK, &headers, body).expect("an error");
        assert_eq!(
            e.to_string(),
            "HTTP 200 OK: DBS.280343: Backup query failed. (request id r200)"
        );
        // Pages, and bodies that are neither, are left to the parser.
        for body in [
            &br#"{"backups": [], "total_count": 0}"#[..],
            br#"{"total_count": 0, "backups": [], "error_msg": "x"}"#,
            br#"{"total_count": 0}"#,
            b"",
            b"<html></html>",
        ] {
            assert_eq!(
                ApiError::from_success_body(StatusCode::OK, &headers, body),
                None
            );
        }
    }

    #[test]
    fn a_redirect_names_its_status_and_location() {
        let mut headers = HeaderMap::new();
        headers.insert("location", HeaderValue::from_static("http://127.0.0.2:9/x"));
        let e = Error::redirect(StatusCode::FOUND, &headers);
        assert_eq!(
            e.to_string(),
            "HTTP 302 Found: redirect to http://127.0.0.2:9/x not followed"
        );
        assert_eq!(e.status(), Some(StatusCode::FOUND));
        assert_eq!((e.code(), e.request_id()), (None, None));
        let e = Error::redirect(StatusCode::TEMPORARY_REDIRECT, &HeaderMap::new());
        assert_eq!(
            e.to_string(),
            "HTTP 307 Temporary Redirect: redirect without a Location, not followed"
        );
    }

    #[test]
    fn invalid_request_names_parameter_and_rule() {
        let e = Error::invalid("limit", "must be between 1 and 100, got 0");
        assert_eq!(
            e.to_string(),
            "invalid request: `limit` must be between 1 and 100, got 0"
        );
        assert!(e.is_invalid_request());
    }
}
