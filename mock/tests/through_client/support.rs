//! What every part needs: a server and a client for it, the expected pages
//! computed from the mock's exported data set, and assertions on errors.

#![allow(dead_code)] // each part uses a different subset

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use huaweicloud_rds::types::{BackupStatusFilter, BackupTypeFilter, ListBackupsResponse};
use huaweicloud_rds::{
    ApiError, ClientBuilder, Credentials, Error, InvalidResponse, ListBackups, RdsClient, Timestamp,
};
use huaweicloud_rds_mock::data::default_instance;
use huaweicloud_rds_mock::*;
use serde_json::Value;

/// `MockConfig::fault_delay`: how long `fault-delay` and `fault-stall-mid-body` wait.
pub const MOCK_FAULT_DELAY: Duration = Duration::from_millis(1000);
/// A per-attempt timeout well below [`MOCK_FAULT_DELAY`].
pub const SHORT_ATTEMPT: Duration = Duration::from_millis(400);
/// `MockConfig::oversize_bytes`.
pub const OVERSIZE: u64 = 256 * 1024;
/// The client's body cap: above any page (a page of 100 is about 40 kB), below [`OVERSIZE`].
pub const BODY_LIMIT: usize = 96 * 1024;

/// Runs a test body under the shared hang guard (60 s).
pub async fn within<T>(test: impl Future<Output = T>) -> T {
    crate::common::guarded(Duration::from_secs(60), test).await
}

pub async fn start() -> MockServer {
    MockServer::start(
        MockConfig::default()
            .fault_delay(MOCK_FAULT_DELAY)
            .oversize_bytes(OVERSIZE),
    )
    .await
    .expect("the mock starts")
}

/// A client of `server` with the mock's AK/SK, 3 attempts and a short backoff.
pub fn builder(server: &MockServer) -> ClientBuilder {
    RdsClient::builder()
        .endpoint(server.base_url())
        .project_id(MOCK_PROJECT_ID)
        .credentials(Credentials::aksk(MOCK_ACCESS_KEY, MOCK_SECRET_KEY))
        .max_attempts(3)
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .attempt_timeout(Duration::from_secs(5))
        .body_limit(BODY_LIMIT)
}

pub fn client(server: &MockServer) -> RdsClient {
    builder(server).build().expect("the client builds")
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("a valid time")
}

/// `epoch` written in the zone `offset_minutes` east of UTC.
pub fn at(epoch: i64, offset_minutes: i16) -> Timestamp {
    Timestamp::from_unix_seconds(epoch, offset_minutes).expect("a representable time")
}

/// Unix seconds of a time in any form the client reads (`±hhmm`, `±hh:mm`, `Z`).
pub fn epoch(t: &str) -> i64 {
    ts(t).unix_seconds()
}

/// One backup of the data set, read from the JSON the mock serves.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub engine: String,
    pub begin: i64,
    pub json: Value,
}

/// The backups of `instance` in the mock's data set, sorted by id (not in the
/// order the mock serves them). Read once per process.
pub fn data(instance: &str) -> Arc<Vec<Item>> {
    static CACHE: LazyLock<Mutex<HashMap<String, Arc<Vec<Item>>>>> =
        LazyLock::new(Default::default);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(instance.to_owned())
        .or_insert_with(|| Arc::new(load(instance)))
        .clone()
}

pub fn load(instance: &str) -> Vec<Item> {
    let inst = default_instance(instance).expect("an instance of the data set");
    let mut items: Vec<Item> = inst
        .records()
        .iter()
        .map(|r| {
            let json: Value = serde_json::from_str(r.json()).expect("record JSON");
            let s = |p: &str| {
                json.pointer(p)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            Item {
                id: s("/id"),
                kind: s("/type"),
                status: s("/status"),
                engine: s("/datastore/type"),
                begin: epoch(&s("/begin_time")),
                json,
            }
        })
        .collect();
    // Do not inherit the mock's order: the expectation sorts for itself.
    items.sort_by(|a, b| a.id.cmp(&b.id));
    items
}

/// A list request's filters and paging, as plain values.
#[derive(Debug, Clone)]
pub struct Filter {
    pub backup_id: Option<String>,
    pub kind: Option<&'static str>,
    pub status: Option<&'static str>,
    pub window: Option<(i64, i64)>,
    pub offset: usize,
    pub limit: usize,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            backup_id: None,
            kind: None,
            status: None,
            window: None,
            offset: 0,
            limit: 100,
        }
    }
}

/// `total_count` and the ids of the page, per the documented semantics: exact
/// `backup_id`/`backup_type`; `status` applies to SQL Server full (non-incremental)
/// backups only and is ignored for every other backup; the window keeps a
/// `begin_time` within `[begin, end]`, both ends included; newest `begin_time`
/// first, ties by id ascending; then `offset`/`limit`.
pub fn expect(items: &[Item], f: &Filter) -> (usize, Vec<String>) {
    let mut hits: Vec<&Item> = items
        .iter()
        .filter(|i| f.backup_id.as_deref().is_none_or(|id| id == i.id))
        .filter(|i| f.kind.is_none_or(|k| k == i.kind))
        .filter(|i| {
            let sql_server_full =
                i.engine.eq_ignore_ascii_case("SQLServer") && i.kind != "incremental";
            f.status.is_none_or(|s| !sql_server_full || s == i.status)
        })
        .filter(|i| f.window.is_none_or(|(b, e)| b <= i.begin && i.begin <= e))
        .collect();
    hits.sort_by(|a, b| b.begin.cmp(&a.begin).then_with(|| a.id.cmp(&b.id)));
    let total = hits.len();
    let page = hits
        .into_iter()
        .skip(f.offset)
        .take(f.limit)
        .map(|i| i.id.clone())
        .collect();
    (total, page)
}

pub fn type_filter(t: &str) -> BackupTypeFilter {
    t.parse().expect("a backup type filter")
}

pub fn status_filter(s: &str) -> BackupStatusFilter {
    s.parse().expect("a status filter")
}

/// The client request for `f` on `instance`, times written at `offset_minutes`.
pub fn request(instance: &str, f: &Filter, offset_minutes: i16) -> ListBackups {
    let mut r = ListBackups::new(instance)
        .offset(u32::try_from(f.offset).expect("offset"))
        .limit(u32::try_from(f.limit).expect("limit"));
    if let Some(id) = &f.backup_id {
        r = r.backup_id(id.as_str());
    }
    if let Some(t) = f.kind {
        r = r.backup_type(type_filter(t));
    }
    if let Some(s) = f.status {
        r = r.status(status_filter(s));
    }
    if let Some((b, e)) = f.window {
        r = r.window(at(b, offset_minutes), at(e, offset_minutes));
    }
    r
}

/// The page is exactly the expected one: count, ids in order, newest first, and
/// (for well-formed data) every backup field for field. `items` as from [`data`].
pub fn check_page(page: &ListBackupsResponse, items: &[Item], f: &Filter, ctx: &str) {
    let (total, ids) = expect(items, f);
    let got: Vec<&str> = page.backups.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(got, ids, "{ctx}: {f:?}");
    assert_eq!(
        page.total_count,
        i32::try_from(total).unwrap(),
        "{ctx}: {f:?}"
    );
    assert_newest_first(page, ctx);
    for b in &page.backups {
        let at = items
            .binary_search_by(|i| i.id.as_str().cmp(&b.id))
            .expect("a known id");
        let want = &items[at];
        // Quirk data is not served in the client's canonical form (other time
        // offsets, nulls, unknown fields); everything else round-trips exactly.
        if !b.instance_id.starts_with("quirk-") {
            assert_eq!(
                serde_json::to_value(b).unwrap(),
                want.json,
                "{ctx}: {}",
                b.id
            );
        }
    }
}

/// Order checked on the client's values alone: newest `begin_time` first, ties by id.
pub fn assert_newest_first(page: &ListBackupsResponse, ctx: &str) {
    for w in page.backups.windows(2) {
        let (a, b) = (
            w[0].begin_time.unix_seconds(),
            w[1].begin_time.unix_seconds(),
        );
        assert!(
            a > b || (a == b && w[0].id < w[1].id),
            "{ctx}: {} ({}) before {} ({})",
            w[0].id,
            w[0].begin_time,
            w[1].id,
            w[1].begin_time
        );
    }
}

/// `e` is `Error::Api` with this status and code, a message containing `msg`, and
/// the request id of the newest request the mock answered.
pub fn assert_api<'e>(
    e: &'e Error,
    status: u16,
    code: Option<&str>,
    msg: &str,
    server: &MockServer,
) -> &'e ApiError {
    let Error::Api(api) = e else {
        panic!("expected Error::Api {status}, got {e:?}");
    };
    assert_eq!(api.status.as_u16(), status, "{e}");
    assert_eq!(api.error_code.as_deref(), code, "{e}");
    if !msg.is_empty() {
        assert!(
            api.error_msg.as_deref().is_some_and(|m| m.contains(msg)),
            "{msg:?} not in {e}"
        );
    }
    let id = api.request_id.as_deref().expect("a request id");
    assert_eq!(id, server.last_request_id().unwrap(), "{e}");
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    api
}

pub fn assert_invalid_request(e: &Error, parameter: &str, rule: &str) {
    match e {
        Error::InvalidRequest {
            parameter: p,
            rule: r,
        } => {
            assert_eq!(*p, parameter, "{e}");
            assert!(r.contains(rule), "{rule:?} not in {e}");
        }
        other => panic!("expected InvalidRequest `{parameter}`, got {other:?}"),
    }
}

pub fn assert_body_error(e: &Error, path: &str, message: &str) {
    match e {
        Error::InvalidResponse(InvalidResponse::Body(b)) => {
            assert_eq!(b.path(), path, "{e}");
            assert!(b.message().contains(message), "{message:?} not in {e}");
        }
        other => panic!("expected an invalid body at {path}, got {other:?}"),
    }
}

pub fn ids(page: &ListBackupsResponse) -> Vec<&str> {
    page.backups.iter().map(|b| b.id.as_str()).collect()
}

/// Well-formed instances with hand-written data.
pub const SMALL: [&str; 4] = [
    INSTANCE_MYSQL,
    INSTANCE_POSTGRESQL,
    INSTANCE_SQLSERVER,
    INSTANCE_MARIADB,
];
