//! The loss-free rules of walking one instance's listing, as a state machine
//! the scheduler drives: it asks which offsets to fetch and hands back what
//! each fetch returned; the listing decides what is new, in service order.
//!
//! The service lists newest first and pages by offset, so a backup created or
//! deleted during a walk shifts every later page by one: an item is seen
//! twice or skipped. The walk therefore drops duplicates by id, and a pass
//! that saw `total_count` change, or ended with fewer backups than it
//! counts, is not trusted: the listing is walked again, sequentially, adding
//! what was missed, until a pass sees one unchanged `total_count` (three
//! passes at most). If backups are still missing, the listing ends with
//! [`Error::Incomplete`]: nothing is lost silently.
//!
//! The first pass fetches page 1 alone, then plans the rest from the latest
//! `total_count`, several pages at once, absorbed in offset order; a short
//! page makes what was planned after it misaligned, so those fetches are
//! cancelled (their generation ends) and the plan restarts from there.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

use crate::error::Error;
use crate::generated::types::{Backup, ListBackupsResponse};
use crate::request::{ListBackups, MAX_LIMIT};

/// What one listing hands the consumer, in order: `Counted` once its first
/// page is in, batches of new backups, then `Finished` or `Failed`.
#[derive(Debug)]
pub(super) enum Item {
    /// The first page's `total_count`.
    Counted(u64),
    /// New backups, never empty.
    Backups(Vec<Backup>),
    /// The walk is complete; the last `total_count` it saw.
    Finished(u64),
    /// The error that ended the walk.
    Failed(Error),
}

/// Passes over a listing before giving up on a stable `total_count`.
const MAX_PASSES: u32 = 3;

/// The most ids the set of seen ids is sized for up front.
const MAX_PRESIZED_IDS: usize = 100_000;

/// One instance's walk.
#[derive(Debug)]
pub(super) struct Listing {
    request: ListBackups,
    start: u64,
    limit: u64,
    seen: HashSet<String>,
    pass_number: u32,
    pass: Pass,
    mode: Mode,
    /// Fetches of an older generation are void: their results are dropped.
    generation: u64,
    /// Items ready for the consumer, in order.
    pub(super) outbox: VecDeque<Item>,
    done: bool,
}

/// What one pass over the listing saw.
#[derive(Debug, Default)]
struct Pass {
    totals: BTreeSet<u64>,
    last_total: u64,
    duplicates: u64,
}

#[derive(Debug)]
enum Mode {
    /// The first pass's first page: fetched alone, for `total_count`.
    First { requested: bool },
    /// The rest of the first pass: pages planned ahead, absorbed in order.
    Concurrent {
        /// The next offset to absorb.
        offset: u64,
        /// The next offset to plan.
        next_planned: u64,
        last_full: bool,
        outstanding: BTreeSet<u64>,
        ready: BTreeMap<u64, Result<ListBackupsResponse, Error>>,
    },
    /// A later pass: one page at a time from the start.
    Sequential { offset: u64, requested: bool },
}

/// What absorbing a result asks of the scheduler.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum After {
    Continue,
    /// Cancel every fetch of this listing still in flight: it is void.
    CancelInFlight,
}

impl Listing {
    pub(super) fn new(request: ListBackups) -> Listing {
        let start = u64::from(request.offset.unwrap_or(0));
        let limit = u64::from(request.limit.unwrap_or(MAX_LIMIT));
        let mut listing = Listing {
            start,
            limit,
            seen: HashSet::new(),
            pass_number: 1,
            pass: Pass::default(),
            mode: Mode::First { requested: false },
            generation: 0,
            outbox: VecDeque::new(),
            done: false,
            request,
        };
        if let Err(e) = listing.request.validate() {
            listing.outbox.push_back(Item::Failed(e));
            listing.done = true;
        }
        listing
    }

    pub(super) fn instance_id(&self) -> &str {
        &self.request.instance_id
    }

    pub(super) fn generation(&self) -> u64 {
        self.generation
    }

    /// No more fetches and nothing left for the consumer.
    pub(super) fn finished(&self) -> bool {
        self.done && self.outbox.is_empty()
    }

    /// Batches waiting for the consumer (markers are not pages).
    fn waiting_batches(&self) -> usize {
        self.outbox
            .iter()
            .filter(|item| matches!(item, Item::Backups(_)))
            .count()
    }

    /// Pages this listing holds that the consumer has not received, in flight
    /// ones included.
    pub(super) fn held(&self) -> usize {
        let planned = match &self.mode {
            Mode::Concurrent {
                outstanding, ready, ..
            } => outstanding.len() + ready.len(),
            Mode::First { requested } | Mode::Sequential { requested, .. } => {
                usize::from(*requested)
            }
        };
        self.waiting_batches() + if self.done { 0 } else { planned }
    }

    /// Pages fetched but not yet absorbed or delivered (not in flight).
    pub(super) fn undelivered(&self) -> usize {
        let ready = match &self.mode {
            Mode::Concurrent { ready, .. } => ready.len(),
            _ => 0,
        };
        self.waiting_batches() + ready
    }

    /// The request for the page at `offset`.
    pub(super) fn page_request(&self, offset: u64) -> Result<ListBackups, Error> {
        let offset = u32::try_from(offset).map_err(|_| {
            Error::invalid("offset", "walked past the largest offset the API takes")
        })?;
        let limit = u32::try_from(self.limit).unwrap_or(MAX_LIMIT);
        let mut page = self.request.clone();
        page.offset = Some(offset);
        page.limit = Some(limit);
        Ok(page)
    }

    /// The next offset to fetch now, if any; `per_listing` bounds the pages
    /// planned ahead (in flight or waiting to be absorbed).
    pub(super) fn next_fetch(&mut self, per_listing: usize) -> Option<u64> {
        if self.done {
            return None;
        }
        let start = self.start;
        let limit = self.limit;
        let last_total = self.pass.last_total;
        match &mut self.mode {
            Mode::First { requested } | Mode::Sequential { requested, .. } if *requested => None,
            Mode::First { requested } => {
                *requested = true;
                Some(start)
            }
            Mode::Sequential { offset, requested } => {
                *requested = true;
                Some(*offset)
            }
            Mode::Concurrent {
                offset,
                next_planned,
                last_full,
                outstanding,
                ready,
            } => {
                if !*last_full || *offset >= last_total {
                    return None;
                }
                if outstanding.is_empty() && !ready.contains_key(offset) {
                    // Nothing planned holds the next offset: plan from it.
                    ready.clear();
                    *next_planned = *offset;
                }
                if outstanding.len() + ready.len() >= per_listing.max(1)
                    || *next_planned >= last_total
                {
                    return None;
                }
                let at = *next_planned;
                outstanding.insert(at);
                *next_planned += limit;
                Some(at)
            }
        }
    }

    /// Takes the result of the fetch at `offset`.
    pub(super) fn absorb(
        &mut self,
        offset: u64,
        result: Result<ListBackupsResponse, Error>,
    ) -> After {
        if self.done {
            return After::Continue;
        }
        match &mut self.mode {
            Mode::First { .. } => {
                let page = match result {
                    Ok(page) => page,
                    Err(e) => return self.fail(e),
                };
                let total = u64::try_from(page.total_count).unwrap_or(0);
                self.outbox.push_back(Item::Counted(total));
                let received = self.take_page(page);
                let offset = self.start + received;
                self.mode = Mode::Concurrent {
                    offset,
                    next_planned: offset,
                    last_full: received == self.limit,
                    outstanding: BTreeSet::new(),
                    ready: BTreeMap::new(),
                };
                self.check_concurrent_end()
            }
            Mode::Concurrent {
                outstanding, ready, ..
            } => {
                outstanding.remove(&offset);
                ready.insert(offset, result);
                self.absorb_ready()
            }
            Mode::Sequential {
                offset: at,
                requested,
            } => {
                *requested = false;
                let at = *at;
                debug_assert_eq!(at, offset);
                let page = match result {
                    Ok(page) => page,
                    Err(e) => return self.fail(e),
                };
                let received = self.take_page(page);
                let next = at + received;
                if received < self.limit || next >= self.pass.last_total {
                    self.end_pass();
                } else {
                    self.mode = Mode::Sequential {
                        offset: next,
                        requested: false,
                    };
                }
                After::Continue
            }
        }
    }

    /// Absorbs the pages waiting at the next offset, in order.
    fn absorb_ready(&mut self) -> After {
        let mut after = After::Continue;
        loop {
            let (at, result) = match &mut self.mode {
                Mode::Concurrent { offset, ready, .. } => match ready.remove(offset) {
                    Some(result) => (*offset, result),
                    None => return after,
                },
                _ => return after,
            };
            let page = match result {
                Ok(page) => page,
                Err(e) => return self.fail(e),
            };
            let received = self.take_page(page);
            let limit = self.limit;
            if let Mode::Concurrent {
                offset,
                next_planned,
                last_full,
                outstanding,
                ready,
            } = &mut self.mode
            {
                *last_full = received == limit;
                *offset = at + received;
                if received != limit {
                    // A short page: what was planned after it is misaligned.
                    outstanding.clear();
                    ready.clear();
                    *next_planned = at + received;
                    self.generation += 1;
                    after = After::CancelInFlight;
                }
            }
            if self.check_concurrent_end() == After::CancelInFlight {
                after = After::CancelInFlight;
            }
        }
    }

    /// Ends the first pass once its last page is absorbed.
    fn check_concurrent_end(&mut self) -> After {
        let Mode::Concurrent {
            offset,
            last_full,
            outstanding,
            ..
        } = &self.mode
        else {
            return After::Continue;
        };
        if *last_full && *offset < self.pass.last_total {
            return After::Continue;
        }
        let planned = !outstanding.is_empty();
        self.generation += 1;
        self.end_pass();
        if planned {
            After::CancelInFlight
        } else {
            After::Continue
        }
    }

    /// Queues what `page` adds; returns how many items the page had.
    fn take_page(&mut self, page: ListBackupsResponse) -> u64 {
        let total = u64::try_from(page.total_count).unwrap_or(0);
        self.pass.totals.insert(total);
        self.pass.last_total = total;
        let count = page.backups.len() as u64;
        // Size the set for every id the listing counts once, rather than
        // rehashing all of them each time it grows (bounded: the count
        // comes from the service).
        let expected = usize::try_from(total).map_or(MAX_PRESIZED_IDS, |t| t.min(MAX_PRESIZED_IDS));
        self.seen.reserve(expected.saturating_sub(self.seen.len()));
        let before = self.seen.len();
        let mut fresh = page.backups;
        fresh.retain(|b| self.seen.insert(b.id.clone()));
        self.pass.duplicates += count - (self.seen.len() - before) as u64;
        if !fresh.is_empty() {
            self.outbox.push_back(Item::Backups(fresh));
        }
        count
    }

    /// Trusts the pass, walks again, or gives up with `Incomplete`.
    fn end_pass(&mut self) {
        let last_total = self.pass.last_total;
        let reported = last_total.saturating_sub(self.start);
        let received = self.seen.len() as u64;
        // Trusted: one total_count throughout, and everything it counts.
        let stable = self.pass.totals.len() <= 1;
        if stable && received >= reported {
            self.finish(Item::Finished(last_total));
            return;
        }
        if self.pass_number >= MAX_PASSES {
            self.finish(if received < reported {
                Item::Failed(Error::Incomplete { received, reported })
            } else {
                Item::Finished(last_total)
            });
            return;
        }
        tracing::warn!(
            instance_id = %self.request.instance_id,
            pass = self.pass_number,
            totals = ?self.pass.totals,
            duplicates = self.pass.duplicates,
            received,
            "the listing changed during the walk; walking it again"
        );
        self.pass_number += 1;
        self.pass = Pass::default();
        self.mode = Mode::Sequential {
            offset: self.start,
            requested: false,
        };
    }

    fn fail(&mut self, error: Error) -> After {
        self.finish(Item::Failed(error));
        self.generation += 1;
        After::CancelInFlight
    }

    /// Ends the listing with its last item.
    fn finish(&mut self, last: Item) {
        self.outbox.push_back(last);
        self.done = true;
    }
}
