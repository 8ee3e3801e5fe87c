//! An embedded mock of the Huawei Cloud RDS "list backups" API
//! (`GET /v3/{project_id}/backups`) over real HTTP/1.1 on `127.0.0.1`, with
//! AK/SK signature verification, a deterministic data set and fault injection.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use huaweicloud_rds_mock::{MockConfig, MockServer, Fault, INSTANCE_MYSQL};
//! let server = MockServer::start(MockConfig::default()).await?;
//! let base = server.base_url(); // http://127.0.0.1:PORT
//! server.script(INSTANCE_MYSQL, [Fault::unavailable(0), Fault::None]);
//! // ... point a client at `base`, then:
//! assert_eq!(server.requests(INSTANCE_MYSQL), 2);
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The binary `rds-mock [--port N] [--no-verify-signature] [--metadata-ttl SECONDS]
//! [--no-metadata-token]` serves the same thing and
//! prints `listening on http://127.0.0.1:PORT`.
//!
//! The server is hyper's HTTP/1.1 server connection. Besides the API it serves
//! scripted faults and arbitrary replies ([`MockServer::script`],
//! [`MockServer::script_any`]) and records every request as it arrived
//! ([`MockServer::received`]), so it also stands in for "a server that answers
//! this" or "a second server that records what reaches it"
//! ([`MockConfig::addr`], e.g. on `127.0.0.2`).
//!
//! # Test credentials
//!
//! | what | value |
//! |---|---|
//! | project id ([`MOCK_PROJECT_ID`]) | `0483b6b16e954cb88930a360d2c4e663` |
//! | access key ([`MOCK_ACCESS_KEY`]) | `MOCKAK0000000000RDS1` |
//! | secret key ([`MOCK_SECRET_KEY`]) | `MockSK0123456789abcdefghijklmnopqrstuvwx` |
//! | IAM token ([`MOCK_AUTH_TOKEN`]) | `MIIMOCK-rds-token-0123456789abcdef` |
//!
//! # Instances
//!
//! | instance id | content |
//! |---|---|
//! | [`INSTANCE_MYSQL`] `7c4e1a52d3b94f0e8a6d2c9b1f3e5a70in01` | MySQL 8.0, 13 backups: auto/manual/incremental, all four states, `associated_with_ddm`, `min_data_volume_capacity_for_restore`, two backups started in the same second |
//! | [`INSTANCE_POSTGRESQL`] `2b9d6f40c1e84a3b9f7e5d3c1a2b4c60in03` | PostgreSQL 14, 9 backups: auto/manual/incremental, all four states |
//! | [`INSTANCE_SQLSERVER`] `9e1f3a5c7b2d4e6f8a0c1e3b5d7f9a20in04` | SQLServer 2019_SE, 10 backups: auto/manual/fragment, all four states, `databases` on partial backups |
//! | [`INSTANCE_MARIADB`] `4a6c8e0b2d4f4a1c9e7b5d3f1a3c5e70in13` | MariaDB 10.5, 6 backups: auto/manual, all four states |
//! | [`INSTANCE_LARGE`] `b10000c0ffee4e1a9d2b3c4d5e6f7a80in01` | MySQL 8.0, exactly 10,000 backups |
//! | [`INSTANCE_EMPTY`] `e0e0e0e0a1b24c3d8e9f0a1b2c3d4e50in01` | MySQL 5.7, no backups |
//! | [`SAMPLE_MYSQL_INSTANCE`] `a48e43ff268f4c0e879652d65e63d0fbin01` | the documented MySQL sample |
//! | [`SAMPLE_POSTGRESQL_INSTANCE`] `a48e43ff268f4c0e879652d65e63d0fbin03` | the documented PostgreSQL sample, corrected (times, instance id) |
//! | [`SAMPLE_SQLSERVER_INSTANCE`] `a48e43ff268f4c0e879652d65e63d0fbin04` | the documented SQL Server sample, corrected (`id` key) |
//! | [`QUIRK_UNKNOWN_ENUMS`] `quirk-unknown-enums` | type `snapshot`, status `ARCHIVED`, engine `openGauss` |
//! | [`QUIRK_LOWERCASE_ENGINE`] `quirk-lowercase-engine` | engine `mysql` |
//! | [`QUIRK_EXTRA_FIELDS`] `quirk-extra-fields` | unknown fields on backups, `datastore` and the body |
//! | [`QUIRK_NULL_OPTIONALS`] `quirk-null-optionals` | `databases`, `associated_with_ddm`, `min_data_volume_capacity_for_restore` as `null`; `databases: []` |
//! | [`QUIRK_TIME_OFFSETS`] `quirk-time-offsets` | times with `+08:00` and `Z` |
//! | `sized-{count}-{name}` ([`sized`]) | `count` generated MySQL backups (up to 10,000), for benchmarks over many instances |
//!
//! Quirky data is only on the `quirk-*` instances. Well-formed times are
//! `yyyy-mm-ddThh:mm:ss+0800`. The fault instances (`fault-*`) are listed in [`faults`].
//!
//! # Semantics
//!
//! Checks run in this order; the first failure answers:
//! 1. path `/v3/{project_id}/backups` (anything else `404` `APIGW.0101`), method `GET`
//!    (else `405` with `Allow: GET`);
//! 2. authentication (`401` `APIGW.0301` with `request_id` in the body): an
//!    `X-Auth-Token` equal to [`MOCK_AUTH_TOKEN`], or an `Authorization:
//!    SDK-HMAC-SHA256 ...` header whose signature verifies against the request as
//!    received (method, path, query decoded with `+` as a space, the headers listed in
//!    `SignedHeaders` including `host` and `x-sdk-date`, the body) with
//!    [`MOCK_SECRET_KEY`], and an `X-Sdk-Date` within 15 minutes of the server clock.
//!    A request with no credential at all is also `401`. With
//!    [`MockConfig::verify_signature`] `false` (`--no-verify-signature`), **every request
//!    is accepted, with or without credentials**: that mode is for running behind a
//!    proxy that rewrites `Host` or for clients without signing;
//! 3. project: a `project_id` other than [`MOCK_PROJECT_ID`] (or an `X-Project-Id`
//!    header that differs from the path) is `403` `DBS.280056`, as the service answers
//!    a token or key that is not valid for the project;
//! 4. parameters (`400` `DBS.280001`, the message names the parameter), in this
//!    order: a known parameter given twice; `instance_id` missing or empty;
//!    `backup_id`, `backup_type` or `status` empty; `backup_type` not one of `auto`,
//!    `manual`, `fragment`, `incremental`; `status` not one of `BUILDING`,
//!    `COMPLETED`, `FAILED`; `offset` not a non-negative integer; `limit` not an
//!    integer in 1..=100; `begin_time` without `end_time` or the reverse; a time not of
//!    the form `yyyy-mm-ddThh:mm:ss±hhmm` (a raw `+` arrives as a space and fails
//!    here); `end_time` not later than `begin_time`; then an `X-Language` header other
//!    than `zh-cn` or `en-us` (the spec's closed enum). Unknown parameters are ignored;
//! 5. faults (see [`faults`]);
//! 6. instance: unknown `instance_id` is `400` `DBS.200823`.
//!
//! Filters: `backup_id` and `backup_type` match exactly. **`status` filters SQL Server
//! full backups only**, as the service's definition says: on other engines it is
//! validated and then ignored. **The time window keeps backups whose `begin_time` lies
//! within `[begin_time, end_time]`, both ends included**, compared as instants (any
//! offset). `total_count` counts every backup matching the filters; `offset`/`limit`
//! (default 0/100) then cut the page; an offset past the end gives an empty page.
//! Order: newest `begin_time` first, ties by `id` ascending.
//!
//! Every response has `Content-Type: application/json` (except the faults that
//! change it), a unique `X-Request-Id` (32 hex digits) and a `Date` header.
//! Malformed HTTP gets hyper's bare `400` (`431` for an oversized head) and a
//! closed connection; a request body over [`MAX_BODY_BYTES`] gets `413`.
//!
//! # Faults
//!
//! One [`Fault`] per response, chosen from the server-wide script
//! ([`MockServer::script_any`]), the instance's script ([`MockServer::script`]) or
//! the fault instance's rule, in that order (see [`faults`]). [`Script`] plays its
//! faults one per request, then stops or [repeats the last](Script::repeat_last).
//!
//! | [`Fault`] | on the wire |
//! |---|---|
//! | `None` | the normal answer |
//! | `Reply(Reply)` | any status, headers and body ([`Fault::error`], [`Fault::throttled`], [`Fault::unavailable`], the gateway's JSON [`Fault::bad_gateway`] and [`Fault::gateway_timeout`]) |
//! | `DelayHeaders { delay, reply }` | nothing for `delay`, then the answer |
//! | `Hang` | nothing, until the client closes |
//! | `CloseBeforeHeaders` | FIN before any byte |
//! | `ResetBeforeHeaders` | RST (`SO_LINGER` 0) before any byte |
//! | `CloseMidBody { sent, reply }` | full `Content-Length`, part of the body, FIN |
//! | `StallMidBody { sent, stall, reply }` | full `Content-Length`, part of the body, a stall (or until the client closes), the rest |
//! | `Oversize { bytes, chunked }` | 200, a streamed JSON body of exactly `bytes`, with `Content-Length` or chunked |
//! | `TruncatedJson` | 200, JSON cut in half, consistent `Content-Length` |
//! | `EmptyBody`, `InvalidUtf8`, `WrongShape`, `NonJsonContentType`, `IdTypo` | 200 with that body |
//! | `ShiftByOne`, `TotalCountDelta(n)`, `IgnoreOffset` | a page of a list that moves or lies |
//! | `HtmlBadGateway` | 502 `text/html` page |
//! | `Redirect { status, location }` | a 3xx with that `Location` |
//! | `ErrorBodyIn200 { code, message }` | 200 whose body is an error object |
//!
//! Low-level faults (`Hang`, `CloseBeforeHeaders`, `ResetBeforeHeaders`,
//! `CloseMidBody`, `StallMidBody`) take the socket back from hyper and close the
//! connection afterwards.
//!
//! Fault instances (constants in [`faults`]; data-serving ones hold generated MySQL
//! backups, 20 or 250):
//!
//! | instance id | behaviour |
//! |---|---|
//! | `fault-html-502` | 502 `text/html` page, always |
//! | `fault-500` | 500 `DBS.108000`, always |
//! | `fault-503` | 503 `DBS.108000` with `Retry-After: 1`, always |
//! | `fault-429` | 429 `APIGW.0308` (`request_id` in the body) with `Retry-After: 1`, always |
//! | `fault-flaky-503` | odd-numbered requests 503 with `Retry-After: 0`, even-numbered ones normal |
//! | `fault-error-legacy-keys` | 400 `{"errorCode","errorMsg"}`, always |
//! | `fault-error-nested` | 500 `{"error":{"code","message"}}`, always |
//! | `fault-delay` | waits [`MockConfig::fault_delay`] before the headers |
//! | `fault-stall-mid-body` | half the body, a [`MockConfig::fault_delay`] stall, the rest |
//! | `fault-close-before-headers` | connection closed without a response |
//! | `fault-reset-before-headers` | connection reset (RST) without a response |
//! | `fault-close-mid-body` | connection closed after half the body |
//! | `fault-truncated-json` | 200, JSON cut in half, consistent `Content-Length` |
//! | `fault-oversize` | 200, [`MockConfig::oversize_bytes`] of JSON with `Content-Length` |
//! | `fault-oversize-chunked` | the same, `Transfer-Encoding: chunked` |
//! | `fault-empty-body` | 200, empty body |
//! | `fault-error-body-in-200` | 200 whose body is the error object `DBS.108000` "Internal error." |
//! | `fault-invalid-utf8` | 200, invalid UTF-8 inside a string |
//! | `fault-wrong-shape` | 200, `backups` an object and `total_count` a string |
//! | `fault-non-json-content-type` | 200, JSON labelled `text/plain` |
//! | `fault-id-typo` | 200, every backup has `"id "` instead of `"id"` |
//! | `fault-shift` | 250 backups; requests with `offset > 0` see one new backup at the head |
//! | `fault-total-count-high` | 250 backups; `total_count` says 300 |
//! | `fault-total-count-low` | 250 backups; `total_count` says 150 |
//! | `fault-same-page` | 250 backups; the second request ignores `offset` |
//!
//! # IAM and ECS metadata
//!
//! The same server also answers IAM's `GET /v3/projects?name={region}` (the
//! project id lookup) and the ECS metadata service's token and temporary
//! credentials, whose AK/SK and security token the list endpoint then
//! accepts: see [`identity`] for the regions, projects and expiry settings.
//!
//! Request counts ([`MockServer::requests`]) include every request naming the
//! instance, whatever its outcome (401 and 400 included), so a test can assert how
//! many attempts a client made; [`MockServer::received`] keeps the newest requests.

#![warn(missing_docs)]

mod answer;
mod config;
mod credentials;
pub mod data;
pub mod faults;
pub mod identity;
mod pipeline;
pub mod query;
mod reply;
mod request;
mod server;
pub mod sized;
mod state;
pub mod throttle;
mod wire;

pub use config::MockConfig;
pub use credentials::{MOCK_ACCESS_KEY, MOCK_AUTH_TOKEN, MOCK_PROJECT_ID, MOCK_SECRET_KEY};
pub use data::{
    Backup, Database, Datastore, INSTANCE_EMPTY, INSTANCE_LARGE, INSTANCE_MARIADB, INSTANCE_MYSQL,
    INSTANCE_POSTGRESQL, INSTANCE_SQLSERVER, INSTANCES, Instance, LARGE_INSTANCE_BACKUPS,
    QUIRK_EXTRA_FIELDS, QUIRK_LOWERCASE_ENGINE, QUIRK_NULL_OPTIONALS, QUIRK_TIME_OFFSETS,
    QUIRK_UNKNOWN_ENUMS, Record, SAMPLE_MYSQL_INSTANCE, SAMPLE_POSTGRESQL_INSTANCE,
    SAMPLE_SQLSERVER_INSTANCE,
};
pub use faults::{FAULT_INSTANCES, Fault, Script};
pub use reply::Reply;
pub use request::RecordedRequest;
pub use server::MockServer;
pub use throttle::ThrottleConfig;
pub use wire::{MAX_BODY_BYTES, MAX_HEAD_BYTES, MAX_HEADERS};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_docs_list_every_instance() {
        let docs = include_str!("lib.rs");
        for &(id, _) in INSTANCES.iter().chain(FAULT_INSTANCES) {
            assert!(
                docs.contains(&format!("`{id}`")),
                "{id} missing from the crate docs"
            );
        }
    }
}
