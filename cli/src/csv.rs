//! CSV rows: RFC 4180 quoting, values exactly as the JSON output writes them.

use std::io::{self, Write};

use huaweicloud_rds::types::Backup;
use serde_json::Value;

/// The columns, in order; a script may rely on this header.
pub const HEADER: &str =
    "id,name,instance_id,type,status,datastore_type,datastore_version,size,begin_time,end_time";

/// Where each column's value is in a backup's JSON.
const FIELDS: [&[&str]; 10] = [
    &["id"],
    &["name"],
    &["instance_id"],
    &["type"],
    &["status"],
    &["datastore", "type"],
    &["datastore", "version"],
    &["size"],
    &["begin_time"],
    &["end_time"],
];

pub fn write_header(out: &mut impl Write) -> io::Result<()> {
    out.write_all(HEADER.as_bytes())?;
    out.write_all(b"\n")
}

/// One backup. It goes through its JSON form so that every value (sizes in
/// kB, times with their own offset, enum values as the service sent them)
/// is the one `--output json` shows.
pub fn write_row(out: &mut impl Write, backup: &Backup) -> io::Result<()> {
    let json = serde_json::to_value(backup).map_err(io::Error::other)?;
    let mut line = String::new();
    for (i, path) in FIELDS.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let value = path.iter().try_fold(&json, |v, key| v.get(key));
        match value {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => push_field(&mut line, s),
            Some(other) => push_field(&mut line, &other.to_string()),
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// A field, quoted when it holds a comma, a quote or a line break, with
/// quotes doubled (RFC 4180).
pub fn push_field(line: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&value.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(value: &str) -> String {
        let mut line = String::new();
        push_field(&mut line, value);
        line
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(field("plain 备份"), "plain 备份");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\r"), "\"cr\r\"");
    }
}
