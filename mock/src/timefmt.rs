//! Calendar arithmetic and the time formats the mock reads or writes:
//! the service's `yyyy-mm-ddThh:mm:ss±hhmm` (strict for queries, lenient for
//! stored data) and the HTTP `Date` header (IMF-fixdate). No panics.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now (0 if the clock is before 1970).
pub(crate) fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: (year, month, day).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses `len` ASCII digits at `pos`.
fn digits(b: &[u8], pos: usize, len: usize) -> Option<u32> {
    let s = b.get(pos..pos + len)?;
    let mut v: u32 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// Epoch seconds of a validated local date-time, before applying an offset.
fn epoch_of(y: u32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    let y = i64::from(y);
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59
    {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + s))
}

/// Parses the service's query time form `yyyy-mm-ddThh:mm:ss±hhmm` strictly
/// (no colon in the offset, no `Z`, no fraction) into Unix epoch seconds.
pub(crate) fn parse_service_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 24
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let local = epoch_of(
        digits(b, 0, 4)?,
        digits(b, 5, 2)?,
        digits(b, 8, 2)?,
        digits(b, 11, 2)?,
        digits(b, 14, 2)?,
        digits(b, 17, 2)?,
    )?;
    let sign = match b[19] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (oh, om) = (digits(b, 20, 2)?, digits(b, 22, 2)?);
    if oh > 23 || om > 59 {
        return None;
    }
    Some(local - sign * i64::from(oh * 3600 + om * 60))
}

/// Parses a response time leniently: `±hhmm`, `±hh:mm` or `Z` offsets.
pub(crate) fn parse_lenient_time(s: &str) -> Option<i64> {
    if let Some(local) = s.strip_suffix('Z') {
        return parse_service_time(&format!("{local}+0000"));
    }
    let b = s.as_bytes();
    if b.len() == 25 && b[22] == b':' {
        let mut t = String::with_capacity(24);
        t.push_str(s.get(..22)?);
        t.push_str(s.get(23..)?);
        return parse_service_time(&t);
    }
    parse_service_time(s)
}

/// Splits epoch seconds into (year, month, day, hour, minute, second) UTC.
fn split(epoch: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400) as u32;
    let (y, m, d) = civil_from_days(days);
    (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
}

/// Formats epoch seconds as `yyyy-mm-ddThh:mm:ss±hhmm` in the given offset
/// (seconds east of UTC), e.g. `2018-08-06T12:41:14+0800`.
pub(crate) fn format_service_time(epoch: i64, offset_secs: i32) -> String {
    let (y, mo, d, h, mi, s) = split(epoch + i64::from(offset_secs));
    let sign = if offset_secs < 0 { '-' } else { '+' };
    let off = offset_secs.unsigned_abs();
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{sign}{:02}{:02}",
        off / 3600,
        off / 60 % 60
    )
}

/// Formats epoch seconds as an HTTP `Date` header value (IMF-fixdate).
pub(crate) fn http_date(epoch: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s) = split(epoch);
    let wd = DAYS[epoch.div_euclid(86_400).rem_euclid(7) as usize];
    let mon = MONTHS[(mo as usize).saturating_sub(1) % 12];
    format!("{wd}, {d:02} {mon} {y:04} {h:02}:{mi:02}:{s:02} GMT")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_time_round_trip() {
        let t = parse_service_time("2018-08-06T12:41:14+0800").unwrap();
        assert_eq!(t, 1_533_530_474);
        assert_eq!(format_service_time(t, 8 * 3600), "2018-08-06T12:41:14+0800");
        assert_eq!(format_service_time(t, 0), "2018-08-06T04:41:14+0000");
        assert_eq!(
            parse_service_time("2018-08-06T04:41:14-0000"),
            Some(1_533_530_474)
        );
    }

    #[test]
    fn service_time_rejects_other_forms() {
        for bad in [
            "2018-08-06T12:41:14+08:00",
            "2018-08-06T12:41:14Z",
            "2018-08-06 12:41:14+0800",
            "2018-08-06T12:41:14 0800",
            "2018-02-30T12:41:14+0800",
            "2018-13-01T12:41:14+0800",
            "2018-08-06T24:00:00+0800",
            "2018-08-06T12:41:14+0860",
            "２018-08-06T12:41:14+0800",
            "",
        ] {
            assert_eq!(parse_service_time(bad), None, "{bad}");
        }
        assert!(parse_service_time("2020-02-29T00:00:00+0800").is_some());
    }

    #[test]
    fn lenient_forms() {
        let t = Some(1_533_530_474);
        assert_eq!(parse_lenient_time("2018-08-06T12:41:14+0800"), t);
        assert_eq!(parse_lenient_time("2018-08-06T12:41:14+08:00"), t);
        assert_eq!(parse_lenient_time("2018-08-06T04:41:14Z"), t);
        assert_eq!(parse_lenient_time("2018-08-06T04:41:14ZZ"), None);
    }

    #[test]
    fn http_dates() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 17_000, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
