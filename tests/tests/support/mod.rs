//! Shared by the tests that run the client against the mock service
//! (`fault_matrix.rs`, `pagination.rs`, `security.rs`).

#![allow(dead_code)] // each test crate uses a different part

use std::collections::HashSet;
use std::future::Future;
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use huaweicloud_rds::types::Backup;
use huaweicloud_rds::{ClientBuilder, Credentials, RdsClient};
use huaweicloud_rds_mock::{
    MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig, MockServer,
};

/// Run a test body under a liveness bound of ten times its `budget` (the time
/// its configured timeouts, retries and waits can take). The bound only
/// catches a hang; it is not a speed check.
pub async fn guarded<T>(budget: Duration, body: impl Future<Output = T>) -> T {
    let limit = budget * 10;
    tokio::time::timeout(limit, body)
        .await
        .unwrap_or_else(|_| panic!("hung: not finished within {limit:?} (10x its budget)"))
}

/// A mock with short fault delays: `fault-delay` and `fault-stall-mid-body`
/// stall for 10 s (longer than any attempt timeout used here), and the
/// oversize faults send 8 GiB (more than a test could ever read in time).
pub async fn mock() -> MockServer {
    mock_with(
        MockConfig::default()
            .fault_delay(Duration::from_secs(10))
            .oversize_bytes(8 << 30),
    )
    .await
}

pub async fn mock_with(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("the mock starts")
}

/// A client for `server` with the mock's credentials and short waits: 3
/// attempts, 10-20 ms backoff, 1 s per attempt, 5 s per call. Tests override
/// what they exercise.
pub fn client(server: &MockServer) -> ClientBuilder {
    client_for(&server.base_url())
}

pub fn client_for(url: &str) -> ClientBuilder {
    RdsClient::builder()
        .endpoint(url)
        .project_id(MOCK_PROJECT_ID)
        .credentials(Credentials::aksk(MOCK_ACCESS_KEY, MOCK_SECRET_KEY))
        .max_attempts(3)
        .backoff(Duration::from_millis(10), Duration::from_millis(20))
        .attempt_timeout(Duration::from_secs(1))
        .deadline(Duration::from_secs(5))
}

/// The ids of `backups`, in order.
pub fn ids(backups: &[Backup]) -> Vec<String> {
    backups.iter().map(|b| b.id.clone()).collect()
}

/// The ids the mock holds for a default instance, in service order.
pub fn mock_ids(instance: &str) -> Vec<String> {
    huaweicloud_rds_mock::data::default_instance(instance)
        .expect("a default instance")
        .records()
        .iter()
        .map(|r| r.id().to_owned())
        .collect()
}

/// Panics if `ids` holds an id twice.
pub fn assert_no_duplicates(ids: &[String]) {
    let set: HashSet<&String> = ids.iter().collect();
    assert_eq!(set.len(), ids.len(), "duplicates in the walk");
}

/// Adds to `server` an instance `id` holding the first `count` backups of the
/// 10,000-backup instance (with their `instance_id` set to `id`): plain data
/// without any fault rule, for scripted faults.
pub fn insert_plain_instance(server: &MockServer, id: &str, count: usize) -> Vec<String> {
    let large = huaweicloud_rds_mock::data::default_instance(huaweicloud_rds_mock::INSTANCE_LARGE)
        .expect("the large instance");
    let backups: Vec<huaweicloud_rds_mock::Backup> = large.records()[..count]
        .iter()
        .map(|r| {
            let mut b: huaweicloud_rds_mock::Backup =
                serde_json::from_str(r.json()).expect("a generated backup parses");
            b.instance_id = id.to_owned();
            b
        })
        .collect();
    server.insert_instance(id, &backups);
    backups.into_iter().map(|b| b.id).collect()
}

/// Every log event of this test binary, formatted, at trace level.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs (once per test binary) a global subscriber that formats every
/// event at trace level, from every crate, into a buffer read by [`logs`].
pub fn capture_logs() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
            .with_ansi(false)
            .with_writer(|| Capture)
            .finish();
        tracing_subscriber::util::SubscriberInitExt::try_init(subscriber)
            .expect("no other global subscriber");
    });
}

/// What [`capture_logs`] captured so far.
pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}
