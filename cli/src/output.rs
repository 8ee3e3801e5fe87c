//! Writing backups as a table, as the API's JSON, as NDJSON or as CSV.

use std::io::{self, Write};

use huaweicloud_rds::types::Backup;

use crate::args::Output;
use crate::csv;
use crate::table;

/// Where backups go as they arrive.
pub enum Sink<W: Write> {
    /// Buffered: the API's shape needs the count, and nothing is printed on
    /// failure.
    Json { out: W, backups: Vec<Backup> },
    /// Streamed: one line per backup, flushed after each page.
    Ndjson { out: W },
    /// Streamed like NDJSON, after a header row written up front.
    Csv { out: W, header_written: bool },
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
            Output::Csv => Sink::Csv {
                out,
                header_written: false,
            },
            Output::Table => Sink::Table {
                out,
                backups: Vec::new(),
                show_instance,
            },
        }
    }

    /// Whether pages are written as they arrive (rather than at the end).
    pub fn streams(&self) -> bool {
        matches!(self, Sink::Ndjson { .. } | Sink::Csv { .. })
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
            Sink::Csv {
                out,
                header_written,
            } => {
                if !*header_written {
                    csv::write_header(&mut *out)?;
                    *header_written = true;
                }
                for backup in &backups {
                    csv::write_row(&mut *out, backup)?;
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
            Sink::Csv {
                mut out,
                header_written,
            } => {
                if !header_written {
                    csv::write_header(&mut out)?;
                }
                out.flush()
            }
            Sink::Table {
                mut out,
                backups,
                show_instance,
            } => {
                table::write_table(&mut out, &backups, show_instance)?;
                out.flush()
            }
        }
    }
}
