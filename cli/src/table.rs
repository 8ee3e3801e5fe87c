//! The table for people: columns aligned by display width, local times.

use std::io::{self, Write};

use chrono::{Local, Offset, TimeZone};
use huaweicloud_rds::Timestamp;
use huaweicloud_rds::types::Backup;
use unicode_width::UnicodeWidthStr;

/// Columns are aligned over all rows; `show_instance` adds the instance id
/// first. Times are in the local zone, named in the header; when the rows
/// span several offsets (a DST change) each time carries its own.
pub fn write_table(
    out: &mut impl Write,
    backups: &[Backup],
    show_instance: bool,
) -> io::Result<()> {
    let stamps: Vec<Option<&Timestamp>> = backups
        .iter()
        .flat_map(|b| [Some(&b.begin_time), Some(&b.end_time)])
        .collect();
    let (zone, texts) = local_times(&stamps);
    let mut texts = texts.into_iter();

    let mut header = vec![
        "ID".to_owned(),
        "NAME".to_owned(),
        "TYPE".to_owned(),
        "STATUS".to_owned(),
        "ENGINE".to_owned(),
        "SIZE".to_owned(),
        format!("BEGIN{zone}"),
        format!("END{zone}"),
    ];
    if show_instance {
        header.insert(0, "INSTANCE".to_owned());
    }
    let mut rows: Vec<Vec<String>> = vec![header];
    for b in backups {
        let (begin, end) = (texts.next(), texts.next());
        let mut row = vec![
            b.id.clone(),
            b.name.clone(),
            b.type_.to_string(),
            b.status.to_string(),
            format!("{} {}", b.datastore.type_, b.datastore.version),
            human_size(b.size),
            begin.unwrap_or_default(),
            end.unwrap_or_default(),
        ];
        if show_instance {
            row.insert(0, b.instance_id.clone());
        }
        rows.push(row);
    }
    write_rows(out, &rows)?;
    if backups.is_empty() {
        writeln!(out, "(no backups)")?;
    }
    Ok(())
}

/// Service times as a table shows them: in the local zone, named once in
/// the header (the returned suffix, ` (UTC+08:00)`); when they span several
/// offsets (a DST change) each time carries its own. `None` is shown `-`.
pub fn local_times(times: &[Option<&Timestamp>]) -> (String, Vec<String>) {
    let local: Vec<Option<LocalTime>> = times.iter().map(|t| t.map(LocalTime::of)).collect();
    let mut offsets = local.iter().flatten().filter_map(|t| t.offset);
    let first = offsets.next();
    let one_offset = first.filter(|o| offsets.all(|x| x == *o));
    let zone = match (one_offset, first) {
        (Some(o), _) => format!(" ({})", zone_name(o)),
        (None, None) => format!(" ({})", zone_name(local_offset_now())),
        (None, Some(_)) => " (local)".to_owned(),
    };
    let with_offset = one_offset.is_none();
    let texts = local
        .iter()
        .map(|t| {
            t.as_ref()
                .map_or_else(|| "-".to_owned(), |t| t.text(with_offset))
        })
        .collect();
    (zone, texts)
}

/// Rows (the header first) as columns aligned by display width, two spaces
/// apart; a short row leaves its last columns empty.
pub fn write_rows(out: &mut impl Write, rows: &[Vec<String>]) -> io::Result<()> {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |cell| cell_width(cell)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().take(columns).enumerate() {
            let cell = printable(cell);
            line.push_str(&cell);
            if c + 1 < columns.min(row.len()) {
                let pad = widths[c] - cell.width() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Control characters from the service (a name with a newline or an escape
/// sequence) would break the layout or drive the terminal: shown as `?`.
fn printable(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.chars().any(char::is_control) {
        cell.chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect::<String>()
            .into()
    } else {
        cell.into()
    }
}

fn cell_width(cell: &str) -> usize {
    printable(cell).width()
}

/// A service time in the local zone, and that zone's offset in seconds.
struct LocalTime {
    text: String,
    offset: Option<i32>,
}

impl LocalTime {
    fn of(t: &Timestamp) -> Self {
        match Local.timestamp_opt(t.unix_seconds(), 0).earliest() {
            Some(local) => LocalTime {
                text: local.format("%Y-%m-%d %H:%M:%S").to_string(),
                offset: Some(local.offset().fix().local_minus_utc()),
            },
            // Beyond what the local zone can express: the service's own text.
            None => LocalTime {
                text: t.to_string(),
                offset: None,
            },
        }
    }

    fn text(&self, with_offset: bool) -> String {
        match self.offset {
            Some(o) if with_offset => format!("{} {}", self.text, zone_name(o)),
            _ => self.text.clone(),
        }
    }
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

fn local_offset_now() -> i32 {
    Local::now().offset().fix().local_minus_utc()
}

/// `UTC+08:00`, `UTC-03:30`, `UTC`.
fn zone_name(offset_seconds: i32) -> String {
    if offset_seconds == 0 {
        return "UTC".to_owned();
    }
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let minutes = offset_seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(cell_width("备份"), 4);
        assert_eq!(cell_width("ab"), 2);
        assert_eq!(cell_width("a\u{1b}[31m"), 6);
    }

    #[test]
    fn sizes_in_human_units() {
        assert_eq!(human_size(0), "0 KB");
        assert_eq!(human_size(2803), "2.7 MB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 GB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024 * 1024), "3072.0 TB");
    }

    #[test]
    fn zones_are_named_by_offset() {
        assert_eq!(zone_name(8 * 3600), "UTC+08:00");
        assert_eq!(zone_name(-(3 * 3600 + 1800)), "UTC-03:30");
        assert_eq!(zone_name(0), "UTC");
    }
}
