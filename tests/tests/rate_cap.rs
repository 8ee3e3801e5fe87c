//! `ClientBuilder::rate`: at most N requests start in any one-second window,
//! across every call and clone of the client. Checked on the client's own
//! record of when it let each request go (the `admitted_at_ns` field of its
//! "request admitted" trace event), so that no delay between the client and
//! the server can blur it. One test per binary: the log is process-wide.

mod support;

use std::time::Duration;

use huaweicloud_rds::{ListBackups, WalkOptions};
use huaweicloud_rds_mock::MockConfig;
use support::{capture_logs, client, guarded, ids, logs, mock_with};

const RATE: usize = 20;

/// The admission times in the log, in nanoseconds, sorted.
fn admissions() -> Vec<u64> {
    let mut at: Vec<u64> = logs()
        .lines()
        .filter(|l| l.contains("request admitted"))
        .filter_map(|l| l.split("admitted_at_ns=").nth(1))
        .filter_map(|v| v.split_whitespace().next()?.parse().ok())
        .collect();
    at.sort_unstable();
    at
}

/// The most admissions within any window `[t, t + 1 s)`.
fn busiest_second(at: &[u64]) -> usize {
    let mut most = 0;
    let mut start = 0;
    for end in 0..at.len() {
        while at[end] - at[start] >= 1_000_000_000 {
            start += 1;
        }
        most = most.max(end - start + 1);
    }
    most
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_is_never_exceeded_in_any_second_across_clones_and_instances() {
    capture_logs();
    guarded(Duration::from_secs(10), async {
        let server = mock_with(MockConfig::default()).await;
        let a_ids = server.insert_plain_instance("rate-a", 300);
        let b_ids = server.insert_plain_instance("rate-b", 200);
        let a = client(&server).rate(RATE as u32).build().unwrap();
        let b = a.clone();
        // Two clones at once, one walking two instances: 50 requests.
        let walk_a = tokio::spawn(async move {
            let requests = vec![
                ListBackups::new("rate-a").limit(10),
                ListBackups::new("rate-b").limit(20),
            ];
            let mut stream = a.list_instances(requests, WalkOptions::default().concurrency(8));
            let mut all = Vec::new();
            while let Some(batch) = stream.next_batch().await {
                all.extend(batch.unwrap());
            }
            all
        });
        let walk_b = b
            .collect_all(
                ListBackups::new("rate-b").limit(20),
                WalkOptions::default().concurrency(32),
            )
            .await
            .unwrap();
        let all_a = walk_a.await.unwrap();
        assert!(ids(&all_a) == [a_ids, b_ids.clone()].concat());
        assert!(ids(&walk_b) == b_ids);
        let at = admissions();
        assert_eq!(at.len(), 30 + 10 + 10, "every request was admitted once");
        let busiest = busiest_second(&at);
        assert!(
            busiest <= RATE,
            "{busiest} requests within one second (rate {RATE})"
        );
    })
    .await;
}
