//! `rds-backups list --all --output ndjson` timed as a whole process, and its
//! peak resident memory.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::stats::median;

// The mock's documented test values (crate `huaweicloud-rds-mock`).
const MOCK_PROJECT_ID: &str = "0483b6b16e954cb88930a360d2c4e663";
const MOCK_AUTH_TOKEN: &str = "MIIMOCK-rds-token-0123456789abcdef";
const INSTANCE_LARGE: &str = "b10000c0ffee4e1a9d2b3c4d5e6f7a80in01";
const LARGE_TOTAL: usize = 10_000;

#[derive(Debug)]
pub(super) struct Cli {
    /// Median wall time, start to exit, in nanoseconds.
    pub(super) wall: f64,
    pub(super) runs: usize,
    /// Largest peak resident set over the memory runs, in kB, and how it was read.
    pub(super) peak_kb: Option<(u64, &'static str)>,
}

pub(super) fn measure_cli(
    cli: &Path,
    mock_url: &str,
    work: &Path,
    quick: bool,
) -> Result<Cli, String> {
    let args = [
        "--endpoint",
        mock_url,
        "--project-id",
        MOCK_PROJECT_ID,
        "--auth-token",
        MOCK_AUTH_TOKEN,
        "list",
        "--instance-id",
        INSTANCE_LARGE,
        "--all",
        "--output",
        "ndjson",
    ];
    // Once to a file: the output must be every backup, one per line.
    let out_path = work.join("cli-output.ndjson");
    let out_file = std::fs::File::create(&out_path)
        .map_err(|e| format!("cannot create {}: {e}", out_path.display()))?;
    let status = Command::new(cli)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out_file)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", cli.display()))?;
    let lines = std::fs::read_to_string(&out_path)
        .map_err(|e| format!("cannot read {}: {e}", out_path.display()))?
        .lines()
        .count();
    let _ = std::fs::remove_file(&out_path);
    if !status.success() || lines != LARGE_TOTAL {
        return Err(format!(
            "rds-backups exited {status} with {lines} lines; expected {LARGE_TOTAL}"
        ));
    }

    let runs = if quick { 3 } else { 15 };
    let mut walls = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let status = quiet(Command::new(cli).args(args))
            .status()
            .map_err(|e| format!("cannot run {}: {e}", cli.display()))?;
        walls.push(start.elapsed().as_nanos() as f64);
        if !status.success() {
            return Err(format!("rds-backups exited {status}"));
        }
    }

    let mut peaks = Vec::new();
    let mut how = "";
    for _ in 0..if quick { 1 } else { 5 } {
        match peak_rss_kb(cli, &args, work)? {
            Some((kb, method)) => {
                peaks.push(kb);
                how = method;
            }
            None => break,
        }
    }
    Ok(Cli {
        wall: median(&mut walls),
        runs,
        peak_kb: peaks.iter().max().map(|kb| (*kb, how)),
    })
}

fn quiet(cmd: &mut Command) -> &mut Command {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
}

/// Peak resident memory of one run: GNU time's `%M` when `/usr/bin/time` is
/// there, else the `VmHWM` of `/proc/<pid>/status` read until the process
/// exits (the last reading before exit); `None` when neither works here.
fn peak_rss_kb(
    cli: &Path,
    args: &[&str],
    work: &Path,
) -> Result<Option<(u64, &'static str)>, String> {
    let gnu_time = Path::new("/usr/bin/time");
    if gnu_time.exists() {
        let out = work.join("cli-time.txt");
        let status = quiet(
            Command::new(gnu_time)
                .args(["-f", "%M", "-o"])
                .arg(&out)
                .arg(cli)
                .args(args),
        )
        .status()
        .map_err(|e| format!("cannot run /usr/bin/time: {e}"))?;
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        let kb = text
            .lines()
            .rev()
            .find_map(|l| l.trim().parse::<u64>().ok());
        if status.success()
            && let Some(kb) = kb
        {
            return Ok(Some((kb, "GNU time %M (max RSS)")));
        }
    }
    if !Path::new("/proc/self/status").exists() {
        return Ok(None);
    }
    let mut child = quiet(Command::new(cli).args(args))
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", cli.display()))?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = None;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = Some(kb);
        }
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("cannot wait for rds-backups: {e}")),
        }
    }
    Ok(peak.map(|kb| (kb, "VmHWM of /proc/<pid>/status, polled every 2 ms")))
}
