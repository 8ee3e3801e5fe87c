//! The per-attempt tracing span, read from a subscriber's formatted output.
//!
//! This is its own test binary, with a global subscriber, on purpose. A
//! subscriber scoped to one thread (`with_default`) misses events whenever
//! another thread of the same process reaches a callsite first: while only
//! one subscriber is registered, tracing computes that callsite's interest
//! from the registering thread's default (none), caches "never" for every
//! thread, and the scoped subscriber sees nothing. Other tests in the same
//! binary run on other threads, so a scoped subscriber there is a lottery.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use huaweicloud_rds::ListBackups;
use support::{BUSY, PAGE, client, scripted};

/// Everything the fmt subscriber writes, kept for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
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
    tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
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
