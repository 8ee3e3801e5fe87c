//! The mock exercised through the client crate: every filter, every
//! parameter rule and the signature checks, as `RdsClient` and the generated
//! builder (`client.generated()`) see them. The other test files talk raw
//! HTTP and test the wire; this one tests what a caller of the client gets.
//! What the client does with each fault is the client's fault suite
//! (`tests/tests/fault_matrix/`).
//!
//! Expected pages are computed here from the mock's exported data set (each
//! record's JSON), with the documented semantics written out again below, not by
//! calling the mock's own filter code.

#[path = "../common/mod.rs"]
mod common;
mod data;
mod rules;
mod support;
