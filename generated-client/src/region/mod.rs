//! Regions and their RDS endpoints (`https://rds.{region}.myhuaweicloud.com`,
//! with eu-west-101 on `myhuaweicloud.eu`): the region id and the built-in
//! table in `table`, the overrides the official SDK reads in [`endpoint`].

pub mod endpoint;
mod table;

pub use endpoint::EndpointSource;
pub use table::Region;
