//! Error statuses: 429 and 5xx retried then exit 0 or exit 1 with the last
//! answer; any other status exit 1 after one request.

use std::time::{Duration, Instant};

use huaweicloud_rds_mock::faults::{FAULT_500, FAULT_ERROR_LEGACY_KEYS};
use huaweicloud_rds_mock::{
    Fault, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_AUTH_TOKEN, MOCK_PROJECT_ID,
};

use crate::support::{MYSQL_BACKUPS, cli, mock, run_list, scripted};

#[test]
fn throttled_or_unavailable_then_success_exits_0() {
    for (fault, waits) in [
        (Fault::throttled(1), Duration::from_secs(1)),
        (Fault::unavailable(0), Duration::ZERO),
    ] {
        let what = format!("{fault:?}");
        let started = Instant::now();
        let s = scripted(vec![fault], &[], &["--output", "json"]);
        s.run.assert_exit(0);
        // A lower bound: the `Retry-After` asked for was waited.
        assert!(started.elapsed() >= waits, "{what}");
        assert_eq!(s.run.json()["total_count"], MYSQL_BACKUPS, "{what}");
        assert_eq!(s.requests, 2, "{what}");
    }
}

#[test]
fn server_errors_every_time_exit_1_with_the_last_error() {
    for status in [500u16, 502, 503, 504] {
        let script: Vec<Fault> = (1..=2)
            .map(|n| Fault::error(status, &format!("DBS.{status}.{n}"), "failed"))
            .collect();
        let s = scripted(script, &["--max-attempts", "2"], &[]);
        s.run.assert_exit(1);
        let reason = match status {
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            _ => "Gateway Timeout",
        };
        assert_eq!(
            s.run.last_line(),
            format!(
                "error: HTTP {status} {reason}: DBS.{status}.2: failed (request id {})",
                s.server.last_request_id().unwrap()
            )
        );
        assert_eq!(s.requests, 2, "{status}");
        assert!(s.run.stdout.is_empty());
    }
    // The API gateway's own 502 and 504: `APIGW.0201` with `request_id` in the body.
    for (fault, line) in [
        (
            Fault::bad_gateway(),
            "502 Bad Gateway: APIGW.0201: Backend unavailable.",
        ),
        (
            Fault::gateway_timeout(),
            "504 Gateway Timeout: APIGW.0201: Backend timeout.",
        ),
    ] {
        let s = scripted(vec![fault.clone(), fault], &["--max-attempts", "2"], &[]);
        s.run.assert_exit(1);
        assert_eq!(
            s.run.last_line(),
            format!(
                "error: HTTP {line} (request id {})",
                s.server.last_request_id().unwrap()
            )
        );
        assert_eq!(s.requests, 2, "{line}");
    }
    // The default: three attempts.
    let server = mock();
    let r = run_list(&server, &[], FAULT_500, &[]);
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 500 Internal Server Error: DBS.108000: Internal error. (request id {})",
            server.last_request_id().unwrap()
        )
    );
    assert_eq!(server.requests(FAULT_500), 3);
}

#[test]
fn client_errors_400_401_403_exit_1_after_one_request() {
    let server = mock();
    let r = run_list(&server, &[], FAULT_ERROR_LEGACY_KEYS, &[]);
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 400 Bad Request: DBS.280001: Invalid parameter. (request id {})",
            server.last_request_id().unwrap()
        )
    );
    assert_eq!(server.requests(FAULT_ERROR_LEGACY_KEYS), 1);

    let url = server.base_url();
    let r = cli()
        .args(["--endpoint", &url, "--project-id", MOCK_PROJECT_ID])
        .args(["list", "--instance-id", INSTANCE_MYSQL])
        .env("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", "not-the-mock-secret-key")
        .run();
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 401 Unauthorized: APIGW.0301: Incorrect IAM authentication information: \
             verify aksk signature fail: signature does not match (request id {})",
            server.last_request_id().unwrap()
        )
    );
    assert_eq!(server.requests(INSTANCE_MYSQL), 1);

    server.reset();
    let other = "ffffffffffffffffffffffffffffffff";
    let r = cli()
        .args(["--endpoint", &url, "--project-id", other])
        .args(["--auth-token", MOCK_AUTH_TOKEN])
        .args(["list", "--instance-id", INSTANCE_MYSQL])
        .run();
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 403 Forbidden: DBS.280056: Invalid token: it is not valid for project \
             {other}. (request id {})",
            server.last_request_id().unwrap()
        )
    );
    assert_eq!(server.requests(INSTANCE_MYSQL), 1);

    let r = run_list(&server, &[], "no-such-instance", &[]);
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 400 Bad Request: DBS.200823: The DB instance does not exist. \
             (request id {})",
            server.last_request_id().unwrap()
        )
    );
    assert_eq!(server.requests("no-such-instance"), 1);
}
