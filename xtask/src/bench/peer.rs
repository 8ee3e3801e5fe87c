//! The official Python SDK's figures: `bench/peer/peer.py` in the SDK's venv.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::process;
use crate::sdk_signer;

const BODY: &str = "bench/data/list_backups_100.json";
const PEER_SCRIPT: &str = "bench/peer/peer.py";

#[derive(Debug)]
pub(super) struct Peer {
    pub(super) parse: f64,
    pub(super) json_loads: f64,
    pub(super) list: f64,
    pub(super) list_runs: usize,
    pub(super) python: String,
}

pub(super) fn run_peer(
    root: &Path,
    sdk: &sdk_signer::OfficialSdk,
    mock_url: &str,
    log: &Path,
    quick: bool,
) -> Result<Peer, String> {
    let mut cmd = Command::new(&sdk.python);
    cmd.current_dir(root)
        .arg(root.join(PEER_SCRIPT))
        .arg(root.join(BODY))
        .arg(mock_url)
        .env("HOME", &sdk.home)
        .env("PYTHONNOUSERSITE", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    if quick {
        cmd.args(["--parse-runs", "5", "--list-runs", "3"]);
    }
    let out = process::capture(&mut cmd, log, Duration::from_secs(900))?;
    let value: Value =
        serde_json::from_str(&out).map_err(|e| format!("peer.py printed no JSON ({e}): {out}"))?;
    let seconds = |key: &str| {
        value[key]
            .as_f64()
            .map(|s| s * 1e9)
            .ok_or_else(|| format!("peer.py printed no `{key}`"))
    };
    Ok(Peer {
        parse: seconds("parse_median_s")?,
        json_loads: seconds("json_loads_median_s")?,
        list: seconds("list_median_s")?,
        list_runs: value["list_samples_s"].as_array().map_or(0, Vec::len),
        python: value["python"].as_str().unwrap_or("?").to_owned(),
    })
}
