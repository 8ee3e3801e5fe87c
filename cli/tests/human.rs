//! The real binary as people read it: the table, `--help`, completions.

mod support;

use huaweicloud_rds_mock::{Backup, MockServer};
use support::Run;
use unicode_width::UnicodeWidthStr;

fn run(args: &[&str], tz: &str) -> Run {
    support::cli().args(args).env("TZ", tz).run()
}

fn against(server: &MockServer, args: &[&str], tz: &str) -> Run {
    support::against(server).args(args).env("TZ", tz).run()
}

fn backup(id: &str, name: &str, begin: &str) -> Backup {
    Backup {
        name: name.into(),
        ..support::backup("table-instance", id, begin)
    }
}

#[test]
fn table_aligns_wide_names_and_shows_local_times_with_the_zone() {
    let server = support::mock();
    server.insert_instance(
        "table-instance",
        &[
            backup("b1", "备份", "2026-01-01T02:00:00+0800"),
            backup("b2", "plain-name", "2025-12-31T18:00:00Z"),
        ],
    );
    let args = [
        "list",
        "--instance-id",
        "table-instance",
        "--output",
        "table",
    ];
    let o = against(&server, &args, "EST5");
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let table = o.stdout.clone();
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].contains("BEGIN (UTC-05:00)"), "{table}");
    // Where a column starts, in terminal columns, is the same on every line.
    let column_of = |line: &str, cell: &str| line[..line.find(cell).unwrap()].width();
    let type_at = column_of(lines[0], "TYPE");
    for line in &lines[1..] {
        assert_eq!(column_of(line, "manual"), type_at, "aligned:\n{table}");
    }
    let begin_at = column_of(lines[0], "BEGIN");
    let wide = lines.iter().find(|l| l.contains("备份")).unwrap();
    assert_eq!(column_of(wide, "2025-12-31 13:00:00"), begin_at, "{table}");
    let plain = lines.iter().find(|l| l.contains("plain-name")).unwrap();
    assert_eq!(column_of(plain, "2025-12-31 13:00:00"), begin_at, "{table}");

    let o = against(&server, &args, "CST-8");
    let table = o.stdout.clone();
    assert!(
        table.lines().next().unwrap().contains("BEGIN (UTC+08:00)"),
        "{table}"
    );
    assert!(table.contains("2026-01-01 02:00:00"), "{table}");
}

#[test]
fn long_help_groups_options_and_ends_with_examples() {
    let o = run(&["list", "--help"], "UTC");
    assert_eq!(o.code, Some(0));
    let help = o.stdout.clone();
    let at = |heading: &str| {
        help.find(&format!("\n{heading}:\n"))
            .unwrap_or_else(|| panic!("no {heading} heading:\n{help}"))
    };
    let filters = at("Filters");
    assert!(help[filters..].contains("--backup-type"));
    assert!(help[at("Connection")..].contains("--endpoint"));
    assert!(help[at("Credentials")..].contains("--auth-token"));
    assert!(help[at("Output")..].contains("--output"));
    let examples = at("Examples");
    assert!(examples > filters, "examples at the end");
    assert!(
        help[examples..].matches("rds-backups ").count() >= 2,
        "{help}"
    );
    // Short help stays short.
    let short = run(&["list", "-h"], "UTC").stdout;
    assert!(!short.contains("Examples:"), "{short}");
}

#[test]
fn typos_get_suggestions_and_exit_2() {
    let o = run(
        &["--mock", "list", "--instance-id", "i", "--outptu", "json"],
        "UTC",
    );
    assert_eq!(o.code, Some(2));
    assert!(
        o.stderr
            .contains("tip: a similar argument exists: '--output'"),
        "{}",
        o.stderr
    );
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _rds__backups"),
        ("zsh", "#compdef rds-backups"),
        ("fish", "complete -c rds-backups"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[rds-backups]"),
    ] {
        let o = run(&["completions", shell], "UTC");
        assert_eq!(o.code, Some(0), "{shell}: {}", o.stderr);
        let script = o.stdout.clone();
        assert!(script.contains(marker), "{shell}:\n{script}");
        assert!(
            script.contains("instance-id"),
            "{shell} completes list's options"
        );
    }
    let o = run(&["completions", "tcsh"], "UTC");
    assert_eq!(o.code, Some(2));
}

#[test]
fn man_pages_cover_the_program_and_every_subcommand() {
    let dir = std::env::temp_dir().join(format!("rds-backups-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = run(&["man-pages", "--out-dir", dir.to_str().unwrap()], "UTC");
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let main = read("rds-backups.1");
    assert!(
        main.starts_with(".ie") || main.contains(".TH rds-backups 1"),
        "{main}"
    );
    for sub in ["list", "completions"] {
        let page = read(&format!("rds-backups-{sub}.1"));
        assert!(page.contains(&format!(".TH rds-backups-{sub} 1")), "{page}");
        assert!(
            main.contains(&format!("rds\\-backups\\-{sub}(1)")),
            "{main}"
        );
    }
    assert!(
        !main.contains("man\\-pages"),
        "the hidden subcommand has no page"
    );
    let list = read("rds-backups-list.1");
    for option in ["instance\\-id", "output", "endpoint", "auth\\-token"] {
        assert!(
            list.contains(&format!("\\-\\-{option}")),
            "{option} in:\n{list}"
        );
    }
    assert!(list.contains(".SH FILTERS"), "{list}");
    assert!(main.contains("Examples:"), "{main}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn table_across_a_dst_change_gives_each_time_its_offset() {
    let server = support::mock();
    server.insert_instance(
        "table-instance",
        &[
            backup("winter", "w", "2026-01-15T12:00:00+0000"),
            backup("summer", "s", "2026-07-15T12:00:00+0000"),
        ],
    );
    let o = against(
        &server,
        &[
            "list",
            "--instance-id",
            "table-instance",
            "--output",
            "table",
        ],
        // US Eastern as a POSIX rule: no zone database needed.
        "EST5EDT,M3.2.0,M11.1.0",
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let table = o.stdout.clone();
    assert!(
        table.lines().next().unwrap().contains("BEGIN (local)"),
        "{table}"
    );
    assert!(table.contains("2026-01-15 07:00:00 UTC-05:00"), "{table}");
    assert!(table.contains("2026-07-15 08:00:00 UTC-04:00"), "{table}");
}
