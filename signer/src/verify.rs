//! Server side: parse an `Authorization` value and check a received request against it.

use std::fmt;
use std::time::SystemTime;

use hmac::Mac;

use crate::canonical::{canonical_query, canonical_request, canonical_uri, hashed_payload};
use crate::canonical::{string_to_sign, trim_header_value};
use crate::credentials::SecretKey;
use crate::date::parse_sdk_date;
use crate::encoding::decode_hex_32;
use crate::error::{AuthorizationError, VerifyError};
use crate::protocol::{ALGORITHM, HEADER_AUTHORIZATION, HEADER_HOST, HEADER_SDK_DATE};
use crate::request::RequestParts;
use crate::sign::{HostProblem, keyed_mac, with_host};

/// A parsed `Authorization` value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    let signature = decode_hex_32(sig).ok_or(AuthorizationError::InvalidSignature)?;
    Ok(Authorization {
        access_key: access.to_owned(),
        signed_headers: names,
        signature,
    })
}

/// What [`verify`](crate::verify) established about an accepted request.
///
/// `Debug` leaves out the canonical request, which holds every signed header
/// value (a security token among them).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The access key that signed it.
    pub access_key: String,
    /// The `X-Sdk-Date` as a time; check it with [`is_fresh`](crate::is_fresh).
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
/// decoded query (see [`parse_query`](crate::parse_query)); `request.host` may be empty when
/// `headers` has `Host`. Does not look at the clock: check [`Verified::date`] with
/// [`is_fresh`](crate::is_fresh).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::parse_query;
    use crate::date::parse_sdk_date;
    use crate::encoding::lower_hex;
    use crate::sign::sign;
    use crate::test_support::*;

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

    #[test]
    fn parse_authorization_ok_and_any_order() {
        let sig = "7317bff01fb4f927ce474778c85ac2d56fa4ddaba4bf5de87edd36688e1994f8";
        let a = parse_authorization(&format!(
            "SDK-HMAC-SHA256 Signature={sig}, Access=AK1,SignedHeaders=host;x-sdk-date"
        ))
        .expect("parses");
        assert_eq!(a.access_key, "AK1");
        assert_eq!(a.signed_headers, ["host", "x-sdk-date"]);
        assert_eq!(lower_hex(&a.signature), sig);
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
        // A raw '+' on the wire reads as a space.
        let plus = parse_query("instance_id=i%201&begin_time=2018-08-06T10:41:14+0800");
        let plus: Vec<(&str, &str)> = plus.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let q2 = [
            ("instance_id", "i 2"),
            ("begin_time", "2018-08-06T10:41:14+0800"),
        ];
        let mut h2 = got.clone();
        for (n, v) in &mut h2 {
            if *n == "X-Project-Id" {
                *v = "p2";
            }
        }
        let mut h3 = got.clone();
        for (n, v) in &mut h3 {
            if *n == "X_Unsigned" {
                *v = "changed";
            }
        }
        let mismatch = Err(VerifyError::SignatureMismatch);
        let cases = [
            (
                "query parsed from the wire",
                RequestParts {
                    query: &parsed,
                    ..server
                },
                Ok(()),
            ),
            (
                "changed query value",
                RequestParts {
                    query: &q2,
                    ..server
                },
                mismatch.clone(),
            ),
            (
                "raw '+' in the query",
                RequestParts {
                    query: &plus,
                    ..server
                },
                mismatch.clone(),
            ),
            (
                "changed signed header",
                RequestParts {
                    headers: &h2,
                    ..server
                },
                mismatch.clone(),
            ),
            (
                "changed unsigned header",
                RequestParts {
                    headers: &h3,
                    ..server
                },
                Ok(()),
            ),
            (
                "changed method",
                RequestParts {
                    method: "DELETE",
                    ..server
                },
                mismatch.clone(),
            ),
            (
                "changed path",
                RequestParts {
                    path: "/v3/x/backups",
                    ..server
                },
                mismatch.clone(),
            ),
            (
                "changed body",
                RequestParts {
                    body: b"{}",
                    ..server
                },
                mismatch,
            ),
        ];
        for (case, parts, want) in cases {
            assert_eq!(verify(&parts, keys).map(|_| ()), want, "{case}");
        }
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
