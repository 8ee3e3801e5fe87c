//! Authentication of received requests: an IAM token or an SDK-HMAC-SHA256 signature,
//! verified with the workspace's signer crate ([`huaweicloud_signer`]).

use std::sync::LazyLock;
use std::time::{Duration, SystemTime};

use huaweicloud_signer::{self as signing, RequestParts, SecretKey};

use crate::answer::Answer;
use crate::config::MockConfig;
use crate::credentials::{MOCK_ACCESS_KEY, MOCK_AUTH_TOKEN, MOCK_SECRET_KEY};
use crate::request::RecordedRequest;

static SECRET: LazyLock<SecretKey> = LazyLock::new(|| SecretKey::new(MOCK_SECRET_KEY));

/// `401` `APIGW.0301` (with `request_id` in the body) unless the request carries
/// valid credentials or the server does not check them.
pub(super) fn check(config: &MockConfig, req: &RecordedRequest) -> Result<(), Answer> {
    if !config.verify_signature {
        return Ok(());
    }
    authenticate(req, config.max_clock_skew, SystemTime::now()).map_err(|why| {
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
fn authenticate(req: &RecordedRequest, max_skew: Duration, now: SystemTime) -> Result<(), String> {
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
    let verified = signing::verify(&parts, |ak| (ak == MOCK_ACCESS_KEY).then_some(&*SECRET))
        .map_err(|e| format!("verify aksk signature fail: {e}"))?;
    if !signing::is_fresh(verified.date, now, max_skew) {
        return Err(format!(
            "verify aksk signature fail: X-Sdk-Date is more than {} seconds away from the server time",
            max_skew.as_secs()
        ));
    }
    Ok(())
}
