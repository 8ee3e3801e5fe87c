//! The properties the fuzz targets check, shared with the corpus replay test.
//!
//! Included with `#[path]` by each target in `fuzz_targets/` and by
//! `tests/tests/fuzz_corpus.rs`, so a plain `cargo test` holds every committed
//! corpus file to the same assertions as the fuzzer. Each check panics on a
//! violated property; libFuzzer reports a panic as a crash.
//!
//! It uses `huaweicloud-signer` and only the parts of `huaweicloud-rds` that
//! build without the `client` feature (no reqwest), plus `serde_json`.

#![allow(dead_code)] // each includer uses a part

use huaweicloud_rds::{Timestamp, parse_list_backups};
use huaweicloud_signer::{self as signing, RequestParts, SigningKey};

/// The fuzz targets, by the name of their corpus folder.
pub const TARGETS: [&str; 3] = ["parse_response", "parse_time", "canonical_query"];

/// Runs the check of `target` on one input.
pub fn check(target: &str, data: &[u8]) {
    match target {
        "parse_response" => response_body(data),
        "parse_time" => time_text(&String::from_utf8_lossy(data)),
        "canonical_query" => signer_input(data),
        other => panic!("no fuzz target named {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// parse_response
// ---------------------------------------------------------------------------------------------

/// Any bytes: `parse_list_backups` returns (never panics); a page it accepts is
/// written back with serde and must parse again to the same value, and its
/// error (when it refuses) stays small.
pub fn response_body(data: &[u8]) {
    match parse_list_backups(data) {
        Ok(page) => {
            let written = serde_json::to_vec(&page).expect("a parsed page serializes");
            let again = parse_list_backups(&written).unwrap_or_else(|e| {
                panic!(
                    "a written page does not parse again: {e}\n{}",
                    String::from_utf8_lossy(&written)
                )
            });
            assert_eq!(again, page, "serialize then parse changed the page");
        }
        Err(e) => {
            // Bounded excerpt (120 characters and an ellipsis), whatever the body.
            assert!(e.excerpt().chars().count() <= 121, "excerpt too long");
            let _ = e.to_string();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// parse_time
// ---------------------------------------------------------------------------------------------

/// Any text: parsing a `Timestamp` returns (never panics). An accepted time is
/// written in the service's form, which parses back to the same value and is
/// written the same again; the serde path agrees with `FromStr`.
pub fn time_text(text: &str) {
    let parsed = text.parse::<Timestamp>();
    let via_serde = serde_json::to_string(text)
        .ok()
        .and_then(|json| serde_json::from_str::<Timestamp>(&json).ok());
    assert_eq!(
        parsed.as_ref().ok(),
        via_serde.as_ref(),
        "serde and FromStr disagree"
    );
    match parsed {
        Ok(t) => time_value(t),
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// A valid `Timestamp`: `Display` gives `yyyy-mm-ddThh:mm:ss[.f]±hhmm`, which
/// parses back to `t`; the instant survives a change of offset.
pub fn time_value(t: Timestamp) {
    let shown = t.to_string();
    let again: Timestamp = shown
        .parse()
        .unwrap_or_else(|e| panic!("{shown:?} (written from {t:?}) does not parse: {e}"));
    assert_eq!(again, t, "format then parse changed {shown:?}");
    assert_eq!(again.to_string(), shown, "the written form is not stable");
    let b = shown.as_bytes();
    let zone = &b[b.len() - 5..];
    assert!(
        matches!(zone[0], b'+' | b'-') && zone[1..].iter().all(u8::is_ascii_digit),
        "{shown:?} does not end in ±hhmm"
    );
    if let Some(utc) = t.with_offset(0) {
        assert_eq!(
            utc.unix_seconds(),
            t.unix_seconds(),
            "with_offset moved {t:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// canonical_query
// ---------------------------------------------------------------------------------------------

/// Record separator of the `canonical_query` input format.
pub const RECORD: char = '\u{1e}';
/// Key/value separator of the `canonical_query` input format.
pub const UNIT: char = '\u{1f}';

/// The `canonical_query` input format: the bytes as (lossy) UTF-8, split into
/// records at U+001E. The first record is a path; each further record is a
/// query pair, key and value split at the first U+001F (no U+001F: empty
/// value). Every other character, `=`, `&`, `%`, `+` and newlines included,
/// can appear in a key or value.
pub fn split_signer_input(data: &[u8]) -> (String, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(data);
    let mut records = text.split(RECORD);
    let path = records.next().unwrap_or_default().to_owned();
    let pairs = records
        .map(|r| match r.split_once(UNIT) {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (r.to_owned(), String::new()),
        })
        .collect();
    (path, pairs)
}

/// The inverse of [`split_signer_input`], for writing corpus files.
pub fn join_signer_input(path: &str, pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = path.to_owned();
    for (k, v) in pairs {
        out.push(RECORD);
        out.push_str(k);
        out.push(UNIT);
        out.push_str(v);
    }
    out.into_bytes()
}

/// One `canonical_query` input: the query and path checks, then a signature
/// made over them verifies on the server side from the wire query.
pub fn signer_input(data: &[u8]) {
    let (path, pairs) = split_signer_input(data);
    query_pairs(&pairs);
    path_text(&path);
    for (k, v) in &pairs {
        for s in [k, v] {
            let encoded = signing::percent_encode(s);
            assert_escaped(&encoded);
            let decoded = signing::parse_query(&format!("{encoded}="));
            assert_eq!(
                decoded,
                [(s.clone(), String::new())],
                "percent_encode lost {s:?}"
            );
        }
    }
    // Header canonicalisation takes any names and values without panicking.
    let headers: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let _ = signing::canonical_headers(&headers);
    sign_then_verify(&path, &pairs);
}

/// Any pairs: the canonical query holds only unreserved characters and `%XX`
/// escapes, `&` and `=`; its pairs are in the SDK's order (sorted by decoded
/// key, then value, in byte order); and the server's reading of it
/// (`parse_query`) gives back exactly the input pairs, sorted.
pub fn query_pairs(pairs: &[(String, String)]) {
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let query = signing::canonical_query(&borrowed);
    if pairs.is_empty() {
        assert_eq!(query, "");
        return;
    }
    for part in query.split('&') {
        let (k, v) = part
            .split_once('=')
            .unwrap_or_else(|| panic!("pair {part:?} of {query:?} has no `=`"));
        assert_escaped(k);
        assert_escaped(v);
    }
    let decoded = signing::parse_query(&query);
    assert!(
        decoded.windows(2).all(|w| w[0] <= w[1]),
        "{query:?} is not in sorted order"
    );
    let mut want: Vec<(String, String)> = pairs.to_vec();
    want.sort();
    assert_eq!(
        decoded, want,
        "parse_query(canonical_query(p)) is not p, sorted"
    );
}

/// Panics unless `s` is only `A-Za-z0-9-_.~` and `%XX` with upper-case hex.
pub fn assert_escaped(s: &str) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') => i += 1,
            b'%' => {
                let hex =
                    |c: Option<&u8>| c.is_some_and(|c| matches!(*c, b'0'..=b'9' | b'A'..=b'F'));
                assert!(
                    hex(b.get(i + 1)) && hex(b.get(i + 2)),
                    "bad escape at {i} in {s:?}"
                );
                i += 3;
            }
            c => panic!(
                "{:?} is neither unreserved nor escaped in {s:?}",
                char::from(c)
            ),
        }
    }
}

/// Any path: `canonical_uri` gives escaped segments joined by `/`, ending in
/// `/`, and is idempotent (so a server that receives the canonical form
/// computes the same value).
pub fn path_text(path: &str) {
    let uri = signing::canonical_uri(path);
    assert!(uri.ends_with('/'), "{uri:?} has no trailing `/`");
    for segment in uri.split('/') {
        assert_escaped(segment);
    }
    assert_eq!(
        signing::canonical_uri(&uri),
        uri,
        "canonical_uri is not idempotent"
    );
}

/// Signs a GET of `path` with `pairs`, sends the canonical query as the wire
/// query, and verifies on the server side from what it would receive.
pub fn sign_then_verify(path: &str, pairs: &[(String, String)]) {
    let query: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let credentials = SigningKey::new("FUZZAK0000000000000", "fuzz-secret-key");
    let date = "20240629T020000Z";
    let request = RequestParts {
        method: "GET",
        host: "rds.example.test",
        path,
        query: &query,
        headers: &[("Content-Type", "application/json")],
        body: b"",
    };
    let signed = signing::sign(&request, &credentials, date).expect("a plain GET signs");
    assert_eq!(signed.canonical_query, signing::canonical_query(&query));

    let received = signing::parse_query(&signed.canonical_query);
    let received: Vec<(&str, &str)> = received
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let wire_path = signed.canonical_uri.clone();
    let server = RequestParts {
        method: "GET",
        host: "",
        path: &wire_path,
        query: &received,
        headers: &headers,
        body: b"",
    };
    let verified = signing::verify(&server, |ak| {
        (ak == credentials.access_key).then_some(&credentials.secret_key)
    });
    if let Err(e) = verified {
        panic!("the server refused what was signed: {e}");
    }
}
