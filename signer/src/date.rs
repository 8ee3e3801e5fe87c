//! Dates: the `X-Sdk-Date` format, the clock-skew check, and the proleptic Gregorian calendar
//! under both them and the client's service times.
//!
//! The calendar is our own three integer functions (Howard Hinnant's days-from-civil algorithms)
//! rather than jiff or chrono: the signer and the client need only UTC dates and fixed offsets,
//! so a time library would add a dependency tree for what fits in forty lines that cannot
//! panic, are fuzzed and are checked over every year from 1 to beyond 9999. Only a program
//! that needs the local time zone (the CLI) takes a time library.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::DateError;

/// Days since 1970-01-01 of the date `year`-`month`-`day`.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Days in `month` of `year`; 0 for a month outside 1..=12.
pub fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// Formats a time as an `X-Sdk-Date` value, `YYYYMMDDTHHMMSSZ` in UTC (fractions dropped).
pub fn format_sdk_date(time: SystemTime) -> String {
    // Whole seconds since the epoch, rounded down (also before 1970).
    let secs: i64 = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => {
            let d = e.duration();
            let whole = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            whole
                .saturating_add(i64::from(d.subsec_nanos() > 0))
                .saturating_neg()
        }
    };
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}{mo:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The current time as an `X-Sdk-Date` value.
pub fn sdk_date_now() -> String {
    format_sdk_date(SystemTime::now())
}

/// Parses an `X-Sdk-Date` value (`YYYYMMDDTHHMMSSZ`, UTC, year 0001..=9999) back to a time.
pub fn parse_sdk_date(value: &str) -> Result<SystemTime, DateError> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return Err(DateError::Malformed);
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, DateError> {
        let digits = b.get(range).ok_or(DateError::Malformed)?;
        digits.iter().try_fold(0i64, |acc, &c| {
            if c.is_ascii_digit() {
                Ok(acc * 10 + i64::from(c - b'0'))
            } else {
                Err(DateError::Malformed)
            }
        })
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(9..11)?, num(11..13)?, num(13..15)?);
    let month_days = days_in_month(y, mo);
    if y < 1 || month_days == 0 || d < 1 || d > month_days || h > 23 || mi > 59 || s > 59 {
        return Err(DateError::OutOfRange);
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    let t = if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
    };
    t.ok_or(DateError::OutOfRange)
}

/// Whether `date` is within `max_skew` of `now`, in either direction (use
/// [`MAX_CLOCK_SKEW`](crate::MAX_CLOCK_SKEW)).
pub fn is_fresh(date: SystemTime, now: SystemTime, max_skew: Duration) -> bool {
    let skew = match now.duration_since(date) {
        Ok(d) => d,
        Err(e) => e.duration(),
    };
    skew <= max_skew
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MAX_CLOCK_SKEW;
    use crate::test_support::*;

    #[test]
    fn date_format_and_parse() {
        let t = parse_sdk_date(DATE).expect("valid");
        assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_533_530_474));
        assert_eq!(format_sdk_date(t), DATE);
        assert_eq!(format_sdk_date(t + Duration::from_millis(999)), DATE);
        assert_eq!(format_sdk_date(UNIX_EPOCH), "19700101T000000Z");
        assert_eq!(
            format_sdk_date(UNIX_EPOCH - Duration::from_millis(1)),
            "19691231T235959Z"
        );
        for s in [
            "00010101T000000Z",
            "16000229T120000Z",
            "20000229T235959Z",
            "99991231T235959Z",
            "19691231T235959Z",
        ] {
            let t = parse_sdk_date(s).expect(s);
            assert_eq!(format_sdk_date(t), s);
        }
        for bad in [
            "",
            "20180806T044114",
            "20180806 044114Z",
            "20180806T04411\u{e9}",
            "+0180806T044114Z",
        ] {
            assert_eq!(parse_sdk_date(bad), Err(DateError::Malformed), "{bad:?}");
        }
        for bad in [
            "00000101T000000Z",
            "20181306T044114Z",
            "20180229T044114Z",
            "19000229T000000Z",
            "20180800T044114Z",
            "20180806T244114Z",
            "20180806T046014Z",
            "20180806T044160Z",
        ] {
            assert_eq!(parse_sdk_date(bad), Err(DateError::OutOfRange), "{bad:?}");
        }
        assert_eq!(sdk_date_now().len(), 16);
    }

    #[test]
    fn freshness_window() {
        let t = parse_sdk_date(DATE).expect("valid");
        assert!(is_fresh(t, t + MAX_CLOCK_SKEW, MAX_CLOCK_SKEW));
        assert!(is_fresh(t + MAX_CLOCK_SKEW, t, MAX_CLOCK_SKEW));
        assert!(!is_fresh(
            t,
            t + MAX_CLOCK_SKEW + Duration::from_secs(1),
            MAX_CLOCK_SKEW
        ));
        assert!(!is_fresh(
            t + MAX_CLOCK_SKEW + Duration::from_secs(1),
            t,
            MAX_CLOCK_SKEW
        ));
    }

    #[test]
    fn conversions_agree_over_a_long_range() {
        // Year 1 to beyond 9999, leap years and centuries included.
        for days in (-719_162..3_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(17_749), (2018, 8, 6));
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2024, 13), 0);
    }
}
