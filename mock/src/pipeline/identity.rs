//! The identity services beside the API: IAM's project list (authenticated as
//! the list endpoint is) and the ECS metadata endpoints (see
//! [`crate::identity`]). `None` for every other path.

use super::auth;
use crate::answer::Answer;
use crate::identity::{self, METADATA_TOKEN_PATH, PROJECTS_PATH, SECURITY_KEY_PATH};
use crate::request::RecordedRequest;
use crate::state::State;

pub(super) fn answer(state: &State, req: &RecordedRequest) -> Option<Answer> {
    let (tokens, ttl) = (state.config.metadata_tokens, state.config.metadata_ttl);
    Some(match req.path() {
        METADATA_TOKEN_PATH => identity::metadata_token(req, &state.issued, tokens),
        SECURITY_KEY_PATH => identity::security_key(req, &state.issued, tokens, ttl),
        PROJECTS_PATH => match auth::check(state, req) {
            Ok(()) => identity::projects(req),
            Err(refused) => refused,
        },
        _ => return None,
    })
}
