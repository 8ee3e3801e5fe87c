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
mod discovery;
mod generated;
mod redirects;
mod statuses;
mod time_limits;
mod values;
