//! Query-string decoding and the parameter rules of `GET /v3/{project_id}/backups`.
//!
//! Values are percent-decoded and `+` decodes to a space, as the real service reads
//! them (which is why a client must send `+0800` as `%2B0800`). Invalid `%` escapes
//! are kept literally; a value that does not decode to UTF-8 is a parameter error.
//! Every violation is reported as a [`ParamError`] naming the parameter, answered
//! with `400` and `{"error_code":"DBS.280001","error_msg":"..."}`.

use std::fmt;

use huaweicloud_rds::Timestamp;

/// Default `limit` when absent.
pub const DEFAULT_LIMIT: u64 = 100;
/// Largest accepted `limit`.
pub const MAX_LIMIT: u64 = 100;

/// The `backup_type` values accepted as a filter.
pub const BACKUP_TYPES: [&str; 4] = ["auto", "manual", "fragment", "incremental"];
/// The `status` values accepted as a filter (the service's own definition lists
/// these three; `DELETING` is a status backups can have but not a filter value).
pub const STATUS_FILTERS: [&str; 3] = ["BUILDING", "COMPLETED", "FAILED"];

/// The parameters the operation knows; others are ignored, as the service does.
const KNOWN: [&str; 8] = [
    "instance_id",
    "backup_id",
    "backup_type",
    "status",
    "offset",
    "limit",
    "begin_time",
    "end_time",
];

/// A validated list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// `instance_id` (required, non-empty).
    pub instance_id: String,
    /// `backup_id`: exact match.
    pub backup_id: Option<String>,
    /// `backup_type`: one of [`BACKUP_TYPES`], exact match.
    pub backup_type: Option<String>,
    /// `status`: one of [`STATUS_FILTERS`]; applies to SQL Server full backups only.
    pub status: Option<String>,
    /// `offset` (default 0).
    pub offset: u64,
    /// `limit` (default 100, 1..=100).
    pub limit: u64,
    /// `begin_time`/`end_time` as Unix epoch seconds, inclusive at both ends,
    /// matched against each backup's `begin_time`.
    pub window: Option<(i64, i64)>,
}

/// A parameter rule violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    /// The offending parameter.
    pub parameter: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ParamError {
    fn new(parameter: &str, reason: impl Into<String>) -> Self {
        ParamError {
            parameter: parameter.to_owned(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Invalid parameter {}: {}.", self.parameter, self.reason)
    }
}

impl std::error::Error for ParamError {}

/// Unix seconds of a time in the service's query form `yyyy-mm-ddThh:mm:ss±hhmm`,
/// strictly: no colon in the offset, no `Z`, no fraction (which [`Timestamp`] alone
/// would read). Such a string is 24 bytes long with the offset sign at byte 19.
pub(crate) fn parse_service_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 24 || !matches!(b[19], b'+' | b'-') {
        return None;
    }
    s.parse::<Timestamp>().ok().map(|t| t.unix_seconds())
}

/// Percent-decodes a query component: `%XX` escapes, `+` as a space; invalid
/// escapes are kept literally (the signer's decoder, so the mock reads a query
/// exactly as signature verification does). `None` if the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    String::from_utf8(huaweicloud_signer::percent_decode(s, true)).ok()
}

/// Splits a raw query string into decoded `(key, value)` pairs; empty parts are
/// skipped, a part without `=` has an empty value.
pub fn parse_pairs(raw: &str) -> Result<Vec<(String, String)>, ParamError> {
    let mut pairs = Vec::new();
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let key = percent_decode(k).ok_or_else(|| ParamError::new(k, "not valid UTF-8"))?;
        let value = percent_decode(v).ok_or_else(|| ParamError::new(&key, "not valid UTF-8"))?;
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// The decoded `instance_id` of a raw query, if there is exactly one usable
/// (used to count requests per instance before validation).
pub fn instance_id_of(raw: &str) -> Option<String> {
    parse_pairs(raw)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "instance_id")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

fn parse_uint(name: &str, v: &str) -> Result<u64, ParamError> {
    if v.starts_with('-') && v.len() > 1 && v[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamError::new(
            name,
            format!("must not be negative, got '{v}'"),
        ));
    }
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamError::new(
            name,
            format!("must be a non-negative integer, got '{v}'"),
        ));
    }
    v.parse::<u64>()
        .map_err(|_| ParamError::new(name, format!("is too large, got '{v}'")))
}

/// Applies the parameter rules to decoded pairs, in this order: duplicates,
/// `instance_id`, `backup_id`, `backup_type`, `status`, `offset`, `limit`,
/// `begin_time`/`end_time`.
pub fn parse_list_query(pairs: &[(String, String)]) -> Result<ListQuery, ParamError> {
    let mut seen: [Option<&str>; KNOWN.len()] = [None; KNOWN.len()];
    for (k, v) in pairs {
        if let Some(i) = KNOWN.iter().position(|n| n == k) {
            if seen[i].is_some() {
                return Err(ParamError::new(k, "must be given at most once"));
            }
            seen[i] = Some(v.as_str());
        }
    }
    let get = |name: &str| KNOWN.iter().position(|n| *n == name).and_then(|i| seen[i]);
    let non_empty = |name: &str| -> Result<Option<String>, ParamError> {
        match get(name) {
            Some("") => Err(ParamError::new(name, "must not be empty")),
            other => Ok(other.map(str::to_owned)),
        }
    };

    let instance_id = match get("instance_id") {
        None => return Err(ParamError::new("instance_id", "is required")),
        Some(v) if v.trim().is_empty() => {
            return Err(ParamError::new("instance_id", "must not be empty"));
        }
        Some(v) => v.to_owned(),
    };
    let backup_id = non_empty("backup_id")?;
    let backup_type = non_empty("backup_type")?;
    if let Some(t) = backup_type.as_deref()
        && !BACKUP_TYPES.contains(&t)
    {
        return Err(ParamError::new(
            "backup_type",
            format!("must be one of auto, manual, fragment, incremental, got '{t}'"),
        ));
    }
    let status = non_empty("status")?;
    if let Some(s) = status.as_deref()
        && !STATUS_FILTERS.contains(&s)
    {
        return Err(ParamError::new(
            "status",
            format!("must be one of BUILDING, COMPLETED, FAILED, got '{s}'"),
        ));
    }
    let offset = get("offset").map_or(Ok(0), |v| parse_uint("offset", v))?;
    let limit = get("limit").map_or(Ok(DEFAULT_LIMIT), |v| parse_uint("limit", v))?;
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ParamError::new(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}, got {limit}"),
        ));
    }
    let time = |name: &str, v: &str| {
        parse_service_time(v).ok_or_else(|| {
            ParamError::new(
                name,
                format!("must be of the form yyyy-mm-ddThh:mm:ss+hhmm (e.g. 2018-08-06T10:41:14+0800), got '{v}'"),
            )
        })
    };
    let window = match (get("begin_time"), get("end_time")) {
        (None, None) => None,
        (Some(_), None) => {
            return Err(ParamError::new(
                "end_time",
                "is required when begin_time is given",
            ));
        }
        (None, Some(_)) => {
            return Err(ParamError::new(
                "begin_time",
                "is required when end_time is given",
            ));
        }
        (Some(b), Some(e)) => {
            let (b, e) = (time("begin_time", b)?, time("end_time", e)?);
            if e <= b {
                return Err(ParamError::new("end_time", "must be later than begin_time"));
            }
            Some((b, e))
        }
    };
    Ok(ListQuery {
        instance_id,
        backup_id,
        backup_type,
        status,
        offset,
        limit,
        window,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(raw: &str) -> Result<ListQuery, ParamError> {
        parse_list_query(&parse_pairs(raw)?)
    }

    #[test]
    fn query_times_are_read_in_the_service_form_only() {
        let t = Some(1_533_530_474);
        assert_eq!(parse_service_time("2018-08-06T12:41:14+0800"), t);
        assert_eq!(parse_service_time("2018-08-06T04:41:14-0000"), t);
        assert!(parse_service_time("2020-02-29T00:00:00+0800").is_some());
        for bad in [
            "2018-08-06T12:41:14+08:00",
            "2018-08-06T12:41:14Z",
            "2018-08-06T12:41:14.5+0800",
            "2018-08-06T12:41:1+08000",
            "2018-08-06 12:41:14+0800",
            "2018-08-06T12:41:14 0800",
            "2018-02-30T12:41:14+0800",
            "2018-13-01T12:41:14+0800",
            "2018-08-06T24:00:00+0800",
            "2018-08-06T12:41:14+0860",
            "\u{ff12}018-08-06T12:41:14+0800",
            "",
        ] {
            assert_eq!(parse_service_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a+b%2Bc%3A").as_deref(), Some("a b+c:"));
        assert_eq!(percent_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(percent_decode("%E5%A4%87").as_deref(), Some("备"));
    }

    #[test]
    fn defaults_and_window() {
        let l = q("instance_id=x").unwrap();
        assert_eq!((l.offset, l.limit, l.window), (0, 100, None));
        let l = q("instance_id=x&begin_time=2018-08-06T10%3A41%3A14%2B0800&end_time=2018-08-06T10:41:15%2B0800")
            .unwrap();
        assert_eq!(l.window, Some((1_533_523_274, 1_533_523_275)));
    }

    #[test]
    fn rules_name_the_parameter() {
        for (raw, param) in [
            ("", "instance_id"),
            ("instance_id=", "instance_id"),
            ("instance_id=x&instance_id=y", "instance_id"),
            ("instance_id=x&offset=-1", "offset"),
            ("instance_id=x&offset=a", "offset"),
            ("instance_id=x&offset=", "offset"),
            ("instance_id=x&offset=99999999999999999999999", "offset"),
            ("instance_id=x&limit=0", "limit"),
            ("instance_id=x&limit=101", "limit"),
            ("instance_id=x&limit=1.5", "limit"),
            ("instance_id=x&backup_type=AUTO", "backup_type"),
            ("instance_id=x&backup_id=", "backup_id"),
            ("instance_id=x&status=DELETING", "status"),
            (
                "instance_id=x&begin_time=2018-08-06T10:41:14%2B0800",
                "end_time",
            ),
            (
                "instance_id=x&end_time=2018-08-06T10:41:14%2B0800",
                "begin_time",
            ),
            (
                "instance_id=x&begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-07T10:41:14%2B0800",
                "begin_time",
            ),
            (
                "instance_id=x&begin_time=2018-08-06T10:41:14%2B0800&end_time=2018-08-06T10:41:14%2B0800",
                "end_time",
            ),
            ("instance_id=%ff", "instance_id"),
        ] {
            let e = q(raw).expect_err(raw);
            assert_eq!(e.parameter, param, "{raw}: {e}");
            assert!(e.to_string().contains(param), "{e}");
        }
    }

    #[test]
    fn unknown_parameters_are_ignored() {
        assert!(q("instance_id=x&foo=bar&foo=baz&&").is_ok());
        assert_eq!(
            instance_id_of("a=b&instance_id=x%20y").as_deref(),
            Some("x y")
        );
        assert_eq!(instance_id_of("instance_id="), None);
    }
}
