//! Bodies a 2xx answer cannot be used with (exit 1 naming the problem, one
//! request), an error object in a 200 (exit 1 with that error), and values
//! to tolerate (printed as received).

use huaweicloud_rds_mock::faults::{
    FAULT_EMPTY_BODY, FAULT_ERROR_BODY_IN_200, FAULT_HTML_502, FAULT_ID_TYPO, FAULT_INVALID_UTF8,
    FAULT_NON_JSON_CONTENT_TYPE, FAULT_OVERSIZE, FAULT_OVERSIZE_CHUNKED, FAULT_TRUNCATED_JSON,
    FAULT_WRONG_SHAPE,
};
use huaweicloud_rds_mock::{Fault, QUIRK_NULL_OPTIONALS, QUIRK_TIME_OFFSETS, QUIRK_UNKNOWN_ENUMS};

use crate::support::{mock, run_list, scripted};

#[test]
fn an_html_502_page_exits_1_with_its_excerpt() {
    let server = mock();
    let r = run_list(&server, &["--max-attempts", "2"], FAULT_HTML_502, &[]);
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> \
             <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>ngin… (request id {})",
            server.last_request_id().unwrap()
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
        let r = run_list(&server, &[], instance, &[]);
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

/// Not "missing field `backups`": the error the body carries, with its code,
/// message and request id; not retried.
#[test]
fn an_error_object_in_a_200_exits_1_with_that_error() {
    let s = scripted(
        vec![Fault::error_body_in_200(
            "DBS.280343",
            "Backup query failed.",
        )],
        &[],
        &["--output", "json"],
    );
    s.run.assert_exit(1);
    assert_eq!(
        s.run.last_line(),
        format!(
            "error: HTTP 200 OK: DBS.280343: Backup query failed. (request id {})",
            s.server.last_request_id().unwrap()
        )
    );
    assert_eq!(s.requests, 1);
    assert!(s.run.stdout.is_empty());
    // The fault instance, by its rule.
    let server = mock();
    let r = run_list(&server, &[], FAULT_ERROR_BODY_IN_200, &[]);
    r.assert_exit(1);
    assert_eq!(
        r.last_line(),
        format!(
            "error: HTTP 200 OK: DBS.108000: Internal error. (request id {})",
            server.last_request_id().unwrap()
        )
    );
    assert_eq!(server.requests(FAULT_ERROR_BODY_IN_200), 1);
}

#[test]
fn a_non_json_content_type_with_a_json_body_exits_0() {
    let server = mock();
    let r = run_list(
        &server,
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
    let r = run_list(&server, &[], QUIRK_UNKNOWN_ENUMS, &["--output", "json"]);
    r.assert_exit(0);
    let v = r.json();
    assert_eq!(v["backups"][0]["type"], "snapshot");
    assert_eq!(v["backups"][1]["status"], "ARCHIVED");
    assert_eq!(v["backups"][0]["datastore"]["type"], "openGauss");

    let r = run_list(&server, &[], QUIRK_NULL_OPTIONALS, &["--output", "json"]);
    r.assert_exit(0);
    assert_eq!(r.json()["total_count"], 2);

    let r = run_list(&server, &[], QUIRK_TIME_OFFSETS, &["--output", "json"]);
    r.assert_exit(0);
    let v = r.json();
    // `+08:00`, `Z` and `+0800` on the wire: printed in the service's form.
    let times = [
        "2024-06-29T02:00:00+0800",
        "2024-06-28T04:00:00+0000",
        "2024-06-27T22:00:00+0800",
    ];
    for (i, time) in times.iter().enumerate() {
        assert_eq!(v["backups"][i]["begin_time"], *time, "backup {i}");
    }
    assert_eq!(v["backups"][times.len()], serde_json::Value::Null);
}
