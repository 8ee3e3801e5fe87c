//! The canonical pieces of a request, each on its own: URI, query, headers, payload hash, the
//! canonical request and the string to sign.

use sha2::{Digest, Sha256};

use crate::encoding::{lower_hex, percent_decode, push_encoded};
use crate::error::SignError;
use crate::protocol::{ALGORITHM, EMPTY_BODY_SHA256, HEADER_CONTENT_SHA256};

/// Canonical URI: `path` percent-decoded (invalid UTF-8 replaced, as the SDK's `unquote` does),
/// split on `/`, each segment re-encoded with [`percent_encode`](crate::percent_encode), then a
/// trailing `/` added if absent. `"/v3/p/backups"` gives `"/v3/p/backups/"`; an empty path
/// gives `"/"`.
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
/// in the SDK), each side [`percent_encode`](crate::percent_encode)d, `key=value` joined by
/// `&`; empty for no pairs. This same string must be sent as the request's query.
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
/// [`verify`](crate::verify). `+` decodes to a space, as the gateway reads it: a client that
/// sends a raw `+` instead of `%2B` then fails verification, as it would against the real
/// service. A part without `=` gives an empty value; empty parts are skipped.
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
#[non_exhaustive]
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

pub(crate) fn find_header<'h>(headers: &[(&str, &'h str)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// Hex SHA-256 of the body, as the SDK computes it:
/// [`EMPTY_BODY_SHA256`](crate::EMPTY_BODY_SHA256) for an empty body; otherwise the trimmed
/// value of an `X-Sdk-Content-Sha256` header if one is present and non-empty (e.g.
/// `UNSIGNED-PAYLOAD`); otherwise the hash of `body`.
pub fn hashed_payload(body: &[u8], headers: &[(&str, &str)]) -> String {
    if body.is_empty() {
        return EMPTY_BODY_SHA256.to_owned();
    }
    if let Some(v) = find_header(headers, HEADER_CONTENT_SHA256).map(trim_header_value)
        && !v.is_empty()
    {
        return v.to_owned();
    }
    lower_hex(&Sha256::digest(body))
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
    let hash = lower_hex(&Sha256::digest(canonical_request.as_bytes()));
    format!("{ALGORITHM}\n{sdk_date}\n{hash}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

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
}
