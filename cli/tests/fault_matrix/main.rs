//! The CLI's fault suite: each row of `docs/fault-matrix.md` as a user of
//! `rds-backups` sees it. The real binary runs against a mock started here
//! (fault instances, or faults scripted per test), and each test asserts the
//! exit code, the last stderr line and what reached the server; one module
//! per fault family, and the CLI half of the security rows (no secret on
//! stdout or stderr, even with `-v`/`-vvv`; escaping path values refused with
//! exit 2, nothing sent).
//!
//! Request counts are asserted only where they are the promise: the attempts
//! of one call, or a walk at `--concurrency 1`. Each run of the binary is
//! bounded by ten times its budget (the runner's liveness bound).

#[path = "../support/mod.rs"]
mod support;

mod bodies;
mod connections;
mod pagination;
mod redirects;
mod security;
mod statuses;

use huaweicloud_rds_mock::{INSTANCE_MYSQL, MockServer, Script};
use support::Run;

/// Backups of `INSTANCE_MYSQL`.
const MYSQL_BACKUPS: u64 = 13;

/// `[global...] list --instance-id INSTANCE [args...]` against `server`,
/// run within the default budget.
fn list(server: &MockServer, global: &[&str], instance: &str, args: &[&str]) -> Run {
    support::list(server, global, instance, args).run()
}

/// What one run against a scripted mock left.
struct Scripted {
    run: Run,
    /// Requests that reached the mock for `INSTANCE_MYSQL`.
    requests: u64,
    server: MockServer,
}

/// `[global...] list --instance-id INSTANCE_MYSQL [args...]` against a fresh
/// mock that plays `script` on that instance first.
fn scripted(script: impl Into<Script>, global: &[&str], args: &[&str]) -> Scripted {
    let server = support::mock();
    server.script(INSTANCE_MYSQL, script);
    let run = list(&server, global, INSTANCE_MYSQL, args);
    Scripted {
        run,
        requests: server.requests(INSTANCE_MYSQL),
        server,
    }
}
