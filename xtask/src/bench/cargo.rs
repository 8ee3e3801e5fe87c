//! Cargo runs of the benchmark, logged to a file and bounded in time.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::process;

/// The release builds of `rds-mock` and `rds-backups` that the scenarios run.
pub(crate) fn build_release_binaries(root: &Path, log: &Path) -> Result<(), String> {
    cargo_logged(
        root,
        &[
            "build",
            "--release",
            "-p",
            "huaweicloud-rds-mock",
            "-p",
            "rds-backups",
        ],
        &[],
        log,
        Duration::from_secs(1800),
    )
}

pub(crate) fn cargo_logged(
    root: &Path,
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
    log: &Path,
    limit: Duration,
) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let done = process::run_logged(&mut cmd, log, limit)?;
    if done.success() {
        Ok(())
    } else {
        Err(format!(
            "`{}` failed ({}):\n{}",
            process::describe(&cmd),
            done.status,
            done.tail(30)
        ))
    }
}
