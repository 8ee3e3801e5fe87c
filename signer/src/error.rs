//! Why a date, a signing, an `Authorization` value or a verification was refused.

use std::fmt;

use crate::protocol::ALGORITHM;

/// An `X-Sdk-Date` value that is not a valid `YYYYMMDDTHHMMSSZ` time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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

/// Why [`verify`](crate::verify) rejected a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
