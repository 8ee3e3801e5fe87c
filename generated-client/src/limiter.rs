//! One request rate for the whole client: every attempt of every call, on
//! every clone, waits here for its turn.
//!
//! The service throttles a project, not a request, so a throttled answer
//! (429 or `APIGW.0308`) slows the whole client down rather than only the
//! attempt that got it. The rate adapts by AIMD: a throttled answer cuts it
//! to [`DECREASE`] of what was admitted over the last second, a success
//! raises it by about [`INCREASE_PER_SECOND`] requests per second each second.
//! AIMD rather than CUBIC: a single client against a fixed quota has no
//! competing flows to be fair to, and the quota does not move, so CUBIC's
//! fast regrowth to the old maximum mostly buys more throttled answers;
//! a gentle linear probe just above a cut that starts from the rate actually
//! admitted settles close under the quota and stays there.
//!
//! Until the first throttled answer nothing is paced, but the number of
//! attempts in flight grows from [`INITIAL_WINDOW`] by one per success (a
//! slow start), so that a burst-limited service is not hit by a whole
//! `--concurrency` of requests at once before the client knows better.
//!
//! `Retry-After` pauses every attempt of the client until then, once for
//! all. An explicit upper bound ([`crate::ClientBuilder::rate`]) holds over
//! every one-second window of admissions, whatever the adaptive rate says.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// The smallest adaptive rate, in requests per second: a service that admits
/// one request a second is still walked to the end.
const MIN_RATE: f64 = 0.5;
/// The share of the admitted rate kept after a throttled answer.
const DECREASE: f64 = 0.8;
/// The rate gained per second of successes once throttled.
const INCREASE_PER_SECOND: f64 = 3.0;
/// Attempts in flight allowed before any success (the slow start).
const INITIAL_WINDOW: usize = 2;
/// A slow-start window this large no longer limits anything.
const OPEN_WINDOW: usize = 1024;
/// How far back the admitted rate is measured.
const MEASURE: Duration = Duration::from_secs(1);

/// The client-wide limiter; cheap to clone (clones share it).
#[derive(Debug, Clone)]
pub(crate) struct Limiter {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// The explicit upper bound, in requests per second.
    cap: Option<u32>,
    state: Mutex<State>,
    /// Wakes attempts waiting for the slow-start window.
    window_freed: Notify,
}

#[derive(Debug)]
struct State {
    /// The adaptive rate; `None` until the first throttled answer.
    rate: Option<f64>,
    /// The earliest time the next attempt may start at the adaptive rate.
    next_slot: Instant,
    /// No attempt starts before this (`Retry-After`).
    paused_until: Option<Instant>,
    /// Answers to attempts admitted before this do not cut the rate again:
    /// one cut per burst of throttled answers.
    last_cut: Option<Instant>,
    /// Slow-start window (attempts in flight) until the first throttle.
    window: Option<usize>,
    in_flight: usize,
    /// Admission times within the last second (for the cap).
    admitted: VecDeque<Instant>,
    /// Success times within the last [`MEASURE`].
    successes: VecDeque<Instant>,
    /// Origin of the `admitted_at_ns` field of the admission event.
    epoch: Instant,
}

/// One admitted attempt; dropping it frees its place in the window.
#[derive(Debug)]
pub(crate) struct Admission {
    shared: Arc<Shared>,
    at: Instant,
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        drop(state);
        self.shared.window_freed.notify_waiters();
    }
}

impl Limiter {
    /// A limiter with an optional upper bound in requests per second.
    pub(crate) fn new(cap: Option<u32>) -> Self {
        let now = Instant::now();
        Limiter {
            shared: Arc::new(Shared {
                cap: cap.filter(|&c| c > 0),
                state: Mutex::new(State {
                    rate: None,
                    next_slot: now,
                    paused_until: None,
                    last_cut: None,
                    window: Some(INITIAL_WINDOW),
                    in_flight: 0,
                    admitted: VecDeque::new(),
                    successes: VecDeque::new(),
                    epoch: now,
                }),
                window_freed: Notify::new(),
            }),
        }
    }

    /// Waits for this attempt's turn; `None` if it would not come before
    /// `deadline`.
    pub(crate) async fn admit(&self, deadline: Instant) -> Option<Admission> {
        loop {
            let mut freed = std::pin::pin!(self.shared.window_freed.notified());
            // Register before looking, so a release in between is not missed.
            freed.as_mut().enable();
            let wait = {
                let mut state = self.shared.lock();
                let now = Instant::now();
                match state.earliest(now, self.shared.cap) {
                    Turn::Now => return Some(state.take(now, self.shared.clone())),
                    Turn::At(at) if at >= deadline => return None,
                    Turn::At(at) => Some(at),
                    Turn::WindowFull => None,
                }
            };
            match wait {
                Some(at) => tokio::time::sleep_until(at).await,
                None => {
                    if tokio::time::timeout_at(deadline, freed).await.is_err() {
                        return None;
                    }
                }
            }
        }
    }

    /// An attempt was answered without throttling.
    pub(crate) fn succeeded(&self) {
        let mut state = self.shared.lock();
        let now = Instant::now();
        state.successes.push_back(now);
        while state
            .successes
            .front()
            .is_some_and(|&t| now.duration_since(t) > MEASURE)
        {
            state.successes.pop_front();
        }
        if let Some(window) = state.window.as_mut() {
            *window += 1;
            if *window >= OPEN_WINDOW {
                state.window = None;
            }
        }
        if let Some(rate) = state.rate.as_mut() {
            // One success in `rate` per second: about INCREASE_PER_SECOND a second.
            *rate += INCREASE_PER_SECOND / *rate;
        }
        drop(state);
        self.shared.window_freed.notify_waiters();
    }

    /// The attempt admitted as `admission` was throttled; `retry_after` is
    /// the service's `Retry-After`, if it sent one.
    pub(crate) fn throttled(&self, admission: &Admission, retry_after: Option<Duration>) {
        let mut state = self.shared.lock();
        let now = Instant::now();
        if let Some(wait) = retry_after {
            let until = now + wait;
            if state.paused_until.is_none_or(|p| p < until) {
                state.paused_until = Some(until);
                tracing::info!(
                    wait_ms = wait.as_millis() as u64,
                    "throttled with Retry-After: every request of the client waits"
                );
            }
        }
        // Answers to attempts sent before the last cut were already priced in.
        if state.last_cut.is_some_and(|cut| admission.at < cut) {
            return;
        }
        let measured = state.measured_rate(now);
        let base = state.rate.map_or(measured, |r| r.min(measured));
        let rate = (base * DECREASE).max(MIN_RATE);
        state.rate = Some(rate);
        state.window = None;
        state.last_cut = Some(now);
        state.next_slot = state
            .next_slot
            .max(now + Duration::from_secs_f64(1.0 / rate));
        tracing::info!(rate, "throttled: the client's request rate is lowered");
        drop(state);
        self.shared.window_freed.notify_waiters();
    }
}

enum Turn {
    Now,
    At(Instant),
    WindowFull,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// When the next attempt may start.
    fn earliest(&mut self, now: Instant, cap: Option<u32>) -> Turn {
        if let Some(window) = self.window
            && self.in_flight >= window
        {
            return Turn::WindowFull;
        }
        let mut at = now;
        if let Some(until) = self.paused_until {
            if until > now {
                at = at.max(until);
            } else {
                self.paused_until = None;
            }
        }
        if self.rate.is_some() {
            at = at.max(self.next_slot);
        }
        if let Some(cap) = cap {
            // The cap holds over any one second: the oldest of the last
            // `cap` admissions must be a full second old.
            while self
                .admitted
                .front()
                .is_some_and(|&t| now.duration_since(t) >= Duration::from_secs(1))
            {
                self.admitted.pop_front();
            }
            if self.admitted.len() >= cap as usize
                && let Some(&oldest) = self.admitted.front()
            {
                at = at.max(oldest + Duration::from_secs(1));
            }
        }
        if at <= now { Turn::Now } else { Turn::At(at) }
    }

    fn take(&mut self, now: Instant, shared: Arc<Shared>) -> Admission {
        self.in_flight += 1;
        if let Some(rate) = self.rate {
            let interval = Duration::from_secs_f64(1.0 / rate);
            self.next_slot = self.next_slot.max(now - interval) + interval;
        }
        self.admitted.push_back(now);
        if shared.cap.is_none() {
            // Kept only for measuring the admitted rate.
            while self
                .admitted
                .front()
                .is_some_and(|&t| now.duration_since(t) > MEASURE)
            {
                self.admitted.pop_front();
            }
        }
        tracing::trace!(
            admitted_at_ns = now.duration_since(self.epoch).as_nanos() as u64,
            "request admitted"
        );
        Admission { shared, at: now }
    }

    /// What the service let through over the last [`MEASURE`], in requests
    /// per second: the successes, or while there were none the attempts sent
    /// (at least [`MIN_RATE`]).
    fn measured_rate(&mut self, now: Instant) -> f64 {
        let old = |t: &Instant| now.duration_since(*t) > MEASURE;
        while self.successes.front().is_some_and(old) {
            self.successes.pop_front();
        }
        while self.admitted.front().is_some_and(old) {
            self.admitted.pop_front();
        }
        let times = if self.successes.is_empty() {
            &self.admitted
        } else {
            &self.successes
        };
        let span = times
            .front()
            .map_or(MEASURE, |&first| now.duration_since(first))
            .max(Duration::from_millis(250));
        (times.len() as f64 / span.as_secs_f64()).max(MIN_RATE)
    }
}
