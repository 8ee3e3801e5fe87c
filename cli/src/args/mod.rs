//! The command line, exactly as scripts may rely on it.

use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use huaweicloud_rds::types::Language;

mod audit;
mod common;

pub use audit::{
    CHECK_EXAMPLES, CheckArgs, CheckOutput, Kind, SUMMARY_EXAMPLES, SummaryArgs, SummaryOutput,
};
use common::{DEFAULT_CONCURRENCY, MAX_CONCURRENCY};
pub use common::{Filters, Instances, heading};

/// Shown at the end of `--help` (not `-h`).
pub const EXAMPLES: &str = "\
Examples:
  # Every backup of one instance, as a table on a terminal
  rds-backups --region cn-north-4 list --instance-id ID --all

  # Completed full backups since New Year, one JSON object per line
  rds-backups list --instance-id ID --all --backup-type auto --status COMPLETED \\
      --begin-time 2026-01-01 --end-time 2026-02-01 --output ndjson

  # Many instances, ids read from a file, as CSV
  rds-backups list --instance-id - --all --output csv < instances.txt";

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
/// failure after a request was attempted; 3 (check only) an instance has no
/// recent enough backup; 130 stopped by ctrl-c.
#[derive(Debug, Parser)]
#[command(name = "rds-backups", version, max_term_width = 100, after_long_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub connection: Connection,

    #[command(flatten)]
    pub credentials: CredentialArgs,

    /// More logs on stderr (repeatable); RUST_LOG wins when set
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = heading::OUTPUT)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

/// Where requests go and how they are sent.
#[derive(Debug, Args)]
#[command(next_help_heading = heading::CONNECTION)]
pub struct Connection {
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

    /// Language of error messages, sent as X-Language
    #[arg(long, global = true, value_enum)]
    pub language: Option<LanguageArg>,

    /// Per-attempt timeout in seconds
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_secs)]
    pub timeout: Option<Duration>,

    /// Time limit for one request in seconds, retries and waits for
    /// throttling included [default: 120]
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_secs)]
    pub deadline: Option<Duration>,

    /// Attempts per request, the first included
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: Option<u32>,

    /// At most N requests per second, retries included (the client also
    /// slows down by itself when the service throttles)
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate: Option<u32>,
}

/// Who is asking. AK/SK come from the environment or the credentials file,
/// never from flags.
#[derive(Debug, Args)]
#[command(next_help_heading = heading::CREDENTIALS)]
pub struct CredentialArgs {
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
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List backups of one or more instances
    #[command(after_long_help = EXAMPLES)]
    List(ListArgs),
    /// Count, size and time span of each instance's backups
    #[command(after_long_help = SUMMARY_EXAMPLES)]
    Summary(SummaryArgs),
    /// Whether each instance has a recent enough COMPLETED backup (exit 3 when not)
    #[command(after_long_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Print a shell completion script to standard output
    Completions(CompletionsArgs),
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub instances: Instances,

    #[command(flatten)]
    pub filters: Filters,

    /// Only this backup
    #[arg(long, value_name = "ID", help_heading = heading::FILTERS)]
    pub backup_id: Option<String>,

    /// Backups to skip; with --all, where the walk starts [default: 0]
    #[arg(long, value_name = "N", help_heading = heading::PAGING)]
    pub offset: Option<u32>,

    /// Page size, 1 to 100 [default: 100]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100),
          help_heading = heading::PAGING)]
    pub limit: Option<u32>,

    /// Every page, not just one
    #[arg(long, help_heading = heading::PAGING)]
    pub all: bool,

    /// Requests in flight at once with --all, across every instance
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY, requires = "all",
          value_parser = clap::value_parser!(u32).range(1..=MAX_CONCURRENCY),
          help_heading = heading::PAGING)]
    pub concurrency: u32,

    /// Output format [default: table on a terminal, json otherwise]
    #[arg(long, value_enum, help_heading = heading::OUTPUT)]
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
    /// RFC 4180 CSV with a header row, streamed like ndjson
    Csv,
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
        assert!(before.connection.mock && after.connection.mock);
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
