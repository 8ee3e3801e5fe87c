//! The ECS metadata service's token and temporary credentials.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::issued::Issued;
use crate::answer::Answer;
use crate::request::RecordedRequest;

/// `PUT /meta-data/latest/api/token`.
pub(crate) fn metadata_token(req: &RecordedRequest, issued: &Issued, tokens_on: bool) -> Answer {
    if req.method != "PUT" {
        return Answer::method_not_allowed("PUT");
    }
    if !tokens_on {
        return Answer::error(404, "MOCK.404", "This metadata service has no tokens.");
    }
    let ttl = req
        .header("x-metadata-token-ttl-seconds")
        .and_then(|v| v.trim().parse::<u32>().ok());
    if !ttl.is_some_and(|t| (1..=21_600).contains(&t)) {
        return Answer::error(
            400,
            "MOCK.400",
            "X-Metadata-Token-Ttl-Seconds must be between 1 and 21600.",
        );
    }
    text(200, issued.metadata_token())
}

/// `GET /openstack/latest/securitykey`.
pub(crate) fn security_key(
    req: &RecordedRequest,
    issued: &Issued,
    tokens_on: bool,
    ttl: Duration,
) -> Answer {
    if req.method != "GET" {
        return Answer::method_not_allowed("GET");
    }
    if tokens_on && req.header("x-metadata-token") != Some(issued.metadata_token().as_str()) {
        return text(
            401,
            "Unauthorized: a valid X-Metadata-Token is required".into(),
        );
    }
    let grant = issued.issue(ttl);
    let body = serde_json::json!({
        "credential": {
            "access": grant.access,
            "secret": grant.secret,
            "securitytoken": grant.security_token,
            "expires_at": format_expiry(grant.expires_at),
        }
    });
    Answer::json(200, body.to_string().into_bytes())
}

fn text(status: u16, body: String) -> Answer {
    let mut a = Answer::json(status, body.into_bytes());
    a.headers = vec![("Content-Type".into(), "text/plain".into())];
    a
}

/// `2026-12-01T10:00:00.000000Z`, as the metadata service writes it.
fn format_expiry(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (y, m, day) = huaweicloud_signer::date::civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_format() {
        let t = UNIX_EPOCH + Duration::from_secs(1_796_119_200);
        assert_eq!(format_expiry(t), "2026-12-01T10:00:00.000000Z");
    }
}
