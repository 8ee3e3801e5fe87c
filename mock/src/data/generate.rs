//! Deterministic generation: ids, names and whole instances from a seed, so that
//! every run serves the same data.

use super::clock::{BEIJING_MINUTES, epoch_of, service_time};
use super::model::{Backup, Database, Datastore, Instance, Record};

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
pub(crate) fn hex_id(seed: &str, n: u64, suffix: &str) -> String {
    let mut g = SplitMix::new(fnv(seed) ^ n.wrapping_mul(0x2545_F491_4F6C_DD1D));
    format!("{:016x}{:016x}{suffix}", g.next_u64(), g.next_u64())
}

/// `br01` for an `...in01` instance, and so on; `br01` otherwise.
pub(crate) fn backup_suffix(instance_id: &str) -> String {
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
    service_time(epoch)
        .chars()
        .take(19)
        .filter(char::is_ascii_digit)
        .collect()
}

/// What sets one generated backup apart from its neighbours.
struct Slot<'a> {
    index: usize,
    kind: &'a str,
    status: &'a str,
    begin: i64,
    minutes: i64,
    size: i64,
}

impl Slot<'_> {
    /// The backup in this slot of `instance`, named `{prefix}-{kind}-{stamp}`.
    /// A building backup has not ended, so it ends when it began. Databases,
    /// the DDM flag and the restore minimum are left unset for the caller.
    fn backup(
        &self,
        instance: &str,
        suffix: &str,
        prefix: &str,
        engine: &str,
        version: &str,
    ) -> Backup {
        let end = if self.status == "BUILDING" {
            self.begin
        } else {
            self.begin + self.minutes * 60
        };
        Backup {
            id: hex_id(instance, self.index as u64, suffix),
            name: format!("{prefix}-{}-{}", self.kind, stamp(self.begin)),
            backup_type: self.kind.to_owned(),
            size: self.size,
            status: self.status.to_owned(),
            begin_time: service_time(self.begin),
            end_time: service_time(end),
            datastore: Datastore {
                engine: engine.to_owned(),
                version: version.to_owned(),
            },
            databases: None,
            associated_with_ddm: None,
            min_data_volume_capacity_for_restore: None,
            instance_id: instance.to_owned(),
        }
    }
}

/// One hand-written backup: type, status, begin (Beijing time), minutes, size kB,
/// associated_with_ddm, min_data_volume_capacity_for_restore, databases.
pub(crate) type Spec = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    Option<bool>,
    Option<i64>,
    &'static [&'static str],
);

pub(crate) fn from_specs(
    instance: &str,
    engine: &str,
    version: &str,
    name: &str,
    specs: &[Spec],
) -> Instance {
    let suffix = backup_suffix(instance);
    let backups: Vec<Backup> = specs
        .iter()
        .enumerate()
        .map(|(i, &(t, st, begin, minutes, size, ddm, minc, dbs))| {
            let slot = Slot {
                index: i,
                kind: t,
                status: st,
                begin: epoch_of(begin),
                minutes,
                size,
            };
            Backup {
                databases: (!dbs.is_empty()).then(|| {
                    dbs.iter()
                        .map(|n| Database {
                            name: (*n).to_owned(),
                        })
                        .collect()
                }),
                associated_with_ddm: ddm,
                min_data_volume_capacity_for_restore: minc,
                ..slot.backup(instance, &suffix, name, engine, version)
            }
        })
        .collect();
    let records = backups.iter().map(Record::from_backup).collect();
    Instance::new(instance, engine, version, records)
}

/// `count` MySQL 8.0 backups, one every 15 minutes going back from
/// 2024-06-30T02:00:00+0800: automatic full backups at 02:00, a manual backup
/// every 97th slot, incremental ones otherwise; every 250th backup shares its
/// start second with the one before it.
pub(crate) fn generate_mysql(instance: &str, count: usize) -> Instance {
    let anchor = epoch_of("2024-06-30T02:00:00+0800");
    let suffix = backup_suffix(instance);
    let mut g = SplitMix::new(fnv(instance));
    let mut records = Vec::with_capacity(count);
    let mut begin = anchor;
    for i in 0..count {
        if i > 0 && i % 250 != 249 {
            begin -= 900;
        }
        let local = (begin + i64::from(BEIJING_MINUTES) * 60).rem_euclid(86_400);
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
        let slot = Slot {
            index: i,
            kind: t,
            status,
            begin,
            minutes,
            size,
        };
        let b = Backup {
            associated_with_ddm: (t == "manual").then_some(i % 2 == 0),
            min_data_volume_capacity_for_restore: (t != "incremental").then_some(40),
            ..slot.backup(instance, &suffix, "mysql-bulk", "MySQL", "8.0")
        };
        records.push(Record::from_backup(&b));
    }
    Instance::new(instance, "MySQL", "8.0", records)
}

/// A backup that "was just created": newer than every other, for the
/// list-shifts-between-pages fault.
pub(crate) fn phantom(inst: &Instance) -> Record {
    let begin = inst
        .records()
        .first()
        .map_or(1_719_684_000, |r| r.begin_epoch())
        + 600;
    Record::from_backup(&Backup {
        id: hex_id(
            &format!("{}/phantom", inst.id()),
            0,
            &backup_suffix(inst.id()),
        ),
        name: format!("phantom-{}", stamp(begin)),
        backup_type: "manual".into(),
        size: 4096,
        status: "BUILDING".into(),
        begin_time: service_time(begin),
        end_time: service_time(begin),
        datastore: Datastore {
            engine: inst.engine().to_owned(),
            version: inst.version().to_owned(),
        },
        databases: None,
        associated_with_ddm: None,
        min_data_volume_capacity_for_restore: None,
        instance_id: inst.id().to_owned(),
    })
}
