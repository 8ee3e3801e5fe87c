//! Durations as people type them (`90m`, `24h`, `7d`, `2w`), and the time
//! window that ends now.

use std::time::Duration;

use huaweicloud_rds::Timestamp;

/// The offset the service writes its times in (`+0800`, Beijing time).
pub const SERVICE_OFFSET_MINUTES: i16 = 8 * 60;

/// The longest accepted duration: a window reaching back further than this is
/// a typo, and keeps every time within the years the service can express.
const MAX_SECONDS: u64 = 100 * 365 * 86_400;

/// Parses a whole number followed by one unit: `s`, `m`, `h`, `d` or `w`.
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let expected = "expected a number and a unit, e.g. 90m, 24h, 7d or 2w";
    let unit_at = value
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{value:?} has no unit; {expected}"))?;
    let (digits, unit) = value.split_at(unit_at);
    if digits.is_empty() {
        return Err(format!(
            "{value:?} does not start with a number; {expected}"
        ));
    }
    let unit_seconds: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "{value:?} has an unknown unit {unit:?}; {expected}"
            ));
        }
    };
    let seconds = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit_seconds))
        .filter(|s| *s <= MAX_SECONDS)
        .ok_or_else(|| format!("{value:?} is longer than 100 years"))?;
    if seconds == 0 {
        return Err(format!("{value:?} must be longer than zero"));
    }
    Ok(Duration::from_secs(seconds))
}

/// A duration in the largest units that keep it readable: `1h 30m`, `3d 2h`, `45s`.
pub fn human_duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let (days, hours, minutes, secs) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    let text = if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes}m")
    } else if minutes > 0 {
        format!("{minutes}m {secs}s")
    } else {
        format!("{secs}s")
    };
    format!("{sign}{text}")
}

/// The window `[now - span, now]` in the service's `+0800` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub begin: Timestamp,
    pub end: Timestamp,
}

impl Window {
    /// The window of `span` ending at `now`.
    pub fn ending_at(now: Timestamp, span: Duration) -> Result<Window, String> {
        let end = now
            .with_offset(SERVICE_OFFSET_MINUTES)
            .ok_or("the current time cannot be written in the service's form")?;
        let begin = i64::try_from(span.as_secs())
            .ok()
            .and_then(|s| end.unix_seconds().checked_sub(s))
            .and_then(|s| Timestamp::from_unix_seconds(s, SERVICE_OFFSET_MINUTES))
            .ok_or("the window starts before the year 1")?;
        Ok(Window { begin, end })
    }

    /// The window of `span` ending now.
    pub fn ending_now(span: Duration) -> Result<Window, String> {
        let now =
            Timestamp::now(SERVICE_OFFSET_MINUTES).ok_or("the system clock is before 1970")?;
        Window::ending_at(now, span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_units_parse() {
        assert_eq!(parse_duration("90m"), Ok(Duration::from_secs(90 * 60)));
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_duration("2w"), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse_duration("45s"), Ok(Duration::from_secs(45)));
    }

    #[test]
    fn malformed_durations_are_refused_with_the_reason() {
        for (input, reason) in [
            ("", "no unit"),
            ("90", "no unit"),
            ("h", "does not start with a number"),
            ("-5m", "does not start with a number"),
            ("5 m", "unknown unit"),
            ("1.5h", "unknown unit"),
            ("5M", "unknown unit"),
            ("3y", "unknown unit"),
            ("1h30m", "unknown unit"),
            ("0d", "longer than zero"),
            ("99999999999999999999w", "longer than 100 years"),
            ("5300w", "longer than 100 years"),
        ] {
            let e = parse_duration(input).unwrap_err();
            assert!(e.contains(reason), "{input:?}: {e}");
        }
    }

    #[test]
    fn the_window_ends_now_in_the_service_offset() {
        let now: Timestamp = "2026-01-02T00:30:00Z".parse().unwrap();
        let w = Window::ending_at(now, Duration::from_secs(90 * 60)).unwrap();
        assert_eq!(w.end.to_string(), "2026-01-02T08:30:00+0800");
        assert_eq!(w.begin.to_string(), "2026-01-02T07:00:00+0800");
    }

    #[test]
    fn ages_read_in_human_units() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(5400), "1h 30m");
        assert_eq!(human_duration(3 * 86_400 + 7200 + 59), "3d 2h");
        assert_eq!(human_duration(-61), "-1m 1s");
    }
}
