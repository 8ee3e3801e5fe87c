//! Conformance of `huaweicloud_signer` with vectors produced by the official SDK's signer.
//!
//! Every `*.json` file in `tests/vectors/` is checked. When `RDS_SIGNING_VECTORS` names a file
//! or a folder, the vectors there (same format) are checked too.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use huaweicloud_signer::{self as signing, RequestParts, SecretKey, SigningKey};
use serde::Deserialize;
use serde_json::Value;

/// One vector, as recorded from the official SDK's signer; other fields (`note`, `level`,
/// ...) are ignored.
#[derive(Debug, Deserialize)]
struct Vector {
    name: String,
    method: String,
    host: String,
    resource_path: String,
    /// Ordered `[key, value]` pairs; values may be strings, numbers or booleans.
    query_params_in: Vec<(String, Value)>,
    body: Option<String>,
    /// Full URL the SDK would request, when recorded.
    #[serde(default)]
    url: Option<String>,
    /// Headers present when the SDK's signer ran.
    headers_in: BTreeMap<String, String>,
    date: String,
    ak: String,
    sk: String,
    canonical_request: String,
    string_to_sign: String,
    /// Headers after signing (the signer adds `Host` and `Authorization`).
    expected_headers_out: BTreeMap<String, String>,
}

/// The SDK renders query values with `str()`, booleans lower-cased.
fn query_value(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("unsupported query value {other}")),
    }
}

/// Checks one vector; returns a description of each mismatch.
fn check(v: &Vector) -> Vec<String> {
    let mut failures = Vec::new();
    let mut fail = |what: &str, got: &dyn std::fmt::Debug, want: &dyn std::fmt::Debug| {
        failures.push(format!(
            "vector `{}`: {what} differs\n   got: {got:?}\n  want: {want:?}",
            v.name
        ));
    };

    let query: Vec<(String, String)> = match v
        .query_params_in
        .iter()
        .map(|(k, val)| query_value(val).map(|val| (k.clone(), val)))
        .collect()
    {
        Ok(q) => q,
        Err(e) => return vec![format!("vector `{}`: {e}", v.name)],
    };
    let query: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = v
        .headers_in
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = RequestParts {
        method: &v.method,
        host: &v.host,
        path: &v.resource_path,
        query: &query,
        headers: &headers,
        body: v.body.as_deref().unwrap_or("").as_bytes(),
    };
    let signed = match signing::sign(&request, &SigningKey::new(&v.ak, &v.sk), &v.date) {
        Ok(s) => s,
        Err(e) => return vec![format!("vector `{}`: sign failed: {e}", v.name)],
    };

    if signed.canonical_request != v.canonical_request {
        fail(
            "canonical request",
            &signed.canonical_request,
            &v.canonical_request,
        );
    }
    if signed.string_to_sign != v.string_to_sign {
        fail("string to sign", &signed.string_to_sign, &v.string_to_sign);
    }
    for (name, want) in &v.expected_headers_out {
        let got = signed
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v);
        if got != Some(want) {
            fail(&format!("header `{name}`"), &got, &Some(want));
        }
    }
    if signed.headers.len() != v.expected_headers_out.len() {
        let got: Vec<&String> = signed.headers.iter().map(|(n, _)| n).collect();
        let want: Vec<&String> = v.expected_headers_out.keys().collect();
        fail("set of headers sent", &got, &want);
    }
    if let Some(url) = &v.url {
        // The wire query is the canonical query, as in the SDK.
        let sep = if signed.canonical_query.is_empty() {
            ""
        } else {
            "?"
        };
        let ours = format!(
            "https://{}{}{sep}{}",
            v.host, v.resource_path, signed.canonical_query
        );
        if &ours != url {
            fail("url", &ours, url);
        }
    }

    // Round trip: a server reading the signed request back accepts it.
    let sent: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let wire_query = signing::parse_query(&signed.canonical_query);
    let wire_query: Vec<(&str, &str)> = wire_query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let received = RequestParts {
        host: "",
        query: &wire_query,
        headers: &sent,
        ..request
    };
    let sk = SecretKey::new(&v.sk);
    match signing::verify(&received, |ak| (ak == v.ak).then_some(&sk)) {
        Ok(ok) if ok.access_key == v.ak => {}
        other => failures.push(format!(
            "vector `{}`: verify of the signed request gave {other:?}",
            v.name
        )),
    }
    failures
}

/// `*.json` files of a folder (sorted), or the file itself.
fn vector_files(path: &Path) -> Vec<PathBuf> {
    if path.is_dir() {
        let entries = fs::read_dir(path)
            .unwrap_or_else(|e| panic!("cannot read vector folder {}: {e}", path.display()));
        let mut files: Vec<PathBuf> = entries
            .map(|entry| {
                entry
                    .unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()))
                    .path()
            })
            .filter(|p| p.extension().is_some_and(|ext| ext == "json") && p.is_file())
            .collect();
        files.sort();
        assert!(
            !files.is_empty(),
            "no *.json vector files in {}",
            path.display()
        );
        files
    } else {
        vec![path.to_path_buf()]
    }
}

/// Loads and checks every vector under `path`; returns how many were checked.
fn check_path(path: &Path) -> usize {
    let mut count = 0;
    let mut failures = Vec::new();
    for file in vector_files(path) {
        let text = fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read vector file {}: {e}", file.display()));
        let vectors: Vec<Vector> = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "{} is not a JSON array of signing vectors: {e}",
                file.display()
            )
        });
        assert!(!vectors.is_empty(), "{} holds no vectors", file.display());
        for v in &vectors {
            failures.extend(
                check(v)
                    .into_iter()
                    .map(|f| format!("{}: {f}", file.display())),
            );
        }
        count += vectors.len();
    }
    assert!(
        failures.is_empty(),
        "{} mismatch(es):\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("checked {count} vectors from {}", path.display());
    count
}

#[test]
fn signer_matches_official_sdk_vectors() {
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors");
    let n = check_path(&bundled);
    assert!(n >= 9, "expected at least the 9 bundled vectors, got {n}");

    if let Some(extra) = std::env::var_os("RDS_SIGNING_VECTORS").filter(|p| !p.is_empty()) {
        let extra = PathBuf::from(extra);
        assert!(
            extra.exists(),
            "RDS_SIGNING_VECTORS names {}, which does not exist",
            extra.display()
        );
        check_path(&extra);
    }
}
