//! `cargo xtask stress [N]`: the concurrency-heavy suites, N times in a row.
//!
//! A test that passes once can still fail one run in ten on a busy or an idle
//! machine. This builds the suites once (`cargo test --no-run`), then runs
//! their test binaries N times (default 20), as `cargo test` would (from the
//! package's directory), and stops at the first failure with the run, the
//! binary and the failing tests. The suites: the pagination and client fault
//! suites of `tests/`, every test of the CLI (end-to-end and faults) and of
//! the mock.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::process;
use crate::tools;

const USAGE: &str = "usage: cargo xtask stress [N]   (N runs, default 20)";
const DEFAULT_RUNS: u32 = 20;
/// Only a hang is caught: one run of one binary takes seconds.
const RUN_LIMIT: Duration = Duration::from_secs(900);

/// Which test targets of which package; `None` is every test target,
/// unit tests included. Names that a package no longer has are skipped.
const SUITES: &[(&str, Option<&[&str]>)] = &[
    (
        "rds-tests",
        Some(&["pagination", "fault_matrix", "throttling", "rate_cap"]),
    ),
    ("rds-backups", None),
    ("huaweicloud-rds-mock", None),
];

/// One test binary, built once and run many times.
#[derive(Debug)]
struct Binary {
    /// `package/target`, for messages.
    name: String,
    executable: PathBuf,
    /// The package's directory: `cargo test` runs each binary there.
    dir: PathBuf,
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let runs = match args {
        [] => DEFAULT_RUNS,
        [n] => n
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("stress: `{n}` is not a positive number\n{USAGE}"))?,
        _ => return Err(USAGE.to_owned()),
    };
    let work = tools::target_dir(root).join("stress");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let log = work.join("build.log");
    let _ = std::fs::remove_file(&log);

    println!("==> building the suites once");
    let metadata = package_targets(root, &log)?;
    let mut binaries = Vec::new();
    for (package, wanted) in SUITES {
        binaries.extend(build(root, package, *wanted, &metadata, &log)?);
    }
    for binary in &binaries {
        println!("    {}", binary.name);
    }

    let started = Instant::now();
    for run in 1..=runs {
        let mut tests = 0;
        for binary in &binaries {
            let run_log = work.join(format!("{}.log", binary.name.replace('/', "-")));
            let _ = std::fs::remove_file(&run_log);
            let mut cmd = Command::new(&binary.executable);
            cmd.current_dir(&binary.dir)
                .arg("--color")
                .arg("never")
                .env("CARGO_MANIFEST_DIR", &binary.dir);
            let done = process::run_logged(&mut cmd, &run_log, RUN_LIMIT)
                .map_err(|e| format!("run {run} of {runs}: {}: {e}", binary.name))?;
            if !done.success() {
                return Err(format!(
                    "run {run} of {runs}: {} failed ({}); {} runs passed before it\n\
                     failing tests: {}\n{}\n(log: {})",
                    binary.name,
                    done.status,
                    run - 1,
                    failing_tests(&done.output).join(", "),
                    done.tail(40),
                    run_log.display()
                ));
            }
            tests += passed_tests(&done.output);
        }
        println!(
            "run {run}/{runs}: {tests} tests passed ({:.0}s so far)",
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "{runs} of {runs} runs passed: {} test binaries each, in {:.0}s",
        binaries.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `package name -> its test target names`, from `cargo metadata`.
fn package_targets(root: &Path, log: &Path) -> Result<Vec<(String, Vec<String>)>, String> {
    let out = process::capture(
        cargo(root).args(["metadata", "--no-deps", "--format-version", "1"]),
        log,
        Duration::from_secs(300),
    )?;
    let value: Value =
        serde_json::from_str(&out).map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    let packages = value["packages"].as_array().cloned().unwrap_or_default();
    Ok(packages
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            let tests = p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| {
                    t["kind"]
                        .as_array()
                        .is_some_and(|k| k.iter().any(|k| k == "test"))
                })
                .filter_map(|t| t["name"].as_str().map(str::to_owned))
                .collect();
            (name, tests)
        })
        .collect())
}

/// Builds the wanted test binaries of `package` and says where they are.
fn build(
    root: &Path,
    package: &str,
    wanted: Option<&[&str]>,
    metadata: &[(String, Vec<String>)],
    log: &Path,
) -> Result<Vec<Binary>, String> {
    let mut cmd = cargo(root);
    cmd.args([
        "test",
        "--no-run",
        "--message-format",
        "json-render-diagnostics",
        "-p",
        package,
    ]);
    match wanted {
        None => {
            cmd.arg("--tests");
        }
        Some(names) => {
            let (_, present) = metadata
                .iter()
                .find(|(name, _)| name == package)
                .ok_or_else(|| format!("the workspace has no package {package}"))?;
            let chosen: Vec<&&str> = names
                .iter()
                .filter(|n| present.iter().any(|p| p == **n))
                .collect();
            if chosen.is_empty() {
                return Ok(Vec::new());
            }
            for name in chosen {
                cmd.args(["--test", name]);
            }
        }
    }
    let out = process::capture(&mut cmd, log, Duration::from_secs(3600))?;
    Ok(test_binaries(package, &out))
}

/// The test executables in cargo's JSON messages.
fn test_binaries(package: &str, messages: &str) -> Vec<Binary> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["profile"]["test"] == true)
        .filter_map(|m| {
            let executable = PathBuf::from(m["executable"].as_str()?);
            let dir = Path::new(m["manifest_path"].as_str()?).parent()?.to_owned();
            let target = m["target"]["name"].as_str()?;
            let kind = m["target"]["kind"][0].as_str().unwrap_or("test");
            let name = if kind == "test" {
                format!("{package}/{target}")
            } else {
                format!("{package}/{target} ({kind} unit tests)")
            };
            Some(Binary {
                name,
                executable,
                dir,
            })
        })
        .collect()
}

fn cargo(root: &Path) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root);
    cmd
}

/// The tests libtest reported as failed.
fn failing_tests(output: &str) -> Vec<String> {
    let mut failed: Vec<String> = output
        .lines()
        .filter_map(|l| l.strip_prefix("test ")?.strip_suffix(" ... FAILED"))
        .map(str::to_owned)
        .collect();
    failed.dedup();
    if failed.is_empty() {
        failed.push("none reported (a crash or a hang? see the log)".to_owned());
    }
    failed
}

/// The sum of libtest's `N passed` over its result lines.
fn passed_tests(output: &str) -> u64 {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "running 3 tests\ntest a ... ok\ntest walk::b ... FAILED\n\
                          test c ... ignored\n\nfailures:\n\n---- walk::b stdout ----\n\
                          test result: FAILED. 1 passed; 1 failed; 1 ignored\n";

    #[test]
    fn reads_libtest_output() {
        assert_eq!(failing_tests(OUTPUT), vec!["walk::b".to_owned()]);
        assert_eq!(passed_tests(OUTPUT), 0);
        let ok =
            "test result: ok. 12 passed; 0 failed\nmore\ntest result: ok. 3 passed; 0 failed\n";
        assert_eq!(passed_tests(ok), 15);
        assert_eq!(
            failing_tests("thread panicked"),
            vec!["none reported (a crash or a hang? see the log)".to_owned()]
        );
    }

    #[test]
    fn finds_test_executables_in_cargo_messages() {
        let messages = [
            r#"{"reason":"compiler-artifact","manifest_path":"/w/tests/Cargo.toml","target":{"name":"pagination","kind":["test"]},"profile":{"test":true},"executable":"/t/debug/deps/pagination-1"}"#,
            r#"{"reason":"compiler-artifact","manifest_path":"/w/mock/Cargo.toml","target":{"name":"huaweicloud_rds_mock","kind":["lib"]},"profile":{"test":true},"executable":"/t/debug/deps/mock-2"}"#,
            r#"{"reason":"compiler-artifact","manifest_path":"/w/mock/Cargo.toml","target":{"name":"huaweicloud_rds_mock","kind":["lib"]},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "not json",
        ]
        .join("\n");
        let found = test_binaries("p", &messages);
        let names: Vec<(&str, &Path, &Path)> = found
            .iter()
            .map(|b| (b.name.as_str(), b.executable.as_path(), b.dir.as_path()))
            .collect();
        assert_eq!(
            names,
            vec![
                (
                    "p/pagination",
                    Path::new("/t/debug/deps/pagination-1"),
                    Path::new("/w/tests")
                ),
                (
                    "p/huaweicloud_rds_mock (lib unit tests)",
                    Path::new("/t/debug/deps/mock-2"),
                    Path::new("/w/mock")
                ),
            ]
        );
    }
}
