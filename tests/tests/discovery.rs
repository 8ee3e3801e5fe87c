//! The client finding what it is not given, against the mock's IAM and ECS
//! metadata endpoints on loopback: temporary credentials (with and without a
//! metadata token, refreshed before they expire, one refresh shared by
//! concurrent requests), the project id looked up in IAM (one, none,
//! several projects), and the sources it reports.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use huaweicloud_rds::{
    ClientBuilder, CredentialSource, Credentials, Error, ListBackups, MetadataCredentials,
    ProjectIdSource, RdsClient, Region, WalkOptions,
};
use huaweicloud_rds_mock::identity::{REGION_NO_PROJECT, REGION_TWO_PROJECTS, SECOND_PROJECT_ID};
use huaweicloud_rds_mock::{
    INSTANCE_LARGE, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig,
    MockServer, RecordedRequest,
};
use support::{guarded, list, mock_with};

const BUDGET: Duration = Duration::from_secs(10);

fn metadata_of(server: &MockServer) -> Credentials {
    Credentials::metadata(MetadataCredentials::new(server.base_url()).expect("a loopback URL"))
}

fn builder(server: &MockServer) -> ClientBuilder {
    RdsClient::builder()
        .endpoint(server.base_url())
        .iam_endpoint(server.base_url())
        .attempt_timeout(Duration::from_secs(5))
}

/// A mock with `config`, and a client for its project that takes its
/// credentials from the mock's metadata endpoint.
async fn metadata_mock(config: MockConfig) -> (MockServer, RdsClient) {
    let server = mock_with(config).await;
    let client = builder(&server)
        .project_id(MOCK_PROJECT_ID)
        .credentials(metadata_of(&server))
        .build()
        .unwrap();
    (server, client)
}

/// A metadata mock whose credentials are valid for `ttl`.
async fn metadata_mock_lasting(ttl: Duration) -> (MockServer, RdsClient) {
    metadata_mock(MockConfig::default().metadata_ttl(ttl)).await
}

/// The security tokens that reached the list endpoint, in order.
fn security_tokens(server: &MockServer) -> Vec<String> {
    server
        .received()
        .iter()
        .filter(|r| r.target.contains("/backups"))
        .filter_map(|r| r.header("x-security-token").map(str::to_owned))
        .collect()
}

/// The first request whose target matches, if any.
fn first_request(server: &MockServer, matches: impl Fn(&str) -> bool) -> Option<RecordedRequest> {
    server.received().into_iter().find(|r| matches(&r.target))
}

fn metadata_requests(server: &MockServer, path: &str) -> usize {
    server
        .received()
        .iter()
        .filter(|r| r.target == path)
        .count()
}

#[tokio::test]
async fn metadata_credentials_with_a_metadata_token() {
    guarded(BUDGET, async {
        let (server, client) = metadata_mock(MockConfig::default()).await;
        assert_eq!(
            client.credential_source(),
            &CredentialSource::Metadata(server.base_url())
        );
        let page = list(&client, INSTANCE_MYSQL).await.unwrap();
        assert!(!page.backups.is_empty());
        let put = first_request(&server, |t| t == "/meta-data/latest/api/token")
            .expect("a token was requested");
        assert_eq!(put.method, "PUT");
        assert_eq!(put.header("x-metadata-token-ttl-seconds"), Some("21600"));
        let get = first_request(&server, |t| t == "/openstack/latest/securitykey")
            .expect("credentials were requested");
        assert!(get.header("x-metadata-token").is_some());
        assert_eq!(security_tokens(&server).len(), 1);
        // A day of validity: the next request reuses them.
        list(&client, INSTANCE_MYSQL).await.unwrap();
        assert_eq!(
            metadata_requests(&server, "/openstack/latest/securitykey"),
            1
        );
        let tokens: HashSet<String> = security_tokens(&server).into_iter().collect();
        assert_eq!(tokens.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn metadata_credentials_without_a_metadata_token() {
    guarded(BUDGET, async {
        let (server, client) = metadata_mock(MockConfig::default().metadata_tokens(false)).await;
        list(&client, INSTANCE_MYSQL).await.unwrap();
        let get = first_request(&server, |t| t == "/openstack/latest/securitykey")
            .expect("credentials were requested");
        assert_eq!(get.header("x-metadata-token"), None);
    })
    .await;
}

#[tokio::test]
async fn credentials_expiring_soon_are_refreshed_before_signing() {
    guarded(BUDGET * 3, async {
        // Ten minutes: inside the 40-minute window, so every request needs
        // fresh credentials, and none expires during the test.
        let (server, client) = metadata_mock_lasting(Duration::from_secs(600)).await;
        let walked = client
            .collect_all(
                ListBackups::new(INSTANCE_LARGE).limit(100),
                WalkOptions::default().concurrency(4),
            )
            .await
            .unwrap();
        assert_eq!(walked.len(), 10_000);
        let tokens = security_tokens(&server);
        let distinct: HashSet<&String> = tokens.iter().collect();
        assert!(distinct.len() > 1, "the credentials were never refreshed");
    })
    .await;
}

#[tokio::test]
async fn a_walk_outlives_its_credentials() {
    guarded(BUDGET * 3, async {
        // Two seconds: requests after the first credentials expired succeed
        // only because each is signed with credentials fetched just before.
        let (_server, client) = metadata_mock_lasting(Duration::from_secs(2)).await;
        let first = list(&client, INSTANCE_MYSQL).await.unwrap();
        tokio::time::sleep(Duration::from_millis(2_500)).await;
        let later = list(&client, INSTANCE_MYSQL).await.unwrap();
        assert_eq!(first.total_count, later.total_count);
    })
    .await;
}

/// The body of the answer to `request`, sent by hand.
async fn body_of(request: reqwest::RequestBuilder) -> String {
    request.send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn expired_or_mismatched_security_tokens_are_refused_by_the_mock() {
    guarded(BUDGET, async {
        let server = mock_with(MockConfig::default()).await;
        let http = huaweicloud_rds::tls::plain_http_builder()
            .unwrap()
            .build()
            .unwrap();
        let base = server.base_url();
        let token = body_of(
            http.put(format!("{base}/meta-data/latest/api/token"))
                .header("X-Metadata-Token-Ttl-Seconds", "21600"),
        )
        .await;
        let body = body_of(
            http.get(format!("{base}/openstack/latest/securitykey"))
                .header("X-Metadata-Token", token),
        )
        .await;
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        let c = &body["credential"];
        let (ak, sk) = (c["access"].as_str().unwrap(), c["secret"].as_str().unwrap());
        // The right keys with another security token: refused.
        let wrong = RdsClient::builder()
            .endpoint(&base)
            .project_id(MOCK_PROJECT_ID)
            .credentials(Credentials::temporary(ak, sk, "not-the-token"))
            .max_attempts(1)
            .build()
            .unwrap();
        let e = list(&wrong, INSTANCE_MYSQL).await.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(401), "{e}");
        let right = RdsClient::builder()
            .endpoint(&base)
            .project_id(MOCK_PROJECT_ID)
            .credentials(Credentials::temporary(
                ak,
                sk,
                c["securitytoken"].as_str().unwrap(),
            ))
            .build()
            .unwrap();
        list(&right, INSTANCE_MYSQL).await.unwrap();
    })
    .await;
}

/// A client for `server` that looks its project up in IAM for `region`.
async fn connect_in(
    server: &MockServer,
    region: Region,
    credentials: Credentials,
) -> Result<RdsClient, Error> {
    builder(server)
        .region(region)
        .credentials(credentials)
        .connect()
        .await
}

fn aksk() -> Credentials {
    Credentials::aksk(MOCK_ACCESS_KEY, MOCK_SECRET_KEY)
}

#[tokio::test]
async fn the_project_id_is_looked_up_in_iam() {
    guarded(BUDGET, async {
        let server = mock_with(MockConfig::default()).await;
        let client = connect_in(&server, Region::CN_EAST_3, aksk())
            .await
            .unwrap();
        assert_eq!(client.project_id(), MOCK_PROJECT_ID);
        assert_eq!(
            client.project_id_source(),
            &ProjectIdSource::Iam(server.base_url())
        );
        let lookup =
            first_request(&server, |t| t.starts_with("/v3/projects")).expect("IAM was asked");
        assert_eq!(lookup.target, "/v3/projects?name=cn-east-3");
        assert!(
            lookup
                .header("authorization")
                .unwrap()
                .starts_with("SDK-HMAC-SHA256 ")
        );
        list(&client, INSTANCE_MYSQL).await.unwrap();

        // Cached per IAM endpoint, access key and region.
        connect_in(&server, Region::CN_EAST_3, aksk())
            .await
            .unwrap();
        let asked = server
            .received()
            .iter()
            .filter(|r| r.target.starts_with("/v3/projects"))
            .count();
        assert_eq!(asked, 1);
    })
    .await;
}

#[tokio::test]
async fn metadata_credentials_look_the_project_up_with_their_token() {
    guarded(BUDGET, async {
        let server = mock_with(MockConfig::default()).await;
        let client = connect_in(&server, Region::CN_NORTH_4, metadata_of(&server))
            .await
            .unwrap();
        assert_eq!(client.project_id(), MOCK_PROJECT_ID);
        let lookup =
            first_request(&server, |t| t.starts_with("/v3/projects")).expect("IAM was asked");
        assert!(lookup.header("x-security-token").is_some());
    })
    .await;
}

#[tokio::test]
async fn no_project_or_several_are_errors_that_say_what_to_do() {
    guarded(BUDGET, async {
        let server = mock_with(MockConfig::default()).await;
        let none = connect_in(&server, Region::new(REGION_NO_PROJECT).unwrap(), aksk())
            .await
            .unwrap_err();
        assert!(matches!(none, Error::Discovery(_)), "{none:?}");
        let text = none.to_string();
        assert!(
            text.contains(REGION_NO_PROJECT) && text.contains("--project-id"),
            "{text}"
        );

        let several = connect_in(&server, Region::new(REGION_TWO_PROJECTS).unwrap(), aksk())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            several.contains(MOCK_PROJECT_ID) && several.contains(SECOND_PROJECT_ID),
            "{several}"
        );

        let token = connect_in(&server, Region::CN_NORTH_4, Credentials::token("t"))
            .await
            .unwrap_err();
        assert!(token.is_invalid_request(), "{token:?}");
        let no_region = RdsClient::builder()
            .endpoint(server.base_url())
            .credentials(aksk())
            .connect()
            .await
            .unwrap_err();
        assert!(no_region.to_string().contains("region"), "{no_region}");
    })
    .await;
}

#[tokio::test]
async fn iam_refusing_the_signature_is_a_discovery_error_with_its_answer() {
    guarded(BUDGET, async {
        let server = mock_with(MockConfig::default()).await;
        let e = connect_in(
            &server,
            Region::CN_SOUTH_1,
            Credentials::aksk(MOCK_ACCESS_KEY, "not-the-secret-key"),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::Discovery(_)), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains("HTTP 401") && text.contains("APIGW.0301"),
            "{text}"
        );
        assert!(
            text.contains("cn-south-1") && !text.contains("not-the-secret-key"),
            "{text}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_requests_share_one_fetch() {
    guarded(BUDGET, async {
        // A day of validity: once fetched, nobody needs another.
        let (server, client) = metadata_mock(MockConfig::default()).await;
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { list(&client, INSTANCE_MYSQL).await })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
        assert_eq!(
            metadata_requests(&server, "/openstack/latest/securitykey"),
            1
        );
        assert_eq!(metadata_requests(&server, "/meta-data/latest/api/token"), 1);
    })
    .await;
}
