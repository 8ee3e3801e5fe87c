//! When to try again, and how long to wait first.
//!
//! GET is idempotent, so a failed list call is retried on throttling (429),
//! on the server errors that are usually transient (500, 502, 503, 504), on a
//! connection that failed before or during the body, and on a per-attempt
//! timeout. Nothing else is retried: a 4xx other than 429 will fail the same
//! way again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How many attempts, and the backoff between them; given to
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy).
///
/// ```
/// use std::time::Duration;
/// use huaweicloud_rds::RetryPolicy;
///
/// let patient = RetryPolicy::new(6).with_backoff(Duration::from_millis(500), Duration::from_secs(20));
/// assert_eq!(patient.max_attempts, 6);
/// let once = RetryPolicy::no_retries();
/// assert_eq!(once.max_attempts, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The backoff before the second attempt; it doubles each time.
    pub initial_backoff: Duration,
    /// The longest backoff between two attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the second attempt; it doubles each time.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff between two attempts.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// `max_attempts` attempts in all, the first included (at least 1), with
    /// the default backoff.
    pub fn new(max_attempts: u32) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            ..RetryPolicy::default()
        }
    }

    /// One attempt: every failure is returned as it happened.
    pub fn no_retries() -> Self {
        RetryPolicy::new(1)
    }

    /// The backoff before the first retry, doubling up to `max` (which is
    /// raised to `initial` when smaller).
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The wait before attempt `next` (2 for the first retry): exponential,
    /// capped, with "full jitter" so that many clients throttled at once do
    /// not come back at once.
    pub(crate) fn backoff(&self, next: u32) -> Duration {
        let doublings = next.saturating_sub(2).min(20);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        // Full jitter between half the ceiling and the ceiling: never zero, so
        // a retry storm still spreads out, and never longer than the cap.
        let half = ceiling / 2;
        half + half.mul_f64(jitter())
    }
}

/// Whether a response status is worth another attempt.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// API Gateway's error code for "the throttling threshold has been reached",
/// which it answers with 429.
pub(crate) const THROTTLING_CODE: &str = "APIGW.0308";

/// Whether an answer says the caller is sending too fast: 429, or the
/// gateway's throttling code under any status.
pub(crate) fn is_throttling(status: StatusCode, error_code: Option<&str>) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || error_code == Some(THROTTLING_CODE)
}

/// [`is_throttling`] for an answer read off the wire. Its body's
/// `error_code` is looked at only when the body is small enough to be an
/// error object (a page of backups is not parsed twice). A throttled attempt
/// slows the whole client and is tried again without counting against the
/// attempts.
pub(crate) fn is_throttled(status: StatusCode, body: &[u8]) -> bool {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return true;
    }
    let limit = if status.is_success() { 1024 } else { 64 * 1024 };
    if body.len() > limit {
        return false;
    }
    #[derive(serde::Deserialize)]
    struct Code<'a> {
        #[serde(borrow)]
        error_code: Option<std::borrow::Cow<'a, str>>,
    }
    let code = serde_json::from_slice::<Code<'_>>(body)
        .ok()
        .and_then(|c| c.error_code);
    is_throttling(status, code.as_deref())
}

/// The wait a `Retry-After` header asks for, in seconds or as an HTTP date.
/// A date in the past means "now".
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in [0, 1) from a per-process xorshift generator: jitter needs to
/// differ between calls and processes, not to be unpredictable.
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        x = nanos ^ u64::from(std::process::id()).rotate_left(32) | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn only_transient_statuses_are_retried() {
        for code in [429, 500, 502, 503, 504] {
            assert!(
                is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [200, 400, 401, 403, 404, 409, 413, 422, 501, 505] {
            assert!(
                !is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }

    #[test]
    fn throttling_is_429_or_the_gateway_code() {
        assert!(is_throttling(StatusCode::TOO_MANY_REQUESTS, None));
        assert!(is_throttling(StatusCode::TOO_MANY_REQUESTS, Some("DBS.1")));
        assert!(is_throttling(StatusCode::OK, Some("APIGW.0308")));
        assert!(is_throttling(StatusCode::FORBIDDEN, Some("APIGW.0308")));
        assert!(!is_throttling(
            StatusCode::SERVICE_UNAVAILABLE,
            Some("APIGW.0101")
        ));
        assert!(!is_throttling(StatusCode::BAD_REQUEST, None));
    }

    #[test]
    fn constructors_keep_the_rules() {
        assert_eq!(RetryPolicy::new(0).max_attempts, 1);
        assert_eq!(
            RetryPolicy::new(5).initial_backoff,
            RetryPolicy::default().initial_backoff
        );
        let p =
            RetryPolicy::no_retries().with_backoff(Duration::from_secs(2), Duration::from_secs(1));
        assert_eq!(
            (p.max_attempts, p.initial_backoff, p.max_backoff),
            (1, Duration::from_secs(2), Duration::from_secs(2))
        );
    }

    #[test]
    fn a_throttled_answer_off_the_wire() {
        let code = br#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached."}"#;
        assert!(is_throttled(StatusCode::TOO_MANY_REQUESTS, b""));
        assert!(is_throttled(StatusCode::SERVICE_UNAVAILABLE, code));
        assert!(
            is_throttled(StatusCode::OK, code),
            "an error object in a 200"
        );
        let page = format!(
            r#"{{"backups":[{}],"total_count":9,"error_code":"APIGW.0308"}}"#,
            " ".repeat(2000)
        );
        assert!(
            !is_throttled(StatusCode::OK, page.as_bytes()),
            "a page is not parsed twice"
        );
        assert!(!is_throttled(
            StatusCode::SERVICE_UNAVAILABLE,
            br#"{"error_code":"DBS.108000"}"#
        ));
        assert!(!is_throttled(StatusCode::BAD_GATEWAY, b"<html>"));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
        };
        for _ in 0..100 {
            let first = p.backoff(2);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = p.backoff(4);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = p.backoff(30);
            assert!(late >= Duration::from_millis(350) && late <= Duration::from_millis(700));
        }
    }

    #[test]
    fn jitter_varies() {
        let values: std::collections::HashSet<u64> = (0..50).map(|_| jitter().to_bits()).collect();
        assert!(values.len() > 45);
        assert!((0..1000).map(|_| jitter()).all(|j| (0.0..1.0).contains(&j)));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::now();
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(120));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let wait = retry_after(&h, now).unwrap();
        assert!(
            wait > Duration::from_secs(118) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(120));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }
}
