//! Authentication of received requests: an IAM token or an SDK-HMAC-SHA256 signature,
//! verified with the workspace's signer crate ([`huaweicloud_signer`]), by the
//! test AK/SK or by temporary credentials the metadata endpoint issued (with
//! their `X-Security-Token`, until they expire).

use std::sync::LazyLock;
use std::time::{Duration, SystemTime};

use huaweicloud_signer::{self as signing, RequestParts, SecretKey};

use crate::answer::Answer;
use crate::credentials::{MOCK_ACCESS_KEY, MOCK_AUTH_TOKEN, MOCK_SECRET_KEY};
use crate::identity::Issued;
use crate::request::RecordedRequest;
use crate::state::State;

static SECRET: LazyLock<SecretKey> = LazyLock::new(|| SecretKey::new(MOCK_SECRET_KEY));

/// `401` `APIGW.0301` (with `request_id` in the body) unless the request carries
/// valid credentials or the server does not check them.
pub(super) fn check(state: &State, req: &RecordedRequest) -> Result<(), Answer> {
    let config = &state.config;
    if !config.verify_signature {
        return Ok(());
    }
    authenticate(req, config.max_clock_skew, SystemTime::now(), &state.issued).map_err(|why| {
        let body = serde_json::json!({
            "error_code": "APIGW.0301",
            "error_msg": format!("Incorrect IAM authentication information: {why}"),
            "request_id": req.request_id,
        });
        Answer::json(401, body.to_string().into_bytes())
    })
}

/// Checks the credentials of `req`. `Err` carries the reason that follows
/// `Incorrect IAM authentication information: ` in the 401 body.
fn authenticate(
    req: &RecordedRequest,
    max_skew: Duration,
    now: SystemTime,
    issued: &Issued,
) -> Result<(), String> {
    if let Some(token) = req.header("x-auth-token") {
        return if token.trim() == MOCK_AUTH_TOKEN {
            Ok(())
        } else {
            Err("the X-Auth-Token is not valid".into())
        };
    }
    if req.header("authorization").is_none() {
        return Err("no X-Auth-Token and no Authorization header".into());
    }
    let pairs = signing::parse_query(req.query().unwrap_or(""));
    let query: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let parts = RequestParts {
        method: &req.method,
        host: "",
        path: req.path(),
        query: &query,
        headers: &headers,
        body: &req.body,
    };
    let access_key = req
        .header("authorization")
        .and_then(|v| signing::parse_authorization(v).ok())
        .map(|a| a.access_key)
        .unwrap_or_default();
    let signature_error = |e: signing::VerifyError| format!("verify aksk signature fail: {e}");
    let verified = if access_key == MOCK_ACCESS_KEY {
        signing::verify(&parts, |_| Some(&*SECRET)).map_err(signature_error)?
    } else {
        issued.with(&access_key, |temporary| {
            if let Some(t) = temporary {
                let sent = req.header("x-security-token").map(str::trim);
                if sent != Some(t.security_token.as_str()) {
                    return Err(
                        "the X-Security-Token does not belong to these temporary credentials"
                            .to_owned(),
                    );
                }
                if t.expires_at <= now {
                    return Err("the security token has expired".to_owned());
                }
            }
            signing::verify(&parts, |_| temporary.map(|t| &t.secret)).map_err(signature_error)
        })?
    };
    if !signing::is_fresh(verified.date, now, max_skew) {
        return Err(format!(
            "verify aksk signature fail: X-Sdk-Date is more than {} seconds away from the server time",
            max_skew.as_secs()
        ));
    }
    Ok(())
}
