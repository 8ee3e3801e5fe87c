//! The mock's data model and its deterministic default data set.
//!
//! Every backup is kept as a pre-serialized JSON object ([`Record::json`]) next
//! to the few fields the filters need, so answering a page of 100 is a matter of
//! joining 100 strings. The data set is built once per process (the 10,000-backup
//! instance on first use) and shared by every [`MockServer`](crate::MockServer).

mod clock;
mod generate;
mod instances;
mod model;
mod quirks;

pub(crate) use generate::{generate_mysql, phantom};
pub use instances::*;
pub use model::{Backup, Database, Datastore, Instance, Page, Record};
pub use quirks::{
    QUIRK_EXTRA_FIELDS, QUIRK_LOWERCASE_ENGINE, QUIRK_NULL_OPTIONALS, QUIRK_TIME_OFFSETS,
    QUIRK_UNKNOWN_ENUMS,
};
