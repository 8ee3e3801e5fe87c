//! Throttling, through the client against the mock's token bucket
//! (`MockConfig::throttle`): nothing lost or duplicated at any concurrency,
//! one limiter for every clone of a client, and a `Retry-After` honoured
//! once for the whole client.
//!
//! Time only appears as lower bounds that a slow machine can only make
//! longer, and as liveness guards.

mod support;

use std::time::{Duration, Instant};

use huaweicloud_rds::{ListBackups, WalkOptions};
use huaweicloud_rds_mock::{
    Fault, INSTANCE_MARIADB, INSTANCE_MYSQL, INSTANCE_POSTGRESQL, MockConfig, MockServer,
    ThrottleConfig,
};
use support::{assert_no_duplicates, capture_logs, client, guarded, ids, logs, mock_with};

const RETRY_AFTER_LOGGED: &str = "throttled with Retry-After: every request of the client waits";

/// Inserts a plain instance per `(id, backup count)`, walks them all in
/// pages of `limit` with a one-attempt client, and returns the ids walked
/// and the ids inserted, each in the order the instances were given.
async fn walk_plain_instances(
    server: &MockServer,
    instances: impl IntoIterator<Item = (String, usize)>,
    limit: u32,
    options: WalkOptions,
) -> (Vec<String>, Vec<String>) {
    let mut want = Vec::new();
    let mut requests = Vec::new();
    for (id, count) in instances {
        want.extend(server.insert_plain_instance(&id, count));
        requests.push(ListBackups::new(id).limit(limit));
    }
    let c = client(server)
        .max_attempts(1)
        .deadline(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut stream = c.list_instances(requests, options);
    let mut all = Vec::new();
    while let Some(batch) = stream.next_batch().await {
        all.extend(batch.unwrap());
    }
    (ids(&all), want)
}

/// 500 backups in pages of 50 against 10 requests a second (burst 2), at
/// every concurrency, each with a fresh client: the walk is throttled
/// (the client starts unpaced) and still yields every backup once, in
/// service order, with no error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_loss_and_no_duplicate_under_throttling_at_every_concurrency() {
    guarded(Duration::from_secs(30), async {
        let server =
            mock_with(MockConfig::default().throttle(ThrottleConfig::default().rate_limit(10, 2)))
                .await;
        let instance = "throttled-walk";
        let expected = server.insert_plain_instance(instance, 500);
        for concurrency in [1, 4, 8, 32] {
            server.reset();
            // One attempt: only throttling is retried, and it must not fail
            // the walk however often it happens.
            let c = client(&server)
                .max_attempts(1)
                .deadline(Duration::from_secs(30))
                .build()
                .unwrap();
            let request = ListBackups::new(instance).limit(50);
            let options = WalkOptions::default().concurrency(concurrency);
            let all = c.collect_all(request, options).await.unwrap();
            let got = ids(&all);
            assert_no_duplicates(&got);
            assert!(got == expected, "concurrency {concurrency}");
            assert!(
                server.throttled_requests() > 0,
                "concurrency {concurrency}: the walk was throttled"
            );
        }
    })
    .await;
}

/// Several instances in one walk under throttling: each instance's
/// backups, in the order given, nothing lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_instances_under_throttling_lose_nothing() {
    guarded(Duration::from_secs(30), async {
        let server =
            mock_with(MockConfig::default().throttle(ThrottleConfig::default().rate_limit(10, 2)))
                .await;
        let instances = ["throttled-a", "throttled-b", "throttled-c"]
            .into_iter()
            .enumerate()
            .map(|(n, i)| (i.to_owned(), 60 + 40 * n));
        let (got, want) = walk_plain_instances(
            &server,
            instances,
            20,
            WalkOptions::default().concurrency(8),
        )
        .await;
        assert!(got == want);
        assert!(server.throttled_requests() > 0, "the walk was throttled");
    })
    .await;
}

/// A distant service (every answer 100 ms late) and a rate limit at once,
/// over several instances: every backup once, in the order given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_and_throttling_over_several_instances_lose_nothing() {
    guarded(Duration::from_secs(30), async {
        let server = mock_with(
            MockConfig::default().throttle(
                ThrottleConfig::default()
                    .latency(Duration::from_millis(100))
                    .rate_limit(10, 2),
            ),
        )
        .await;
        let instances = (0..4).map(|n| (format!("far-{}", n + 1), 100 + 20 * n));
        let (got, want) =
            walk_plain_instances(&server, instances, 50, WalkOptions::default()).await;
        assert!(got == want);
    })
    .await;
}

/// A `Retry-After: 1` answered to one clone pauses the other too: the
/// other clone's three calls complete only after the second asked, and none
/// of them was throttled itself (they waited instead of asking).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_pauses_every_clone_once_for_all() {
    capture_logs();
    guarded(Duration::from_secs(5), async {
        let server = mock_with(MockConfig::default()).await;
        server.script(INSTANCE_MYSQL, vec![Fault::throttled(1)]);
        let a = client(&server).build().unwrap();
        let b = a.clone();
        let started = Instant::now();
        let first =
            tokio::spawn(async move { a.list_backups(&ListBackups::new(INSTANCE_MYSQL)).await });
        // Once the client has taken in the Retry-After...
        while !logs().contains(RETRY_AFTER_LOGGED) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // ...the clone's calls wait for it.
        for instance in [INSTANCE_POSTGRESQL, INSTANCE_MARIADB, INSTANCE_POSTGRESQL] {
            b.list_backups(&ListBackups::new(instance)).await.unwrap();
        }
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "the clone waited out the pause"
        );
        assert_eq!(server.requests(INSTANCE_POSTGRESQL), 2);
        assert_eq!(server.requests(INSTANCE_MARIADB), 1);
        first.await.unwrap().unwrap();
        assert_eq!(server.requests(INSTANCE_MYSQL), 2, "429, then the page");
    })
    .await;
}
