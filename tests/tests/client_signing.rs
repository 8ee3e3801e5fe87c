//! What `RdsClient` puts on the wire, checked by the server that receives it:
//! the canonical query, the headers, and an SDK-HMAC-SHA256 signature that
//! `huaweicloud_signer::verify` accepts, computed afresh per attempt.

mod support;

use std::time::{Duration, SystemTime};

use huaweicloud_rds::types::BackupTypeFilter;
use huaweicloud_rds::{Credentials, ListBackups, Timestamp};
use huaweicloud_rds_mock::{
    Fault, MOCK_ACCESS_KEY as AK, MOCK_PROJECT_ID as PROJECT, MOCK_SECRET_KEY as SK,
    RecordedRequest, Reply,
};
use huaweicloud_signer::{self as signing, RequestParts, SecretKey, VerifyError};
use support::{answer_everything, client, guarded};

const INSTANCE: &str = "43e4feaab48f11e89039fa163ebaa7e4in01";

/// What one call of `request` with `credentials` put on the wire, as a
/// mock that answers every request with a page received it (with the
/// address it listened on).
async fn sent(credentials: Credentials, request: ListBackups) -> (RecordedRequest, String) {
    let server = support::mock().await;
    answer_everything(&server);
    let c = client(&server).credentials(credentials).build().unwrap();
    c.list_backups(&request).await.unwrap();
    let mut seen = server.received();
    assert_eq!(seen.len(), 1, "one request");
    (seen.remove(0), server.addr().to_string())
}
const SECURITY_TOKEN: &str = "temporary-security-token/AbC+dEf==";

/// The server's check: rebuild the request from what arrived and verify it
/// with `secret`.
fn verify(seen: &RecordedRequest, secret: &str) -> Result<signing::Verified, VerifyError> {
    verify_with(seen, seen.query().unwrap_or(""), secret)
}

fn verify_with(
    seen: &RecordedRequest,
    raw_query: &str,
    secret: &str,
) -> Result<signing::Verified, VerifyError> {
    let pairs = signing::parse_query(raw_query);
    let query: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = seen
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let parts = RequestParts {
        method: &seen.method,
        host: seen.header("host").unwrap_or(""),
        path: seen.path(),
        query: &query,
        headers: &headers,
        body: &seen.body,
    };
    let key = SecretKey::new(secret);
    signing::verify(&parts, |ak| (ak == AK).then_some(&key))
}

fn fresh(seen: &RecordedRequest) -> bool {
    let date = signing::parse_sdk_date(seen.header("x-sdk-date").expect("X-Sdk-Date"))
        .expect("a valid X-Sdk-Date");
    signing::is_fresh(date, SystemTime::now(), Duration::from_secs(60))
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_request_verifies_on_the_server() {
    guarded(Duration::from_secs(2), async {
        let request = ListBackups::new(INSTANCE)
            .backup_id("a b+c")
            .backup_type(BackupTypeFilter::Auto)
            .window(t("2018-08-06T10:41:14+0800"), t("2018-08-16T10:41:14+0800"))
            .offset(0)
            .limit(10);
        let (seen, addr) = sent(Credentials::aksk(AK, SK), request).await;
        let seen = &seen;

        assert_eq!(seen.method, "GET");
        assert_eq!(seen.path(), format!("/v3/{PROJECT}/backups"));
        // The canonical query, byte for byte: sorted, `+` and `:` encoded.
        assert_eq!(
            seen.query(),
            Some(
                "backup_id=a%20b%2Bc&backup_type=auto\
                 &begin_time=2018-08-06T10%3A41%3A14%2B0800\
                 &end_time=2018-08-16T10%3A41%3A14%2B0800\
                 &instance_id=43e4feaab48f11e89039fa163ebaa7e4in01&limit=10&offset=0"
            )
        );
        assert_eq!(seen.header("host"), Some(addr.as_str()));
        assert_eq!(seen.header_count("host"), 1);
        assert_eq!(seen.header("api-version"), None);
        assert_eq!(seen.header("x-project-id"), Some(PROJECT));
        assert_eq!(seen.header("content-type"), Some("application/json"));
        assert_eq!(seen.header("x-auth-token"), None);
        assert_eq!(seen.header("x-security-token"), None);
        assert!(fresh(seen));
        let authorization = seen.header("authorization").expect("Authorization");
        assert!(
            authorization.starts_with(&format!("SDK-HMAC-SHA256 Access={AK}, SignedHeaders=")),
            "{authorization}"
        );

        let verified = verify(seen, SK).expect("the signature verifies");
        assert_eq!(verified.access_key, AK);
        let signed: Vec<&str> = verified.signed_headers.split(';').collect();
        for name in [
            "content-type",
            "host",
            "user-agent",
            "x-project-id",
            "x-sdk-date",
        ] {
            assert!(signed.contains(&name), "{name} not in {signed:?}");
        }
        assert!(!signed.contains(&"authorization"), "{signed:?}");

        // The server would refuse a wrong key, and any change to the query.
        assert_eq!(
            verify(seen, "another-secret").unwrap_err(),
            VerifyError::SignatureMismatch
        );
        let tampered = seen.query().unwrap().replace("limit=10", "limit=100");
        assert_eq!(
            verify_with(seen, &tampered, SK).unwrap_err(),
            VerifyError::SignatureMismatch
        );
        // A raw `+` would reach the server as a space: not what was signed.
        let raw_plus = seen.query().unwrap().replace("%2B", "+");
        assert_eq!(
            verify_with(seen, &raw_plus, SK).unwrap_err(),
            VerifyError::SignatureMismatch
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_credentials_sign_the_security_token() {
    guarded(Duration::from_secs(2), async {
        let (seen, _) = sent(
            Credentials::temporary(AK, SK, SECURITY_TOKEN),
            ListBackups::new(INSTANCE),
        )
        .await;
        let seen = &seen;
        assert_eq!(seen.header("x-security-token"), Some(SECURITY_TOKEN));
        let verified = verify(seen, SK).expect("the signature verifies");
        assert!(
            verified
                .signed_headers
                .split(';')
                .any(|h| h == "x-security-token"),
            "{}",
            verified.signed_headers
        );
        // Without the token the request no longer verifies.
        let mut stripped = seen.clone();
        stripped
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("x-security-token"));
        assert_eq!(
            verify(&stripped, SK).unwrap_err(),
            VerifyError::MissingSignedHeader("x-security-token".into())
        );
    })
    .await;
}

/// One second apart (`Retry-After: 1`), so the `X-Sdk-Date`s must differ.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attempt_is_signed_afresh() {
    guarded(Duration::from_secs(2), async {
        let server = support::mock().await;
        let busy = Reply::api_error(503, "DBS.108000", "busy").header("Retry-After", "1");
        let page = Reply::json(200, support::ONE_BACKUP_PAGE);
        server.script_any(vec![Fault::Reply(busy), Fault::Reply(page)]);
        let c = client(&server).build().unwrap();
        c.list_backups(&ListBackups::new(INSTANCE)).await.unwrap();
        let seen = server.received();
        assert_eq!(seen.len(), 2);
        for attempt in &seen {
            verify(attempt, SK).expect("each attempt verifies");
            assert!(fresh(attempt));
        }
        assert_ne!(seen[0].header("x-sdk-date"), seen[1].header("x-sdk-date"));
        assert_ne!(
            seen[0].header("authorization"),
            seen[1].header("authorization")
        );
        assert_eq!(seen[0].target, seen[1].target);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_auth_sends_the_token_and_no_signature() {
    guarded(Duration::from_secs(2), async {
        let (seen, _) = sent(
            Credentials::token("iam-token-value"),
            ListBackups::new(INSTANCE),
        )
        .await;
        let seen = &seen;
        assert_eq!(seen.header("x-auth-token"), Some("iam-token-value"));
        assert_eq!(seen.header("authorization"), None);
        assert_eq!(seen.header("x-sdk-date"), None);
        assert_eq!(seen.header("x-project-id"), Some(PROJECT));
        assert_eq!(seen.header("api-version"), None);
        assert_eq!(
            verify(seen, SK).unwrap_err(),
            VerifyError::MissingAuthorization
        );
    })
    .await;
}
