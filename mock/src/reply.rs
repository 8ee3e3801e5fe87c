//! [`Reply`]: a complete response a script can send instead of the normal answer.

/// A complete response: status, headers and body.
///
/// When it is sent, the server adds `Content-Length`, and `Date`, `X-Request-Id` and
/// `Server` unless the reply sets them. Header names go out as given.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// This status, no headers and no body.
    pub fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON body (`Content-Type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::new(status)
            .header("Content-Type", "application/json")
            .body(body.into())
    }

    /// The service's error body `{"error_code": code, "error_msg": msg}`.
    pub fn api_error(status: u16, code: &str, msg: &str) -> Reply {
        let body = serde_json::json!({"error_code": code, "error_msg": msg});
        Reply::json(status, body.to_string())
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }

    /// The first header of this name (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
