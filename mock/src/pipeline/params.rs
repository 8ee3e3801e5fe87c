//! Parameters: the query's rules (see [`crate::query`]) and the `X-Language` header.

use crate::answer::Answer;
use crate::query::{self, ListQuery};
use crate::request::RecordedRequest;

/// The validated query, or `400` `DBS.280001` naming what is wrong.
pub(super) fn check(req: &RecordedRequest) -> Result<ListQuery, Answer> {
    let q = query::parse_pairs(req.query().unwrap_or(""))
        .and_then(|p| query::parse_list_query(&p))
        .map_err(|e| Answer::error(400, "DBS.280001", &e.to_string()))?;
    // The spec's X-Language is a closed enum; the service refuses others.
    if let Some(lang) = req.header("x-language")
        && lang != "zh-cn"
        && lang != "en-us"
    {
        return Err(Answer::error(
            400,
            "DBS.280001",
            "Invalid parameter X-Language: must be zh-cn or en-us.",
        ));
    }
    Ok(q)
}
