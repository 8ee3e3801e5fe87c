//! `cargo xtask man`: the man pages of `rds-backups`, into `<target>/man`.
//!
//! The pages come from the CLI's own command definition through its hidden
//! `man-pages` subcommand, so they cannot drift from `--help`; xtask itself
//! stays free of the client crate (it must build when generated code does not).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::{process, tools};

/// A cold debug build of the CLI fits well within this.
const LIMIT: Duration = Duration::from_secs(30 * 60);

pub fn run(root: &Path) -> Result<(), String> {
    let target = tools::target_dir(root);
    let out_dir = target.join("man");
    std::fs::create_dir_all(&target)
        .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
    // No page of a subcommand that is gone.
    let _ = std::fs::remove_dir_all(&out_dir);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "run",
            "--quiet",
            "-p",
            "rds-backups",
            "--",
            "man-pages",
            "--out-dir",
        ])
        .arg(&out_dir);
    let written = process::capture(&mut cmd, &target.join("man.log"), LIMIT)?;
    let pages: Vec<&str> = written.lines().filter(|l| !l.is_empty()).collect();
    let root_page = out_dir.join("rds-backups.1");
    let main = std::fs::read_to_string(&root_page)
        .map_err(|e| format!("cannot read {}: {e}", root_page.display()))?;
    // Every subcommand page is referenced from the program's page.
    for page in &pages {
        let name = Path::new(page)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        // roff writes every hyphen escaped.
        if name != "rds-backups" && !main.contains(&name.replace('-', "\\-")) {
            return Err(format!("{} does not mention {name}", root_page.display()));
        }
        check_renders(Path::new(page))?;
        println!("wrote {page}");
    }
    Ok(())
}

/// With groff on the machine, a page must render without a single warning;
/// without it, the pages are still written.
fn check_renders(page: &Path) -> Result<(), String> {
    let out = match Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output()
    {
        Ok(out) => out,
        Err(_) => return Ok(()),
    };
    let warnings = String::from_utf8_lossy(&out.stderr);
    if out.status.success() && warnings.trim().is_empty() {
        Ok(())
    } else {
        Err(format!("groff on {}: {warnings}", page.display()))
    }
}
