//! The command line, exactly as scripts may rely on it.

use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use huaweicloud_rds::Timestamp;
use huaweicloud_rds::types::{BackupStatusFilter, BackupTypeFilter, Language};

/// List Huawei Cloud RDS backups: one page, or every backup of one or many
/// instances.
///
/// Credentials, first found wins: an IAM token (--auth-token or
/// RDS_BACKUPS_AUTH_TOKEN); --metadata-credentials (the ECS metadata
/// service); AK/SK from HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (and
/// HUAWEICLOUD_SDK_SECURITY_TOKEN); the credentials file
/// (HUAWEICLOUD_SDK_CREDENTIALS_FILE, else ~/.huaweicloud/credentials, section
/// [basic]). Project id: --project-id, HUAWEICLOUD_SDK_PROJECT_ID, the file's
/// project_id, else looked up in IAM from the region. --mock needs none: it
/// starts the embedded mock service and uses its documented test credentials.
///
/// Exit codes: 0 success; 2 invalid usage or value (nothing was sent); 1 any
/// failure after a request was attempted.
#[derive(Debug, Parser)]
#[command(name = "rds-backups", version, max_term_width = 100)]
pub struct Cli {
    /// Endpoint URL, e.g. https://rds.cn-north-4.myhuaweicloud.com; wins over
    /// the region's (with --region too, the region is where the project id
    /// is looked up)
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,

    /// Region id, e.g. cn-north-4 [default: $HUAWEICLOUD_SDK_REGION]
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Start the embedded mock service and list from it
    #[arg(long, global = true, conflicts_with_all = ["endpoint", "region"])]
    pub mock: bool,

    /// Project id
    #[arg(
        long,
        global = true,
        env = "HUAWEICLOUD_SDK_PROJECT_ID",
        value_name = "ID"
    )]
    pub project_id: Option<String>,

    /// IAM token; with a token, AK/SK are not used
    #[arg(
        long,
        global = true,
        env = "RDS_BACKUPS_AUTH_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub auth_token: Option<String>,

    /// Temporary credentials from the ECS metadata service (on an ECS
    /// instance with an agency; $HUAWEICLOUD_SDK_METADATA_ENDPOINT, default
    /// http://169.254.169.254)
    #[arg(long, global = true)]
    pub metadata_credentials: bool,

    /// Language of error messages, sent as X-Language
    #[arg(long, global = true, value_enum)]
    pub language: Option<LanguageArg>,

    /// Per-attempt timeout in seconds
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_secs)]
    pub timeout: Option<Duration>,

    /// Attempts per request, the first included
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: Option<u32>,

    /// More logs on stderr (repeatable); RUST_LOG wins when set
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List backups of one or more instances
    List(ListArgs),
}

/// Options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Instance id (repeat for several instances)
    #[arg(long = "instance-id", required = true, value_name = "ID")]
    pub instance_ids: Vec<String>,

    /// Only this backup
    #[arg(long, value_name = "ID")]
    pub backup_id: Option<String>,

    /// Only backups of this type
    #[arg(long, value_enum)]
    pub backup_type: Option<BackupTypeArg>,

    /// Only SQL Server full backups in this state
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,

    /// Start of the time window: 2018-08-06T10:41:14+0800 or RFC 3339
    #[arg(long, value_name = "T", requires = "end_time", value_parser = parse_time)]
    pub begin_time: Option<Timestamp>,

    /// End of the time window (later than --begin-time)
    #[arg(long, value_name = "T", requires = "begin_time", value_parser = parse_time)]
    pub end_time: Option<Timestamp>,

    /// Backups to skip; with --all, where the walk starts [default: 0]
    #[arg(long, value_name = "N")]
    pub offset: Option<u32>,

    /// Page size, 1 to 100 [default: 100]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub limit: Option<u32>,

    /// Every page, not just one
    #[arg(long)]
    pub all: bool,

    /// Pages fetched at once with --all
    #[arg(long, value_name = "N", default_value_t = 4, requires = "all",
          value_parser = clap::value_parser!(u32).range(1..=32))]
    pub concurrency: u32,

    /// Output format [default: table on a terminal, json otherwise]
    #[arg(long, value_enum)]
    pub output: Option<Output>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned columns, human sizes, local times
    Table,
    /// The API's own shape: {"backups": [...], "total_count": N}
    Json,
    /// One backup per line, flushed after each page
    Ndjson,
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

/// `--language` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LanguageArg {
    /// Chinese
    #[value(name = "zh-cn")]
    ZhCn,
    /// English
    #[value(name = "en-us")]
    EnUs,
}

impl From<LanguageArg> for Language {
    fn from(arg: LanguageArg) -> Self {
        match arg {
            LanguageArg::ZhCn => Language::ZhCn,
            LanguageArg::EnUs => Language::EnUs,
        }
    }
}

fn parse_time(value: &str) -> Result<Timestamp, String> {
    value.parse::<Timestamp>().map_err(|e| e.to_string())
}

fn parse_secs(value: &str) -> Result<Duration, String> {
    let secs: f64 = value
        .parse()
        .map_err(|_| format!("{value:?} is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 3600.0) {
        return Err("must be more than 0 and at most 3600 seconds".into());
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn globals_go_before_or_after_list() {
        let before =
            Cli::try_parse_from(["rds-backups", "--mock", "list", "--instance-id", "i"]).unwrap();
        let after =
            Cli::try_parse_from(["rds-backups", "list", "--instance-id", "i", "--mock"]).unwrap();
        assert!(before.mock && after.mock);
    }

    #[test]
    fn targets_are_mutually_exclusive() {
        let e = Cli::try_parse_from([
            "rds-backups",
            "--mock",
            "--region",
            "cn-north-4",
            "list",
            "--instance-id",
            "i",
        ])
        .unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn time_window_needs_both_ends() {
        let e = Cli::try_parse_from([
            "rds-backups",
            "list",
            "--instance-id",
            "i",
            "--begin-time",
            "2018-08-06T10:41:14+0800",
        ])
        .unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }
}
