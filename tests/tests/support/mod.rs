//! Shared by every test of this crate that runs the client against the mock
//! service: the one liveness bound ([`guarded`]), the mock and a client for
//! it, the outcome extractors, and the log capture.

#![allow(dead_code)] // each test crate uses a different part

use std::collections::HashSet;
use std::future::Future;
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use huaweicloud_rds::types::{Backup, ListBackupsResponse};
use huaweicloud_rds::{
    ApiError, ClientBuilder, Credentials, Error, InvalidResponse, ListBackups, RdsClient,
    ResponseParseError,
};
use huaweicloud_rds_mock::{
    Fault, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig,
    MockServer, Reply, Script,
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

/// A one-backup page, in the service's form.
pub const ONE_BACKUP_PAGE: &str = r#"{"backups": [{"id": "b1", "name": "n", "type": "auto", "size": 2803,
    "status": "COMPLETED", "begin_time": "2018-08-06T12:41:14+0800",
    "end_time": "2018-08-06T12:43:14+0800",
    "datastore": {"type": "MySQL", "version": "5.6"}, "instance_id": "i1"}],
    "total_count": 1}"#;

/// Makes `server` answer every request, whatever its path, parameters or
/// credentials, with [`ONE_BACKUP_PAGE`]: a stand-in for any server, for the
/// tests that look at what the client sends.
pub fn answer_everything(server: &MockServer) {
    let page = Reply::json(200, ONE_BACKUP_PAGE);
    server.script_any(Script::new([Fault::Reply(page)]).repeat_last());
}

/// One page of `instance` through `client`.
pub async fn list(client: &RdsClient, instance: &str) -> Result<ListBackupsResponse, Error> {
    client.list_backups(&ListBackups::new(instance)).await
}

/// The page, or a panic naming the error; `expected` backups and that total.
pub fn page_of(result: Result<ListBackupsResponse, Error>, expected: usize) -> ListBackupsResponse {
    let page = result.unwrap_or_else(|e| panic!("expected a page, got {e:?}"));
    assert_eq!(page.backups.len(), expected);
    assert_eq!(page.total_count, expected as i32);
    page
}

/// The API error, or a panic naming what came instead.
pub fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> ApiError {
    match result {
        Err(Error::Api(api)) => *api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// The parse error of an `InvalidResponse::Body` and the error's one line.
pub fn body_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (ResponseParseError, String) {
    match result {
        Err(e @ Error::InvalidResponse(InvalidResponse::Body(_))) => {
            let shown = e.to_string();
            let Error::InvalidResponse(InvalidResponse::Body(parse)) = e else {
                unreachable!()
            };
            (parse, shown)
        }
        other => panic!("expected Error::InvalidResponse(Body), got {other:?}"),
    }
}

/// The message of a transport error with a source, or a panic.
pub fn transport_message<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Transport {
            message,
            source: Some(_),
        }) => message,
        other => panic!("expected Error::Transport with a source, got {other:?}"),
    }
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
        // A callsite first reached by another test thread while the global
        // subscriber was being installed may have cached "never": ask again.
        tracing::callsite::rebuild_interest_cache();
    });
}

/// What [`capture_logs`] captured so far.
pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

/// Backups of `INSTANCE_MYSQL`, and of every data-serving fault instance.
pub const MYSQL_BACKUPS: usize = 13;
pub const FAULT_INSTANCE_BACKUPS: usize = 20;

/// What one call against a scripted mock left.
pub struct Call {
    pub result: Result<ListBackupsResponse, Error>,
    /// Requests that reached the mock (the call's attempts).
    pub requests: u64,
    pub server: MockServer,
}

/// Plays `script` on `INSTANCE_MYSQL` of a fresh mock for one call of a
/// client built from [`client`] by `configure`.
pub async fn call(
    script: impl Into<Script>,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Call {
    let server = mock().await;
    server.script(INSTANCE_MYSQL, script);
    let client = configure(client(&server)).build().unwrap();
    let result = list(&client, INSTANCE_MYSQL).await;
    Call {
        result,
        requests: server.requests(INSTANCE_MYSQL),
        server,
    }
}

/// [`call`] with the default client.
pub async fn call_default(script: impl Into<Script>) -> Call {
    call(script, |b| b).await
}

/// `http://127.0.0.1:PORT` where nothing listens (bound, then released).
pub fn unused_loopback_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    format!("http://127.0.0.1:{port}")
}
