//! [`MockConfig`]: the settings of a server.

use std::net::SocketAddr;
use std::time::Duration;

use crate::throttle::ThrottleConfig;

/// Settings of a [`MockServer`](crate::MockServer): `MockConfig::default()` and the
/// setters of the same names.
///
/// ```
/// use std::time::Duration;
/// use huaweicloud_rds_mock::MockConfig;
/// // A second loopback server, e.g. the target of a redirect test. Linux routes all
/// // of 127.0.0.0/8 to the loopback interface; elsewhere 127.0.0.2 may need an alias.
/// let config = MockConfig::default()
///     .addr(([127, 0, 0, 2], 0).into())
///     .fault_delay(Duration::from_millis(200));
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MockConfig {
    /// Address to listen on; port 0 (the default) picks a free port on `127.0.0.1`.
    pub addr: SocketAddr,
    /// Check credentials (default `true`). When `false`, every request is accepted,
    /// with or without credentials.
    pub verify_signature: bool,
    /// Largest accepted distance between `X-Sdk-Date` and the server clock (15 minutes).
    pub max_clock_skew: Duration,
    /// Delay of the `fault-delay` and `fault-stall-mid-body` instances (2 s).
    pub fault_delay: Duration,
    /// Body size of the `fault-oversize*` instances (16 MiB).
    pub oversize_bytes: u64,
    /// How many received requests [`MockServer::received`](crate::MockServer::received)
    /// keeps (the newest; 256).
    pub record_requests: usize,
    /// How long the metadata endpoint's temporary credentials last (24 hours);
    /// see [`identity`](crate::identity).
    pub metadata_ttl: Duration,
    /// Whether the metadata endpoint hands out metadata tokens (`true`); when
    /// `false` the token request is `404` and none is needed.
    pub metadata_tokens: bool,
    /// Latency and throttling of every request (default: none).
    pub throttle: ThrottleConfig,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            verify_signature: true,
            max_clock_skew: Duration::from_secs(15 * 60),
            fault_delay: Duration::from_secs(2),
            oversize_bytes: 16 * 1024 * 1024,
            record_requests: 256,
            metadata_ttl: Duration::from_secs(24 * 60 * 60),
            metadata_tokens: true,
            throttle: ThrottleConfig::default(),
        }
    }
}

impl MockConfig {
    /// Sets [`addr`](Self::addr).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Sets [`verify_signature`](Self::verify_signature).
    pub fn verify_signature(mut self, verify: bool) -> Self {
        self.verify_signature = verify;
        self
    }

    /// Sets [`max_clock_skew`](Self::max_clock_skew).
    pub fn max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_clock_skew = skew;
        self
    }

    /// Sets [`fault_delay`](Self::fault_delay).
    pub fn fault_delay(mut self, delay: Duration) -> Self {
        self.fault_delay = delay;
        self
    }

    /// Sets [`throttle`](Self::throttle).
    pub fn throttle(mut self, throttle: ThrottleConfig) -> Self {
        self.throttle = throttle;
        self
    }

    /// Sets [`oversize_bytes`](Self::oversize_bytes).
    pub fn oversize_bytes(mut self, bytes: u64) -> Self {
        self.oversize_bytes = bytes;
        self
    }

    /// Sets [`record_requests`](Self::record_requests).
    pub fn record_requests(mut self, n: usize) -> Self {
        self.record_requests = n;
        self
    }

    /// Sets [`metadata_ttl`](Self::metadata_ttl).
    pub fn metadata_ttl(mut self, ttl: Duration) -> Self {
        self.metadata_ttl = ttl;
        self
    }

    /// Sets [`metadata_tokens`](Self::metadata_tokens).
    pub fn metadata_tokens(mut self, on: bool) -> Self {
        self.metadata_tokens = on;
        self
    }
}
