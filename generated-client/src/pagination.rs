//! Every backup, not page 1: walking `offset`/`limit` to the end.
//!
//! The service lists newest first and pages by offset, so a backup created or
//! deleted during a walk shifts every later page by one: an item is seen
//! twice or skipped. The walk therefore drops duplicates by id, and a pass
//! that saw `total_count` change, or ended with fewer backups than it
//! counts, is not trusted: the listing is walked again, sequentially, adding what was
//! missed, until a pass sees one unchanged `total_count` (three passes at
//! most). If backups are still missing, the stream ends with
//! [`Error::Incomplete`]: nothing is lost silently.
//!
//! Pages are fetched by a task that feeds a bounded channel, so at most the
//! pages in flight are held in memory however long the listing is (the set of
//! ids seen grows with it).

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::client::RdsClient;
use crate::error::Error;
use crate::request::{ListBackups, MAX_LIMIT};
use crate::types::{Backup, ListBackupsResponse};

/// How a walk fetches its pages.
///
/// ```
/// use huaweicloud_rds::WalkOptions;
///
/// let options = WalkOptions::default().concurrency(8).instance_concurrency(1);
/// assert_eq!((options.concurrency, options.instance_concurrency), (8, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WalkOptions {
    /// Pages fetched at once once `total_count` is known (at least 1).
    pub concurrency: usize,
    /// Instances walked at once by [`RdsClient::list_instances`] (at least 1).
    pub instance_concurrency: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            concurrency: 4,
            instance_concurrency: 2,
        }
    }
}

impl WalkOptions {
    /// Pages fetched at once once `total_count` is known (at least 1).
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages;
        self
    }

    /// Instances walked at once by [`RdsClient::list_instances`] (at least 1).
    pub fn instance_concurrency(mut self, instances: usize) -> Self {
        self.instance_concurrency = instances;
        self
    }
}

/// Passes over a listing before giving up on a stable `total_count`.
const MAX_PASSES: u32 = 3;

/// The most ids the set of seen ids is sized for up front.
const MAX_PRESIZED_IDS: usize = 100_000;

/// A stream of every backup matching a request, in service order.
///
/// Implements `futures_core::Stream`; [`BackupStream::next`] works without
/// any stream library. Dropping it stops the walk.
#[derive(Debug)]
pub struct BackupStream {
    rx: mpsc::Receiver<Result<Vec<Backup>, Error>>,
    buffer: VecDeque<Backup>,
    done: bool,
}

impl BackupStream {
    /// The next backup, an error (after which the stream ends), or `None`.
    pub async fn next(&mut self) -> Option<Result<Backup, Error>> {
        std::future::poll_fn(|cx| self.poll_backup(cx)).await
    }

    /// The next page's worth of new backups at once (never empty), an error,
    /// or `None`. Mixing this with [`BackupStream::next`] is fine.
    pub async fn next_batch(&mut self) -> Option<Result<Vec<Backup>, Error>> {
        if !self.buffer.is_empty() {
            return Some(Ok(self.buffer.drain(..).collect()));
        }
        if self.done {
            return None;
        }
        let item = self.rx.recv().await;
        if !matches!(item, Some(Ok(_))) {
            self.done = true;
        }
        item
    }

    /// Everything left, or the first error.
    pub async fn collect(mut self) -> Result<Vec<Backup>, Error> {
        let mut all = Vec::new();
        while let Some(batch) = self.next_batch().await {
            all.extend(batch?);
        }
        Ok(all)
    }

    fn poll_backup(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Backup, Error>>> {
        loop {
            if let Some(backup) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(backup)));
            }
            if self.done {
                return Poll::Ready(None);
            }
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(Ok(batch))) => self.buffer.extend(batch),
                Poll::Ready(Some(Err(e))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => self.done = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl futures_core::Stream for BackupStream {
    type Item = Result<Backup, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_backup(cx)
    }
}

impl RdsClient {
    /// Every backup matching `request`, walking from its `offset` (default 0)
    /// in pages of its `limit` (default 100). Must be called inside a Tokio
    /// runtime; the walk runs as a task and stops when the stream is dropped.
    pub fn list_all(&self, request: ListBackups, options: WalkOptions) -> BackupStream {
        let concurrency = options.concurrency.max(1);
        let (tx, rx) = mpsc::channel(concurrency + 1);
        match request.validate() {
            Err(e) => {
                // Capacity is at least 2: this cannot fail.
                let _ = tx.try_send(Err(e));
            }
            Ok(()) => {
                let walker = Walker {
                    pages: Arc::new(PageFetcher {
                        client: self.clone(),
                        request: request.clone(),
                        limit: request.limit.unwrap_or(MAX_LIMIT),
                    }),
                    request,
                    concurrency,
                    tx,
                };
                tokio::spawn(walker.run());
            }
        }
        BackupStream {
            rx,
            buffer: VecDeque::new(),
            done: false,
        }
    }

    /// Every backup matching `request`, collected.
    pub async fn collect_all(
        &self,
        request: ListBackups,
        options: WalkOptions,
    ) -> Result<Vec<Backup>, Error> {
        self.list_all(request, options).collect().await
    }

    /// Every backup of several instances: each request walked as by
    /// [`RdsClient::list_all`], up to `options.instance_concurrency` at once,
    /// the results in the order of `requests` (each backup keeps its
    /// `instance_id`). An error ends that instance's part only.
    pub fn list_instances(&self, requests: Vec<ListBackups>, options: WalkOptions) -> MultiStream {
        MultiStream {
            client: self.clone(),
            pending: requests.into(),
            running: VecDeque::new(),
            options,
        }
    }
}

/// Backups of several instances, in the order the instances were given.
#[derive(Debug)]
pub struct MultiStream {
    client: RdsClient,
    pending: VecDeque<ListBackups>,
    running: VecDeque<BackupStream>,
    options: WalkOptions,
}

impl MultiStream {
    /// The next backup or error; `None` when every instance is done.
    pub async fn next(&mut self) -> Option<Result<Backup, Error>> {
        self.pull(async |stream: &mut BackupStream| stream.next().await)
            .await
    }

    /// Like [`BackupStream::next_batch`], across instances.
    pub async fn next_batch(&mut self) -> Option<Result<Vec<Backup>, Error>> {
        self.pull(async |stream: &mut BackupStream| stream.next_batch().await)
            .await
    }

    /// The next item of the first unfinished walk, starting walks as
    /// earlier ones finish.
    async fn pull<T>(
        &mut self,
        mut next: impl AsyncFnMut(&mut BackupStream) -> Option<T>,
    ) -> Option<T> {
        loop {
            self.start_walks();
            let current = self.running.front_mut()?;
            match next(current).await {
                Some(item) => return Some(item),
                None => {
                    self.running.pop_front();
                }
            }
        }
    }

    fn start_walks(&mut self) {
        while self.running.len() < self.options.instance_concurrency.max(1) {
            let Some(request) = self.pending.pop_front() else {
                break;
            };
            self.running
                .push_back(self.client.list_all(request, self.options));
        }
    }
}

/// The task behind a [`BackupStream`].
struct Walker {
    pages: Arc<PageFetcher>,
    request: ListBackups,
    concurrency: usize,
    tx: mpsc::Sender<Result<Vec<Backup>, Error>>,
}

/// What one pass over the listing saw.
#[derive(Default)]
struct Pass {
    totals: HashSet<u64>,
    last_total: u64,
    duplicates: u64,
}

/// The consumer is gone; stop quietly.
struct Closed;

impl Walker {
    async fn run(self) {
        let _ = self.walk().await;
    }

    async fn walk(&self) -> Result<(), Closed> {
        let start = u64::from(self.request.offset.unwrap_or(0));
        let mut seen: HashSet<String> = HashSet::new();
        let mut last_total = 0;
        for pass_number in 1..=MAX_PASSES {
            let pass = if pass_number == 1 {
                self.concurrent_pass(start, &mut seen).await?
            } else {
                self.sequential_pass(start, &mut seen).await?
            };
            let Some(pass) = pass else { return Ok(()) };
            last_total = pass.last_total;
            // Trusted: one total_count throughout, and everything it counts.
            let stable = pass.totals.len() <= 1;
            let complete = seen.len() as u64 >= last_total.saturating_sub(start);
            if stable && complete {
                return Ok(());
            }
            if pass_number < MAX_PASSES {
                tracing::warn!(
                    instance_id = %self.request.instance_id,
                    pass = pass_number,
                    totals = ?pass.totals,
                    duplicates = pass.duplicates,
                    received = seen.len(),
                    "the listing changed during the walk; walking it again"
                );
            }
        }
        let received = seen.len() as u64;
        let reported = last_total.saturating_sub(start);
        if received < reported {
            self.send(Err(Error::Incomplete { received, reported }))
                .await?;
        }
        Ok(())
    }

    fn limit(&self) -> u32 {
        self.pages.limit
    }

    async fn fetch(&self, offset: u64) -> Result<ListBackupsResponse, Error> {
        self.pages.fetch(offset).await
    }

    /// Emit what `page` adds; returns how many items the page had.
    async fn absorb(
        &self,
        page: ListBackupsResponse,
        seen: &mut HashSet<String>,
        pass: &mut Pass,
    ) -> Result<u64, Closed> {
        let total = u64::try_from(page.total_count).unwrap_or(0);
        pass.totals.insert(total);
        pass.last_total = total;
        let count = page.backups.len() as u64;
        // Size the set for every id the listing counts once, rather than
        // rehashing all of them each time it grows (bounded: the count
        // comes from the service).
        let expected = usize::try_from(total).map_or(MAX_PRESIZED_IDS, |t| t.min(MAX_PRESIZED_IDS));
        seen.reserve(expected.saturating_sub(seen.len()));
        let before = seen.len();
        let mut fresh = page.backups;
        fresh.retain(|b| seen.insert(b.id.clone()));
        pass.duplicates += count - (seen.len() - before) as u64;
        if !fresh.is_empty() {
            self.send(Ok(fresh)).await?;
        }
        Ok(count)
    }

    /// The first pass: page 1 alone, then the rest planned from the latest
    /// `total_count`, `concurrency` pages in flight, absorbed in order. It
    /// returns only once every fetch it started has finished or been
    /// cancelled: no request of this pass reaches the service afterwards.
    async fn concurrent_pass(
        &self,
        start: u64,
        seen: &mut HashSet<String>,
    ) -> Result<Option<Pass>, Closed> {
        let mut in_flight = JoinSet::new();
        let outcome = self.concurrent_pages(start, seen, &mut in_flight).await;
        cancel(&mut in_flight).await;
        outcome
    }

    async fn concurrent_pages(
        &self,
        start: u64,
        seen: &mut HashSet<String>,
        in_flight: &mut JoinSet<(u64, Result<ListBackupsResponse, Error>)>,
    ) -> Result<Option<Pass>, Closed> {
        let limit = u64::from(self.limit());
        let mut pass = Pass::default();
        let first = match self.fetch(start).await {
            Ok(page) => page,
            Err(e) => return self.fail(e).await,
        };
        let mut received = self.absorb(first, seen, &mut pass).await?;
        let mut offset = start + received;
        let mut last_full = received == limit;

        let mut next_planned = offset;
        let mut ready: std::collections::BTreeMap<u64, Result<ListBackupsResponse, Error>> =
            Default::default();
        while last_full && offset < pass.last_total {
            // Keep `concurrency` pages planned ahead from the latest total.
            while in_flight.len() + ready.len() < self.concurrency && next_planned < pass.last_total
            {
                let pages = self.pages.clone();
                let at = next_planned;
                in_flight.spawn(async move { (at, pages.fetch(at).await) });
                next_planned += limit;
            }
            // Absorb the page at `offset` once it has arrived.
            let result = loop {
                if let Some(result) = ready.remove(&offset) {
                    break Some(result);
                }
                match in_flight.join_next().await {
                    Some(Ok((at, result))) => {
                        ready.insert(at, result);
                    }
                    Some(Err(join_error)) => {
                        let e = Error::Config(format!("a page fetch failed: {join_error}"));
                        return self.fail(e).await;
                    }
                    // Nothing in flight holds `offset`: the plan moved on
                    // (a short page); continue from here.
                    None => break None,
                }
            };
            let Some(result) = result else {
                next_planned = offset;
                ready.clear();
                continue;
            };
            let page = match result {
                Ok(page) => page,
                Err(e) => return self.fail(e).await,
            };
            received = self.absorb(page, seen, &mut pass).await?;
            last_full = received == limit;
            if received != limit {
                // A short page: what was planned after it is misaligned.
                cancel(in_flight).await;
                ready.clear();
                next_planned = offset + received;
            }
            offset += received;
        }
        Ok(Some(pass))
    }

    /// A later pass: one page at a time from the start, adding what is new.
    async fn sequential_pass(
        &self,
        start: u64,
        seen: &mut HashSet<String>,
    ) -> Result<Option<Pass>, Closed> {
        let limit = u64::from(self.limit());
        let mut pass = Pass::default();
        let mut offset = start;
        loop {
            let page = match self.fetch(offset).await {
                Ok(page) => page,
                Err(e) => return self.fail(e).await,
            };
            let received = self.absorb(page, seen, &mut pass).await?;
            offset += received;
            if received < limit || offset >= pass.last_total {
                return Ok(Some(pass));
            }
        }
    }

    async fn send(&self, item: Result<Vec<Backup>, Error>) -> Result<(), Closed> {
        self.tx.send(item).await.map_err(|_| Closed)
    }

    async fn fail(&self, error: Error) -> Result<Option<Pass>, Closed> {
        self.send(Err(error)).await?;
        Ok(None)
    }
}

/// Aborts every fetch in `set` and waits until each has stopped.
async fn cancel<T: 'static>(set: &mut JoinSet<T>) {
    set.abort_all();
    while set.join_next().await.is_some() {}
}

/// Fetches pages of one request from a spawned task.
struct PageFetcher {
    client: RdsClient,
    request: ListBackups,
    limit: u32,
}

impl PageFetcher {
    async fn fetch(&self, offset: u64) -> Result<ListBackupsResponse, Error> {
        let offset = u32::try_from(offset).map_err(|_| {
            Error::invalid("offset", "walked past the largest offset the API takes")
        })?;
        let mut page_request = self.request.clone();
        page_request.offset = Some(offset);
        page_request.limit = Some(self.limit);
        self.client.list_backups(&page_request).await
    }
}
