//! The generated layer, as progenitor wrote it: its [`Client`], the
//! builder-style operations in [`builder`], its [`Error`] and
//! [`ResponseValue`].
//!
//! [`RdsClient::generated`](crate::RdsClient::generated) hands out this
//! [`Client`] with the same transport (signing, time limits, retries); turn its
//! errors into the crate's own with
//! [`Error::from_generated`](crate::Error::from_generated). The response
//! types are shared with the hand-written layer in [`crate::types`].

pub use crate::generated::{Client, ClientInfo, Error, ResponseValue, builder, prelude};
