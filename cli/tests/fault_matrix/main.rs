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
mod discovery;
mod pagination;
mod redirects;
mod security;
mod statuses;
