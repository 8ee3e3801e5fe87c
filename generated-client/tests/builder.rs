//! The builder's retry policy and connect timeout, and the per-attempt
//! tracing span, against a loopback HTTP server that answers from a script.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use huaweicloud_rds::{Credentials, Error, ListBackups, RdsClient, RetryPolicy, TimeoutKind};

const PROJECT: &str = "0483b6b16e954cb88930a360d2c4e663";
const PAGE: &str = r#"{"backups":[],"total_count":0}"#;
const BUSY: &str = r#"{"error_code":"DBS.108000","error_msg":"busy"}"#;

/// Answers the n-th request with `script[n]` (the last entry from then on)
/// and counts the requests.
struct Scripted {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn scripted(script: &'static [(u16, &'static str)]) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for socket in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || serve(socket, &seen, script));
        }
    });
    Scripted { url, requests }
}

fn serve(mut socket: TcpStream, seen: &AtomicUsize, script: &[(u16, &str)]) {
    let _ = socket.set_read_timeout(Some(Duration::from_secs(20)));
    let mut buf = [0u8; 4096];
    loop {
        let mut head = Vec::new();
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let n = seen.fetch_add(1, Ordering::SeqCst);
        let (status, body) = script[n.min(script.len() - 1)];
        let reply = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if socket.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn client(url: &str) -> huaweicloud_rds::ClientBuilder {
    RdsClient::builder()
        .endpoint(url)
        .project_id(PROJECT)
        .credentials(Credentials::token("t"))
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .deadline(Duration::from_secs(60))
}

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

/// Everything the fmt subscriber writes, kept for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn each_attempt_has_a_span_with_its_number_status_and_time() {
    use tracing_subscriber::fmt::format::FmtSpan;

    static BUSY_THEN_OK: [(u16, &str); 2] = [(503, BUSY), (200, PAGE)];
    let server = scripted(&BUSY_THEN_OK);
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let outer = tracing::info_span!("page", instance_id = "i1", offset = 0);
            let page = tracing::Instrument::instrument(
                async {
                    client(&server.url)
                        .build()
                        .expect("client")
                        .list_backups(&ListBackups::new("i1"))
                        .await
                },
                outer,
            )
            .await
            .expect("the second attempt succeeds");
            assert_eq!(page.total_count, 0);
        });
    });
    let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("UTF-8");
    let closed: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("attempt{") && l.contains("close"))
        .collect();
    assert_eq!(closed.len(), 2, "{log}");
    for (line, (attempt, status)) in closed.iter().zip([(1, 503), (2, 200)]) {
        assert!(
            line.contains(&format!(
                "attempt{{attempt={attempt} status={status} elapsed_ms="
            )),
            "{line}"
        );
        assert!(
            line.contains("page{instance_id=\"i1\" offset=0}"),
            "the page span is the parent: {line}"
        );
    }
}
