//! What the benches in `benches/` share: the 100-backup body, the limit
//! structs it is compared against, the mock service to list from, and the
//! bare HTTP floor.
//!
//! `cargo xtask bench` runs them (with the official Python SDK beside them)
//! and writes `BENCHMARKS.md`; `cargo bench -p rds-bench` runs them alone.

use std::time::Duration;

use huaweicloud_rds::{Credentials, RdsClient};
use huaweicloud_rds_mock::{
    INSTANCE_LARGE, MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig, MockServer,
};
use huaweicloud_signer as signing;
use tokio::task::JoinSet;

/// A list-backups response body: 100 backups, 33,734 bytes; the bytes the
/// official SDK was timed on (see `data/README.md`).
pub const BODY_100: &[u8] = include_bytes!("../data/list_backups_100.json");

/// The instance listed: exactly [`LARGE_TOTAL`] backups.
pub const INSTANCE: &str = INSTANCE_LARGE;
/// Backups of [`INSTANCE`].
pub const LARGE_TOTAL: usize = 10_000;
/// Page size of every listing (the API's largest).
pub const PAGE: usize = 100;

/// Set by `cargo xtask bench` to the `rds-mock` process every figure is taken
/// against; without it the benches start the mock in-process.
pub const MOCK_URL_ENV: &str = "RDS_BENCH_MOCK_URL";
/// Set by `cargo xtask bench` to a file where the list bench writes the CPU
/// time one walk and one floor take (JSON, milliseconds).
pub const CPU_OUT_ENV: &str = "RDS_BENCH_CPU_OUT";

/// CPU time (user and system, every thread) this process has used so far,
/// from `/proc/self/stat` in 10 ms ticks; `None` where there is no such file.
pub fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // After the command name: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// Mean CPU time of `runs` calls of `f`.
pub fn cpu_per_call(runs: u32, mut f: impl FnMut()) -> Option<Duration> {
    let before = process_cpu()?;
    for _ in 0..runs {
        f();
    }
    Some(process_cpu()?.saturating_sub(before) / runs.max(1))
}

/// The limit: `serde_json` into minimal hand-written structs with the same
/// fields as the client's response type, every string owned.
pub mod owned {
    use serde::Deserialize;

    /// The response body.
    #[derive(Debug, Deserialize)]
    pub struct Page {
        /// The page's backups.
        pub backups: Vec<Backup>,
        /// Backups matching the query.
        pub total_count: i32,
    }

    /// One backup.
    #[derive(Debug, Deserialize)]
    pub struct Backup {
        /// Backup id.
        pub id: String,
        /// Backup name.
        pub name: String,
        /// `auto`, `manual`, ...
        #[serde(rename = "type")]
        pub type_: String,
        /// Size in KB.
        pub size: i64,
        /// `COMPLETED`, ...
        pub status: String,
        /// Start time, as written.
        pub begin_time: String,
        /// End time, as written.
        pub end_time: String,
        /// Engine and version.
        pub datastore: Datastore,
        /// Instance id.
        pub instance_id: String,
        /// DDM flag.
        pub associated_with_ddm: Option<bool>,
        /// Databases of a partial backup.
        pub databases: Option<Vec<Database>>,
        /// Smallest volume a restore needs.
        pub min_data_volume_capacity_for_restore: Option<i64>,
    }

    /// Engine and version.
    #[derive(Debug, Deserialize)]
    pub struct Datastore {
        /// Engine.
        #[serde(rename = "type")]
        pub type_: String,
        /// Version.
        pub version: String,
    }

    /// A database of a partial backup.
    #[derive(Debug, Deserialize)]
    pub struct Database {
        /// Its name.
        pub name: String,
    }
}

/// The same structs borrowing their strings from the body (reported only:
/// a client cannot hand these out once the body is gone).
pub mod borrowed {
    use serde::Deserialize;

    /// The response body.
    #[derive(Debug, Deserialize)]
    pub struct Page<'a> {
        /// The page's backups.
        #[serde(borrow)]
        pub backups: Vec<Backup<'a>>,
        /// Backups matching the query.
        pub total_count: i32,
    }

    /// One backup.
    #[derive(Debug, Deserialize)]
    pub struct Backup<'a> {
        /// Backup id.
        pub id: &'a str,
        /// Backup name.
        pub name: &'a str,
        /// `auto`, `manual`, ...
        #[serde(rename = "type")]
        pub type_: &'a str,
        /// Size in KB.
        pub size: i64,
        /// `COMPLETED`, ...
        pub status: &'a str,
        /// Start time, as written.
        pub begin_time: &'a str,
        /// End time, as written.
        pub end_time: &'a str,
        /// Engine and version.
        #[serde(borrow)]
        pub datastore: Datastore<'a>,
        /// Instance id.
        pub instance_id: &'a str,
        /// DDM flag.
        pub associated_with_ddm: Option<bool>,
        /// Databases of a partial backup.
        #[serde(borrow)]
        pub databases: Option<Vec<Database<'a>>>,
        /// Smallest volume a restore needs.
        pub min_data_volume_capacity_for_restore: Option<i64>,
    }

    /// Engine and version.
    #[derive(Debug, Deserialize)]
    pub struct Datastore<'a> {
        /// Engine.
        #[serde(rename = "type")]
        pub type_: &'a str,
        /// Version.
        pub version: &'a str,
    }

    /// A database of a partial backup.
    #[derive(Debug, Deserialize)]
    pub struct Database<'a> {
        /// Its name.
        pub name: &'a str,
    }
}

/// The mock service the listing benches talk to.
#[derive(Debug)]
pub struct Mock {
    url: String,
    /// Only when no `rds-mock` process was given.
    _in_process: Option<MockServer>,
}

impl Mock {
    /// The `rds-mock` at `$RDS_BENCH_MOCK_URL`, else one started in-process on
    /// its own thread.
    pub fn connect() -> Mock {
        if let Some(url) = std::env::var(MOCK_URL_ENV).ok().filter(|u| !u.is_empty()) {
            return Mock {
                url: url.trim_end_matches('/').to_owned(),
                _in_process: None,
            };
        }
        let server = MockServer::start_background(MockConfig::default())
            .unwrap_or_else(|e| panic!("cannot start the mock service: {e}"));
        Mock {
            url: server.base_url(),
            _in_process: Some(server),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client signing with the mock's AK/SK, as the peer does.
    pub fn client(&self) -> RdsClient {
        RdsClient::builder()
            .endpoint(&self.url)
            .project_id(MOCK_PROJECT_ID)
            .credentials(Credentials::aksk(MOCK_ACCESS_KEY, MOCK_SECRET_KEY))
            .build()
            .unwrap_or_else(|e| panic!("cannot build the client: {e}"))
    }
}

/// A tokio runtime with one worker per core (2 here), like the CLI's.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start a runtime: {e}"))
}

/// A plain reqwest client for the HTTP floor, pooled like the library's.
pub fn bare_http() -> reqwest::Client {
    // reqwest here has no crypto provider of its own: take the client crate's.
    huaweicloud_rds::tls::plain_http_builder()
        .unwrap_or_else(|e| panic!("cannot set up TLS: {e}"))
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .unwrap_or_else(|e| panic!("cannot build a reqwest client: {e}"))
}

/// The bare HTTP floor: the [`LARGE_TOTAL`] / [`PAGE`] signed GETs a walk
/// makes, `concurrency` at a time, each body read and dropped. Returns the
/// bytes read. No parsing, no retries, no pagination logic.
pub async fn http_floor(http: &reqwest::Client, base_url: &str, concurrency: usize) -> usize {
    let host = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .to_owned();
    let mut offsets = (0..LARGE_TOTAL).step_by(PAGE);
    let mut in_flight = JoinSet::new();
    let mut bytes = 0;
    loop {
        while in_flight.len() < concurrency.max(1) {
            let Some(offset) = offsets.next() else { break };
            let (http, base_url, host) = (http.clone(), base_url.to_owned(), host.clone());
            in_flight.spawn(async move { signed_get(&http, &base_url, &host, offset).await });
        }
        match in_flight.join_next().await {
            Some(Ok(n)) => bytes += n,
            Some(Err(e)) => panic!("a GET failed: {e}"),
            None => return bytes,
        }
    }
}

async fn signed_get(http: &reqwest::Client, base_url: &str, host: &str, offset: usize) -> usize {
    let path = format!("/v3/{MOCK_PROJECT_ID}/backups");
    let offset = offset.to_string();
    let limit = PAGE.to_string();
    let query = [
        ("instance_id", INSTANCE),
        ("limit", limit.as_str()),
        ("offset", offset.as_str()),
    ];
    let parts = signing::RequestParts {
        method: "GET",
        host,
        path: &path,
        query: &query,
        headers: &[],
        body: b"",
    };
    let keys = signing::SigningKey::new(MOCK_ACCESS_KEY, MOCK_SECRET_KEY);
    let signed = signing::sign(&parts, &keys, &signing::sdk_date_now())
        .unwrap_or_else(|e| panic!("cannot sign: {e}"));
    let mut request = http.get(format!("{base_url}{path}?{}", signed.canonical_query));
    for (name, value) in &signed.headers {
        request = request.header(name, value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET failed: {e}"));
    assert!(
        response.status().is_success(),
        "GET answered {}",
        response.status()
    );
    let body = response
        .bytes()
        .await
        .unwrap_or_else(|e| panic!("reading the body failed: {e}"));
    body.len()
}
