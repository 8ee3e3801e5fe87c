//! The reports as text: the program's aligned table and its CSV quoting,
//! for rows that are not backups.

use crate::csv::push_field;
use crate::table::write_rows;

/// Rows (the header first) as columns aligned by display width.
pub fn aligned(rows: &[Vec<String>]) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_rows(&mut out, rows);
    String::from_utf8_lossy(&out).into_owned()
}

/// One CSV record with RFC 4180 quoting, ended by `\n` like the list's CSV.
pub fn csv_record(fields: &[String]) -> String {
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_field(&mut line, field);
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let row = csv_record(&["a".into(), "b,c".into(), "say \"hi\"".into(), "x\ny".into()]);
        assert_eq!(row, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\n");
    }

    #[test]
    fn columns_align_by_display_width() {
        let text = aligned(&[
            vec!["A".into(), "B".into(), "C".into()],
            vec!["备份".into(), "x".into(), "".into()],
        ]);
        assert_eq!(text, "A     B  C\n备份  x\n");
    }
}
