//! The default data set: the documented instances, the samples, the quirk set and
//! the fault instances' generated data, built once per process.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

use super::generate::{Spec, from_specs, generate_mysql};
use super::model::{Backup, Database, Datastore, Instance};
use super::quirks::{
    QUIRK_EXTRA_FIELDS, QUIRK_LOWERCASE_ENGINE, QUIRK_NULL_OPTIONALS, QUIRK_TIME_OFFSETS,
    QUIRK_UNKNOWN_ENUMS, quirks,
};

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
        .map(|i| (i.id().to_owned(), Arc::new(i)))
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
    use crate::data::generate::{backup_suffix, hex_id};
    use crate::data::{Page, Record};
    use crate::query::ListQuery;

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
                (w[0].begin_epoch(), std::cmp::Reverse(w[0].id()))
                    > (w[1].begin_epoch(), std::cmp::Reverse(w[1].id()))
            );
        }
        for t in ["auto", "manual", "incremental"] {
            assert!(i.records().iter().any(|r| r.backup_type() == t), "{t}");
        }
        let ties = i
            .records()
            .windows(2)
            .filter(|w| w[0].begin_epoch() == w[1].begin_epoch());
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
            assert!(crate::query::parse_service_time(&b.begin_time).is_some());
            assert!(crate::query::parse_service_time(&b.end_time).is_some());
        }
    }
}
