//! Routing: `GET /v3/{project_id}/backups` and nothing else.

use crate::answer::Answer;
use crate::request::RecordedRequest;

/// The raw `project_id` path segment, or `404` `APIGW.0101` for another path and
/// `405` (with `Allow: GET`) for another method.
pub(super) fn check(req: &RecordedRequest) -> Result<String, Answer> {
    let Some(project) = req
        .path()
        .strip_prefix("/v3/")
        .and_then(|p| p.strip_suffix("/backups"))
        .filter(|p| !p.is_empty() && !p.contains('/'))
    else {
        return Err(Answer::error(
            404,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment.",
        ));
    };
    if req.method != "GET" {
        let mut refused = Answer::error(
            405,
            "APIGW.0101",
            &format!("Method {} is not allowed; use GET.", req.method),
        );
        refused.headers.push(("Allow".into(), "GET".into()));
        return Err(refused);
    }
    Ok(project.to_owned())
}
