//! The fixed paths, regions and ids of the mock's IAM and metadata service.

/// IAM's project list.
pub const PROJECTS_PATH: &str = "/v3/projects";
/// The metadata service's token.
pub const METADATA_TOKEN_PATH: &str = "/meta-data/latest/api/token";
/// The metadata service's temporary credentials.
pub const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
/// A region IAM has no project for.
pub const REGION_NO_PROJECT: &str = "mock-none-1";
/// A region IAM has two projects for.
pub const REGION_TWO_PROJECTS: &str = "mock-two-1";
/// The second project of [`REGION_TWO_PROJECTS`] (the list endpoint does not serve it).
pub const SECOND_PROJECT_ID: &str = "5e2f0b6a1c9d4e7f8a3b2c1d0e9f8a7b";
/// The domain (account) of the mock's projects.
pub const MOCK_DOMAIN_ID: &str = "d0d0c0ffee0a4b1c9d8e7f6a5b4c3d2e";
