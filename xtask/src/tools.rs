//! The pinned third-party tools of `cargo xtask spec-check` and `cargo xtask docs`,
//! installed into a cache folder this task owns (`<target>/spec-tools/`): the Node
//! tools with `npm ci` from `spec-check/package.json` and its lock file, the Python
//! tools into a venv from `spec-check/requirements.txt` and `constraints.txt`.
//! Nothing is installed globally. A stamp written after a successful install says
//! what is there; while it matches, the next run reuses the install.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::process::{self, run_logged};

const PACKAGE_JSON: &str = "spec-check/package.json";
const PACKAGE_LOCK: &str = "spec-check/package-lock.json";
const REQUIREMENTS: &str = "spec-check/requirements.txt";
const CONSTRAINTS: &str = "spec-check/constraints.txt";
/// Written last, after a successful install.
const STAMP: &str = "xtask-stamp";
/// Programs each install must provide, or it is not complete.
const NODE_BINS: &[&str] = &["redocly", "spectral", "prism", "openapi-typescript", "tsc"];
const PYTHON_BINS: &[&str] = &[
    "openapi-spec-validator",
    "openapi-python-client",
    "schemathesis",
    "openapi-generator-cli",
];
const INSTALL_LIMIT: Duration = Duration::from_secs(900);

/// Why a tool cannot be used.
#[derive(Debug, Clone)]
pub enum Unavailable {
    /// The runtime it needs is not on this machine: the check is skipped.
    Missing(String),
    /// The runtime is there but the tool could not be installed: the check fails.
    Broken(String),
}

/// The Node tools, installed.
#[derive(Debug, Clone)]
pub struct NodeTools {
    dir: PathBuf,
}

impl NodeTools {
    /// A command for one of the installed programs (`redocly`, `prism`, ...).
    pub fn command(&self, program: &str) -> Command {
        tool_command(self.dir.join("node_modules").join(".bin").join(program))
    }
}

/// The Python venv with the tools, installed.
#[derive(Debug, Clone)]
pub struct PythonTools {
    venv: PathBuf,
}

impl PythonTools {
    fn bin_dir(&self) -> PathBuf {
        self.venv.join("bin")
    }

    /// A command for one of the venv's programs (`schemathesis`, `python`, ...), with
    /// the venv's `bin` first on `PATH` (openapi-python-client runs `ruff` from there).
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = tool_command(self.bin_dir().join(program));
        let mut path = vec![self.bin_dir()];
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        if let Ok(joined) = std::env::join_paths(path) {
            cmd.env("PATH", joined);
        }
        cmd.env("VIRTUAL_ENV", &self.venv);
        cmd
    }
}

/// A command for a third-party tool: no telemetry, no update notices, no colour.
fn tool_command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("DO_NOT_TRACK", "1")
        .env("SCARF_ANALYTICS", "false")
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .env("npm_config_update_notifier", "false")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONNOUSERSITE", "1")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    cmd
}

/// The cargo target folder of the workspace (honours `CARGO_TARGET_DIR` and cargo's
/// configuration, through `cargo metadata`).
pub fn target_dir(root: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let from_metadata = Command::new(cargo)
        .current_dir(root)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| {
            json_string_field(&String::from_utf8_lossy(&out.stdout), "target_directory")
        });
    match from_metadata {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        },
    }
}

/// The value of the first `"key":"value"` in a JSON text, for plain values (no
/// escapes other than `\\` and `\"`).
pub fn json_string_field(json: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\":");
    let start = json.find(&needle)? + needle.len();
    let rest = json[start..].trim_start().strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => value.push(chars.next()?),
            c => value.push(c),
        }
    }
    None
}

/// The spec-check tool cache: `<target>/spec-tools/`.
#[derive(Debug)]
pub struct Installer {
    root: PathBuf,
    dir: PathBuf,
    log: PathBuf,
}

impl Installer {
    pub fn new(root: &Path, target: &Path, log: PathBuf) -> Installer {
        Installer {
            root: root.to_owned(),
            dir: target.join("spec-tools"),
            log,
        }
    }

    /// The Node tools: reused when the stamp matches, else installed with `npm ci`.
    pub fn node(&self) -> Result<NodeTools, Unavailable> {
        let node = process::first_line("node", &["--version"]).ok_or_else(|| {
            Unavailable::Missing("no Node.js runtime (`node` is not on PATH)".into())
        })?;
        let npm = process::first_line("npm", &["--version"])
            .ok_or_else(|| Unavailable::Missing("no npm (`npm` is not on PATH)".into()))?;
        let dir = self.dir.join("node");
        let tools = NodeTools { dir: dir.clone() };
        let stamp = format!(
            "node {node}\nnpm {npm}\n{}",
            self.fingerprint(&[PACKAGE_JSON, PACKAGE_LOCK])?
        );
        let bins_present = NODE_BINS
            .iter()
            .all(|b| dir.join("node_modules").join(".bin").join(b).exists());
        if bins_present && read_stamp(&dir) == Some(stamp.clone()) {
            println!("    node tools: reusing {} (stamp matches)", dir.display());
            return Ok(tools);
        }
        let start = Instant::now();
        println!(
            "    node tools: installing into {} (npm ci) ...",
            dir.display()
        );
        let _ = std::fs::remove_file(dir.join(STAMP));
        let _ = std::fs::remove_dir_all(dir.join("node_modules"));
        std::fs::create_dir_all(&dir)
            .map_err(|e| broken(format!("cannot create {}: {e}", dir.display())))?;
        for file in [PACKAGE_JSON, PACKAGE_LOCK] {
            let name = Path::new(file).file_name().unwrap_or_default();
            std::fs::copy(self.root.join(file), dir.join(name))
                .map_err(|e| broken(format!("cannot copy {file}: {e}")))?;
        }
        // No install scripts: none of the tools needs one, and the only one in the
        // tree is a telemetry ping.
        let mut npm_ci = tool_command("npm");
        npm_ci.current_dir(&dir).args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--prefer-offline",
        ]);
        self.install_step(&mut npm_ci)?;
        for bin in NODE_BINS {
            if !dir.join("node_modules").join(".bin").join(bin).exists() {
                return Err(broken(format!("npm ci did not install `{bin}`")));
            }
        }
        write_stamp(&dir, &stamp)?;
        println!(
            "    node tools: installed in {:.1}s",
            start.elapsed().as_secs_f64()
        );
        Ok(tools)
    }

    /// The Python venv: reused when the stamp matches, else made with `python3 -m venv`
    /// and filled with `pip install`.
    pub fn python(&self) -> Result<PythonTools, Unavailable> {
        let python = process::first_line("python3", &["--version"])
            .ok_or_else(|| Unavailable::Missing("no Python (`python3` is not on PATH)".into()))?;
        let venv = self.dir.join("venv");
        let tools = PythonTools { venv: venv.clone() };
        let stamp = format!(
            "{python}\n{}",
            self.fingerprint(&[REQUIREMENTS, CONSTRAINTS])?
        );
        let bins_present = PYTHON_BINS.iter().all(|b| tools.bin_dir().join(b).exists());
        if bins_present && read_stamp(&venv) == Some(stamp.clone()) {
            println!(
                "    python tools: reusing {} (stamp matches)",
                venv.display()
            );
            return Ok(tools);
        }
        let start = Instant::now();
        println!(
            "    python tools: installing into {} (venv + pip) ...",
            venv.display()
        );
        let _ = std::fs::remove_dir_all(&venv);
        let mut make_venv = tool_command("python3");
        make_venv.arg("-m").arg("venv").arg(&venv);
        self.install_step(&mut make_venv)?;
        let mut pip = tools.command("python");
        pip.args(["-m", "pip", "install", "--quiet", "-r"])
            .arg(self.root.join(REQUIREMENTS))
            .arg("-c")
            .arg(self.root.join(CONSTRAINTS));
        self.install_step(&mut pip)?;
        for bin in PYTHON_BINS {
            if !tools.bin_dir().join(bin).exists() {
                return Err(broken(format!("pip did not install `{bin}`")));
            }
        }
        write_stamp(&venv, &stamp)?;
        println!(
            "    python tools: installed in {:.1}s",
            start.elapsed().as_secs_f64()
        );
        Ok(tools)
    }

    /// Java, which openapi-generator (from PyPI, with its jar) runs on.
    pub fn java(&self) -> Result<String, Unavailable> {
        process::first_line("java", &["-version"])
            .ok_or_else(|| Unavailable::Missing("no Java runtime (`java` is not on PATH)".into()))
    }

    fn install_step(&self, cmd: &mut Command) -> Result<(), Unavailable> {
        let done = run_logged(cmd, &self.log, INSTALL_LIMIT).map_err(broken)?;
        if done.success() {
            Ok(())
        } else {
            Err(broken(format!(
                "`{}` failed ({}); log {}:\n{}",
                process::describe(cmd),
                done.status,
                self.log.display(),
                done.tail(30)
            )))
        }
    }

    /// A stable fingerprint (FNV-1a, 64 bits) of the files that pin an install.
    fn fingerprint(&self, files: &[&str]) -> Result<String, Unavailable> {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for file in files {
            let bytes = std::fs::read(self.root.join(file))
                .map_err(|e| broken(format!("cannot read {file}: {e}")))?;
            for b in bytes.iter().chain(file.as_bytes()) {
                hash ^= u64::from(*b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        Ok(format!("{} {hash:016x}", files.join(" ")))
    }
}

fn broken(message: impl Into<String>) -> Unavailable {
    Unavailable::Broken(message.into())
}

fn read_stamp(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(STAMP)).ok()
}

fn write_stamp(dir: &Path, stamp: &str) -> Result<(), Unavailable> {
    std::fs::write(dir.join(STAMP), stamp)
        .map_err(|e| broken(format!("cannot write {}: {e}", dir.join(STAMP).display())))
}
