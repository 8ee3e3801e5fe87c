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

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What gets installed; `huaweicloudsdkrds` pins `huaweicloudsdkcore`, which holds the signer.
const SDK_REQUIREMENT: &str = "huaweicloudsdkrds==3.1.219";
const SCRIPT: &str = "xtask/python/official_signer.py";
/// Written last, after a successful install: its content says what is installed.
const STAMP: &str = "xtask-stamp";

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
    let python = venv_python(&venv);
    ensure_venv(&venv, &python)?;
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

/// Create the venv and install the SDK unless the stamp says it is there
/// and the interpreter can still import the signer.
fn ensure_venv(venv: &Path, python: &Path) -> Result<(), String> {
    let stamp = venv.join(STAMP);
    let want = format!("{SDK_REQUIREMENT}\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|have| have == want)
        && Command::new(python)
            .args(["-c", "import huaweicloudsdkcore.signer.signer"])
            .env("PYTHONNOUSERSITE", "1")
            .output()
            .is_ok_and(|out| out.status.success())
    {
        return Ok(());
    }

    let version = Command::new("python3").arg("--version").output();
    match version {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return Err(format!(
                "`python3 --version` failed ({}); Python 3 is needed to run the official SDK",
                out.status
            ));
        }
        Err(e) => {
            return Err(format!(
                "python3 not found ({e}); Python 3 with the venv module is needed \
                 to install and run the official SDK"
            ));
        }
    }

    println!("installing {SDK_REQUIREMENT} into {}", venv.display());
    if venv.exists() {
        std::fs::remove_dir_all(venv)
            .map_err(|e| format!("cannot remove the stale {}: {e}", venv.display()))?;
    }
    run_step(
        "creating the venv (on Debian this needs python3-venv)",
        Command::new("python3").args([OsStr::new("-m"), "venv".as_ref(), venv.as_os_str()]),
    )?;
    run_step(
        "installing the official SDK",
        Command::new(python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
            ])
            .args(["--quiet", SDK_REQUIREMENT])
            .env("PYTHONNOUSERSITE", "1"),
    )?;
    std::fs::write(&stamp, want).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// Run a command with inherited output; name the step when it fails.
fn run_step(what: &str, command: &mut Command) -> Result<(), String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command
        .status()
        .map_err(|e| format!("{what}: cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: {program} failed ({status})"))
    }
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set, else `target/`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}
