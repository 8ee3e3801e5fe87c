//! The mock's data model and its deterministic default data set.
//!
//! Every backup is kept as a pre-serialized JSON object ([`Record::json`]) next
//! to the few fields the filters need, so answering a page of 100 is a matter of
//! joining 100 strings. The data set is built once per process (the 10,000-backup
//! instance on first use) and shared by every [`MockServer`](crate::MockServer).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::query::ListQuery;
use crate::timefmt::{format_service_time, parse_lenient_time, parse_service_time};

/// MySQL 8.0 instance with 13 backups: `auto`, `manual` and `incremental`, in all four
/// states, `associated_with_ddm` on some manual and automatic backups,
/// `min_data_volume_capacity_for_restore` on some full backups, and two manual backups
/// that started in the same second (ordered by id).
pub const INSTANCE_MYSQL: &str = "7c4e1a52d3b94f0e8a6d2c9b1f3e5a70in01";
/// PostgreSQL 14 instance with 9 backups: `auto`, `manual` and `incremental`
/// (the documentation page lists PostgreSQL incremental backups), in all four states.
pub const INSTANCE_POSTGRESQL: &str = "2b9d6f40c1e84a3b9f7e5d3c1a2b4c60in03";
/// Microsoft SQL Server 2019 SE instance (`SQLServer`, `2019_SE`) with 10 backups:
/// `auto`, `manual` and `fragment` in all four states; partial manual backups carry
/// `databases`. The only engine the `status` filter applies to.
pub const INSTANCE_SQLSERVER: &str = "9e1f3a5c7b2d4e6f8a0c1e3b5d7f9a20in04";
/// MariaDB 10.5 instance with 6 backups (`auto` and `manual`, all four states).
pub const INSTANCE_MARIADB: &str = "4a6c8e0b2d4f4a1c9e7b5d3f1a3c5e70in13";
/// MySQL 8.0 instance with exactly 10,000 backups (one every 15 minutes going back
/// from 2024-06-30T02:00:00+0800, some pairs sharing a start second), for
/// pagination and benchmarks. Generated on first use.
pub const INSTANCE_LARGE: &str = "b10000c0ffee4e1a9d2b3c4d5e6f7a80in01";
/// MySQL 5.7 instance that exists and has no backups (`total_count` 0).
pub const INSTANCE_EMPTY: &str = "e0e0e0e0a1b24c3d8e9f0a1b2c3d4e50in01";
/// Instance of the page's MySQL sample: its one backup, exactly as documented.
pub const SAMPLE_MYSQL_INSTANCE: &str = "a48e43ff268f4c0e879652d65e63d0fbin01";
/// Instance of the page's PostgreSQL sample: its one backup, corrected (times
/// `2018-08-06T12:41:14+0800`, no trailing space in `instance_id`).
pub const SAMPLE_POSTGRESQL_INSTANCE: &str = "a48e43ff268f4c0e879652d65e63d0fbin03";
/// Instance of the page's SQL Server sample: its one backup, corrected (`id` key
/// without the trailing space), with `databases` `user01` and `user02`.
pub const SAMPLE_SQLSERVER_INSTANCE: &str = "a48e43ff268f4c0e879652d65e63d0fbin04";
/// Quirk: values outside the documented enumerations: type `snapshot`,
/// status `ARCHIVED`, engine `openGauss` (plus one backup with known values).
pub const QUIRK_UNKNOWN_ENUMS: &str = "quirk-unknown-enums";
/// Quirk: engine written in lower case (`mysql`); the page says the type is case-insensitive.
pub const QUIRK_LOWERCASE_ENGINE: &str = "quirk-lowercase-engine";
/// Quirk: unknown extra fields on backups, on `datastore` and at the top level of
/// the body (`links`), which clients must ignore.
pub const QUIRK_EXTRA_FIELDS: &str = "quirk-extra-fields";
/// Quirk: optional fields present as JSON `null` (`databases`, `associated_with_ddm`,
/// `min_data_volume_capacity_for_restore`) and an empty `databases` array.
pub const QUIRK_NULL_OPTIONALS: &str = "quirk-null-optionals";
/// Quirk: times with a `+08:00` offset and with `Z` instead of `+0800`.
pub const QUIRK_TIME_OFFSETS: &str = "quirk-time-offsets";

/// Every instance of the default data set (without the fault instances, see
/// [`FAULT_INSTANCES`](crate::faults::FAULT_INSTANCES)) with a one-line description.
pub const INSTANCES: &[(&str, &str)] = &[
    (
        INSTANCE_MYSQL,
        "MySQL 8.0, 13 backups: auto/manual/incremental, all states, associated_with_ddm, min_data_volume_capacity_for_restore, a same-second tie",
    ),
    (
        INSTANCE_POSTGRESQL,
        "PostgreSQL 14, 9 backups: auto/manual/incremental, all states",
    ),
    (
        INSTANCE_SQLSERVER,
        "SQLServer 2019_SE, 10 backups: auto/manual/fragment, all states, databases on partial backups",
    ),
    (
        INSTANCE_MARIADB,
        "MariaDB 10.5, 6 backups: auto/manual, all states",
    ),
    (INSTANCE_LARGE, "MySQL 8.0, exactly 10,000 backups"),
    (INSTANCE_EMPTY, "MySQL 5.7, no backups"),
    (SAMPLE_MYSQL_INSTANCE, "the documented MySQL sample"),
    (
        SAMPLE_POSTGRESQL_INSTANCE,
        "the documented PostgreSQL sample, corrected",
    ),
    (
        SAMPLE_SQLSERVER_INSTANCE,
        "the documented SQL Server sample, corrected",
    ),
    (
        QUIRK_UNKNOWN_ENUMS,
        "type snapshot, status ARCHIVED, engine openGauss",
    ),
    (QUIRK_LOWERCASE_ENGINE, "engine type mysql (lower case)"),
    (QUIRK_EXTRA_FIELDS, "unknown extra fields everywhere"),
    (
        QUIRK_NULL_OPTIONALS,
        "databases/associated_with_ddm/min_data_volume_capacity_for_restore null",
    ),
    (QUIRK_TIME_OFFSETS, "times with +08:00 and Z offsets"),
];

/// Number of backups of [`INSTANCE_LARGE`].
pub const LARGE_INSTANCE_BACKUPS: usize = 10_000;

/// Beijing time, the offset the service writes its times in.
const BEIJING: i32 = 8 * 3600;

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
            begin: parse_lenient_time(&b.begin_time).unwrap_or(0),
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
            begin: parse_lenient_time(&s("/begin_time")).unwrap_or(0),
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

    /// Instance id.
    pub fn id(&self) -> &str {
        &self.id
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

    /// A backup that "was just created": newer than every other, for the
    /// list-shifts-between-pages fault.
    pub(crate) fn phantom(&self) -> Record {
        let begin = self.records.first().map_or(1_719_684_000, |r| r.begin) + 600;
        Record::from_backup(&Backup {
            id: hex_id(&format!("{}/phantom", self.id), 0, &backup_suffix(&self.id)),
            name: format!("phantom-{}", stamp(begin)),
            backup_type: "manual".into(),
            size: 4096,
            status: "BUILDING".into(),
            begin_time: format_service_time(begin, BEIJING),
            end_time: format_service_time(begin, BEIJING),
            datastore: Datastore {
                engine: self.engine.clone(),
                version: self.version.clone(),
            },
            databases: None,
            associated_with_ddm: None,
            min_data_volume_capacity_for_restore: None,
            instance_id: self.id.clone(),
        })
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

// ---------------------------------------------------------------------------
// Deterministic generation
// ---------------------------------------------------------------------------

/// SplitMix64: a tiny, well-mixed deterministic generator.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix(seed)
    }
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// FNV-1a of a string, to seed per-instance generators.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A 32-hex-digit id derived from `seed` and `n`, plus a suffix (`br01`, ...).
fn hex_id(seed: &str, n: u64, suffix: &str) -> String {
    let mut g = SplitMix::new(fnv(seed) ^ n.wrapping_mul(0x2545_F491_4F6C_DD1D));
    format!("{:016x}{:016x}{suffix}", g.next_u64(), g.next_u64())
}

/// `br01` for an `...in01` instance, and so on; `br01` otherwise.
fn backup_suffix(instance_id: &str) -> String {
    match instance_id
        .len()
        .checked_sub(4)
        .and_then(|i| instance_id.get(i..))
    {
        Some(tail) if tail.starts_with("in") => format!("br{}", &tail[2..]),
        _ => "br01".to_owned(),
    }
}

/// `20240630020000` for a time, in Beijing time.
fn stamp(epoch: i64) -> String {
    format_service_time(epoch, BEIJING)
        .chars()
        .take(19)
        .filter(char::is_ascii_digit)
        .collect()
}

/// One hand-written backup: type, status, begin (Beijing time), minutes, size kB,
/// associated_with_ddm, min_data_volume_capacity_for_restore, databases.
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    Option<bool>,
    Option<i64>,
    &'static [&'static str],
);

fn from_specs(instance: &str, engine: &str, version: &str, name: &str, specs: &[Spec]) -> Instance {
    let suffix = backup_suffix(instance);
    let backups: Vec<Backup> = specs
        .iter()
        .enumerate()
        .map(|(i, &(t, st, begin, minutes, size, ddm, minc, dbs))| {
            let b = parse_service_time(begin).unwrap_or(0);
            let end = if st == "BUILDING" {
                b
            } else {
                b + minutes * 60
            };
            Backup {
                id: hex_id(instance, i as u64, &suffix),
                name: format!("{name}-{t}-{}", stamp(b)),
                backup_type: t.to_owned(),
                size,
                status: st.to_owned(),
                begin_time: format_service_time(b, BEIJING),
                end_time: format_service_time(end, BEIJING),
                datastore: Datastore {
                    engine: engine.to_owned(),
                    version: version.to_owned(),
                },
                databases: (!dbs.is_empty()).then(|| {
                    dbs.iter()
                        .map(|n| Database {
                            name: (*n).to_owned(),
                        })
                        .collect()
                }),
                associated_with_ddm: ddm,
                min_data_volume_capacity_for_restore: minc,
                instance_id: instance.to_owned(),
            }
        })
        .collect();
    let mut inst = Instance::from_backups(instance, &backups);
    inst.engine = engine.to_owned();
    inst.version = version.to_owned();
    inst
}

/// `count` MySQL 8.0 backups, one every 15 minutes going back from
/// 2024-06-30T02:00:00+0800: automatic full backups at 02:00, a manual backup
/// every 97th slot, incremental ones otherwise; every 250th backup shares its
/// start second with the one before it.
pub(crate) fn generate_mysql(instance: &str, count: usize) -> Instance {
    let anchor = parse_service_time("2024-06-30T02:00:00+0800").unwrap_or(0);
    let suffix = backup_suffix(instance);
    let mut g = SplitMix::new(fnv(instance));
    let mut records = Vec::with_capacity(count);
    let mut begin = anchor;
    for i in 0..count {
        if i > 0 && i % 250 != 249 {
            begin -= 900;
        }
        let local = (begin + i64::from(BEIJING)).rem_euclid(86_400);
        let (t, minutes) = if local == 2 * 3600 {
            ("auto", 20 + g.below(40) as i64)
        } else if i % 97 == 3 {
            ("manual", 10 + g.below(30) as i64)
        } else {
            ("incremental", 1 + g.below(5) as i64)
        };
        let status = if i == 0 {
            "BUILDING"
        } else if i % 211 == 5 {
            "FAILED"
        } else if i % 503 == 7 {
            "DELETING"
        } else {
            "COMPLETED"
        };
        let size = match t {
            "incremental" => 64 + g.below(50_000) as i64,
            _ => 1_000_000 + g.below(9_000_000) as i64,
        };
        let end = if status == "BUILDING" {
            begin
        } else {
            begin + minutes * 60
        };
        let b = Backup {
            id: hex_id(instance, i as u64, &suffix),
            name: format!("mysql-bulk-{t}-{}", stamp(begin)),
            backup_type: t.to_owned(),
            size,
            status: status.to_owned(),
            begin_time: format_service_time(begin, BEIJING),
            end_time: format_service_time(end, BEIJING),
            datastore: Datastore {
                engine: "MySQL".into(),
                version: "8.0".into(),
            },
            databases: None,
            associated_with_ddm: (t == "manual").then_some(i % 2 == 0),
            min_data_volume_capacity_for_restore: (t != "incremental").then_some(40),
            instance_id: instance.to_owned(),
        };
        records.push(Record::from_backup(&b));
    }
    Instance::new(instance, "MySQL", "8.0", records)
}

#[rustfmt::skip]
fn mysql() -> Instance {
    const S: &[Spec] = &[
        ("auto", "BUILDING", "2024-06-30T02:00:00+0800", 0, 0, None, None, &[]),
        ("incremental", "COMPLETED", "2024-06-29T22:00:00+0800", 4, 20_480, None, None, &[]),
        ("incremental", "COMPLETED", "2024-06-29T16:00:00+0800", 3, 18_112, None, None, &[]),
        ("manual", "COMPLETED", "2024-06-29T14:30:00+0800", 12, 2_873_344, Some(true), Some(40), &[]),
        ("manual", "COMPLETED", "2024-06-29T14:30:00+0800", 11, 2_873_201, Some(false), None, &[]),
        ("incremental", "COMPLETED", "2024-06-29T10:00:00+0800", 2, 9_830, None, None, &[]),
        ("auto", "COMPLETED", "2024-06-29T02:00:00+0800", 25, 2_861_056, Some(false), Some(40), &[]),
        ("incremental", "FAILED", "2024-06-28T22:00:00+0800", 1, 0, None, None, &[]),
        ("manual", "DELETING", "2024-06-28T15:12:45+0800", 14, 2_850_112, Some(true), None, &[]),
        ("auto", "FAILED", "2024-06-28T02:00:00+0800", 3, 0, None, None, &[]),
        ("incremental", "COMPLETED", "2024-06-27T22:00:00+0800", 5, 31_744, None, None, &[]),
        ("auto", "COMPLETED", "2024-06-27T02:00:00+0800", 24, 2_839_552, None, Some(40), &[]),
        ("auto", "COMPLETED", "2024-06-26T02:00:00+0800", 23, 2_830_336, None, Some(40), &[]),
    ];
    from_specs(INSTANCE_MYSQL, "MySQL", "8.0", "mysql-prod", S)
}

#[rustfmt::skip]
fn postgresql() -> Instance {
    const S: &[Spec] = &[
        ("auto", "COMPLETED", "2024-06-30T03:00:00+0800", 31, 5_242_880, None, Some(100), &[]),
        ("incremental", "COMPLETED", "2024-06-30T01:00:00+0800", 2, 65_536, None, None, &[]),
        ("manual", "BUILDING", "2024-06-29T18:20:00+0800", 0, 0, None, None, &[]),
        ("incremental", "COMPLETED", "2024-06-29T13:00:00+0800", 3, 70_144, None, None, &[]),
        ("auto", "FAILED", "2024-06-29T03:00:00+0800", 6, 0, None, None, &[]),
        ("manual", "DELETING", "2024-06-28T11:11:11+0800", 29, 5_100_032, None, None, &[]),
        ("auto", "COMPLETED", "2024-06-28T03:00:00+0800", 30, 5_087_232, None, Some(100), &[]),
        ("incremental", "FAILED", "2024-06-27T23:00:00+0800", 1, 0, None, None, &[]),
        ("auto", "COMPLETED", "2024-06-27T03:00:00+0800", 30, 5_060_608, None, Some(100), &[]),
    ];
    from_specs(INSTANCE_POSTGRESQL, "PostgreSQL", "14", "pg-orders", S)
}

#[rustfmt::skip]
fn sqlserver() -> Instance {
    const S: &[Spec] = &[
        ("auto", "COMPLETED", "2024-06-30T04:00:00+0800", 42, 8_388_608, None, Some(200), &[]),
        ("fragment", "COMPLETED", "2024-06-29T16:00:00+0800", 9, 524_288, None, None, &[]),
        ("manual", "COMPLETED", "2024-06-29T11:45:00+0800", 7, 1_048_576, None, None, &["erp", "hr"]),
        ("manual", "FAILED", "2024-06-29T11:00:00+0800", 1, 0, None, None, &["erp"]),
        ("fragment", "BUILDING", "2024-06-29T10:00:00+0800", 0, 0, None, None, &[]),
        ("auto", "FAILED", "2024-06-29T04:00:00+0800", 5, 0, None, None, &[]),
        ("manual", "DELETING", "2024-06-28T20:00:00+0800", 4, 262_144, None, None, &["reporting"]),
        ("fragment", "COMPLETED", "2024-06-28T16:00:00+0800", 8, 498_000, None, None, &[]),
        ("auto", "COMPLETED", "2024-06-28T04:00:00+0800", 41, 8_300_000, None, Some(200), &[]),
        ("manual", "COMPLETED", "2024-06-27T09:30:00+0800", 40, 8_250_112, None, Some(200), &[]),
    ];
    from_specs(
        INSTANCE_SQLSERVER,
        "SQLServer",
        "2019_SE",
        "sqlserver-erp",
        S,
    )
}

#[rustfmt::skip]
fn mariadb() -> Instance {
    const S: &[Spec] = &[
        ("auto", "COMPLETED", "2024-06-30T01:30:00+0800", 15, 1_310_720, None, Some(40), &[]),
        ("manual", "COMPLETED", "2024-06-29T17:05:00+0800", 14, 1_305_600, None, None, &[]),
        ("auto", "FAILED", "2024-06-29T01:30:00+0800", 2, 0, None, None, &[]),
        ("manual", "BUILDING", "2024-06-28T23:59:59+0800", 0, 0, None, None, &[]),
        ("auto", "COMPLETED", "2024-06-28T01:30:00+0800", 15, 1_298_432, None, Some(40), &[]),
        ("manual", "DELETING", "2024-06-27T08:00:00+0800", 13, 1_290_240, None, None, &[]),
    ];
    from_specs(INSTANCE_MARIADB, "MariaDB", "10.5", "mariadb-cms", S)
}

/// The backup of a documented sample, corrected.
fn sample(n: &str, t: &str, engine: &str, version: &str, dbs: Option<&[&str]>) -> Instance {
    let instance = format!("a48e43ff268f4c0e879652d65e63d0fbin{n}");
    let b = Backup {
        id: format!("43e4feaab48f11e89039fa163ebaa7e4br{n}"),
        name: "xxxx.xxx".into(),
        backup_type: t.into(),
        size: 2803,
        status: "COMPLETED".into(),
        begin_time: "2018-08-06T12:41:14+0800".into(),
        end_time: "2018-08-06T12:43:14+0800".into(),
        datastore: Datastore {
            engine: engine.into(),
            version: version.into(),
        },
        databases: dbs.map(|d| {
            d.iter()
                .map(|n| Database {
                    name: (*n).to_owned(),
                })
                .collect()
        }),
        associated_with_ddm: None,
        min_data_volume_capacity_for_restore: None,
        instance_id: instance.clone(),
    };
    Instance::from_backups(&instance, &[b])
}

/// A JSON backup for the quirk instances.
fn quirk(
    instance: &str,
    i: u64,
    t: &str,
    status: &str,
    engine: &str,
    begin: &str,
    end: &str,
) -> Value {
    json!({
        "id": hex_id(instance, i, "br01"),
        "name": format!("{instance}-{i}"),
        "type": t,
        "size": 1024 * (i + 1),
        "status": status,
        "begin_time": begin,
        "end_time": end,
        "datastore": {"type": engine, "version": "8.0"},
        "instance_id": instance,
    })
}

fn quirk_instance(id: &str, engine: &str, values: Vec<Value>) -> Instance {
    Instance::new(
        id,
        engine,
        "8.0",
        values.iter().map(Record::from_json).collect(),
    )
}

fn quirks() -> Vec<Instance> {
    let q = QUIRK_UNKNOWN_ENUMS;
    let mut unknown = vec![
        quirk(
            q,
            0,
            "snapshot",
            "COMPLETED",
            "openGauss",
            "2024-06-29T02:00:00+0800",
            "2024-06-29T02:10:00+0800",
        ),
        quirk(
            q,
            1,
            "auto",
            "ARCHIVED",
            "openGauss",
            "2024-06-28T02:00:00+0800",
            "2024-06-28T02:10:00+0800",
        ),
        quirk(
            q,
            2,
            "incremental",
            "COMPLETED",
            "openGauss",
            "2024-06-27T02:00:00+0800",
            "2024-06-27T02:01:00+0800",
        ),
    ];
    for v in &mut unknown {
        v["datastore"]["version"] = json!("3.0");
    }

    let q = QUIRK_LOWERCASE_ENGINE;
    let lower = vec![
        quirk(
            q,
            0,
            "auto",
            "COMPLETED",
            "mysql",
            "2024-06-29T02:00:00+0800",
            "2024-06-29T02:10:00+0800",
        ),
        quirk(
            q,
            1,
            "manual",
            "COMPLETED",
            "mysql",
            "2024-06-28T12:00:00+0800",
            "2024-06-28T12:10:00+0800",
        ),
        quirk(
            q,
            2,
            "incremental",
            "FAILED",
            "mysql",
            "2024-06-27T22:00:00+0800",
            "2024-06-27T22:01:00+0800",
        ),
    ];

    let q = QUIRK_EXTRA_FIELDS;
    let mut extra = vec![
        quirk(
            q,
            0,
            "auto",
            "COMPLETED",
            "MySQL",
            "2024-06-29T02:00:00+0800",
            "2024-06-29T02:10:00+0800",
        ),
        quirk(
            q,
            1,
            "manual",
            "COMPLETED",
            "MySQL",
            "2024-06-28T12:00:00+0800",
            "2024-06-28T12:10:00+0800",
        ),
    ];
    for (i, v) in extra.iter_mut().enumerate() {
        v["storage_type"] = json!("OBS");
        v["encryption"] = json!({"enabled": i == 0, "kms_key_id": null});
        v["tags"] = json!([{"key": "env", "value": "test"}]);
        v["restore_point"] = Value::Null;
        v["size_bytes"] = json!(1u64 << 40);
        v["datastore"]["complete_version"] = json!("8.0.28.231003");
    }

    let q = QUIRK_NULL_OPTIONALS;
    let mut nulls = vec![
        quirk(
            q,
            0,
            "auto",
            "COMPLETED",
            "MySQL",
            "2024-06-29T02:00:00+0800",
            "2024-06-29T02:10:00+0800",
        ),
        quirk(
            q,
            1,
            "manual",
            "COMPLETED",
            "MySQL",
            "2024-06-28T12:00:00+0800",
            "2024-06-28T12:10:00+0800",
        ),
    ];
    nulls[0]["databases"] = Value::Null;
    nulls[0]["associated_with_ddm"] = Value::Null;
    nulls[0]["min_data_volume_capacity_for_restore"] = Value::Null;
    nulls[1]["databases"] = json!([]);
    nulls[1]["associated_with_ddm"] = Value::Null;

    let q = QUIRK_TIME_OFFSETS;
    let times = vec![
        quirk(
            q,
            0,
            "auto",
            "COMPLETED",
            "MySQL",
            "2024-06-29T02:00:00+08:00",
            "2024-06-29T02:10:00+08:00",
        ),
        quirk(
            q,
            1,
            "manual",
            "COMPLETED",
            "MySQL",
            "2024-06-28T04:00:00Z",
            "2024-06-28T04:10:00Z",
        ),
        quirk(
            q,
            2,
            "incremental",
            "COMPLETED",
            "MySQL",
            "2024-06-27T22:00:00+0800",
            "2024-06-27T22:01:00+0800",
        ),
    ];

    let mut extra_inst = quirk_instance(QUIRK_EXTRA_FIELDS, "MySQL", extra);
    extra_inst.extra_top_level = Some(r#""links":[{"rel":"self","href":""}],"marker":null"#.into());
    vec![
        quirk_instance(QUIRK_UNKNOWN_ENUMS, "openGauss", unknown),
        quirk_instance(QUIRK_LOWERCASE_ENGINE, "mysql", lower),
        extra_inst,
        quirk_instance(QUIRK_NULL_OPTIONALS, "MySQL", nulls),
        quirk_instance(QUIRK_TIME_OFFSETS, "MySQL", times),
    ]
}

static SMALL: LazyLock<HashMap<String, Arc<Instance>>> = LazyLock::new(|| {
    let mut list = vec![
        mysql(),
        postgresql(),
        sqlserver(),
        mariadb(),
        Instance::new(INSTANCE_EMPTY, "MySQL", "5.7", Vec::new()),
        sample("01", "auto", "MySQL", "5.6", None),
        sample("03", "incremental", "PostgreSQL", "9.6", None),
        sample(
            "04",
            "manual",
            "SQLServer",
            "2014_WEB",
            Some(&["user01", "user02"]),
        ),
    ];
    list.extend(quirks());
    for &(id, _) in crate::faults::FAULT_INSTANCES {
        list.push(generate_mysql(id, crate::faults::fault_instance_size(id)));
    }
    list.into_iter()
        .map(|i| (i.id.clone(), Arc::new(i)))
        .collect()
});

static LARGE: OnceLock<Arc<Instance>> = OnceLock::new();

/// An instance of the default data set (including the fault instances, whose
/// data is generated), or `None`.
pub fn default_instance(id: &str) -> Option<Arc<Instance>> {
    if id == INSTANCE_LARGE {
        return Some(
            LARGE
                .get_or_init(|| Arc::new(generate_mysql(INSTANCE_LARGE, LARGE_INSTANCE_BACKUPS)))
                .clone(),
        );
    }
    SMALL.get(id).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_real() {
        for id in [
            INSTANCE_MYSQL,
            INSTANCE_POSTGRESQL,
            INSTANCE_SQLSERVER,
            INSTANCE_MARIADB,
            INSTANCE_LARGE,
            INSTANCE_EMPTY,
        ] {
            assert_eq!(id.len(), 36, "{id}");
            assert!(id[..32].bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        }
        assert_eq!(hex_id("x", 1, "br01").len(), 36);
        assert_eq!(backup_suffix(INSTANCE_SQLSERVER), "br04");
        assert_eq!(backup_suffix("fault-x"), "br01");
    }

    #[test]
    fn every_listed_instance_exists() {
        for &(id, _) in INSTANCES {
            assert!(default_instance(id).is_some(), "{id}");
        }
    }

    #[test]
    fn large_instance_is_sorted_unique_and_complete() {
        let i = default_instance(INSTANCE_LARGE).unwrap();
        assert_eq!(i.records().len(), LARGE_INSTANCE_BACKUPS);
        let ids: std::collections::HashSet<_> = i.records().iter().map(Record::id).collect();
        assert_eq!(ids.len(), LARGE_INSTANCE_BACKUPS);
        for w in i.records().windows(2) {
            assert!(
                (w[0].begin, std::cmp::Reverse(&w[0].id))
                    > (w[1].begin, std::cmp::Reverse(&w[1].id))
            );
        }
        for t in ["auto", "manual", "incremental"] {
            assert!(i.records().iter().any(|r| r.backup_type() == t), "{t}");
        }
        let ties = i.records().windows(2).filter(|w| w[0].begin == w[1].begin);
        assert_eq!(ties.count(), LARGE_INSTANCE_BACKUPS / 250);
    }

    #[test]
    fn unfiltered_fast_path_matches_the_scan() {
        let i = default_instance(INSTANCE_LARGE).unwrap();
        for (offset, limit) in [
            (0, 100),
            (9_950, 100),
            (10_000, 1),
            (u64::MAX, 100),
            (17, 3),
        ] {
            let q = ListQuery {
                instance_id: INSTANCE_LARGE.into(),
                backup_id: None,
                backup_type: None,
                status: None,
                offset,
                limit,
                window: None,
            };
            let fast = i.page(&q);
            let scan = i.page_of(i.records().iter(), &q);
            assert_eq!(fast.total_count, scan.total_count);
            let ids = |p: &Page<'_>| {
                p.items
                    .iter()
                    .map(|r| r.id().to_owned())
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&fast), ids(&scan), "{offset} {limit}");
        }
    }

    #[test]
    fn generated_backups_parse_back() {
        let i = default_instance(INSTANCE_MYSQL).unwrap();
        for r in i.records() {
            let b: Backup = serde_json::from_str(r.json()).unwrap();
            assert_eq!(b.id, r.id());
            assert_eq!(b.instance_id, INSTANCE_MYSQL);
            assert!(parse_service_time(&b.begin_time).is_some());
            assert!(parse_service_time(&b.end_time).is_some());
        }
    }
}
