//! The mock's data model and its deterministic default data set.
//!
//! Every backup is kept as a pre-serialized JSON object ([`Record::json`]) next
//! to the few fields the filters need, so answering a page of 100 is a matter of
//! joining 100 strings. The data set is built once per process (the 10,000-backup
//! instance on first use) and shared by every [`MockServer`](crate::MockServer).

mod generate;
mod instances;
mod model;
mod quirks;

use huaweicloud_rds::Timestamp;

pub(crate) use generate::phantom;
pub use instances::*;
pub use model::{Backup, Database, Datastore, Instance, Page, Record};

/// Beijing time, the offset the service writes its times in, in minutes east of UTC.
const BEIJING_MINUTES: i16 = 8 * 60;

/// `yyyy-mm-ddThh:mm:ss+0800` of an instant, as the service writes it.
fn service_time(epoch: i64) -> String {
    Timestamp::from_unix_seconds(epoch, BEIJING_MINUTES).map_or_else(String::new, |t| t.to_string())
}

/// Unix seconds of a time in any form [`Timestamp`] reads (`+0800`, `+08:00`, `Z`);
/// 0 if it does not parse, so quirky data still sorts.
fn epoch_of(text: &str) -> i64 {
    text.parse::<Timestamp>().map_or(0, |t| t.unix_seconds())
}
