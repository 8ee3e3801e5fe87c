//! The request pipeline: each stage either passes the request on or answers it.
//!
//! [`identity`] (IAM's project list and the ECS metadata endpoints, answered
//! whole), [`route`] (path and method), [`auth`] (token or signature), [`project`],
//! [`params`] (the query's rules), then [`fault`] (what goes wrong, if anything) and
//! [`page`] (the instance's data). The first stage that answers decides; see the
//! crate docs for the codes.

mod auth;
mod fault;
mod identity;
mod page;
mod params;
mod project;
mod route;

use crate::answer::Answer;
use crate::query::ListQuery;
use crate::request::RecordedRequest;
use crate::state::State;

/// The answer to `req`, the `nth` request naming its instance.
pub(crate) fn answer(state: &State, req: &RecordedRequest, nth: Option<u64>) -> Answer {
    let request_id = req.request_id.as_str();
    let any = state.next_any_fault();
    if let Some(done) = any
        .as_ref()
        .and_then(|f| fault::before_routing(f, request_id))
    {
        return done;
    }
    if let Some(answer) = identity::answer(state, req) {
        // The server-wide script applies here too (IAM answering 503 once).
        return match any {
            Some(f) => {
                fault::standalone(&f, request_id).unwrap_or_else(|| answer.on_wire(fault::wire(&f)))
            }
            None => answer,
        };
    }
    let (answer, fault) = match checked(state, req) {
        Err(refused) => (refused, any),
        Ok(query) => {
            let fault = any.unwrap_or_else(|| fault::choose(state, &query, nth));
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
    auth::check(state, req)?;
    project::check(&project, req)?;
    params::check(req)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Body;
    use crate::config::MockConfig;
    use crate::credentials::MOCK_PROJECT_ID;
    use crate::faults::FAULT_SAME_PAGE;

    fn request(offset: u32) -> RecordedRequest {
        RecordedRequest {
            method: "GET".into(),
            target: format!(
                "/v3/{MOCK_PROJECT_ID}/backups?instance_id={FAULT_SAME_PAGE}&offset={offset}"
            ),
            headers: vec![("host".into(), "127.0.0.1".into())],
            body: Vec::new(),
            instance_id: Some(FAULT_SAME_PAGE.into()),
            request_id: "r".into(),
        }
    }

    fn total_and_first_id(a: &Answer) -> (u64, String) {
        let Body::Bytes(b) = &a.body else {
            panic!("{a:?}")
        };
        let v: serde_json::Value = serde_json::from_slice(b).unwrap();
        (
            v["total_count"].as_u64().unwrap(),
            v["backups"][0]["id"].as_str().unwrap().to_owned(),
        )
    }

    #[test]
    fn a_request_keeps_the_number_it_was_counted_with() {
        // Two requests counted before either is answered, as under concurrency:
        // only the second is the second request, whatever the answering order.
        let state = State::new(MockConfig::default().verify_signature(false), 0);
        let (first, second) = (request(100), request(100));
        let n1 = state.receive(&first);
        let n2 = state.receive(&second);
        assert_eq!((n1, n2), (Some(1), Some(2)));
        let offset_0 = total_and_first_id(&answer(&state, &request(0), Some(99)));
        assert_eq!(total_and_first_id(&answer(&state, &second, n2)), offset_0);
        assert_ne!(total_and_first_id(&answer(&state, &first, n1)), offset_0);
    }
}
