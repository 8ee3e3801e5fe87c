//! `rds-backups`: list Huawei Cloud RDS backups from the terminal.

mod args;
mod audit;
mod connect;
mod csv;
mod duration;
mod failure;
mod filters;
mod instances;
mod man;
mod output;
mod progress;
mod table;
mod times;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use huaweicloud_rds::{Error, ListBackups, RdsClient, WalkEvent, WalkOptions};

use crate::args::{Cli, Command, ListArgs, Output};
use crate::connect::{Invocation, connect};
use crate::failure::{EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, Failure};
use crate::output::Sink;
use crate::progress::Progress;

fn main() -> ExitCode {
    let matches = match Cli::command().subcommand(man::command()).try_get_matches() {
        Ok(m) => m,
        Err(e) => return clap_exit(e),
    };
    if let Some(dir) = man::requested(&matches) {
        return write_man_pages(dir);
    }
    let invocation = match Cli::from_arg_matches(&matches) {
        Ok(cli) => Invocation {
            cli,
            project_id_from_flag: from_flag(&matches, "project_id"),
            auth_token_from_flag: from_flag(&matches, "auth_token"),
        },
        Err(e) => return clap_exit(e),
    };
    if let Command::Completions(c) = &invocation.cli.command {
        return print_completions(c.shell);
    }
    init_logging(invocation.cli.verbose);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            // The handler is in place before the run's first step.
            biased;
            // Dropping the run clears the progress bars and cancels the
            // requests in flight; lines already streamed stay whole.
            Ok(()) = tokio::signal::ctrl_c() => Err(Failure {
                code: EXIT_INTERRUPTED,
                message: "interrupted".to_owned(),
            }),
            outcome = run(invocation) => outcome,
        }
    });
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

fn clap_exit(e: clap::Error) -> ExitCode {
    let _ = e.print();
    // --help and --version are not errors.
    if e.use_stderr() {
        ExitCode::from(EXIT_USAGE)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_completions(shell: clap_complete::Shell) -> ExitCode {
    let mut command = Cli::command();
    let mut out = io::stdout().lock();
    clap_complete::generate(shell, &mut command, "rds-backups", &mut out);
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: writing the completion script: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn write_man_pages(dir: &std::path::Path) -> ExitCode {
    match man::write_pages(Cli::command(), dir) {
        Ok(pages) => {
            for page in pages {
                println!("{}", page.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing man pages into {}: {e}", dir.display());
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// The subcommand's arguments are where global flags land when given after
/// `list`; look in both places.
fn from_flag(matches: &clap::ArgMatches, id: &str) -> bool {
    let here = matches.value_source(id) == Some(ValueSource::CommandLine);
    let in_sub = matches
        .subcommand()
        .is_some_and(|(_, sub)| sub.value_source(id) == Some(ValueSource::CommandLine));
    here || in_sub
}

fn init_logging(verbose: u8) {
    // RUST_LOG wins; otherwise -v shows this project's events, -vv and -vvv
    // everything at debug and trace. Secrets are never in any event.
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => spec,
        _ => match verbose {
            0 => "warn".to_owned(),
            1 => "warn,huaweicloud_rds=debug,rds_backups=debug".to_owned(),
            2 => "debug".to_owned(),
            _ => "trace".to_owned(),
        },
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal() && !no_color())
        .init();
}

/// The `NO_COLOR` convention: set and not empty means no colour anywhere.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Runs the subcommand; `Ok` carries the exit code of a run that reported
/// its own outcome (`check`'s 3, an instance's error already printed).
async fn run(invocation: Invocation) -> Result<u8, Failure> {
    match &invocation.cli.command {
        Command::List(list) => list_backups(&invocation, list).await.map(|()| 0),
        Command::Summary(args) => audit::summary::run(&invocation, args).await,
        Command::Check(args) => audit::check::run(&invocation, args).await,
        // Printed before the runtime starts.
        Command::Completions(_) => Ok(0),
    }
}

async fn list_backups(invocation: &Invocation, list: &ListArgs) -> Result<(), Failure> {
    let instance_ids = instances::resolve(&list.instances.instance_ids, io::stdin().lock())
        .map_err(Failure::usage)?;
    let requests = filters::requests(&instance_ids, &list.filters, |r| {
        r.backup_id = list.backup_id.clone();
        r.offset = list.offset;
        r.limit = list.limit;
    })?;
    // Keep the mock alive for the whole run.
    let (client, _mock) = connect(invocation).await?;

    let format = list.output.unwrap_or(if io::stdout().is_terminal() {
        Output::Table
    } else {
        Output::Json
    });
    let stdout = io::stdout().lock();
    let sink = Sink::new(format, io::BufWriter::new(stdout), requests.len() > 1);
    match write_backups(&client, list, requests, sink, invocation.cli.verbose).await {
        Ok(()) => Ok(()),
        // A closed stdout (`| head`) is the reader saying it has enough.
        Err(Stop::Closed) => Ok(()),
        Err(Stop::Io(e)) => Err(Failure {
            code: EXIT_FAILURE,
            message: format!("writing output: {e}"),
        }),
        Err(Stop::Api(e)) => Err(naming_the_endpoint(e, &client)),
    }
}

/// A connection failure says what failed but not where: name the endpoint
/// and where it came from, the first thing to check.
fn naming_the_endpoint(error: Error, client: &RdsClient) -> Failure {
    let unreachable = matches!(error, Error::Transport { .. });
    let mut failure = Failure::from(error);
    if unreachable {
        failure.message = format!(
            "{} (endpoint {}, {})",
            failure.message,
            client.endpoint(),
            client.endpoint_source()
        );
    }
    failure
}

/// Why writing stopped.
enum Stop {
    Closed,
    Io(io::Error),
    Api(Error),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Stop::Closed
        } else {
            Stop::Io(e)
        }
    }
}

async fn write_backups<W: Write>(
    client: &RdsClient,
    list: &ListArgs,
    requests: Vec<ListBackups>,
    mut sink: Sink<W>,
    verbose: u8,
) -> Result<(), Stop> {
    if !list.all {
        let single = requests.len() == 1;
        let mut total = None;
        for request in &requests {
            let page = client.list_backups(request).await.map_err(Stop::Api)?;
            total = single.then_some(i64::from(page.total_count));
            sink.page(page.backups)?;
        }
        return Ok(sink.finish(total)?);
    }

    let options = WalkOptions::default().concurrency(list.concurrency as usize);
    let drawing = verbose == 0 && io::stderr().is_terminal();
    let mut progress = Progress::new(drawing, &requests);
    let mut stream = client.list_instances(requests, options);
    while let Some(event) = stream.next_event().await {
        match event {
            WalkEvent::Counted {
                instance,
                total_count,
            } => progress.counted(instance, total_count),
            WalkEvent::Backups { instance, backups } => {
                progress.page(instance, backups.len());
                if sink.streams() {
                    progress.suspend(|| sink.page(backups))?;
                } else {
                    sink.page(backups)?;
                }
            }
            WalkEvent::Finished { instance, .. } => progress.finished(instance),
            WalkEvent::Failed { error, .. } => {
                progress.clear();
                return Err(Stop::Api(error));
            }
            _ => {}
        }
    }
    progress.done();
    Ok(sink.finish(None)?)
}
