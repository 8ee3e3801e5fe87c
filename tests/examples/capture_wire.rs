//! Capture list-backups requests exactly as the client puts them on the wire.
//!
//! `cargo run -p rds-tests --example capture_wire -- OUT.json`
//!
//! Starts two plain TCP listeners on 127.0.0.1 (two ports, so the `Host`
//! header varies), drives the real [`RdsClient`] against them with a range
//! of parameters and credentials, and writes one JSON object per request:
//! the request line and headers as received, byte for byte, plus the keys
//! that signed it. `cargo xtask sdk-sign-check` hands the file to the
//! official Python SDK's `Signer` to sign the same request again.
//!
//! The keys are test constants, not secrets.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use huaweicloud_rds::types::{BackupStatusFilter, BackupTypeFilter, Language};
use huaweicloud_rds::{Credentials, ListBackups, RdsClient, Timestamp};
use serde_json::{Value, json};

const AK: &str = "CAPTUREWIREAK0000001";
const SK: &str = "capture-wire-test-sk-0123456789abcdefghij";
/// A second pair, with characters outside `[A-Za-z0-9]` in the secret key.
const AK2: &str = "CAPTUREWIREAK0000002";
const SK2: &str = "sk with spaces/+=~%é";
const SECURITY_TOKEN: &str = "capture-wire-security-token/AbC+dEf==";
const PROJECT: &str = "0483b6b16e954cb88930a360d2c4e663";
const INSTANCE: &str = "43e4feaab48f11e89039fa163ebaa7e4in01";
const BACKUP: &str = "c0c9f155c7b7423a9d30f0175998b63bbr01";

const PAGE: &str = r#"{"backups":[],"total_count":0}"#;

/// One request as the listener saw it.
struct Captured {
    port: u16,
    head: String,
    body: Vec<u8>,
}

/// One call of the client: what it was asked to do and with which keys.
struct Case {
    name: &'static str,
    port: u16,
    project: &'static str,
    credentials: Keys,
    language: Option<Language>,
    request: ListBackups,
}

#[derive(Clone, Copy)]
enum Keys {
    AkSk(&'static str, &'static str),
    Temporary(&'static str, &'static str, &'static str),
}

impl Keys {
    fn credentials(self) -> Credentials {
        match self {
            Keys::AkSk(ak, sk) => Credentials::aksk(ak, sk),
            Keys::Temporary(ak, sk, token) => Credentials::temporary(ak, sk, token),
        }
    }

    fn json(self) -> Value {
        match self {
            Keys::AkSk(ak, sk) => json!({"ak": ak, "sk": sk, "security_token": null}),
            Keys::Temporary(ak, sk, token) => {
                json!({"ak": ak, "sk": sk, "security_token": token})
            }
        }
    }
}

fn main() {
    if let Err(message) = run() {
        eprintln!("capture_wire: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out] = args.as_slice() else {
        return Err("usage: capture_wire OUT.json".into());
    };

    let (sender, captured) = mpsc::channel();
    let first = listen(sender.clone())?;
    let second = listen(sender)?;
    let cases = cases(first, second)?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    let mut records = Vec::with_capacity(cases.len());
    for case in &cases {
        let mut builder = RdsClient::builder()
            .endpoint(format!("http://127.0.0.1:{}", case.port))
            .project_id(case.project)
            .credentials(case.credentials.credentials())
            .max_attempts(1);
        if let Some(language) = case.language {
            builder = builder.language(language);
        }
        let client = builder
            .build()
            .map_err(|e| format!("{}: cannot build the client: {e}", case.name))?;
        let page = runtime
            .block_on(client.list_backups(&case.request))
            .map_err(|e| format!("{}: the call failed: {e}", case.name))?;
        if page.total_count != 0 {
            return Err(format!("{}: unexpected page {page:?}", case.name));
        }
        let seen: Captured = captured
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| format!("{}: the listener saw no request", case.name))?;
        if seen.port != case.port {
            return Err(format!(
                "{}: request arrived on port {}, not {}",
                case.name, seen.port, case.port
            ));
        }
        records.push(record(case, &seen)?);
    }
    if let Ok(extra) = captured.try_recv() {
        return Err(format!("an unexpected extra request:\n{}", extra.head));
    }

    let text = serde_json::to_string_pretty(&records).map_err(|e| e.to_string())?;
    std::fs::write(out, text + "\n").map_err(|e| format!("cannot write {out}: {e}"))?;
    println!("captured {} requests into {out}", records.len());
    Ok(())
}

fn cases(first: u16, second: u16) -> Result<Vec<Case>, String> {
    let t = |s: &str| {
        s.parse::<Timestamp>()
            .map_err(|e| format!("bad test time {s:?}: {e}"))
    };
    let aksk = Keys::AkSk(AK, SK);
    let case = |name, request| Case {
        name,
        port: first,
        project: PROJECT,
        credentials: aksk,
        language: None,
        request,
    };
    Ok(vec![
        case("instance_only", ListBackups::new(INSTANCE)),
        case(
            "every_parameter_plus0800_window",
            ListBackups::new(INSTANCE)
                .backup_id(BACKUP)
                .backup_type(BackupTypeFilter::Manual)
                .status(BackupStatusFilter::Completed)
                .window(
                    t("2018-08-06T10:41:14+0800")?,
                    t("2018-08-07T10:41:14+0800")?,
                )
                .offset(0)
                .limit(100)
                .language(Language::EnUs),
        ),
        case(
            "utc_and_negative_offset_window_paging",
            ListBackups::new(INSTANCE)
                .backup_type(BackupTypeFilter::Incremental)
                .window(t("2018-08-06T02:41:14Z")?, t("2018-08-06T10:41:14-0330")?)
                .offset(20)
                .limit(10),
        ),
        case(
            "odd_characters_in_ids",
            ListBackups::new("a b+c~d_e.f-g*h/i=j&k?l#m%n'o(p)q!r@s:t,u;v$w")
                .backup_id("备份 1+2~é\u{1F600}")
                .backup_type(BackupTypeFilter::Fragment),
        ),
        case(
            "ids_that_look_encoded",
            ListBackups::new("%2B%20+%")
                .backup_id("a%2Fb")
                .backup_type(BackupTypeFilter::Auto),
        ),
        Case {
            project: "proj a~b+c=d@e:f",
            ..case("odd_project_id_in_path", ListBackups::new(INSTANCE))
        },
        Case {
            credentials: Keys::Temporary(AK, SK, SECURITY_TOKEN),
            language: Some(Language::ZhCn),
            ..case(
                "temporary_credentials_with_language",
                ListBackups::new(INSTANCE).limit(1),
            )
        },
        Case {
            credentials: Keys::AkSk(AK2, SK2),
            ..case(
                "second_key_pair",
                ListBackups::new(INSTANCE).backup_id(BACKUP),
            )
        },
        Case {
            port: second,
            credentials: Keys::Temporary(AK2, SK2, SECURITY_TOKEN),
            ..case(
                "other_port_temporary_every_parameter",
                ListBackups::new(INSTANCE)
                    .backup_id(BACKUP)
                    .backup_type(BackupTypeFilter::Auto)
                    .status(BackupStatusFilter::Building)
                    .window(
                        t("2024-02-29T23:59:59+0800")?,
                        t("2024-03-01T00:00:00+0800")?,
                    )
                    .offset(2147483647)
                    .limit(1)
                    .language(Language::EnUs),
            )
        },
    ])
}

/// The JSON the check reads: the request line split into method and raw
/// target, every header in order, and the keys that signed it.
fn record(case: &Case, seen: &Captured) -> Result<Value, String> {
    let mut lines = seen.head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("{}: bad request line {request_line:?}", case.name));
    };
    let mut headers = Vec::new();
    let mut sdk_date = None;
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("{}: bad header line {line:?}", case.name))?;
        let value = value.trim_matches([' ', '\t']);
        if name.eq_ignore_ascii_case("x-sdk-date") {
            sdk_date = Some(value.to_owned());
        }
        headers.push(json!([name, value]));
    }
    let mut record = json!({
        "name": case.name,
        "port": seen.port,
        "method": method,
        "target": target,
        "http_version": version,
        "headers": headers,
        "sdk_date": sdk_date,
        "body": String::from_utf8_lossy(&seen.body),
        "raw_head": seen.head,
    });
    if let (Value::Object(map), Value::Object(keys)) = (&mut record, case.credentials.json()) {
        map.extend(keys);
    }
    Ok(record)
}

/// A listener on 127.0.0.1 that records each request head and answers an
/// empty page. Returns its port.
fn listen(sender: mpsc::Sender<Captured>) -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let port = listener
        .local_addr()
        .map(|a: SocketAddr| a.port())
        .map_err(|e| e.to_string())?;
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            match serve(stream) {
                Ok((head, body)) => {
                    if sender.send(Captured { port, head, body }).is_err() {
                        return;
                    }
                }
                Err(e) => eprintln!("capture_wire: listener on {port}: {e}"),
            }
        }
    });
    Ok(port)
}

/// Read one request head (up to the blank line) and any declared body,
/// answer with the page and close.
fn serve(stream: TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = reader.read_until(b'\n', &mut head)?;
        if n == 0 {
            return Err(std::io::Error::other("connection closed inside the head"));
        }
        if &head[before..] == b"\r\n" {
            break;
        }
        if head.len() > 64 * 1024 {
            return Err(std::io::Error::other("request head over 64 KiB"));
        }
    }
    let head =
        String::from_utf8(head).map_err(|_| std::io::Error::other("request head is not UTF-8"))?;
    let length = head
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let mut body = Vec::new();
    reader.take(length).read_to_end(&mut body)?;
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         X-Request-Id: capture-wire\r\nConnection: close\r\n\r\n{PAGE}",
        PAGE.len()
    )?;
    stream.flush()?;
    Ok((head, body))
}
