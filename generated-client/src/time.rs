//! The service's time format, `yyyy-mm-ddThh:mm:ss±hhmm`.
//!
//! The API writes and reads times such as `2018-08-06T12:41:14+0800`: a local
//! time with a colon-less zone offset. That is not RFC 3339, so a generic
//! date-time type would either refuse it or rewrite it (`...Z`) and lose the
//! offset the service chose. [`Timestamp`] keeps the offset it was given and
//! always writes the service's own form.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use huaweicloud_signer::date as calendar;

/// A point in time together with the zone offset it was written in.
///
/// Parses `2018-08-06T12:41:14+0800` (the service's form), `+08:00` and `Z`
/// (which some proxies and tools produce), with optional fractional seconds.
/// [`Display`](fmt::Display) and serde always write the service's form,
/// `±hhmm`, keeping the original offset: `Z` is written `+0000`.
///
/// Two timestamps are equal when they have the same local time and offset;
/// [`Timestamp::unix_seconds`] compares instants across offsets. The ordering
/// is by instant first, so sorting puts earlier backups first whatever their
/// offsets.
///
/// ```
/// use huaweicloud_rds::Timestamp;
///
/// let t: Timestamp = "2018-08-06T12:41:14+08:00".parse()?;
/// assert_eq!(t.to_string(), "2018-08-06T12:41:14+0800");
/// assert_eq!(t.offset_minutes(), 480);
/// assert_eq!(t.unix_seconds(), 1_533_530_474);
/// # Ok::<(), huaweicloud_rds::TimeParseError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanos: u32,
    offset_minutes: i16,
}

/// Why a string is not a [`Timestamp`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeParseError {
    input: String,
    reason: &'static str,
}

impl TimeParseError {
    fn new(input: &str, reason: &'static str) -> Self {
        // Keep errors small even when the input is not.
        let input: String = input.chars().take(64).collect();
        TimeParseError { input, reason }
    }

    /// What was wrong, e.g. `month out of range`.
    pub fn reason(&self) -> &str {
        self.reason
    }
}

impl fmt::Display for TimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid time {:?}: {}; expected yyyy-mm-ddThh:mm:ss±hhmm, e.g. 2018-08-06T10:41:14+0800",
            self.input, self.reason
        )
    }
}

impl std::error::Error for TimeParseError {}

const SECONDS_PER_DAY: i64 = 86_400;
/// The latest offset the parser accepts; real zones stay within ±14:00.
const MAX_OFFSET_MINUTES: i16 = 23 * 60 + 59;

impl Timestamp {
    /// A timestamp from its parts; `None` if any part is out of range.
    pub fn from_parts(
        (year, month, day): (i32, u8, u8),
        (hour, minute, second): (u8, u8, u8),
        offset_minutes: i16,
    ) -> Option<Self> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60
            && offset_minutes.abs() <= MAX_OFFSET_MINUTES;
        valid.then_some(Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanos: 0,
            offset_minutes,
        })
    }

    /// The instant `unix_seconds` after the Unix epoch, written in the zone
    /// `offset_minutes` east of UTC (480 for `+0800`). `None` outside years
    /// 1..=9999 or for an offset beyond ±23:59.
    pub fn from_unix_seconds(unix_seconds: i64, offset_minutes: i16) -> Option<Self> {
        if offset_minutes.abs() > MAX_OFFSET_MINUTES {
            return None;
        }
        let local = unix_seconds.checked_add(i64::from(offset_minutes) * 60)?;
        let days = local.div_euclid(SECONDS_PER_DAY);
        let secs_of_day = local.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days)?;
        let hms = (
            u8::try_from(secs_of_day / 3600).ok()?,
            u8::try_from(secs_of_day % 3600 / 60).ok()?,
            u8::try_from(secs_of_day % 60).ok()?,
        );
        Timestamp::from_parts((year, month, day), hms, offset_minutes)
    }

    /// This instant in another zone offset (minutes east of UTC).
    pub fn with_offset(&self, offset_minutes: i16) -> Option<Self> {
        let mut t = Timestamp::from_unix_seconds(self.unix_seconds(), offset_minutes)?;
        t.nanos = self.nanos;
        Some(t)
    }

    /// The current time, written in the zone `offset_minutes` east of UTC.
    pub fn now(offset_minutes: i16) -> Option<Self> {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
        let secs = i64::try_from(since.as_secs()).ok()?;
        Timestamp::from_unix_seconds(secs, offset_minutes)
    }

    /// Seconds since the Unix epoch (whole seconds; see [`Timestamp::nanos`]).
    pub fn unix_seconds(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let local = days * SECONDS_PER_DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        local - i64::from(self.offset_minutes) * 60
    }

    /// The instant as a [`SystemTime`]; `None` before the Unix epoch.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let secs = u64::try_from(self.unix_seconds()).ok()?;
        UNIX_EPOCH.checked_add(Duration::new(secs, self.nanos))
    }

    /// The zone offset in minutes east of UTC (`+0800` is 480).
    pub fn offset_minutes(&self) -> i16 {
        self.offset_minutes
    }

    /// Fractional seconds, in nanoseconds (the service sends none).
    pub fn nanos(&self) -> u32 {
        self.nanos
    }

    /// Local date: year, month (1-12), day (1-31).
    pub fn date(&self) -> (i32, u8, u8) {
        (self.year, self.month, self.day)
    }

    /// Local time of day: hour, minute, second.
    pub fn time(&self) -> (u8, u8, u8) {
        (self.hour, self.minute, self.second)
    }
}

impl FromStr for Timestamp {
    type Err = TimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl TryFrom<&str> for Timestamp {
    type Error = TimeParseError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        parse(s)
    }
}

impl TryFrom<String> for Timestamp {
    type Error = TimeParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        parse(&s)
    }
}

impl TryFrom<&String> for Timestamp {
    type Error = TimeParseError;

    fn try_from(s: &String) -> Result<Self, Self::Error> {
        parse(s)
    }
}

fn parse(s: &str) -> Result<Timestamp, TimeParseError> {
    let b = s.as_bytes();
    let err = |reason| TimeParseError::new(s, reason);
    // yyyy-mm-ddThh:mm:ss is 19 bytes, the shortest offset (`Z`) one more.
    if b.len() < 20 {
        return Err(err("too short"));
    }
    let year = digits(&b[0..4]).ok_or_else(|| err("year is not 4 digits"))?;
    if b[4] != b'-' || b[7] != b'-' {
        return Err(err("date separators must be '-'"));
    }
    if b[10] != b'T' {
        return Err(err("date and time must be separated by 'T'"));
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(err("time separators must be ':'"));
    }
    let month = digits(&b[5..7]).ok_or_else(|| err("month is not 2 digits"))?;
    let day = digits(&b[8..10]).ok_or_else(|| err("day is not 2 digits"))?;
    let hour = digits(&b[11..13]).ok_or_else(|| err("hour is not 2 digits"))?;
    let minute = digits(&b[14..16]).ok_or_else(|| err("minute is not 2 digits"))?;
    let second = digits(&b[17..19]).ok_or_else(|| err("second is not 2 digits"))?;

    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let [b'.', tail @ ..] = rest {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return Err(err("fractional seconds must have 1 to 9 digits"));
        }
        let value = digits(&tail[..n]).ok_or_else(|| err("bad fractional seconds"))?;
        nanos = value * 10u32.pow(9 - n as u32);
        rest = &tail[n..];
    }

    let offset_minutes = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let h = digits(&[*h1, *h2]).ok_or_else(|| err("offset hours are not digits"))?;
            let m = digits(&[*m1, *m2]).ok_or_else(|| err("offset minutes are not digits"))?;
            if h > 23 || m > 59 {
                return Err(err("offset out of range"));
            }
            // h <= 23 and m <= 59, so this fits in i16.
            let total = (h * 60 + m) as i16;
            if *sign == b'-' { -total } else { total }
        }
        _ => return Err(err("zone offset must be ±hhmm, ±hh:mm or Z")),
    };

    let narrow = |v: u32, reason| u8::try_from(v).map_err(|_| err(reason));
    let (month, day) = (
        narrow(month, "month out of range")?,
        narrow(day, "day out of range")?,
    );
    let (hour, minute, second) = (
        narrow(hour, "hour out of range")?,
        narrow(minute, "minute out of range")?,
        narrow(second, "second out of range")?,
    );
    // year has exactly 4 digits, so it fits in i32.
    let year = year as i32;
    if !(1..=12).contains(&month) {
        return Err(err("month out of range"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(err("day out of range"));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(err("time of day out of range"));
    }
    let mut t = Timestamp::from_parts((year, month, day), (hour, minute, second), offset_minutes)
        .ok_or_else(|| err("out of range"))?;
    t.nanos = nanos;
    Ok(t)
}

/// The value of a run of ASCII digits (at most 9), or `None`.
fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: i32, month: u8) -> u8 {
    // At most 31.
    calendar::days_in_month(i64::from(year), i64::from(month)) as u8
}

fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    calendar::days_from_civil(i64::from(year), i64::from(month), i64::from(day))
}

/// The date of a day count since 1970-01-01; `None` outside years 1..=9999.
fn civil_from_days(days: i64) -> Option<(i32, u8, u8)> {
    let (year, month, day) = calendar::civil_from_days(days);
    if !(1..=9999).contains(&year) {
        return None;
    }
    Some((
        i32::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    ))
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Digits put straight into one buffer: output writes two of these per
        // backup, and `write!` with a width per field costs several times as
        // much. Every field is in range (see `from_parts`: year 1..=9999,
        // offset under 24 hours), so each fits its width.
        let mut buf = *b"0000-00-00T00:00:00.000000000+0000";
        put_digits(&mut buf[0..4], self.year.unsigned_abs());
        put_digits(&mut buf[5..7], u32::from(self.month));
        put_digits(&mut buf[8..10], u32::from(self.day));
        put_digits(&mut buf[11..13], u32::from(self.hour));
        put_digits(&mut buf[14..16], u32::from(self.minute));
        put_digits(&mut buf[17..19], u32::from(self.second));
        let mut len = 19;
        if self.nanos != 0 {
            put_digits(&mut buf[20..29], self.nanos);
            len = 29;
            while buf[len - 1] == b'0' {
                len -= 1;
            }
        }
        let abs = u32::from(self.offset_minutes.unsigned_abs());
        buf[len] = if self.offset_minutes < 0 { b'-' } else { b'+' };
        put_digits(&mut buf[len + 1..len + 3], abs / 60);
        put_digits(&mut buf[len + 3..len + 5], abs % 60);
        len += 5;
        // Only ASCII digits and separators were written.
        f.write_str(std::str::from_utf8(&buf[..len]).map_err(|_| fmt::Error)?)
    }
}

/// Writes the last `out.len()` decimal digits of `value` into `out`.
fn put_digits(out: &mut [u8], mut value: u32) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.unix_seconds(), self.nanos, self.offset_minutes).cmp(&(
            other.unix_seconds(),
            other.nanos,
            other.offset_minutes,
        ))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time like 2018-08-06T10:41:14+0800")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_form_round_trips() {
        let t: Timestamp = "2018-08-06T12:41:14+0800".parse().unwrap();
        assert_eq!(t.to_string(), "2018-08-06T12:41:14+0800");
        assert_eq!(t.offset_minutes(), 480);
        assert_eq!(t.date(), (2018, 8, 6));
        assert_eq!(t.time(), (12, 41, 14));
    }

    #[test]
    fn colon_offset_and_z_are_read_and_written_compact() {
        let colon: Timestamp = "2018-08-06T12:41:14+08:00".parse().unwrap();
        assert_eq!(colon.to_string(), "2018-08-06T12:41:14+0800");
        let z: Timestamp = "2018-08-06T04:41:14Z".parse().unwrap();
        assert_eq!(z.to_string(), "2018-08-06T04:41:14+0000");
        assert_eq!(colon.unix_seconds(), z.unix_seconds());
        assert_ne!(colon, z, "equality keeps the offset");
    }

    #[test]
    fn negative_and_half_hour_offsets() {
        let t: Timestamp = "2020-02-29T23:30:00-0330".parse().unwrap();
        assert_eq!(t.offset_minutes(), -210);
        assert_eq!(t.to_string(), "2020-02-29T23:30:00-0330");
        assert_eq!(
            t.with_offset(0).unwrap().to_string(),
            "2020-03-01T03:00:00+0000"
        );
    }

    #[test]
    fn fractional_seconds_are_kept() {
        let t: Timestamp = "2018-08-06T12:41:14.250+0800".parse().unwrap();
        assert_eq!(t.nanos(), 250_000_000);
        assert_eq!(t.to_string(), "2018-08-06T12:41:14.25+0800");
    }

    #[test]
    fn every_field_is_written_at_its_width() {
        for text in [
            "0001-01-01T00:00:00.000000001-2359",
            "9999-12-31T23:59:59.999999999+2359",
            "0987-06-05T04:03:02.1+0001",
            "2018-08-06T12:41:14-0030",
        ] {
            let t: Timestamp = text.parse().unwrap();
            assert_eq!(t.to_string(), text);
        }
    }

    #[test]
    fn unix_seconds_matches_known_instant() {
        // 2018-08-06T04:41:14Z, checked with `date -d @1533530474 -u`.
        let t: Timestamp = "2018-08-06T12:41:14+0800".parse().unwrap();
        assert_eq!(t.unix_seconds(), 1_533_530_474);
        let back = Timestamp::from_unix_seconds(1_533_530_474, 480).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn rejects_the_documented_spaced_form() {
        let err = "2018 - 08 - 06 T12: 41: 14 + 0800"
            .parse::<Timestamp>()
            .unwrap_err();
        assert_eq!(err.reason(), "date separators must be '-'");
    }

    #[test]
    fn rejects_bad_values_with_a_reason() {
        for (input, reason) in [
            ("", "too short"),
            ("2018-13-06T12:41:14+0800", "month out of range"),
            ("2018-02-29T12:41:14+0800", "day out of range"),
            ("2018-08-06T24:00:00+0800", "time of day out of range"),
            ("2018-08-06T12:41:14", "too short"),
            (
                "2018-08-06T12:41:14+08",
                "zone offset must be ±hhmm, ±hh:mm or Z",
            ),
            ("2018-08-06T12:41:14+2400", "offset out of range"),
            (
                "2018-08-06 12:41:14+0800",
                "date and time must be separated by 'T'",
            ),
            (
                "2018-08-06T12:41:14+0800 ",
                "zone offset must be ±hhmm, ±hh:mm or Z",
            ),
            (
                "2018-08-06T12:41:14.+0800",
                "fractional seconds must have 1 to 9 digits",
            ),
            ("0000-01-01T00:00:00+0000", "out of range"),
            ("２０18-08-06T12:41:14+0800", "year is not 4 digits"),
        ] {
            let err = input.parse::<Timestamp>().unwrap_err();
            assert_eq!(err.reason(), reason, "input {input:?}");
        }
    }

    #[test]
    fn ordering_is_by_instant() {
        let a: Timestamp = "2018-08-06T12:00:00+0800".parse().unwrap();
        let b: Timestamp = "2018-08-06T05:00:00+0000".parse().unwrap();
        assert!(a < b);
    }

    #[test]
    fn serde_uses_the_service_form() {
        let t: Timestamp = serde_json::from_str("\"2018-08-06T12:41:14Z\"").unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2018-08-06T12:41:14+0000\""
        );
        let err = serde_json::from_str::<Timestamp>("\"yesterday\"").unwrap_err();
        assert!(
            err.to_string().contains("invalid time \"yesterday\""),
            "{err}"
        );
    }
}
