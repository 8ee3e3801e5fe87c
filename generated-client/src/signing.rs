//! SDK-HMAC-SHA256 request signing, as done by Huawei Cloud's official SDKs.
//!
//! Pure functions over plain data (strings, pairs, bytes): no HTTP library types and no
//! knowledge of any particular service, so the same code serves the client's transport hook,
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
//! the official Python SDK's signer (huaweicloudsdkcore 3.1.219).

#![warn(missing_docs)]

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::Mac;
use hmac::digest::KeyInit;
use sha2::{Digest, Sha256};

use crate::calendar;

type HmacSha256 = hmac::Hmac<Sha256>;

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

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

/// A secret access key (SK). Its `Debug` output is redacted and it has no `Display`, so it
/// cannot leak through logs or error messages by accident.
#[derive(Clone)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps a secret key.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// Whether the key is empty (an empty key cannot sign).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(\"***\")")
    }
}

/// An access key (AK, public) with its secret key (SK, redacted in `Debug`).
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The access key id, sent in the clear as `Access=`.
    pub access_key: String,
    /// The secret key used as the HMAC key.
    pub secret_key: SecretKey,
}

impl Credentials {
    /// Builds credentials from an AK and an SK.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: SecretKey::new(secret_key),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request description
// ---------------------------------------------------------------------------------------------

/// The parts of an HTTP request that take part in signing, as plain data.
///
/// `Debug` shows the values of `Authorization`, `X-Security-Token` and
/// `X-Auth-Token` as `***`: they are credentials.
#[derive(Clone, Copy)]
pub struct RequestParts<'a> {
    /// HTTP method; upper-cased for signing.
    pub method: &'a str,
    /// Endpoint host, with `:port` when the endpoint has one. Used as the `Host` header when
    /// `headers` has none; when both are given they must agree. May be empty if `headers`
    /// has a `Host`.
    pub host: &'a str,
    /// Path as sent (no trailing slash needed). It is percent-decoded before being
    /// canonicalised, like the SDK does, so raw and encoded forms sign the same.
    pub path: &'a str,
    /// Query parameters, unencoded, in any order; repeated keys allowed.
    pub query: &'a [(&'a str, &'a str)],
    /// Headers as `(name, value)`; names are matched case-insensitively.
    pub headers: &'a [(&'a str, &'a str)],
    /// Body bytes (empty for GET).
    pub body: &'a [u8],
}

impl fmt::Debug for RequestParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|&(name, value)| {
                let secret = ["authorization", "x-security-token", "x-auth-token"]
                    .iter()
                    .any(|s| name.trim().eq_ignore_ascii_case(s));
                (name, if secret { "***" } else { value })
            })
            .collect();
        f.debug_struct("RequestParts")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// An `X-Sdk-Date` value that is not a valid `YYYYMMDDTHHMMSSZ` time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not 16 characters of the form `YYYYMMDDTHHMMSSZ`.
    Malformed,
    /// Well-formed but not a real time (month 13, February 30, year 0, ...), or outside what
    /// `SystemTime` can hold.
    OutOfRange,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed => f.write_str("X-Sdk-Date is not of the form YYYYMMDDTHHMMSSZ"),
            Self::OutOfRange => f.write_str("X-Sdk-Date is not a valid UTC time"),
        }
    }
}

impl std::error::Error for DateError {}

/// Why a request could not be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignError {
    /// The access key is empty or contains whitespace, control characters or `,`, which
    /// would make the `Authorization` value ambiguous.
    InvalidAccessKey,
    /// The secret key is empty.
    EmptySecretKey,
    /// The date is not a valid `X-Sdk-Date` value.
    InvalidDate(DateError),
    /// `headers` already has an `X-Sdk-Date` that differs from the date given.
    DateMismatch,
    /// Neither `host` nor a `Host` header was given.
    MissingHost,
    /// `host` and the `Host` header differ.
    HostMismatch,
    /// Two headers have the same name (ignoring case); names are lower-cased.
    DuplicateHeader(String),
    /// A header the signer itself produces (`Authorization`) was passed in.
    ReservedHeader(String),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidAccessKey => {
                f.write_str("access key is empty or contains whitespace, control characters or ','")
            }
            Self::EmptySecretKey => f.write_str("secret key is empty"),
            Self::InvalidDate(e) => write!(f, "invalid signing date: {e}"),
            Self::DateMismatch => f.write_str("X-Sdk-Date header differs from the signing date"),
            Self::MissingHost => f.write_str("no host and no Host header"),
            Self::HostMismatch => f.write_str("host differs from the Host header"),
            Self::DuplicateHeader(n) => write!(f, "header `{n}` given more than once"),
            Self::ReservedHeader(n) => write!(f, "header `{n}` is set by the signer"),
        }
    }
}

impl std::error::Error for SignError {}

/// Why an `Authorization` value could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorizationError {
    /// The value does not start with `SDK-HMAC-SHA256 `.
    UnsupportedAlgorithm,
    /// A `, `-separated part is not `Name=value`.
    MalformedParameter,
    /// A parameter other than `Access`, `SignedHeaders`, `Signature`.
    UnknownParameter,
    /// A parameter given twice.
    DuplicateParameter(&'static str),
    /// A required parameter is absent.
    MissingParameter(&'static str),
    /// A parameter's value is empty.
    EmptyValue(&'static str),
    /// `SignedHeaders` has an empty, blank or repeated name.
    InvalidSignedHeaders,
    /// `Signature` is not 64 hex digits.
    InvalidSignature,
}

impl fmt::Display for AuthorizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedAlgorithm => {
                write!(f, "Authorization does not start with `{ALGORITHM} `")
            }
            Self::MalformedParameter => f.write_str("Authorization parameter is not Name=value"),
            Self::UnknownParameter => f.write_str("unknown Authorization parameter"),
            Self::DuplicateParameter(p) => write!(f, "Authorization parameter {p} repeated"),
            Self::MissingParameter(p) => write!(f, "Authorization parameter {p} missing"),
            Self::EmptyValue(p) => write!(f, "Authorization parameter {p} is empty"),
            Self::InvalidSignedHeaders => {
                f.write_str("SignedHeaders has an empty or repeated name")
            }
            Self::InvalidSignature => f.write_str("Signature is not 64 hex digits"),
        }
    }
}

impl std::error::Error for AuthorizationError {}

/// Why [`verify`] rejected a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// No `Authorization` header.
    MissingAuthorization,
    /// The `Authorization` header is malformed.
    Authorization(AuthorizationError),
    /// No `X-Sdk-Date` header.
    MissingDate,
    /// The `X-Sdk-Date` header is not a valid time.
    InvalidDate(DateError),
    /// A header that must be signed (`host`, `x-sdk-date`) is not in `SignedHeaders`.
    HeaderNotSigned(&'static str),
    /// A header listed in `SignedHeaders` is not in the request.
    MissingSignedHeader(String),
    /// A header that matters appears more than once (lower-cased name).
    DuplicateHeader(String),
    /// `host` and the `Host` header differ.
    HostMismatch,
    /// No secret is known for this access key.
    UnknownAccessKey(String),
    /// The signature does not match the request.
    SignatureMismatch,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingAuthorization => f.write_str("no Authorization header"),
            Self::Authorization(e) => write!(f, "malformed Authorization header: {e}"),
            Self::MissingDate => f.write_str("no X-Sdk-Date header"),
            Self::InvalidDate(e) => write!(f, "{e}"),
            Self::HeaderNotSigned(n) => write!(f, "header `{n}` is not signed"),
            Self::MissingSignedHeader(n) => write!(f, "signed header `{n}` is missing"),
            Self::DuplicateHeader(n) => write!(f, "header `{n}` appears more than once"),
            Self::HostMismatch => f.write_str("host differs from the Host header"),
            Self::UnknownAccessKey(ak) => write!(f, "unknown access key `{ak}`"),
            Self::SignatureMismatch => f.write_str("signature does not match"),
        }
    }
}

impl std::error::Error for VerifyError {}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

fn push_encoded(bytes: &[u8], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// Percent-encodes the UTF-8 bytes of `s`, leaving only `A-Za-z0-9-_.~` as is, with upper-case
/// hex (space is `%20`, `+` is `%2B`). Same as the SDK's `quote(s, safe='~')`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_encoded(s.as_bytes(), &mut out);
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes into bytes; invalid escapes are kept literally (like Python's
/// `unquote`). With `plus_as_space`, `+` is a space, as a server reads a query string.
pub fn percent_decode(s: &str, plus_as_space: bool) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_val);
            let lo = bytes.get(i + 2).copied().and_then(hex_val);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi << 4) | lo);
                i += 3;
                continue;
            }
        }
        out.push(if plus_as_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Canonical pieces
// ---------------------------------------------------------------------------------------------

/// Canonical URI: `path` percent-decoded (invalid UTF-8 replaced, as the SDK's `unquote` does),
/// split on `/`, each segment re-encoded with [`percent_encode`], then a trailing `/` added if
/// absent. `"/v3/p/backups"` gives `"/v3/p/backups/"`; an empty path gives `"/"`.
pub fn canonical_uri(path: &str) -> String {
    // Decoding first makes `a b` and `a%20b` canonicalise the same, which is what lets a
    // server recompute the client's value from the encoded path it received.
    let decoded = percent_decode(path, false);
    let decoded = String::from_utf8_lossy(&decoded);
    let mut out = String::with_capacity(decoded.len() + 1);
    for (i, segment) in decoded.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_encoded(segment.as_bytes(), &mut out);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Canonical query string: pairs sorted by key then value (byte order, i.e. code-point order as
/// in the SDK), each side [`percent_encode`]d, `key=value` joined by `&`; empty for no pairs.
/// This same string must be sent as the request's query.
pub fn canonical_query(pairs: &[(&str, &str)]) -> String {
    let mut sorted = pairs.to_vec();
    sorted.sort_unstable();
    let mut out = String::new();
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_encoded(k.as_bytes(), &mut out);
        out.push('=');
        push_encoded(v.as_bytes(), &mut out);
    }
    out
}

/// Splits a received raw query string into decoded pairs, for a server that wants to call
/// [`verify`]. `+` decodes to a space, as the gateway reads it: a client that sends a raw `+`
/// instead of `%2B` then fails verification, as it would against the real service. A part
/// without `=` gives an empty value; empty parts are skipped.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let k = String::from_utf8_lossy(&percent_decode(k, true)).into_owned();
            let v = String::from_utf8_lossy(&percent_decode(v, true)).into_owned();
            (k, v)
        })
        .collect()
}

/// Python's `str.strip()` whitespace: Unicode `White_Space` plus U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Trims a header value the way the SDK does (it sends the trimmed value too).
pub fn trim_header_value(value: &str) -> &str {
    value.trim_matches(is_py_space)
}

/// Whether a header with this name is signed: the SDK signs every header except those whose
/// name contains `_`.
pub fn is_signed_header(name: &str) -> bool {
    !name.contains('_')
}

/// Canonical headers and the signed-header list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalHeaders {
    /// `name:value\n` for each signed header (lower-cased name, trimmed value), sorted by name.
    pub canonical: String,
    /// The lower-cased names joined by `;`, e.g. `content-type;host;x-sdk-date`.
    pub signed_headers: String,
}

/// Builds the canonical headers from the complete header list (including `Host` and
/// `X-Sdk-Date`): every header whose name has no `_`, lower-cased, sorted, values trimmed.
/// Fails if two signed headers share a name ignoring case.
pub fn canonical_headers(headers: &[(&str, &str)]) -> Result<CanonicalHeaders, SignError> {
    let mut signed: Vec<(String, &str)> = headers
        .iter()
        .filter(|(name, _)| is_signed_header(name))
        .map(|(name, value)| (name.to_ascii_lowercase(), trim_header_value(value)))
        .collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(pair) = signed.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(SignError::DuplicateHeader(pair[0].0.clone()));
    }
    let mut canonical = String::new();
    let mut list = String::new();
    for (i, (name, value)) in signed.iter().enumerate() {
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(value);
        canonical.push('\n');
        if i > 0 {
            list.push(';');
        }
        list.push_str(name);
    }
    Ok(CanonicalHeaders {
        canonical,
        signed_headers: list,
    })
}

fn find_header<'h>(headers: &[(&str, &'h str)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// Hex SHA-256 of the body, as the SDK computes it: [`EMPTY_BODY_SHA256`] for an empty body;
/// otherwise the trimmed value of an `X-Sdk-Content-Sha256` header if one is present and
/// non-empty (e.g. `UNSIGNED-PAYLOAD`); otherwise the hash of `body`.
pub fn hashed_payload(body: &[u8], headers: &[(&str, &str)]) -> String {
    if body.is_empty() {
        return EMPTY_BODY_SHA256.to_owned();
    }
    if let Some(v) = find_header(headers, HEADER_CONTENT_SHA256).map(trim_header_value)
        && !v.is_empty()
    {
        return v.to_owned();
    }
    hex::encode(Sha256::digest(body))
}

/// Joins the canonical request:
/// `METHOD\nURI\nQUERY\nCANONICAL_HEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH`. `canonical_headers`
/// already ends in `\n`, so a blank line precedes the signed-header list.
pub fn canonical_request(
    method: &str,
    canonical_uri: &str,
    canonical_query: &str,
    canonical_headers: &str,
    signed_headers: &str,
    hashed_payload: &str,
) -> String {
    format!(
        "{}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{hashed_payload}",
        method.to_ascii_uppercase()
    )
}

/// String to sign: `SDK-HMAC-SHA256\n{date}\n{hex(sha256(canonical_request))}`.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    let hash = hex::encode(Sha256::digest(canonical_request.as_bytes()));
    format!("{ALGORITHM}\n{sdk_date}\n{hash}")
}

/// HMAC-SHA256 keyed with the SK, without a fallible constructor.
fn keyed_mac(secret: &SecretKey) -> HmacSha256 {
    // RFC 2104: a key longer than the block is hashed, a shorter one zero-padded. Doing that
    // here yields a full-block key, so construction cannot fail and needs no unwrap.
    let mut block = hmac::digest::Key::<HmacSha256>::default();
    let bytes = secret.as_bytes();
    if bytes.len() > block.len() {
        let digest = Sha256::digest(bytes);
        block
            .iter_mut()
            .zip(digest.iter())
            .for_each(|(d, s)| *d = *s);
    } else {
        block.iter_mut().zip(bytes).for_each(|(d, s)| *d = *s);
    }
    <HmacSha256 as KeyInit>::new(&block)
}

/// Signature: lower-case hex of `HMAC-SHA256(SK, string_to_sign)`.
pub fn signature(secret: &SecretKey, string_to_sign: &str) -> String {
    let mut mac = keyed_mac(secret);
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The `Authorization` header value:
/// `SDK-HMAC-SHA256 Access={AK}, SignedHeaders={list}, Signature={hex}`.
pub fn authorization_value(access_key: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

// ---------------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------------

/// Everything [`sign`] produced.
///
/// `Debug` leaves out the parts that can carry secrets: the canonical headers
/// and request hold an `X-Security-Token` or `X-Auth-Token` value when one was
/// signed, and the `Authorization` value is a credential in its own right.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// The `Authorization` header value.
    pub authorization: String,
    /// Hex signature (also inside `authorization`).
    pub signature: String,
    /// `;`-joined signed header names.
    pub signed_headers: String,
    /// Canonical URI (with trailing `/`; not the wire path).
    pub canonical_uri: String,
    /// Canonical query: send exactly this as the query string (no `?` when empty).
    pub canonical_query: String,
    /// Canonical headers block.
    pub canonical_headers: String,
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string that was HMAC'd.
    pub string_to_sign: String,
    /// The headers to send: the input headers with trimmed values, then `X-Sdk-Date` and
    /// `Host` if they were not given, then `Authorization`.
    pub headers: Vec<(String, String)>,
}

fn valid_access_key(ak: &str) -> bool {
    !ak.is_empty()
        && !ak
            .chars()
            .any(|c| c == ',' || c.is_whitespace() || c.is_control())
}

/// What is wrong with the host of a request.
enum HostProblem {
    Missing,
    Mismatch,
}

/// Adds `Host` from `host` when `headers` has none; checks they agree when both are given.
fn with_host<'a>(headers: &mut Vec<(&'a str, &'a str)>, host: &'a str) -> Result<(), HostProblem> {
    match find_header(headers, HEADER_HOST) {
        Some(h) if !host.is_empty() && trim_header_value(h) != host => Err(HostProblem::Mismatch),
        Some(_) => Ok(()),
        None if host.is_empty() => Err(HostProblem::Missing),
        None => {
            headers.push((HEADER_HOST, host));
            Ok(())
        }
    }
}

/// Signs a request with SDK-HMAC-SHA256 at `sdk_date` (an `X-Sdk-Date` value, see
/// [`format_sdk_date`]). `X-Sdk-Date` and `Host` headers are added unless already present
/// (an existing `X-Sdk-Date` must equal `sdk_date`).
pub fn sign(
    request: &RequestParts<'_>,
    credentials: &Credentials,
    sdk_date: &str,
) -> Result<Signed, SignError> {
    if !valid_access_key(&credentials.access_key) {
        return Err(SignError::InvalidAccessKey);
    }
    if credentials.secret_key.is_empty() {
        return Err(SignError::EmptySecretKey);
    }
    parse_sdk_date(sdk_date).map_err(SignError::InvalidDate)?;
    if let Some((name, _)) = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(HEADER_AUTHORIZATION))
    {
        return Err(SignError::ReservedHeader(name.to_ascii_lowercase()));
    }

    let mut headers: Vec<(&str, &str)> = request.headers.to_vec();
    match find_header(&headers, HEADER_SDK_DATE) {
        Some(d) if trim_header_value(d) != sdk_date => return Err(SignError::DateMismatch),
        Some(_) => {}
        None => headers.push((HEADER_SDK_DATE, sdk_date)),
    }
    with_host(&mut headers, request.host).map_err(|e| match e {
        HostProblem::Mismatch => SignError::HostMismatch,
        HostProblem::Missing => SignError::MissingHost,
    })?;

    let ch = canonical_headers(&headers)?;
    let uri = canonical_uri(request.path);
    let query = canonical_query(request.query);
    let payload = hashed_payload(request.body, &headers);
    let creq = canonical_request(
        request.method,
        &uri,
        &query,
        &ch.canonical,
        &ch.signed_headers,
        &payload,
    );
    let sts = string_to_sign(sdk_date, &creq);
    let sig = signature(&credentials.secret_key, &sts);
    let authorization = authorization_value(&credentials.access_key, &ch.signed_headers, &sig);

    let mut out: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), trim_header_value(v).to_owned()))
        .collect();
    out.push((HEADER_AUTHORIZATION.to_owned(), authorization.clone()));

    Ok(Signed {
        authorization,
        signature: sig,
        signed_headers: ch.signed_headers,
        canonical_uri: uri,
        canonical_query: query,
        canonical_headers: ch.canonical,
        canonical_request: creq,
        string_to_sign: sts,
        headers: out,
    })
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/// A parsed `Authorization` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// The `Access=` access key.
    pub access_key: String,
    /// The `SignedHeaders=` names, in the order given.
    pub signed_headers: Vec<String>,
    /// The `Signature=` bytes.
    pub signature: [u8; 32],
}

/// Parses `SDK-HMAC-SHA256 Access={AK}, SignedHeaders={a;b}, Signature={64 hex}`. Parameters
/// may come in any order but each exactly once; surrounding blanks are ignored.
pub fn parse_authorization(value: &str) -> Result<Authorization, AuthorizationError> {
    let value = value.trim();
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(AuthorizationError::UnsupportedAlgorithm);
    }
    if rest.trim().is_empty() {
        return Err(AuthorizationError::MissingParameter("Access"));
    }
    let (mut access, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (key, val) = part
            .trim()
            .split_once('=')
            .ok_or(AuthorizationError::MalformedParameter)?;
        let (slot, name) = match key.trim() {
            "Access" => (&mut access, "Access"),
            "SignedHeaders" => (&mut signed, "SignedHeaders"),
            "Signature" => (&mut sig, "Signature"),
            _ => return Err(AuthorizationError::UnknownParameter),
        };
        if slot.is_some() {
            return Err(AuthorizationError::DuplicateParameter(name));
        }
        let val = val.trim();
        if val.is_empty() {
            return Err(AuthorizationError::EmptyValue(name));
        }
        *slot = Some(val);
    }
    let access = access.ok_or(AuthorizationError::MissingParameter("Access"))?;
    let signed = signed.ok_or(AuthorizationError::MissingParameter("SignedHeaders"))?;
    let sig = sig.ok_or(AuthorizationError::MissingParameter("Signature"))?;

    let mut names: Vec<String> = Vec::new();
    for name in signed.split(';') {
        let blank = name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == ':');
        if blank || names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(AuthorizationError::InvalidSignedHeaders);
        }
        names.push(name.to_owned());
    }
    let mut signature = [0u8; 32];
    hex::decode_to_slice(sig, &mut signature).map_err(|_| AuthorizationError::InvalidSignature)?;
    Ok(Authorization {
        access_key: access.to_owned(),
        signed_headers: names,
        signature,
    })
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("signed_headers", &self.signed_headers)
            .field("canonical_uri", &self.canonical_uri)
            .field("canonical_query", &self.canonical_query)
            .field("authorization", &"***")
            .finish_non_exhaustive()
    }
}

/// What [`verify`] established about an accepted request.
///
/// `Debug` leaves out the canonical request, which holds every signed header
/// value (a security token among them).
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    /// The access key that signed it.
    pub access_key: String,
    /// The `X-Sdk-Date` as a time; check it with [`is_fresh`].
    pub date: SystemTime,
    /// The `;`-joined signed header names.
    pub signed_headers: String,
    /// The canonical request recomputed by the server.
    pub canonical_request: String,
    /// The string to sign recomputed by the server.
    pub string_to_sign: String,
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("access_key", &self.access_key)
            .field("date", &self.date)
            .field("signed_headers", &self.signed_headers)
            .finish_non_exhaustive()
    }
}

/// The single header named `name` (case-insensitive): `Ok(None)` if absent, an error if repeated.
fn unique_header<'h>(
    headers: &[(&str, &'h str)],
    name: &str,
) -> Result<Option<&'h str>, VerifyError> {
    let mut found = None;
    for (n, v) in headers {
        if n.eq_ignore_ascii_case(name) {
            if found.is_some() {
                return Err(VerifyError::DuplicateHeader(name.to_ascii_lowercase()));
            }
            found = Some(*v);
        }
    }
    Ok(found)
}

/// Server side: recomputes the signature of a received request and compares it, in constant
/// time, with the one in its `Authorization` header. `secret_for` maps the access key named
/// there to its secret (`None` if unknown). The canonical headers are those the client listed
/// in `SignedHeaders`, which must include `host` and `x-sdk-date`. `request.query` is the
/// decoded query (see [`parse_query`]); `request.host` may be empty when `headers` has `Host`.
/// Does not look at the clock: check [`Verified::date`] with [`is_fresh`].
pub fn verify<'k, F>(request: &RequestParts<'_>, secret_for: F) -> Result<Verified, VerifyError>
where
    F: FnOnce(&str) -> Option<&'k SecretKey>,
{
    let auth = unique_header(request.headers, HEADER_AUTHORIZATION)?
        .ok_or(VerifyError::MissingAuthorization)?;
    let auth = parse_authorization(auth).map_err(VerifyError::Authorization)?;
    let raw_date = unique_header(request.headers, HEADER_SDK_DATE)?
        .map(trim_header_value)
        .ok_or(VerifyError::MissingDate)?;
    let date = parse_sdk_date(raw_date).map_err(VerifyError::InvalidDate)?;
    for required in ["host", "x-sdk-date"] {
        if !auth
            .signed_headers
            .iter()
            .any(|n| n.eq_ignore_ascii_case(required))
        {
            return Err(VerifyError::HeaderNotSigned(required));
        }
    }

    let mut headers: Vec<(&str, &str)> = request.headers.to_vec();
    unique_header(&headers, HEADER_HOST)?;
    with_host(&mut headers, request.host).map_err(|e| match e {
        HostProblem::Mismatch => VerifyError::HostMismatch,
        HostProblem::Missing => VerifyError::MissingSignedHeader("host".to_owned()),
    })?;

    // The server signs exactly what the client listed, in the client's order and spelling.
    let mut canonical = String::new();
    for name in &auth.signed_headers {
        let value = unique_header(&headers, name)?
            .ok_or_else(|| VerifyError::MissingSignedHeader(name.clone()))?;
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(trim_header_value(value));
        canonical.push('\n');
    }
    let signed_headers = auth.signed_headers.join(";");
    let creq = canonical_request(
        request.method,
        &canonical_uri(request.path),
        &canonical_query(request.query),
        &canonical,
        &signed_headers,
        &hashed_payload(request.body, &headers),
    );
    let sts = string_to_sign(raw_date, &creq);

    let secret = secret_for(&auth.access_key)
        .ok_or_else(|| VerifyError::UnknownAccessKey(auth.access_key.clone()))?;
    let mut mac = keyed_mac(secret);
    mac.update(sts.as_bytes());
    // `verify_slice` compares in constant time.
    mac.verify_slice(&auth.signature)
        .map_err(|_| VerifyError::SignatureMismatch)?;

    Ok(Verified {
        access_key: auth.access_key,
        date,
        signed_headers,
        canonical_request: creq,
        string_to_sign: sts,
    })
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// Formats a time as an `X-Sdk-Date` value, `YYYYMMDDTHHMMSSZ` in UTC (fractions dropped).
pub fn format_sdk_date(time: SystemTime) -> String {
    // Whole seconds since the epoch, rounded down (also before 1970).
    let secs: i64 = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => {
            let d = e.duration();
            let whole = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            whole
                .saturating_add(i64::from(d.subsec_nanos() > 0))
                .saturating_neg()
        }
    };
    let (y, mo, d) = calendar::civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}{mo:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The current time as an `X-Sdk-Date` value.
pub fn sdk_date_now() -> String {
    format_sdk_date(SystemTime::now())
}

/// Parses an `X-Sdk-Date` value (`YYYYMMDDTHHMMSSZ`, UTC, year 0001..=9999) back to a time.
pub fn parse_sdk_date(value: &str) -> Result<SystemTime, DateError> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return Err(DateError::Malformed);
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, DateError> {
        let digits = b.get(range).ok_or(DateError::Malformed)?;
        digits.iter().try_fold(0i64, |acc, &c| {
            if c.is_ascii_digit() {
                Ok(acc * 10 + i64::from(c - b'0'))
            } else {
                Err(DateError::Malformed)
            }
        })
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(9..11)?, num(11..13)?, num(13..15)?);
    let month_days = calendar::days_in_month(y, mo);
    if y < 1 || month_days == 0 || d < 1 || d > month_days || h > 23 || mi > 59 || s > 59 {
        return Err(DateError::OutOfRange);
    }
    let secs = calendar::days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    let t = if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
    };
    t.ok_or(DateError::OutOfRange)
}

/// Whether `date` is within `max_skew` of `now`, in either direction (use [`MAX_CLOCK_SKEW`]).
pub fn is_fresh(date: SystemTime, now: SystemTime, max_skew: Duration) -> bool {
    let skew = match now.duration_since(date) {
        Ok(d) => d,
        Err(e) => e.duration(),
    };
    skew <= max_skew
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const AK: &str = "HPUAEXAMPLEAK0000001";
    const SK: &str = "ExampleSK0123456789abcdefghijklmnopqrstuv";
    const DATE: &str = "20180806T044114Z";
    const HOST: &str = "rds.cn-north-4.myhuaweicloud.com";
    const PATH: &str = "/v3/0483b6b16e954cb88930a360d2c4e663/backups";

    fn creds() -> Credentials {
        Credentials::new(AK, SK)
    }

    fn base_headers() -> Vec<(&'static str, &'static str)> {
        vec![("Content-Type", "application/json"), ("X-Sdk-Date", DATE)]
    }

    fn req<'a>(
        query: &'a [(&'a str, &'a str)],
        headers: &'a [(&'a str, &'a str)],
    ) -> RequestParts<'a> {
        RequestParts {
            method: "GET",
            host: HOST,
            path: PATH,
            query,
            headers,
            body: b"",
        }
    }

    fn sign_ok(r: &RequestParts<'_>) -> Signed {
        sign(r, &creds(), DATE).expect("signs")
    }

    #[test]
    fn debug_of_signed_and_verified_hides_signed_secrets() {
        let headers = [
            ("Content-Type", "application/json"),
            ("X-Sdk-Date", DATE),
            ("X-Security-Token", "token-distinctive-9"),
        ];
        let signed = sign_ok(&req(&[], &headers));
        assert!(signed.canonical_request.contains("token-distinctive-9"));
        let shown = format!("{signed:?}");
        assert!(!shown.contains("token-distinctive-9"), "{shown}");
        assert!(!shown.contains(&signed.signature), "{shown}");
        let sent = sent(&signed);
        let keys = creds();
        let verified = verify(&req(&[], &sent), |_| Some(&keys.secret_key)).expect("verifies");
        let shown = format!("{verified:?}");
        assert!(!shown.contains("token-distinctive-9"), "{shown}");
        assert!(shown.contains(AK));
    }

    /// Headers as a server would see them after the client sent `signed`.
    fn sent(signed: &Signed) -> Vec<(&str, &str)> {
        signed
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn vector_empty_query() {
        // First vector of tests/vectors/sdk-hmac-sha256.json, kept here so the unit tests
        // alone pin the algorithm.
        let h = base_headers();
        let s = sign_ok(&req(&[], &h));
        assert_eq!(
            s.authorization,
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-sdk-date, Signature=7317bff01fb4f927ce474778c85ac2d56fa4ddaba4bf5de87edd36688e1994f8"
        );
        assert_eq!(s.canonical_query, "");
        assert_eq!(
            s.string_to_sign,
            "SDK-HMAC-SHA256\n20180806T044114Z\nee902ae18eda0e414bf2c601562d1f0515d83b94e10cf54066f128886509d1cd"
        );
    }

    #[test]
    fn vector_encoding_edge_cases() {
        let h = base_headers();
        let q = [
            ("instance_id", "a b/c~d_e.f-g*h"),
            ("backup_id", "\u{5907}\u{4efd}1"),
            ("status", "COMPLETED"),
        ];
        let s = sign_ok(&req(&q, &h));
        assert_eq!(
            s.canonical_query,
            "backup_id=%E5%A4%87%E4%BB%BD1&instance_id=a%20b%2Fc~d_e.f-g%2Ah&status=COMPLETED"
        );
        assert!(s.authorization.ends_with(
            "Signature=e1fe11b8757361f3d4dcc746613cef42b4b71e98f40f1f74b12bb877a29b8f12"
        ));
    }

    #[test]
    fn empty_query_is_empty_string() {
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn query_sorted_by_key_then_value_with_repeats() {
        let q = [("b", "2"), ("a", "z"), ("a", "y"), ("a", "")];
        assert_eq!(canonical_query(&q), "a=&a=y&a=z&b=2");
    }

    #[test]
    fn query_space_plus_colon_unicode() {
        assert_eq!(
            canonical_query(&[("t", "2018-08-06T10:41:14+0800"), ("s", "a b"), ("u", "é")]),
            "s=a%20b&t=2018-08-06T10%3A41%3A14%2B0800&u=%C3%A9"
        );
        assert_eq!(
            percent_encode("AZaz09-_.~!*'()"),
            "AZaz09-_.~%21%2A%27%28%29"
        );
    }

    #[test]
    fn query_sort_uses_raw_not_encoded_order() {
        // Raw ' ' (0x20) sorts before '%' (0x25) and 'a'; the SDK sorts the raw strings.
        assert_eq!(canonical_query(&[("a", "x"), ("a", " ")]), "a=%20&a=x");
    }

    #[test]
    fn parse_query_round_trips_and_reads_plus_as_space() {
        let wire = canonical_query(&[("t", "1+2 3"), ("k", "é/&=")]);
        let parsed = parse_query(&wire);
        assert_eq!(
            parsed,
            vec![
                ("k".to_owned(), "é/&=".to_owned()),
                ("t".to_owned(), "1+2 3".to_owned())
            ]
        );
        assert_eq!(
            parse_query("a=1+2&&b&c=%zz"),
            vec![
                ("a".to_owned(), "1 2".to_owned()),
                ("b".to_owned(), String::new()),
                ("c".to_owned(), "%zz".to_owned())
            ]
        );
    }

    #[test]
    fn canonical_uri_cases() {
        assert_eq!(canonical_uri(PATH), format!("{PATH}/"));
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/a/"), "/a/");
        assert_eq!(canonical_uri("/a b/é"), "/a%20b/%C3%A9/");
        // Already-encoded paths canonicalise the same as raw ones.
        assert_eq!(canonical_uri("/a%20b/%C3%A9"), "/a%20b/%C3%A9/");
        assert_eq!(canonical_uri("/a+b/%zz"), "/a%2Bb/%25zz/");
    }

    #[test]
    fn headers_underscore_excluded_and_values_trimmed() {
        let h = [
            ("X-Sdk-Date", DATE),
            ("User-Agent", "  ua/1; x \t"),
            ("X_Not_Signed", " keep "),
            ("Host", HOST),
        ];
        let ch = canonical_headers(&h).expect("no duplicates");
        assert_eq!(ch.signed_headers, "host;user-agent;x-sdk-date");
        assert_eq!(
            ch.canonical,
            format!("host:{HOST}\nuser-agent:ua/1; x\nx-sdk-date:{DATE}\n")
        );
        let s = sign_ok(&req(&[], &h));
        // Outgoing values are trimmed too, including the unsigned header.
        assert!(s.headers.contains(&("User-Agent".into(), "ua/1; x".into())));
        assert!(s.headers.contains(&("X_Not_Signed".into(), "keep".into())));
        assert_eq!(trim_header_value("\u{1f} v \u{a0}"), "v");
    }

    #[test]
    fn duplicate_and_reserved_headers_rejected() {
        let h = [("X-Sdk-Date", DATE), ("Accept", "a"), ("accept", "b")];
        assert_eq!(
            sign(&req(&[], &h), &creds(), DATE),
            Err(SignError::DuplicateHeader("accept".into()))
        );
        let h = [("authorization", "x")];
        assert_eq!(
            sign(&req(&[], &h), &creds(), DATE),
            Err(SignError::ReservedHeader("authorization".into()))
        );
    }

    #[test]
    fn date_and_host_are_added_in_order() {
        let h = [("Content-Type", "application/json")];
        let s = sign_ok(&req(&[], &h));
        let names: Vec<&str> = s.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["Content-Type", "X-Sdk-Date", "Host", "Authorization"]
        );
        assert_eq!(s.signed_headers, "content-type;host;x-sdk-date");
    }

    #[test]
    fn sign_input_errors() {
        let h = base_headers();
        let r = req(&[], &h);
        assert_eq!(
            sign(&r, &creds(), "20180806T044115Z"),
            Err(SignError::DateMismatch)
        );
        assert_eq!(
            sign(&r, &creds(), "2018-08-06"),
            Err(SignError::InvalidDate(DateError::Malformed))
        );
        assert_eq!(
            sign(&r, &Credentials::new("", SK), DATE),
            Err(SignError::InvalidAccessKey)
        );
        assert_eq!(
            sign(&r, &Credentials::new("A, B", SK), DATE),
            Err(SignError::InvalidAccessKey)
        );
        assert_eq!(
            sign(&r, &Credentials::new(AK, ""), DATE),
            Err(SignError::EmptySecretKey)
        );
        let no_host = RequestParts { host: "", ..r };
        assert_eq!(sign(&no_host, &creds(), DATE), Err(SignError::MissingHost));
        let h2 = [("Host", "other.example.com"), ("X-Sdk-Date", DATE)];
        assert_eq!(
            sign(&req(&[], &h2), &creds(), DATE),
            Err(SignError::HostMismatch)
        );
    }

    #[test]
    fn port_in_host_is_signed() {
        let h = base_headers();
        let r = RequestParts {
            host: "127.0.0.1:8443",
            ..req(&[], &h)
        };
        let s = sign_ok(&r);
        assert!(s.canonical_request.contains("\nhost:127.0.0.1:8443\n"));
        assert!(
            s.headers
                .contains(&("Host".into(), "127.0.0.1:8443".into()))
        );
        let sk = SecretKey::new(SK);
        let got = sent(&s);
        let server = RequestParts {
            host: "",
            headers: &got,
            ..r
        };
        assert!(verify(&server, |_| Some(&sk)).is_ok());
        let wrong = RequestParts {
            host: "127.0.0.1:9443",
            headers: &got,
            ..r
        };
        assert_eq!(
            verify(&wrong, |_| Some(&sk)),
            Err(VerifyError::HostMismatch)
        );
    }

    #[test]
    fn body_hash_and_content_sha256_override() {
        assert_eq!(hashed_payload(b"", &[]), EMPTY_BODY_SHA256);
        assert_eq!(
            hashed_payload(b"abc", &[]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hashed_payload(b"abc", &[("x-sdk-content-sha256", " UNSIGNED-PAYLOAD ")]),
            "UNSIGNED-PAYLOAD"
        );
    }

    #[test]
    fn hmac_any_key_length_matches_reference() {
        // Keys shorter than, equal to and longer than the 64-byte block (longer ones are hashed).
        for len in [0, 1, 40, 63, 64, 65, 131, 300] {
            let raw = "k".repeat(len);
            let ours = signature(&SecretKey::new(raw.clone()), "message");
            let mut reference =
                <HmacSha256 as KeyInit>::new_from_slice(raw.as_bytes()).expect("any key length");
            reference.update(b"message");
            assert_eq!(
                ours,
                hex::encode(reference.finalize().into_bytes()),
                "len {len}"
            );
        }
        // RFC 4231 test case 2 (key "Jefe").
        assert_eq!(
            signature(&SecretKey::new("Jefe"), "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn secret_is_redacted() {
        let c = creds();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains(SK), "{dbg}");
        assert!(dbg.contains("SecretKey(\"***\")"));
        assert!(dbg.contains(AK));
    }

    #[test]
    fn parse_authorization_ok_and_any_order() {
        let sig = "7317bff01fb4f927ce474778c85ac2d56fa4ddaba4bf5de87edd36688e1994f8";
        let a = parse_authorization(&format!(
            "SDK-HMAC-SHA256 Signature={sig}, Access=AK1,SignedHeaders=host;x-sdk-date"
        ))
        .expect("parses");
        assert_eq!(a.access_key, "AK1");
        assert_eq!(a.signed_headers, ["host", "x-sdk-date"]);
        assert_eq!(hex::encode(a.signature), sig);
    }

    #[test]
    fn parse_authorization_malformed() {
        use AuthorizationError as E;
        let sig = "00".repeat(32);
        let cases: Vec<(String, E)> = vec![
            (String::new(), E::UnsupportedAlgorithm),
            ("SDK-HMAC-SHA256".into(), E::MissingParameter("Access")),
            ("SDK-HMAC-SM3 Access=a".into(), E::UnsupportedAlgorithm),
            ("SDK-HMAC-SHA256Access=a".into(), E::UnsupportedAlgorithm),
            ("SDK-HMAC-SHA256  ".into(), E::MissingParameter("Access")),
            ("SDK-HMAC-SHA256 Access".into(), E::MalformedParameter),
            ("SDK-HMAC-SHA256 Access=a,,".into(), E::MalformedParameter),
            ("SDK-HMAC-SHA256 Foo=1".into(), E::UnknownParameter),
            (
                "SDK-HMAC-SHA256 Access=a, Access=b".into(),
                E::DuplicateParameter("Access"),
            ),
            ("SDK-HMAC-SHA256 Access=".into(), E::EmptyValue("Access")),
            (
                format!("SDK-HMAC-SHA256 Access=a, Signature={sig}"),
                E::MissingParameter("SignedHeaders"),
            ),
            (
                format!("SDK-HMAC-SHA256 SignedHeaders=host, Signature={sig}"),
                E::MissingParameter("Access"),
            ),
            (
                "SDK-HMAC-SHA256 Access=a, SignedHeaders=host".into(),
                E::MissingParameter("Signature"),
            ),
            (
                format!("SDK-HMAC-SHA256 Access=a, SignedHeaders=host;;x, Signature={sig}"),
                E::InvalidSignedHeaders,
            ),
            (
                format!("SDK-HMAC-SHA256 Access=a, SignedHeaders=host;Host, Signature={sig}"),
                E::InvalidSignedHeaders,
            ),
            (
                "SDK-HMAC-SHA256 Access=a, SignedHeaders=host, Signature=abc".into(),
                E::InvalidSignature,
            ),
            (
                format!("SDK-HMAC-SHA256 Access=a, SignedHeaders=host, Signature={sig}00"),
                E::InvalidSignature,
            ),
            (
                format!(
                    "SDK-HMAC-SHA256 Access=a, SignedHeaders=host, Signature={}",
                    "zz".repeat(32)
                ),
                E::InvalidSignature,
            ),
            (
                "SDK-HMAC-SHA256 Access=a, SignedHeaders=host, Signature=\u{e9}\u{e9}".into(),
                E::InvalidSignature,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_authorization(&input), Err(want), "input {input:?}");
        }
    }

    #[test]
    fn verify_accepts_and_rejects_changes() {
        let sk = SecretKey::new(SK);
        let keys = |ak: &str| (ak == AK).then_some(&sk);
        let h = [
            ("Content-Type", "application/json"),
            ("X-Project-Id", "p1"),
            ("X_Unsigned", "u"),
        ];
        let q = [
            ("instance_id", "i 1"),
            ("begin_time", "2018-08-06T10:41:14+0800"),
        ];
        let r = req(&q, &h);
        let s = sign_ok(&r);
        let got = sent(&s);
        let server = RequestParts {
            host: "",
            headers: &got,
            ..r
        };
        let ok = verify(&server, keys).expect("valid signature");
        assert_eq!(ok.access_key, AK);
        assert_eq!(ok.canonical_request, s.canonical_request);
        assert_eq!(ok.date, parse_sdk_date(DATE).expect("date"));

        // Query as the server would parse it from the wire.
        let parsed = parse_query(&s.canonical_query);
        let parsed: Vec<(&str, &str)> = parsed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert!(
            verify(
                &RequestParts {
                    query: &parsed,
                    ..server
                },
                keys
            )
            .is_ok()
        );

        // Changed query value.
        let q2 = [
            ("instance_id", "i 2"),
            ("begin_time", "2018-08-06T10:41:14+0800"),
        ];
        assert_eq!(
            verify(
                &RequestParts {
                    query: &q2,
                    ..server
                },
                keys
            ),
            Err(VerifyError::SignatureMismatch)
        );
        // A raw '+' on the wire reads as a space: rejected.
        let plus = parse_query("instance_id=i%201&begin_time=2018-08-06T10:41:14+0800");
        let plus: Vec<(&str, &str)> = plus.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            verify(
                &RequestParts {
                    query: &plus,
                    ..server
                },
                keys
            ),
            Err(VerifyError::SignatureMismatch)
        );
        // Changed signed header.
        let mut h2 = got.clone();
        for (n, v) in &mut h2 {
            if *n == "X-Project-Id" {
                *v = "p2";
            }
        }
        assert_eq!(
            verify(
                &RequestParts {
                    headers: &h2,
                    ..server
                },
                keys
            ),
            Err(VerifyError::SignatureMismatch)
        );
        // Changed unsigned header: still fine.
        let mut h3 = got.clone();
        for (n, v) in &mut h3 {
            if *n == "X_Unsigned" {
                *v = "changed";
            }
        }
        assert!(
            verify(
                &RequestParts {
                    headers: &h3,
                    ..server
                },
                keys
            )
            .is_ok()
        );
        // Changed method, path, body.
        assert_eq!(
            verify(
                &RequestParts {
                    method: "DELETE",
                    ..server
                },
                keys
            ),
            Err(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            verify(
                &RequestParts {
                    path: "/v3/x/backups",
                    ..server
                },
                keys
            ),
            Err(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            verify(
                &RequestParts {
                    body: b"{}",
                    ..server
                },
                keys
            ),
            Err(VerifyError::SignatureMismatch)
        );
        // Wrong SK, unknown AK.
        let other = SecretKey::new("not-the-secret");
        assert_eq!(
            verify(&server, |_| Some(&other)),
            Err(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            verify(&server, |_| None),
            Err(VerifyError::UnknownAccessKey(AK.into()))
        );
    }

    #[test]
    fn verify_structural_errors() {
        let sk = SecretKey::new(SK);
        let keys = |_: &str| Some(&sk);
        let h = base_headers();
        let s = sign_ok(&req(&[], &h));
        let got = sent(&s);
        let without = |name: &str| {
            got.iter()
                .copied()
                .filter(|(n, _)| *n != name)
                .collect::<Vec<_>>()
        };
        fn r<'a>(headers: &'a [(&'a str, &'a str)]) -> RequestParts<'a> {
            RequestParts {
                host: "",
                ..req(&[], headers)
            }
        }
        assert_eq!(
            verify(&r(&without("Authorization")), keys),
            Err(VerifyError::MissingAuthorization)
        );
        assert_eq!(
            verify(&r(&without("X-Sdk-Date")), keys),
            Err(VerifyError::MissingDate)
        );
        assert_eq!(
            verify(&r(&without("Content-Type")), keys),
            Err(VerifyError::MissingSignedHeader("content-type".into()))
        );
        assert_eq!(
            verify(&r(&without("Host")), keys),
            Err(VerifyError::MissingSignedHeader("host".into()))
        );
        let mut dup = got.clone();
        dup.push(("content-type", "text/plain"));
        assert_eq!(
            verify(&r(&dup), keys),
            Err(VerifyError::DuplicateHeader("content-type".into()))
        );
        let mut bad = without("Authorization");
        bad.push(("Authorization", "Bearer x"));
        assert_eq!(
            verify(&r(&bad), keys),
            Err(VerifyError::Authorization(
                AuthorizationError::UnsupportedAlgorithm
            ))
        );
        // A signature that leaves out the date is refused even if it matches.
        let mut unsigned_date = without("Authorization");
        let auth = s
            .authorization
            .replace("content-type;host;x-sdk-date", "content-type;host");
        unsigned_date.push(("Authorization", &auth));
        assert_eq!(
            verify(&r(&unsigned_date), keys),
            Err(VerifyError::HeaderNotSigned("x-sdk-date"))
        );
    }

    #[test]
    fn date_format_and_parse() {
        let t = parse_sdk_date(DATE).expect("valid");
        assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_533_530_474));
        assert_eq!(format_sdk_date(t), DATE);
        assert_eq!(format_sdk_date(t + Duration::from_millis(999)), DATE);
        assert_eq!(format_sdk_date(UNIX_EPOCH), "19700101T000000Z");
        assert_eq!(
            format_sdk_date(UNIX_EPOCH - Duration::from_millis(1)),
            "19691231T235959Z"
        );
        for s in [
            "00010101T000000Z",
            "16000229T120000Z",
            "20000229T235959Z",
            "99991231T235959Z",
            "19691231T235959Z",
        ] {
            let t = parse_sdk_date(s).expect(s);
            assert_eq!(format_sdk_date(t), s);
        }
        for bad in [
            "",
            "20180806T044114",
            "20180806 044114Z",
            "20180806T04411\u{e9}",
            "+0180806T044114Z",
        ] {
            assert_eq!(parse_sdk_date(bad), Err(DateError::Malformed), "{bad:?}");
        }
        for bad in [
            "00000101T000000Z",
            "20181306T044114Z",
            "20180229T044114Z",
            "19000229T000000Z",
            "20180800T044114Z",
            "20180806T244114Z",
            "20180806T046014Z",
            "20180806T044160Z",
        ] {
            assert_eq!(parse_sdk_date(bad), Err(DateError::OutOfRange), "{bad:?}");
        }
        assert_eq!(sdk_date_now().len(), 16);
    }

    #[test]
    fn freshness_window() {
        let t = parse_sdk_date(DATE).expect("valid");
        assert!(is_fresh(t, t + MAX_CLOCK_SKEW, MAX_CLOCK_SKEW));
        assert!(is_fresh(t + MAX_CLOCK_SKEW, t, MAX_CLOCK_SKEW));
        assert!(!is_fresh(
            t,
            t + MAX_CLOCK_SKEW + Duration::from_secs(1),
            MAX_CLOCK_SKEW
        ));
        assert!(!is_fresh(
            t + MAX_CLOCK_SKEW + Duration::from_secs(1),
            t,
            MAX_CLOCK_SKEW
        ));
    }

    #[test]
    fn no_panic_on_odd_input() {
        let sk = SecretKey::new(SK);
        let odd = [
            "",
            "%",
            "%%",
            "%e",
            "%E9",
            "\u{0}",
            "/%/",
            "é",
            "\u{10ffff}",
            " ",
        ];
        for a in odd {
            for b in odd {
                let q = [(a, b)];
                let h = [(a, b), ("X-Sdk-Date", DATE)];
                let r = RequestParts {
                    method: a,
                    host: b,
                    path: a,
                    query: &q,
                    headers: &h,
                    body: b.as_bytes(),
                };
                let _ = sign(&r, &creds(), DATE);
                let _ = verify(&r, |_| Some(&sk));
                let _ = parse_authorization(a);
                let _ = parse_sdk_date(b);
                let _ = parse_query(a);
            }
        }
    }
}
