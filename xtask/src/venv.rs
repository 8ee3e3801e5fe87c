//! Python virtual environments under the target directory, each holding one
//! pinned requirement, made on first use and reused while their stamp matches.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Written last, after a successful install: its content says what is installed.
const STAMP: &str = "xtask-stamp";

/// A venv at `venv` with `requirement` installed; `import` is a module whose
/// import proves the install still works. Returns its interpreter.
pub fn ensure(venv: &Path, requirement: &str, import: &str) -> Result<PathBuf, String> {
    let python = venv_python(venv);
    let stamp = venv.join(STAMP);
    let want = format!("{requirement}\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|have| have == want)
        && Command::new(&python)
            .args(["-c", &format!("import {import}")])
            .env("PYTHONNOUSERSITE", "1")
            .output()
            .is_ok_and(|out| out.status.success())
    {
        return Ok(python);
    }

    match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return Err(format!(
                "`python3 --version` failed ({}); Python 3 is needed for {requirement}",
                out.status
            ));
        }
        Err(e) => {
            return Err(format!(
                "python3 not found ({e}); Python 3 with the venv module is needed \
                 to install and run {requirement}"
            ));
        }
    }

    println!("installing {requirement} into {}", venv.display());
    if venv.exists() {
        std::fs::remove_dir_all(venv)
            .map_err(|e| format!("cannot remove the stale {}: {e}", venv.display()))?;
    }
    run_step(
        "creating the venv (on Debian this needs python3-venv)",
        Command::new("python3").args([OsStr::new("-m"), "venv".as_ref(), venv.as_os_str()]),
    )?;
    run_step(
        &format!("installing {requirement}"),
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
            ])
            .args(["--quiet", requirement])
            .env("PYTHONNOUSERSITE", "1"),
    )?;
    std::fs::write(&stamp, want).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(python)
}

/// Run a command with inherited output; name the step when it fails.
pub fn run_step(what: &str, command: &mut Command) -> Result<(), String> {
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
pub fn target_dir(root: &Path) -> PathBuf {
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
