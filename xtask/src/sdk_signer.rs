//! `cargo xtask sdk-sign-check`: the official SDK must sign what the client sent.
//!
//! 1. `tests/examples/capture_wire.rs` drives the real client against a local
//!    listener and records each request exactly as it arrived (request line,
//!    headers in order, the keys that signed it).
//! 2. `xtask/python/official_signer.py`, run in a venv this task owns with the
//!    official Python SDK installed, has the SDK's own `Signer` sign the same
//!    method, URL and headers, and fails unless it produces the same
//!    `Authorization` (and would send the same path and query).
//!
//! The venv lives in `target/sdk-venv` and is reused while its stamp matches;
//! the SDK writes `~/.huaweicloud` on import, so `HOME` points into it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::venv::{run_step, target_dir};

/// What gets installed; `huaweicloudsdkrds` pins `huaweicloudsdkcore`, which holds the signer.
const SDK_REQUIREMENT: &str = "huaweicloudsdkrds==3.1.219";
const SCRIPT: &str = "xtask/python/official_signer.py";

/// The venv with the official SDK, installed on first use (also used by `cargo xtask bench`).
#[derive(Debug)]
pub struct OfficialSdk {
    /// Its interpreter.
    pub python: PathBuf,
    /// A scratch `HOME`: the SDK writes `~/.huaweicloud` on import.
    pub home: PathBuf,
}

/// `target/sdk-venv`, with the SDK installed unless its stamp says it is there.
pub fn official_sdk(root: &Path) -> Result<OfficialSdk, String> {
    let venv = target_dir(root).join("sdk-venv");
    let python = crate::venv::ensure(&venv, SDK_REQUIREMENT, "huaweicloudsdkcore.signer.signer")?;
    let home = venv.join("home");
    std::fs::create_dir_all(&home).map_err(|e| format!("cannot create {}: {e}", home.display()))?;
    Ok(OfficialSdk { python, home })
}

pub fn run(root: &Path) -> Result<(), String> {
    let target = target_dir(root);
    let OfficialSdk { python, home } = official_sdk(root)?;

    let work = target.join("sdk-sign-check");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let captured = work.join("captured.json");
    let _ = std::fs::remove_file(&captured);

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut capture = Command::new(cargo);
    capture
        .current_dir(root)
        .args([
            "run",
            "--quiet",
            "-p",
            "rds-tests",
            "--example",
            "capture_wire",
            "--",
        ])
        .arg(&captured);
    run_step("capturing the client's requests", &mut capture)?;

    let mut check = Command::new(&python);
    check
        .current_dir(root)
        .arg(root.join(SCRIPT))
        .arg(&captured)
        .env("HOME", &home)
        .env("PYTHONNOUSERSITE", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    run_step("signing them again with the official SDK", &mut check)
        .map_err(|e| format!("{e}\nthe official SDK does not sign what the client sent"))
}
