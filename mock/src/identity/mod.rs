//! The services a client asks before it lists: IAM's project list and the
//! ECS metadata service's temporary credentials.
//!
//! # IAM: `GET /v3/projects?name={region}`
//!
//! Authenticated like the list endpoint (signature or token; temporary
//! credentials with their `X-Security-Token`). Answers
//! `{"projects": [{"id", "name", "domain_id", "enabled", ...}], "links": {...}}`
//! with an `X-IAM-Trace-Id` header:
//!
//! | `name` | projects |
//! |---|---|
//! | any of the 34 RDS regions (`cn-north-4`, `eu-west-101`, ...) | one: [`MOCK_PROJECT_ID`](crate::MOCK_PROJECT_ID) |
//! | [`REGION_NO_PROJECT`] `mock-none-1` | none |
//! | [`REGION_TWO_PROJECTS`] `mock-two-1` | two: [`MOCK_PROJECT_ID`](crate::MOCK_PROJECT_ID) and [`SECOND_PROJECT_ID`] |
//! | anything else, or no `name` | none |
//!
//! # ECS metadata
//!
//! - `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds`
//!   (1..=21600) answers a metadata token as text; with
//!   [`MockConfig::metadata_tokens`](crate::MockConfig::metadata_tokens)
//!   `false` (`rds-mock --no-metadata-token`) it answers `404`, as a
//!   metadata service without tokens does.
//! - `GET /openstack/latest/securitykey` needs that token in
//!   `X-Metadata-Token` (else `401`) when tokens are on, and answers
//!   `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`:
//!   new temporary credentials on every call, expiring after
//!   [`MockConfig::metadata_ttl`](crate::MockConfig::metadata_ttl) (24 hours;
//!   `rds-mock --metadata-ttl SECONDS` makes them expire soon).
//!
//! Temporary credentials sign requests like the test AK/SK, and are accepted
//! only with their own `X-Security-Token` and until they expire (then `401`
//! `APIGW.0301`, "the security token has expired").
//!
//! The server-wide script ([`MockServer::script_any`](crate::MockServer::script_any))
//! applies to these requests too, e.g. to make IAM answer `503` once.

mod iam;
mod issued;
mod metadata;
mod names;

pub(crate) use iam::projects;
pub(crate) use issued::Issued;
pub(crate) use metadata::{metadata_token, security_key};
pub use names::{
    METADATA_TOKEN_PATH, MOCK_DOMAIN_ID, PROJECTS_PATH, REGION_NO_PROJECT, REGION_TWO_PROJECTS,
    SECOND_PROJECT_ID, SECURITY_KEY_PATH,
};
