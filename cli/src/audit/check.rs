//! `check`: is every instance backed up recently enough?
//!
//! Only the window `[now - max age, now]` is listed, so a check costs a
//! request or two per instance whatever the history holds.

use std::io;

use huaweicloud_rds::types::{Backup, BackupTypeFilter};
use huaweicloud_rds::{BackupStatus, BackupType, Error, ListBackups, Timestamp};
use serde::Serialize;

use crate::args::{CheckArgs, CheckOutput, Kind};
use crate::audit::prometheus;
use crate::audit::summary::instant;
use crate::audit::text::aligned;
use crate::audit::walk::{Tally, tally_each};
use crate::audit::{default_format, write_stdout};
use crate::connect::{Invocation, connect};
use crate::duration::{Window, human_duration};
use crate::failure::{EXIT_FAILURE, Failure};
use crate::instances;
use crate::table::local_times;

/// Exit code when every instance could be checked and one is stale or has none.
pub const EXIT_STALE: u8 = 3;

/// The newest COMPLETED backup of the kind seen so far.
struct Newest {
    kind: Kind,
    latest: Option<Backup>,
}

impl Kind {
    /// Whether a backup of this type counts for the kind.
    pub fn counts(self, backup_type: &BackupType) -> bool {
        match self {
            Kind::Full => matches!(
                backup_type,
                BackupType::Auto | BackupType::Manual | BackupType::Fragment
            ),
            Kind::Incremental => *backup_type == BackupType::Incremental,
            Kind::Any => true,
        }
    }
}

impl Tally for Newest {
    fn add(&mut self, backup: Backup) {
        let newer = self
            .latest
            .as_ref()
            .is_none_or(|l| instant(&backup.begin_time) > instant(&l.begin_time));
        if backup.status == BackupStatus::Completed && self.kind.counts(&backup.type_) && newer {
            self.latest = Some(backup);
        }
    }
}

/// What the check found for one instance.
pub struct Checked {
    pub instance_id: String,
    pub outcome: Result<Option<Latest>, Error>,
}

/// The newest COMPLETED backup of the kind in the window.
pub struct Latest {
    pub backup: Backup,
    /// Seconds from its `begin_time` to the check's time.
    pub age_seconds: i64,
}

impl Checked {
    /// Fresh: checked, and a backup of the kind began within the window.
    pub fn fresh(&self, max_age_seconds: i64) -> bool {
        matches!(&self.outcome, Ok(Some(l)) if l.age_seconds <= max_age_seconds)
    }
}

/// Everything one run of `check` found.
pub struct Report {
    pub checked_at: Timestamp,
    pub max_age_seconds: i64,
    pub kind: Kind,
    pub instances: Vec<Checked>,
}

impl Report {
    /// 1 when an instance could not be checked, else 3 when one is not
    /// fresh, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.instances.iter().any(|c| c.outcome.is_err()) {
            EXIT_FAILURE
        } else if self
            .instances
            .iter()
            .any(|c| !c.fresh(self.max_age_seconds))
        {
            EXIT_STALE
        } else {
            0
        }
    }
}

pub async fn run(invocation: &Invocation, args: &CheckArgs) -> Result<u8, Failure> {
    let instance_ids = instances::resolve(&args.instances.instance_ids, io::stdin().lock())
        .map_err(Failure::usage)?;
    let window = Window::ending_now(args.max_age).map_err(Failure::usage)?;
    let jobs = instance_ids
        .iter()
        .map(|id| {
            let mut request = ListBackups::new(id.clone()).window(window.begin, window.end);
            if args.kind == Kind::Incremental {
                request.backup_type = Some(BackupTypeFilter::Incremental);
            }
            request.validate().map_err(Failure::from)?;
            let tally = Newest {
                kind: args.kind,
                latest: None,
            };
            Ok((request, tally))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let format = args
        .output
        .unwrap_or(default_format(CheckOutput::Table, CheckOutput::Json));
    let (client, _mock) = connect(invocation).await?;
    let results = tally_each(&client, jobs, args.paging.walk_options()).await;

    let now = window.end.unix_seconds();
    let checked = instance_ids
        .iter()
        .zip(results)
        .map(|(id, result)| Checked {
            instance_id: id.clone(),
            outcome: result.map(|newest| {
                newest.latest.map(|backup| Latest {
                    age_seconds: now - backup.begin_time.unix_seconds(),
                    backup,
                })
            }),
        })
        .collect();
    let report = Report {
        checked_at: window.end,
        max_age_seconds: i64::try_from(args.max_age.as_secs()).unwrap_or(i64::MAX),
        kind: args.kind,
        instances: checked,
    };

    let text = match format {
        CheckOutput::Json => json(&report),
        CheckOutput::Prometheus => prometheus::exposition(&report),
        CheckOutput::Table => table(&report),
    };
    write_stdout(text.as_bytes())?;
    for checked in &report.instances {
        if let Err(e) = &checked.outcome {
            eprintln!("error: {}: {e}", checked.instance_id);
        }
    }
    Ok(report.exit_code())
}

/// The JSON report; field order is the documented one.
fn json(report: &Report) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        checked_at: Timestamp,
        max_age_seconds: i64,
        kind: &'static str,
        instances: Vec<Entry<'a>>,
    }
    #[derive(Serialize)]
    struct Entry<'a> {
        instance_id: &'a str,
        fresh: bool,
        age_seconds: Option<i64>,
        latest: Option<&'a Backup>,
        error: Option<ErrorEntry>,
    }
    #[derive(Serialize)]
    struct ErrorEntry {
        status: Option<u16>,
        error_code: Option<String>,
        error_msg: Option<String>,
        request_id: Option<String>,
    }
    let body = Body {
        checked_at: report.checked_at,
        max_age_seconds: report.max_age_seconds,
        kind: report.kind.as_str(),
        instances: report
            .instances
            .iter()
            .map(|c| {
                let latest = c.outcome.as_ref().ok().and_then(Option::as_ref);
                Entry {
                    instance_id: &c.instance_id,
                    fresh: c.fresh(report.max_age_seconds),
                    age_seconds: latest.map(|l| l.age_seconds),
                    latest: latest.map(|l| &l.backup),
                    error: c.outcome.as_ref().err().map(|e| {
                        let api = e.api();
                        ErrorEntry {
                            status: e.status().map(|s| s.as_u16()),
                            error_code: api.and_then(|a| a.error_code.clone()),
                            // Without the service's message (a timeout, an HTML
                            // page), the error's own description says what failed.
                            error_msg: Some(
                                api.and_then(|a| a.error_msg.clone())
                                    .unwrap_or_else(|| e.to_string()),
                            ),
                            request_id: api.and_then(|a| a.request_id.clone()),
                        }
                    }),
                }
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&body).unwrap_or_default();
    text.push('\n');
    text
}

fn table(report: &Report) -> String {
    let stamps: Vec<Option<&Timestamp>> = report
        .instances
        .iter()
        .map(|c| match &c.outcome {
            Ok(Some(l)) => Some(&l.backup.begin_time),
            _ => None,
        })
        .collect();
    let (zone, times) = local_times(&stamps);
    let header = ["INSTANCE", "FRESH", "AGE", "BACKUP", "TYPE", "BEGIN"];
    let mut header = header.map(str::to_owned).to_vec();
    header[5].push_str(&zone);
    let mut rows = vec![header];
    for (c, begin) in report.instances.iter().zip(times) {
        let verdict = match (&c.outcome, c.fresh(report.max_age_seconds)) {
            (Err(_), _) => "ERROR",
            (Ok(_), true) => "fresh",
            (Ok(_), false) => "STALE",
        };
        let mut row = vec![c.instance_id.clone(), verdict.to_owned()];
        match &c.outcome {
            Ok(Some(l)) => row.extend([
                human_duration(l.age_seconds),
                l.backup.id.clone(),
                l.backup.type_.to_string(),
                begin,
            ]),
            Ok(None) => row.extend(["-", "(none in the window)"].map(str::to_owned)),
            Err(_) => row.extend(["-", "(see the error below)"].map(str::to_owned)),
        }
        rows.push(row);
    }
    aligned(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(id: &str, status: &str, type_: &str, begin: &str) -> Backup {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": id, "type": type_, "size": 1, "status": status,
            "begin_time": begin, "end_time": begin,
            "datastore": {"type": "MySQL", "version": "8.0"}, "instance_id": "i"
        }))
        .unwrap()
    }

    fn newest(kind: Kind, backups: &[Backup]) -> Option<String> {
        let mut n = Newest { kind, latest: None };
        for b in backups {
            n.add(b.clone());
        }
        n.latest.map(|b| b.id)
    }

    #[test]
    fn newest_is_by_instant_and_only_completed_of_the_kind() {
        let backups = [
            backup("late-text", "COMPLETED", "auto", "2026-01-01T09:00:00+0800"),
            backup(
                "late-instant",
                "COMPLETED",
                "manual",
                "2026-01-01T02:00:00Z",
            ),
            backup("failed", "FAILED", "auto", "2026-01-01T05:00:00Z"),
            backup("incr", "COMPLETED", "incremental", "2026-01-01T04:00:00Z"),
            backup("unknown", "COMPLETED", "snapshot", "2026-01-01T06:00:00Z"),
        ];
        assert_eq!(
            newest(Kind::Full, &backups).as_deref(),
            Some("late-instant")
        );
        assert_eq!(newest(Kind::Incremental, &backups).as_deref(), Some("incr"));
        assert_eq!(newest(Kind::Any, &backups).as_deref(), Some("unknown"));
        assert_eq!(newest(Kind::Full, &backups[2..3]), None);
    }

    #[test]
    fn an_error_wins_over_a_stale_instance() {
        let checked = |outcome| Checked {
            instance_id: "i".into(),
            outcome,
        };
        let fresh = || {
            Ok(Some(Latest {
                backup: backup("b", "COMPLETED", "auto", "2026-01-01T00:00:00Z"),
                age_seconds: 10,
            }))
        };
        let report = |instances| Report {
            checked_at: "2026-01-01T00:00:10Z".parse().unwrap(),
            max_age_seconds: 60,
            kind: Kind::Full,
            instances,
        };
        assert_eq!(report(vec![checked(fresh())]).exit_code(), 0);
        assert_eq!(
            report(vec![checked(fresh()), checked(Ok(None))]).exit_code(),
            3
        );
        let failed = Err(Error::Config("x".into()));
        assert_eq!(
            report(vec![checked(Ok(None)), checked(failed), checked(fresh())]).exit_code(),
            1
        );
    }
}
