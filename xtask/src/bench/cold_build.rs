//! A cold release build of `huaweicloud-rds` in a fresh target directory:
//! its wall time, its longest units and the duplicate crate versions.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::cargo::cargo_logged;
use super::machine::{load_average, today};

#[derive(Debug)]
pub(super) struct ColdBuild {
    date: String,
    seconds: f64,
    units: usize,
    /// The longest units: (seconds, name).
    slowest: Vec<(f64, String)>,
    duplicates: String,
    load: String,
    /// Crates of a C toolchain that should not be in the default build.
    heavy: Vec<String>,
}

impl ColdBuild {
    pub(super) fn save(&self, path: &Path) -> Result<(), String> {
        let value = serde_json::json!({
            "date": self.date,
            "seconds": self.seconds,
            "units": self.units,
            "slowest": self.slowest,
            "duplicates": self.duplicates,
            "load": self.load,
            "heavy": self.heavy,
        });
        std::fs::write(path, value.to_string())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    pub(super) fn load(path: &Path) -> Option<ColdBuild> {
        let value: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        Some(ColdBuild {
            date: value["date"].as_str()?.to_owned(),
            seconds: value["seconds"].as_f64()?,
            units: value["units"].as_u64()? as usize,
            slowest: serde_json::from_value(value["slowest"].clone()).ok()?,
            duplicates: value["duplicates"].as_str()?.to_owned(),
            load: value["load"].as_str().unwrap_or("?").to_owned(),
            heavy: serde_json::from_value(value["heavy"].clone()).unwrap_or_default(),
        })
    }
}

pub(super) fn cold_build(root: &Path, work: &Path, log: &Path) -> Result<ColdBuild, String> {
    let dir = work.join("cold-build");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    let load = load_average();
    let start = Instant::now();
    cargo_logged(
        root,
        &["build", "--release", "-p", "huaweicloud-rds", "--timings"],
        &[
            ("CARGO_TARGET_DIR", dir.as_os_str()),
            ("CARGO_INCREMENTAL", "0".as_ref()),
        ],
        log,
        Duration::from_secs(3600),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let html = std::fs::read_to_string(dir.join("cargo-timings").join("cargo-timing.html"))
        .unwrap_or_default();
    let mut slowest = timing_units(&html);
    let units = slowest.len();
    let heavy = heavy_units(&slowest);
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    slowest.truncate(6);

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let tree = Command::new(cargo)
        .current_dir(root)
        .args([
            "tree",
            "-d",
            "-p",
            "huaweicloud-rds",
            "-e",
            "normal,build",
            "--depth",
            "0",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    let duplicates = String::from_utf8_lossy(&tree.stdout).trim().to_owned();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(ColdBuild {
        date: today(),
        seconds,
        units,
        slowest,
        duplicates,
        load,
        heavy,
    })
}

/// The crates whose build needs cmake or minutes of C: none of them belongs
/// in the default build.
const HEAVY: [&str; 3] = ["aws-lc-sys", "aws-lc-fips-sys", "cmake"];

fn heavy_units(units: &[(f64, String)]) -> Vec<String> {
    let mut heavy: Vec<String> = units
        .iter()
        .filter_map(|(_, name)| name.split_whitespace().next())
        .filter(|crate_name| HEAVY.contains(crate_name))
        .map(str::to_owned)
        .collect();
    heavy.sort();
    heavy.dedup();
    heavy
}

/// The build before rustls moved from aws-lc-rs to ring, for comparison:
/// `cargo xtask bench --build-time` on the same kind of 2-core machine.
const BEFORE: (&str, f64, f64) = ("2026-11-29", 181.0, 111.0);

/// The `## Cold release build` section of `BENCHMARKS.md`.
pub(super) fn render_section(w: &mut String, build: Option<&ColdBuild>) {
    let _ = writeln!(w, "## Cold release build\n");
    let Some(b) = build else {
        let _ = writeln!(
            w,
            "Not measured yet on this machine: run `cargo xtask bench --build-time` (or \
             `--build-time-only`).\n"
        );
        return;
    };
    let (before_date, before_secs, before_aws_lc) = BEFORE;
    let _ = writeln!(
        w,
        "`cargo build --release -p huaweicloud-rds` (default features) in an empty \
         target directory, measured {} (load average {} at its start): **{:.0} s** wall \
         for {} units, against **{before_secs:.0} s** measured {before_date} when rustls \
         used aws-lc-rs (of which aws-lc-sys's build script alone took {before_aws_lc:.0} s): \
         {:.2}x.\n",
        b.date,
        b.load,
        b.seconds,
        b.units,
        b.seconds / before_secs
    );
    let _ = writeln!(
        w,
        "Longest units (seconds of each, not of the critical path):\n"
    );
    for (secs, name) in &b.slowest {
        let _ = writeln!(w, "- {name}: {secs:.0} s");
    }
    let dup = if b.duplicates.is_empty() || b.duplicates.contains("nothing to print") {
        "none".to_owned()
    } else {
        format!("\n\n```\n{}\n```", b.duplicates)
    };
    let _ = writeln!(
        w,
        "\nDuplicate crate versions (`cargo tree -d -p huaweicloud-rds -e normal,build`): \
         {dup}\n"
    );
    if b.heavy.is_empty() {
        let _ = writeln!(
            w,
            "None of {} is among the units: TLS is rustls with the `ring` provider (a C \
             compiler, no cmake); aws-lc-rs is the opt-in `aws-lc` feature.\n",
            HEAVY.join(", ")
        );
    } else {
        let _ = writeln!(
            w,
            "**Built by default, and should not be: {}.** Something turned rustls's \
             aws-lc-rs provider back on (`cargo tree -p huaweicloud-rds -e normal,build -i \
             aws-lc-sys` says what).\n",
            b.heavy.join(", ")
        );
    }
}

/// `(seconds, "name version (what)")` of every unit in cargo's `--timings` page.
fn timing_units(html: &str) -> Vec<(f64, String)> {
    let Some(start) = html.find("const UNIT_DATA = ") else {
        return Vec::new();
    };
    let rest = &html[start + "const UNIT_DATA = ".len()..];
    let mut de = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
    let Some(Ok(Value::Array(units))) = de.next() else {
        return Vec::new();
    };
    units
        .iter()
        .filter_map(|u| {
            let seconds = u["duration"].as_f64()?;
            let mut name = format!("{} {}", u["name"].as_str()?, u["version"].as_str()?);
            if u["mode"].as_str() == Some("run-custom-build") {
                name.push_str(" (build script run)");
            }
            Some((seconds, name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_timing_units() {
        let html = "<script>\nconst UNIT_DATA = [{\"i\":0,\"name\":\"aws-lc-sys\",\"version\":\
                    \"0.47.0\",\"mode\":\"run-custom-build\",\"duration\":380.1},{\"name\":\
                    \"serde\",\"version\":\"1.0.0\",\"mode\":\"todo\",\"duration\":3.5}];\n\
                    const CONCURRENCY_DATA = [];";
        let units = timing_units(html);
        assert_eq!(
            units,
            vec![
                (380.1, "aws-lc-sys 0.47.0 (build script run)".to_owned()),
                (3.5, "serde 1.0.0".to_owned())
            ]
        );
        assert!(timing_units("no data").is_empty());
        assert_eq!(heavy_units(&units), vec!["aws-lc-sys".to_owned()]);
    }
}
