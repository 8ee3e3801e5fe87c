//! `summary`: what each instance has, from a walk of every page.

use std::collections::BTreeMap;

use huaweicloud_rds::types::Backup;
use std::io;

use huaweicloud_rds::{BackupStatus, Timestamp};
use serde::Serialize;

use crate::args::{SummaryArgs, SummaryOutput};
use crate::audit::text::{aligned, csv_record};
use crate::audit::walk::{Tally, tally_each};
use crate::audit::{default_format, write_stdout};
use crate::connect::{Invocation, connect};
use crate::failure::{EXIT_FAILURE, Failure};
use crate::table::{human_size, local_times};
use crate::{filters, instances};

/// One instance's backups, summed up; field order is the JSON's.
#[derive(Debug, Serialize)]
pub struct InstanceSummary {
    instance_id: String,
    backups: u64,
    /// Sum of `size`, in kB as the service counts it.
    size: i64,
    by_status: BTreeMap<String, u64>,
    by_type: BTreeMap<String, u64>,
    first_begin_time: Option<Timestamp>,
    last_begin_time: Option<Timestamp>,
    latest_completed: Option<Backup>,
}

impl InstanceSummary {
    fn new(instance_id: String) -> Self {
        InstanceSummary {
            instance_id,
            backups: 0,
            size: 0,
            by_status: BTreeMap::new(),
            by_type: BTreeMap::new(),
            first_begin_time: None,
            last_begin_time: None,
            latest_completed: None,
        }
    }
}

/// Orders times by the instant they name, whatever offset they were written in.
pub fn instant(t: &Timestamp) -> (i64, u32) {
    (t.unix_seconds(), t.nanos())
}

impl Tally for InstanceSummary {
    fn add(&mut self, backup: Backup) {
        self.backups += 1;
        self.size = self.size.saturating_add(backup.size);
        *self
            .by_status
            .entry(backup.status.as_str().to_owned())
            .or_default() += 1;
        *self
            .by_type
            .entry(backup.type_.as_str().to_owned())
            .or_default() += 1;
        let begin = backup.begin_time;
        if self
            .first_begin_time
            .is_none_or(|first| instant(&begin) < instant(&first))
        {
            self.first_begin_time = Some(begin);
        }
        if self
            .last_begin_time
            .is_none_or(|last| instant(&begin) > instant(&last))
        {
            self.last_begin_time = Some(begin);
        }
        if backup.status == BackupStatus::Completed
            && self
                .latest_completed
                .as_ref()
                .is_none_or(|latest| instant(&begin) > instant(&latest.begin_time))
        {
            self.latest_completed = Some(backup);
        }
    }
}

pub async fn run(invocation: &Invocation, args: &SummaryArgs) -> Result<u8, Failure> {
    let instance_ids = instances::resolve(&args.instances.instance_ids, io::stdin().lock())
        .map_err(Failure::usage)?;
    let jobs = filters::requests(&instance_ids, &args.filters, |_| {})?
        .into_iter()
        .map(|r| {
            let tally = InstanceSummary::new(r.instance_id.clone());
            (r, tally)
        })
        .collect();
    let format = args
        .output
        .unwrap_or(default_format(SummaryOutput::Table, SummaryOutput::Json));
    let (client, _mock) = connect(invocation).await?;
    let results = tally_each(&client, jobs, args.paging.walk_options()).await;

    let mut summaries = Vec::with_capacity(results.len());
    let mut failed = false;
    for (id, result) in instance_ids.iter().zip(results) {
        match result {
            Ok(summary) => summaries.push(summary),
            Err(e) => {
                eprintln!("error: {id}: {e}");
                failed = true;
            }
        }
    }
    // A summary with an instance missing would read as complete: print none.
    if failed {
        return Ok(EXIT_FAILURE);
    }
    write_stdout(render(format, &summaries).as_bytes())?;
    Ok(0)
}

fn render(format: SummaryOutput, summaries: &[InstanceSummary]) -> String {
    match format {
        SummaryOutput::Json => {
            // Serialized from structs, not a `Value`: keys keep their order.
            #[derive(Serialize)]
            struct Body<'a> {
                instances: &'a [InstanceSummary],
            }
            let body = Body {
                instances: summaries,
            };
            let mut text = serde_json::to_string_pretty(&body).unwrap_or_default();
            text.push('\n');
            text
        }
        SummaryOutput::Csv => {
            let mut text = csv_record(&CSV_HEADER.map(str::to_owned));
            for s in summaries {
                text.push_str(&csv_record(&csv_row(s)));
            }
            text
        }
        SummaryOutput::Table => {
            let stamps: Vec<Option<&Timestamp>> = summaries
                .iter()
                .flat_map(|s| [s.first_begin_time.as_ref(), s.last_begin_time.as_ref()])
                .collect();
            let (zone, times) = local_times(&stamps);
            let mut header = TABLE_HEADER.map(str::to_owned).to_vec();
            header[5].push_str(&zone);
            header[6].push_str(&zone);
            let mut rows = vec![header];
            rows.extend(
                summaries
                    .iter()
                    .zip(times.chunks(2))
                    .map(|(s, t)| table_row(s, t)),
            );
            aligned(&rows)
        }
    }
}

const CSV_HEADER: [&str; 9] = [
    "instance_id",
    "backups",
    "size",
    "by_status",
    "by_type",
    "first_begin_time",
    "last_begin_time",
    "latest_completed_id",
    "latest_completed_begin_time",
];

fn csv_row(s: &InstanceSummary) -> Vec<String> {
    let time = |t: &Option<Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
    vec![
        s.instance_id.clone(),
        s.backups.to_string(),
        s.size.to_string(),
        counts(&s.by_status, "=", ";"),
        counts(&s.by_type, "=", ";"),
        time(&s.first_begin_time),
        time(&s.last_begin_time),
        s.latest_completed
            .as_ref()
            .map(|b| b.id.clone())
            .unwrap_or_default(),
        time(&s.latest_completed.as_ref().map(|b| b.begin_time)),
    ]
}

const TABLE_HEADER: [&str; 8] = [
    "INSTANCE",
    "BACKUPS",
    "SIZE",
    "STATUS",
    "TYPE",
    "FIRST BEGIN",
    "LAST BEGIN",
    "LATEST COMPLETED",
];

/// `times`: the first and last begin time, as [`local_times`] wrote them.
fn table_row(s: &InstanceSummary, times: &[String]) -> Vec<String> {
    let or_dash = |text: String| if text.is_empty() { "-".into() } else { text };
    vec![
        s.instance_id.clone(),
        s.backups.to_string(),
        human_size(s.size),
        or_dash(counts(&s.by_status, " ", ", ")),
        or_dash(counts(&s.by_type, " ", ", ")),
        times[0].clone(),
        times[1].clone(),
        s.latest_completed
            .as_ref()
            .map_or_else(|| "-".to_owned(), |b| b.id.clone()),
    ]
}

/// `COMPLETED=200;FAILED=10` (csv) or `COMPLETED 200, FAILED 10` (table).
fn counts(map: &BTreeMap<String, u64>, between: &str, separator: &str) -> String {
    map.iter()
        .map(|(k, n)| format!("{k}{between}{n}"))
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(id: &str, status: &str, type_: &str, begin: &str, size: i64) -> Backup {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": id, "type": type_, "size": size, "status": status,
            "begin_time": begin, "end_time": begin,
            "datastore": {"type": "MySQL", "version": "8.0"}, "instance_id": "i"
        }))
        .unwrap()
    }

    #[test]
    fn first_last_and_latest_compare_instants_across_offsets() {
        let mut s = InstanceSummary::new("i".into());
        // Text order and instant order disagree: 09:00+0800 is 01:00Z.
        s.add(backup(
            "a",
            "COMPLETED",
            "auto",
            "2026-01-01T09:00:00+0800",
            10,
        ));
        s.add(backup(
            "b",
            "COMPLETED",
            "manual",
            "2026-01-01T02:00:00Z",
            20,
        ));
        s.add(backup("c", "FAILED", "auto", "2026-01-01T03:00:00Z", 5));
        s.add(backup(
            "d",
            "ARCHIVED",
            "snapshot",
            "2025-12-31T23:00:00Z",
            1,
        ));
        assert_eq!(s.backups, 4);
        assert_eq!(s.size, 36);
        assert_eq!(s.latest_completed.as_ref().unwrap().id, "b");
        assert_eq!(
            s.last_begin_time.unwrap().to_string(),
            "2026-01-01T03:00:00+0000"
        );
        assert_eq!(
            s.first_begin_time.unwrap().to_string(),
            "2025-12-31T23:00:00+0000"
        );
        assert_eq!(s.by_status["ARCHIVED"], 1);
        assert_eq!(s.by_type["snapshot"], 1);
        assert_eq!(
            counts(&s.by_status, "=", ";"),
            "ARCHIVED=1;COMPLETED=2;FAILED=1"
        );
    }
}
