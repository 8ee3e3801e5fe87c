//! The mock these tests share: instances made at test time relative to now,
//! and the helpers that run the binary against it and read what it sent.

use huaweicloud_rds::Timestamp;
use huaweicloud_rds_mock::data::Backup;
use huaweicloud_rds_mock::{
    MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig, MockServer,
};

use crate::support::{self, Run};

pub const FRESH: &str = "audit-fresh";
pub const OFFSETS: &str = "audit-mixed-offsets";
pub const STALE: &str = "audit-stale";
pub const MISSING: &str = "audit-no-backups";
pub const FAILED_ONLY: &str = "audit-failed-only";
pub const TWO_PAGES: &str = "audit-two-pages";
pub const UNKNOWN: &str = "audit-unknown-instance";

/// 26 hours, the documented example, in seconds.
pub const MAX_AGE: i64 = 93_600;

pub const HOUR: i64 = 3600;

/// A mock holding the audit instances.
pub struct Fixture {
    pub server: MockServer,
}

pub fn now() -> i64 {
    Timestamp::now(0)
        .expect("a clock after 1970")
        .unix_seconds()
}

/// `ago` seconds before now, written with `offset_minutes` as the service may.
pub fn time_ago(ago: i64, offset_minutes: i16) -> String {
    Timestamp::from_unix_seconds(now() - ago, offset_minutes)
        .unwrap()
        .to_string()
}

/// A backup as the mock stores it (built from its JSON form, as the service
/// writes it).
pub fn backup(instance: &str, id: &str, type_: &str, status: &str, begin: String) -> Backup {
    serde_json::from_value(serde_json::json!({
        "id": id, "name": format!("{instance}-{id}"), "type": type_, "size": 1024,
        "status": status, "begin_time": begin, "end_time": begin,
        "datastore": {"type": "MySQL", "version": "8.0"}, "instance_id": instance
    }))
    .expect("a well-formed backup")
}

impl Fixture {
    pub fn new() -> Fixture {
        let server = support::mock_with(MockConfig::default());
        let b = backup;
        let beijing = 480;
        server.insert_instance(
            FRESH,
            &[
                b(
                    FRESH,
                    "fresh-auto",
                    "auto",
                    "COMPLETED",
                    time_ago(2 * HOUR, beijing),
                ),
                // Newer, but not a completed full backup.
                b(
                    FRESH,
                    "fresh-failed",
                    "auto",
                    "FAILED",
                    time_ago(HOUR, beijing),
                ),
                b(
                    FRESH,
                    "fresh-incr",
                    "incremental",
                    "COMPLETED",
                    time_ago(600, beijing),
                ),
                b(
                    FRESH,
                    "fresh-old",
                    "manual",
                    "COMPLETED",
                    time_ago(30 * 24 * HOUR, beijing),
                ),
            ],
        );
        // In text, the +0800 time sorts after the `Z` one; as instants the
        // `Z` one is two hours newer.
        server.insert_instance(
            OFFSETS,
            &[
                b(
                    OFFSETS,
                    "offsets-z",
                    "manual",
                    "COMPLETED",
                    time_ago(HOUR, 0),
                ),
                b(
                    OFFSETS,
                    "offsets-cst",
                    "auto",
                    "COMPLETED",
                    time_ago(3 * HOUR, beijing),
                ),
            ],
        );
        server.insert_instance(
            STALE,
            &[b(
                STALE,
                "stale-auto",
                "auto",
                "COMPLETED",
                time_ago(3 * 24 * HOUR, beijing),
            )],
        );
        server.insert_instance(MISSING, &[]);
        server.insert_instance(
            FAILED_ONLY,
            &[
                b(
                    FAILED_ONLY,
                    "failed-auto",
                    "auto",
                    "FAILED",
                    time_ago(HOUR, beijing),
                ),
                b(
                    FAILED_ONLY,
                    "building-manual",
                    "manual",
                    "BUILDING",
                    time_ago(600, beijing),
                ),
            ],
        );
        let many: Vec<Backup> = (0..150)
            .map(|i| {
                b(
                    TWO_PAGES,
                    &format!("page-{i:03}"),
                    "auto",
                    "COMPLETED",
                    time_ago(HOUR + i * 60, beijing),
                )
            })
            .collect();
        server.insert_instance(TWO_PAGES, &many);
        Fixture { server }
    }

    /// Runs the binary against this mock with AK/SK from the environment (the
    /// shared runner sets HOME and the metadata and IAM endpoints).
    pub fn run(&self, args: &[&str]) -> Run {
        self.cli(args).run()
    }

    /// As [`Fixture::run`], with the local zone UTC.
    pub fn run_in_utc(&self, args: &[&str]) -> Run {
        self.cli(args).env("TZ", "UTC").run()
    }

    fn cli(&self, args: &[&str]) -> support::Cli {
        support::cli()
            .args(["--endpoint", &self.server.base_url(), "--max-attempts", "1"])
            .args(args)
            .env("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY)
            .env("HUAWEICLOUD_SDK_SK", MOCK_SECRET_KEY)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", MOCK_PROJECT_ID)
    }

    /// The decoded `name=value` of each query the mock received for `instance`.
    pub fn queries(&self, instance: &str) -> Vec<Vec<(String, String)>> {
        self.server
            .received()
            .into_iter()
            .filter(|r| r.instance_id.as_deref() == Some(instance))
            .map(|r| {
                let query = r.target.split_once('?').map_or("", |(_, q)| q).to_owned();
                query
                    .split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.to_owned(), decode(v)))
                    .collect()
            })
            .collect()
    }
}

pub fn decode(value: &str) -> String {
    value
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%3A", ":")
        .replace("%3a", ":")
}

pub fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub fn instance_args(ids: &[&'static str]) -> Vec<&'static str> {
    ids.iter().flat_map(|id| ["--instance-id", *id]).collect()
}

/// `summary --output OUTPUT --instance-id ID...`.
pub fn summary(f: &Fixture, output: &str, ids: &[&'static str]) -> Run {
    let mut args = vec!["summary", "--output", output];
    args.extend(instance_args(ids));
    f.run(&args)
}

pub fn check(f: &Fixture, ids: &[&'static str], extra: &[&str]) -> Run {
    let mut args = vec!["check", "--max-age", "26h"];
    args.extend(instance_args(ids));
    args.extend_from_slice(extra);
    f.run(&args)
}

pub fn instant(text: &str) -> i64 {
    text.parse::<Timestamp>().unwrap().unix_seconds()
}

/// A service time as the tables show it in UTC: `2026-12-01 07:36:00`.
pub fn in_utc(service_text: &str) -> String {
    let utc = Timestamp::from_unix_seconds(instant(service_text), 0).unwrap();
    utc.to_string().replace('T', " ").replace("+0000", "")
}
