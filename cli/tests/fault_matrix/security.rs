//! The CLI half of the security rows: no secret on stdout or stderr through
//! every fault, even with `-v`/`-vvv`; escaping path values exit 2 and send
//! nothing.

use std::time::Duration;

use huaweicloud_rds_mock::faults::{FAULT_500, FAULT_HTML_502};
use huaweicloud_rds_mock::{
    FAULT_INSTANCES, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_AUTH_TOKEN, MOCK_PROJECT_ID, MockConfig,
    MockServer,
};

use crate::support::{Run, SHORT, cli, mock, mock_with, run_list};

/// A run of `args` with `env` set, within `budget`.
fn run(budget: Duration, args: &[&str], env: &[(&str, &str)]) -> Run {
    cli().args(args).envs(env).budget(budget).run()
}

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
    let open = mock_with(
        MockConfig::default()
            .verify_signature(false)
            .fault_delay(Duration::from_secs(10))
            .oversize_bytes(1 << 20),
    );
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
                    // Throttling is waited out until the deadline.
                    "--deadline",
                    "2",
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
    let r = run_list(&server, &[], "a\nb", &[]);
    r.assert_exit(2);
    assert_eq!(
        r.last_line(),
        "error: invalid request: `instance_id` must not contain control characters"
    );
    assert_eq!(server.total_requests(), 0, "nothing was sent");
}
