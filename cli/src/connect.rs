//! From the command line to a client: the mock with its documented
//! credentials, or a real account found where the official SDK finds it.

use huaweicloud_rds::{
    ClientBuilder, Credentials, Error, MetadataCredentials, RdsClient, Region, credentials::env,
};
use huaweicloud_rds_mock::{
    MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig, MockServer,
};

use crate::args::{Cli, Connection};
use crate::failure::{EXIT_FAILURE, Failure};

/// What the command line said, plus where each value came from.
pub(crate) struct Invocation {
    pub(crate) cli: Cli,
    pub(crate) project_id_from_flag: bool,
    pub(crate) auth_token_from_flag: bool,
}

/// Build the client for the chosen target; with `--mock`, start the mock.
pub(crate) async fn connect(
    invocation: &Invocation,
) -> Result<(RdsClient, Option<MockServer>), Failure> {
    if !invocation.cli.connection.mock {
        return Ok((connect_account(invocation).await?, None));
    }
    let cli = &invocation.cli.connection;
    let auth_token = &invocation.cli.credentials.auth_token;
    let server = MockServer::start(MockConfig::default())
        .await
        .map_err(|e| Failure {
            code: EXIT_FAILURE,
            message: format!("cannot start the mock service: {e}"),
        })?;
    // The mock's documented credentials; the environment's are ignored.
    let project = match (&cli.project_id, invocation.project_id_from_flag) {
        (Some(p), true) => p.clone(),
        _ => MOCK_PROJECT_ID.to_owned(),
    };
    let credentials = match (auth_token, invocation.auth_token_from_flag) {
        (Some(token), true) => Credentials::token(token.clone()),
        _ => Credentials::aksk(MOCK_ACCESS_KEY, MOCK_SECRET_KEY),
    };
    let builder = ClientBuilder::default()
        .endpoint(server.base_url())
        .project_id(project)
        .credentials(credentials);
    let client = options(builder, cli).build()?;
    report_sources(&client);
    Ok((client, Some(server)))
}

/// A real account: what the flags say, the rest found where the official
/// SDK finds it (HUAWEICLOUD_SDK_* variables, the credentials file, the
/// endpoint overrides, IAM for the project id).
async fn connect_account(invocation: &Invocation) -> Result<RdsClient, Failure> {
    let cli = &invocation.cli.connection;
    let credentials = &invocation.cli.credentials;
    let mut builder = ClientBuilder::from_env()?;
    if let Some(url) = &cli.endpoint {
        builder = builder.endpoint(url.clone());
    }
    if let Some(region) = &cli.region {
        builder = builder.region(Region::new(region)?);
    }
    let region_set = cli.region.is_some() || env_set(env::REGION);
    if cli.endpoint.is_none() && !region_set {
        return Err(Failure::usage(format!(
            "no target: give --endpoint, --region or --mock, or set {}",
            env::REGION
        )));
    }
    if let (Some(project), true) = (&cli.project_id, invocation.project_id_from_flag) {
        builder = builder.project_id(project.clone());
    }
    if let Some(token) = &credentials.auth_token {
        builder = builder.credentials(Credentials::token(token.clone()));
    } else if credentials.metadata_credentials {
        builder = builder.credentials(Credentials::metadata(MetadataCredentials::from_env()?));
    }
    let client = options(builder, cli)
        .connect()
        .await
        .map_err(|e| explain(e, region_set))?;
    report_sources(&client);
    Ok(client)
}

/// The options every target shares.
fn options(mut builder: ClientBuilder, cli: &Connection) -> ClientBuilder {
    if let Some(language) = cli.language {
        builder = builder.language(language.into());
    }
    if let Some(timeout) = cli.timeout {
        builder = builder.attempt_timeout(timeout);
    }
    if let Some(deadline) = cli.deadline {
        builder = builder.deadline(deadline);
    }
    if let Some(attempts) = cli.max_attempts {
        builder = builder.max_attempts(attempts);
    }
    if let Some(rate) = cli.rate {
        builder = builder.rate(rate);
    }
    builder
}

fn env_set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.trim().is_empty())
}

/// Name the flags in the two configuration errors a user meets first.
fn explain(error: Error, region_set: bool) -> Failure {
    let Error::Config(message) = &error else {
        return error.into();
    };
    if message.starts_with("no project id") && !region_set {
        return Failure::usage(format!(
            "no project id: pass --project-id (or set {}, or project_id in the credentials \
             file), or --region to look it up in IAM",
            env::PROJECT_ID
        ));
    }
    if message.starts_with("no credentials") {
        // The library's "use an IAM token" is, here, a flag to name.
        let sources = message.trim_end_matches(", or use an IAM token");
        return Failure::usage(format!(
            "{sources}, give --auth-token (or set RDS_BACKUPS_AUTH_TOKEN), or use \
             --metadata-credentials on an ECS instance"
        ));
    }
    error.into()
}

/// What -v says about where the configuration came from: sources and
/// public ids, never a secret.
fn report_sources(client: &RdsClient) {
    tracing::info!(
        "endpoint {} ({})",
        client.endpoint(),
        client.endpoint_source()
    );
    tracing::info!("credentials: {}", client.credential_source());
    tracing::info!(
        "project id {} ({})",
        client.project_id(),
        client.project_id_source()
    );
}
