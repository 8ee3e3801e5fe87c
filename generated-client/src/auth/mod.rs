//! Where the client finds who it is when the caller does not say: the same
//! places, in the same order and under the same names as the official SDK
//! (huaweicloudsdkcore 3.1.x), one concern per module.
//!
//! - [`chain`]: the order: explicit credentials, then the environment
//!   (`HUAWEICLOUD_SDK_AK`, `_SK`, `_SECURITY_TOKEN`), then the credentials
//!   file; an IAM token given explicitly wins over all of them.
//! - [`file`](mod@file): the credentials file (`HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
//!   `~/.huaweicloud/credentials`), INI, section `[basic]`.
//! - [`metadata`]: temporary credentials from the ECS metadata service, only
//!   when asked for ([`MetadataCredentials`]); never part of the chain, so a
//!   machine that is not an ECS never sends anything to 169.254.169.254.
//! - [`project`]: the project id looked up in IAM from the region, cached per
//!   IAM endpoint, access key and region for the life of the process.
//! - [`iam_endpoint`]: which IAM endpoint that lookup asks.
//!
//! Every source is reported by what it is ([`CredentialSource`],
//! [`ProjectIdSource`]), never by a secret.

pub mod chain;
mod environment;
pub mod file;
pub mod iam_endpoint;
pub mod metadata;
pub mod project;

pub use chain::{CredentialSource, ProjectIdSource};
pub(crate) use environment::Environment;
pub use metadata::MetadataCredentials;
