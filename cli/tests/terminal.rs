//! What the real binary draws on a terminal: stderr on a pseudo-terminal
//! opened here, read back byte for byte.

mod support;

use std::fs::File;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use huaweicloud_rds_mock::{Backup, INSTANCE_LARGE, INSTANCE_MYSQL, LARGE_INSTANCE_BACKUPS};
use rustix::fs::{Mode, OFlags};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{Winsize, tcsetwinsize};
use support::{Run, WALK_LARGE_NDJSON};

/// A walk of the 10,000-backup instance, with room for a busy machine.
const BUDGET: Duration = Duration::from_secs(10);

/// A pseudo-terminal: the side the test reads, the side the binary writes.
fn pty() -> (OwnedFd, OwnedFd) {
    pty_sized(160)
}

/// A pseudo-terminal `columns` wide.
fn pty_sized(columns: u16) -> (OwnedFd, OwnedFd) {
    let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
    grantpt(&controller).expect("grantpt");
    unlockpt(&controller).expect("unlockpt");
    let name = ptsname(&controller, Vec::new()).expect("ptsname");
    let user = rustix::fs::open(
        name.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY,
        Mode::empty(),
    )
    .expect("open the terminal side");
    let size = Winsize {
        ws_row: 40,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    tcsetwinsize(&user, size).expect("window size");
    (controller, user)
}

/// The binary with `args` and a terminal's environment; a test may add
/// variables before [`on_terminal`] runs it.
fn terminal(args: &[&str]) -> support::Cli {
    support::cli()
        .env("TERM", "xterm-256color")
        .env("TZ", "UTC")
        .args(args)
        .budget(BUDGET)
}

/// Run with stderr on a terminal and stdout captured; returns the run (its
/// `stderr` empty) and everything drawn on the terminal.
fn on_terminal(cli: support::Cli) -> (Run, String) {
    on_terminal_interrupted(cli, false, pty())
}

/// As [`on_terminal`]; with `interrupt`, SIGINT (ctrl-c) is sent once the
/// first bar is on the screen.
fn on_terminal_interrupted(
    cli: support::Cli,
    interrupt: bool,
    (controller, user): (OwnedFd, OwnedFd),
) -> (Run, String) {
    let (mut command, _home) = cli.command();
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(user));
    let mut child = command.spawn().expect("rds-backups runs");
    // Only the child holds the terminal side now: reading ends when it exits.
    drop(command);
    let drawn = Arc::new(Mutex::new(Vec::new()));
    let reader = thread::spawn({
        let drawn = Arc::clone(&drawn);
        move || {
            let mut file = File::from(controller);
            let mut buf = [0u8; 4096];
            loop {
                match file.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => drawn.lock().unwrap().extend_from_slice(&buf[..n]),
                    // Linux answers EIO once the last writer has closed.
                    Err(_) => break,
                }
            }
        }
    });
    let mut pipe = child.stdout.take().expect("stdout piped");
    let stdout = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    });
    if interrupt {
        let deadline = Instant::now() + BUDGET;
        while !String::from_utf8_lossy(&drawn.lock().unwrap()).contains("backups") {
            assert!(Instant::now() < deadline, "no bar was drawn");
            thread::sleep(Duration::from_millis(10));
        }
        let pid = rustix::process::Pid::from_child(&child);
        rustix::process::kill_process(pid, rustix::process::Signal::INT).expect("SIGINT");
    }
    let code = support::wait_guarded(&mut child, BUDGET, "on a terminal");
    let run = Run {
        code,
        stdout: String::from_utf8(stdout.join().expect("stdout")).expect("UTF-8 stdout"),
        stderr: String::new(),
    };
    reader.join().expect("reader");
    let drawn = String::from_utf8_lossy(&drawn.lock().unwrap()).into_owned();
    (run, drawn)
}

fn run_on_terminal(args: &[&str], env: &[(&str, &str)]) -> (Run, String) {
    on_terminal(terminal(args).envs(env))
}

/// A walk of the whole large instance and then of `second`, with `rest`
/// after, run on a terminal.
fn walk_large_then(second: &str, rest: &[&str]) -> (Run, String) {
    let mut args = vec![
        "--mock",
        "list",
        "--instance-id",
        INSTANCE_LARGE,
        "--instance-id",
        second,
        "--all",
    ];
    args.extend_from_slice(rest);
    run_on_terminal(&args, &[])
}

/// The screen text without escape sequences.
fn visible(drawn: &str) -> String {
    let mut out = String::new();
    let mut chars = drawn.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next_if_eq(&'[').is_some() {
                for n in chars.by_ref() {
                    if n.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The last bar drawn was erased afterwards, and nothing but cursor moves
/// and erasing followed.
fn cleared_at_the_end(drawn: &str) -> bool {
    let Some(last_bar) = drawn.rfind("backups") else {
        return false;
    };
    let after = &drawn[last_bar..];
    after.contains("\u{1b}[2K")
        && !visible(&after[after.find("\u{1b}[2K").unwrap()..])
            .contains(|c: char| !c.is_whitespace())
}

#[test]
fn all_draws_one_bar_per_instance_then_clears_it() {
    let (o, drawn) = walk_large_then(INSTANCE_MYSQL, &["--limit", "20", "--output", "json"]);
    assert_eq!(o.code, Some(0), "{drawn}");
    let json = o.json();
    let listed = json["backups"].as_array().unwrap();
    let mysql = listed
        .iter()
        .filter(|b| b["instance_id"] == INSTANCE_MYSQL)
        .count();
    let text = visible(&drawn);
    assert!(
        text.contains(&format!("{INSTANCE_LARGE} [=====")),
        "a full bar: {text:?}"
    );
    assert!(
        text.contains(&format!(
            "=] {LARGE_INSTANCE_BACKUPS}/{LARGE_INSTANCE_BACKUPS} backups"
        )),
        "final count of the large instance: {text:?}"
    );
    assert!(
        text.contains(&format!("{INSTANCE_MYSQL} ["))
            && text.contains(&format!("{mysql}/{mysql} backups")),
        "a line of its own for the second instance: {text:?}"
    );
    assert!(text.contains("pages/s"), "{text:?}");
    assert!(text.contains(" left"), "time left: {text:?}");
    assert!(cleared_at_the_end(&drawn), "{drawn:?}");
}

#[test]
fn errors_are_written_after_the_bar_is_cleared() {
    let (o, drawn) = walk_large_then("no-such-instance", &["--output", "ndjson"]);
    assert_eq!(o.code, Some(1), "{drawn}");
    let error = drawn.rfind("error:").expect("an error line");
    let last_clear = drawn.rfind("\u{1b}[2K").expect("the bar was cleared");
    assert!(last_clear < error, "{drawn:?}");
    assert!(!drawn[error..].contains("backups "), "{drawn:?}");
    let lines = o.stdout.lines().count();
    assert_eq!(
        lines, LARGE_INSTANCE_BACKUPS,
        "the first instance was listed"
    );
}

#[test]
fn nothing_is_drawn_when_stderr_is_not_a_terminal() {
    let o = terminal(&WALK_LARGE_NDJSON).run();
    o.assert_exit(0);
    assert!(o.stderr.is_empty(), "{}", o.stderr);
}

fn verbose_run(env: &[(&str, &str)]) -> String {
    let (o, drawn) = run_on_terminal(
        &[
            "-v",
            "--mock",
            "list",
            "--instance-id",
            INSTANCE_MYSQL,
            "--output",
            "json",
        ],
        env,
    );
    assert_eq!(o.code, Some(0), "{drawn}");
    assert!(visible(&drawn).contains("DEBUG"), "logs drawn: {drawn:?}");
    drawn
}

#[test]
fn verbose_logs_are_coloured_on_a_terminal_unless_no_color() {
    assert!(verbose_run(&[]).contains("\u{1b}["), "colour by default");
    let plain = verbose_run(&[("NO_COLOR", "1")]);
    assert!(!plain.contains('\u{1b}'), "NO_COLOR honoured: {plain:?}");
}

#[test]
fn usage_errors_honour_no_color() {
    let (o, coloured) = run_on_terminal(&["lsit"], &[]);
    assert_eq!(o.code, Some(2));
    assert!(
        visible(&coloured).contains("similar subcommand exists: 'list'"),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\u{1b}["),
        "clap colours on a terminal: {coloured:?}"
    );
    let (o, plain) = run_on_terminal(&["lsit"], &[("NO_COLOR", "1")]);
    assert_eq!(o.code, Some(2));
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
}

fn backup(instance: &str, n: usize) -> Backup {
    Backup {
        name: format!("backup {n}"),
        backup_type: "auto".into(),
        size: 1024,
        end_time: format!("2026-01-01T0{n}:30:00+0800"),
        ..support::backup(
            instance,
            &format!("{instance}-b{n}"),
            &format!("2026-01-01T0{n}:00:00+0800"),
        )
    }
}

#[test]
fn many_instances_keep_the_screen_and_the_output_whole() {
    let server = support::mock();
    let ids: Vec<String> = (1..=12).map(|i| format!("crowd-{i:02}")).collect();
    for id in &ids {
        server.insert_instance(id, &[backup(id, 1), backup(id, 2), backup(id, 3)]);
    }
    let mut args = vec!["list", "--all", "--limit", "1", "--output", "ndjson"];
    for id in &ids {
        args.extend(["--instance-id", id.as_str()]);
    }
    let cli = support::against(&server)
        .env("TERM", "xterm-256color")
        .args(&args)
        .budget(BUDGET);
    let (o, drawn) = on_terminal(cli);
    assert_eq!(o.code, Some(0), "{drawn}");
    let listed = o.ndjson_ids();
    let expected: Vec<String> = ids
        .iter()
        .flat_map(|id| (1..=3).rev().map(move |n| format!("{id}-b{n}")))
        .collect();
    assert_eq!(listed, expected, "stdout untouched by the bars");
    let text = visible(&drawn);
    assert!(
        text.contains("crowd-12 [") && text.contains("3/3 backups"),
        "{text:?}"
    );
    assert!(cleared_at_the_end(&drawn), "{drawn:?}");
}

#[test]
fn ctrl_c_clears_the_bars_keeps_whole_lines_and_exits_130() {
    // One backup a page, one page at a time: the walk is still running
    // when the signal arrives.
    let cli = terminal(&[
        "--mock",
        "list",
        "--instance-id",
        INSTANCE_LARGE,
        "--all",
        "--limit",
        "1",
        "--concurrency",
        "1",
        "--output",
        "ndjson",
    ]);
    let (o, drawn) = on_terminal_interrupted(cli, true, pty());
    assert_eq!(o.code, Some(130), "{drawn:?}");
    let error = drawn
        .rfind("error: interrupted")
        .expect("says why it stopped");
    let last_clear = drawn.rfind("\u{1b}[2K").expect("the bar was cleared");
    assert!(last_clear < error, "{drawn:?}");
    assert!(!drawn[error..].contains("backups"), "{drawn:?}");
    let listed = o.ndjson_ids();
    assert!(listed.len() < LARGE_INSTANCE_BACKUPS, "stopped early");
}

#[test]
fn on_an_80_column_terminal_no_bar_line_wraps() {
    let cli = terminal(&WALK_LARGE_NDJSON);
    let (o, drawn) = on_terminal_interrupted(cli, false, pty_sized(80));
    assert_eq!(o.code, Some(0), "{drawn:?}");
    let text = visible(&drawn);
    assert!(
        text.contains(&format!(
            "{INSTANCE_LARGE} {LARGE_INSTANCE_BACKUPS}/{LARGE_INSTANCE_BACKUPS} backups 100%"
        )),
        "the final count: {text:?}"
    );
    let widest = text.split(['\r', '\n']).map(str::len).max().unwrap_or(0);
    assert!(widest <= 80, "a line of {widest} columns: {text:?}");
    assert!(cleared_at_the_end(&drawn), "{drawn:?}");
}

/// The bar learns its total from the walk's own first page: every request
/// sent is one of the walk's pages (no one-backup request beside it).
#[test]
fn the_bar_total_comes_from_the_walk_itself() {
    let server = support::mock();
    let id = "bar-total";
    let backups: Vec<Backup> = (1..=5).map(|n| backup(id, n)).collect();
    server.insert_instance(id, &backups);
    let cli = support::against(&server)
        .env("TERM", "xterm-256color")
        .args(["list", "--all", "--limit", "2", "--instance-id", id])
        .args(["--output", "ndjson"])
        .budget(BUDGET);
    let (o, drawn) = on_terminal(cli);
    assert_eq!(o.code, Some(0), "{drawn}");
    assert_eq!(o.ndjson_ids().len(), 5);
    let text = visible(&drawn);
    assert!(text.contains("] 5/5 backups"), "{text:?}");
    let received = server.received();
    assert!(!received.is_empty());
    for request in received {
        assert!(request.target.contains("limit=2"), "{}", request.target);
    }
    assert!(cleared_at_the_end(&drawn), "{drawn:?}");
}
