//! Connections refused, closed or reset, and answers that never complete:
//! retried up to `--max-attempts`, then exit 1 naming the failure.

use huaweicloud_rds_mock::faults::{
    FAULT_CLOSE_BEFORE_HEADERS, FAULT_CLOSE_MID_BODY, FAULT_DELAY, FAULT_RESET_BEFORE_HEADERS,
    FAULT_STALL_MID_BODY,
};
use huaweicloud_rds_mock::{Fault, INSTANCE_MYSQL, MOCK_AUTH_TOKEN, MOCK_PROJECT_ID, Script};

use crate::support::{self, MYSQL_BACKUPS, mock, run_list, scripted};

#[test]
fn connection_refused_exits_1() {
    let endpoint = support::unused_loopback_url();
    let r = support::cli()
        .args(["--endpoint", &endpoint])
        .args([
            "--project-id",
            MOCK_PROJECT_ID,
            "--auth-token",
            MOCK_AUTH_TOKEN,
        ])
        .args(["list", "--instance-id", INSTANCE_MYSQL])
        .run();
    r.assert_exit(1);
    assert!(
        r.last_line()
            .starts_with("error: transport error: connection failed: "),
        "{}",
        r.stderr
    );
    assert!(
        r.last_line()
            .ends_with(&format!("(endpoint {endpoint}, given explicitly)")),
        "where it tried: {}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

/// One failure, then the normal answer: the retry gets it. A late answer is
/// one that outlives `--timeout 0.5`.
#[test]
fn one_failure_then_success_exits_0() {
    for fault in [
        Fault::CloseBeforeHeaders,
        Fault::ResetBeforeHeaders,
        Fault::close_mid_body(),
        Fault::delay(std::time::Duration::from_secs(30)),
    ] {
        let what = format!("{fault:?}");
        let s = scripted(vec![fault], &["--timeout", "0.5"], &["--output", "json"]);
        s.run.assert_exit(0);
        assert_eq!(s.run.json()["total_count"], MYSQL_BACKUPS, "{what}");
        assert_eq!(s.requests, 2, "{what}");
    }
}

/// Every attempt fails the same way (`--max-attempts 2`): the scripted faults
/// and the fault instances, each with the line a user sees.
#[test]
fn transport_failures_every_time_exit_1_naming_the_failure() {
    let closed = "error: transport error: sending the request failed: connection closed before \
                  message completed";
    let mid_body = "error: transport error: connection failed while reading the body: end of \
                    file before message length reached";
    // The operating system's text follows ("Connection reset by peer ...").
    let reset = "error: transport error: sending the request failed: connection reset";
    for (fault, line) in [
        (Fault::CloseBeforeHeaders, closed),
        (Fault::ResetBeforeHeaders, reset),
        (Fault::close_mid_body(), mid_body),
    ] {
        let what = format!("{fault:?}");
        let s = scripted(
            Script::new([fault]).repeat_last(),
            &["--max-attempts", "2"],
            &[],
        );
        s.run.assert_exit(1);
        let got = s.run.last_line().to_lowercase();
        assert!(got.starts_with(line), "{what}: {}", s.run.last_line());
        assert_eq!(s.requests, 2, "{what}");
    }
    let server = mock();
    for (instance, line) in [
        (FAULT_CLOSE_BEFORE_HEADERS, closed),
        (FAULT_RESET_BEFORE_HEADERS, reset),
        (FAULT_CLOSE_MID_BODY, mid_body),
    ] {
        let r = run_list(&server, &["--max-attempts", "2"], instance, &[]);
        r.assert_exit(1);
        let got = r.last_line().to_lowercase();
        assert!(got.starts_with(line), "{instance}: {}", r.last_line());
        assert_eq!(server.requests(instance), 2, "{instance}");
    }
}

/// Headers that never come or come late (scripted, and `fault-delay`), a
/// body that stalls halfway (`fault-stall-mid-body`): each attempt times out
/// (`--timeout 0.2`).
#[test]
fn answers_that_never_complete_exit_1_after_each_attempt_timed_out() {
    let global = ["--timeout", "0.2", "--max-attempts", "2"];
    let line = "error: timed out: no complete response within 0.2s";
    for fault in [
        Fault::Hang,
        Fault::delay(std::time::Duration::from_secs(30)),
    ] {
        let what = format!("{fault:?}");
        let s = scripted(Script::new([fault]).repeat_last(), &global, &[]);
        s.run.assert_exit(1);
        assert_eq!(s.run.last_line(), line, "{what}");
        assert_eq!(s.requests, 2, "{what}");
    }
    let server = mock();
    for instance in [FAULT_DELAY, FAULT_STALL_MID_BODY] {
        let r = run_list(&server, &global, instance, &[]);
        r.assert_exit(1);
        assert_eq!(r.last_line(), line, "{instance}");
        assert_eq!(server.requests(instance), 2, "{instance}");
    }
}
