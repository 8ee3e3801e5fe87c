//! The fixed names and limits of SDK-HMAC-SHA256: the algorithm, its headers,
//! the empty body's hash and the clock skew the gateway allows.

use std::time::Duration;

/// Algorithm name, first word of the `Authorization` value and first line of the string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Header carrying the signing time, formatted `YYYYMMDDTHHMMSSZ` (UTC).
pub const HEADER_SDK_DATE: &str = "X-Sdk-Date";
/// Header carrying the signature.
pub const HEADER_AUTHORIZATION: &str = "Authorization";
/// Host header; always signed.
pub const HEADER_HOST: &str = "Host";
/// Optional header whose value replaces the body hash (e.g. `UNSIGNED-PAYLOAD`), as in the SDK.
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
/// Hex SHA-256 of the empty body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// How far the gateway lets `X-Sdk-Date` drift from its clock (either way).
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);
