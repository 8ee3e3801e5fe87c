//! Throttling as a user of `rds-backups` meets it: the real binary against a
//! mock started here with a token bucket (`ThrottleConfig`), and `--rate`.
//! Each run is bounded by ten times its budget: a liveness bound only.

mod support;

use std::time::Duration;

use huaweicloud_rds_mock::sized::sized_instance_id;
use huaweicloud_rds_mock::{MockConfig, MockServer, ThrottleConfig};
use support::{Run, against};

/// `rds-backups --endpoint URL --project-id P --auth-token T ARGS` through the
/// shared runner (clean environment, HOME in a fresh directory, metadata and
/// IAM endpoints and proxies on a dead loopback port), bounded by ten times
/// `budget`.
fn run(server: &MockServer, budget: Duration, args: &[&str]) -> Run {
    against(server).budget(budget).args(args).run()
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
        assert!(r.ndjson_ids() == want, "concurrency {concurrency}");
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
    assert!(r.ndjson_ids() == want);
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
    assert!(r.ndjson_ids() == want);
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
    assert!(r.ndjson_ids() == want);
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
