//! The request pipeline: each stage either passes the request on or answers it.
//!
//! [`route`] (path and method), [`auth`] (token or signature), [`project`],
//! [`params`] (the query's rules), then [`fault`] (what goes wrong, if anything) and
//! [`page`] (the instance's data). The first stage that answers decides; see the
//! crate docs for the codes.

mod auth;
mod fault;
mod page;
mod params;
mod project;
mod route;

use crate::answer::Answer;
use crate::query::ListQuery;
use crate::request::RecordedRequest;
use crate::state::State;

/// The answer to `req`.
pub(crate) fn answer(state: &State, req: &RecordedRequest) -> Answer {
    let request_id = req.request_id.as_str();
    let any = state.next_any_fault();
    if let Some(done) = any
        .as_ref()
        .and_then(|f| fault::before_routing(f, request_id))
    {
        return done;
    }
    let (answer, fault) = match checked(state, req) {
        Err(refused) => (refused, any),
        Ok(query) => {
            let fault = any.unwrap_or_else(|| fault::choose(state, &query));
            if let Some(done) = fault::standalone(&fault, request_id) {
                return done;
            }
            (page::answer(state, query, &fault), Some(fault))
        }
    };
    match fault {
        Some(f) => answer.on_wire(fault::wire(&f)),
        None => answer,
    }
}

/// The stages before faults and data: the validated query, or the refusal.
fn checked(state: &State, req: &RecordedRequest) -> Result<ListQuery, Answer> {
    let project = route::check(req)?;
    auth::check(&state.config, req)?;
    project::check(&project, req)?;
    params::check(req)
}
