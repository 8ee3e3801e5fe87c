//! Fault injection: what can go wrong with one response, and when it goes wrong.
//!
//! # One naming scheme
//!
//! Connection faults say what the server does and when: [`Fault::DelayHeaders`],
//! [`Fault::Hang`], [`Fault::CloseBeforeHeaders`] (FIN), [`Fault::ResetBeforeHeaders`]
//! (RST), [`Fault::CloseMidBody`], [`Fault::StallMidBody`]. Body faults name the body
//! that is sent instead of the normal one ([`Fault::EmptyBody`], [`Fault::InvalidUtf8`],
//! ...). [`Fault::Reply`] sends any [`Reply`](crate::Reply); the helpers [`Fault::error`],
//! [`Fault::throttled`], [`Fault::unavailable`] build the usual ones.
//!
//! # When a fault applies
//!
//! For each request, the first of these that has a fault decides:
//! 1. the server-wide script ([`MockServer::script_any`](crate::MockServer::script_any)):
//!    one fault consumed per request received, whatever its path, method or
//!    credentials. Faults that need no data (a [`Reply`](crate::Reply), a redirect, an oversize
//!    body, a connection fault with its own reply, ...) answer before routing and
//!    authentication, so the server can stand in for any HTTP server; the others
//!    change the normal answer;
//! 2. the instance's script ([`MockServer::script`](crate::MockServer::script)): one
//!    fault consumed per request that named the instance and passed authentication
//!    and validation;
//! 3. the fault instance's rule (the `fault-*` instances of [`FAULT_INSTANCES`]);
//! 4. otherwise nothing goes wrong.

mod fault;
mod instances;
mod script;

pub use fault::Fault;
pub(crate) use fault::{BAD_GATEWAY_HTML, WRONG_SHAPE_BODY};
pub use instances::*;
pub(crate) use instances::{FaultSettings, fault_instance_size, instance_fault};
pub use script::Script;
