//! What the real binary draws on a terminal: stderr on a pseudo-terminal
//! opened here, read back byte for byte.

use std::fs::File;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::process::{Command, Output, Stdio};
use std::thread;

use huaweicloud_rds_mock::{
    Backup, Datastore, INSTANCE_LARGE, INSTANCE_MYSQL, LARGE_INSTANCE_BACKUPS, MOCK_AUTH_TOKEN,
    MOCK_PROJECT_ID, MockConfig, MockServer,
};
use rustix::fs::{Mode, OFlags};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{Winsize, tcsetwinsize};

const BIN: &str = env!("CARGO_BIN_EXE_rds-backups");

/// A pseudo-terminal: the side the test reads, the side the binary writes.
fn pty() -> (OwnedFd, OwnedFd) {
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
        ws_col: 160,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    tcsetwinsize(&user, size).expect("window size");
    (controller, user)
}

/// Run the binary with stderr on a terminal and stdout captured; returns
/// the run and everything drawn on the terminal.
fn run_on_terminal(args: &[&str], env: &[(&str, &str)]) -> (Output, String) {
    let (controller, user) = pty();
    let home = std::env::temp_dir().join(format!("rds-backups-terminal-{}", std::process::id()));
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("TERM", "xterm-256color")
        .env("TZ", "UTC")
        .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", "http://127.0.0.1:9")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://127.0.0.1:9")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(user));
    let child = command.spawn().expect("rds-backups runs");
    // Only the child holds the terminal side now: reading ends when it exits.
    drop(command);
    let reader = thread::spawn(move || {
        let mut file = File::from(controller);
        let mut drawn = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => drawn.extend_from_slice(&buf[..n]),
                // Linux answers EIO once the last writer has closed.
                Err(_) => break,
            }
        }
        drawn
    });
    let output = child.wait_with_output().expect("rds-backups ends");
    let drawn = reader.join().expect("reader");
    (output, String::from_utf8_lossy(&drawn).into_owned())
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
    let (o, drawn) = run_on_terminal(
        &[
            "--mock",
            "list",
            "--instance-id",
            INSTANCE_LARGE,
            "--instance-id",
            INSTANCE_MYSQL,
            "--all",
            "--limit",
            "20",
            "--output",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{drawn}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
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
    let (o, drawn) = run_on_terminal(
        &[
            "--mock",
            "list",
            "--instance-id",
            INSTANCE_LARGE,
            "--instance-id",
            "no-such-instance",
            "--all",
            "--output",
            "ndjson",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{drawn}");
    let error = drawn.rfind("error:").expect("an error line");
    let last_clear = drawn.rfind("\u{1b}[2K").expect("the bar was cleared");
    assert!(last_clear < error, "{drawn:?}");
    assert!(!drawn[error..].contains("backups "), "{drawn:?}");
    let lines = String::from_utf8(o.stdout).unwrap().lines().count();
    assert_eq!(
        lines, LARGE_INSTANCE_BACKUPS,
        "the first instance was listed"
    );
}

#[test]
fn nothing_is_drawn_when_stderr_is_not_a_terminal() {
    let o = Command::new(BIN)
        .args([
            "--mock",
            "list",
            "--instance-id",
            INSTANCE_LARGE,
            "--all",
            "--output",
            "ndjson",
        ])
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .env("TERM", "xterm-256color")
        .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", "http://127.0.0.1:9")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://127.0.0.1:9")
        .stdin(Stdio::null())
        .output()
        .expect("rds-backups runs");
    assert_eq!(o.status.code(), Some(0));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
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
    assert_eq!(o.status.code(), Some(0), "{drawn}");
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
    assert_eq!(o.status.code(), Some(2));
    assert!(
        visible(&coloured).contains("similar subcommand exists: 'list'"),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\u{1b}["),
        "clap colours on a terminal: {coloured:?}"
    );
    let (o, plain) = run_on_terminal(&["lsit"], &[("NO_COLOR", "1")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
}

fn backup(instance: &str, n: usize) -> Backup {
    Backup {
        id: format!("{instance}-b{n}"),
        name: format!("backup {n}"),
        backup_type: "auto".into(),
        size: 1024,
        status: "COMPLETED".into(),
        begin_time: format!("2026-01-01T0{n}:00:00+0800"),
        end_time: format!("2026-01-01T0{n}:30:00+0800"),
        datastore: Datastore {
            engine: "MySQL".into(),
            version: "8.0".into(),
        },
        databases: None,
        associated_with_ddm: None,
        min_data_volume_capacity_for_restore: None,
        instance_id: instance.into(),
    }
}

#[test]
fn many_instances_keep_the_screen_and_the_output_whole() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = rt
        .block_on(MockServer::start(MockConfig::default()))
        .unwrap();
    let ids: Vec<String> = (1..=12).map(|i| format!("crowd-{i:02}")).collect();
    for id in &ids {
        server.insert_instance(id, &[backup(id, 1), backup(id, 2), backup(id, 3)]);
    }
    let url = server.base_url();
    let mut args = vec![
        "--endpoint",
        url.as_str(),
        "--project-id",
        MOCK_PROJECT_ID,
        "--auth-token",
        MOCK_AUTH_TOKEN,
        "list",
        "--all",
        "--limit",
        "1",
        "--output",
        "ndjson",
    ];
    for id in &ids {
        args.extend(["--instance-id", id.as_str()]);
    }
    let (o, drawn) = run_on_terminal(&args, &[]);
    assert_eq!(o.status.code(), Some(0), "{drawn}");
    let listed: Vec<String> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
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
