//! The model: backups as the API returns them, stored records, instances and pages.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::clock::epoch_of;
use crate::query::ListQuery;

/// `datastore` of a backup: engine and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Datastore {
    /// Engine: `MySQL`, `PostgreSQL`, `SQLServer`, `MariaDB`.
    #[serde(rename = "type")]
    pub engine: String,
    /// Engine version, e.g. `8.0`, `14`, `2019_SE`.
    pub version: String,
}

/// One entry of `databases` (SQL Server partial backups).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    /// Database name.
    pub name: String,
}

/// A backup as the API returns it, with the documented key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    /// Backup id.
    pub id: String,
    /// Backup name.
    pub name: String,
    /// `auto`, `manual`, `fragment` or `incremental`.
    #[serde(rename = "type")]
    pub backup_type: String,
    /// Size in kB.
    pub size: i64,
    /// `BUILDING`, `COMPLETED`, `FAILED` or `DELETING`.
    pub status: String,
    /// Start time, `yyyy-mm-ddThh:mm:ss+0800`.
    pub begin_time: String,
    /// End time, same form.
    pub end_time: String,
    /// Engine and version.
    pub datastore: Datastore,
    /// Databases of a SQL Server partial backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub databases: Option<Vec<Database>>,
    /// Whether a MySQL backup is associated with a DDM instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associated_with_ddm: Option<bool>,
    /// Minimum data volume (GB) needed to restore the backup to a new instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_data_volume_capacity_for_restore: Option<i64>,
    /// Instance the backup belongs to.
    pub instance_id: String,
}

/// A stored backup: its JSON text plus the fields the filters read.
#[derive(Debug, Clone)]
pub struct Record {
    id: String,
    backup_type: String,
    status: String,
    engine: String,
    begin: i64,
    json: Box<str>,
}

impl Record {
    /// A record of a well-formed backup.
    pub fn from_backup(b: &Backup) -> Record {
        Record {
            id: b.id.clone(),
            backup_type: b.backup_type.clone(),
            status: b.status.clone(),
            engine: b.datastore.engine.clone(),
            begin: epoch_of(&b.begin_time),
            json: serde_json::to_string(b)
                .unwrap_or_else(|_| String::from("{}"))
                .into_boxed_str(),
        }
    }

    /// A record of arbitrary JSON (for quirky data). The filter fields are read
    /// from `id`, `type`, `status`, `datastore.type` and `begin_time` when present.
    pub fn from_json(v: &Value) -> Record {
        let s = |p: &str| {
            v.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        Record {
            id: s("/id"),
            backup_type: s("/type"),
            status: s("/status"),
            engine: s("/datastore/type"),
            begin: epoch_of(&s("/begin_time")),
            json: v.to_string().into_boxed_str(),
        }
    }

    /// Backup id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Backup type as served.
    pub fn backup_type(&self) -> &str {
        &self.backup_type
    }
    /// Status as served.
    pub fn status(&self) -> &str {
        &self.status
    }
    /// Engine (`datastore.type`) as served.
    pub fn engine(&self) -> &str {
        &self.engine
    }
    /// Start time in Unix epoch seconds (0 if unparsable).
    pub fn begin_epoch(&self) -> i64 {
        self.begin
    }
    /// The serialized JSON object, exactly as it goes on the wire.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// Whether the record passes the filters of `q` (everything but paging).
    fn matches(&self, q: &ListQuery) -> bool {
        if q.backup_id.as_deref().is_some_and(|id| id != self.id) {
            return false;
        }
        if q.backup_type
            .as_deref()
            .is_some_and(|t| t != self.backup_type)
        {
            return false;
        }
        // `status` filters SQL Server full backups only: other engines ignore it.
        if let Some(st) = q.status.as_deref()
            && self.engine.eq_ignore_ascii_case("sqlserver")
            && self.backup_type != "incremental"
            && st != self.status
        {
            return false;
        }
        if let Some((from, to)) = q.window
            && !(from..=to).contains(&self.begin)
        {
            return false;
        }
        true
    }
}

/// An instance and its backups, newest first (by start time, then by id).
#[derive(Debug)]
pub struct Instance {
    id: String,
    engine: String,
    version: String,
    records: Vec<Record>,
    extra_top_level: Option<String>,
}

/// The page of an instance's backups that answers one query.
#[derive(Debug)]
pub struct Page<'a> {
    /// Number of backups matching the filters (before paging).
    pub total_count: u64,
    /// The backups of the page, in order.
    pub items: Vec<&'a Record>,
}

impl Instance {
    /// An instance of the given records; they are sorted newest first.
    pub fn new(id: &str, engine: &str, version: &str, mut records: Vec<Record>) -> Instance {
        records.sort_by(|a, b| b.begin.cmp(&a.begin).then_with(|| a.id.cmp(&b.id)));
        Instance {
            id: id.to_owned(),
            engine: engine.to_owned(),
            version: version.to_owned(),
            records,
            extra_top_level: None,
        }
    }

    /// An instance of well-formed backups.
    pub fn from_backups(id: &str, backups: &[Backup]) -> Instance {
        let (engine, version) = backups
            .first()
            .map(|b| (b.datastore.engine.as_str(), b.datastore.version.as_str()))
            .unwrap_or(("MySQL", "8.0"));
        Instance::new(
            id,
            engine,
            version,
            backups.iter().map(Record::from_backup).collect(),
        )
    }

    /// Adds raw top-level members (`"key":value,...`) to every page's body.
    pub(crate) fn set_extra_top_level(&mut self, members: String) {
        self.extra_top_level = Some(members);
    }

    /// Instance id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Engine (`datastore.type`) of the instance.
    pub(crate) fn engine(&self) -> &str {
        &self.engine
    }
    /// Engine version of the instance.
    pub(crate) fn version(&self) -> &str {
        &self.version
    }
    /// Every backup, newest first.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The page answering `q` (filters, then `offset`/`limit`).
    pub fn page(&self, q: &ListQuery) -> Page<'_> {
        let unfiltered = q.backup_id.is_none()
            && q.backup_type.is_none()
            && q.status.is_none()
            && q.window.is_none();
        if unfiltered {
            // The common case (a plain walk): no scan, just a slice.
            let start =
                usize::try_from(q.offset).map_or(self.records.len(), |o| o.min(self.records.len()));
            let end = start
                .saturating_add(usize::try_from(q.limit).unwrap_or(usize::MAX))
                .min(self.records.len());
            return Page {
                total_count: self.records.len() as u64,
                items: self.records[start..end].iter().collect(),
            };
        }
        self.page_of(self.records.iter(), q)
    }

    pub(crate) fn page_of<'a>(
        &self,
        records: impl Iterator<Item = &'a Record>,
        q: &ListQuery,
    ) -> Page<'a> {
        let mut total = 0u64;
        let mut items = Vec::new();
        for r in records.filter(|r| r.matches(q)) {
            if total >= q.offset && (items.len() as u64) < q.limit {
                items.push(r);
            }
            total += 1;
        }
        Page {
            total_count: total,
            items,
        }
    }

    /// Serializes a page: `{"backups":[...],"total_count":N}` (plus any extra
    /// top-level fields of a quirk instance).
    pub fn render(&self, items: &[&Record], total_count: i128) -> Vec<u8> {
        render_with(
            items.iter().map(|r| r.json()),
            total_count,
            self.extra_top_level.as_deref(),
        )
    }
}

/// Serializes a list body from JSON fragments.
pub(crate) fn render_with<'a>(
    items: impl Iterator<Item = &'a str>,
    total_count: i128,
    extra: Option<&str>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * 1024);
    out.extend_from_slice(b"{\"backups\":[");
    for (i, j) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(j.as_bytes());
    }
    out.extend_from_slice(b"],\"total_count\":");
    out.extend_from_slice(total_count.to_string().as_bytes());
    if let Some(extra) = extra {
        out.push(b',');
        out.extend_from_slice(extra.as_bytes());
    }
    out.push(b'}');
    out
}
