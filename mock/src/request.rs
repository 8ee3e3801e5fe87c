//! A request as the server received it.

/// A received request, as it reached the server: what the pipeline reads and what
/// [`MockServer::received`](crate::MockServer::received) records.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// Method.
    pub method: String,
    /// Request target as received: path and raw query (absolute-form targets as sent).
    pub target: String,
    /// Headers in the order received (names in lower case, as hyper reads them;
    /// repeated headers follow their first occurrence).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Decoded `instance_id`, if the query had one.
    pub instance_id: Option<String>,
    /// The `X-Request-Id` of the answer.
    pub request_id: String,
}

impl RecordedRequest {
    /// The path of the target (before `?`; without scheme and host for an absolute target).
    pub fn path(&self) -> &str {
        let origin = origin_form(&self.target);
        origin.split_once('?').map_or(origin, |(p, _)| p)
    }

    /// The raw query (after `?`), if any.
    pub fn query(&self) -> Option<&str> {
        origin_form(&self.target).split_once('?').map(|(_, q)| q)
    }

    /// The first header of this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many headers have this name (case-insensitive).
    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }
}

/// `/path?query` of a target in origin or absolute form.
fn origin_form(target: &str) -> &str {
    let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    else {
        return target;
    };
    rest.find(['/', '?']).map_or("/", |i| &rest[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_query_of_both_target_forms() {
        let mut r = RecordedRequest {
            method: "GET".into(),
            target: "/v3/p/backups?instance_id=x".into(),
            headers: vec![("host".into(), "h".into()), ("Host".into(), "i".into())],
            body: Vec::new(),
            instance_id: None,
            request_id: String::new(),
        };
        assert_eq!(
            (r.path(), r.query()),
            ("/v3/p/backups", Some("instance_id=x"))
        );
        assert_eq!((r.header("HOST"), r.header_count("host")), (Some("h"), 2));
        r.target = "http://h:1/x?y".into();
        assert_eq!((r.path(), r.query()), ("/x", Some("y")));
        r.target = "http://h:1".into();
        assert_eq!((r.path(), r.query()), ("/", None));
    }
}
