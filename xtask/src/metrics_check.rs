//! `cargo xtask metrics-check`: the Prometheus output of `rds-backups check`
//! must be what a real parser reads.
//!
//! Runs the real binary against its embedded mock (`--mock`) on instances that
//! are fresh, stale, empty, erroring, and one whose id needs label escaping,
//! then has `xtask/python/prometheus_check.py`, in a venv with the official
//! `prometheus_client` installed (`target/prometheus-venv`), parse the text
//! and compare every sample with the JSON report of the same check.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::venv::{run_step, target_dir};

const REQUIREMENT: &str = "prometheus-client==0.26.0";
const SCRIPT: &str = "xtask/python/prometheus_check.py";

/// Instances of the embedded mock: 13 backups from mid-2024, none, a fault
/// that always answers 500, and an unknown id that needs escaping as a label.
const INSTANCES: [&str; 4] = [
    "7c4e1a52d3b94f0e8a6d2c9b1f3e5a70in01",
    "e0e0e0e0a1b24c3d8e9f0a1b2c3d4e50in01",
    "fault-500",
    r#"label "quoted" \ backslash"#,
];

/// Each window makes the first instance fresh (years) or stale (an hour).
const MAX_AGES: [&str; 2] = ["1000w", "1h"];

pub fn run(root: &Path) -> Result<(), String> {
    let target = target_dir(root);
    let python = crate::venv::ensure(
        &target.join("prometheus-venv"),
        REQUIREMENT,
        "prometheus_client.parser",
    )?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run_step(
        "building rds-backups",
        Command::new(cargo).current_dir(root).args([
            "build",
            "--quiet",
            "-p",
            "rds-backups",
            "--bin",
            "rds-backups",
        ]),
    )?;
    let binary = target
        .join("debug")
        .join(format!("rds-backups{}", std::env::consts::EXE_SUFFIX));

    let work = target.join("metrics-check");
    let home = work.join("home");
    std::fs::create_dir_all(&home).map_err(|e| format!("cannot create {}: {e}", home.display()))?;
    for max_age in MAX_AGES {
        let exposition = work.join(format!("check-{max_age}.prom"));
        let report = work.join(format!("check-{max_age}.json"));
        for (format, file) in [("prometheus", &exposition), ("json", &report)] {
            let out = check(&binary, &home, max_age, format)?;
            std::fs::write(file, out)
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        }
        println!("parsing the exposition of check --max-age {max_age}");
        run_step(
            "parsing with prometheus_client",
            Command::new(&python)
                .arg(root.join(SCRIPT))
                .args([&exposition, &report])
                .env("PYTHONNOUSERSITE", "1")
                .env("PYTHONDONTWRITEBYTECODE", "1"),
        )?;
    }
    Ok(())
}

/// Stdout of one check; it must exit 1 (the fault instance fails).
fn check(binary: &PathBuf, home: &Path, max_age: &str, format: &str) -> Result<Vec<u8>, String> {
    let mut command = Command::new(binary);
    command
        .args([
            "--mock",
            "--max-attempts",
            "1",
            "check",
            "--max-age",
            max_age,
        ])
        .args(["--output", format]);
    for id in INSTANCES {
        command.args(["--instance-id", id]);
    }
    // Only the embedded mock on loopback is ever asked.
    let out = command
        .env("HOME", home)
        .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", "http://127.0.0.1:1")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://127.0.0.1:1")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if out.status.code() != Some(1) {
        return Err(format!(
            "check --max-age {max_age} --output {format} exited {}, expected 1 \
             (an instance could not be checked)",
            out.status
        ));
    }
    Ok(out.stdout)
}
