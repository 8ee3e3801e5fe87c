//! Mutated requests never make the server panic and always get a well-formed answer
//! (or a close). In its own test binary because it installs a panic hook.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{assert_still_serves, raw, start};
use huaweicloud_rds_mock::*;

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// SplitMix64, so every run mutates the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPICE: &[&[u8]] = &[
    b"%",
    b"%zz",
    b"%ff",
    b"+",
    b"&",
    b"=",
    b"\r\n",
    b"\n",
    b"\0",
    b" ",
    b"\xff",
    b"?",
    b"offset=-1&",
    b"limit=100&",
    b"begin_time=2024-06-29T02%3A00%3A00%2B0800&",
    b"end_time=2024-06-30T02%3A00%3A00%2B0800&",
    b"Content-Length: 3\r\n",
    b"Expect: 100-continue\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Connection: keep-alive\r\n",
    b"\xe5\xa4\x87",
];

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] = rng.next() as u8;
            }
            1 => v.insert(at, rng.next() as u8),
            2 => {
                let end = (at + rng.below(16)).min(v.len());
                v.drain(at..end);
            }
            3 => {
                let s = SPICE[rng.below(SPICE.len())];
                v.splice(at..at, s.iter().copied());
            }
            4 => v.truncate(at),
            _ => {
                let end = (at + rng.below(32)).min(v.len());
                let dup: Vec<u8> = v[at..end].to_vec();
                v.splice(at..at, dup);
            }
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_requests_are_answered_or_closed_without_panics() {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        prev(info);
    }));
    let s = start().await;
    let bases = [
        format!(
            "GET /v3/{MOCK_PROJECT_ID}/backups?instance_id={INSTANCE_MYSQL}&offset=2&limit=3&backup_type=auto HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: {MOCK_AUTH_TOKEN}\r\n\r\n"
        ),
        format!(
            "GET /v3/{MOCK_PROJECT_ID}/backups?instance_id={INSTANCE_SQLSERVER}&status=FAILED&begin_time=2024-06-29T02%3A00%3A00%2B0800&end_time=2024-06-30T02%3A00%3A00%2B0800 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: {MOCK_AUTH_TOKEN}\r\n\r\n"
        ),
        format!(
            "GET /v3/{MOCK_PROJECT_ID}/backups?instance_id={INSTANCE_MYSQL} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sdk-Date: 20240630T000000Z\r\nAuthorization: SDK-HMAC-SHA256 Access={MOCK_ACCESS_KEY}, SignedHeaders=host;x-sdk-date, Signature=0000000000000000000000000000000000000000000000000000000000000000\r\n\r\n"
        ),
    ];
    let mut rng = Rng(0x5eed);
    let mut answered = 0;
    for i in 0..400 {
        let req = mutate(&mut rng, bases[i % bases.len()].as_bytes());
        let out = raw(&s, &req).await;
        if out.is_empty() {
            continue;
        }
        answered += 1;
        let (status, headers, _) = common::split_response(&out);
        assert!((100..600).contains(&status), "{status}");
        // hyper refuses malformed heads itself (400, 431) before the mock sees them.
        let refused_by_hyper = matches!(status, 400 | 431);
        assert!(
            common::header(&headers, "x-request-id").is_some() || status == 100 || refused_by_hyper,
            "{status}"
        );
    }
    assert!(answered > 200, "{answered}");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0);
    // Still serving.
    assert_still_serves(&s).await;
}
