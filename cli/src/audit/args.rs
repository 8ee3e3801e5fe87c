//! The options of `summary` and `check`.

use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::args::{Filters, Instances, heading};
use crate::duration::parse_duration;

/// Options of `summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub instances: Instances,

    #[command(flatten)]
    pub filters: Filters,

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
