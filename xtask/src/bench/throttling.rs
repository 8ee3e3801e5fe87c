//! The scheduler and the limiter against a distant, throttling service: three
//! scenarios, each `rds-backups list --all` as a whole process against a
//! fresh release `rds-mock` started with `--latency` / `--rate-limit`, each
//! figure a ratio to its floor, and the official SDK's loop on the same
//! scenarios (`bench/peer/peer_walk.py`) for the peer column.
//!
//! The CLI runs with `-vv`; its `response` events give the answers it got,
//! 200 and 429 apart, so the throttled share is the client's own count.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::stats::median;
use crate::process::{self, Server};
use crate::sdk_signer::OfficialSdk;

// The mock's documented test values (crate `huaweicloud-rds-mock`).
const MOCK_PROJECT_ID: &str = "0483b6b16e954cb88930a360d2c4e663";
const MOCK_AUTH_TOKEN: &str = "MIIMOCK-rds-token-0123456789abcdef";
const INSTANCE_LARGE: &str = "b10000c0ffee4e1a9d2b3c4d5e6f7a80in01";
const PEER_SCRIPT: &str = "bench/peer/peer_walk.py";

/// The mock's token bucket: its default burst.
const BURST: f64 = 5.0;
const RATE: f64 = 20.0;
const LATENCY_MS: f64 = 50.0;

/// Targets of the issue.
const RATE_FACTOR: f64 = 1.15;
const LATENCY_FACTOR: f64 = 1.25;
const THROTTLED_SHARE: f64 = 0.10;

/// One scenario at one concurrency.
#[derive(Debug)]
struct Scenario {
    label: String,
    mock_args: Vec<String>,
    instances: Vec<String>,
    backups: usize,
    concurrency: usize,
    /// The least number of requests (pages of 100).
    requests: f64,
    rate_limited: bool,
    latency: bool,
}

impl Scenario {
    /// The wall time nothing can beat, in seconds, and how it is computed.
    fn floor(&self) -> (f64, String) {
        let rate = (self.requests - BURST) / RATE;
        let latency = (self.requests / self.concurrency as f64).ceil() * LATENCY_MS / 1000.0;
        match (self.rate_limited, self.latency) {
            (true, true) if rate >= latency => (rate, "(requests - burst) / rate".into()),
            (true, _) => (rate, "(requests - burst) / rate".into()),
            (false, _) => (latency, "ceil(requests / concurrency) x latency".into()),
        }
    }

    fn target(&self) -> f64 {
        if self.rate_limited {
            RATE_FACTOR
        } else {
            LATENCY_FACTOR
        }
    }
}

fn scenarios() -> Vec<Scenario> {
    let rate_args = vec!["--rate-limit".to_owned(), RATE.to_string()];
    let latency_args = vec!["--latency".to_owned(), LATENCY_MS.to_string()];
    let many: Vec<String> = (1..=40).map(|n| format!("sized-250-{n:02}")).collect();
    let mut all = Vec::new();
    for concurrency in [4, 8, 32] {
        all.push(Scenario {
            label: format!("1 x 10,000 backups, `--rate-limit 20`, `--concurrency {concurrency}`"),
            mock_args: rate_args.clone(),
            instances: vec![INSTANCE_LARGE.to_owned()],
            backups: 10_000,
            concurrency,
            requests: 100.0,
            rate_limited: true,
            latency: false,
        });
    }
    all.push(Scenario {
        label: "40 x 250 backups, `--latency 50`, `--concurrency 8`".into(),
        mock_args: latency_args.clone(),
        instances: many.clone(),
        backups: 10_000,
        concurrency: 8,
        requests: 120.0,
        rate_limited: false,
        latency: true,
    });
    all.push(Scenario {
        label: "40 x 250 backups, `--latency 50 --rate-limit 20`, `--concurrency 8`".into(),
        mock_args: [latency_args, rate_args].concat(),
        instances: many,
        backups: 10_000,
        concurrency: 8,
        requests: 120.0,
        rate_limited: true,
        latency: true,
    });
    all
}

/// What the runs of one scenario gave.
#[derive(Debug)]
pub(super) struct Row {
    scenario: Scenario,
    wall: f64,
    runs: usize,
    ok: u64,
    throttled: u64,
    failures: usize,
    peer: Option<PeerWalk>,
}

#[derive(Debug)]
struct PeerWalk {
    seconds: f64,
    backups: u64,
    error: Option<String>,
}

/// Runs every scenario `runs` times (a fresh mock each time: the bucket
/// starts full), and the peer once per distinct mock setting.
pub(super) fn measure(
    release: &Path,
    work: &Path,
    sdk: Option<&OfficialSdk>,
    root: &Path,
    log: &Path,
    quick: bool,
) -> Result<Vec<Row>, String> {
    let runs = if quick { 1 } else { 3 };
    let mut rows = Vec::new();
    for scenario in scenarios() {
        println!("    {}", scenario.label);
        let mut walls = Vec::new();
        let (mut ok, mut throttled, mut failures) = (0, 0, 0);
        for _ in 0..runs {
            let mock = start_mock(release, work, &scenario.mock_args)?;
            let run = run_cli(release, mock.url(), &scenario, work)?;
            walls.push(run.seconds);
            ok += run.ok;
            throttled += run.throttled;
            failures += usize::from(!run.complete);
        }
        // The peer once per mock setting (its concurrency is always 1).
        let peer = match sdk {
            Some(sdk) if scenario.instances.len() > 1 || scenario.concurrency == 4 => {
                let mock = start_mock(release, work, &scenario.mock_args)?;
                Some(run_peer(root, sdk, mock.url(), &scenario.instances, log)?)
            }
            _ => None,
        };
        rows.push(Row {
            wall: median(&mut walls),
            runs,
            ok,
            throttled,
            failures,
            peer,
            scenario,
        });
    }
    Ok(rows)
}

fn start_mock(release: &Path, work: &Path, args: &[String]) -> Result<Server, String> {
    Server::start(
        "rds-mock",
        Command::new(release.join("rds-mock"))
            .args(["--port", "0"])
            .args(args),
        &work.join("rds-mock-throttling.log"),
        Duration::from_secs(30),
        |out| {
            out.lines()
                .find_map(|l| l.strip_prefix("listening on "))
                .map(|url| url.trim().to_owned())
        },
    )
}

struct CliRun {
    seconds: f64,
    ok: u64,
    throttled: u64,
    complete: bool,
}

fn run_cli(release: &Path, url: &str, scenario: &Scenario, work: &Path) -> Result<CliRun, String> {
    let out_path = work.join("throttling-output.ndjson");
    let err_path = work.join("throttling-stderr.log");
    let file = |p: &Path| {
        std::fs::File::create(p).map_err(|e| format!("cannot create {}: {e}", p.display()))
    };
    let mut cmd = Command::new(release.join("rds-backups"));
    cmd.args(["--endpoint", url, "--project-id", MOCK_PROJECT_ID])
        .args(["--auth-token", MOCK_AUTH_TOKEN, "-vv", "list"]);
    for id in &scenario.instances {
        cmd.args(["--instance-id", id]);
    }
    cmd.args(["--all", "--output", "ndjson", "--concurrency"])
        .arg(scenario.concurrency.to_string())
        .env("HOME", work)
        .stdin(Stdio::null())
        .stdout(file(&out_path)?)
        .stderr(file(&err_path)?);
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run rds-backups: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    let lines = read(&out_path).lines().count();
    let stderr = read(&err_path);
    let responses = |status: &str| {
        stderr
            .lines()
            .filter(|l| l.contains("response") && l.contains(&format!("status={status}")))
            .count() as u64
    };
    Ok(CliRun {
        seconds,
        ok: responses("200"),
        throttled: responses("429"),
        complete: status.success() && lines == scenario.backups,
    })
}

fn run_peer(
    root: &Path,
    sdk: &OfficialSdk,
    url: &str,
    instances: &[String],
    log: &Path,
) -> Result<PeerWalk, String> {
    let mut cmd = Command::new(&sdk.python);
    cmd.current_dir(root)
        .arg(root.join(PEER_SCRIPT))
        .arg(url)
        .args(instances)
        .env("HOME", &sdk.home)
        .env("PYTHONNOUSERSITE", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let out = process::capture(&mut cmd, log, Duration::from_secs(600))?;
    let value: Value = serde_json::from_str(out.trim())
        .map_err(|e| format!("peer_walk.py printed no JSON ({e}): {out}"))?;
    Ok(PeerWalk {
        seconds: value["seconds"].as_f64().unwrap_or(f64::NAN),
        backups: value["backups"].as_u64().unwrap_or(0),
        error: value["error"].as_str().map(str::to_owned),
    })
}

/// The `## Throttling and latency` section of `BENCHMARKS.md`.
pub(super) fn render_section(out: &mut String, rows: &[Row], command: &str) {
    let _ = writeln!(out, "## Throttling and latency\n");
    let _ = writeln!(
        out,
        "`{command}`: `rds-backups list --all --output ndjson -vv` as a whole process \
         against a fresh release `rds-mock` per run (`--rate-limit 20` is a token bucket \
         of burst 5 answering 429 `APIGW.0308` without `Retry-After`; `--latency 50` \
         delays every answer 50 ms). Wall time is the median of the runs; 200 and 429 \
         are the answers the client logged, summed over the runs. The peer is the \
         official SDK's `list_backups` offset loop (`{PEER_SCRIPT}`), one instance after \
         the other, once per mock setting.\n"
    );
    let _ = writeln!(
        out,
        "| scenario | floor | wall (median) | this/floor | target | 429 / 200 | failed runs | peer (official SDK) | met? |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for row in rows {
        let (floor, how) = row.scenario.floor();
        let ratio = row.wall / floor;
        let share = row.throttled as f64 / row.ok.max(1) as f64;
        let target = row.scenario.target();
        let met_time = ratio <= target;
        let met_share = !row.scenario.rate_limited || share <= THROTTLED_SHARE;
        let met = met_time && met_share && row.failures == 0;
        let peer = row.peer.as_ref().map_or("".to_owned(), |p| match &p.error {
            Some(e) => format!(
                "fails after {} backups in {:.2} s: {e}",
                p.backups, p.seconds
            ),
            None => format!("{:.2} s ({} backups)", p.seconds, p.backups),
        });
        let _ = writeln!(
            out,
            "| {} | {floor:.2} s ({how}) | {:.2} s | {ratio:.2} | ≤{target:.2}x{} | {} / {} ({:.1}%) | {} of {} | {peer} | {} |",
            row.scenario.label,
            row.wall,
            if row.scenario.rate_limited {
                ", 429 ≤10% of 200, no failure"
            } else {
                ""
            },
            row.throttled,
            row.ok,
            share * 100.0,
            row.failures,
            row.runs,
            if met { "met" } else { "**missed**" },
        );
    }
    out.push('\n');
}
