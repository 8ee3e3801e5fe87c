//! SDK-HMAC-SHA256 request signing, as done by Huawei Cloud's official SDKs.
//!
//! Pure functions over plain data (strings, pairs, bytes): no HTTP library types and no
//! knowledge of any particular service, so the same code serves a client's transport hook,
//! a mock server that verifies signatures, and fuzz targets.
//!
//! The steps, each exposed on its own:
//! 1. [`canonical_uri`]: the path, percent-decoded, split on `/`, each segment encoded with
//!    [`percent_encode`], plus a trailing `/`.
//! 2. [`canonical_query`]: `(key, value)` pairs sorted, each side encoded, joined by `&`. This
//!    is also the exact query string to send.
//! 3. [`canonical_headers`]: every header whose name has no `_`, lower-cased, sorted, with
//!    trimmed values; and the `;`-joined signed-header list.
//! 4. [`hashed_payload`], [`canonical_request`], [`string_to_sign`], [`signature`],
//!    [`authorization_value`].
//!
//! [`sign`] runs them all; [`verify`] is the server side. Checked against vectors produced by
//! the official Python SDK's signer (huaweicloudsdkcore 3.1.219), in `tests/vectors/`.
//!
//! ```
//! use huaweicloud_signer::{RequestParts, SigningKey, sign, verify};
//!
//! let key = SigningKey::new("HPUAEXAMPLEAK0000001", "ExampleSK0123456789abcdefghijklmnopqrstuv");
//! let request = RequestParts {
//!     method: "GET",
//!     host: "rds.cn-north-4.myhuaweicloud.com",
//!     path: "/v3/0483b6b16e954cb88930a360d2c4e663/backups",
//!     query: &[("instance_id", "i1")],
//!     headers: &[],
//!     body: b"",
//! };
//! let signed = sign(&request, &key, "20180806T044114Z").expect("valid AK, SK and date");
//! // The server side, given the headers as they arrived.
//! let received: Vec<(&str, &str)> =
//!     signed.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
//! let arrived = RequestParts { headers: &received, ..request };
//! let checked = verify(&arrived, |_| Some(&key.secret_key));
//! assert_eq!(checked.expect("signature matches").access_key, "HPUAEXAMPLEAK0000001");
//! ```

#![warn(missing_docs)]

mod canonical;
mod credentials;
pub mod date;
mod encoding;
mod error;
mod protocol;
mod request;
mod sign;
#[cfg(test)]
mod test_support;
mod verify;

pub use canonical::{
    CanonicalHeaders, canonical_headers, canonical_query, canonical_request, canonical_uri,
    hashed_payload, is_signed_header, parse_query, string_to_sign, trim_header_value,
};
pub use credentials::{SecretKey, SigningKey};
pub use date::{format_sdk_date, is_fresh, parse_sdk_date, sdk_date_now};
pub use encoding::{percent_decode, percent_encode};
pub use error::{AuthorizationError, DateError, SignError, VerifyError};
pub use protocol::{
    ALGORITHM, EMPTY_BODY_SHA256, HEADER_AUTHORIZATION, HEADER_CONTENT_SHA256, HEADER_HOST,
    HEADER_SDK_DATE, MAX_CLOCK_SKEW,
};
pub use request::RequestParts;
pub use sign::{Signed, authorization_value, sign, signature};
pub use verify::{Authorization, Verified, parse_authorization, verify};
