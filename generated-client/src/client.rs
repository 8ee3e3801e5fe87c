//! The client most callers want: configured once, one call per page, errors
//! they can act on.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::chain::{self, FromEnvironment, LazyFile};
use crate::auth::{CredentialSource, Environment, ProjectIdSource, iam_endpoint, project};
use crate::credentials::{Credentials, env};
use crate::error::{ApiError, Error, InvalidResponse};
use crate::generated::Client;
use crate::generated::types::{Language, ListBackupsResponse};
use crate::limiter::Limiter;
use crate::region::{EndpointSource, Region, endpoint};
use crate::request::{ListBackups, check_path_segment};
use crate::response::parse_list_backups;
use crate::retry::RetryPolicy;
use crate::transport::{CarriedError, Settings};

/// A configured RDS client. Cheap to clone; clones share connections.
///
/// ```no_run
/// use huaweicloud_rds::{Credentials, ListBackups, RdsClient, Region};
///
/// # async fn run() -> Result<(), huaweicloud_rds::Error> {
/// let client = RdsClient::builder()
///     .region(Region::CN_NORTH_4)
///     .project_id("0483b6b16e954cb88930a360d2c4e663")
///     .credentials(Credentials::from_env()?)
///     .build()?;
/// let page = client.list_backups(&ListBackups::new("43e4feaab48f11e89039fa163ebaa7e4in01")).await?;
/// println!("{} backups", page.total_count);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct RdsClient {
    api: Client,
    endpoint: String,
    settings: Arc<Settings>,
    sources: Arc<Sources>,
}

/// Where a client's endpoint, credentials and project id came from.
#[derive(Debug)]
struct Sources {
    endpoint: EndpointSource,
    credentials: CredentialSource,
    project_id: ProjectIdSource,
}

/// Builds an [`RdsClient`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    region: Option<Region>,
    credentials: Option<Credentials>,
    project_id: Option<String>,
    iam_endpoint: Option<String>,
    from_env: FromEnvironment,
    language: Option<Language>,
    retry: RetryPolicy,
    attempt_timeout: Duration,
    deadline: Duration,
    body_limit: usize,
    connect_timeout: Duration,
    rate: Option<u32>,
    http: Option<reqwest::Client>,
}

/// Default per-attempt timeout: a page of 100 backups is about 34 kB.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default deadline for one call, retries included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
/// Default cap on a response body: far above any page.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// Default time limit for opening a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            endpoint: None,
            region: None,
            credentials: None,
            project_id: None,
            iam_endpoint: None,
            from_env: FromEnvironment::none(),
            language: None,
            retry: RetryPolicy::default(),
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            body_limit: DEFAULT_BODY_LIMIT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            rate: None,
            http: None,
        }
    }
}

impl ClientBuilder {
    /// A builder that finds what it is not given where the official SDK
    /// looks: AK/SK (and security token) and project id in the
    /// `HUAWEICLOUD_SDK_*` variables, then the credentials file; the region
    /// in `HUAWEICLOUD_SDK_REGION`; the endpoint overrides
    /// (`HUAWEICLOUD_SDK_REGION_RDS_*`, the regions file). See [`crate::auth`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_environment(Environment::process())
    }

    /// Like [`ClientBuilder::from_env`], reading variables (`HOME` included)
    /// through `lookup` instead of the process environment.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Result<Self, Error> {
        Self::from_environment(Environment::from_fn(lookup))
    }

    fn from_environment(environment: Environment) -> Result<Self, Error> {
        let mut builder = ClientBuilder::default();
        if let Some(region) = environment.get(env::REGION) {
            builder.region = Some(Region::new(&region)?);
        }
        builder.from_env = FromEnvironment::read(environment);
        Ok(builder)
    }

    /// Talk to this region's RDS endpoint.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Talk to this endpoint instead of a region's (`http://` is accepted,
    /// for local endpoints and tests). A region set as well is where
    /// [`ClientBuilder::connect`] looks the project id up.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Authenticate with these credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The project id (the path's `{project_id}`, also sent as `X-Project-Id`).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The IAM endpoint [`ClientBuilder::connect`] looks the project id up
    /// at (default: the credentials file's `iam_endpoint`, else
    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the region's).
    pub fn iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.iam_endpoint = Some(url.into());
        self
    }

    /// `X-Language` for every call (a call may override it).
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// How many attempts a call makes and the backoff between them
    /// (default [`RetryPolicy::default`]). Replaces what
    /// [`max_attempts`](Self::max_attempts) and [`backoff`](Self::backoff)
    /// set before; either may refine it after.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Attempts per call, the first included (default 3; at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts.max(1);
        self
    }

    /// Backoff before the first retry and the cap (defaults 200 ms and 5 s).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry = self.retry.with_backoff(initial, max);
        self
    }

    /// Time limit for one attempt, body included (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Time limit for a whole call, retries and waits included (default 120 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Time limit for opening a connection, TLS handshake included (default
    /// 10 s). A connection that times out is retried like a refused one. It
    /// applies to the HTTP client the builder makes, not to one given with
    /// [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body accepted, in bytes (default 16 MiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// At most this many requests (attempts, retries included) start in any
    /// one second, across every call of the client and its clones; for
    /// callers who know their quota. Without it the client still slows down
    /// on its own when the service throttles. Zero is refused by `build`.
    pub fn rate(mut self, requests_per_second: u32) -> Self {
        self.rate = Some(requests_per_second);
        self
    }

    /// Use this `reqwest::Client` (custom CA, proxy, pool settings). Its own
    /// total timeout, if any, also applies. `huaweicloud_rds::tls::reqwest_builder`
    /// starts one with this crate's TLS and, as the default client, no
    /// redirects and no `Referer`: a client that follows redirects sends the
    /// credentials to the host a `Location` names before this crate sees the
    /// answer.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Check the configuration and build the client. The project id must be
    /// configured somewhere (the builder, `HUAWEICLOUD_SDK_PROJECT_ID`, the
    /// credentials file); [`ClientBuilder::connect`] can also look it up.
    pub fn build(self) -> Result<RdsClient, Error> {
        let mut plan = self.plan()?;
        let project = plan.project.take().ok_or_else(|| {
            Error::Config(format!(
                "no project id: set one (or {}, or project_id in the credentials file)",
                env::PROJECT_ID
            ))
        })?;
        plan.finish(project)
    }

    /// Like [`ClientBuilder::build`], and when no project id is configured,
    /// look it up in IAM from the region with the client's AK/SK, as the
    /// official SDK does (a signed `GET {iam}/v3/projects?name={region}`).
    /// The answer is cached for the process per IAM endpoint, access key and
    /// region. No project, or several, is [`Error::Discovery`].
    pub async fn connect(self) -> Result<RdsClient, Error> {
        let mut plan = self.plan()?;
        let project = match plan.project.take() {
            Some(project) => project,
            None => {
                let region = plan.region.clone().ok_or_else(|| {
                    Error::Config(format!(
                        "no project id: set one (or {}, or project_id in the credentials \
                         file), or a region to look it up in IAM",
                        env::PROJECT_ID
                    ))
                })?;
                let iam = iam_endpoint::resolve(
                    plan.iam_endpoint.as_deref(),
                    &plan.environment,
                    region.id(),
                );
                // The client made for an http endpoint speaks no TLS; IAM
                // on https then needs its own.
                let iam_https = iam.starts_with("https://");
                let iam_http = match &plan.made_for_https {
                    Some(https) if *https != iam_https => {
                        default_http_client(iam_https, plan.connect_timeout)?
                    }
                    _ => plan.http.clone(),
                };
                let id = project::lookup(
                    &iam_http,
                    &iam,
                    &region,
                    &plan.credentials,
                    plan.settings.attempt_timeout,
                    &plan.settings.retry,
                )
                .await?;
                tracing::debug!(%region, iam, "project id found in IAM");
                (id, ProjectIdSource::Iam(iam))
            }
        };
        plan.finish(project)
    }

    /// Everything but the project id, checked.
    fn plan(self) -> Result<Plan, Error> {
        let environment = self.from_env.environment.clone();
        let (endpoint, endpoint_source) = match (self.endpoint, &self.region) {
            (Some(url), _) => (normalize_endpoint(&url)?, EndpointSource::Explicit),
            (None, Some(region)) => {
                let (url, source) = endpoint::resolve_in(region, &environment)?;
                let url = normalize_endpoint(&url).map_err(|e| match &source {
                    EndpointSource::BuiltIn => e,
                    other => Error::Config(format!("{e} (from {other})")),
                })?;
                (url, source)
            }
            (None, None) => {
                return Err(Error::Config(format!(
                    "no endpoint: set a region (or {}) or an endpoint URL",
                    env::REGION
                )));
            }
        };
        let mut file = LazyFile::new(&environment);
        let (credentials, credential_source) =
            chain::credentials(self.credentials, &self.from_env, &mut file)?;
        credentials.validate()?;
        let project = chain::configured_project_id(self.project_id, &self.from_env, &mut file)?;
        // The file is read only for what is not given: its iam_endpoint
        // matters only when the project id is to be looked up.
        let iam_endpoint = match (self.iam_endpoint, &project) {
            (Some(url), _) => Some(url),
            (None, None) => file.get()?.and_then(|p| p.iam_endpoint.clone()),
            (None, Some(_)) => None,
        };
        if self.attempt_timeout.is_zero()
            || self.deadline.is_zero()
            || self.connect_timeout.is_zero()
        {
            return Err(Error::Config("timeouts must be greater than zero".into()));
        }
        if self.rate == Some(0) {
            return Err(Error::Config(
                "the rate must be at least 1 request per second".into(),
            ));
        }
        let (http, made_for_https) = match self.http {
            Some(client) => (client, None),
            None => {
                let https = endpoint.starts_with("https://");
                (
                    default_http_client(https, self.connect_timeout)?,
                    Some(https),
                )
            }
        };
        tracing::debug!(
            endpoint,
            endpoint_source = %endpoint_source,
            credentials = %credential_source,
            "client configuration"
        );
        Ok(Plan {
            endpoint,
            endpoint_source,
            credential_source,
            project,
            region: self.region,
            iam_endpoint,
            environment: environment.clone(),
            http,
            made_for_https,
            connect_timeout: self.connect_timeout,
            settings: PlanSettings {
                language: self.language,
                retry: self.retry,
                attempt_timeout: self.attempt_timeout,
                deadline: self.deadline,
                body_limit: self.body_limit,
                rate: self.rate,
            },
            credentials,
        })
    }
}

/// A checked configuration waiting for its project id.
struct Plan {
    endpoint: String,
    endpoint_source: EndpointSource,
    credentials: Credentials,
    credential_source: CredentialSource,
    project: Option<(String, ProjectIdSource)>,
    region: Option<Region>,
    iam_endpoint: Option<String>,
    environment: Environment,
    http: reqwest::Client,
    /// Whether the builder made `http` for TLS (`None`: the caller's).
    made_for_https: Option<bool>,
    connect_timeout: Duration,
    settings: PlanSettings,
}

struct PlanSettings {
    language: Option<Language>,
    retry: RetryPolicy,
    attempt_timeout: Duration,
    deadline: Duration,
    body_limit: usize,
    rate: Option<u32>,
}

impl Plan {
    fn finish(
        self,
        (project_id, project_source): (String, ProjectIdSource),
    ) -> Result<RdsClient, Error> {
        check_path_segment("project_id", &project_id)?;
        tracing::debug!(project_id_source = %project_source, "project id");
        let s = self.settings;
        let settings = Arc::new(Settings {
            credentials: self.credentials,
            project_id,
            language: s.language,
            retry: s.retry,
            attempt_timeout: s.attempt_timeout,
            deadline: s.deadline,
            body_limit: s.body_limit,
            limiter: Limiter::new(s.rate),
        });
        Ok(RdsClient {
            api: Client::new_with_client(&self.endpoint, self.http, settings.clone()),
            endpoint: self.endpoint,
            settings,
            sources: Arc::new(Sources {
                endpoint: self.endpoint_source,
                credentials: self.credential_source,
                project_id: project_source,
            }),
        })
    }
}

fn default_http_client(https: bool, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    // reqwest honours HTTPS_PROXY / NO_PROXY from the environment by default.
    crate::tls::builder_for(https)?
        .connect_timeout(connect_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

/// `scheme://host[:port][/prefix]` without a trailing slash, query or fragment.
fn normalize_endpoint(url: &str) -> Result<String, Error> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| Error::Config(format!("invalid endpoint URL {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "invalid endpoint URL {url:?}: the scheme must be http or https"
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config(format!(
            "invalid endpoint URL {url:?}: no host"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || !parsed.username().is_empty() {
        return Err(Error::Config(format!(
            "invalid endpoint URL {url:?}: no query, fragment or user info allowed"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

impl RdsClient {
    /// A builder with defaults; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The endpoint in use, e.g. `https://rds.cn-north-4.myhuaweicloud.com`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The project id in use.
    pub fn project_id(&self) -> &str {
        &self.settings.project_id
    }

    /// Where the endpoint came from.
    pub fn endpoint_source(&self) -> &EndpointSource {
        &self.sources.endpoint
    }

    /// Where the credentials came from (never the credentials themselves).
    pub fn credential_source(&self) -> &CredentialSource {
        &self.sources.credentials
    }

    /// Where the project id came from.
    pub fn project_id_source(&self) -> &ProjectIdSource {
        &self.sources.project_id
    }

    /// The generated, lower-level client (same transport, signing and retries).
    pub fn generated(&self) -> &Client {
        &self.api
    }

    /// One page of backups.
    pub async fn list_backups(&self, request: &ListBackups) -> Result<ListBackupsResponse, Error> {
        request.validate()?;
        let mut call = self
            .api
            .list_backups()
            .project_id(self.settings.project_id.as_str())
            .instance_id(request.instance_id.as_str());
        if let Some(id) = &request.backup_id {
            call = call.backup_id(id.as_str());
        }
        if let Some(t) = request.backup_type {
            call = call.backup_type(t);
        }
        if let Some(s) = request.status {
            call = call.status(s);
        }
        if let (Some(begin), Some(end)) = (request.begin_time, request.end_time) {
            call = call.begin_time(begin).end_time(end);
        }
        if let Some(offset) = request.offset {
            call = call.offset(offset);
        }
        if let Some(limit) = request.limit {
            call = call.limit(limit);
        }
        if let Some(language) = request.language {
            call = call.x_language(language);
        }
        match call.send().await {
            Ok(page) => Ok(page.into_inner()),
            Err(e) => Err(from_generated(e).await),
        }
    }
}

impl Error {
    /// The [`Error`] of a call made with the generated builder
    /// ([`RdsClient::generated`]): an error answer becomes [`Error::Api`] with
    /// its status, `error_code`, `error_msg` and request id, and a timeout,
    /// connection failure or oversize body (which the generated error can only
    /// show as an opaque response) becomes the variant [`RdsClient::list_backups`]
    /// would return.
    pub async fn from_generated(error: crate::raw::Error<()>) -> Error {
        from_generated(error).await
    }
}

/// Turn progenitor's error into ours, recovering what `exec` carried out.
pub(crate) async fn from_generated(error: progenitor_client::Error<()>) -> Error {
    use progenitor_client::Error as G;
    match error {
        G::InvalidRequest(message) => Error::invalid("request", message),
        G::UnexpectedResponse(response) => {
            if let Some(CarriedError(carried)) = response.extensions().get::<CarriedError>() {
                return carried.clone();
            }
            let status = response.status();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(body) => Error::Api(Box::new(ApiError::from_response(status, &headers, &body))),
                Err(e) => Error::transport(e),
            }
        }
        // progenitor kept the bytes; read them again to name the field.
        G::InvalidResponsePayload(body, json_error) => match parse_list_backups(&body) {
            Err(parse_error) => Error::InvalidResponse(InvalidResponse::Body(parse_error)),
            Ok(_) => Error::Config(format!("unexpected decoding failure: {json_error}")),
        },
        G::CommunicationError(e) | G::ResponseBodyError(e) | G::InvalidUpgrade(e) => {
            Error::transport(e)
        }
        G::ErrorResponse(response) => Error::Api(Box::new(ApiError::from_response(
            response.status(),
            response.headers(),
            &[],
        ))),
        G::Custom(message) => Error::Config(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> ClientBuilder {
        RdsClient::builder()
            .project_id("p1")
            .credentials(Credentials::token("t"))
    }

    #[test]
    fn endpoint_from_region_or_url() {
        let c = builder().region(Region::CN_NORTH_4).build().unwrap();
        assert_eq!(c.endpoint(), "https://rds.cn-north-4.myhuaweicloud.com");
        let c = builder()
            .endpoint("http://127.0.0.1:8080/")
            .build()
            .unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:8080");
        let c = builder()
            .region(Region::CN_NORTH_4)
            .endpoint("http://localhost:9")
            .build()
            .unwrap();
        assert_eq!(
            c.endpoint(),
            "http://localhost:9",
            "an explicit endpoint wins"
        );
    }

    #[test]
    fn bad_configuration_is_refused() {
        for url in ["ftp://x", "not a url", "http://x/?a=b", "http://u:p@x"] {
            assert!(builder().endpoint(url).build().is_err(), "{url}");
        }
        assert!(builder().build().is_err(), "no endpoint");
        let e = RdsClient::builder()
            .region(Region::CN_NORTH_4)
            .credentials(Credentials::token("t"))
            .build();
        assert!(e.unwrap_err().to_string().contains("no project id"));
        let e = builder()
            .region(Region::CN_NORTH_4)
            .project_id("../x")
            .build();
        assert_eq!(
            e.unwrap_err().to_string(),
            "invalid request: `project_id` must not contain `/`"
        );
    }

    #[test]
    fn from_env_reads_the_official_names() {
        let vars = [
            (env::AK, "AK"),
            (env::SK, "SK"),
            (env::PROJECT_ID, "proj"),
            (env::REGION, "eu-west-101"),
        ];
        let b = ClientBuilder::from_lookup(move |n| {
            vars.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        })
        .unwrap();
        let c = b.build().unwrap();
        assert_eq!(c.endpoint(), "https://rds.eu-west-101.myhuaweicloud.eu");
        assert_eq!(c.project_id(), "proj");
    }
}
