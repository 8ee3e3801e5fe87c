//! Shared by every end-to-end test of `rds-backups`: one way to run the real
//! binary, and the mock it talks to.
//!
//! [`Cli`] runs the binary in a clean environment that it builds itself, so
//! nothing of the machine running the tests reaches it: the environment is
//! cleared, `HOME` is a fresh directory (no `~/.huaweicloud/credentials`), no
//! credential, project or region variable (`HUAWEICLOUD_SDK_*`,
//! `RDS_BACKUPS_AUTH_TOKEN`) is set unless a test sets it, and the ECS
//! metadata and IAM endpoints and every proxy variable point at a loopback
//! port where nothing listens (a test never reaches 169.254.169.254, and no
//! proxy of the machine takes a request anywhere but loopback). Every run is bounded by ten times its budget: a liveness
//! check that kills the binary and fails only on a hang, never a speed check.

#![allow(dead_code)] // each test crate uses a different part

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use huaweicloud_rds_mock::{
    Backup, Datastore, INSTANCE_LARGE, INSTANCE_MYSQL, MOCK_AUTH_TOKEN, MOCK_PROJECT_ID,
    MockConfig, MockServer, Script,
};

pub const BIN: &str = env!("CARGO_BIN_EXE_rds-backups");

/// Every backup of the embedded mock's 10,000-backup instance, one JSON
/// object a line.
pub const WALK_LARGE_NDJSON: [&str; 7] = [
    "--mock",
    "list",
    "--instance-id",
    INSTANCE_LARGE,
    "--all",
    "--output",
    "ndjson",
];

/// A whole walk in pages of 5, one page at a time: for tests where the
/// requests of a walk are the promise.
pub const SERIAL_WALK_OF_FIVES: [&str; 5] = ["--all", "--limit", "5", "--concurrency", "1"];

/// The budget of a run unless a test gives its own: enough for a few short
/// attempts and backoffs.
pub const SHORT: Duration = Duration::from_secs(2);

/// Every proxy variable reqwest reads, set to a dead loopback port.
const PROXY_VARIABLES: &[&str] = &[
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

/// Hosts that bypass the dead proxy: all of loopback, where every server of
/// the tests listens.
const LOOPBACK: &str = "127.0.0.0/8,localhost,::1";

/// A run of the binary being put together.
pub struct Cli {
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    stdin: Option<Vec<u8>>,
    budget: Duration,
    home: TempHome,
}

/// `rds-backups` with no arguments yet.
pub fn cli() -> Cli {
    Cli {
        args: Vec::new(),
        env: Vec::new(),
        stdin: None,
        budget: SHORT,
        home: TempHome::new(),
    }
}

/// `rds-backups --endpoint URL --project-id P --auth-token T` for `server`,
/// with the mock's project id and IAM token.
pub fn against(server: &MockServer) -> Cli {
    cli().args([
        "--endpoint",
        &server.base_url(),
        "--project-id",
        MOCK_PROJECT_ID,
        "--auth-token",
        MOCK_AUTH_TOKEN,
    ])
}

/// `against(server)` then `[global...] list --instance-id INSTANCE [args...]`.
pub fn list(server: &MockServer, global: &[&str], instance: &str, args: &[&str]) -> Cli {
    against(server)
        .args(global)
        .args(["list", "--instance-id", instance])
        .args(args)
}

impl Cli {
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Set a variable (after the runner's own, so a test may override them).
    pub fn env(mut self, name: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    pub fn envs<'a>(mut self, vars: impl IntoIterator<Item = &'a (&'a str, &'a str)>) -> Self {
        for (name, value) in vars {
            self = self.env(*name, *value);
        }
        self
    }

    /// What the binary reads on stdin (nothing, at end of file, otherwise).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// The time its configured timeouts, retries and waits can take; the run
    /// is killed (and the test fails) after ten times as much.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The run's `HOME`, empty until a test writes into it.
    pub fn home(&self) -> &Path {
        &self.home.0
    }

    /// The command with the run's environment, for tests that drive the
    /// process themselves (reading part of stdout, a terminal). Keep the
    /// returned [`TempHome`] alive while the process runs.
    pub fn command(self) -> (Command, TempHome) {
        let mut command = Command::new(BIN);
        command
            .args(&self.args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home.0)
            .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", unused_loopback_url())
            .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", unused_loopback_url());
        // A proxy of the machine must not carry a request away from loopback.
        let dead_proxy = unused_loopback_url();
        for proxy in PROXY_VARIABLES {
            command.env(proxy, &dead_proxy);
        }
        command
            .env("NO_PROXY", LOOPBACK)
            .env("no_proxy", LOOPBACK)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        (command, self.home)
    }

    /// Run to the end, reading stdout and stderr.
    pub fn run(self) -> Run {
        let budget = self.budget;
        let stdin = self.stdin.clone();
        let described = format!("{:?}", self.args);
        let (mut command, _home) = self.command();
        let mut child = command
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rds-backups starts");
        if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        // Read both pipes on threads so that a full pipe never blocks the child.
        let out = drain(child.stdout.take());
        let err = drain(child.stderr.take());
        let code = wait_guarded(&mut child, budget, &described);
        Run {
            code,
            stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
            stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
        }
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Wait for `child`, killing it (and failing) after ten times `budget`: the
/// one liveness bound of this crate's tests.
pub fn wait_guarded(child: &mut Child, budget: Duration, what: &str) -> Option<i32> {
    let limit = budget * 10;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for rds-backups") {
            return status.code();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hung: rds-backups {what} not finished within {limit:?} (10x its budget)");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// What a run left.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn last_line(&self) -> &str {
        self.stderr.lines().last().unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }

    /// The ids of a `--output json` listing, in order.
    pub fn ids(&self) -> Vec<String> {
        self.json()["backups"]
            .as_array()
            .expect("a backups array")
            .iter()
            .map(|b| b["id"].as_str().expect("an id").to_owned())
            .collect()
    }

    /// The ids of a `--output ndjson` listing, in order.
    pub fn ndjson_ids(&self) -> Vec<String> {
        self.stdout
            .lines()
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
                v["id"].as_str().expect("an id").to_owned()
            })
            .collect()
    }

    /// Panics, showing both streams, unless the exit code is `code`.
    pub fn assert_exit(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "stderr:\n{}\nstdout:\n{}",
            self.stderr,
            self.stdout
        );
        self
    }
}

/// A directory under the test target's temporary folder, removed on drop.
pub struct TempHome(PathBuf);

impl TempHome {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("home-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temporary HOME");
        TempHome(path)
    }
}

impl TempHome {
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `http://127.0.0.1:PORT` where nothing listens (bound, then released): a
/// request there is refused at once.
pub fn unused_loopback_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    format!("http://127.0.0.1:{port}")
}

/// A mock on its own thread: stalls of 10 s (longer than any attempt a test
/// allows), oversize bodies of 64 MiB (over the binary's 16 MiB cap).
pub fn mock() -> MockServer {
    mock_with(
        MockConfig::default()
            .fault_delay(Duration::from_secs(10))
            .oversize_bytes(64 << 20),
    )
}

pub fn mock_with(config: MockConfig) -> MockServer {
    MockServer::start_background(config).expect("the mock starts")
}

/// Backups of `INSTANCE_MYSQL`.
pub const MYSQL_BACKUPS: u64 = 13;

/// `[global...] list --instance-id INSTANCE [args...]` against `server`,
/// run within the default budget.
pub fn run_list(server: &MockServer, global: &[&str], instance: &str, args: &[&str]) -> Run {
    list(server, global, instance, args).run()
}

/// What one run against a scripted mock left.
pub struct Scripted {
    pub run: Run,
    /// Requests that reached the mock for `INSTANCE_MYSQL`.
    pub requests: u64,
    pub server: MockServer,
}

/// `[global...] list --instance-id INSTANCE_MYSQL [args...]` against a fresh
/// mock that plays `script` on that instance first.
pub fn scripted(script: impl Into<Script>, global: &[&str], args: &[&str]) -> Scripted {
    let server = mock();
    server.script(INSTANCE_MYSQL, script);
    let run = run_list(&server, global, INSTANCE_MYSQL, args);
    Scripted {
        run,
        requests: server.requests(INSTANCE_MYSQL),
        server,
    }
}

/// A completed manual MySQL 8.0 backup of `instance`, 2803 kB, begun at
/// `begin` and ended 2026-01-01T03:00:00+0800: tests change the fields they
/// are about (`Backup { name, ..backup(...) }`).
pub fn backup(instance: &str, id: &str, begin: &str) -> Backup {
    Backup {
        id: id.into(),
        name: id.into(),
        backup_type: "manual".into(),
        size: 2803,
        status: "COMPLETED".into(),
        begin_time: begin.into(),
        end_time: "2026-01-01T03:00:00+0800".into(),
        datastore: Datastore {
            engine: "MySQL".into(),
            version: "8.0".into(),
        },
        databases: None,
        associated_with_ddm: None,
        min_data_volume_capacity_for_restore: None,
        instance_id: instance.into(),
    }
}
