//! The page: the instance's backups that answer a validated query, changed by the
//! data faults.

use crate::answer::{Answer, Body};
use crate::data;
use crate::faults::Fault;
use crate::query::ListQuery;
use crate::state::State;

/// `200` with the page, or `400` `DBS.200823` for an unknown instance (the
/// service answers a missing instance with `400`, not `404`).
pub(super) fn answer(state: &State, mut q: ListQuery, fault: &Fault) -> Answer {
    if *fault == Fault::IgnoreOffset {
        q.offset = 0;
    }
    let Some(inst) = state.instance(&q.instance_id) else {
        return Answer::error(400, "DBS.200823", "The DB instance does not exist.");
    };
    if let Fault::Oversize { bytes, chunked } = *fault {
        let fragment = inst
            .records()
            .first()
            .map_or_else(|| "{}".to_owned(), |r| r.json().to_owned());
        let mut a = Answer::json(200, Vec::new());
        a.body = Body::Filler {
            len: bytes,
            chunked,
            fragment,
        };
        return a;
    }
    let mut body = if *fault == Fault::ShiftByOne {
        let phantom = data::phantom(&inst);
        let page = inst.page_of(std::iter::once(&phantom).chain(inst.records()), &q);
        inst.render(&page.items, i128::from(page.total_count))
    } else {
        let page = inst.page(&q);
        let mut total = i128::from(page.total_count);
        if let Fault::TotalCountDelta(d) = *fault {
            total = (total + i128::from(d)).max(0);
        }
        inst.render(&page.items, total)
    };
    let mut content_type = "application/json";
    match fault {
        Fault::TruncatedJson => body.truncate(body.len() / 2),
        Fault::IdTypo => {
            body = String::from_utf8_lossy(&body)
                .replace("{\"id\":", "{\"id \":")
                .into_bytes();
        }
        Fault::InvalidUtf8 => {
            let key = b"\"name\":\"";
            if let Some(i) = body.windows(key.len()).position(|w| w == key) {
                let at = i + key.len();
                body.splice(at..at, [0xFF, 0xFE]);
            }
        }
        Fault::NonJsonContentType => content_type = "text/plain; charset=utf-8",
        _ => {}
    }
    let mut a = Answer::json(200, body);
    a.headers = vec![("Content-Type".into(), content_type.into())];
    a
}
