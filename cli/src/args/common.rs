//! Option groups shared by several subcommands: the instances, the filters,
//! the concurrency, and the help headings they are listed under.

use std::time::Duration;

use clap::{Args, ValueEnum};
use huaweicloud_rds::types::{BackupStatusFilter, BackupTypeFilter};
use huaweicloud_rds::{Timestamp, WalkOptions};

use crate::duration::parse_duration;

/// Headings that group the options in `--help`.
pub mod heading {
    pub const CONNECTION: &str = "Connection";
    pub const CREDENTIALS: &str = "Credentials";
    pub const FILTERS: &str = "Filters";
    pub const PAGING: &str = "Paging";
    pub const OUTPUT: &str = "Output";
}

/// The instances to work on: `--instance-id`, repeatable, `-` for standard
/// input. Shared by every subcommand that walks instances.
#[derive(Debug, Args)]
#[command(next_help_heading = heading::FILTERS)]
pub struct Instances {
    /// Instance id (repeat for several; `-` reads ids from standard input,
    /// one a line, skipping blank and `#` lines)
    #[arg(long = "instance-id", required = true, value_name = "ID")]
    pub instance_ids: Vec<String>,
}

/// Which backups to consider. Shared by every subcommand that lists backups.
#[derive(Debug, Args)]
#[command(next_help_heading = heading::FILTERS)]
pub struct Filters {
    /// Only backups of this type
    #[arg(long, value_enum)]
    pub backup_type: Option<BackupTypeArg>,

    /// Only SQL Server full backups in this state
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,

    /// Start of the time window: 2018-08-06T10:41:14+0800, RFC 3339, or a
    /// date alone (midnight, local time)
    #[arg(long, value_name = "T", requires = "end_time", value_parser = crate::times::parse_time)]
    pub begin_time: Option<Timestamp>,

    /// End of the time window (later than --begin-time); same forms
    #[arg(long, value_name = "T", requires = "begin_time", value_parser = crate::times::parse_time)]
    pub end_time: Option<Timestamp>,

    /// Only backups begun in the last DURATION (90m, 24h, 7d, 2w): the window
    /// ending now
    #[arg(long, value_name = "DURATION", value_parser = parse_duration,
          conflicts_with_all = ["begin_time", "end_time"])]
    pub since: Option<Duration>,
}

/// `--concurrency` when not given: the client's default for a walk.
pub const DEFAULT_CONCURRENCY: u32 = 8;

/// The most requests in flight `--concurrency` accepts.
pub const MAX_CONCURRENCY: i64 = 32;

/// `--concurrency` of the subcommands that always walk every page (`list`
/// has its own, which needs `--all`).
#[derive(Debug, Args)]
pub struct Concurrency {
    /// Requests in flight at once, across every instance
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
          value_parser = clap::value_parser!(u32).range(1..=MAX_CONCURRENCY),
          help_heading = heading::PAGING)]
    pub concurrency: u32,
}

impl Concurrency {
    /// The walk these options ask for.
    pub fn walk_options(&self) -> WalkOptions {
        WalkOptions::default().concurrency(self.concurrency as usize)
    }
}

/// `--backup-type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackupTypeArg {
    /// Automatic full backup
    Auto,
    /// Manual full backup
    Manual,
    /// Differential full backup
    Fragment,
    /// Automatic incremental backup
    Incremental,
}

impl From<BackupTypeArg> for BackupTypeFilter {
    fn from(arg: BackupTypeArg) -> Self {
        match arg {
            BackupTypeArg::Auto => BackupTypeFilter::Auto,
            BackupTypeArg::Manual => BackupTypeFilter::Manual,
            BackupTypeArg::Fragment => BackupTypeFilter::Fragment,
            BackupTypeArg::Incremental => BackupTypeFilter::Incremental,
        }
    }
}

/// `--status` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum StatusArg {
    /// Backup in progress
    Building,
    /// Backup done
    Completed,
    /// Backup failed
    Failed,
}

impl From<StatusArg> for BackupStatusFilter {
    fn from(arg: StatusArg) -> Self {
        match arg {
            StatusArg::Building => BackupStatusFilter::Building,
            StatusArg::Completed => BackupStatusFilter::Completed,
            StatusArg::Failed => BackupStatusFilter::Failed,
        }
    }
}
