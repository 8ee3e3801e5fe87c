//! Throttling as a user of `rds-backups` meets it: the real binary against a
//! mock started here with a token bucket (`ThrottleConfig`), and `--rate`.
//! Each run is bounded by ten times its budget: a liveness bound only.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use huaweicloud_rds_mock::sized::sized_instance_id;
use huaweicloud_rds_mock::{
    MOCK_AUTH_TOKEN, MOCK_PROJECT_ID, MockConfig, MockServer, ThrottleConfig,
};

const BIN: &str = env!("CARGO_BIN_EXE_rds-backups");

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `rds-backups --endpoint URL --project-id P --auth-token T ARGS` with
/// a clean environment: HOME in a fresh directory, metadata and IAM
/// endpoints on a closed loopback port.
fn run(server: &MockServer, budget: Duration, args: &[&str]) -> Run {
    let home = std::env::temp_dir().join(format!(
        "rds-backups-throttling-{}-{}",
        std::process::id(),
        server.addr().port()
    ));
    std::fs::create_dir_all(&home).unwrap();
    let url = server.base_url();
    let mut child = Command::new(BIN)
        .args(["--endpoint", &url, "--project-id", MOCK_PROJECT_ID])
        .args(["--auth-token", MOCK_AUTH_TOKEN])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", "http://127.0.0.1:9")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://127.0.0.1:9")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rds-backups starts");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let limit = budget * 10;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hung: rds-backups {args:?} not finished within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = std::fs::remove_dir_all(&home);
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

/// `[global...] list --instance-id INSTANCE --limit LIMIT --all [args...]
/// --output ndjson`: a whole walk of one instance, one JSON backup a line.
fn walk(
    server: &MockServer,
    budget: Duration,
    global: &[&str],
    instance: &str,
    limit: &str,
    args: &[&str],
) -> Run {
    let walk = ["list", "--instance-id", instance, "--limit", limit, "--all"];
    let output = ["--output", "ndjson"];
    run(server, budget, &[global, &walk, args, &output].concat())
}

fn throttling_mock(rate: u32, burst: u32, retry_after: Option<u64>) -> MockServer {
    let mut throttle = ThrottleConfig::default().rate_limit(rate, burst);
    if let Some(secs) = retry_after {
        throttle = throttle.retry_after(secs);
    }
    MockServer::start_background(MockConfig::default().throttle(throttle)).expect("the mock starts")
}

fn ndjson_ids(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("one JSON backup a line");
            v["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn assert_success(run: &Run) {
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
}

/// Against 10 requests a second (burst 2), with one attempt per request, at
/// concurrency 1, 8 and 32: exit 0, every backup once and in order, although
/// the service throttled.
#[test]
fn a_throttled_walk_exits_0_with_every_backup_once() {
    let server = throttling_mock(10, 2, None);
    let want = server.insert_plain_instance("cli-throttled", 400);
    for concurrency in ["1", "8", "32"] {
        server.reset();
        let r = walk(
            &server,
            Duration::from_secs(3),
            &["--max-attempts", "1"],
            "cli-throttled",
            "40",
            &["--concurrency", concurrency],
        );
        assert_success(&r);
        assert!(ndjson_ids(&r) == want, "concurrency {concurrency}");
        assert!(
            server.throttled_requests() > 0,
            "concurrency {concurrency}: throttled"
        );
    }
}

/// With `Retry-After: 1` on every throttled answer the walk still completes.
#[test]
fn a_walk_throttled_with_retry_after_completes() {
    let server = throttling_mock(10, 2, Some(1));
    let want = server.insert_plain_instance("cli-retry-after", 300);
    let r = walk(
        &server,
        Duration::from_secs(5),
        &["--max-attempts", "1"],
        "cli-retry-after",
        "30",
        &[],
    );
    assert_success(&r);
    assert!(ndjson_ids(&r) == want);
    assert!(server.throttled_requests() > 0);
}

/// Every answer 100 ms late and 10 requests a second, over four instances:
/// exit 0, each instance's backups in the order given.
#[test]
fn latency_and_throttling_over_several_instances_exit_0_in_order() {
    let server = MockServer::start_background(
        MockConfig::default().throttle(
            ThrottleConfig::default()
                .latency(Duration::from_millis(100))
                .rate_limit(10, 2),
        ),
    )
    .expect("the mock starts");
    let mut args = vec!["--max-attempts", "1", "list"];
    let mut want = Vec::new();
    let ids: Vec<String> = (1..=4)
        .map(|n| sized_instance_id(120, &n.to_string()))
        .collect();
    for (n, id) in ids.iter().enumerate() {
        want.extend(server.insert_plain_instance(id, 100 + 20 * n));
        args.extend(["--instance-id", id.as_str()]);
    }
    args.extend(["--limit", "50", "--all", "--output", "ndjson"]);
    let r = run(&server, Duration::from_secs(5), &args);
    assert_success(&r);
    assert!(ndjson_ids(&r) == want);
}

/// `--rate 10`: the binary's own admission record (`-vvv` trace events)
/// never shows more than 10 requests within a second.
#[test]
fn rate_is_never_exceeded_in_any_second() {
    let server = MockServer::start_background(MockConfig::default()).expect("the mock starts");
    let want = server.insert_plain_instance("cli-rate", 300);
    let r = walk(
        &server,
        Duration::from_secs(3),
        &["-vvv", "--rate", "10"],
        "cli-rate",
        "10",
        &[],
    );
    assert_success(&r);
    assert!(ndjson_ids(&r) == want);
    let mut at: Vec<u64> = r
        .stderr
        .lines()
        .filter(|l| l.contains("request admitted"))
        .filter_map(|l| l.split("admitted_at_ns=").nth(1))
        .filter_map(|v| v.split_whitespace().next()?.parse().ok())
        .collect();
    at.sort_unstable();
    assert_eq!(at.len(), 30, "one admission per page");
    let mut start = 0;
    for end in 0..at.len() {
        while at[end] - at[start] >= 1_000_000_000 {
            start += 1;
        }
        assert!(
            end - start < 10,
            "{} requests within one second",
            end - start + 1
        );
    }
}

/// `--rate 0` is invalid usage: exit 2, nothing sent.
#[test]
fn rate_zero_is_refused() {
    let server = MockServer::start_background(MockConfig::default()).expect("the mock starts");
    let r = run(
        &server,
        Duration::from_secs(1),
        &["--rate", "0", "list", "--instance-id", "x"],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(server.total_requests(), 0);
}
