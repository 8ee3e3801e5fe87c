//! The credentials tests' world: a mock on loopback and a `HOME` kept
//! across runs, with the real binary run by the shared runner (which clears
//! the environment and points metadata, IAM and proxies at a dead port).

use std::path::PathBuf;

use huaweicloud_rds_mock::{MockConfig, MockServer};

use crate::support::{self, Run, TempHome};

/// Every variable the binary reads to find credentials, a project, a region
/// or an endpoint.
const VARIABLES: &[&str] = &[
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_REGION",
    "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
    "HUAWEICLOUD_SDK_REGIONS_FILE",
    "HUAWEICLOUD_SDK_IAM_ENDPOINT",
    "HUAWEICLOUD_SDK_METADATA_ENDPOINT",
    "RDS_BACKUPS_AUTH_TOKEN",
];

/// A mock and a scratch `HOME` for files.
pub struct World {
    pub server: MockServer,
    home: TempHome,
}

pub fn world() -> World {
    world_with(MockConfig::default())
}

pub fn world_with(config: MockConfig) -> World {
    World {
        server: support::mock_with(config),
        home: TempHome::new(),
    }
}

impl World {
    pub fn url(&self) -> String {
        self.server.base_url()
    }

    /// Write `~/.huaweicloud/{name}` and return its path.
    pub fn home_file(&self, name: &str, text: &str) -> PathBuf {
        let dir = self.home.path().join(".huaweicloud");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Write a file outside `~/.huaweicloud`.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.home.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Run the binary with this world's `HOME` and `vars` set (each one of
    /// [`VARIABLES`]); every other lookup variable stays unset.
    pub fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut cli = support::cli()
            .args(args)
            .env("HOME", self.home.path())
            .budget(support::SHORT * 3);
        for (name, value) in vars {
            let known = VARIABLES.contains(name) || name.starts_with("HUAWEICLOUD_SDK_REGION_RDS_");
            assert!(known, "{name} is not a lookup variable");
            cli = cli.env(*name, *value);
        }
        cli.run()
    }
}

pub fn total_count(o: &Run) -> u64 {
    o.json()["total_count"].as_u64().expect("total_count")
}

pub fn assert_ok(o: &Run) {
    o.assert_exit(0);
}

/// `-v` shows where things came from and never a secret.
pub fn assert_no_secret(o: &Run, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !o.stderr.contains(secret),
            "stderr shows a secret: {}",
            o.stderr
        );
    }
}
