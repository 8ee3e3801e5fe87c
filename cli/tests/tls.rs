//! `rds-backups` over TLS, against a loopback HTTPS server whose certificate
//! is signed by a test CA that only `SSL_CERT_FILE` makes trusted: the real
//! binary, the platform verifier, and a plain-http endpoint that needs no
//! trust store at all.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const BIN: &str = env!("CARGO_BIN_EXE_rds-backups");
const PROJECT: &str = "0483b6b16e954cb88930a360d2c4e663";
const BODY: &str = r#"{"backups":[{"id":"b1","name":"n","type":"auto","size":2803,"status":"COMPLETED","begin_time":"2018-08-06T12:41:14+0800","end_time":"2018-08-06T12:43:14+0800","datastore":{"type":"MySQL","version":"5.6"},"instance_id":"i1"}],"total_count":1}"#;

fn tls_data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../generated-client/tests/data/tls")
        .join(name)
}

/// An HTTPS server on 127.0.0.1 that answers every request with one page.
/// Its threads end with the test process.
fn https_server() -> u16 {
    let read = |name: &str| std::fs::read(tls_data(name)).expect("test certificate");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(read("localhost.der"))],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(read("localhost.key.der"))),
    )
    .expect("server certificate");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for socket in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = socket.set_read_timeout(Some(Duration::from_secs(20)));
                let conn = rustls::ServerConnection::new(config).expect("server connection");
                let mut stream = rustls::StreamOwned::new(conn, socket);
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{BODY}",
                    BODY.len()
                );
                let _ = stream.write_all(reply.as_bytes());
                stream.conn.send_close_notify();
                let _ = stream.flush();
            });
        }
    });
    port
}

/// The binary with a clean environment: a temp HOME, no credentials but the
/// token on the command line, both discovery endpoints on an unused loopback
/// port, and whatever `env` adds (the trust store variables).
fn run(args: &[&str], env: &[(&str, PathBuf)]) -> Output {
    let home = std::env::temp_dir().join(format!("rds-backups-tls-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("temp HOME");
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", "http://127.0.0.1:9")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://127.0.0.1:9")
        .stdin(Stdio::null());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // Only a hang is caught here: a run takes well under a second.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("rds-backups hung: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn list_args(endpoint: &str) -> Vec<&str> {
    vec![
        "--endpoint",
        endpoint,
        "--project-id",
        PROJECT,
        "--auth-token",
        "token",
        "list",
        "--instance-id",
        "i1",
        "--output",
        "json",
    ]
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn https_with_the_ca_in_ssl_cert_file_lists_the_page() {
    let endpoint = format!("https://localhost:{}", https_server());
    let out = run(
        &list_args(&endpoint),
        &[("SSL_CERT_FILE", tls_data("ca.pem"))],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(page["total_count"], 1);
    assert_eq!(page["backups"][0]["id"], "b1");
}

#[test]
fn https_with_an_untrusted_certificate_exits_1_naming_it() {
    let endpoint = format!("https://localhost:{}", https_server());
    // The system's trust store: the test CA is not in it.
    let out = run(&list_args(&endpoint), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.starts_with("error: ") && last.contains("certificate"),
        "{err}"
    );
}

#[test]
fn plain_http_needs_no_trust_store_and_https_without_one_exits_2() {
    let empty_dir = std::env::temp_dir().join(format!("rds-tls-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty_dir).expect("empty dir");
    let empty_file = empty_dir.join("none.pem");
    std::fs::write(&empty_file, "").expect("empty file");
    let no_store = [
        ("SSL_CERT_FILE", empty_file.clone()),
        ("SSL_CERT_DIR", empty_dir.clone()),
    ];

    let out = run(
        &[
            "--mock",
            "list",
            "--instance-id",
            "e0e0e0e0a1b24c3d8e9f0a1b2c3d4e50in01",
            "--output",
            "json",
        ],
        &no_store,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let endpoint = format!("https://localhost:{}", https_server());
    let out = run(&list_args(&endpoint), &no_store);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("TLS"), "{}", stderr(&out));
}
