//! One task per walk, for one instance or many: it keeps up to
//! `concurrency` page fetches in flight in total, across instances, and
//! delivers what they return in order (instances in the order given, each
//! instance's backups in service order).
//!
//! Fetches are handed out in instance order: the instance being delivered
//! first, then the following ones, so the first pages of several instances
//! go out together and no page waits for another instance to finish. Pages
//! of later instances wait in a bounded buffer; when it is full, only the
//! instance being delivered fetches. The walk returns (and the stream ends)
//! only once every fetch it started has finished or been cancelled; when the
//! consumer goes away it cancels them all and waits for them too.

use std::collections::HashMap;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

use tokio::sync::mpsc;
use tokio::task::{AbortHandle, Id, JoinError, JoinSet};
use tracing::Instrument;

use super::listing::{After, Listing};
use super::stream::WalkEvent;
use crate::client::RdsClient;
use crate::error::Error;
use crate::generated::types::ListBackupsResponse;

/// Pages of later instances held (fetched, in flight or waiting) per unit
/// of concurrency.
pub(super) const LATER_PAGES_PER_SLOT: usize = 2;

/// The task behind a walk.
pub(super) struct Scheduler {
    client: RdsClient,
    listings: Vec<Listing>,
    /// The first listing not yet delivered in full.
    head: usize,
    concurrency: usize,
    fetches: JoinSet<Result<ListBackupsResponse, Error>>,
    tags: HashMap<Id, Tag>,
    /// Abort handles of each listing's fetches in flight.
    handles: Vec<Vec<AbortHandle>>,
}

/// Which listing a fetch belongs to.
struct Tag {
    listing: usize,
    generation: u64,
    offset: u64,
}

enum Event<'a> {
    /// The consumer can take one item.
    Deliver(mpsc::Permit<'a, WalkEvent>),
    Fetched(Result<(Id, Result<ListBackupsResponse, Error>), JoinError>),
    ConsumerGone,
}

impl Scheduler {
    pub(super) fn new(client: RdsClient, listings: Vec<Listing>, concurrency: usize) -> Self {
        let handles = listings.iter().map(|_| Vec::new()).collect();
        Scheduler {
            client,
            listings,
            head: 0,
            concurrency: concurrency.max(1),
            fetches: JoinSet::new(),
            tags: HashMap::new(),
            handles,
        }
    }

    pub(super) async fn run(mut self, tx: mpsc::Sender<WalkEvent>) {
        loop {
            while self.head < self.listings.len() && self.listings[self.head].finished() {
                self.head += 1;
            }
            if self.head == self.listings.len() {
                break;
            }
            self.start_fetches();
            match self.next_event(&tx).await {
                Event::Deliver(permit) => {
                    if let Some(item) = self.listings[self.head].outbox.pop_front() {
                        permit.send(WalkEvent::new(self.head, item));
                    }
                }
                Event::Fetched(joined) => self.absorb(joined),
                Event::ConsumerGone => break,
            }
        }
        // Every fetch still running is void now; wait until each has stopped.
        self.fetches.abort_all();
        while self.fetches.join_next().await.is_some() {}
        // Dropping `tx` now ends the stream.
    }

    /// Waits for the consumer to take an item or a fetch to finish.
    async fn next_event<'a>(&mut self, tx: &'a mpsc::Sender<WalkEvent>) -> Event<'a> {
        let has_item = !self.listings[self.head].outbox.is_empty();
        let mut reserve = pin!(tx.reserve());
        let mut closed = pin!(tx.closed());
        poll_fn(|cx| {
            if has_item {
                if let Poll::Ready(reserved) = reserve.as_mut().poll(cx) {
                    return Poll::Ready(match reserved {
                        Ok(permit) => Event::Deliver(permit),
                        Err(_) => Event::ConsumerGone,
                    });
                }
            } else if closed.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Event::ConsumerGone);
            }
            match self.fetches.poll_join_next_with_id(cx) {
                Poll::Ready(Some(joined)) => Poll::Ready(Event::Fetched(joined)),
                _ => Poll::Pending,
            }
        })
        .await
    }

    /// Starts every fetch the budget and the buffer allow, in listing order.
    fn start_fetches(&mut self) {
        let later_budget = self.concurrency * LATER_PAGES_PER_SLOT;
        let mut later_held: usize = self.listings[self.head + 1..]
            .iter()
            .map(Listing::held)
            .sum();
        for index in self.head..self.listings.len() {
            loop {
                if self.fetches.len() >= self.concurrency {
                    return;
                }
                let listing = &mut self.listings[index];
                if index == self.head {
                    // Pages the consumer has not taken yet stop the head too.
                    if listing.undelivered() >= self.concurrency {
                        break;
                    }
                } else if later_held >= later_budget {
                    return;
                }
                let Some(offset) = listing.next_fetch(self.concurrency) else {
                    break;
                };
                if index != self.head {
                    later_held += 1;
                }
                self.spawn(index, offset);
            }
        }
    }

    fn spawn(&mut self, index: usize, offset: u64) {
        let listing = &self.listings[index];
        let generation = listing.generation();
        let span = tracing::info_span!("page", instance_id = %listing.instance_id(), offset);
        let request = listing.page_request(offset);
        let client = self.client.clone();
        let fetch = async move {
            match request {
                Ok(request) => client.list_backups(&request).await,
                Err(e) => Err(e),
            }
        };
        let handle = self.fetches.spawn(fetch.instrument(span));
        self.tags.insert(
            handle.id(),
            Tag {
                listing: index,
                generation,
                offset,
            },
        );
        self.handles[index].push(handle);
    }

    fn absorb(&mut self, joined: Result<(Id, Result<ListBackupsResponse, Error>), JoinError>) {
        let (id, result) = match joined {
            Ok((id, result)) => (id, result),
            Err(e) if e.is_cancelled() => {
                self.tags.remove(&e.id());
                return;
            }
            Err(e) => (
                e.id(),
                Err(Error::Config(format!("a page fetch failed: {e}"))),
            ),
        };
        let Some(tag) = self.tags.remove(&id) else {
            return;
        };
        self.handles[tag.listing].retain(|h| h.id() != id);
        let listing = &mut self.listings[tag.listing];
        if tag.generation != listing.generation() {
            return;
        }
        if listing.absorb(tag.offset, result) == After::CancelInFlight {
            for handle in self.handles[tag.listing].drain(..) {
                handle.abort();
            }
        }
    }
}
