//! Client side: the HMAC, the `Authorization` value, and [`sign`](crate::sign) running every step.

use std::fmt;

use hmac::Mac;
use hmac::digest::KeyInit;
use sha2::{Digest, Sha256};

use crate::canonical::{
    canonical_headers, canonical_query, canonical_request, canonical_uri, find_header,
    hashed_payload, string_to_sign, trim_header_value,
};
use crate::credentials::{SecretKey, SigningKey};
use crate::date::parse_sdk_date;
use crate::encoding::lower_hex;
use crate::error::SignError;
use crate::protocol::{ALGORITHM, HEADER_AUTHORIZATION, HEADER_HOST, HEADER_SDK_DATE};
use crate::request::RequestParts;

pub(crate) type HmacSha256 = hmac::Hmac<Sha256>;

/// HMAC-SHA256 keyed with the SK, without a fallible constructor.
pub(crate) fn keyed_mac(secret: &SecretKey) -> HmacSha256 {
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
    lower_hex(&mac.finalize().into_bytes())
}

/// The `Authorization` header value:
/// `SDK-HMAC-SHA256 Access={AK}, SignedHeaders={list}, Signature={hex}`.
pub fn authorization_value(access_key: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// Everything [`sign`](crate::sign) produced.
///
/// `Debug` leaves out the parts that can carry secrets: the canonical headers
/// and request hold an `X-Security-Token` or `X-Auth-Token` value when one was
/// signed, and the `Authorization` value is a credential in its own right.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
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

fn valid_access_key(ak: &str) -> bool {
    !ak.is_empty()
        && !ak
            .chars()
            .any(|c| c == ',' || c.is_whitespace() || c.is_control())
}

/// What is wrong with the host of a request.
pub(crate) enum HostProblem {
    Missing,
    Mismatch,
}

/// Adds `Host` from `host` when `headers` has none; checks they agree when both are given.
pub(crate) fn with_host<'a>(
    headers: &mut Vec<(&'a str, &'a str)>,
    host: &'a str,
) -> Result<(), HostProblem> {
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
/// [`format_sdk_date`](crate::format_sdk_date)). `X-Sdk-Date` and `Host` headers are added
/// unless already present (an existing `X-Sdk-Date` must equal `sdk_date`).
pub fn sign(
    request: &RequestParts<'_>,
    credentials: &SigningKey,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{DateError, VerifyError};
    use crate::test_support::*;
    use crate::verify::verify;

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
            sign(&r, &SigningKey::new("", SK), DATE),
            Err(SignError::InvalidAccessKey)
        );
        assert_eq!(
            sign(&r, &SigningKey::new("A, B", SK), DATE),
            Err(SignError::InvalidAccessKey)
        );
        assert_eq!(
            sign(&r, &SigningKey::new(AK, ""), DATE),
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
                lower_hex(&reference.finalize().into_bytes()),
                "len {len}"
            );
        }
        // RFC 4231 test case 2 (key "Jefe").
        assert_eq!(
            signature(&SecretKey::new("Jefe"), "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
