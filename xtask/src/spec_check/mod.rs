//! `cargo xtask spec-check`: `spec/openapi.yaml` through eight third-party tools.
//!
//! ```text
//! cargo xtask spec-check [--require-all] [--only ID,ID...]
//! cargo xtask spec-check --planted [--require-all] [--only ID,ID...]
//! ```
//!
//! The tools are installed into `<target>/spec-tools/` (see [`crate::tools`]); the
//! work (generated clients, logs, planted copies of the spec) goes to
//! `<target>/spec-check/`. Servers (rds-mock, Prism) listen on 127.0.0.1 only and are
//! stopped when the check that started them ends.
//!
//! `--planted` proves that each check resting on a committed config, usage file or
//! script fails on a copy of the spec with one planted defect of the kind it exists
//! for (see [`planted`]).
//!
//! A check whose runtime is missing (no Node, Python or Java) is skipped with the
//! reason, never passed. The run fails when a check fails, when a check is skipped
//! for any other reason, and, with `--require-all` (CI), when anything is skipped.

mod checks;
mod mock;
mod planted;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::process::Server;
use crate::tools::{self, Installer, NodeTools, PythonTools, Unavailable};

pub use checks::CHECKS;

const USAGE: &str = "usage: cargo xtask spec-check [--planted] [--require-all] [--only ID[,ID...]]";

/// What a check needs before it can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Node,
    Python,
    Java,
    /// rds-mock (and rds-backups, when built) and the mock's facts.
    Workspace,
}

/// One check of the table.
#[derive(Debug)]
pub struct Check {
    pub number: u8,
    pub id: &'static str,
    pub title: &'static str,
    pub needs: &'static [Need],
    pub run: fn(&mut Ctx, &Job) -> Outcome,
}

/// How a check ended.
#[derive(Debug)]
pub enum Outcome {
    Passed(String),
    Failed(String),
    /// Not run; `runtime_missing` when the machine lacks Node, Python or Java.
    Skipped {
        reason: String,
        runtime_missing: bool,
    },
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Passed(_) => "passed",
            Outcome::Failed(_) => "FAILED",
            Outcome::Skipped { .. } => "skipped",
        }
    }

    fn detail(&self) -> &str {
        match self {
            Outcome::Passed(d) | Outcome::Failed(d) => d,
            Outcome::Skipped { reason, .. } => reason,
        }
    }

    fn from_unavailable(u: &Unavailable) -> Outcome {
        match u {
            Unavailable::Missing(why) => Outcome::Skipped {
                reason: why.clone(),
                runtime_missing: true,
            },
            Unavailable::Broken(why) => Outcome::Failed(why.clone()),
        }
    }
}

/// One run of one check: which spec, where its log and scratch files go.
#[derive(Debug)]
pub struct Job {
    /// Absolute path of the spec to check (the real one or a planted copy).
    pub spec: PathBuf,
    /// The check's log: every command it ran, with its output.
    pub log: PathBuf,
    /// A folder of its own, emptied before the check runs.
    pub scratch: PathBuf,
}

/// The workspace's programs and the mock's facts, once built and read.
#[derive(Debug)]
pub struct Workspace {
    pub mock_exe: PathBuf,
    /// `rds-backups`, or why it cannot be used yet.
    pub cli_exe: Result<PathBuf, String>,
    pub facts: mock::MockFacts,
}

/// Shared state of a spec-check run: the root, installed tools, built programs, and
/// the signature-checking rds-mock that checks 5 and 7 share.
#[derive(Debug)]
pub struct Ctx {
    pub root: PathBuf,
    pub work: PathBuf,
    installer: Installer,
    node: Option<Result<NodeTools, Unavailable>>,
    python: Option<Result<PythonTools, Unavailable>>,
    java: Option<Result<String, Unavailable>>,
    workspace: Option<Result<Workspace, String>>,
    mock: Option<Server>,
}

impl Ctx {
    fn new(root: &Path) -> Ctx {
        let target = tools::target_dir(root);
        let work = target.join("spec-check");
        Ctx {
            root: root.to_owned(),
            installer: Installer::new(root, &target, work.join("logs").join("install.log")),
            work,
            node: None,
            python: None,
            java: None,
            workspace: None,
            mock: None,
        }
    }

    pub fn node(&mut self) -> Result<NodeTools, Outcome> {
        let installer = &self.installer;
        self.node
            .get_or_insert_with(|| installer.node())
            .clone()
            .map_err(|u| Outcome::from_unavailable(&u))
    }

    pub fn python(&mut self) -> Result<PythonTools, Outcome> {
        let installer = &self.installer;
        self.python
            .get_or_insert_with(|| installer.python())
            .clone()
            .map_err(|u| Outcome::from_unavailable(&u))
    }

    pub fn java(&mut self) -> Result<String, Outcome> {
        let installer = &self.installer;
        self.java
            .get_or_insert_with(|| installer.java())
            .clone()
            .map_err(|u| Outcome::from_unavailable(&u))
    }

    pub fn workspace(&mut self) -> Result<&Workspace, Outcome> {
        if self.workspace.is_none() {
            let built = self.build_workspace();
            self.workspace = Some(built);
        }
        match self.workspace.as_ref() {
            Some(Ok(ws)) => Ok(ws),
            Some(Err(why)) => Err(Outcome::Failed(why.clone())),
            None => Err(Outcome::Failed("workspace programs not built".into())),
        }
    }

    fn build_workspace(&self) -> Result<Workspace, String> {
        let log = self.work.join("logs").join("cargo-build.log");
        let _ = std::fs::remove_file(&log);
        let facts = mock::MockFacts::read(&self.root)?;
        let start = Instant::now();
        let mock_exe = mock::build(&self.root, "huaweicloud-rds-mock", "rds-mock", &log)?;
        let cli_exe = mock::build(&self.root, "rds-backups", "rds-backups", &log)
            .and_then(|exe| cli_ready(&exe).map(|()| exe));
        println!(
            "    rust programs: rds-mock built; rds-backups {}; in {:.1}s",
            match &cli_exe {
                Ok(_) => "built".to_owned(),
                Err(why) => format!("NOT usable ({why})"),
            },
            start.elapsed().as_secs_f64()
        );
        Ok(Workspace {
            mock_exe,
            cli_exe,
            facts,
        })
    }

    /// The shared rds-mock that checks credentials (started on first use).
    pub fn mock(&mut self) -> Result<(String, mock::MockFacts), Outcome> {
        let (exe, facts) = {
            let ws = self.workspace()?;
            (ws.mock_exe.clone(), ws.facts.clone())
        };
        if self.mock.is_none() {
            let log = self.work.join("logs").join("rds-mock.log");
            let server = mock::start(&exe, true, &log).map_err(Outcome::Failed)?;
            self.mock = Some(server);
        }
        let url = self
            .mock
            .as_ref()
            .map(|s| s.url().to_owned())
            .unwrap_or_default();
        Ok((url, facts))
    }

    fn prepare(&mut self, needs: &[Need]) {
        for need in needs {
            // Errors are kept and reported by every check that needs the tool.
            let _ = match need {
                Need::Node => self.node().map(drop),
                Need::Python => self.python().map(drop),
                Need::Java => self.java().map(drop),
                Need::Workspace => self.workspace().map(drop),
            };
        }
    }

    fn job(&self, name: &str, spec: &Path) -> Result<Job, String> {
        let scratch = self.work.join(name);
        let log = self.work.join("logs").join(format!("{name}.log"));
        let _ = std::fs::remove_dir_all(&scratch);
        let _ = std::fs::remove_file(&log);
        std::fs::create_dir_all(&scratch)
            .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
        Ok(Job {
            spec: spec.to_owned(),
            log,
            scratch,
        })
    }
}

/// `rds-backups` is usable once it takes the options spec-check passes it.
fn cli_ready(exe: &Path) -> Result<(), String> {
    let help = std::process::Command::new(exe)
        .arg("--help")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let text = String::from_utf8_lossy(&help.stdout);
    if text.contains("--endpoint") {
        Ok(())
    } else {
        Err("rds-backups not built yet: its --help offers no --endpoint".into())
    }
}

#[derive(Debug, Default)]
struct Options {
    planted: bool,
    require_all: bool,
    only: Option<Vec<String>>,
}

fn parse(args: &[&str]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--planted" => options.planted = true,
            "--require-all" => options.require_all = true,
            "--only" => {
                let list = rest
                    .next()
                    .ok_or_else(|| format!("--only needs a list\n{USAGE}"))?;
                let ids: Vec<String> = list.split(',').map(|s| s.trim().to_owned()).collect();
                for id in &ids {
                    if !CHECKS
                        .iter()
                        .any(|c| c.id == id || c.number.to_string() == *id)
                    {
                        let known: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
                        return Err(format!(
                            "unknown check `{id}`; checks: {}",
                            known.join(", ")
                        ));
                    }
                }
                options.only = Some(ids);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(options)
}

fn selected(check: &Check, only: Option<&Vec<String>>) -> bool {
    only.is_none_or(|ids| {
        ids.iter()
            .any(|id| id == check.id || *id == check.number.to_string())
    })
}

/// One line of the closing table.
struct Row {
    name: String,
    outcome: Outcome,
    seconds: f64,
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let options = parse(args)?;
    let mut ctx = Ctx::new(root);
    std::fs::create_dir_all(ctx.work.join("logs"))
        .map_err(|e| format!("cannot create {}: {e}", ctx.work.display()))?;
    let start = Instant::now();
    let rows = if options.planted {
        planted::run(&mut ctx, options.only.as_ref())?
    } else {
        run_checks(&mut ctx, options.only.as_ref())?
    };
    // Stop the shared mock before the summary.
    ctx.mock = None;
    report(
        &rows,
        options.planted,
        start.elapsed().as_secs_f64(),
        options.require_all,
    )
}

fn run_checks(ctx: &mut Ctx, only: Option<&Vec<String>>) -> Result<Vec<Row>, String> {
    let checks: Vec<&Check> = CHECKS.iter().filter(|c| selected(c, only)).collect();
    setup(ctx, &checks);
    let spec = ctx.root.join("spec").join("openapi.yaml");
    let mut rows = Vec::new();
    for check in checks {
        println!("==> [{}/8] {}", check.number, check.title);
        let start = Instant::now();
        let outcome = match ctx.job(check.id, &spec) {
            Ok(job) => {
                let outcome = (check.run)(ctx, &job);
                if !matches!(outcome, Outcome::Passed(_)) {
                    println!("    log: {}", job.log.display());
                }
                outcome
            }
            Err(why) => Outcome::Failed(why),
        };
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "<== [{}/8] {} {} in {seconds:.1}s: {}",
            check.number,
            check.id,
            outcome.label(),
            outcome.detail()
        );
        rows.push(Row {
            name: format!("{} {}", check.number, check.id),
            outcome,
            seconds,
        });
    }
    Ok(rows)
}

/// Installs the tools and builds the programs the checks need, before any check
/// runs, so that the checks' own times are theirs.
fn setup(ctx: &mut Ctx, checks: &[&Check]) {
    let mut needs: Vec<Need> = Vec::new();
    for need in checks.iter().flat_map(|c| c.needs.iter()) {
        if !needs.contains(need) {
            needs.push(*need);
        }
    }
    let start = Instant::now();
    println!("==> setup: tools and programs ({needs:?})");
    ctx.prepare(&needs);
    println!("<== setup done in {:.1}s", start.elapsed().as_secs_f64());
}

fn report(rows: &[Row], planted: bool, total: f64, require_all: bool) -> Result<(), String> {
    let title = if planted {
        "spec-check --planted"
    } else {
        "spec-check"
    };
    if planted {
        println!("\n{title} summary (a planted check passes when it catches its defect):");
    } else {
        println!("\n{title} summary:");
    }
    for row in rows {
        let first_line = row.outcome.detail().lines().next().unwrap_or_default();
        println!(
            "  {:<28} {:<8} {:>6.1}s  {}",
            row.name,
            row.outcome.label(),
            row.seconds,
            first_line
        );
    }
    let passed = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Passed(_)))
        .count();
    let failed = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .count();
    let skipped = rows.len() - passed - failed;
    // The plain closing line CI reads.
    println!(
        "{}: {passed} passed, {failed} failed, {skipped} skipped",
        if planted { "planted" } else { "spec-check" }
    );
    println!("total {total:.1}s");
    let bad_skips: Vec<&Row> = rows
        .iter()
        .filter(|r| match &r.outcome {
            Outcome::Skipped {
                runtime_missing, ..
            } => require_all || !runtime_missing,
            _ => false,
        })
        .collect();
    if failed > 0 || !bad_skips.is_empty() {
        let mut why = Vec::new();
        if failed > 0 {
            why.push(format!("{failed} failed"));
        }
        if !bad_skips.is_empty() {
            why.push(format!(
                "{} skipped on a machine that must run them ({})",
                bad_skips.len(),
                bad_skips
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        return Err(format!("{title}: {}", why.join("; ")));
    }
    Ok(())
}
