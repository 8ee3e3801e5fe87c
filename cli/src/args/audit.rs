//! The options of `summary` and `check`.

use std::time::Duration;

use clap::{Args, ValueEnum};

use super::common::{Concurrency, Filters, Instances, heading};
use crate::duration::parse_duration;

/// Shown at the end of `summary --help`.
pub const SUMMARY_EXAMPLES: &str = "\
Examples:
  # Counts, sizes and the latest completed backup of two instances
  rds-backups summary --instance-id ID1 --instance-id ID2

  # The last week of many instances, ids read from a file, as CSV
  rds-backups summary --instance-id - --since 7d --output csv < instances.txt";

/// Shown at the end of `check --help`.
pub const CHECK_EXAMPLES: &str = "\
Examples:
  # Exit 0 when every instance has a completed full backup begun in the last 26 hours
  rds-backups check --instance-id ID1 --instance-id ID2 --max-age 26h

  # For node_exporter's textfile collector (exit 3: stale, 1: an instance failed)
  rds-backups check --instance-id - --max-age 26h --output prometheus < instances.txt \\
      > rds_backups.prom.tmp; mv rds_backups.prom.tmp rds_backups.prom";

/// Options of `summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub instances: Instances,

    #[command(flatten)]
    pub filters: Filters,

    #[command(flatten)]
    pub paging: Concurrency,

    /// Output format [default: table on a terminal, json otherwise]
    #[arg(long, value_enum, help_heading = heading::OUTPUT)]
    pub output: Option<SummaryOutput>,
}

/// Output formats of `summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryOutput {
    /// One row per instance, human sizes
    Table,
    /// {"instances": [...]}, in the order given
    Json,
    /// One row per instance, RFC 4180
    Csv,
}

/// Options of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub instances: Instances,

    /// Fresh when the newest COMPLETED backup of the kind began at most this
    /// long ago (90m, 26h, 7d, 2w); only that window is listed
    #[arg(long, required = true, value_name = "DURATION", value_parser = parse_duration,
          help_heading = heading::FILTERS)]
    pub max_age: Duration,

    /// Which backups count
    #[arg(long, value_enum, default_value_t = Kind::Full, help_heading = heading::FILTERS)]
    pub kind: Kind,

    #[command(flatten)]
    pub paging: Concurrency,

    /// Output format [default: table on a terminal, json otherwise]
    #[arg(long, value_enum, help_heading = heading::OUTPUT)]
    pub output: Option<CheckOutput>,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckOutput {
    /// One row per instance: fresh or STALE, age, the latest backup
    Table,
    /// {"checked_at", "max_age_seconds", "kind", "instances": [...]}
    Json,
    /// Prometheus text exposition format (node_exporter textfile collector)
    Prometheus,
}

/// `--kind` values: which backup types a freshness check counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// auto, manual and fragment backups
    Full,
    /// incremental backups
    Incremental,
    /// every type
    Any,
}

impl Kind {
    /// The name scripts see in JSON and in metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Full => "full",
            Kind::Incremental => "incremental",
            Kind::Any => "any",
        }
    }
}
