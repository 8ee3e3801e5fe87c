//! The fault instances: instance ids whose requests always (or on a rule) go wrong.
//!
//! Fault instances that answer with data serve generated MySQL 8.0 backups of their own
//! (20 backups, or 250 for the paging faults), so they can be listed like any instance.

use std::time::Duration;

use super::fault::Fault;
use crate::reply::Reply;

/// `502` with an HTML page, always.
pub const FAULT_HTML_502: &str = "fault-html-502";
/// `500` `DBS.108000`, always.
pub const FAULT_500: &str = "fault-500";
/// `503` `DBS.108000` with `Retry-After: 1`, always.
pub const FAULT_503: &str = "fault-503";
/// `429` `APIGW.0308` (with `request_id` in the body) and `Retry-After: 1`, always.
pub const FAULT_429: &str = "fault-429";
/// Odd-numbered requests (1st, 3rd, ...) to this instance get `503` with
/// `Retry-After: 0`; even-numbered ones are answered normally.
pub const FAULT_FLAKY_503: &str = "fault-flaky-503";
/// `400` with the older error keys `{"errorCode": ..., "errorMsg": ...}`, always.
pub const FAULT_ERROR_LEGACY_KEYS: &str = "fault-error-legacy-keys";
/// `500` with a nested error `{"error": {"code": ..., "message": ...}}`, always.
pub const FAULT_ERROR_NESTED: &str = "fault-error-nested";
/// Waits [`MockConfig::fault_delay`](crate::MockConfig::fault_delay) before the headers, then answers normally.
pub const FAULT_DELAY: &str = "fault-delay";
/// Sends half the body, stalls [`MockConfig::fault_delay`](crate::MockConfig::fault_delay), then the rest.
pub const FAULT_STALL_MID_BODY: &str = "fault-stall-mid-body";
/// Closes the connection before any response byte.
pub const FAULT_CLOSE_BEFORE_HEADERS: &str = "fault-close-before-headers";
/// Resets the connection (RST) before any response byte.
pub const FAULT_RESET_BEFORE_HEADERS: &str = "fault-reset-before-headers";
/// Closes the connection after the headers and half the body.
pub const FAULT_CLOSE_MID_BODY: &str = "fault-close-mid-body";
/// `200` with the JSON body cut in half (consistent `Content-Length`).
pub const FAULT_TRUNCATED_JSON: &str = "fault-truncated-json";
/// `200` with a body of [`MockConfig::oversize_bytes`](crate::MockConfig::oversize_bytes), with `Content-Length`.
pub const FAULT_OVERSIZE: &str = "fault-oversize";
/// Same as [`FAULT_OVERSIZE`] with `Transfer-Encoding: chunked` (no length announced).
pub const FAULT_OVERSIZE_CHUNKED: &str = "fault-oversize-chunked";
/// `200` with an empty body.
pub const FAULT_EMPTY_BODY: &str = "fault-empty-body";
/// `200` whose body is the error object `{"error_code": "DBS.108000", ...}`.
pub const FAULT_ERROR_BODY_IN_200: &str = "fault-error-body-in-200";
/// `200` with invalid UTF-8 inside a string.
pub const FAULT_INVALID_UTF8: &str = "fault-invalid-utf8";
/// `200` with JSON of the wrong shape.
pub const FAULT_WRONG_SHAPE: &str = "fault-wrong-shape";
/// `200` with a JSON body labelled `text/plain`.
pub const FAULT_NON_JSON_CONTENT_TYPE: &str = "fault-non-json-content-type";
/// `200` with the documented `"id "` key typo on every backup.
pub const FAULT_ID_TYPO: &str = "fault-id-typo";
/// 250 backups; every request with `offset > 0` sees one extra, newer backup at the
/// head of the list (a backup created during the walk), so pages overlap by one.
pub const FAULT_SHIFT: &str = "fault-shift";
/// 250 backups; `total_count` reported as 300.
pub const FAULT_TOTAL_COUNT_HIGH: &str = "fault-total-count-high";
/// 250 backups; `total_count` reported as 150.
pub const FAULT_TOTAL_COUNT_LOW: &str = "fault-total-count-low";
/// 250 backups; the second request to this instance ignores its `offset` (so a walk
/// receives the first page twice), later requests are normal.
pub const FAULT_SAME_PAGE: &str = "fault-same-page";

/// Every fault instance with a one-line description.
pub const FAULT_INSTANCES: &[(&str, &str)] = &[
    (FAULT_HTML_502, "502 text/html page, always"),
    (FAULT_500, "500 DBS.108000, always"),
    (FAULT_503, "503 DBS.108000 with Retry-After: 1, always"),
    (
        FAULT_429,
        "429 APIGW.0308 (request_id in body) with Retry-After: 1, always",
    ),
    (
        FAULT_FLAKY_503,
        "odd-numbered requests 503 with Retry-After: 0, even-numbered ones normal",
    ),
    (
        FAULT_ERROR_LEGACY_KEYS,
        "400 with errorCode/errorMsg keys, always",
    ),
    (
        FAULT_ERROR_NESTED,
        "500 with {\"error\":{\"code\",\"message\"}}, always",
    ),
    (FAULT_DELAY, "waits fault_delay before the headers"),
    (
        FAULT_STALL_MID_BODY,
        "half the body, a fault_delay stall, then the rest",
    ),
    (FAULT_CLOSE_BEFORE_HEADERS, "connection closed, no response"),
    (FAULT_RESET_BEFORE_HEADERS, "connection reset, no response"),
    (
        FAULT_CLOSE_MID_BODY,
        "connection closed after half the body",
    ),
    (
        FAULT_TRUNCATED_JSON,
        "200, JSON cut in half, consistent Content-Length",
    ),
    (
        FAULT_OVERSIZE,
        "200, oversize_bytes of JSON with Content-Length",
    ),
    (
        FAULT_OVERSIZE_CHUNKED,
        "200, oversize_bytes of JSON, chunked",
    ),
    (FAULT_EMPTY_BODY, "200, empty body"),
    (
        FAULT_ERROR_BODY_IN_200,
        "200 whose body is an error object (DBS.108000)",
    ),
    (FAULT_INVALID_UTF8, "200, invalid UTF-8 in a string"),
    (
        FAULT_WRONG_SHAPE,
        "200, backups is an object and total_count a string",
    ),
    (
        FAULT_NON_JSON_CONTENT_TYPE,
        "200, JSON body labelled text/plain",
    ),
    (
        FAULT_ID_TYPO,
        "200, every backup has \"id \" instead of \"id\"",
    ),
    (
        FAULT_SHIFT,
        "250 backups; requests with offset > 0 see one new backup at the head",
    ),
    (FAULT_TOTAL_COUNT_HIGH, "250 backups; total_count says 300"),
    (FAULT_TOTAL_COUNT_LOW, "250 backups; total_count says 150"),
    (
        FAULT_SAME_PAGE,
        "250 backups; the second request ignores offset",
    ),
];

/// How many generated backups a fault instance holds.
pub(crate) fn fault_instance_size(id: &str) -> usize {
    match id {
        FAULT_SHIFT | FAULT_TOTAL_COUNT_HIGH | FAULT_TOTAL_COUNT_LOW | FAULT_SAME_PAGE => 250,
        _ => 20,
    }
}

/// The settings fault instances read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FaultSettings {
    pub delay: Duration,
    pub oversize_bytes: u64,
}

/// The fault a fault instance applies to its `nth` request (1-based), or `None` if
/// `id` is not a fault instance.
pub(crate) fn instance_fault(id: &str, nth: u64, offset: u64, s: FaultSettings) -> Option<Fault> {
    Some(match id {
        FAULT_HTML_502 => Fault::HtmlBadGateway,
        FAULT_500 => Fault::error(500, "DBS.108000", "Internal error."),
        FAULT_503 => Fault::unavailable(1),
        FAULT_429 => Fault::throttled(1),
        FAULT_FLAKY_503 if nth % 2 == 1 => Fault::unavailable(0),
        FAULT_FLAKY_503 => Fault::None,
        FAULT_ERROR_LEGACY_KEYS => Fault::Reply(Reply::json(
            400,
            r#"{"errorCode":"DBS.280001","errorMsg":"Invalid parameter."}"#,
        )),
        FAULT_ERROR_NESTED => Fault::Reply(Reply::json(
            500,
            r#"{"error":{"code":"DBS.108000","message":"Internal error.","request_id":"{request_id}"}}"#,
        )),
        FAULT_DELAY => Fault::delay(s.delay),
        FAULT_STALL_MID_BODY => Fault::stall_mid_body(s.delay),
        FAULT_CLOSE_BEFORE_HEADERS => Fault::CloseBeforeHeaders,
        FAULT_RESET_BEFORE_HEADERS => Fault::ResetBeforeHeaders,
        FAULT_CLOSE_MID_BODY => Fault::close_mid_body(),
        FAULT_TRUNCATED_JSON => Fault::TruncatedJson,
        FAULT_OVERSIZE => Fault::Oversize {
            bytes: s.oversize_bytes,
            chunked: false,
        },
        FAULT_OVERSIZE_CHUNKED => Fault::Oversize {
            bytes: s.oversize_bytes,
            chunked: true,
        },
        FAULT_EMPTY_BODY => Fault::EmptyBody,
        FAULT_ERROR_BODY_IN_200 => Fault::error_body_in_200("DBS.108000", "Internal error."),
        FAULT_INVALID_UTF8 => Fault::InvalidUtf8,
        FAULT_WRONG_SHAPE => Fault::WrongShape,
        FAULT_NON_JSON_CONTENT_TYPE => Fault::NonJsonContentType,
        FAULT_ID_TYPO => Fault::IdTypo,
        FAULT_SHIFT if offset > 0 => Fault::ShiftByOne,
        FAULT_SHIFT => Fault::None,
        FAULT_TOTAL_COUNT_HIGH => Fault::TotalCountDelta(50),
        FAULT_TOTAL_COUNT_LOW => Fault::TotalCountDelta(-100),
        FAULT_SAME_PAGE if nth == 2 => Fault::IgnoreOffset,
        FAULT_SAME_PAGE => Fault::None,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_fault_instance_has_a_rule() {
        let s = FaultSettings {
            delay: Duration::from_millis(1),
            oversize_bytes: 1,
        };
        for &(id, _) in FAULT_INSTANCES {
            assert!(instance_fault(id, 1, 0, s).is_some(), "{id}");
        }
        assert_eq!(instance_fault("other", 1, 0, s), None);
        assert_eq!(instance_fault(FAULT_FLAKY_503, 2, 0, s), Some(Fault::None));
        assert_eq!(
            instance_fault(FAULT_SAME_PAGE, 2, 100, s),
            Some(Fault::IgnoreOffset)
        );
    }
}
