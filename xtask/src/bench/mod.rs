//! `cargo xtask bench`: the client's benchmarks and the official Python SDK's,
//! in one run on one machine, written to `BENCHMARKS.md`.
//!
//! 1. Builds `rds-mock`, `rds-backups` and the criterion benches of `bench/`
//!    (release) and starts one `rds-mock` process that every listing figure is
//!    taken against.
//! 2. Runs the criterion benches (`parse`, `list`, `sign`) and reads each
//!    median from criterion's `estimates.json`.
//! 3. Runs `bench/peer/peer.py` in the official SDK's venv (the one
//!    `cargo xtask sdk-sign-check` uses): the SDK's response handler on the
//!    same 100-backup body, and its `list_backups` offset loop over the same
//!    10,000 backups.
//! 4. Times `rds-backups list --all --output ndjson` as a whole process and
//!    takes its peak resident memory (GNU `time`, else `/proc/<pid>/status`).
//! 5. Runs the throttling and latency scenarios against fresh `rds-mock`s
//!    started with `--rate-limit` / `--latency`, with the SDK's loop on the
//!    same scenarios ([`throttling`]); `--throttling-only` does this step
//!    alone and updates that section of an existing report.
//! 6. With `--build-time`, times a cold release build of `huaweicloud-rds` in
//!    a fresh target directory (minutes), next to the 181 s it took when rustls
//!    used aws-lc-rs, and lists duplicate crate versions; without it, the last
//!    such measurement is reported with its date. `--build-time-only` does
//!    this step alone and updates that section of an existing report.
//!
//! Benchmarks are not tests: nothing here fails on a slow figure. A missed
//! target is a row that says so, with a note.
//!
//! One file per concern: [`criterion`] and [`peer`] read the two sides' figures,
//! [`cli`] times the command as a process, [`cold_build`] the cold build,
//! [`machine`] describes where it ran, and [`report`] writes `BENCHMARKS.md`.

mod cargo;
mod cli;
mod cold_build;
mod criterion;
mod machine;
mod peer;
mod report;
mod stats;
mod throttling;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::process::Server;
use crate::sdk_signer;
use crate::tools;

use cargo::{build_release_binaries, cargo_logged};
use cold_build::ColdBuild;
use machine::{Machine, load_average};
use report::Figures;

const REPORT: &str = "BENCHMARKS.md";

#[derive(Debug, Default)]
struct Options {
    build_time: bool,
    build_time_only: bool,
    throttling_only: bool,
    quick: bool,
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let mut options = Options::default();
    for arg in args {
        match *arg {
            "--build-time" => options.build_time = true,
            "--build-time-only" => options.build_time_only = true,
            "--throttling-only" => options.throttling_only = true,
            "--quick" => options.quick = true,
            other => return Err(format!("bench: unknown argument `{other}`")),
        }
    }
    let started = Instant::now();
    let target = tools::target_dir(root);
    let work = target.join("bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let log = work.join("bench.log");
    let _ = std::fs::remove_file(&log);
    if options.build_time_only {
        return build_time_only(root, &work, &log);
    }
    if options.throttling_only {
        return throttling_only(root, &work, &log, options.quick);
    }
    let load_before = load_average();

    stage("building rds-mock, rds-backups and the benches (release)");
    build_release_binaries(root, &log)?;
    cargo_logged(
        root,
        &["bench", "-p", "rds-bench", "--no-run"],
        &[],
        &log,
        Duration::from_secs(1800),
    )?;
    let sdk = sdk_signer::official_sdk(root)?;

    let release = target.join("release");
    let mock = Server::start(
        "rds-mock",
        Command::new(release.join("rds-mock")).args(["--port", "0"]),
        &work.join("rds-mock.log"),
        Duration::from_secs(30),
        |out| {
            out.lines()
                .find_map(|l| l.strip_prefix("listening on "))
                .map(|url| url.trim().to_owned())
        },
    )?;
    println!("    rds-mock at {}", mock.url());

    stage(&format!(
        "criterion: parse, list, sign (about 2 minutes; log: {})",
        log.display()
    ));
    let criterion_home = work.join("criterion");
    let _ = std::fs::remove_dir_all(&criterion_home);
    let cpu_out = work.join("cpu.json");
    let _ = std::fs::remove_file(&cpu_out);
    let mut bench_args = vec!["bench", "-p", "rds-bench", "--"];
    if options.quick {
        bench_args.extend(["--warm-up-time", "1", "--measurement-time", "2"]);
    }
    cargo_logged(
        root,
        &bench_args,
        &[
            ("CRITERION_HOME", criterion_home.as_os_str()),
            ("RDS_BENCH_MOCK_URL", mock.url().as_ref()),
            ("RDS_BENCH_CPU_OUT", cpu_out.as_os_str()),
        ],
        &log,
        Duration::from_secs(1800),
    )?;
    let rust = criterion::read_criterion(&criterion_home)?;
    let cpu = criterion::read_cpu(&cpu_out);

    stage("the official Python SDK (huaweicloudsdkrds 3.1.219)");
    let peer = peer::run_peer(root, &sdk, mock.url(), &log, options.quick)?;

    stage("rds-backups list --all --output ndjson, as a whole process");
    let cli = cli::measure_cli(
        &release.join("rds-backups"),
        mock.url(),
        &work,
        options.quick,
    )?;
    drop(mock);

    stage("throttling and latency: the scenarios against rds-mock --rate-limit / --latency");
    let throttled = throttling::measure(&release, &work, Some(&sdk), root, &log, options.quick)?;

    let build = if options.build_time {
        stage("cold release build of huaweicloud-rds (minutes)");
        let build = cold_build::cold_build(root, &work, &log)?;
        build.save(&work.join("cold-build.json"))?;
        Some(build)
    } else {
        ColdBuild::load(&work.join("cold-build.json"))
    };

    let machine = Machine::probe(load_before, load_average(), &peer.python);
    let mut report = report::render(&Figures {
        rust,
        cpu,
        peer,
        cli,
        build,
        machine,
        quick: options.quick,
    });
    let mut section = String::new();
    throttling::render_section(&mut section, &throttled, "cargo xtask bench");
    // Before the cold build, which stays last.
    report = match report.find("## Cold release build") {
        Some(at) => format!("{}{section}{}", &report[..at], &report[at..]),
        None => format!("{report}\n{section}"),
    };
    let path = root.join(REPORT);
    std::fs::write(&path, report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {REPORT} in {:.0}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Only the cold build: measured, saved for the next full run, and put in
/// place of the cold-build section of an existing `BENCHMARKS.md` (the other
/// figures stay as that run wrote them).
fn build_time_only(root: &Path, work: &Path, log: &Path) -> Result<(), String> {
    stage("cold release build of huaweicloud-rds (minutes)");
    let build = cold_build::cold_build(root, work, log)?;
    build.save(&work.join("cold-build.json"))?;
    let mut section = String::new();
    cold_build::render_section(&mut section, Some(&build));
    print!("{section}");
    let path = root.join(REPORT);
    let Ok(report) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let Some(updated) = replace_section(&report, "## Cold release build", &section) else {
        return Err(format!("{REPORT} has no cold-build section to update"));
    };
    std::fs::write(&path, updated).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("updated the cold-build section of {REPORT}");
    Ok(())
}

/// Only the throttling scenarios: measured and put in place of that section
/// of an existing `BENCHMARKS.md` (or appended to it).
fn throttling_only(root: &Path, work: &Path, log: &Path, quick: bool) -> Result<(), String> {
    stage("building rds-mock and rds-backups (release)");
    build_release_binaries(root, log)?;
    let sdk = match sdk_signer::official_sdk(root) {
        Ok(sdk) => Some(sdk),
        Err(e) => {
            println!("    no peer column: {e}");
            None
        }
    };
    stage("throttling and latency: the scenarios against rds-mock --rate-limit / --latency");
    let release = tools::target_dir(root).join("release");
    let rows = throttling::measure(&release, work, sdk.as_ref(), root, log, quick)?;
    let mut section = String::new();
    throttling::render_section(&mut section, &rows, "cargo xtask bench --throttling-only");
    print!("{section}");
    let path = root.join(REPORT);
    let report = std::fs::read_to_string(&path).unwrap_or_default();
    let updated = match replace_section(&report, "## Throttling and latency", &section) {
        Some(updated) => updated,
        None => match report.find("## Cold release build") {
            Some(at) => format!("{}{section}{}", &report[..at], &report[at..]),
            None => format!("{report}\n{section}"),
        },
    };
    std::fs::write(&path, updated).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("updated the throttling section of {REPORT}");
    Ok(())
}

/// `text` with the `## ` section starting at `heading` replaced by `section`
/// (which holds its own heading), up to the next `## ` heading.
fn replace_section(text: &str, heading: &str, section: &str) -> Option<String> {
    let start = text.find(&format!("{heading}\n"))?;
    let rest = &text[start + heading.len()..];
    let end = rest
        .find("\n## ")
        .map_or(text.len(), |i| start + heading.len() + i + 1);
    Some(format!("{}{section}{}", &text[..start], &text[end..]))
}

fn stage(what: &str) {
    println!("==> {what}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_one_section() {
        let text = "# B\n\n## One\n\nold\n\n## Two\n\nkept\n";
        assert_eq!(
            replace_section(text, "## One", "## One\n\nnew\n\n").as_deref(),
            Some("# B\n\n## One\n\nnew\n\n## Two\n\nkept\n")
        );
        assert_eq!(
            replace_section(text, "## Two", "## Two\n\nlast\n").as_deref(),
            Some("# B\n\n## One\n\nold\n\n## Two\n\nlast\n")
        );
        assert_eq!(replace_section(text, "## Three", ""), None);
    }
}
