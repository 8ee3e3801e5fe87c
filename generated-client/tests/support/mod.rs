//! A loopback HTTP server that answers from a script, and a client for it,
//! shared by the test binaries of this crate.
#![allow(dead_code)] // each test binary uses a different part

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use huaweicloud_rds::{Credentials, RdsClient};

pub const PROJECT: &str = "0483b6b16e954cb88930a360d2c4e663";
pub const PAGE: &str = r#"{"backups":[],"total_count":0}"#;
pub const BUSY: &str = r#"{"error_code":"DBS.108000","error_msg":"busy"}"#;

/// Answers the n-th request with `script[n]` (the last entry from then on)
/// and counts the requests.
pub struct Scripted {
    pub url: String,
    pub requests: Arc<AtomicUsize>,
}

pub fn scripted(script: &'static [(u16, &'static str)]) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for socket in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || serve(socket, &seen, script));
        }
    });
    Scripted { url, requests }
}

fn serve(mut socket: TcpStream, seen: &AtomicUsize, script: &[(u16, &str)]) {
    let _ = socket.set_read_timeout(Some(Duration::from_secs(20)));
    let mut buf = [0u8; 4096];
    loop {
        let mut head = Vec::new();
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let n = seen.fetch_add(1, Ordering::SeqCst);
        let (status, body) = script[n.min(script.len() - 1)];
        let reply = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if socket.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

pub fn client(url: &str) -> huaweicloud_rds::ClientBuilder {
    RdsClient::builder()
        .endpoint(url)
        .project_id(PROJECT)
        .credentials(Credentials::token("t"))
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .deadline(Duration::from_secs(60))
}
