//! An embedded mock of the Huawei Cloud RDS "list backups" API
//! (`GET /v3/{project_id}/backups`) over real HTTP/1.1 on `127.0.0.1`, with
//! AK/SK signature verification, a deterministic data set and fault injection.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use huaweicloud_rds_mock::{MockConfig, MockServer, Fault, INSTANCE_MYSQL};
//! let server = MockServer::start(MockConfig::default()).await?;
//! let base = server.base_url(); // http://127.0.0.1:PORT
//! server.script(INSTANCE_MYSQL, vec![Fault::unavailable(0), Fault::None]);
//! // ... point a client at `base`, then:
//! assert_eq!(server.requests(INSTANCE_MYSQL), 2);
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The binary `rds-mock [--port N] [--no-verify-signature]` serves the same thing and
//! prints `listening on http://127.0.0.1:PORT`.
//!
//! # Test credentials
//!
//! | what | value |
//! |---|---|
//! | project id ([`MOCK_PROJECT_ID`]) | `0483b6b16e954cb88930a360d2c4e663` |
//! | access key ([`MOCK_ACCESS_KEY`]) | `MOCKAK0000000000RDS1` |
//! | secret key ([`MOCK_SECRET_KEY`]) | `MockSK0123456789abcdefghijklmnopqrstuvwx` |
//! | IAM token ([`MOCK_AUTH_TOKEN`]) | `MIIMOCK-rds-token-0123456789abcdef` |
//!
//! # Instances
//!
//! | instance id | content |
//! |---|---|
//! | [`INSTANCE_MYSQL`] `7c4e1a52d3b94f0e8a6d2c9b1f3e5a70in01` | MySQL 8.0, 13 backups: auto/manual/incremental, all four states, `associated_with_ddm`, `min_data_volume_capacity_for_restore`, two backups started in the same second |
//! | [`INSTANCE_POSTGRESQL`] `2b9d6f40c1e84a3b9f7e5d3c1a2b4c60in03` | PostgreSQL 14, 9 backups: auto/manual/incremental, all four states |
//! | [`INSTANCE_SQLSERVER`] `9e1f3a5c7b2d4e6f8a0c1e3b5d7f9a20in04` | SQLServer 2019_SE, 10 backups: auto/manual/fragment, all four states, `databases` on partial backups |
//! | [`INSTANCE_MARIADB`] `4a6c8e0b2d4f4a1c9e7b5d3f1a3c5e70in13` | MariaDB 10.5, 6 backups: auto/manual, all four states |
//! | [`INSTANCE_LARGE`] `b10000c0ffee4e1a9d2b3c4d5e6f7a80in01` | MySQL 8.0, exactly 10,000 backups |
//! | [`INSTANCE_EMPTY`] `e0e0e0e0a1b24c3d8e9f0a1b2c3d4e50in01` | MySQL 5.7, no backups |
//! | [`SAMPLE_MYSQL_INSTANCE`] `a48e43ff268f4c0e879652d65e63d0fbin01` | the documented MySQL sample |
//! | [`SAMPLE_POSTGRESQL_INSTANCE`] `a48e43ff268f4c0e879652d65e63d0fbin03` | the documented PostgreSQL sample, corrected (times, instance id) |
//! | [`SAMPLE_SQLSERVER_INSTANCE`] `a48e43ff268f4c0e879652d65e63d0fbin04` | the documented SQL Server sample, corrected (`id` key) |
//! | [`QUIRK_UNKNOWN_ENUMS`] `quirk-unknown-enums` | type `snapshot`, status `ARCHIVED`, engine `openGauss` |
//! | [`QUIRK_LOWERCASE_ENGINE`] `quirk-lowercase-engine` | engine `mysql` |
//! | [`QUIRK_EXTRA_FIELDS`] `quirk-extra-fields` | unknown fields on backups, `datastore` and the body |
//! | [`QUIRK_NULL_OPTIONALS`] `quirk-null-optionals` | `databases`, `associated_with_ddm`, `min_data_volume_capacity_for_restore` as `null`; `databases: []` |
//! | [`QUIRK_TIME_OFFSETS`] `quirk-time-offsets` | times with `+08:00` and `Z` |
//!
//! Quirky data is only on the `quirk-*` instances. Well-formed times are
//! `yyyy-mm-ddThh:mm:ss+0800`. The fault instances (`fault-*`) are listed in [`faults`].
//!
//! # Semantics
//!
//! Checks run in this order; the first failure answers:
//! 1. path `/v3/{project_id}/backups` (anything else `404` `APIGW.0101`), method `GET`
//!    (else `405` with `Allow: GET`);
//! 2. authentication (`401` `APIGW.0301` with `request_id` in the body): an
//!    `X-Auth-Token` equal to [`MOCK_AUTH_TOKEN`], or an `Authorization:
//!    SDK-HMAC-SHA256 ...` header whose signature verifies against the request as
//!    received (method, path, query decoded with `+` as a space, the headers listed in
//!    `SignedHeaders` including `host` and `x-sdk-date`, the body) with
//!    [`MOCK_SECRET_KEY`], and an `X-Sdk-Date` within 15 minutes of the server clock.
//!    A request with no credential at all is also `401`. With
//!    [`MockConfig::verify_signature`] `false` (`--no-verify-signature`), **every request
//!    is accepted, with or without credentials**: that mode is for running behind a
//!    proxy that rewrites `Host` or for clients without signing;
//! 3. project: a `project_id` other than [`MOCK_PROJECT_ID`] (or an `X-Project-Id`
//!    header that differs from the path) is `403` `DBS.280056`, as the service answers
//!    a token or key that is not valid for the project;
//! 4. parameters (`400` `DBS.280001`, the message names the parameter), in this
//!    order: a known parameter given twice; `instance_id` missing or empty;
//!    `backup_id`, `backup_type` or `status` empty; `backup_type` not one of `auto`,
//!    `manual`, `fragment`, `incremental`; `status` not one of `BUILDING`,
//!    `COMPLETED`, `FAILED`; `offset` not a non-negative integer; `limit` not an
//!    integer in 1..=100; `begin_time` without `end_time` or the reverse; a time not of
//!    the form `yyyy-mm-ddThh:mm:ss±hhmm` (a raw `+` arrives as a space and fails
//!    here); `end_time` not later than `begin_time`; then an `X-Language` header other
//!    than `zh-cn` or `en-us` (the spec's closed enum). Unknown parameters are ignored;
//! 5. faults (see [`faults`]);
//! 6. instance: unknown `instance_id` is `404` `DBS.200823`.
//!
//! Filters: `backup_id` and `backup_type` match exactly. **`status` filters SQL Server
//! full backups only**, as the service's definition says: on other engines it is
//! validated and then ignored. **The time window keeps backups whose `begin_time` lies
//! within `[begin_time, end_time]`, both ends included**, compared as instants (any
//! offset). `total_count` counts every backup matching the filters; `offset`/`limit`
//! (default 0/100) then cut the page; an offset past the end gives an empty page.
//! Order: newest `begin_time` first, ties by `id` ascending.
//!
//! Every response has `Content-Type: application/json` (except the faults that
//! change it), a unique `X-Request-Id` (32 hex digits) and a `Date` header.
//!
//! # Faults
//!
//! A fault is chosen for each request that passed authentication and validation:
//! first from the instance's script ([`MockServer::script`], one [`Fault`] consumed per
//! request, then normal behaviour), else from the fault instance rule, else none.
//!
//! [`Fault`] variants: `None`; `Status { status, body, headers }` (helpers
//! [`Fault::error`], [`Fault::throttled`], [`Fault::unavailable`] with `Retry-After`);
//! `Delay` (before the headers); `StallMidBody`; `DropBeforeHeaders`; `DropMidBody`;
//! `TruncatedJson` (consistent `Content-Length`); `HtmlBadGateway` (502 `text/html`);
//! `Oversize { bytes, chunked }` (streamed, never held in memory); `EmptyBody`;
//! `InvalidUtf8`; `WrongShape`; `NonJsonContentType`; `IdTypo` (`"id "`);
//! `ShiftByOne` (a backup created during the walk); `TotalCountDelta(n)`; `IgnoreOffset`.
//!
//! Fault instances (constants in [`faults`]; data-serving ones hold generated MySQL
//! backups, 20 or 250):
//!
//! | instance id | behaviour |
//! |---|---|
//! | `fault-html-502` | 502 `text/html` page, always |
//! | `fault-500` | 500 `DBS.108000`, always |
//! | `fault-503` | 503 `DBS.108000` with `Retry-After: 1`, always |
//! | `fault-429` | 429 `APIGW.0308` (`request_id` in the body) with `Retry-After: 1`, always |
//! | `fault-flaky-503` | odd-numbered requests 503 with `Retry-After: 0`, even-numbered ones normal |
//! | `fault-error-legacy-keys` | 400 `{"errorCode","errorMsg"}`, always |
//! | `fault-error-nested` | 500 `{"error":{"code","message"}}`, always |
//! | `fault-delay` | waits [`MockConfig::fault_delay`] before the headers |
//! | `fault-stall-mid-body` | half the body, a [`MockConfig::fault_delay`] stall, the rest |
//! | `fault-drop-before-headers` | connection closed without a response |
//! | `fault-drop-mid-body` | connection closed after half the body |
//! | `fault-truncated-json` | 200, JSON cut in half, consistent `Content-Length` |
//! | `fault-oversize` | 200, [`MockConfig::oversize_bytes`] of JSON with `Content-Length` |
//! | `fault-oversize-chunked` | the same, `Transfer-Encoding: chunked` |
//! | `fault-empty-body` | 200, empty body |
//! | `fault-invalid-utf8` | 200, invalid UTF-8 inside a string |
//! | `fault-wrong-shape` | 200, `backups` an object and `total_count` a string |
//! | `fault-non-json-content-type` | 200, JSON labelled `text/plain` |
//! | `fault-id-typo` | 200, every backup has `"id "` instead of `"id"` |
//! | `fault-shift` | 250 backups; requests with `offset > 0` see one new backup at the head |
//! | `fault-total-count-high` | 250 backups; `total_count` says 300 |
//! | `fault-total-count-low` | 250 backups; `total_count` says 150 |
//! | `fault-same-page` | 250 backups; the second request ignores `offset` |
//!
//! Request counts ([`MockServer::requests`]) include every request naming the
//! instance, whatever its outcome (401 and 400 included), so a test can assert how
//! many attempts a client made; [`MockServer::received`] keeps the newest requests.

#![warn(missing_docs)]

mod auth;
pub mod data;
pub mod faults;
mod http;
pub mod query;
mod timefmt;

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, SystemTime};

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

pub use data::{
    Backup, Database, Datastore, INSTANCE_EMPTY, INSTANCE_LARGE, INSTANCE_MARIADB, INSTANCE_MYSQL,
    INSTANCE_POSTGRESQL, INSTANCE_SQLSERVER, INSTANCES, Instance, LARGE_INSTANCE_BACKUPS,
    QUIRK_EXTRA_FIELDS, QUIRK_LOWERCASE_ENGINE, QUIRK_NULL_OPTIONALS, QUIRK_TIME_OFFSETS,
    QUIRK_UNKNOWN_ENUMS, Record, SAMPLE_MYSQL_INSTANCE, SAMPLE_POSTGRESQL_INSTANCE,
    SAMPLE_SQLSERVER_INSTANCE,
};
pub use faults::{FAULT_INSTANCES, Fault};
pub use http::{MAX_BODY_BYTES, MAX_HEAD_BYTES, MAX_HEADERS};

use crate::faults::FaultSettings;
use crate::http::{Body, Request, Response, Service, Wire};
use crate::query::ListQuery;

/// Project id the mock serves. Requests for any other project get `403`.
pub const MOCK_PROJECT_ID: &str = "0483b6b16e954cb88930a360d2c4e663";
/// Access key (AK) the mock accepts in `Authorization: SDK-HMAC-SHA256 Access=...`.
/// A test credential, not a secret.
pub const MOCK_ACCESS_KEY: &str = "MOCKAK0000000000RDS1";
/// Secret key (SK) paired with [`MOCK_ACCESS_KEY`]. A test credential, published on purpose.
pub const MOCK_SECRET_KEY: &str = "MockSK0123456789abcdefghijklmnopqrstuvwx";
/// IAM token the mock accepts in `X-Auth-Token`. A test credential, published on purpose.
pub const MOCK_AUTH_TOKEN: &str = "MIIMOCK-rds-token-0123456789abcdef";

/// Settings of a [`MockServer`].
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Address to listen on; port 0 (the default) picks a free port on `127.0.0.1`.
    pub addr: SocketAddr,
    /// Check credentials (default `true`). When `false`, every request is accepted,
    /// with or without credentials.
    pub verify_signature: bool,
    /// Largest accepted distance between `X-Sdk-Date` and the server clock (15 minutes).
    pub max_clock_skew: Duration,
    /// Delay of the `fault-delay` and `fault-stall-mid-body` instances (2 s).
    pub fault_delay: Duration,
    /// Body size of the `fault-oversize*` instances (16 MiB).
    pub oversize_bytes: u64,
    /// How many received requests [`MockServer::received`] keeps (the newest; 256).
    pub record_requests: usize,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            verify_signature: true,
            max_clock_skew: Duration::from_secs(15 * 60),
            fault_delay: Duration::from_secs(2),
            oversize_bytes: 16 * 1024 * 1024,
            record_requests: 256,
        }
    }
}

/// A request as the server received it, for tests that inspect what reached it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Method.
    pub method: String,
    /// Request target as received: path and raw query.
    pub target: String,
    /// Headers as received, in order.
    pub headers: Vec<(String, String)>,
    /// Decoded `instance_id`, if the query had one.
    pub instance_id: Option<String>,
    /// The `X-Request-Id` of the answer.
    pub request_id: String,
}

impl RecordedRequest {
    /// The first header of this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

struct State {
    config: MockConfig,
    nonce: u64,
    seq: AtomicU64,
    counts: Mutex<HashMap<String, u64>>,
    total: AtomicU64,
    scripts: Mutex<HashMap<String, VecDeque<Fault>>>,
    recorded: Mutex<VecDeque<RecordedRequest>>,
    extra: RwLock<HashMap<String, Arc<Instance>>>,
}

impl State {
    fn instance(&self, id: &str) -> Option<Arc<Instance>> {
        let extra = self.extra.read().unwrap_or_else(|e| e.into_inner());
        extra
            .get(id)
            .cloned()
            .or_else(|| data::default_instance(id))
    }

    fn answer(&self, req: &Request, request_id: &str) -> Response {
        let Some(project) = req
            .path
            .strip_prefix("/v3/")
            .and_then(|p| p.strip_suffix("/backups"))
            .filter(|p| !p.is_empty() && !p.contains('/'))
        else {
            return Response::error(
                404,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment.",
            );
        };
        if req.method != "GET" {
            let mut r = Response::error(
                405,
                "APIGW.0101",
                &format!("Method {} is not allowed; use GET.", req.method),
            );
            r.headers.push(("Allow".into(), "GET".into()));
            return r;
        }
        if self.config.verify_signature
            && let Err(why) = auth::authenticate(req, self.config.max_clock_skew, SystemTime::now())
        {
            let body = serde_json::json!({
                "error_code": "APIGW.0301",
                "error_msg": format!("Incorrect IAM authentication information: {why}"),
                "request_id": request_id,
            });
            return Response::json(401, body.to_string().into_bytes());
        }
        let project = query::percent_decode(project).unwrap_or_default();
        let header_project = req.header("x-project-id").map(str::trim);
        if project != MOCK_PROJECT_ID || header_project.is_some_and(|p| p != project) {
            return Response::error(
                403,
                "DBS.280056",
                &format!("Invalid token: it is not valid for project {project}."),
            );
        }
        let q = match query::parse_pairs(req.query.as_deref().unwrap_or(""))
            .and_then(|p| query::parse_list_query(&p))
        {
            Ok(q) => q,
            Err(e) => return Response::error(400, "DBS.280001", &e.to_string()),
        };
        // The spec's X-Language is a closed enum; the service refuses others.
        if let Some(lang) = req.header("x-language")
            && lang != "zh-cn"
            && lang != "en-us"
        {
            return Response::error(
                400,
                "DBS.280001",
                "Invalid parameter X-Language: must be zh-cn or en-us.",
            );
        }
        let nth = self.count_of(&q.instance_id);
        let fault = self.next_fault(&q, nth);
        let mut q = q;
        let mut wire = Wire::Normal;
        match &fault {
            Fault::Status {
                status,
                body,
                headers,
            } => {
                let mut r = Response::json(
                    *status,
                    body.replace("{request_id}", request_id).into_bytes(),
                );
                if headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                {
                    r.headers.clear();
                }
                r.headers.extend(headers.iter().cloned());
                return r;
            }
            Fault::DropBeforeHeaders => {
                let mut r = Response::json(200, Vec::new());
                r.wire = Wire::DropBeforeHeaders;
                return r;
            }
            Fault::HtmlBadGateway => {
                let mut r = Response::json(502, faults::BAD_GATEWAY_HTML.as_bytes().to_vec());
                r.headers = vec![("Content-Type".into(), "text/html".into())];
                return r;
            }
            Fault::EmptyBody => return Response::json(200, Vec::new()),
            Fault::WrongShape => {
                return Response::json(200, faults::WRONG_SHAPE_BODY.as_bytes().to_vec());
            }
            Fault::IgnoreOffset => q.offset = 0,
            Fault::Delay(d) => wire = Wire::DelayHeaders(*d),
            Fault::StallMidBody(d) => wire = Wire::StallMidBody(*d),
            Fault::DropMidBody => wire = Wire::DropMidBody,
            _ => {}
        }
        let Some(inst) = self.instance(&q.instance_id) else {
            return Response::error(
                404,
                "DBS.200823",
                &format!("The DB instance {} does not exist.", q.instance_id),
            );
        };
        if let Fault::Oversize { bytes, chunked } = fault {
            let fragment = inst
                .records()
                .first()
                .map_or_else(|| "{}".to_owned(), |r| r.json().to_owned());
            let mut r = Response::json(200, Vec::new());
            r.body = Body::Oversize {
                len: bytes,
                chunked,
                fragment,
            };
            return r;
        }
        let mut body = if fault == Fault::ShiftByOne {
            let phantom = inst.phantom();
            let page = inst.page_of(std::iter::once(&phantom).chain(inst.records()), &q);
            inst.render(&page.items, i128::from(page.total_count))
        } else {
            let page = inst.page(&q);
            let mut total = i128::from(page.total_count);
            if let Fault::TotalCountDelta(d) = fault {
                total = (total + i128::from(d)).max(0);
            }
            inst.render(&page.items, total)
        };
        let mut content_type = "application/json";
        match fault {
            Fault::TruncatedJson => body.truncate(body.len() / 2),
            Fault::IdTypo => {
                body = String::from_utf8_lossy(&body)
                    .replace("{\"id\":", "{\"id \":")
                    .into_bytes();
            }
            Fault::InvalidUtf8 => {
                let key = b"\"name\":\"";
                if let Some(i) = body.windows(key.len()).position(|w| w == key) {
                    let at = i + key.len();
                    body.splice(at..at, [0xFF, 0xFE]);
                }
            }
            Fault::NonJsonContentType => content_type = "text/plain; charset=utf-8",
            _ => {}
        }
        let mut r = Response::json(200, body);
        r.headers = vec![("Content-Type".into(), content_type.into())];
        r.wire = wire;
        r
    }

    /// 1-based number of this request among those to `instance_id`.
    fn count_of(&self, instance_id: &str) -> u64 {
        lock(&self.counts).get(instance_id).copied().unwrap_or(0)
    }

    fn next_fault(&self, q: &ListQuery, nth: u64) -> Fault {
        if let Some(f) = lock(&self.scripts)
            .get_mut(&q.instance_id)
            .and_then(VecDeque::pop_front)
        {
            return f;
        }
        let settings = FaultSettings {
            delay: self.config.fault_delay,
            oversize_bytes: self.config.oversize_bytes,
        };
        faults::instance_fault(&q.instance_id, nth, q.offset, settings).unwrap_or(Fault::None)
    }
}

impl Service for State {
    fn request_id(&self) -> String {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}{n:016x}", self.nonce)
    }

    fn handle(&self, req: &Request, request_id: &str) -> Response {
        let instance_id = req.query.as_deref().and_then(query::instance_id_of);
        self.total.fetch_add(1, Ordering::Relaxed);
        if let Some(id) = &instance_id {
            *lock(&self.counts).entry(id.clone()).or_insert(0) += 1;
        }
        if self.config.record_requests > 0 {
            let mut rec = lock(&self.recorded);
            while rec.len() >= self.config.record_requests {
                rec.pop_front();
            }
            rec.push_back(RecordedRequest {
                method: req.method.clone(),
                target: req.target.clone(),
                headers: req.headers.clone(),
                instance_id,
                request_id: request_id.to_owned(),
            });
        }
        self.answer(req, request_id)
    }
}

enum Runner {
    Task(tokio::task::JoinHandle<()>),
    Thread(oneshot::Receiver<()>),
}

/// A running mock server. Dropping it stops it (without waiting); [`shutdown`](Self::shutdown)
/// stops it and waits until the port is released and connections are closed.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    runner: Option<Runner>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("config", &self.state.config)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    async fn bind(config: MockConfig) -> io::Result<(TcpListener, Arc<State>)> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let nonce = nanos ^ (u64::from(addr.port()) << 48) ^ u64::from(std::process::id());
        let state = Arc::new(State {
            config,
            nonce,
            seq: AtomicU64::new(1),
            counts: Mutex::new(HashMap::new()),
            total: AtomicU64::new(0),
            scripts: Mutex::new(HashMap::new()),
            recorded: Mutex::new(VecDeque::new()),
            extra: RwLock::new(HashMap::new()),
        });
        Ok((listener, state))
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        let (listener, state) = Self::bind(config).await?;
        let addr = listener.local_addr()?;
        let (stop, rx) = watch::channel(false);
        let task = tokio::spawn(http::serve(listener, state.clone(), rx));
        Ok(MockServer {
            addr,
            state,
            stop,
            runner: Some(Runner::Task(task)),
        })
    }

    /// Binds and starts serving on a dedicated thread with its own runtime, for
    /// synchronous tests or tests whose runtime is blocked by a synchronous client.
    pub fn start_background(config: MockConfig) -> io::Result<MockServer> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (listener, state) = rt.block_on(Self::bind(config))?;
        let addr = listener.local_addr()?;
        let (stop, rx) = watch::channel(false);
        let (done_tx, done_rx) = oneshot::channel();
        let svc = state.clone();
        std::thread::Builder::new()
            .name("rds-mock".into())
            .spawn(move || {
                rt.block_on(http::serve(listener, svc, rx));
                let _ = done_tx.send(());
            })?;
        Ok(MockServer {
            addr,
            state,
            stop,
            runner: Some(Runner::Thread(done_rx)),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The configuration the server runs with.
    pub fn config(&self) -> &MockConfig {
        &self.state.config
    }

    /// Queues faults for the next requests naming `instance_id` (one per request
    /// that passes authentication and validation, in order; [`Fault::None`] answers
    /// normally); afterwards the instance behaves normally again. Replaces any
    /// faults still queued for that instance.
    pub fn script(&self, instance_id: &str, faults: Vec<Fault>) {
        lock(&self.state.scripts).insert(instance_id.to_owned(), faults.into());
    }

    /// Number of requests received whose query named `instance_id` (whatever the outcome).
    pub fn requests(&self, instance_id: &str) -> u64 {
        self.state.count_of(instance_id)
    }

    /// Number of requests received in total (parsed ones, whatever the outcome).
    pub fn total_requests(&self) -> u64 {
        self.state.total.load(Ordering::Relaxed)
    }

    /// The newest received requests, oldest first (at most
    /// [`MockConfig::record_requests`]).
    pub fn received(&self) -> Vec<RecordedRequest> {
        lock(&self.state.recorded).iter().cloned().collect()
    }

    /// Forgets request counts, recorded requests and queued scripts.
    pub fn reset(&self) {
        lock(&self.state.counts).clear();
        lock(&self.state.recorded).clear();
        lock(&self.state.scripts).clear();
        self.state.total.store(0, Ordering::Relaxed);
    }

    /// Adds (or replaces) an instance served by this server only.
    pub fn insert_instance(&self, instance_id: &str, backups: &[Backup]) {
        let inst = Arc::new(Instance::from_backups(instance_id, backups));
        self.state
            .extra
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(instance_id.to_owned(), inst);
    }

    /// Stops accepting, closes connections and waits until done.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        match self.runner.take() {
            Some(Runner::Task(t)) => {
                let _ = t.await;
            }
            Some(Runner::Thread(done)) => {
                let _ = done.await;
            }
            None => {}
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_docs_list_every_instance() {
        let docs = include_str!("lib.rs");
        for &(id, _) in INSTANCES.iter().chain(FAULT_INSTANCES) {
            assert!(
                docs.contains(&format!("`{id}`")),
                "{id} missing from the crate docs"
            );
        }
    }
}
