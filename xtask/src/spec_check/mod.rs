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
mod model;
mod planted;

use std::path::Path;
use std::time::Instant;

pub use checks::CHECKS;
use model::{Check, Ctx, Outcome, Row, selected};

const USAGE: &str = "usage: cargo xtask spec-check [--planted] [--require-all] [--only ID[,ID...]]";

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
    ctx.set_up(&checks);
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
