//! The service's times in the data set, through the client's `Timestamp`.

use huaweicloud_rds::Timestamp;

/// Beijing time, the offset the service writes its times in, in minutes east of UTC.
pub(super) const BEIJING_MINUTES: i16 = 8 * 60;

/// `yyyy-mm-ddThh:mm:ss+0800` of an instant, as the service writes it.
pub(super) fn service_time(epoch: i64) -> String {
    Timestamp::from_unix_seconds(epoch, BEIJING_MINUTES).map_or_else(String::new, |t| t.to_string())
}

/// Unix seconds of a time in any form [`Timestamp`] reads (`+0800`, `+08:00`, `Z`);
/// 0 if it does not parse, so quirky data still sorts.
pub(super) fn epoch_of(text: &str) -> i64 {
    text.parse::<Timestamp>().map_or(0, |t| t.unix_seconds())
}
