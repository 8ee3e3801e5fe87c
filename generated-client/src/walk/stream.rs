//! What a caller reads from a walk: backups one by one, a page's worth at a
//! time, or (several instances) events that say which instance each belongs
//! to, from a bounded channel the walk's task feeds.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::sync::mpsc;

use super::listing::Item;
use crate::error::Error;
use crate::generated::types::Backup;

/// What a walk of several instances delivers, attributed to the instance it
/// belongs to by its index in the requests given.
///
/// Instances come in the order given, each one's events in this order: at
/// most one `Counted` (none when its first page failed), its `Backups` in
/// service order, then exactly one `Finished` or `Failed`. So every instance
/// is accounted for, one without backups included.
#[derive(Debug)]
#[non_exhaustive]
pub enum WalkEvent {
    /// The instance's first page arrived. The listing may change while it
    /// is walked: this is a first estimate.
    Counted {
        /// Index of the instance in the requests given.
        instance: usize,
        /// The backups the service counts, those before the request's
        /// `offset` included.
        total_count: u64,
    },
    /// New backups of the instance, in service order.
    Backups {
        /// Index of the instance in the requests given.
        instance: usize,
        /// Never empty.
        backups: Vec<Backup>,
    },
    /// The instance was walked to its end.
    Finished {
        /// Index of the instance in the requests given.
        instance: usize,
        /// The last `total_count` the service reported.
        total_count: u64,
    },
    /// The error that ended this instance's walk (after what it delivered);
    /// the next instance follows.
    Failed {
        /// Index of the instance in the requests given.
        instance: usize,
        /// What went wrong.
        error: Error,
    },
}

impl WalkEvent {
    pub(super) fn new(instance: usize, item: Item) -> WalkEvent {
        match item {
            Item::Counted(total_count) => WalkEvent::Counted {
                instance,
                total_count,
            },
            Item::Backups(backups) => WalkEvent::Backups { instance, backups },
            Item::Finished(total_count) => WalkEvent::Finished {
                instance,
                total_count,
            },
            Item::Failed(error) => WalkEvent::Failed { instance, error },
        }
    }

    /// The index of the instance this event belongs to.
    pub fn instance(&self) -> usize {
        match self {
            WalkEvent::Counted { instance, .. }
            | WalkEvent::Backups { instance, .. }
            | WalkEvent::Finished { instance, .. }
            | WalkEvent::Failed { instance, .. } => *instance,
        }
    }
}

/// The receiving end shared by both streams.
#[derive(Debug)]
struct Pages {
    rx: mpsc::Receiver<WalkEvent>,
    /// Backups of one batch not handed out yet, and their instance.
    buffer: VecDeque<Backup>,
    buffer_instance: usize,
    /// Whether the first error ends everything (one instance).
    end_at_error: bool,
    done: bool,
}

impl Pages {
    fn new(rx: mpsc::Receiver<WalkEvent>, end_at_error: bool) -> Self {
        Pages {
            rx,
            buffer: VecDeque::new(),
            buffer_instance: 0,
            end_at_error,
            done: false,
        }
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<WalkEvent>> {
        if !self.buffer.is_empty() {
            return Poll::Ready(Some(WalkEvent::Backups {
                instance: self.buffer_instance,
                backups: self.buffer.drain(..).collect(),
            }));
        }
        if self.done {
            return Poll::Ready(None);
        }
        let event = ready!(self.rx.poll_recv(cx));
        match &event {
            None => self.done = true,
            Some(WalkEvent::Failed { .. }) if self.end_at_error => self.done = true,
            _ => {}
        }
        Poll::Ready(event)
    }

    fn poll_batch(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<Backup>, Error>>> {
        loop {
            match ready!(self.poll_event(cx)) {
                None => return Poll::Ready(None),
                Some(WalkEvent::Backups { backups, .. }) => return Poll::Ready(Some(Ok(backups))),
                Some(WalkEvent::Failed { error, .. }) => return Poll::Ready(Some(Err(error))),
                Some(WalkEvent::Counted { .. } | WalkEvent::Finished { .. }) => {}
            }
        }
    }

    fn poll_backup(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Backup, Error>>> {
        loop {
            if let Some(backup) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(backup)));
            }
            match ready!(self.poll_event(cx)) {
                None => return Poll::Ready(None),
                Some(WalkEvent::Backups { instance, backups }) => {
                    self.buffer_instance = instance;
                    self.buffer.extend(backups);
                }
                Some(WalkEvent::Failed { error, .. }) => return Poll::Ready(Some(Err(error))),
                Some(WalkEvent::Counted { .. } | WalkEvent::Finished { .. }) => {}
            }
        }
    }
}

/// A stream of every backup matching a request, in service order.
///
/// Implements `futures_core::Stream`; [`BackupStream::next`] works without
/// any stream library. Dropping it stops the walk: its requests in flight
/// are cancelled.
#[derive(Debug)]
pub struct BackupStream {
    pages: Pages,
}

impl BackupStream {
    pub(super) fn new(rx: mpsc::Receiver<WalkEvent>) -> Self {
        BackupStream {
            pages: Pages::new(rx, true),
        }
    }

    /// The next backup, an error (after which the stream ends), or `None`.
    pub async fn next(&mut self) -> Option<Result<Backup, Error>> {
        std::future::poll_fn(|cx| self.pages.poll_backup(cx)).await
    }

    /// The next page's worth of new backups at once (never empty), an error,
    /// or `None`. Mixing this with [`BackupStream::next`] is fine.
    pub async fn next_batch(&mut self) -> Option<Result<Vec<Backup>, Error>> {
        std::future::poll_fn(|cx| self.pages.poll_batch(cx)).await
    }

    /// Everything left, or the first error.
    pub async fn collect(mut self) -> Result<Vec<Backup>, Error> {
        let mut all = Vec::new();
        while let Some(batch) = self.next_batch().await {
            all.extend(batch?);
        }
        Ok(all)
    }
}

impl futures_core::Stream for BackupStream {
    type Item = Result<Backup, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().pages.poll_backup(cx)
    }
}

/// Backups of several instances, in the order the instances were given; an
/// error ends one instance's part, and the next instance follows. Dropping
/// it stops the walk.
///
/// [`MultiStream::next_event`] says which instance each batch or error
/// belongs to and when an instance is done; [`MultiStream::next`] and
/// [`MultiStream::next_batch`] give the backups and errors alone. Mixing
/// them is fine.
#[derive(Debug)]
pub struct MultiStream {
    pages: Pages,
}

impl MultiStream {
    pub(super) fn new(rx: mpsc::Receiver<WalkEvent>) -> Self {
        MultiStream {
            pages: Pages::new(rx, false),
        }
    }

    /// The next backup or error; `None` when every instance is done.
    pub async fn next(&mut self) -> Option<Result<Backup, Error>> {
        std::future::poll_fn(|cx| self.pages.poll_backup(cx)).await
    }

    /// Like [`BackupStream::next_batch`], across instances.
    pub async fn next_batch(&mut self) -> Option<Result<Vec<Backup>, Error>> {
        std::future::poll_fn(|cx| self.pages.poll_batch(cx)).await
    }

    /// The next event of the walk, attributed to its instance; `None` when
    /// every instance is done.
    pub async fn next_event(&mut self) -> Option<WalkEvent> {
        std::future::poll_fn(|cx| self.pages.poll_event(cx)).await
    }
}

impl futures_core::Stream for MultiStream {
    type Item = Result<Backup, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().pages.poll_backup(cx)
    }
}
