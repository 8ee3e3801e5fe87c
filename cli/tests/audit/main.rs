//! `summary`, `check` and `--since`: the real binary against a mock started
//! here, holding instances made at test time relative to now (fresh, stale,
//! missing, failed-only, mixed offsets, a window of two pages) and erroring
//! ones (a fault instance, an unknown instance).

#[path = "../support/mod.rs"]
mod support;

mod check;
mod fixture;
mod summary;
