//! The project id looked up in IAM from the region, as the official SDK's
//! `BasicCredentials.process_auth_params` does: a signed
//! `GET {iam}/v3/projects?name={region}` (SDK-HMAC-SHA256 with the client's
//! own AK/SK, the security token sent and signed when there is one),
//! answering `{"projects": [{"id": ..., "name": ...}, ...]}`. Exactly one
//! project is an answer; none or several is an error that says what to do.
//!
//! Answers are cached for the life of the process per IAM endpoint, access
//! key and region (the SDK keys by access key and region only; the endpoint
//! is part of the key here so that two IAM services never share an answer).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HOST, HeaderMap, HeaderValue, USER_AGENT};
use serde::Deserialize;

use crate::credentials::Credentials;
use crate::credentials::Secret;
use crate::error::{ApiError, Error};
use crate::region::Region;
use crate::retry::{self, RetryPolicy};
use crate::transport::sign_aksk;
use huaweicloud_signer::SigningKey;

/// The path IAM lists projects on.
pub const PROJECTS_PATH: &str = "/v3/projects";
const MAX_BODY: usize = 4 * 1024 * 1024;
const USER_AGENT_VALUE: &str = concat!("huaweicloud-rds-rust/", env!("CARGO_PKG_VERSION"));

type CacheKey = (String, String, String);

fn cache() -> &'static Mutex<HashMap<CacheKey, String>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, String>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

#[derive(Deserialize)]
struct Projects {
    projects: Vec<Project>,
}

#[derive(Deserialize)]
struct Project {
    id: String,
}

/// The id of the one project named `region` that `credentials` (AK/SK,
/// possibly from the metadata service) can see at `iam`.
pub(crate) async fn lookup(
    http: &reqwest::Client,
    iam: &str,
    region: &Region,
    credentials: &Credentials,
    timeout: Duration,
    policy: &RetryPolicy,
) -> Result<String, Error> {
    let current = credentials.for_signing().await?;
    let Credentials::AkSk {
        keys,
        security_token,
    } = &*current
    else {
        return Err(Error::Config(
            "the project id can only be looked up with AK/SK: set a project id to use an IAM token"
                .into(),
        ));
    };
    let key = (
        iam.to_owned(),
        keys.access_key.clone(),
        region.id().to_owned(),
    );
    if let Some(id) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(id);
    }
    let fail = |why: String| {
        Error::Discovery(format!(
            "looking up the project id of region {region} in IAM ({iam}) failed: {why}"
        ))
    };

    // Transient failures (connection, timeout, 429, 5xx) are retried as
    // list calls are, each attempt signed afresh.
    let mut attempt = 1;
    let (status, headers, body, trace_id) = loop {
        let request = signed_request(iam, region, keys, security_token.as_ref(), timeout)?;
        tracing::debug!(%region, iam, attempt, "looking up the project id in IAM");
        let outcome = send(http, request).await;
        let retryable = match &outcome {
            Ok((status, ..)) => retry::is_retryable_status(*status),
            Err(_) => true,
        };
        if !retryable || attempt >= policy.max_attempts.max(1) {
            break outcome.map_err(fail)?;
        }
        tokio::time::sleep(policy.backoff(attempt + 1)).await;
        attempt += 1;
    };
    if !status.is_success() {
        let api = ApiError::from_response(status, &headers, &body);
        return Err(fail(format!("{api}{trace_id}")));
    }
    let projects: Projects = serde_json::from_slice(&body).map_err(|e| {
        fail(format!(
            "expected {{\"projects\": [{{\"id\": ...}}]}}: {e}{trace_id}"
        ))
    })?;
    let id = match projects.projects.as_slice() {
        [] => {
            return Err(Error::Discovery(format!(
                "IAM ({iam}) has no project named {region} for access key {}{trace_id}: \
                 check the region, or pass --project-id (or set HUAWEICLOUD_SDK_PROJECT_ID, \
                 or project_id in the credentials file)",
                keys.access_key
            )));
        }
        [one] => one.id.clone(),
        several => {
            let ids: Vec<&str> = several.iter().map(|p| p.id.as_str()).collect();
            return Err(Error::Discovery(format!(
                "IAM ({iam}) has {} projects named {region}: {}{trace_id}; pass one with \
                 --project-id (or set HUAWEICLOUD_SDK_PROJECT_ID)",
                ids.len(),
                ids.join(", ")
            )));
        }
    };
    crate::request::check_path_segment("project_id", &id)
        .map_err(|e| fail(format!("IAM answered an unusable project id: {e}")))?;
    if let Ok(mut cache) = cache().lock() {
        cache.insert(key, id.clone());
    }
    Ok(id)
}

/// `GET {iam}/v3/projects?name={region}`, signed now.
fn signed_request(
    iam: &str,
    region: &Region,
    keys: &SigningKey,
    security_token: Option<&Secret>,
    timeout: Duration,
) -> Result<reqwest::Request, Error> {
    let invalid = |why: String| Error::Config(format!("invalid IAM endpoint {iam:?}: {why}"));
    let url =
        reqwest::Url::parse_with_params(&format!("{iam}{PROJECTS_PATH}"), [("name", region.id())])
            .map_err(|e| invalid(e.to_string()))?;
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return Err(invalid("no host".into())),
    };
    let mut request = reqwest::Request::new(reqwest::Method::GET, url);
    let headers = request.headers_mut();
    headers.insert(
        HOST,
        HeaderValue::from_str(&host).map_err(|_| invalid("not a valid host".into()))?,
    );
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    sign_aksk(&mut request, keys, security_token)?;
    *request.timeout_mut() = Some(timeout);
    Ok(request)
}

/// One attempt: status, headers, the body (up to a cap) and the
/// `X-IAM-Trace-Id` as a message suffix.
async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
) -> Result<(StatusCode, HeaderMap, Vec<u8>, String), String> {
    let mut response = http
        .execute(request)
        .await
        .map_err(|e| Error::transport(e).to_string())?;
    let status = response.status();
    let headers = response.headers().clone();
    let trace_id = headers
        .get("x-iam-trace-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| format!(", X-IAM-Trace-Id={v}"))
        .unwrap_or_default();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Error::transport(e).to_string())?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err("the answer is larger than 4 MiB".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, headers, body, trace_id))
}
