//! The workspace's own programs that spec-check runs: `rds-mock` (crate
//! `huaweicloud-rds-mock`) and `rds-backups` (crate `rds-backups`), built with cargo,
//! and the mock's published test credentials and instances, read from its source.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::process::{self, Server};
use crate::tools::json_string_field;

const MOCK_SOURCES: &str = "mock/src";
const BUILD_LIMIT: Duration = Duration::from_secs(1800);

/// The mock's test credentials and the instances it serves.
#[derive(Debug, Clone)]
pub struct MockFacts {
    pub project_id: String,
    pub auth_token: String,
    /// An instance with backups of every type and state.
    pub instance: String,
    /// An instance whose backups carry values the spec does not list.
    pub unknown_values_instance: String,
    /// The instance of the documented MySQL sample.
    pub sample_instance: String,
    /// Every instance of the mock's data set (no fault instances).
    pub all_instances: Vec<(String, String)>,
}

impl MockFacts {
    /// Reads the `pub const NAME: &str = "value";` items of the mock's sources.
    pub fn read(root: &Path) -> Result<MockFacts, String> {
        let mut consts = BTreeMap::new();
        // Every module, also those in folders below `src`.
        let mut dirs = vec![root.join(MOCK_SOURCES)];
        while let Some(dir) = dirs.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    consts.extend(str_consts(&text));
                }
            }
        }
        let get = |name: &str| {
            consts.get(name).cloned().ok_or_else(|| {
                format!(
                    "the mock's sources ({MOCK_SOURCES}) no longer define `pub const {name}: &str`"
                )
            })
        };
        let all_instances: Vec<(String, String)> = consts
            .iter()
            .filter(|(name, _)| {
                ["INSTANCE_", "SAMPLE_", "QUIRK_"]
                    .iter()
                    .any(|prefix| name.starts_with(prefix))
            })
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if all_instances.is_empty() {
            return Err(format!(
                "no INSTANCE_/SAMPLE_/QUIRK_ constants in {MOCK_SOURCES}"
            ));
        }
        Ok(MockFacts {
            project_id: get("MOCK_PROJECT_ID")?,
            auth_token: get("MOCK_AUTH_TOKEN")?,
            instance: get("INSTANCE_MYSQL")?,
            unknown_values_instance: get("QUIRK_UNKNOWN_ENUMS")?,
            sample_instance: get("SAMPLE_MYSQL_INSTANCE")?,
            all_instances,
        })
    }
}

/// `pub const NAME: &str = "value";` items of a Rust source, also when rustfmt
/// wrapped them over two lines. Values with escapes are left out.
fn str_consts(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("pub const ") {
        rest = &rest[at + "pub const ".len()..];
        let Some(end) = rest.find(';') else { break };
        let item = &rest[..end];
        let Some((name, tail)) = item.split_once(':') else {
            continue;
        };
        let Some((ty, value)) = tail.split_once('=') else {
            continue;
        };
        let value = value.trim();
        if ty.trim() == "&str"
            && value.len() >= 2
            && value.starts_with('"')
            && value.ends_with('"')
            && !value[1..value.len() - 1].contains(['"', '\\'])
        {
            found.push((name.trim().to_owned(), value[1..value.len() - 1].to_owned()));
        }
    }
    found
}

/// Builds one binary of the workspace and returns its path.
pub fn build(root: &Path, package: &str, bin: &str, log: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args([
        "build",
        "--package",
        package,
        "--bin",
        bin,
        "--message-format",
        "json-render-diagnostics",
    ]);
    let json = process::capture(&mut cmd, log, BUILD_LIMIT)
        .map_err(|e| format!("cannot build {bin}: {e}"))?;
    json.lines()
        .filter(|line| line.contains("\"compiler-artifact\""))
        .filter_map(|line| json_string_field(line, "executable"))
        .map(PathBuf::from)
        .find(|exe| exe.file_stem().is_some_and(|s| s == bin))
        .ok_or_else(|| format!("cargo built {package} but named no `{bin}` executable"))
}

/// Starts `rds-mock --port 0` (with `--no-verify-signature` when `verify` is false)
/// and waits for its `listening on http://127.0.0.1:PORT` line.
pub fn start(exe: &Path, verify: bool, log: &Path) -> Result<Server, String> {
    let mut cmd = Command::new(exe);
    cmd.args(["--port", "0"]);
    if !verify {
        cmd.arg("--no-verify-signature");
    }
    Server::start("rds-mock", &mut cmd, log, Duration::from_secs(30), |out| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix("listening on "))
            .map(|url| url.trim().trim_end_matches('/').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::str_consts;

    #[test]
    fn reads_str_consts_also_wrapped() {
        let src = "/// doc\npub const A: &str = \"x-1\";\npub const LONG_NAME: &str =\n    \"long value\";\npub const N: usize = 3;\npub const E: &str = \"a\\\"b\";\n";
        assert_eq!(
            str_consts(src),
            vec![
                ("A".to_owned(), "x-1".to_owned()),
                ("LONG_NAME".to_owned(), "long value".to_owned())
            ]
        );
    }
}
