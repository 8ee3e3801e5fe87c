//! [`MockServer`]: binding, serving, inspecting and stopping one server.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::SystemTime;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use crate::answer::Answer;
use crate::config::MockConfig;
use crate::data::{Backup, Instance};
use crate::faults::Script;
use crate::request::RecordedRequest;
use crate::state::State;
use crate::{pipeline, query, wire};

impl wire::Service for State {
    fn request_id(&self) -> String {
        State::request_id(self)
    }

    fn connected(&self) {
        State::connected(self);
    }

    fn handle(&self, mut request: RecordedRequest) -> Answer {
        // The gateway throttles before the service sees the request: a
        // throttled one is counted apart, not as a request to its instance.
        let answer = if self.throttle.admit() {
            request.instance_id = request.query().and_then(query::instance_id_of);
            let nth = self.receive(&request);
            pipeline::answer(self, &request, nth)
        } else {
            self.throttle.throttled_answer(&request.request_id)
        };
        self.throttle.delayed(answer)
    }
}

enum Runner {
    Task(tokio::task::JoinHandle<()>),
    Thread(oneshot::Receiver<()>),
}

/// A running mock server. Dropping it stops it (without waiting); [`shutdown`](Self::shutdown)
/// stops it and waits until the port is released and connections are closed.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    runner: Option<Runner>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("config", &self.state.config)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    async fn bind(config: MockConfig) -> io::Result<(TcpListener, Arc<State>)> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let nonce = nanos ^ (u64::from(addr.port()) << 48) ^ u64::from(std::process::id());
        Ok((listener, Arc::new(State::new(config, nonce))))
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        let (listener, state) = Self::bind(config).await?;
        let addr = listener.local_addr()?;
        let (stop, rx) = watch::channel(false);
        let task = tokio::spawn(wire::serve(listener, state.clone(), rx));
        Ok(MockServer {
            addr,
            state,
            stop,
            runner: Some(Runner::Task(task)),
        })
    }

    /// Binds and starts serving on a dedicated thread with its own runtime, for
    /// synchronous tests or tests whose runtime is blocked by a synchronous client.
    pub fn start_background(config: MockConfig) -> io::Result<MockServer> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (listener, state) = rt.block_on(Self::bind(config))?;
        let addr = listener.local_addr()?;
        let (stop, rx) = watch::channel(false);
        let (done_tx, done_rx) = oneshot::channel();
        let svc = state.clone();
        std::thread::Builder::new()
            .name("rds-mock".into())
            .spawn(move || {
                rt.block_on(wire::serve(listener, svc, rx));
                let _ = done_tx.send(());
            })?;
        Ok(MockServer {
            addr,
            state,
            stop,
            runner: Some(Runner::Thread(done_rx)),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The configuration the server runs with.
    pub fn config(&self) -> &MockConfig {
        &self.state.config
    }

    /// Queues faults for the next requests naming `instance_id` (one per request
    /// that passes authentication and validation, in order; [`Fault::None`](crate::Fault::None)
    /// answers normally); afterwards the instance behaves normally again, unless the
    /// script [repeats its last fault](Script::repeat_last). Replaces any script of
    /// that instance.
    pub fn script(&self, instance_id: &str, script: impl Into<Script>) {
        self.state.set_script(instance_id, script.into());
    }

    /// Queues faults for the next requests of any kind (one per request received,
    /// whatever its path, method or credentials): the server then stands in for any
    /// HTTP server, e.g. with [`Fault::Reply`](crate::Fault::Reply) for arbitrary
    /// responses. Takes precedence over instance scripts. Replaces the previous
    /// server-wide script.
    pub fn script_any(&self, script: impl Into<Script>) {
        self.state.set_any_script(script.into());
    }

    /// Number of requests received whose query named `instance_id` (whatever the outcome).
    pub fn requests(&self, instance_id: &str) -> u64 {
        self.state.count_of(instance_id)
    }

    /// Number of requests received in total (whatever the outcome; requests hyper
    /// refused as malformed are not counted).
    pub fn total_requests(&self) -> u64 {
        self.state.total()
    }

    /// Number of requests answered 429 by the throttle
    /// ([`MockConfig::throttle`]); they are not in [`requests`](Self::requests)
    /// or [`total_requests`](Self::total_requests).
    pub fn throttled_requests(&self) -> u64 {
        self.state.throttle.throttled()
    }

    /// Number of connections accepted (with or without a request).
    pub fn connections(&self) -> u64 {
        self.state.connections()
    }

    /// The newest received requests, oldest first (at most
    /// [`MockConfig::record_requests`]), exactly as they reached the server.
    pub fn received(&self) -> Vec<RecordedRequest> {
        self.state.received()
    }

    /// The request id the newest recorded request was answered with (its
    /// `X-Request-Id`), `None` before any request or with recording off.
    pub fn last_request_id(&self) -> Option<String> {
        self.state.last_request_id()
    }

    /// Forgets request and connection counts, recorded requests and scripts.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Adds (or replaces) an instance served by this server only.
    pub fn insert_instance(&self, instance_id: &str, backups: &[Backup]) {
        self.state
            .insert_instance(Instance::from_backups(instance_id, backups));
    }

    /// Adds an instance `instance_id` holding the first `count` backups (at
    /// most all 10,000) of the large instance, their `instance_id` set to it:
    /// plain data without any fault rule, for scripted faults and throttling.
    /// Returns their ids in service order.
    pub fn insert_plain_instance(&self, instance_id: &str, count: usize) -> Vec<String> {
        let large = crate::data::default_instance(crate::INSTANCE_LARGE)
            .expect("the large instance is always generated");
        let backups: Vec<Backup> = large
            .records()
            .iter()
            .take(count)
            .map(|r| {
                let mut b: Backup =
                    serde_json::from_str(r.json()).expect("a generated backup parses");
                b.instance_id = instance_id.to_owned();
                b
            })
            .collect();
        self.insert_instance(instance_id, &backups);
        backups.into_iter().map(|b| b.id).collect()
    }

    /// Stops accepting, closes connections and waits until done.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        match self.runner.take() {
            Some(Runner::Task(t)) => {
                let _ = t.await;
            }
            Some(Runner::Thread(done)) => {
                let _ = done.await;
            }
            None => {}
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
