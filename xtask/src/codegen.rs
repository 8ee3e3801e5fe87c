//! `cargo xtask gen [--check]`: the spec's derived files, written or checked.

use std::path::{Path, PathBuf};

use rds_codegen::{Codegen, Spec};

/// Write the derived files, or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write what changed and say so.
    Write,
    /// Write nothing; fail with a diff when anything is stale.
    Check,
}

const SPEC: &str = "spec/openapi.yaml";
const SPEC_JSON: &str = "spec/openapi.json";
const GENERATED: &str = "generated-client/src/generated.rs";

/// One derived file and the text it should have.
struct Derived {
    path: &'static str,
    want: String,
}

pub fn run(root: &Path, mode: Mode) -> Result<(), String> {
    let text =
        std::fs::read_to_string(root.join(SPEC)).map_err(|e| format!("cannot read {SPEC}: {e}"))?;
    let spec = Spec::parse(SPEC, &text).map_err(|e| e.to_string())?;
    let derived = [
        Derived {
            path: GENERATED,
            want: Codegen::new().generate(&spec).map_err(|e| e.to_string())?,
        },
        Derived {
            path: SPEC_JSON,
            want: spec.to_json().map_err(|e| e.to_string())?,
        },
    ];

    let mut stale = Vec::new();
    for file in &derived {
        let path: PathBuf = root.join(file.path);
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have == file.want {
            println!("unchanged {}", file.path);
            continue;
        }
        match mode {
            Mode::Write => {
                std::fs::write(&path, &file.want)
                    .map_err(|e| format!("cannot write {}: {e}", file.path))?;
                println!("updated   {}", file.path);
            }
            Mode::Check => {
                print_diff(file.path, &have, &file.want);
                stale.push(file.path);
            }
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} out of date with {SPEC}; run `cargo xtask gen`",
            stale.join(" and ")
        ))
    }
}

fn print_diff(path: &str, have: &str, want: &str) {
    let diff = similar::TextDiff::from_lines(have, want);
    let shown = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{path} (committed)"),
            &format!("b/{path} (from spec)"),
        )
        .to_string();
    // A regenerated file can differ everywhere; show enough to act on.
    const MAX_LINES: usize = 200;
    let lines: Vec<&str> = shown.lines().collect();
    for line in lines.iter().take(MAX_LINES) {
        println!("{line}");
    }
    if lines.len() > MAX_LINES {
        println!("... ({} more diff lines)", lines.len() - MAX_LINES);
    }
}
