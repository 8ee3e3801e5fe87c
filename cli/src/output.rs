//! Writing backups as a table, as the API's JSON, or as NDJSON.

use std::io::{self, Write};

use chrono::TimeZone;
use huaweicloud_rds::Timestamp;
use huaweicloud_rds::types::Backup;

use crate::args::Output;

/// Where backups go as they arrive.
pub enum Sink<W: Write> {
    /// Buffered: the API's shape needs the count, and nothing is printed on
    /// failure.
    Json { out: W, backups: Vec<Backup> },
    /// Streamed: one line per backup, flushed after each page.
    Ndjson { out: W },
    /// Buffered: columns are aligned over all rows.
    Table {
        out: W,
        backups: Vec<Backup>,
        show_instance: bool,
    },
}

impl<W: Write> Sink<W> {
    pub fn new(format: Output, out: W, show_instance: bool) -> Self {
        match format {
            Output::Json => Sink::Json {
                out,
                backups: Vec::new(),
            },
            Output::Ndjson => Sink::Ndjson { out },
            Output::Table => Sink::Table {
                out,
                backups: Vec::new(),
                show_instance,
            },
        }
    }

    /// Take one page's worth of backups.
    pub fn page(&mut self, backups: Vec<Backup>) -> io::Result<()> {
        match self {
            Sink::Json { backups: all, .. } | Sink::Table { backups: all, .. } => {
                all.extend(backups);
                Ok(())
            }
            Sink::Ndjson { out } => {
                for backup in &backups {
                    serde_json::to_writer(&mut *out, backup)?;
                    out.write_all(b"\n")?;
                }
                out.flush()
            }
        }
    }

    /// Everything arrived: write what was buffered. `total_count` is the
    /// service's when it applies (one instance, one page), else the count.
    pub fn finish(self, total_count: Option<i64>) -> io::Result<()> {
        match self {
            Sink::Json { mut out, backups } => {
                let total = total_count.unwrap_or(backups.len() as i64);
                let body = serde_json::json!({ "backups": backups, "total_count": total });
                serde_json::to_writer_pretty(&mut out, &body)?;
                out.write_all(b"\n")?;
                out.flush()
            }
            Sink::Ndjson { mut out } => out.flush(),
            Sink::Table {
                mut out,
                backups,
                show_instance,
            } => {
                write_table(&mut out, &backups, show_instance)?;
                out.flush()
            }
        }
    }
}

fn write_table(out: &mut impl Write, backups: &[Backup], show_instance: bool) -> io::Result<()> {
    let mut header = vec![
        "ID", "NAME", "TYPE", "STATUS", "ENGINE", "SIZE", "BEGIN", "END",
    ];
    if show_instance {
        header.insert(0, "INSTANCE");
    }
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    for b in backups {
        let mut row = vec![
            b.id.clone(),
            b.name.clone(),
            b.type_.to_string(),
            b.status.to_string(),
            format!("{} {}", b.datastore.type_, b.datastore.version),
            human_size(b.size),
            local_time(&b.begin_time),
            local_time(&b.end_time),
        ];
        if show_instance {
            row.insert(0, b.instance_id.clone());
        }
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                let pad = widths[c] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    if backups.is_empty() {
        writeln!(out, "(no backups)")?;
    }
    Ok(())
}

/// A size given in kB as the service does, in the largest unit that keeps
/// the number at least 1.
pub fn human_size(kb: i64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    let mut value = kb as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{kb} KB")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A service time in the machine's local zone.
fn local_time(t: &Timestamp) -> String {
    match chrono::Local.timestamp_opt(t.unix_seconds(), 0) {
        chrono::LocalResult::Single(local) | chrono::LocalResult::Ambiguous(local, _) => {
            local.format("%Y-%m-%d %H:%M:%S").to_string()
        }
        chrono::LocalResult::None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_human_units() {
        assert_eq!(human_size(0), "0 KB");
        assert_eq!(human_size(2803), "2.7 MB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 GB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024 * 1024), "3072.0 TB");
    }
}
