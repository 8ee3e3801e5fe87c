//! Every page of several instances, a few instances at once, each folded
//! into its own tally as pages arrive (nothing but the tallies is kept).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use huaweicloud_rds::types::Backup;
use huaweicloud_rds::{Error, ListBackups, RdsClient, WalkOptions};
use tokio::task::JoinSet;

/// How many requests a walk of many instances keeps in flight: up to
/// `instances` walks at once, each with up to `pages` page fetches.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub instances: usize,
    pub pages: usize,
}

/// What is kept of an instance's backups.
pub trait Tally: Send + 'static {
    fn add(&mut self, backup: Backup);
}

/// Walks each request to its end into its tally. The results are in the
/// order of `jobs`; an error ends that instance's walk only.
///
/// The client's multi-instance stream does not say which instance an error
/// belongs to (an instance without backups yields nothing), so each instance
/// gets its own walk and its own result here.
pub async fn tally_each<T: Tally>(
    client: &RdsClient,
    jobs: Vec<(ListBackups, T)>,
    budget: Budget,
) -> Vec<Result<T, Error>> {
    let count = jobs.len();
    let options = WalkOptions::default().concurrency(budget.pages.max(1));
    let queue = Arc::new(Mutex::new(
        jobs.into_iter().enumerate().collect::<VecDeque<_>>(),
    ));
    let mut workers = JoinSet::new();
    for _ in 0..budget.instances.clamp(1, count.max(1)) {
        let queue = Arc::clone(&queue);
        let client = client.clone();
        workers.spawn(async move {
            let mut done = Vec::new();
            loop {
                let next = queue
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pop_front();
                let Some((index, (request, tally))) = next else {
                    break;
                };
                done.push((index, walk(&client, request, tally, options).await));
            }
            done
        });
    }
    let mut results: Vec<Option<Result<T, Error>>> = (0..count).map(|_| None).collect();
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(done) => {
                for (index, result) in done {
                    results[index] = Some(result);
                }
            }
            // A worker panicked: a bug here, not bad input; keep its message.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    results
        .into_iter()
        .map(|r| r.expect("every job was taken by a worker that finished"))
        .collect()
}

async fn walk<T: Tally>(
    client: &RdsClient,
    request: ListBackups,
    mut tally: T,
    options: WalkOptions,
) -> Result<T, Error> {
    let mut stream = client.list_all(request, options);
    while let Some(batch) = stream.next_batch().await {
        for backup in batch? {
            tally.add(backup);
        }
    }
    Ok(tally)
}
