//! The parameters of one list call, checked before anything is sent.

use crate::error::Error;
use crate::generated::types::{BackupStatusFilter, BackupTypeFilter, Language};
use crate::time::Timestamp;

/// The filters and paging of a list-backups call.
///
/// ```
/// use huaweicloud_rds::{ListBackups, types::BackupTypeFilter};
///
/// let request = ListBackups::new("43e4feaab48f11e89039fa163ebaa7e4in01")
///     .backup_type(BackupTypeFilter::Auto)
///     .window("2018-08-06T10:41:14+0800".parse()?, "2018-08-16T10:41:14+0800".parse()?)
///     .limit(50);
/// assert!(request.validate().is_ok());
/// assert!(ListBackups::new("i").limit(0).validate().is_err());
/// # Ok::<(), huaweicloud_rds::TimeParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListBackups {
    /// The instance whose backups to list (required).
    pub instance_id: String,
    /// Only this backup.
    pub backup_id: Option<String>,
    /// Only backups of this type.
    pub backup_type: Option<BackupTypeFilter>,
    /// Only SQL Server full backups in this state.
    pub status: Option<BackupStatusFilter>,
    /// Start of the time window; needs `end_time`.
    pub begin_time: Option<Timestamp>,
    /// End of the time window; needs `begin_time` and must be later.
    pub end_time: Option<Timestamp>,
    /// Backups to skip (default 0).
    pub offset: Option<u32>,
    /// Page size, 1 to 100 (default 100).
    pub limit: Option<u32>,
    /// `X-Language` for this call, overriding the client's.
    pub language: Option<Language>,
}

/// The service's page size limit.
pub const MAX_LIMIT: u32 = 100;

impl ListBackups {
    /// List the backups of `instance_id`.
    pub fn new(instance_id: impl Into<String>) -> Self {
        ListBackups {
            instance_id: instance_id.into(),
            backup_id: None,
            backup_type: None,
            status: None,
            begin_time: None,
            end_time: None,
            offset: None,
            limit: None,
            language: None,
        }
    }

    /// Only this backup.
    pub fn backup_id(mut self, id: impl Into<String>) -> Self {
        self.backup_id = Some(id.into());
        self
    }

    /// Only backups of this type.
    pub fn backup_type(mut self, t: BackupTypeFilter) -> Self {
        self.backup_type = Some(t);
        self
    }

    /// Only SQL Server full backups in this state.
    pub fn status(mut self, s: BackupStatusFilter) -> Self {
        self.status = Some(s);
        self
    }

    /// Backups in the window from `begin` to `end`.
    pub fn window(mut self, begin: Timestamp, end: Timestamp) -> Self {
        self.begin_time = Some(begin);
        self.end_time = Some(end);
        self
    }

    /// Skip this many backups.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = Some(offset);
        self
    }

    /// At most this many backups per page (1 to 100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// `X-Language` for this call.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Check every rule the service would enforce, naming the parameter.
    pub fn validate(&self) -> Result<(), Error> {
        check_query_value("instance_id", &self.instance_id)?;
        if let Some(id) = &self.backup_id {
            check_query_value("backup_id", id)?;
        }
        if let Some(limit) = self.limit.filter(|l| !(1..=MAX_LIMIT).contains(l)) {
            return Err(Error::invalid(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}, got {limit}"),
            ));
        }
        // The API's offset is an int32.
        if let Some(offset) = self.offset.filter(|o| i32::try_from(*o).is_err()) {
            return Err(Error::invalid(
                "offset",
                format!("must be at most {}, got {offset}", i32::MAX),
            ));
        }
        // The service reads `yyyy-mm-ddThh:mm:ss±hhmm`: no fraction of a second.
        for (parameter, time) in [
            ("begin_time", &self.begin_time),
            ("end_time", &self.end_time),
        ] {
            if let Some(t) = time.filter(|t| t.nanos() != 0) {
                return Err(Error::invalid(
                    parameter,
                    format!("must be whole seconds (yyyy-mm-ddThh:mm:ss±hhmm), got {t}"),
                ));
            }
        }
        match (&self.begin_time, &self.end_time) {
            (Some(_), None) => {
                return Err(Error::invalid(
                    "end_time",
                    "is required when begin_time is set",
                ));
            }
            (None, Some(_)) => {
                return Err(Error::invalid(
                    "begin_time",
                    "is required when end_time is set",
                ));
            }
            (Some(begin), Some(end)) if end <= begin => {
                return Err(Error::invalid(
                    "end_time",
                    format!("must be later than begin_time ({end} is not after {begin})"),
                ));
            }
            _ => {}
        }
        Ok(())
    }
}

/// Ids go into the query string: empty ones and control characters are
/// refused; everything else is percent-encoded on the wire.
fn check_query_value(parameter: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(parameter, "must not be empty or blank"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(
            parameter,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A value that becomes a path segment (the project id): besides being
/// non-empty and free of control characters, it must not be `.` or `..` and
/// must not contain a separator, raw or percent-encoded, or a `?` or `#`, so
/// it cannot change which path is requested even through a proxy that
/// decodes once more. Anything else is percent-encoded on the wire.
pub(crate) fn check_path_segment(parameter: &'static str, value: &str) -> Result<(), Error> {
    check_query_value(parameter, value)?;
    if value == "." || value == ".." {
        return Err(Error::invalid(parameter, "must not be `.` or `..`"));
    }
    if let Some(c) = value.chars().find(|c| matches!(c, '/' | '\\' | '?' | '#')) {
        return Err(Error::invalid(parameter, format!("must not contain `{c}`")));
    }
    // The project id is also sent as the X-Project-Id header.
    if !value.is_ascii() {
        return Err(Error::invalid(parameter, "must be ASCII"));
    }
    let lower = value.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") {
        return Err(Error::invalid(
            parameter,
            "must not contain an encoded `/`, `\\` or `.`",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn rule(r: ListBackups) -> String {
        r.validate().unwrap_err().to_string()
    }

    #[test]
    fn every_rule_names_its_parameter() {
        assert_eq!(
            rule(ListBackups::new(" ")),
            "invalid request: `instance_id` must not be empty or blank"
        );
        assert_eq!(
            rule(ListBackups::new("")),
            "invalid request: `instance_id` must not be empty or blank"
        );
        assert_eq!(
            rule(ListBackups::new("i").limit(0)),
            "invalid request: `limit` must be between 1 and 100, got 0"
        );
        assert_eq!(
            rule(ListBackups::new("i").limit(101)),
            "invalid request: `limit` must be between 1 and 100, got 101"
        );
        assert_eq!(
            rule(ListBackups::new("i").offset(u32::MAX)),
            "invalid request: `offset` must be at most 2147483647, got 4294967295"
        );
        let mut only_begin = ListBackups::new("i");
        only_begin.begin_time = Some(t("2018-08-06T10:41:14+0800"));
        assert_eq!(
            rule(only_begin),
            "invalid request: `end_time` is required when begin_time is set"
        );
        let mut only_end = ListBackups::new("i");
        only_end.end_time = Some(t("2018-08-06T10:41:14+0800"));
        assert_eq!(
            rule(only_end),
            "invalid request: `begin_time` is required when end_time is set"
        );
        assert!(
            rule(
                ListBackups::new("i")
                    .window(t("2018-08-06T10:41:14+0800"), t("2018-08-06T02:41:14Z"))
            )
            .starts_with("invalid request: `end_time` must be later than begin_time")
        );
        assert_eq!(
            rule(ListBackups::new("i").window(
                t("2018-08-06T10:41:14.5+0800"),
                t("2018-08-06T10:41:16+0800")
            )),
            "invalid request: `begin_time` must be whole seconds (yyyy-mm-ddThh:mm:ss±hhmm), \
             got 2018-08-06T10:41:14.5+0800"
        );
        assert_eq!(
            rule(ListBackups::new("i").backup_id("a\nb")),
            "invalid request: `backup_id` must not contain control characters"
        );
    }

    #[test]
    fn window_compares_instants_across_offsets() {
        let r =
            ListBackups::new("i").window(t("2018-08-06T10:00:00+0800"), t("2018-08-06T02:00:01Z"));
        assert!(r.validate().is_ok());
    }

    #[test]
    fn path_segments_cannot_escape() {
        for bad in [
            "", ".", "..", "a/b", "a\\b", "a\nb", "a\u{7f}", "a%2Fb", "a%2fb", "%2e%2e", "a?b",
            "a#b", "项目",
        ] {
            assert!(check_path_segment("project_id", bad).is_err(), "{bad:?}");
        }
        for ok in ["0483b6b16e954cb88930a360d2c4e663", "a%20b", "a b", "..."] {
            assert!(check_path_segment("project_id", ok).is_ok(), "{ok:?}");
        }
    }
}
