//! The client's TLS against a loopback TLS server whose certificate no system
//! trusts: the handshake happens with this crate's rustls configuration, and
//! its refusal is an error a caller can read, never a panic.

#![cfg(feature = "rustls")]

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use huaweicloud_rds::{Credentials, Error, ListBackups, RdsClient};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const CERT: &[u8] = include_bytes!("data/tls/localhost.der");
const KEY: &[u8] = include_bytes!("data/tls/localhost.key.der");

/// What the server learnt from the client's hello.
#[derive(Debug)]
struct Hello {
    server_name: Option<String>,
    alpn: Option<Vec<u8>>,
}

/// Accepts one connection, runs the handshake as far as the client lets it,
/// and reports the client's hello. Returns the port.
fn tls_server() -> (u16, mpsc::Receiver<Hello>) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(CERT)],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(KEY)),
    )
    .expect("server certificate");
    let mut config = config;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((mut socket, _)) = listener.accept() else {
            return;
        };
        let _ = socket.set_read_timeout(Some(Duration::from_secs(20)));
        let mut conn = rustls::ServerConnection::new(config).expect("server connection");
        while conn.is_handshaking() {
            if conn.complete_io(&mut socket).is_err() {
                break;
            }
        }
        let _ = tx.send(Hello {
            server_name: conn.server_name().map(str::to_owned),
            alpn: conn.alpn_protocol().map(<[u8]>::to_vec),
        });
    });
    (port, rx)
}

fn received(rx: &mpsc::Receiver<Hello>) -> Hello {
    rx.recv_timeout(Duration::from_secs(30))
        .expect("the server saw a connection")
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_transport_error_naming_it() {
    let (port, rx) = tls_server();
    let client = RdsClient::builder()
        .endpoint(format!("https://localhost:{port}"))
        .project_id("0483b6b16e954cb88930a360d2c4e663")
        .credentials(Credentials::token("t"))
        .max_attempts(1)
        .build()
        .expect("an https client builds");
    let err = client
        .list_backups(&ListBackups::new("i1"))
        .await
        .expect_err("the certificate is not trusted");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.to_string().contains("certificate"), "{err}");

    let hello = received(&rx);
    assert_eq!(hello.server_name.as_deref(), Some("localhost"), "SNI");
    assert_eq!(hello.alpn.as_deref(), Some(&b"http/1.1"[..]), "ALPN");
}

#[tokio::test]
async fn the_plain_http_builder_never_completes_a_handshake() {
    let (port, rx) = tls_server();
    let http = huaweicloud_rds::tls::plain_http_builder()
        .expect("needs no trust store")
        .build()
        .expect("builds without a process-wide provider");
    let err = http
        .get(format!("https://localhost:{port}/"))
        .send()
        .await
        .expect_err("it trusts no certificate");
    let mut cause: &dyn std::error::Error = &err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    assert!(cause.to_string().contains("certificate"), "{cause}");
    assert_eq!(received(&rx).server_name.as_deref(), Some("localhost"));
}

#[test]
fn the_provider_is_the_one_the_features_choose() {
    let expected = if cfg!(feature = "aws-lc") {
        "aws-lc-rs"
    } else {
        "ring"
    };
    assert_eq!(huaweicloud_rds::tls::provider(), expected);
    huaweicloud_rds::tls::reqwest_builder()
        .expect("this machine has a trust store")
        .build()
        .expect("builds without a process-wide provider");
}
