//! The test credentials the mock accepts: published on purpose, not secrets.

/// Project id the mock serves. Requests for any other project get `403`.
pub const MOCK_PROJECT_ID: &str = "0483b6b16e954cb88930a360d2c4e663";
/// Access key (AK) the mock accepts in `Authorization: SDK-HMAC-SHA256 Access=...`.
/// A test credential, not a secret.
pub const MOCK_ACCESS_KEY: &str = "MOCKAK0000000000RDS1";
/// Secret key (SK) paired with [`MOCK_ACCESS_KEY`]. A test credential, published on purpose.
pub const MOCK_SECRET_KEY: &str = "MockSK0123456789abcdefghijklmnopqrstuvwx";
/// IAM token the mock accepts in `X-Auth-Token`. A test credential, published on purpose.
pub const MOCK_AUTH_TOKEN: &str = "MIIMOCK-rds-token-0123456789abcdef";
