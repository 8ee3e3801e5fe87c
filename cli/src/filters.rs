//! The shared filters as request parameters.

use huaweicloud_rds::ListBackups;

use crate::args::Filters;
use crate::duration::Window;
use crate::failure::Failure;

/// One validated request per instance with `filters` applied, then `more`
/// (the subcommand's own parameters). `--since` is resolved once, so every
/// instance is asked about the same window.
pub fn requests(
    instance_ids: &[String],
    filters: &Filters,
    more: impl Fn(&mut ListBackups),
) -> Result<Vec<ListBackups>, Failure> {
    let window = match filters.since {
        Some(span) => Some(Window::ending_now(span).map_err(Failure::usage)?),
        None => None,
    };
    instance_ids
        .iter()
        .map(|id| {
            let mut r = ListBackups::new(id.clone());
            r.backup_type = filters.backup_type.map(Into::into);
            r.status = filters.status.map(Into::into);
            r.begin_time = window.map(|w| w.begin).or(filters.begin_time);
            r.end_time = window.map(|w| w.end).or(filters.end_time);
            more(&mut r);
            r.validate().map_err(Failure::from)?;
            Ok(r)
        })
        .collect()
}
