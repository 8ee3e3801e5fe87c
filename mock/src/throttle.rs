//! A distant service that throttles, for reproducing what a client meets in
//! production: a fixed latency before every answer, and a project-wide
//! request rate enforced by a token bucket that answers 429 `APIGW.0308` as
//! the API Gateway does (without `Retry-After`, unless one is configured).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::answer::{Answer, Wire};

/// Requests admitted at once above the rate, by default.
pub const DEFAULT_BURST: u32 = 5;

/// The gateway's answer body to a throttled request.
const THROTTLED_BODY: &str = r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached.","request_id":"{request_id}"}"#;

/// How the mock throttles.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ThrottleConfig {
    /// Added before the headers of every answer (default zero).
    pub latency: Duration,
    /// Requests per second admitted across every instance; `None` (the
    /// default) admits everything.
    pub rate_limit: Option<u32>,
    /// Tokens in the bucket when full (default [`DEFAULT_BURST`], at least 1).
    pub burst: u32,
    /// `Retry-After` seconds on a throttled answer (default none, as the
    /// gateway usually sends).
    pub retry_after: Option<u64>,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            latency: Duration::ZERO,
            rate_limit: None,
            burst: DEFAULT_BURST,
            retry_after: None,
        }
    }
}

impl ThrottleConfig {
    /// This latency before every answer.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Admit this many requests per second (and a burst of `burst`).
    pub fn rate_limit(mut self, per_second: u32, burst: u32) -> Self {
        self.rate_limit = Some(per_second).filter(|&r| r > 0);
        self.burst = burst.max(1);
        self
    }

    /// Send `Retry-After: seconds` with every throttled answer.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

/// The bucket shared by every connection.
#[derive(Debug)]
pub(crate) struct Throttle {
    config: ThrottleConfig,
    bucket: Mutex<Bucket>,
    throttled: AtomicU64,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl Throttle {
    pub(crate) fn new(config: ThrottleConfig) -> Self {
        Throttle {
            config,
            bucket: Mutex::new(Bucket {
                tokens: f64::from(config.burst.max(1)),
                refilled: Instant::now(),
            }),
            throttled: AtomicU64::new(0),
        }
    }

    /// The gateway's 429 for a throttled request.
    pub(crate) fn throttled_answer(&self, request_id: &str) -> Answer {
        let body = THROTTLED_BODY.replace("{request_id}", request_id);
        let mut answer = Answer::json(429, body.into_bytes());
        if let Some(secs) = self.config.retry_after {
            answer
                .headers
                .push(("Retry-After".into(), secs.to_string()));
        }
        answer
    }

    /// `answer` with the latency before its headers, on top of any fault's
    /// own delay (a fault that never answers stays as it is).
    pub(crate) fn delayed(&self, mut answer: Answer) -> Answer {
        let latency = self.config.latency;
        if !latency.is_zero() {
            answer.wire = match answer.wire {
                Wire::Normal => Wire::Delay(latency),
                Wire::Delay(d) => Wire::Delay(d + latency),
                other => other,
            };
        }
        answer
    }

    /// Takes a token; `false` (and counted) if the bucket is empty.
    pub(crate) fn admit(&self) -> bool {
        let Some(rate) = self.config.rate_limit else {
            return true;
        };
        let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
        let full = f64::from(self.config.burst.max(1));
        bucket.tokens = (bucket.tokens + elapsed * f64::from(rate)).min(full);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            drop(bucket);
            self.throttled.fetch_add(1, Ordering::Relaxed);
            false
        }
    }

    /// Requests answered 429 so far.
    pub(crate) fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    pub(crate) fn reset(&self) {
        self.throttled.store(0, Ordering::Relaxed);
        let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        bucket.tokens = f64::from(self.config.burst.max(1));
        bucket.refilled = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_admits_its_burst_then_throttles() {
        let t = Throttle::new(ThrottleConfig::default().rate_limit(1, 3));
        let admitted = (0..10).filter(|_| t.admit()).count();
        // The burst, and at most one token refilled meanwhile.
        assert!((3..=4).contains(&admitted), "{admitted}");
        assert_eq!(t.throttled(), 10 - admitted as u64);
        t.reset();
        assert_eq!(t.throttled(), 0);
        assert!(t.admit());
    }

    #[test]
    fn without_a_rate_everything_is_admitted() {
        let t = Throttle::new(ThrottleConfig::default());
        assert!((0..1000).all(|_| t.admit()));
        assert_eq!(t.throttled(), 0);
    }
}
