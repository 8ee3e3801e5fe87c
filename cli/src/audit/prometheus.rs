//! The check's result in the Prometheus text exposition format (version
//! 0.0.4), for node_exporter's textfile collector or a push from cron.

use std::fmt::Write as _;

use crate::audit::check::{Checked, Report};

/// One gauge family: its name, help text, and the value for an instance
/// (`None`: no sample for it).
struct Family {
    name: &'static str,
    help: &'static str,
    with_kind: bool,
    value: fn(&Checked, i64) -> Option<i64>,
}

const FAMILIES: [Family; 4] = [
    Family {
        name: "rds_backup_fresh",
        help: "1 when the newest COMPLETED backup of the kind began within the maximum age, else 0.",
        with_kind: true,
        value: |c, max_age| c.outcome.is_ok().then(|| i64::from(c.fresh(max_age))),
    },
    Family {
        name: "rds_backup_latest_completed_begin_timestamp_seconds",
        help: "Unix time the newest COMPLETED backup of the kind began (none in the window: no sample).",
        with_kind: true,
        value: |c, _| match &c.outcome {
            Ok(Some(latest)) => Some(latest.backup.begin_time.unix_seconds()),
            _ => None,
        },
    },
    Family {
        name: "rds_backup_age_seconds",
        help: "Seconds since the newest COMPLETED backup of the kind began (none in the window: no sample).",
        with_kind: true,
        value: |c, _| match &c.outcome {
            Ok(Some(latest)) => Some(latest.age_seconds),
            _ => None,
        },
    },
    Family {
        name: "rds_backup_check_success",
        help: "1 when the instance's backups could be listed, 0 when the check failed.",
        with_kind: false,
        value: |c, _| Some(i64::from(c.outcome.is_ok())),
    },
];

/// Every family with its `# HELP` and `# TYPE`, one sample per instance that
/// has a value.
pub fn exposition(report: &Report) -> String {
    let kind = escape_label(report.kind.as_str());
    let mut text = String::new();
    for family in &FAMILIES {
        let _ = writeln!(text, "# HELP {} {}", family.name, family.help);
        let _ = writeln!(text, "# TYPE {} gauge", family.name);
        for checked in &report.instances {
            let Some(value) = (family.value)(checked, report.max_age_seconds) else {
                continue;
            };
            let id = escape_label(&checked.instance_id);
            if family.with_kind {
                let _ = writeln!(
                    text,
                    "{}{{instance_id=\"{id}\",kind=\"{kind}\"}} {value}",
                    family.name
                );
            } else {
                let _ = writeln!(text, "{}{{instance_id=\"{id}\"}} {value}", family.name);
            }
        }
    }
    text
}

/// A label value as the format requires: `\`, `"` and line feeds escaped.
fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Kind;
    use crate::audit::check::Latest;
    use huaweicloud_rds::Error;
    use huaweicloud_rds::types::Backup;

    fn report(instances: Vec<Checked>) -> Report {
        Report {
            checked_at: "2026-01-01T10:00:00+0800".parse().unwrap(),
            max_age_seconds: 3600,
            kind: Kind::Full,
            instances,
        }
    }

    fn latest(age_seconds: i64) -> Latest {
        let backup: Backup = serde_json::from_value(serde_json::json!({
            "id": "b", "name": "b", "type": "auto", "size": 1, "status": "COMPLETED",
            "begin_time": "2026-01-01T09:30:00+0800", "end_time": "2026-01-01T09:40:00+0800",
            "datastore": {"type": "MySQL", "version": "8.0"}, "instance_id": "i"
        }))
        .unwrap();
        Latest {
            backup,
            age_seconds,
        }
    }

    #[test]
    fn each_state_has_exactly_its_samples() {
        let text = exposition(&report(vec![
            Checked {
                instance_id: "fresh".into(),
                outcome: Ok(Some(latest(1800))),
            },
            Checked {
                instance_id: "none".into(),
                outcome: Ok(None),
            },
            Checked {
                instance_id: "bad\"id\\".into(),
                outcome: Err(Error::Config("x".into())),
            },
        ]));
        let samples: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            samples,
            [
                r#"rds_backup_fresh{instance_id="fresh",kind="full"} 1"#,
                r#"rds_backup_fresh{instance_id="none",kind="full"} 0"#,
                r#"rds_backup_latest_completed_begin_timestamp_seconds{instance_id="fresh",kind="full"} 1767231000"#,
                r#"rds_backup_age_seconds{instance_id="fresh",kind="full"} 1800"#,
                r#"rds_backup_check_success{instance_id="fresh"} 1"#,
                r#"rds_backup_check_success{instance_id="none"} 1"#,
                r#"rds_backup_check_success{instance_id="bad\"id\\"} 0"#,
            ]
        );
        assert_eq!(text.matches("# TYPE ").count(), 4);
        assert!(text.contains("# TYPE rds_backup_fresh gauge\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    }
}
