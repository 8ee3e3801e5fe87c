//! Every backup, not page 1: walking `offset`/`limit` to the end, for one
//! instance or many, with one budget of requests in flight.
//!
//! - [`listing`]: the loss-free rules of one instance's walk (dedupe by id,
//!   walk again when `total_count` moves, `Incomplete` rather than loss);
//! - [`scheduler`]: the task that shares the budget among instances and
//!   delivers in order;
//! - [`stream`]: what the caller reads.

mod listing;
mod scheduler;
mod stream;

use tokio::sync::mpsc;

use crate::client::RdsClient;
use crate::error::Error;
use crate::generated::types::Backup;
use crate::request::ListBackups;

pub use stream::{BackupStream, MultiStream, WalkEvent};

use listing::Listing;
use scheduler::Scheduler;

/// How a walk fetches its pages.
///
/// ```
/// let options = huaweicloud_rds::WalkOptions::default().concurrency(16);
/// assert_eq!(options.concurrency_limit(), 16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WalkOptions {
    /// Requests in flight at once, in total across the instances of a walk
    /// (at least 1; default [`WalkOptions::DEFAULT_CONCURRENCY`]).
    pub concurrency: usize,
}

impl WalkOptions {
    /// The default number of requests in flight.
    pub const DEFAULT_CONCURRENCY: usize = 8;

    /// Keep at most `requests` in flight at once (at least 1).
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }

    /// The number of requests in flight this walk allows.
    pub fn concurrency_limit(&self) -> usize {
        self.concurrency.max(1)
    }
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            concurrency: Self::DEFAULT_CONCURRENCY,
        }
    }
}

impl RdsClient {
    /// Every backup matching `request`, walking from its `offset` (default 0)
    /// in pages of its `limit` (default 100), in service order. Must be
    /// called inside a Tokio runtime; the walk runs as a task and stops when
    /// the stream is dropped.
    pub fn list_all(&self, request: ListBackups, options: WalkOptions) -> BackupStream {
        BackupStream::new(self.walk(vec![request], options))
    }

    /// Every backup matching `request`, collected.
    pub async fn collect_all(
        &self,
        request: ListBackups,
        options: WalkOptions,
    ) -> Result<Vec<Backup>, Error> {
        self.list_all(request, options).collect().await
    }

    /// Every backup of several instances, walked together within one budget
    /// of `options.concurrency` requests in flight, delivered in the order of
    /// `requests` (each backup keeps its `instance_id`, each instance's in
    /// service order). An error ends that instance's part only;
    /// [`MultiStream::next_event`] says which instance each batch and error
    /// belongs to, and when each instance is done.
    pub fn list_instances(&self, requests: Vec<ListBackups>, options: WalkOptions) -> MultiStream {
        MultiStream::new(self.walk(requests, options))
    }

    fn walk(&self, requests: Vec<ListBackups>, options: WalkOptions) -> mpsc::Receiver<WalkEvent> {
        let concurrency = options.concurrency_limit();
        let (tx, rx) = mpsc::channel(1);
        let listings = requests.into_iter().map(Listing::new).collect();
        let scheduler = Scheduler::new(self.clone(), listings, concurrency);
        tokio::spawn(scheduler.run(tx));
        rx
    }
}
