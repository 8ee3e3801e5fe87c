//! The builder's retry policy and connect timeout against a loopback HTTP
//! server that answers from a script.

mod support;

use std::net::TcpListener;
use std::sync::atomic::Ordering;
use std::time::Duration;

use huaweicloud_rds::{Error, ListBackups, RetryPolicy, TimeoutKind};
use support::{BUSY, client, scripted};

#[tokio::test]
async fn the_retry_policy_sets_the_attempts() {
    static ALWAYS_BUSY: [(u16, &str); 1] = [(503, BUSY)];
    for (policy, attempts) in [
        (RetryPolicy::no_retries(), 1),
        (RetryPolicy::new(4), 4),
        (RetryPolicy::default(), 3),
    ] {
        let server = scripted(&ALWAYS_BUSY);
        let policy = policy.with_backoff(Duration::from_millis(1), Duration::from_millis(2));
        let err = client(&server.url)
            .retry_policy(policy)
            .build()
            .expect("client")
            .list_backups(&ListBackups::new("i1"))
            .await
            .expect_err("always 503");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
        assert!(err.is_retryable() && !err.is_throttling(), "{err}");
        // Sequential attempts of one call: the count is the policy's promise.
        assert_eq!(
            server.requests.load(Ordering::SeqCst),
            attempts,
            "{policy:?}"
        );
    }
}

#[tokio::test]
async fn max_attempts_after_a_policy_refines_it() {
    static ALWAYS_BUSY: [(u16, &str); 1] = [(503, BUSY)];
    let server = scripted(&ALWAYS_BUSY);
    let _ = client(&server.url)
        .retry_policy(RetryPolicy::new(5))
        .max_attempts(2)
        .build()
        .expect("client")
        .list_backups(&ListBackups::new("i1"))
        .await
        .expect_err("always 503");
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
}

/// A TCP server that accepts and never answers: a TLS handshake with it
/// stalls until a time limit ends it. Returns the port.
fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for socket in listener.incoming().flatten() {
            open.push(socket);
        }
    });
    port
}

#[tokio::test]
async fn the_connect_timeout_bounds_the_handshake() {
    let endpoint = format!("https://localhost:{}", silent_server());
    let request = ListBackups::new("i1");

    // A short connect timeout ends the stalled handshake as a connection
    // failure, long before the attempt's own limit.
    let err = client(&endpoint)
        .retry_policy(RetryPolicy::no_retries())
        .connect_timeout(Duration::from_millis(200))
        .attempt_timeout(Duration::from_secs(60))
        .build()
        .expect("client")
        .list_backups(&request)
        .await
        .expect_err("nothing answers");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());

    // With the default (10 s), the attempt's limit ends it first.
    let err = client(&endpoint)
        .retry_policy(RetryPolicy::no_retries())
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .expect("client")
        .list_backups(&request)
        .await
        .expect_err("nothing answers");
    assert!(
        matches!(err, Error::Timeout(TimeoutKind::Attempt(_))),
        "{err:?}"
    );

    let zero = client(&endpoint).connect_timeout(Duration::ZERO).build();
    assert!(matches!(zero, Err(Error::Config(_))), "{zero:?}");
}
