//! The rows of the fault matrix (`docs/fault-matrix.md`) that a user of `rds-backups` sees:
//! the real binary against a mock started here (faults scripted per test),
//! asserting the exit code, the last stderr line and what reached the server;
//! and the CLI half of the security rows (no secret on stdout or stderr, even
//! with `-v`/`-vvv`; escaping path values refused with exit 2, nothing sent).
//! `docs/fault-matrix.md` lists every row and its test.
//!
//! Each run of the binary is bounded by ten times its budget (its timeouts,
//! retries and waits): a liveness bound that fails only on a hang.

use std::collections::HashSet;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use huaweicloud_rds_mock::faults::{
    FAULT_500, FAULT_CLOSE_BEFORE_HEADERS, FAULT_CLOSE_MID_BODY, FAULT_EMPTY_BODY,
    FAULT_ERROR_LEGACY_KEYS, FAULT_HTML_502, FAULT_ID_TYPO, FAULT_INVALID_UTF8,
    FAULT_NON_JSON_CONTENT_TYPE, FAULT_OVERSIZE, FAULT_OVERSIZE_CHUNKED, FAULT_SAME_PAGE,
    FAULT_SHIFT, FAULT_STALL_MID_BODY, FAULT_TOTAL_COUNT_HIGH, FAULT_TOTAL_COUNT_LOW,
    FAULT_TRUNCATED_JSON, FAULT_WRONG_SHAPE,
};
use huaweicloud_rds_mock::{
    FAULT_INSTANCES, Fault, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_AUTH_TOKEN, MOCK_PROJECT_ID,
    MockConfig, MockServer, QUIRK_NULL_OPTIONALS, QUIRK_TIME_OFFSETS, QUIRK_UNKNOWN_ENUMS,
};

const BIN: &str = env!("CARGO_BIN_EXE_rds-backups");

/// What a run of the binary left.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn last_line(&self) -> &str {
        self.stderr.lines().last().unwrap_or("")
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }

    fn ids(&self) -> Vec<String> {
        self.json()["backups"]
            .as_array()
            .expect("a backups array")
            .iter()
            .map(|b| b["id"].as_str().unwrap().to_owned())
            .collect()
    }

    fn assert_exit(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "stderr:\n{}\nstdout:\n{}",
            self.stderr,
            self.stdout
        );
        self
    }
}

/// Runs the binary with a clean environment plus `env`, killing it (and
/// failing) if it has not finished within ten times `budget`.
fn run(budget: Duration, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rds-backups starts");
    // Read both pipes on threads so that a full pipe never blocks the child.
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
            panic!("hung: rds-backups {args:?} not finished within {limit:?} (10x its budget)");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

/// A mock on its own thread: stalls of 10 s, oversize bodies of 64 MiB (over
/// the CLI's 16 MiB cap).
fn mock() -> MockServer {
    MockServer::start_background(
        MockConfig::default()
            .fault_delay(Duration::from_secs(10))
            .oversize_bytes(64 << 20),
    )
    .expect("the mock starts")
}

/// `rds-backups --endpoint URL --project-id P --auth-token T [global...] list
/// --instance-id I [list...]`.
fn list(
    server: &MockServer,
    budget: Duration,
    global: &[&str],
    instance: &str,
    args: &[&str],
) -> Run {
    let url = server.base_url();
    let mut all = vec![
        "--endpoint",
        url.as_str(),
        "--project-id",
        MOCK_PROJECT_ID,
        "--auth-token",
        MOCK_AUTH_TOKEN,
    ];
    all.extend_from_slice(global);
    all.extend_from_slice(&["list", "--instance-id", instance]);
    all.extend_from_slice(args);
    run(budget, &all, &[])
}

fn last_request_id(server: &MockServer) -> String {
    server
        .received()
        .last()
        .expect("a request reached the server")
        .request_id
        .clone()
}

const SHORT: Duration = Duration::from_secs(2);

// --- Connections -------------------------------------------------------------

#[test]
fn connection_refused_exits_1() {
    let url = {
        let server = mock();
        server.base_url()
    }; // dropped: nothing listens there any more
    std::thread::sleep(Duration::from_millis(100));
    let r = run(
        SHORT,
        &[
            "--endpoint",
            &url,
            "--project-id",
            MOCK_PROJECT_ID,
            "--auth-token",
            MOCK_AUTH_TOKEN,
            "list",
            "--instance-id",
            INSTANCE_MYSQL,
        ],
        &[],
    );
    r.assert_exit(1);
    assert!(
        r.last_line()
            .starts_with("error: transport error: connection failed: "),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn reset_before_the_headers_then_success_exits_0() {
    let server = mock();
    server.script(INSTANCE_MYSQL, vec![Fault::CloseBeforeHeaders, Fault::None]);
    let r = list(&server, SHORT, &[], INSTANCE_MYSQL, &["--output", "json"]);
    r.assert_exit(0);
    assert_eq!(r.json()["total_count"], 13);
    assert_eq!(server.requests(INSTANCE_MYSQL), 2);
}

#[test]
fn reset_before_the_headers_every_time_exits_1() {
    let server = mock();
    let r = list(
        &server,
        SHORT,
        &["--max-attempts", "2"],
        FAULT_CLOSE_BEFORE_HEADERS,
        &[],
    );
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        "error: transport error: sending the request failed: connection closed before message completed"
    );
    assert_eq!(server.requests(FAULT_CLOSE_BEFORE_HEADERS), 2);
}

#[test]
fn reset_mid_body_every_time_exits_1() {
    let server = mock();
    let r = list(
        &server,
        SHORT,
        &["--max-attempts", "2"],
        FAULT_CLOSE_MID_BODY,
        &[],
    );
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        "error: transport error: connection failed while reading the body: \
         end of file before message length reached"
    );
    assert_eq!(server.requests(FAULT_CLOSE_MID_BODY), 2);
}

// --- Time limits -------------------------------------------------------------

#[test]
fn headers_that_never_arrive_exit_1_after_each_attempt_timed_out() {
    let server = mock();
    let stall = Fault::delay(Duration::from_secs(30));
    server.script(INSTANCE_MYSQL, vec![stall.clone(), stall]);
    let r = list(
        &server,
        SHORT,
        &["--timeout", "0.2", "--max-attempts", "2"],
        INSTANCE_MYSQL,
        &[],
    );
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        "error: timed out: no complete response within 0.2s"
    );
    assert_eq!(server.requests(INSTANCE_MYSQL), 2);
}

#[test]
fn a_body_stalled_halfway_exits_1_after_each_attempt_timed_out() {
    let server = mock();
    let r = list(
        &server,
        SHORT,
        &["--timeout", "0.2", "--max-attempts", "2"],
        FAULT_STALL_MID_BODY,
        &[],
    );
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        "error: timed out: no complete response within 0.2s"
    );
    assert_eq!(server.requests(FAULT_STALL_MID_BODY), 2);
}

// --- Statuses ----------------------------------------------------------------

#[test]
fn throttled_then_success_exits_0() {
    let server = mock();
    server.script(INSTANCE_MYSQL, vec![Fault::throttled(1), Fault::None]);
    let started = Instant::now();
    let r = list(&server, SHORT, &[], INSTANCE_MYSQL, &["--output", "json"]);
    r.assert_exit(0);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1"
    );
    assert_eq!(r.json()["total_count"], 13);
    assert_eq!(server.requests(INSTANCE_MYSQL), 2);
}

#[test]
fn unavailable_then_success_exits_0() {
    let server = mock();
    server.script(INSTANCE_MYSQL, vec![Fault::unavailable(0), Fault::None]);
    let r = list(&server, SHORT, &[], INSTANCE_MYSQL, &["--output", "json"]);
    r.assert_exit(0);
    assert_eq!(r.json()["total_count"], 13);
    assert_eq!(server.requests(INSTANCE_MYSQL), 2);
}

#[test]
fn server_errors_every_time_exit_1_with_the_last_error() {
    let server = mock();
    for status in [500u16, 502, 503, 504] {
        server.reset();
        let script = (1..=2)
            .map(|n| Fault::error(status, &format!("DBS.{status}.{n}"), "failed"))
            .collect::<Vec<_>>();
        server.script(INSTANCE_MYSQL, script);
        let r = list(
            &server,
            SHORT,
            &["--max-attempts", "2"],
            INSTANCE_MYSQL,
            &[],
        );
        r.assert_exit(1);
        let reason = match status {
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            _ => "Gateway Timeout",
        };
        assert_eq!(
            r.last_line(),
            format!(
                "error: HTTP {status} {reason}: DBS.{status}.2: failed (request id {})",
                last_request_id(&server)
            )
        );
        assert_eq!(server.requests(INSTANCE_MYSQL), 2, "{status}");
        assert!(r.stdout.is_empty());
    }
    // The default: three attempts.
    let r = list(&server, SHORT, &[], FAULT_500, &[]);
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 500 Internal Server Error: DBS.108000: Internal error. (request id {})",
            last_request_id(&server)
        )
    );
    assert_eq!(server.requests(FAULT_500), 3);
}

#[test]
fn client_errors_400_401_403_404_exit_1_after_one_request() {
    let server = mock();
    let r = list(&server, SHORT, &[], FAULT_ERROR_LEGACY_KEYS, &[]);
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 400 Bad Request: DBS.280001: Invalid parameter. (request id {})",
            last_request_id(&server)
        )
    );
    assert_eq!(server.requests(FAULT_ERROR_LEGACY_KEYS), 1);

    let url = server.base_url();
    let r = run(
        SHORT,
        &[
            "--endpoint",
            &url,
            "--project-id",
            MOCK_PROJECT_ID,
            "list",
            "--instance-id",
            INSTANCE_MYSQL,
        ],
        &[
            ("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY),
            ("HUAWEICLOUD_SDK_SK", "not-the-mock-secret-key"),
        ],
    );
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 401 Unauthorized: APIGW.0301: Incorrect IAM authentication information: \
             verify aksk signature fail: signature does not match (request id {})",
            last_request_id(&server)
        )
    );
    assert_eq!(server.requests(INSTANCE_MYSQL), 1);

    server.reset();
    let other = "ffffffffffffffffffffffffffffffff";
    let r = run(
        SHORT,
        &[
            "--endpoint",
            &url,
            "--project-id",
            other,
            "--auth-token",
            MOCK_AUTH_TOKEN,
            "list",
            "--instance-id",
            INSTANCE_MYSQL,
        ],
        &[],
    );
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 403 Forbidden: DBS.280056: Invalid token: it is not valid for project \
             {other}. (request id {})",
            last_request_id(&server)
        )
    );
    assert_eq!(server.requests(INSTANCE_MYSQL), 1);

    let r = list(&server, SHORT, &[], "no-such-instance", &[]);
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 404 Not Found: DBS.200823: The DB instance no-such-instance does not \
             exist. (request id {})",
            last_request_id(&server)
        )
    );
    assert_eq!(server.requests("no-such-instance"), 1);
}

// --- Bodies ------------------------------------------------------------------

#[test]
fn an_html_502_page_exits_1_with_its_excerpt() {
    let server = mock();
    let r = list(
        &server,
        SHORT,
        &["--max-attempts", "2"],
        FAULT_HTML_502,
        &[],
    );
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> \
             <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>ngin… (request id {})",
            last_request_id(&server)
        )
    );
    assert_eq!(server.requests(FAULT_HTML_502), 2);
}

#[test]
fn unusable_200_bodies_exit_1_naming_the_problem() {
    let server = mock();
    for (instance, line) in [
        (
            FAULT_EMPTY_BODY,
            "error: invalid response body at `.`: the body is empty (body starts \"\")",
        ),
        (
            FAULT_TRUNCATED_JSON,
            "error: invalid response body at `backups[9].datastore.version`: EOF while parsing",
        ),
        (
            FAULT_WRONG_SHAPE,
            "error: invalid response body at `backups`: invalid type: map, expected a sequence",
        ),
        (
            FAULT_INVALID_UTF8,
            "error: invalid response body at `backups[0].name`: invalid unicode code point",
        ),
        (
            FAULT_ID_TYPO,
            "error: invalid response body at `backups[0]`: missing field `id`",
        ),
        (
            FAULT_OVERSIZE,
            "error: invalid response: the body is larger than the 16777216-byte limit",
        ),
        (
            FAULT_OVERSIZE_CHUNKED,
            "error: invalid response: the body is larger than the 16777216-byte limit",
        ),
    ] {
        let r = list(&server, SHORT, &[], instance, &[]);
        r.assert_exit(1);
        assert!(
            r.last_line().starts_with(line),
            "{instance}: {}",
            r.last_line()
        );
        assert_eq!(server.requests(instance), 1, "{instance}: not retried");
        assert!(r.stdout.is_empty(), "{instance}");
    }
}

#[test]
fn a_non_json_content_type_with_a_json_body_exits_0() {
    let server = mock();
    let r = list(
        &server,
        SHORT,
        &[],
        FAULT_NON_JSON_CONTENT_TYPE,
        &["--output", "json"],
    );
    r.assert_exit(0);
    assert_eq!(r.json()["total_count"], 20);
}

#[test]
fn values_to_tolerate_are_printed_as_received() {
    let server = mock();
    let r = list(
        &server,
        SHORT,
        &[],
        QUIRK_UNKNOWN_ENUMS,
        &["--output", "json"],
    );
    r.assert_exit(0);
    let v = r.json();
    assert_eq!(v["backups"][0]["type"], "snapshot");
    assert_eq!(v["backups"][1]["status"], "ARCHIVED");
    assert_eq!(v["backups"][0]["datastore"]["type"], "openGauss");

    let r = list(
        &server,
        SHORT,
        &[],
        QUIRK_NULL_OPTIONALS,
        &["--output", "json"],
    );
    r.assert_exit(0);
    assert_eq!(r.json()["total_count"], 2);

    let r = list(
        &server,
        SHORT,
        &[],
        QUIRK_TIME_OFFSETS,
        &["--output", "json"],
    );
    r.assert_exit(0);
    let v = r.json();
    let begins: Vec<&str> = v["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["begin_time"].as_str().unwrap())
        .collect();
    assert_eq!(
        begins,
        [
            "2024-06-29T02:00:00+0800",
            "2024-06-28T04:00:00+0000",
            "2024-06-27T22:00:00+0800"
        ]
    );
}

// --- Pagination --------------------------------------------------------------

#[test]
fn an_empty_page_while_total_count_says_more_exits_1_incomplete() {
    let server = mock();
    let r = list(
        &server,
        SHORT,
        &[],
        FAULT_TOTAL_COUNT_HIGH,
        &["--all", "--limit", "50", "--output", "ndjson"],
    );
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        "error: incomplete listing: received 250 backups but the service reported 300"
    );
    // NDJSON streams: what was received is printed, once each.
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 250);
    assert_eq!(lines.iter().collect::<HashSet<_>>().len(), 250);
    assert_eq!(server.requests(FAULT_TOTAL_COUNT_HIGH), 18, "three passes");

    // JSON prints nothing on failure.
    let r = list(
        &server,
        SHORT,
        &[],
        FAULT_TOTAL_COUNT_HIGH,
        &["--all", "--output", "json"],
    );
    r.assert_exit(1);
    assert!(r.stdout.is_empty());
}

#[test]
fn a_list_that_stays_shifted_exits_1_incomplete() {
    let server = mock();
    let r = list(&server, SHORT, &[], FAULT_SHIFT, &["--all"]);
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        "error: incomplete listing: received 250 backups but the service reported 251"
    );
    assert_eq!(server.requests(FAULT_SHIFT), 9);
}

#[test]
fn the_same_page_twice_exits_0_with_every_backup_once() {
    let server = mock();
    let r = list(
        &server,
        SHORT,
        &["-v"],
        FAULT_SAME_PAGE,
        &["--all", "--output", "json"],
    );
    r.assert_exit(0);
    let ids = r.ids();
    assert_eq!(ids.len(), 250);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 250);
    assert_eq!(r.json()["total_count"], 250);
    assert!(
        r.stderr
            .contains("the listing changed during the walk; walking it again"),
        "the re-walk is logged: {}",
        r.stderr
    );
    assert_eq!(server.requests(FAULT_SAME_PAGE), 6);
}

#[test]
fn total_count_shrinking_mid_walk_exits_0_with_everything() {
    let server = mock();
    server.script(
        INSTANCE_MYSQL,
        vec![Fault::None, Fault::TotalCountDelta(-8)],
    );
    let r = list(
        &server,
        SHORT,
        &[],
        INSTANCE_MYSQL,
        &[
            "--all",
            "--limit",
            "5",
            "--concurrency",
            "1",
            "--output",
            "json",
        ],
    );
    r.assert_exit(0);
    let ids = r.ids();
    assert_eq!(ids.len(), 13);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 13);
    // Pass 1: offsets 0, 5 (total 5: stop); pass 2: 0, 5, 10.
    assert_eq!(server.requests(INSTANCE_MYSQL), 5);
}

#[test]
fn total_count_low_exits_0_where_the_service_says_the_listing_ends() {
    let server = mock();
    let r = list(&server, SHORT, &[], FAULT_TOTAL_COUNT_LOW, &["--all"]);
    r.assert_exit(0);
    assert_eq!(r.ids().len(), 200);
    assert_eq!(server.requests(FAULT_TOTAL_COUNT_LOW), 2);
}

// --- Security ----------------------------------------------------------------

/// Environment variables for a run.
type Env<'a> = &'a [(&'a str, &'a str)];

const SK: &str = "SKcanary91c3e7a5f0d2b648";
const SECURITY_TOKEN: &str = "STScanary0e6b2d84c1f9a735";
const IAM_TOKEN: &str = "IAMcanary5a8f3c1e9d07b246";

fn assert_clean(r: &Run, what: &str) {
    for secret in [SK, SECURITY_TOKEN, IAM_TOKEN] {
        assert!(
            !r.stdout.contains(secret) && !r.stderr.contains(secret),
            "{what}: {secret} shown:\n{}\n{}",
            r.stderr,
            r.stdout
        );
    }
}

/// Distinctive SK, security token and IAM token through every fault, with
/// `-v` and `-vvv`: neither stdout nor stderr ever shows one.
#[test]
fn secrets_never_reach_stdout_or_stderr_even_with_v() {
    // Accepts any credentials, so that requests reach every fault.
    let open = MockServer::start_background(
        MockConfig::default()
            .verify_signature(false)
            .fault_delay(Duration::from_secs(10))
            .oversize_bytes(1 << 20),
    )
    .unwrap();
    let verifying = mock();
    let aksk_env = [
        ("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY),
        ("HUAWEICLOUD_SDK_SK", SK),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", SECURITY_TOKEN),
        ("HUAWEICLOUD_SDK_PROJECT_ID", MOCK_PROJECT_ID),
    ];
    let token_env = [
        ("RDS_BACKUPS_AUTH_TOKEN", IAM_TOKEN),
        ("HUAWEICLOUD_SDK_PROJECT_ID", MOCK_PROJECT_ID),
    ];
    let mut instances: Vec<&str> = FAULT_INSTANCES.iter().map(|(id, _)| *id).collect();
    instances.extend([INSTANCE_MYSQL, "no-such-instance"]);
    let some = [
        INSTANCE_MYSQL,
        FAULT_500,
        FAULT_HTML_502,
        "no-such-instance",
    ];
    // Every fault with AK/SK (-v) and with the token from the environment
    // (-vvv); the token as a flag on a few; every credential refused (401).
    // `--endpoint=URL` as one argument (leaked: the test process ends soon).
    let endpoint = |server: &MockServer| -> &'static str {
        Box::leak(format!("--endpoint={}", server.base_url()).into_boxed_str())
    };
    let (open_url, verifying_url) = (endpoint(&open), endpoint(&verifying));
    let mut jobs: Vec<(Vec<&str>, Env)> = Vec::new();
    let mut add =
        |url: &'static str, instances: &[&'static str], verbosity, env, flags: &[&'static str]| {
            for instance in instances {
                let mut args = flags.to_vec();
                args.extend([
                    url,
                    verbosity,
                    "--timeout",
                    "0.2",
                    "--max-attempts",
                    "1",
                    "list",
                    "--instance-id",
                    instance,
                    "--all",
                    "--output",
                    "ndjson",
                ]);
                jobs.push((args, env));
            }
        };
    add(open_url, &instances, "-v", &aksk_env, &[]);
    add(open_url, &instances, "-vvv", &token_env, &[]);
    add(open_url, &some, "-vvv", &[], &["--auth-token", IAM_TOKEN]);
    add(verifying_url, &some[..1], "-vvv", &aksk_env, &[]);
    add(
        verifying_url,
        &some[..1],
        "-vvv",
        &[],
        &["--auth-token", IAM_TOKEN],
    );
    let mut runs = jobs.len();
    // Four processes at a time.
    std::thread::scope(|scope| {
        for chunk in jobs.chunks(jobs.len().div_ceil(4)) {
            scope.spawn(move || {
                for (args, env) in chunk {
                    let r = run(Duration::from_secs(3), args, env);
                    assert_clean(&r, &format!("{args:?}"));
                    assert!(!r.stderr.is_empty(), "logs on stderr: {args:?}");
                }
            });
        }
    });
    // The usage errors around credentials.
    let bad_token = format!("{IAM_TOKEN}\n");
    for (args, env) in [
        (vec!["--auth-token", &bad_token, "--mock"], &[][..]),
        (vec!["--endpoint", "http://127.0.0.1:9"], &aksk_env[1..2]),
        (
            vec!["--endpoint", "http://127.0.0.1:9", "--project-id", "p"],
            &aksk_env[1..3],
        ),
    ] {
        let mut args = args.clone();
        args.extend(["list", "--instance-id", INSTANCE_MYSQL, "-vvv"]);
        let r = run(SHORT, &args, env);
        r.assert_exit(2);
        assert_clean(&r, &format!("{args:?}"));
        runs += 1;
    }
    assert!(runs > 50, "{runs}");
    // The secrets were in use: the open mock received them.
    let seen = open.received();
    assert!(
        seen.iter()
            .any(|r| r.header("x-security-token") == Some(SECURITY_TOKEN))
    );
    assert!(
        seen.iter()
            .any(|r| r.header("x-auth-token") == Some(IAM_TOKEN))
    );
}

/// Path values that would leave `/v3/{project_id}/backups` are refused with
/// exit 2 before anything is sent.
#[test]
fn escaping_project_ids_exit_2_and_send_nothing() {
    let server = mock();
    for bad in [
        "..", "../x", "a/b", "%2F", "a%2fb", "a?b", "a#b", "a\nb", "a\\b",
    ] {
        let url = server.base_url();
        let r = run(
            SHORT,
            &[
                "--endpoint",
                &url,
                "--project-id",
                bad,
                "--auth-token",
                MOCK_AUTH_TOKEN,
                "list",
                "--instance-id",
                INSTANCE_MYSQL,
            ],
            &[],
        );
        r.assert_exit(2);
        assert!(
            r.last_line()
                .starts_with("error: invalid request: `project_id` must "),
            "{bad:?}: {}",
            r.stderr
        );
    }
    let r = list(&server, SHORT, &[], "a\nb", &[]);
    r.assert_exit(2);
    assert_eq!(
        r.last_line(),
        "error: invalid request: `instance_id` must not contain control characters"
    );
    assert_eq!(server.total_requests(), 0, "nothing was sent");
}
