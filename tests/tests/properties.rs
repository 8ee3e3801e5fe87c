//! Property tests (proptest): what the client sends decodes to exactly the
//! parameters it was given; canonical queries hold only unreserved characters
//! and `%XX` escapes, in the SDK's order; times format and parse round-trip.
//!
//! The query and time assertions are the fuzz targets' own (`fuzz/checks.rs`).

#[path = "../../fuzz/checks.rs"]
mod checks;
mod support;

use std::str::FromStr;

use huaweicloud_rds::types::{BackupStatusFilter, BackupTypeFilter, Language};
use huaweicloud_rds::{ListBackups, MAX_LIMIT, Timestamp};
use huaweicloud_rds_mock::RecordedRequest;
use huaweicloud_signer as signing;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use support::{answer_everything, client, guarded};

const INSTANCE: &str = "43e4feaab48f11e89039fa163ebaa7e4in01";

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// Any valid `Timestamp`, fractional seconds included.
fn timestamp() -> impl Strategy<Value = Timestamp> {
    timestamp_with(prop_oneof![Just(0u32), 1u32..1_000_000_000])
}

/// Any valid `Timestamp` in whole seconds, as requests must use.
fn whole_seconds() -> impl Strategy<Value = Timestamp> {
    timestamp_with(Just(0))
}

fn timestamp_with(nanos: impl Strategy<Value = u32>) -> impl Strategy<Value = Timestamp> {
    (
        1i32..=9999,
        1u8..=12,
        1u8..=31,
        0u8..24,
        0u8..60,
        0u8..60,
        -(23 * 60 + 59)..=(23i16 * 60 + 59),
        nanos,
    )
        .prop_map(|(y, mo, d, h, mi, s, offset, nanos)| {
            // Clamp the day into the month rather than discard the case.
            let day = (1..=d)
                .rev()
                .find_map(|d| Timestamp::from_parts((y, mo, d), (h, mi, s), offset))
                .expect("day 1 always exists");
            if nanos == 0 {
                return day;
            }
            let text = format!("{}", day);
            let (local, zone) = text.split_at(19);
            format!("{local}.{nanos:09}{zone}")
                .parse()
                .expect("a valid time with a fraction")
        })
}

/// Text the API accepts in an id: not blank, no control characters; any
/// reserved or non-ASCII character, as people paste them. Blank ids (spaces
/// alone, which the printable and Unicode strategies can produce) are refused
/// before sending, so they are not valid parameter sets.
fn id_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{32}in0[1-4]",
        "[ -~]{1,24}",
        "\\PC{1,12}",
        Just("a+b %2B&c=d#?/".to_owned()),
    ]
    .prop_filter("a blank id is refused before sending", |id| {
        !id.trim().is_empty()
    })
}

prop_compose! {
    /// Any parameter set that passes `ListBackups::validate`.
    fn list_backups()(
        instance_id in id_text(),
        backup_id in proptest::option::of(id_text()),
        backup_type in proptest::option::of(prop_oneof![
            Just(BackupTypeFilter::Auto),
            Just(BackupTypeFilter::Manual),
            Just(BackupTypeFilter::Fragment),
            Just(BackupTypeFilter::Incremental),
        ]),
        status in proptest::option::of(prop_oneof![
            Just(BackupStatusFilter::Building),
            Just(BackupStatusFilter::Completed),
            Just(BackupStatusFilter::Failed),
        ]),
        window in proptest::option::of((whole_seconds(), whole_seconds())),
        offset in proptest::option::of(prop_oneof![0u32..1000, 0..=i32::MAX as u32]),
        limit in proptest::option::of(1..=MAX_LIMIT),
        language in proptest::option::of(prop_oneof![Just(Language::ZhCn), Just(Language::EnUs)]),
    ) -> ListBackups {
        let mut request = ListBackups::new(instance_id);
        request.backup_id = backup_id;
        request.backup_type = backup_type;
        request.status = status;
        // A window needs begin < end: order the two, and skip equal instants.
        if let Some((a, b)) = window {
            let (begin, end) = if a < b { (a, b) } else { (b, a) };
            if begin.unix_seconds() != end.unix_seconds() {
                request.begin_time = Some(begin);
                request.end_time = Some(end);
            }
        }
        request.offset = offset;
        request.limit = limit;
        request.language = language;
        request
    }
}

// ---------------------------------------------------------------------------------------------
// Encode and decode
// ---------------------------------------------------------------------------------------------

/// The parameters a server reads off a recorded request: the query decoded as
/// `parse_query` does, `X-Language` from its header.
fn decode(seen: &RecordedRequest) -> Result<ListBackups, String> {
    let mut request = ListBackups::new("");
    let mut instance_id = None;
    for (key, value) in signing::parse_query(seen.query().unwrap_or("")) {
        let bad = |e: &dyn std::fmt::Display| format!("{key}={value:?}: {e}");
        match key.as_str() {
            "instance_id" => instance_id = Some(value.clone()),
            "backup_id" => request.backup_id = Some(value.clone()),
            "backup_type" => {
                request.backup_type = Some(BackupTypeFilter::from_str(&value).map_err(|e| bad(&e))?)
            }
            "status" => {
                request.status = Some(BackupStatusFilter::from_str(&value).map_err(|e| bad(&e))?)
            }
            "begin_time" => request.begin_time = Some(value.parse().map_err(|e| bad(&e))?),
            "end_time" => request.end_time = Some(value.parse().map_err(|e| bad(&e))?),
            "offset" => request.offset = Some(value.parse().map_err(|e| bad(&e))?),
            "limit" => request.limit = Some(value.parse().map_err(|e| bad(&e))?),
            other => return Err(format!("unexpected query key {other:?}")),
        }
    }
    request.instance_id = instance_id.ok_or("no instance_id")?;
    if let Some(language) = seen.header("x-language") {
        request.language = Some(Language::from_str(language).map_err(|e| e.to_string())?);
    }
    Ok(request)
}

/// Every valid parameter set, sent by the real client to a real socket, is
/// read back by the server unchanged; the wire query is the canonical query
/// of what it carries.
#[test]
fn any_parameter_set_survives_encode_and_decode() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let server = runtime.block_on(support::mock());
    answer_everything(&server);
    let rds = client(&server).build().expect("a client");
    let mut runner = TestRunner::new(Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&list_backups(), |request| {
        prop_assert!(request.validate().is_ok(), "{request:?} is not valid");
        let before = server.total_requests();
        runtime
            .block_on(guarded(
                std::time::Duration::from_secs(2),
                rds.list_backups(&request),
            ))
            .map_err(|e| TestCaseError::fail(format!("{request:?}: {e}")))?;
        prop_assert_eq!(server.total_requests(), before + 1, "one attempt per call");
        let seen = server.received().pop().expect("the request was recorded");
        let seen = &seen;

        let wire = seen.query().unwrap_or("");
        let pairs = signing::parse_query(wire);
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        prop_assert_eq!(wire, signing::canonical_query(&borrowed), "not canonical");
        checks::query_pairs(&pairs);

        let decoded = decode(seen).map_err(TestCaseError::fail)?;
        prop_assert_eq!(decoded, request);
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    // The helper's own instance id is one of the generated shapes.
    assert!(ListBackups::new(INSTANCE).validate().is_ok());
}

// ---------------------------------------------------------------------------------------------
// Canonical query
// ---------------------------------------------------------------------------------------------

/// Keys and values: mostly the characters that need care, sometimes anything.
fn query_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{0,8}",
        "[ -~]{0,12}",
        "[%+&=~ .\\-_]{0,6}",
        any::<String>(),
    ]
}

proptest! {
    /// Any pairs: only unreserved characters and `%XX` escapes, pairs in the
    /// SDK's order, and `parse_query` reads back exactly the input (sorted).
    #[test]
    fn canonical_query_is_escaped_sorted_and_reversible(
        pairs in proptest::collection::vec((query_text(), query_text()), 0..8),
    ) {
        checks::query_pairs(&pairs);
    }

    /// Any path and pairs: `canonical_uri` is escaped and idempotent, and a
    /// signature over them verifies on the server side from the wire query.
    #[test]
    fn signed_requests_verify_from_the_wire(
        path in prop_oneof!["(/[a-z0-9%. ]{0,6}){0,4}", any::<String>()],
        pairs in proptest::collection::vec((query_text(), query_text()), 0..6),
    ) {
        checks::path_text(&path);
        checks::sign_then_verify(&path, &pairs);
    }
}

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

/// The service's form, hand-built from parts.
fn service_form(
    (y, mo, d): (i32, u8, u8),
    (h, mi, s): (u8, u8, u8),
    fraction: &str,
    offset: i16,
) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}{sign}{:02}{:02}",
        abs / 60,
        abs % 60
    )
}

proptest! {
    /// Any valid time: `Display` then parse gives it back (the fuzz target's
    /// check), and the instant survives the trip through Unix seconds.
    #[test]
    fn time_format_parse_round_trip(t in timestamp()) {
        checks::time_value(t);
        let from_seconds = Timestamp::from_unix_seconds(t.unix_seconds(), t.offset_minutes())
            .expect("in range");
        prop_assert_eq!(
            (from_seconds.date(), from_seconds.time(), from_seconds.offset_minutes()),
            (t.date(), t.time(), t.offset_minutes())
        );
    }

    /// Parts written in the service's form parse to those parts and are written
    /// back byte for byte; `±hh:mm` and `Z` inputs normalise to `±hhmm`.
    #[test]
    fn written_forms_normalise(
        t in timestamp(),
        digits in 1usize..=9,
        frac in 0u32..1_000_000_000,
    ) {
        let (date, time, offset) = (t.date(), t.time(), t.offset_minutes());
        // A fraction written with `digits` digits, trailing zeros as written.
        let fraction = if frac == 0 {
            String::new()
        } else {
            format!(".{:0width$}", frac % 10u32.pow(digits as u32), width = digits)
        };
        let written = service_form(date, time, &fraction, offset);
        let parsed: Timestamp = written.parse().expect("the service's form parses");
        prop_assert_eq!((parsed.date(), parsed.time(), parsed.offset_minutes()), (date, time, offset));
        let canonical = {
            let trimmed = fraction.trim_end_matches('0');
            let trimmed = if trimmed == "." { "" } else { trimmed };
            service_form(date, time, trimmed, offset)
        };
        prop_assert_eq!(parsed.to_string(), canonical.clone());

        // `+08:00` for `+0800`.
        let zone_at = written.len() - 2;
        let colon = format!("{}:{}", &written[..zone_at], &written[zone_at..]);
        prop_assert_eq!(colon.parse::<Timestamp>().expect("±hh:mm parses"), parsed);

        // `Z` is `+0000`.
        let zulu = format!("{}Z", &written[..written.len() - 5]);
        let z: Timestamp = zulu.parse().expect("Z parses");
        prop_assert_eq!(z.offset_minutes(), 0);
        prop_assert_eq!(z.to_string(), format!("{}+0000", &canonical[..canonical.len() - 5]));
    }
}
