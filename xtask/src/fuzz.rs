//! `cargo xtask fuzz`: every fuzz target in `fuzz/`, for a bounded number of runs.
//!
//! Installs a pinned cargo-fuzz into `<target>/fuzz-tools` (reused while its
//! version matches), builds the targets on the stable toolchain with
//! `--sanitizer none` (no `-Z` flag is passed then, so no nightly and no
//! `RUSTC_BOOTSTRAP`), and runs each one from the committed seed corpus
//! (`fuzz/corpus/<target>/`) for at most `--runs` inputs or `--seconds`
//! seconds. New inputs libFuzzer keeps go to a scratch folder
//! (`<target>/fuzz-work/<target>/`), never into the committed corpus; a crash
//! fails the task and leaves its input in `fuzz/artifacts/<target>/`. Copy
//! such an input into `fuzz/corpus/<target>/` and the plain `cargo test`
//! replay (`tests/tests/fuzz_corpus.rs`) keeps it as a regression test.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::process::{self, tail};

/// The cargo-fuzz release this task installs: `cargo install --locked` of this
/// exact version, so every machine fuzzes with the same tool.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// The targets, as `[[bin]]`s in `fuzz/Cargo.toml` and folders in `fuzz/corpus/`.
const TARGETS: [&str; 3] = ["parse_response", "parse_time", "canonical_query"];

const DEFAULT_RUNS: u64 = 1_000_000;
const DEFAULT_SECONDS: u64 = 60;
/// The largest input libFuzzer makes; a response page of a few backups fits.
const MAX_LEN: u32 = 4096;
/// One input taking longer than this is a failure (a hang), in seconds.
const INPUT_TIMEOUT: u32 = 10;
/// Installing cargo-fuzz or building the targets from cold, on a busy machine.
const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);

struct Options {
    runs: u64,
    seconds: u64,
    targets: Vec<&'static str>,
}

fn parse_args(args: &[&str]) -> Result<Options, String> {
    let mut options = Options {
        runs: DEFAULT_RUNS,
        seconds: DEFAULT_SECONDS,
        targets: Vec::new(),
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--runs" | "--seconds" => {
                let value = rest
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .filter(|v| *v > 0)
                    .ok_or_else(|| format!("{arg} needs a positive number"))?;
                if *arg == "--runs" {
                    options.runs = value;
                } else {
                    options.seconds = value;
                }
            }
            name => match TARGETS.iter().find(|t| **t == name) {
                Some(t) => options.targets.push(t),
                None => {
                    return Err(format!(
                        "unknown fuzz target `{name}` (targets: {})",
                        TARGETS.join(", ")
                    ));
                }
            },
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.to_vec();
    }
    Ok(options)
}

/// What one target's run came to.
struct Outcome {
    target: &'static str,
    runs: Option<u64>,
    seconds: f64,
    coverage: Option<String>,
    kept: usize,
    failure: Option<String>,
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let options = parse_args(args)?;
    let target_dir = target_dir(root);
    let work = target_dir.join("fuzz-work");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let fuzz_dir = root.join("fuzz");

    // Refuse a stale fuzz/Cargo.lock up front: cargo-fuzz builds without --locked.
    let mut locked = Command::new(cargo());
    locked.current_dir(&fuzz_dir).args([
        "metadata",
        "--locked",
        "--format-version",
        "1",
        "--no-deps",
    ]);
    let (status, log) = run_logged(&mut locked, &work.join("lock-check.log"), BUILD_LIMIT)?;
    if !status.success() {
        return Err(format!(
            "fuzz/Cargo.lock is out of date (update it with `cargo update` in fuzz/):\n{}",
            tail(&log, 10)
        ));
    }

    let cargo_fuzz = install_cargo_fuzz(&target_dir.join("fuzz-tools"), &work)?;

    let _ = std::fs::remove_file(work.join("build.log"));
    let build_start = Instant::now();
    println!("==> building fuzz targets (release, --sanitizer none, stable) ...");
    for target in &options.targets {
        let mut build = fuzz_command(&cargo_fuzz, &fuzz_dir, &target_dir, "build");
        build.arg(target);
        let (status, log) = run_logged(&mut build, &work.join("build.log"), BUILD_LIMIT)?;
        if !status.success() {
            return Err(format!(
                "building fuzz target {target} failed:\n{}",
                tail(&log, 40)
            ));
        }
    }
    println!(
        "<== built in {:.1}s (log: {})",
        build_start.elapsed().as_secs_f64(),
        work.join("build.log").display()
    );

    let mut outcomes = Vec::new();
    for target in &options.targets {
        outcomes.push(run_target(
            &cargo_fuzz,
            root,
            &target_dir,
            &work,
            target,
            &options,
        )?);
    }

    println!();
    println!(
        "{:<16} {:>10} {:>8} {:>12} {:>6}  result",
        "target", "runs", "seconds", "coverage", "kept"
    );
    for o in &outcomes {
        println!(
            "{:<16} {:>10} {:>8.1} {:>12} {:>6}  {}",
            o.target,
            o.runs.map_or_else(|| "?".to_owned(), |r| r.to_string()),
            o.seconds,
            o.coverage.as_deref().unwrap_or("?"),
            o.kept,
            if o.failure.is_some() {
                "CRASH"
            } else {
                "ok, 0 crashes"
            }
        );
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    if failed.is_empty() {
        println!(
            "fuzz: {} target(s), 0 crashes (kept inputs are in {}; the committed corpus is unchanged)",
            outcomes.len(),
            work.display()
        );
        Ok(())
    } else {
        for o in &failed {
            eprintln!(
                "\n--- {} ---\n{}",
                o.target,
                o.failure.as_deref().unwrap_or_default()
            );
        }
        Err(format!(
            "{} fuzz target(s) crashed: {}",
            failed.len(),
            failed
                .iter()
                .map(|o| o.target)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

fn run_target(
    cargo_fuzz: &Path,
    root: &Path,
    target_dir: &Path,
    work: &Path,
    target: &'static str,
    options: &Options,
) -> Result<Outcome, String> {
    let scratch = work.join(target);
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let seeds = root.join("fuzz/corpus").join(target);
    let log_path = work.join(format!("{target}.log"));
    let _ = std::fs::remove_file(&log_path);

    println!(
        "==> fuzz {target}: at most {} runs or {}s",
        options.runs, options.seconds
    );
    let mut cmd = fuzz_command(cargo_fuzz, &root.join("fuzz"), target_dir, "run");
    // libFuzzer writes new inputs into the first corpus folder: the scratch one.
    cmd.arg(target).arg(&scratch).arg(&seeds).arg("--").args([
        format!("-runs={}", options.runs),
        format!("-max_total_time={}", options.seconds),
        format!("-max_len={MAX_LEN}"),
        format!("-timeout={INPUT_TIMEOUT}"),
        "-print_final_stats=1".to_owned(),
    ]);
    let start = Instant::now();
    let limit = Duration::from_secs(options.seconds) + BUILD_LIMIT;
    let (status, log) = run_logged(&mut cmd, &log_path, limit)?;
    let seconds = start.elapsed().as_secs_f64();

    let runs = last_number_after(&log, "Done ")
        .or_else(|| last_number_after(&log, "stat::number_of_executed_units:"));
    let coverage = log
        .lines()
        .rev()
        .find_map(|l| l.split_once("cov: ").map(|(_, rest)| rest))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned);
    let kept = std::fs::read_dir(&scratch).map_or(0, |d| d.count());
    let failure = (!status.success()).then(|| {
        let lines: Vec<&str> = log.lines().collect();
        let panic = lines
            .iter()
            .position(|l| l.contains("panicked at"))
            .map(|i| lines[i..lines.len().min(i + 3)].join("\n"))
            .unwrap_or_default();
        format!(
            "cargo fuzz exited with {status} (full log: {}):\n{panic}\n...\n{}\n\
             Copy the failing input into fuzz/corpus/{target}/ and `cargo test` replays it.",
            log_path.display(),
            tail(&log, 30)
        )
    });
    println!(
        "<== {target}: {} runs in {seconds:.1}s, {}",
        runs.map_or_else(|| "?".to_owned(), |r| r.to_string()),
        if failure.is_some() {
            "CRASH"
        } else {
            "0 crashes"
        }
    );
    Ok(Outcome {
        target,
        runs,
        seconds,
        coverage,
        kept,
        failure,
    })
}

/// `cargo-fuzz fuzz <sub> --fuzz-dir fuzz --sanitizer none --target-dir <target>/fuzz`.
fn fuzz_command(cargo_fuzz: &Path, fuzz_dir: &Path, target_dir: &Path, sub: &str) -> Command {
    let mut cmd = Command::new(cargo_fuzz);
    cmd.current_dir(fuzz_dir.parent().unwrap_or(fuzz_dir))
        .arg("fuzz")
        .arg(sub)
        .arg("--fuzz-dir")
        .arg(fuzz_dir)
        .args(["--sanitizer", "none"])
        .arg("--target-dir")
        .arg(target_dir.join("fuzz"));
    cmd
}

/// The pinned cargo-fuzz, installed into `tools` unless it is already there.
fn install_cargo_fuzz(tools: &Path, work: &Path) -> Result<PathBuf, String> {
    let bin = tools.join("bin").join("cargo-fuzz");
    let want = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
    let installed = Command::new(&bin)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned());
    if installed.as_deref() == Some(want.as_str()) {
        println!("==> {want}: reusing {}", bin.display());
        return Ok(bin);
    }
    println!(
        "==> installing {want} into {} (cargo install --locked --debug; compiles it, a minute or two) ...",
        tools.display()
    );
    let start = Instant::now();
    // `--debug`: cargo-fuzz only drives cargo and the target binaries (which it
    // builds optimised), so its own speed does not matter; a debug build of it
    // compiles in well under half the time of a release one.
    let mut install = Command::new(cargo());
    install
        .args(["install", "--locked", "--debug", "--force"])
        .arg(format!("cargo-fuzz@{CARGO_FUZZ_VERSION}"))
        .arg("--root")
        .arg(tools);
    let log = work.join("install-cargo-fuzz.log");
    let (status, text) = run_logged(&mut install, &log, BUILD_LIMIT)?;
    if !status.success() {
        return Err(format!(
            "installing {want} failed (log: {}):\n{}",
            log.display(),
            tail(&text, 30)
        ));
    }
    println!("<== installed in {:.1}s", start.elapsed().as_secs_f64());
    Ok(bin)
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// `CARGO_TARGET_DIR` when set, else `<root>/target`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// [`process::run_logged`], as the status and what the command wrote.
fn run_logged(
    cmd: &mut Command,
    log: &Path,
    limit: Duration,
) -> Result<(ExitStatus, String), String> {
    process::run_logged(cmd, log, limit).map(|f| (f.status, f.output))
}

/// The number right after the last `marker` in `text`, e.g. `Done 20000 runs`.
fn last_number_after(text: &str, marker: &str) -> Option<u64> {
    text.lines().rev().find_map(|line| {
        let (_, rest) = line.split_once(marker)?;
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        let o = parse_args(&[]).unwrap();
        assert_eq!(
            (o.runs, o.seconds, o.targets),
            (DEFAULT_RUNS, DEFAULT_SECONDS, TARGETS.to_vec())
        );
        let o = parse_args(&["--runs", "10", "parse_time", "--seconds", "5"]).unwrap();
        assert_eq!((o.runs, o.seconds, o.targets), (10, 5, vec!["parse_time"]));
        assert!(parse_args(&["--runs", "0"]).is_err());
        assert!(parse_args(&["--runs"]).is_err());
        assert!(parse_args(&["nope"]).is_err());
    }

    #[test]
    fn reads_libfuzzer_summary() {
        let log = "#19549\tREDUCE cov: 336 ft: 743\n#20000\tDONE   cov: 336 ft: 743\nDone 20000 runs in 0 second(s)\n";
        assert_eq!(last_number_after(log, "Done "), Some(20000));
        assert_eq!(last_number_after(log, "nothing"), None);
    }

    #[test]
    fn targets_match_the_fuzz_crate() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let manifest = std::fs::read_to_string(root.join("fuzz/Cargo.toml")).unwrap();
        for target in TARGETS {
            assert!(
                manifest.contains(&format!("name = \"{target}\"")),
                "{target}"
            );
            assert!(root.join("fuzz/corpus").join(target).is_dir(), "{target}");
        }
    }
}
