//! The request description the signer reads: plain strings, pairs and bytes, so that any HTTP
//! library (or none) can fill it in.

use std::fmt;

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
