//! The shared state of one server: configuration, counters, scripts, the record of
//! received requests and the instances added at run time.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::config::MockConfig;
use crate::data::{self, Instance};
use crate::faults::{Fault, Script};
use crate::identity::Issued;
use crate::request::RecordedRequest;
use crate::sized;
use crate::throttle::Throttle;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide what was recorded.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug)]
pub(crate) struct State {
    pub config: MockConfig,
    nonce: u64,
    seq: AtomicU64,
    counts: Mutex<HashMap<String, u64>>,
    total: AtomicU64,
    connections: AtomicU64,
    scripts: Mutex<HashMap<String, Script>>,
    any_script: Mutex<Script>,
    recorded: Mutex<VecDeque<RecordedRequest>>,
    extra: RwLock<HashMap<String, Arc<Instance>>>,
    /// Temporary credentials the metadata endpoint handed out.
    pub issued: Issued,
    pub throttle: Throttle,
    sized: Mutex<HashMap<String, Arc<Instance>>>,
}

impl State {
    pub fn new(config: MockConfig, nonce: u64) -> State {
        State {
            throttle: Throttle::new(config.throttle),
            sized: Mutex::new(HashMap::new()),
            config,
            nonce,
            seq: AtomicU64::new(1),
            counts: Mutex::new(HashMap::new()),
            total: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            scripts: Mutex::new(HashMap::new()),
            any_script: Mutex::new(Script::default()),
            recorded: Mutex::new(VecDeque::new()),
            extra: RwLock::new(HashMap::new()),
            issued: Issued::new(nonce),
        }
    }

    /// A fresh `X-Request-Id` (32 hex digits, unique per server).
    pub fn request_id(&self) -> String {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}{n:016x}", self.nonce)
    }

    /// An instance of this server or of the default data set.
    pub fn instance(&self, id: &str) -> Option<Arc<Instance>> {
        let extra = self.extra.read().unwrap_or_else(|e| e.into_inner());
        extra
            .get(id)
            .cloned()
            .or_else(|| data::default_instance(id))
            .or_else(|| sized::sized_instance(id, &self.sized))
    }

    pub fn insert_instance(&self, inst: Instance) {
        self.extra
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(inst.id().to_owned(), Arc::new(inst));
    }

    /// Counts and records a received request; its number among the requests
    /// naming its instance (1-based), if it names one. The number is the one the
    /// count gave this request: reading the count again later could give two
    /// concurrent requests the same number.
    pub fn receive(&self, request: &RecordedRequest) -> Option<u64> {
        self.total.fetch_add(1, Ordering::Relaxed);
        let nth = request.instance_id.as_ref().map(|id| {
            let mut counts = lock(&self.counts);
            let count = counts.entry(id.clone()).or_insert(0);
            *count += 1;
            *count
        });
        if self.config.record_requests > 0 {
            let mut rec = lock(&self.recorded);
            while rec.len() >= self.config.record_requests {
                rec.pop_front();
            }
            rec.push_back(request.clone());
        }
        nth
    }

    pub fn connected(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests received so far whose query named `instance_id`.
    pub fn count_of(&self, instance_id: &str) -> u64 {
        lock(&self.counts).get(instance_id).copied().unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    pub fn received(&self) -> Vec<RecordedRequest> {
        lock(&self.recorded).iter().cloned().collect()
    }

    pub fn last_request_id(&self) -> Option<String> {
        lock(&self.recorded).back().map(|r| r.request_id.clone())
    }

    pub fn set_script(&self, instance_id: &str, script: Script) {
        lock(&self.scripts).insert(instance_id.to_owned(), script);
    }

    pub fn set_any_script(&self, script: Script) {
        *lock(&self.any_script) = script;
    }

    /// The next fault of the server-wide script.
    pub fn next_any_fault(&self) -> Option<Fault> {
        lock(&self.any_script).next()
    }

    /// The next fault of `instance_id`'s script.
    pub fn next_scripted_fault(&self, instance_id: &str) -> Option<Fault> {
        lock(&self.scripts).get_mut(instance_id)?.next()
    }

    /// Forgets counts, recorded requests and scripts.
    pub fn reset(&self) {
        lock(&self.counts).clear();
        lock(&self.recorded).clear();
        lock(&self.scripts).clear();
        *lock(&self.any_script) = Script::default();
        self.total.store(0, Ordering::Relaxed);
        self.connections.store(0, Ordering::Relaxed);
        self.throttle.reset();
    }
}
