//! Temporary credentials of the ECS instance's agency, from the metadata
//! service, as the official SDK's `MetadataAccessor` gets them:
//!
//! 1. `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds:
//!    21600`; a 404, 405 or 503 means the service has no tokens: go on
//!    without one (tried again after a day, as the SDK does);
//! 2. `GET /openstack/latest/securitykey`, with `X-Metadata-Token` when there
//!    is one; a 401 (other than "configure an agency first") gets a new token
//!    and one more try;
//! 3. the body `{"credential": {"access", "secret", "securitytoken",
//!    "expires_at"}}`, `expires_at` like `2026-12-01T10:00:00.000000Z`.
//!
//! Credentials that expire within 40 minutes are fetched again before the
//! next request is signed, so a walk that outlives them never fails for it;
//! requests waiting while one refresh is under way all use its result.
//!
//! The base URL is `HUAWEICLOUD_SDK_METADATA_ENDPOINT` (this project's name:
//! the SDK hard-codes it), else `http://169.254.169.254`. Nothing is sent
//! before the first request that needs credentials.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;
use tokio::sync::Mutex;

use super::environment::Environment;
use crate::credentials::{Credentials, env};
use crate::error::Error;
use huaweicloud_signer::date::days_from_civil;

/// The address the official SDK hard-codes.
pub const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";
/// Where the metadata token is requested.
pub const TOKEN_PATH: &str = "/meta-data/latest/api/token";
/// Where the temporary credentials are read.
pub const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
/// The token request's header, and its value: six hours.
pub const TOKEN_TTL_HEADER: &str = "X-Metadata-Token-Ttl-Seconds";
const TOKEN_TTL_SECONDS: &str = "21600";
/// The header the token is sent in.
pub const TOKEN_HEADER: &str = "X-Metadata-Token";
/// Credentials expiring sooner than this are fetched again before signing.
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(40 * 60);
/// A metadata service without tokens is asked again after this long.
const TOKEN_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// The body a 401 carries when the instance has no agency: a new token
/// would not help.
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";
/// Each metadata request: the service is on the local network.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_BODY: usize = 64 * 1024;

/// A source of temporary AK/SK: the ECS metadata service. Cheap to clone;
/// clones share the credentials and their refresh.
#[derive(Clone)]
pub struct MetadataCredentials {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: String,
    http: reqwest::Client,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    token: Option<String>,
    token_tried: Option<Instant>,
    issued: Option<Issued>,
}

#[derive(Clone)]
struct Issued {
    credentials: Arc<Credentials>,
    expires_at: SystemTime,
    fetched: Instant,
}

impl fmt::Debug for MetadataCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataCredentials")
            .field("endpoint", &self.inner.endpoint)
            .finish_non_exhaustive()
    }
}

impl MetadataCredentials {
    /// The metadata service at `endpoint` (`http://host[:port]`).
    pub fn new(endpoint: impl Into<String>) -> Result<Self, Error> {
        let endpoint = endpoint.into().trim().trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|e| Error::Config(format!("invalid metadata endpoint {endpoint:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::Config(format!(
                "invalid metadata endpoint {endpoint:?}: expected http://host[:port]"
            )));
        }
        // Never through a proxy: the address is the instance's own link.
        let http = crate::tls::builder_for(url.scheme() == "https")?
            .no_proxy()
            .connect_timeout(REQUEST_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(MetadataCredentials {
            inner: Arc::new(Inner {
                endpoint,
                http,
                state: Mutex::new(State::default()),
            }),
        })
    }

    /// The endpoint in `HUAWEICLOUD_SDK_METADATA_ENDPOINT`, else
    /// [`DEFAULT_ENDPOINT`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_environment(&Environment::process())
    }

    pub(crate) fn from_environment(environment: &Environment) -> Result<Self, Error> {
        Self::new(
            environment
                .get(env::METADATA_ENDPOINT)
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned()),
        )
    }

    /// The metadata service's base URL.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// Credentials to sign the next request with: those held, or fresh ones
    /// when they expire within [`REFRESH_BEFORE_EXPIRY`].
    pub(crate) async fn current(&self) -> Result<Arc<Credentials>, Error> {
        let asked = Instant::now();
        let mut state = self.inner.state.lock().await;
        if let Some(issued) = &state.issued {
            let now = SystemTime::now();
            let fresh_enough = issued.expires_at > now + REFRESH_BEFORE_EXPIRY;
            // Fetched while this caller waited for the lock: share it.
            let just_fetched = issued.fetched >= asked && issued.expires_at > now;
            if fresh_enough || just_fetched {
                return Ok(issued.credentials.clone());
            }
        }
        match self.fetch(&mut state).await {
            Ok(issued) => {
                tracing::debug!(
                    endpoint = %self.inner.endpoint,
                    expires_in_s = issued
                        .expires_at
                        .duration_since(SystemTime::now())
                        .map_or(0, |d| d.as_secs()),
                    "temporary credentials from the ECS metadata service"
                );
                let credentials = issued.credentials.clone();
                state.issued = Some(issued);
                Ok(credentials)
            }
            // A failed refresh is no reason to stop while the held ones last.
            Err(error) => match &state.issued {
                Some(held) if held.expires_at > SystemTime::now() => {
                    tracing::warn!(error = %error, "refreshing temporary credentials failed; using those held");
                    Ok(held.credentials.clone())
                }
                _ => Err(error),
            },
        }
    }

    async fn fetch(&self, state: &mut State) -> Result<Issued, Error> {
        let token_due = state
            .token_tried
            .is_none_or(|at| at.elapsed() > TOKEN_RETRY_AFTER);
        if state.token.is_none() && token_due {
            self.update_token(state, false).await?;
        }
        let (mut status, mut body) = self.get_security_key(state.token.as_deref()).await?;
        if status == 401 && !String::from_utf8_lossy(&body).contains(NO_AGENCY) {
            self.update_token(state, true).await?;
            (status, body) = self.get_security_key(state.token.as_deref()).await?;
        }
        if status >= 400 {
            return Err(self.failed(
                SECURITY_KEY_PATH,
                &format!("HTTP {status}: {}", excerpt(&body)),
            ));
        }
        let issued =
            parse_security_key(&body).map_err(|why| self.failed(SECURITY_KEY_PATH, &why))?;
        Ok(Issued {
            credentials: Arc::new(issued.0),
            expires_at: issued.1,
            fetched: Instant::now(),
        })
    }

    async fn update_token(&self, state: &mut State, required: bool) -> Result<(), Error> {
        state.token_tried = Some(Instant::now());
        let url = format!("{}{TOKEN_PATH}", self.inner.endpoint);
        let request = self
            .inner
            .http
            .put(url)
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS);
        let (status, body) = self.send(request, TOKEN_PATH).await?;
        match status {
            200 => {
                let token = String::from_utf8(body)
                    .ok()
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty() && !t.chars().any(char::is_control))
                    .ok_or_else(|| self.failed(TOKEN_PATH, "the token is empty or not text"))?;
                state.token = Some(token);
                Ok(())
            }
            404 | 405 | 503 if !required => {
                state.token = None;
                Ok(())
            }
            _ => Err(self.failed(TOKEN_PATH, &format!("HTTP {status}: {}", excerpt(&body)))),
        }
    }

    async fn get_security_key(&self, token: Option<&str>) -> Result<(u16, Vec<u8>), Error> {
        let mut request = self
            .inner
            .http
            .get(format!("{}{SECURITY_KEY_PATH}", self.inner.endpoint));
        if let Some(token) = token {
            let mut value = reqwest::header::HeaderValue::from_str(token)
                .map_err(|_| self.failed(TOKEN_PATH, "the token is not a valid header value"))?;
            value.set_sensitive(true);
            request = request.header(TOKEN_HEADER, value);
        }
        self.send(request, SECURITY_KEY_PATH).await
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        path: &str,
    ) -> Result<(u16, Vec<u8>), Error> {
        let mut response = request
            .send()
            .await
            .map_err(|e| self.failed(path, &Error::transport(e).to_string()))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.failed(path, &Error::transport(e).to_string()))?
        {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(self.failed(path, "the answer is larger than 64 KiB"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, body))
    }

    fn failed(&self, path: &str, why: &str) -> Error {
        Error::Discovery(format!(
            "ECS metadata service {}{path}: {why} (temporary credentials come only from an \
             ECS instance with an agency)",
            self.inner.endpoint
        ))
    }
}

#[derive(Deserialize)]
struct SecurityKeyBody {
    credential: SecurityKey,
}

#[derive(Deserialize)]
struct SecurityKey {
    access: String,
    secret: String,
    securitytoken: String,
    expires_at: String,
}

/// The credentials and their expiry from a `securitykey` answer.
fn parse_security_key(body: &[u8]) -> Result<(Credentials, SystemTime), String> {
    let parsed: SecurityKeyBody = serde_json::from_slice(body).map_err(|e| {
        format!("expected {{\"credential\": {{\"access\", \"secret\", \"securitytoken\", \"expires_at\"}}}}: {e}")
    })?;
    let key = parsed.credential;
    let expires_at = parse_expiry(&key.expires_at).ok_or_else(|| {
        format!(
            "`expires_at` {:?} is not like 2026-12-01T10:00:00.000000Z",
            key.expires_at
        )
    })?;
    let credentials = Credentials::temporary(key.access, key.secret, key.securitytoken);
    credentials
        .validate()
        .map_err(|e| format!("unusable credentials: {e}"))?;
    Ok((credentials, expires_at))
}

/// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, UTC.
pub(crate) fn parse_expiry(text: &str) -> Option<SystemTime> {
    let text = text.trim().strip_suffix('Z')?;
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let b = whole.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = whole.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let valid = (1..=12).contains(&month)
        && day >= 1
        && day <= huaweicloud_signer::date::days_in_month(year, month)
        && hour < 24
        && minute < 60
        && second < 60;
    let nanos = match fraction {
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|c| c.is_ascii_digit()) => {
            f.parse::<u32>().ok()? * 10u32.pow(9 - f.len() as u32)
        }
        Some(_) => return None,
        None => 0,
    };
    if !valid {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let secs = u64::try_from(secs).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::new(secs, nanos))
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((at, _)) => format!("{}...", &one_line[..at]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_as_the_metadata_service_writes_it() {
        let t = parse_expiry("2026-12-01T10:00:00.000000Z").unwrap();
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            1_796_119_200
        );
        assert_eq!(parse_expiry("2026-12-01T10:00:00Z"), Some(t));
        assert!(parse_expiry("2026-12-01T10:00:00.5Z").unwrap() > t);
        for bad in [
            "",
            "2026-12-01T10:00:00",
            "2026-02-30T10:00:00Z",
            "2026-12-01 10:00:00Z",
            "2026-12-01T10:00:00.Z",
            "x",
        ] {
            assert_eq!(parse_expiry(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn security_key_body() {
        let (c, _) = parse_security_key(
            br#"{"credential": {"access": "TMPAK", "secret": "tmp-sk", "securitytoken": "tok", "expires_at": "2026-12-01T10:00:00.000000Z"}}"#,
        )
        .unwrap();
        assert!(super::super::file::tests::is_keys(
            &c,
            "TMPAK",
            "tmp-sk",
            Some("tok")
        ));
        let e = parse_security_key(br#"{"credential": {"access": "A"}}"#).unwrap_err();
        assert!(e.contains("expected"), "{e}");
        let e = parse_security_key(
            br#"{"credential": {"access": "A", "secret": "S", "securitytoken": "t\n", "expires_at": "2026-12-01T10:00:00.000000Z"}}"#,
        )
        .unwrap_err();
        assert!(e.contains("unusable"), "{e}");
    }

    #[test]
    fn endpoint_must_be_a_url() {
        assert!(MetadataCredentials::new("not a url").is_err());
        assert!(MetadataCredentials::new("ftp://x").is_err());
        let m = MetadataCredentials::new("http://127.0.0.1:9/").unwrap();
        assert_eq!(m.endpoint(), "http://127.0.0.1:9");
        assert_eq!(
            format!("{m:?}"),
            "MetadataCredentials { endpoint: \"http://127.0.0.1:9\", .. }"
        );
    }
}
