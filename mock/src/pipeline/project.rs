//! The project: the path's `project_id` (and `X-Project-Id`, when sent) must be the
//! mock's.

use crate::answer::Answer;
use crate::credentials::MOCK_PROJECT_ID;
use crate::query;
use crate::request::RecordedRequest;

/// `403` `DBS.280056`, as the service answers a token or key that is not valid for
/// the project, unless the project is [`MOCK_PROJECT_ID`].
pub(super) fn check(raw_project: &str, req: &RecordedRequest) -> Result<(), Answer> {
    let project = query::percent_decode(raw_project).unwrap_or_default();
    let header_project = req.header("x-project-id").map(str::trim);
    if project != MOCK_PROJECT_ID || header_project.is_some_and(|p| p != project) {
        return Err(Answer::error(
            403,
            "DBS.280056",
            &format!("Invalid token: it is not valid for project {project}."),
        ));
    }
    Ok(())
}
