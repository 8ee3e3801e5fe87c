//! The runner of these tests: a mock on loopback and the real binary in an
//! environment built here (fresh `HOME`, only the variables a test sets,
//! metadata, IAM and proxies on a dead loopback port).

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use huaweicloud_rds_mock::{MockConfig, MockServer};

const BIN: &str = env!("CARGO_BIN_EXE_rds-backups");

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

/// A mock, the runtime serving it, and a scratch directory for files.
pub struct World {
    _rt: tokio::runtime::Runtime,
    pub server: MockServer,
    home: TempDir,
}

pub fn world() -> World {
    world_with(MockConfig::default())
}

pub fn world_with(config: MockConfig) -> World {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(MockServer::start(config)).unwrap();
    World {
        _rt: rt,
        server,
        home: TempDir::new(),
    }
}

impl World {
    pub fn url(&self) -> String {
        self.server.base_url()
    }

    /// Write `~/.huaweicloud/{name}` and return its path.
    pub fn home_file(&self, name: &str, text: &str) -> PathBuf {
        let dir = self.home.0.join(".huaweicloud");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Write a file outside `~/.huaweicloud`.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.home.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Run the binary with `vars` set (and every other variable of
    /// [`VARIABLES`] unset, the endpoints on a dead loopback port).
    pub fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let dead = dead_loopback_url();
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home.0)
            .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", &dead)
            .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &dead);
        for proxy in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
        ] {
            command.env(proxy, &dead);
        }
        command
            .env("NO_PROXY", "127.0.0.1")
            .env("no_proxy", "127.0.0.1");
        for (name, value) in vars {
            let known = VARIABLES.contains(name) || name.starts_with("HUAWEICLOUD_SDK_REGION_RDS_");
            assert!(known, "{name} is not a lookup variable");
            command.env(name, value);
        }
        run_bounded(command)
    }
}

/// Run to the end, killed after a minute: a liveness bound, not a speed check.
fn run_bounded(mut command: Command) -> Output {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rds-backups runs");
    let id = child.id();
    let (done, waited) = std::sync::mpsc::channel();
    let watchdog = std::thread::spawn(move || {
        if waited.recv_timeout(Duration::from_secs(60)).is_err() {
            // Still running after a minute: a hang.
            let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
        }
    });
    let output = child.wait_with_output().expect("rds-backups ends");
    let _ = done.send(());
    let _ = watchdog.join();
    output
}

/// `http://127.0.0.1:PORT` where nothing listens.
pub fn dead_loopback_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("rds-cli-creds-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn total_count(o: &Output) -> u64 {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(o)));
    v["total_count"].as_u64().expect("total_count")
}

pub fn assert_ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
}

/// `-v` shows where things came from and never a secret.
pub fn assert_no_secret(o: &Output, secrets: &[&str]) {
    let err = stderr(o);
    for secret in secrets {
        assert!(!err.contains(secret), "stderr shows a secret: {err}");
    }
}
