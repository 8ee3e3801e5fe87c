//! Shared by the client tests that run against `rds_tests::script_server`.

#![allow(dead_code)] // each test crate uses a different part

use std::future::Future;
use std::time::Duration;

use huaweicloud_rds::{ClientBuilder, Credentials, Error, RdsClient};
use rds_tests::script_server::Reply;

/// Test keys, not secrets.
pub const AK: &str = "SCRIPTSERVERTESTAK01";
pub const SK: &str = "script-server-test-sk-0123456789abcdef";
pub const PROJECT: &str = "0483b6b16e954cb88930a360d2c4e663";
pub const INSTANCE: &str = "43e4feaab48f11e89039fa163ebaa7e4in01";

/// A one-backup page.
pub const OK_BODY: &str = r#"{"backups": [{"id": "b1", "name": "n", "type": "auto", "size": 2803,
    "status": "COMPLETED", "begin_time": "2018-08-06T12:41:14+0800",
    "end_time": "2018-08-06T12:43:14+0800",
    "datastore": {"type": "MySQL", "version": "5.6"}, "instance_id": "i1"}],
    "total_count": 1}"#;

pub fn ok() -> Reply {
    Reply::json(200, OK_BODY)
}

/// A client for `url` with short waits: 3 attempts, 10-20 ms backoff, 2 s
/// per attempt, 5 s per call. Tests override what they exercise.
pub fn client(url: &str) -> ClientBuilder {
    RdsClient::builder()
        .endpoint(url)
        .project_id(PROJECT)
        .credentials(Credentials::aksk(AK, SK))
        .max_attempts(3)
        .backoff(Duration::from_millis(10), Duration::from_millis(20))
        .attempt_timeout(Duration::from_secs(2))
        .deadline(Duration::from_secs(5))
}

/// Run a test body, failing (instead of hanging) if it takes longer than
/// `limit`: only a hang should ever reach it.
pub async fn within<T>(limit: Duration, body: impl Future<Output = T>) -> T {
    tokio::time::timeout(limit, body)
        .await
        .unwrap_or_else(|_| panic!("the test did not finish within {limit:?}"))
}

/// The API error, or a panic naming what came instead.
pub fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> huaweicloud_rds::ApiError {
    match result {
        Err(Error::Api(api)) => *api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}
