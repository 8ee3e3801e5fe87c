//! The `rds-mock` binary: prints its address, serves, stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use huaweicloud_rds_mock::{INSTANCE_MYSQL, MOCK_PROJECT_ID};

fn get(addr: &str, query: &str) -> String {
    let mut c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        c,
        "GET /v3/{MOCK_PROJECT_ID}/backups?{query} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    c.read_to_string(&mut out).unwrap();
    out
}

fn run(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rds-mock"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

#[test]
fn prints_address_serves_and_stops_on_sigterm() {
    let (mut child, line) = run(&["--port", "0"]);
    let url = line
        .strip_suffix('\n')
        .and_then(|l| l.strip_prefix("listening on http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let port: u16 = url.parse().unwrap();
    assert_ne!(port, 0);
    let addr = format!("127.0.0.1:{port}");
    // Verification is on: no credentials, 401.
    assert!(get(&addr, &format!("instance_id={INSTANCE_MYSQL}")).starts_with("HTTP/1.1 401 "));

    #[cfg(unix)]
    {
        let st = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let status = child.wait().unwrap();
        assert!(status.success(), "{status:?}");
        assert!(TcpStream::connect(&addr).is_err());
    }
    #[cfg(not(unix))]
    {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn no_verify_signature_flag() {
    let (mut child, line) = run(&["--no-verify-signature"]);
    let addr = line
        .trim()
        .trim_start_matches("listening on http://")
        .to_owned();
    let resp = get(&addr, &format!("instance_id={INSTANCE_MYSQL}&limit=1"));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(resp.starts_with("HTTP/1.1 200 "), "{resp}");
    assert!(resp.contains("\"total_count\":13"), "{resp}");
}

#[test]
fn bad_arguments_fail() {
    let out = Command::new(env!("CARGO_BIN_EXE_rds-mock"))
        .args(["--port", "notaport"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port"));
}
