//! Where a request meets the network: progenitor's `exec` hook.
//!
//! The generated method calls `exec` once; everything that must happen per
//! attempt happens here: the canonical query is put on the wire, the request
//! is signed afresh (a retry must not reuse a stale `X-Sdk-Date`), the
//! per-attempt timeout and the overall deadline are enforced, the body is read
//! up to a cap, and transient failures are retried.
//!
//! `exec` must return a `reqwest::Response`, so what it hands back is the
//! final response rebuilt around the body it already read. A failure with no
//! response (a timeout, a refused connection, a body over the cap) travels in
//! the extensions of a stand-in response and is taken out again by
//! [`crate::client`]; progenitor's own error for a non-2xx would lose the
//! status, headers and body.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{
    CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use reqwest::{Request, StatusCode};
use tracing::Instrument;

use crate::credentials::Credentials;
use crate::error::{ApiError, Error, InvalidResponse, TimeoutKind};
use crate::generated::Client;
use crate::generated::types::Language;
use crate::limiter::Limiter;
use crate::retry::{self, RetryPolicy};
use huaweicloud_signer as signing;

/// Everything the hooks need: the generated client's inner value.
pub type Inner = Arc<Settings>;

/// Per-client settings used on every attempt.
pub struct Settings {
    pub(crate) credentials: Credentials,
    pub(crate) project_id: String,
    pub(crate) language: Option<Language>,
    pub(crate) retry: RetryPolicy,
    pub(crate) attempt_timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) body_limit: usize,
    /// Shared by every call of the client and its clones.
    pub(crate) limiter: Limiter,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `credentials` redacts its own secrets.
        f.debug_struct("Settings")
            .field("credentials", &self.credentials)
            .field("project_id", &self.project_id)
            .field("language", &self.language)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("deadline", &self.deadline)
            .field("body_limit", &self.body_limit)
            .field("limiter", &self.limiter)
            .finish()
    }
}

const USER_AGENT_VALUE: &str = concat!("huaweicloud-rds-rust/", env!("CARGO_PKG_VERSION"));

/// A failure carried out of `exec` inside a stand-in response.
#[derive(Clone, Debug)]
pub(crate) struct CarriedError(pub(crate) Error);

/// The status of the stand-in response; never seen by callers.
const CARRIER_STATUS: u16 = 599;

impl ClientHooks<Inner> for Client {
    async fn exec(
        &self,
        request: Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        if let Err(error) = check_path(&request, self.baseurl(), &self.inner().project_id) {
            return Ok(carrier(error));
        }
        let outcome = execute(self.client(), self.inner(), request, info.operation_id).await;
        Ok(match outcome {
            Ok(delivered) => delivered.into_response(),
            Err(error) => carrier(error),
        })
    }
}

/// The generated builder takes the project id per call and encodes it as
/// progenitor does, which leaves `.`, `..` and `\` for the URL parser to
/// resolve: `..` would request another path, signed. The path must be the
/// client's own `/v3/{project_id}/backups` (the project id checked when the
/// client was built, and sent as `X-Project-Id` on every request).
fn check_path(request: &Request, baseurl: &str, project_id: &str) -> Result<(), Error> {
    let expected = format!(
        "{baseurl}/v3/{}/backups",
        progenitor_client::encode_path(project_id)
    );
    let same = reqwest::Url::parse(&expected).is_ok_and(|url| url.path() == request.url().path());
    if same {
        Ok(())
    } else {
        Err(Error::invalid(
            "project_id",
            format!("must be the client's project id ({project_id}), one path segment"),
        ))
    }
}

/// A response read to the end.
pub(crate) struct Delivered {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Delivered {
    fn into_response(self) -> reqwest::Response {
        let mut response = http::Response::new(self.body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        reqwest::Response::from(response)
    }
}

fn carrier(error: Error) -> reqwest::Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() =
        StatusCode::from_u16(CARRIER_STATUS).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.extensions_mut().insert(CarriedError(error));
    reqwest::Response::from(response)
}

/// What one attempt ended with.
enum Attempt {
    Response(Delivered),
    Failed(Error),
}

/// Send `request` until it succeeds, fails for good, or runs out of attempts
/// or time.
pub(crate) async fn execute(
    http: &reqwest::Client,
    settings: &Settings,
    request: Request,
    operation: &str,
) -> Result<Delivered, Error> {
    let template = prepare(request, settings)?;
    let started = Instant::now();
    let deadline = started + settings.deadline;
    let max_attempts = settings.retry.max_attempts.max(1);

    // Throttled attempts are not counted: the shared limiter slows them
    // down, and the deadline bounds them.
    let mut attempt = 1;
    let mut throttled = 0u32;
    // At the deadline, the service's last "throttled" says more than a timeout.
    let mut last_throttled: Option<Delivered> = None;
    loop {
        let admission = settings
            .limiter
            .admit(tokio::time::Instant::from_std(deadline))
            .await;
        let now = Instant::now();
        let remaining = deadline.saturating_duration_since(now);
        let Some(admission) = admission.filter(|_| !remaining.is_zero()) else {
            return match last_throttled {
                Some(answer) => Ok(answer),
                None => Err(Error::Timeout(TimeoutKind::Deadline(settings.deadline))),
            };
        };
        // Temporary credentials are refreshed here, before signing, when
        // they are about to expire.
        let credentials = settings.credentials.for_signing().await?;
        let request = authenticate(&template, &credentials)?;
        let budget = settings.attempt_timeout.min(remaining);
        // One span per attempt, inside the caller's (a walk's page span names
        // the instance and offset): `-vv` shows where the time of each went.
        let span = tracing::debug_span!(
            "attempt",
            attempt,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let sent = tokio::time::timeout(budget, send(http, request, settings.body_limit))
            .instrument(span.clone())
            .await;
        let outcome = match sent {
            Ok(outcome) => outcome,
            Err(_) if budget < settings.attempt_timeout => {
                Attempt::Failed(Error::Timeout(TimeoutKind::Deadline(settings.deadline)))
            }
            Err(_) => Attempt::Failed(Error::Timeout(TimeoutKind::Attempt(budget))),
        };
        let latency_ms = now.elapsed().as_millis() as u64;
        if let Attempt::Response(d) = &outcome {
            span.record("status", d.status.as_u16());
        }
        span.record("elapsed_ms", latency_ms);
        let in_attempt = span.enter();

        // Decide: done, or worth another attempt after some wait.
        let wait = match &outcome {
            Attempt::Response(d) => {
                let request_id = d.headers.get("x-request-id").and_then(|v| v.to_str().ok());
                tracing::debug!(
                    operation,
                    attempt,
                    status = d.status.as_u16(),
                    request_id,
                    latency_ms,
                    "response"
                );
                let asked = retry::retry_after(&d.headers, std::time::SystemTime::now());
                if retry::is_throttled(d.status, &d.body) {
                    settings.limiter.throttled(&admission, asked);
                    drop(admission);
                    // The service asked for a wait the deadline cannot give: stop
                    // now with its answer rather than sleep and fail anyway.
                    if asked.is_some_and(|a| Instant::now() + a >= deadline) {
                        return finish(outcome);
                    }
                    throttled += 1;
                    tracing::info!(operation, attempt, throttled, "throttled; trying again");
                    if let Attempt::Response(answer) = outcome {
                        last_throttled = Some(answer);
                    }
                    // The limiter paces the next attempt (and holds it for a
                    // Retry-After), for this call and every other.
                    continue;
                }
                settings.limiter.succeeded();
                if !retry::is_retryable_status(d.status) {
                    return finish(outcome);
                }
                match asked {
                    // The service asked for a wait the deadline cannot give: stop
                    // now with its answer rather than sleep and fail anyway.
                    Some(asked) if Instant::now() + asked >= deadline => return finish(outcome),
                    Some(asked) => asked,
                    None => settings.retry.backoff(attempt + 1),
                }
            }
            Attempt::Failed(error) => {
                drop(admission);
                tracing::debug!(operation, attempt, latency_ms, error = %error, "attempt failed");
                if !is_retryable_failure(error) {
                    return finish(outcome);
                }
                settings.retry.backoff(attempt + 1)
            }
        };
        if attempt >= max_attempts || Instant::now() + wait >= deadline {
            return finish(outcome);
        }
        tracing::info!(
            operation,
            attempt,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        drop(in_attempt);
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

fn finish(outcome: Attempt) -> Result<Delivered, Error> {
    match outcome {
        Attempt::Response(d) => Ok(d),
        Attempt::Failed(e) => Err(e),
    }
}

fn is_retryable_failure(error: &Error) -> bool {
    matches!(
        error,
        Error::Transport { .. } | Error::Timeout(TimeoutKind::Attempt(_))
    )
}

/// The request as it will be sent on every attempt, before authentication:
/// the canonical query on the wire, progenitor's `api-version` header gone,
/// and the headers the official SDK sends.
fn prepare(mut request: Request, settings: &Settings) -> Result<Request, Error> {
    let pairs: Vec<(String, String)> = request.url().query_pairs().into_owned().collect();
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let canonical = signing::canonical_query(&borrowed);
    request
        .url_mut()
        .set_query((!canonical.is_empty()).then_some(canonical.as_str()));

    let host = {
        let url = request.url();
        let host = url
            .host_str()
            .ok_or_else(|| Error::Config("the endpoint has no host".into()))?;
        match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    };

    let headers = request.headers_mut();
    headers.remove("api-version");
    headers.insert(HOST, header_value("Host", &host)?);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    headers.insert(
        HeaderName::from_static("x-project-id"),
        header_value("X-Project-Id", &settings.project_id)?,
    );
    if let Some(language) = &settings.language {
        let name = HeaderName::from_static("x-language");
        if !headers.contains_key(&name) {
            headers.insert(name, header_value("X-Language", &language.to_string())?);
        }
    }
    Ok(request)
}

fn header_value(name: &'static str, value: &str) -> Result<HeaderValue, Error> {
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(name, "must not contain control characters"));
    }
    HeaderValue::from_str(value).map_err(|_| Error::invalid(name, "is not a valid header value"))
}

/// A copy of `template` carrying `credentials`: a new `X-Sdk-Date` and
/// signature for AK/SK, or the IAM token.
fn authenticate(template: &Request, credentials: &Credentials) -> Result<Request, Error> {
    let mut request = template
        .try_clone()
        .ok_or_else(|| Error::Config("the request body cannot be replayed".into()))?;
    match credentials {
        Credentials::Token(token) => {
            let mut value = header_value("X-Auth-Token", token.expose())?;
            value.set_sensitive(true);
            request.headers_mut().insert("x-auth-token", value);
        }
        Credentials::AkSk {
            keys,
            security_token,
        } => sign_aksk(&mut request, keys, security_token.as_ref())?,
        Credentials::Metadata(_) => {
            return Err(Error::Config(
                "metadata credentials must be resolved before signing".into(),
            ));
        }
    }
    Ok(request)
}

/// Sign `request` as it stands with AK/SK: `X-Security-Token` (when there is
/// one) and a fresh `X-Sdk-Date` first, so that both are signed.
pub(crate) fn sign_aksk(
    request: &mut Request,
    keys: &signing::SigningKey,
    security_token: Option<&crate::credentials::Secret>,
) -> Result<(), Error> {
    if let Some(token) = security_token {
        let mut value = header_value("X-Security-Token", token.expose())?;
        value.set_sensitive(true);
        request.headers_mut().insert("x-security-token", value);
    }
    let date = signing::sdk_date_now();
    request
        .headers_mut()
        .insert("x-sdk-date", header_value("X-Sdk-Date", &date)?);
    let authorization = sign(request, keys, &date)?;
    let mut value = header_value("Authorization", &authorization)?;
    value.set_sensitive(true);
    request.headers_mut().insert("authorization", value);
    Ok(())
}

/// The `Authorization` value for `request` exactly as it will go on the wire.
fn sign(request: &Request, keys: &signing::SigningKey, date: &str) -> Result<String, Error> {
    let url = request.url();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let query: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut headers = Vec::with_capacity(request.headers().len());
    for (name, value) in request.headers() {
        let value = value
            .to_str()
            .map_err(|_| Error::invalid("header", format!("{name} is not visible ASCII")))?;
        headers.push((name.as_str(), value));
    }
    let body = request
        .body()
        .and_then(|b| b.as_bytes())
        .unwrap_or_default();
    let parts = signing::RequestParts {
        method: request.method().as_str(),
        host: "",
        path: url.path(),
        query: &query,
        headers: &headers,
        body,
    };
    signing::sign(&parts, keys, date)
        .map(|signed| signed.authorization)
        .map_err(|e| Error::Config(format!("cannot sign the request: {e}")))
}

/// One attempt: send, then read the body up to `limit` bytes.
async fn send(http: &reqwest::Client, request: Request, limit: usize) -> Attempt {
    let mut response = match http.execute(request).await {
        Ok(r) => r,
        Err(e) => return Attempt::Failed(Error::transport(e)),
    };
    // The HTTP client follows no redirect; neither does the call.
    if response.status().is_redirection() {
        return Attempt::Failed(Error::redirect(response.status(), response.headers()));
    }
    let too_large = Attempt::Failed(Error::InvalidResponse(InvalidResponse::TooLarge { limit }));
    // Refuse a declared size over the cap before reading a byte of it.
    let declared = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return too_large;
    }
    let mut body = Vec::with_capacity(declared.map_or(8 * 1024, |l| l as usize));
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return too_large;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Attempt::Failed(Error::transport(e)),
        }
    }
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    // Reported as the error it is, not as a page with no `backups`.
    if status.is_success()
        && let Some(api) = ApiError::from_success_body(status, &headers, &body)
    {
        return Attempt::Failed(Error::Api(Box::new(api)));
    }
    Attempt::Response(Delivered {
        status,
        headers,
        body: Bytes::from(body),
    })
}
