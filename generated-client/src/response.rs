//! Reading response bodies, with errors that name the offending field.

use std::fmt;

use crate::generated::types::ListBackupsResponse;

/// A response body that is not the JSON the spec describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseParseError {
    path: String,
    message: String,
    excerpt: String,
}

/// How much of a bad body an error keeps: enough to recognise it, never a
/// whole page.
const EXCERPT_CHARS: usize = 120;

impl ResponseParseError {
    /// Where in the body the problem is, e.g. `backups[0].begin_time`; `.` for
    /// the top level.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What serde_json said, e.g. ``missing field `id` ``.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The start of the body, lossily decoded and shortened.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
}

impl fmt::Display for ResponseParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid response body at `{}`: {} (body starts {:?})",
            self.path, self.message, self.excerpt
        )
    }
}

impl std::error::Error for ResponseParseError {}

/// Parse a list-backups response body.
///
/// The fast path is plain `serde_json`; only a body that fails is read again
/// with `serde_path_to_error`, so that the error can say which field broke.
///
/// ```
/// // The documented SQL Server sample's typo: `"id "` for `"id"`.
/// let body = br#"{"backups": [{"id ": "b1", "name": "n", "type": "manual", "size": 1,
///     "status": "COMPLETED", "begin_time": "2018-08-06T12:41:14+0800",
///     "end_time": "2018-08-06T12:43:14+0800",
///     "datastore": {"type": "SQLServer", "version": "2014_WEB"}, "instance_id": "i"}],
///     "total_count": 1}"#;
/// let err = huaweicloud_rds::parse_list_backups(body).unwrap_err();
/// assert_eq!(err.path(), "backups[0]");
/// assert!(err.message().starts_with("missing field `id`"));
/// ```
pub fn parse_list_backups(body: &[u8]) -> Result<ListBackupsResponse, ResponseParseError> {
    parse_json(body)
}

/// Parse any JSON body into `T`, with the same error reporting.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<T, ResponseParseError> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(_) => {
            let de = &mut serde_json::Deserializer::from_slice(body);
            let err = match serde_path_to_error::deserialize::<_, T>(de) {
                // Unreachable in practice: the same bytes failed a moment ago.
                Ok(_) => return serde_json::from_slice(body).map_err(|e| error(".", &e, body)),
                Err(err) => err,
            };
            let path = err.path().to_string();
            Err(error(&path, err.inner(), body))
        }
    }
}

fn error(path: &str, inner: &serde_json::Error, body: &[u8]) -> ResponseParseError {
    let message = if body.is_empty() {
        "the body is empty".to_owned()
    } else {
        inner.to_string()
    };
    ResponseParseError {
        path: path.to_owned(),
        message,
        excerpt: excerpt(body),
    }
}

/// The start of `body` as text: invalid UTF-8 replaced, at most
/// [`EXCERPT_CHARS`] characters.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if out.len() < body.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field_of_a_bad_time() {
        let body = br#"{"backups": [{"id": "x", "name": "n", "type": "auto", "size": 1,
            "status": "COMPLETED", "begin_time": "2018 - 08 - 06", "end_time": "x",
            "datastore": {"type": "MySQL", "version": "5.6"}, "instance_id": "i"}],
            "total_count": 1}"#;
        let err = parse_list_backups(body).unwrap_err();
        assert_eq!(err.path(), "backups[0].begin_time");
        assert!(err.message().contains("invalid time"), "{err}");
    }

    #[test]
    fn empty_and_non_json_bodies() {
        let err = parse_list_backups(b"").unwrap_err();
        assert_eq!(err.message(), "the body is empty");
        let err = parse_list_backups(b"<html>502 Bad Gateway</html>").unwrap_err();
        assert_eq!(err.path(), ".");
        assert_eq!(err.excerpt(), "<html>502 Bad Gateway</html>");
    }

    #[test]
    fn excerpt_is_bounded_and_lossy() {
        let body = vec![b'a'; 10_000];
        let e = excerpt(&body);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(b"ok\xff"), "ok\u{fffd}");
    }
}
