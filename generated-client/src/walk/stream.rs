//! What a caller reads from a walk: backups one by one or a page's worth at
//! a time, from a bounded channel the walk's task feeds.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc;

use super::listing::Item;
use crate::error::Error;
use crate::types::Backup;

/// The receiving end shared by both streams.
#[derive(Debug)]
struct Pages {
    rx: mpsc::Receiver<Item>,
    buffer: VecDeque<Backup>,
    /// Whether the first error ends everything (one instance).
    end_at_error: bool,
    done: bool,
}

impl Pages {
    async fn next_batch(&mut self) -> Option<Item> {
        if !self.buffer.is_empty() {
            return Some(Ok(self.buffer.drain(..).collect()));
        }
        if self.done {
            return None;
        }
        let item = self.rx.recv().await;
        match &item {
            None => self.done = true,
            Some(Err(_)) if self.end_at_error => self.done = true,
            _ => {}
        }
        item
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
                    self.done |= self.end_at_error;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => self.done = true,
                Poll::Pending => return Poll::Pending,
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
    pub(super) fn new(rx: mpsc::Receiver<Item>) -> Self {
        BackupStream {
            pages: Pages {
                rx,
                buffer: VecDeque::new(),
                end_at_error: true,
                done: false,
            },
        }
    }

    /// The next backup, an error (after which the stream ends), or `None`.
    pub async fn next(&mut self) -> Option<Result<Backup, Error>> {
        std::future::poll_fn(|cx| self.pages.poll_backup(cx)).await
    }

    /// The next page's worth of new backups at once (never empty), an error,
    /// or `None`. Mixing this with [`BackupStream::next`] is fine.
    pub async fn next_batch(&mut self) -> Option<Result<Vec<Backup>, Error>> {
        self.pages.next_batch().await
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
#[derive(Debug)]
pub struct MultiStream {
    pages: Pages,
}

impl MultiStream {
    pub(super) fn new(rx: mpsc::Receiver<Item>) -> Self {
        MultiStream {
            pages: Pages {
                rx,
                buffer: VecDeque::new(),
                end_at_error: false,
                done: false,
            },
        }
    }

    /// The next backup or error; `None` when every instance is done.
    pub async fn next(&mut self) -> Option<Result<Backup, Error>> {
        std::future::poll_fn(|cx| self.pages.poll_backup(cx)).await
    }

    /// Like [`BackupStream::next_batch`], across instances.
    pub async fn next_batch(&mut self) -> Option<Result<Vec<Backup>, Error>> {
        self.pages.next_batch().await
    }
}

impl futures_core::Stream for MultiStream {
    type Item = Result<Backup, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().pages.poll_backup(cx)
    }
}
