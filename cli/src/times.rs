//! Times on the command line: the service's form, RFC 3339, or a date alone.

use chrono::{Local, NaiveDate, Offset, TimeZone};
use huaweicloud_rds::Timestamp;

/// A `--begin-time`/`--end-time` value. A date alone (`2026-01-01`) is
/// midnight in the local zone, written with the local offset so the service
/// gets its own `+0800` form.
pub fn parse_time(value: &str) -> Result<Timestamp, String> {
    if let Some(date) = date_alone(value) {
        return local_midnight(date?);
    }
    value.parse::<Timestamp>().map_err(|e| e.to_string())
}

/// `None` unless shaped `yyyy-mm-dd` and nothing else; then the date, or why
/// there is no such day.
fn date_alone(value: &str) -> Option<Result<NaiveDate, String>> {
    let bytes = value.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    // Four and two ASCII digits always parse.
    let year = value[0..4].parse().ok()?;
    let month = value[5..7].parse().ok()?;
    let day = value[8..10].parse().ok()?;
    Some(
        NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| format!("invalid date {value:?}: no such day")),
    )
}

fn local_midnight(date: NaiveDate) -> Result<Timestamp, String> {
    let naive = date.and_hms_opt(0, 0, 0).expect("midnight is a valid time");
    // Where a DST change skips midnight there is no such local time; the
    // earlier of two (a repeated midnight) is the start of the day.
    let local = Local
        .from_local_datetime(&naive)
        .earliest()
        .ok_or_else(|| format!("{date} 00:00 does not exist in the local time zone"))?;
    let offset_minutes = i16::try_from(local.offset().fix().local_minus_utc() / 60)
        .map_err(|_| "the local zone offset is out of range".to_owned())?;
    let unix = local.timestamp();
    Timestamp::from_unix_seconds(unix, offset_minutes)
        .ok_or_else(|| format!("{date} is out of the supported range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_forms_are_kept() {
        let t = parse_time("2018-08-06T10:41:14+0800").unwrap();
        assert_eq!(t.to_string(), "2018-08-06T10:41:14+0800");
    }

    #[test]
    fn a_date_alone_is_local_midnight() {
        let t = parse_time("2026-01-01").unwrap();
        assert_eq!(t.time(), (0, 0, 0));
        assert_eq!(t.date(), (2026, 1, 1));
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(parse_time("2026-02-30").is_err());
        assert!(parse_time("2026-1-01").is_err());
    }
}
