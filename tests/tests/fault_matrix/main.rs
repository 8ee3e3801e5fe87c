//! The client's fault suite: every fault of `docs/fault-matrix.md` that a
//! single call meets, through the public client API against the mock
//! service (its `fault-*` instances and scripted faults), one module per
//! fault family. The walk's rows are in `pagination.rs`, the secrets and path
//! rows in `security.rs`, and what a user of `rds-backups` sees of each row in
//! `cli/tests/fault_matrix`.
//!
//! Each test asserts the outcome: the result or the error with its fields,
//! and how many requests reached the server (one call at a time, so the count
//! is the number of attempts, which is what the retry rules promise). Every
//! test runs under [`support::guarded`], a liveness bound of ten times its
//! configured budget that fails only on a hang; attempt timeouts and backoffs
//! are short, so the suite runs in seconds.

#[path = "../support/mod.rs"]
mod support;

mod before_sending;
mod bodies;
mod connections;
mod generated;
mod redirects;
mod statuses;
mod time_limits;
mod values;

/// Backups of `INSTANCE_MYSQL`, and of every data-serving fault instance.
const MYSQL_BACKUPS: usize = 13;
const FAULT_INSTANCE_BACKUPS: usize = 20;

use huaweicloud_rds::types::ListBackupsResponse;
use huaweicloud_rds::{ClientBuilder, Error};
use huaweicloud_rds_mock::{INSTANCE_MYSQL, MockServer, Script};

/// What one call against a scripted mock left.
struct Call {
    result: Result<ListBackupsResponse, Error>,
    /// Requests that reached the mock (the call's attempts).
    requests: u64,
    server: MockServer,
}

/// Plays `script` on `INSTANCE_MYSQL` of a fresh mock for one call of a
/// client built from [`support::client`] by `configure`.
async fn call(
    script: impl Into<Script>,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Call {
    let server = support::mock().await;
    server.script(INSTANCE_MYSQL, script);
    let client = configure(support::client(&server)).build().unwrap();
    let result = support::list(&client, INSTANCE_MYSQL).await;
    Call {
        result,
        requests: server.requests(INSTANCE_MYSQL),
        server,
    }
}

/// [`call`] with the default client.
async fn call_default(script: impl Into<Script>) -> Call {
    call(script, |b| b).await
}
