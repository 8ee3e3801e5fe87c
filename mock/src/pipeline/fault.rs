//! Faults: which one applies to a request, and the answers that need no data.

use crate::answer::{Answer, Body, Wire};
use crate::faults::{self, BAD_GATEWAY_HTML, Fault, FaultSettings, WRONG_SHAPE_BODY};
use crate::query::ListQuery;
use crate::reply::Reply;
use crate::state::State;

/// The fault for a validated request, the `nth` naming its instance: the
/// instance's script, else the fault instance's rule, else none.
pub(super) fn choose(state: &State, q: &ListQuery, nth: Option<u64>) -> Fault {
    if let Some(f) = state.next_scripted_fault(&q.instance_id) {
        return f;
    }
    let settings = FaultSettings {
        delay: state.config.fault_delay,
        oversize_bytes: state.config.oversize_bytes,
    };
    let nth = nth.unwrap_or_else(|| state.count_of(&q.instance_id));
    faults::instance_fault(&q.instance_id, nth, q.offset, settings).unwrap_or(Fault::None)
}

/// The whole answer of a fault from the server-wide script, played before routing:
/// those of [`standalone`], and an oversize body of filler.
pub(super) fn before_routing(fault: &Fault, request_id: &str) -> Option<Answer> {
    if let Fault::Oversize { bytes, chunked } = *fault {
        let mut a = Answer::json(200, Vec::new());
        a.body = Body::Filler {
            len: bytes,
            chunked,
            fragment: String::new(),
        };
        return Some(a);
    }
    standalone(fault, request_id)
}

/// The whole answer of a fault that needs no instance data, `None` for the others.
pub(super) fn standalone(fault: &Fault, request_id: &str) -> Option<Answer> {
    let reply = |r: &Reply| Answer::reply(r, request_id);
    Some(match fault {
        Fault::Reply(r) => reply(r),
        Fault::Hang => empty().on_wire(Wire::Hang),
        Fault::CloseBeforeHeaders => empty().on_wire(Wire::Close),
        Fault::ResetBeforeHeaders => empty().on_wire(Wire::Reset),
        Fault::DelayHeaders { reply: Some(r), .. }
        | Fault::CloseMidBody { reply: Some(r), .. }
        | Fault::StallMidBody { reply: Some(r), .. } => reply(r).on_wire(wire_of(fault)),
        Fault::HtmlBadGateway => {
            let mut a = Answer::json(502, BAD_GATEWAY_HTML.as_bytes().to_vec());
            a.headers = vec![("Content-Type".into(), "text/html".into())];
            a
        }
        Fault::EmptyBody => Answer::json(200, Vec::new()),
        Fault::WrongShape => Answer::json(200, WRONG_SHAPE_BODY.as_bytes().to_vec()),
        Fault::Redirect { status, location } => {
            let mut a = empty();
            a.status = *status;
            a.headers = vec![("Location".into(), location.clone())];
            a
        }
        Fault::ErrorBodyIn200 { code, message } => {
            let body = serde_json::json!({
                "error_code": code,
                "error_msg": message,
                "request_id": request_id,
            });
            Answer::json(200, body.to_string().into_bytes())
        }
        _ => return None,
    })
}

/// The wire plan a fault puts on the normal answer.
pub(super) fn wire(fault: &Fault) -> Wire {
    match fault {
        Fault::DelayHeaders { reply: None, .. }
        | Fault::CloseMidBody { reply: None, .. }
        | Fault::StallMidBody { reply: None, .. } => wire_of(fault),
        _ => Wire::Normal,
    }
}

fn wire_of(fault: &Fault) -> Wire {
    match fault {
        Fault::DelayHeaders { delay, .. } => Wire::Delay(*delay),
        Fault::CloseMidBody { sent, .. } => Wire::CloseMidBody { sent: *sent },
        Fault::StallMidBody { sent, stall, .. } => Wire::StallMidBody {
            sent: *sent,
            stall: *stall,
        },
        _ => Wire::Normal,
    }
}

fn empty() -> Answer {
    Answer {
        status: 200,
        headers: Vec::new(),
        body: Body::Bytes(Vec::new()),
        wire: Wire::Normal,
    }
}
