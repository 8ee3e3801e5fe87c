//! Faults of the services the client asks before the first list request:
//! the ECS metadata service answering an error or a body it cannot read,
//! and IAM failing once on the project look-up.

use std::time::Duration;

use huaweicloud_rds::{Credentials, Error, ListBackups, MetadataCredentials, RdsClient, Region};
use huaweicloud_rds_mock::{
    Fault, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig, Reply,
};

use crate::support::{guarded, mock_with, unused_loopback_url};

const BUDGET: Duration = Duration::from_secs(10);

const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";

#[tokio::test]
async fn metadata_down_failing_or_unreadable_is_a_discovery_error() {
    // `None`: the service is down (nothing listens). Otherwise its script:
    // the first request is the token PUT, the second the security key GET.
    let cases: [(&str, Option<Vec<Fault>>, &str); 4] = [
        ("down", None, "/meta-data/latest/api/token"),
        (
            "token 500",
            Some(vec![Fault::error(500, "SYS.0500", "internal")]),
            "HTTP 500",
        ),
        (
            "security key 500",
            Some(vec![Fault::None, Fault::error(500, "SYS.0500", "internal")]),
            "HTTP 500",
        ),
        (
            "security key body cut short",
            Some(vec![
                Fault::None,
                Fault::Reply(Reply::json(200, r#"{"credential": {"access": "AK"#)),
            ]),
            SECURITY_KEY_PATH,
        ),
    ];
    for (what, faults, says) in cases {
        guarded(BUDGET, async {
            let server = mock_with(MockConfig::default()).await;
            let metadata = match faults {
                Some(faults) => {
                    server.script_any(faults);
                    server.base_url()
                }
                None => unused_loopback_url(),
            };
            let client = RdsClient::builder()
                .endpoint(server.base_url())
                .project_id(MOCK_PROJECT_ID)
                .credentials(Credentials::metadata(
                    MetadataCredentials::new(&metadata).unwrap(),
                ))
                .build()
                .unwrap();
            let e = client
                .list_backups(&ListBackups::new(INSTANCE_MYSQL))
                .await
                .unwrap_err();
            assert!(matches!(e, Error::Discovery(_)), "{what}: {e:?}");
            let text = e.to_string();
            assert!(text.contains("ECS metadata service"), "{what}: {text}");
            assert!(text.contains(&metadata), "{what}: {text}");
            assert!(text.contains(says), "{what}: {text}");
            let listed = server
                .received()
                .iter()
                .filter(|r| r.target.contains("/backups"))
                .count();
            assert_eq!(listed, 0, "{what}: nothing is listed without credentials");
        })
        .await;
    }
}

#[tokio::test]
async fn iam_failing_once_is_retried_and_the_project_found() {
    for fault in [
        Fault::error(500, "SYS.0500", "internal"),
        Fault::unavailable(0),
    ] {
        let what = format!("{fault:?}");
        guarded(BUDGET, async {
            let server = mock_with(MockConfig::default()).await;
            server.script_any([fault]);
            let client = RdsClient::builder()
                .endpoint(server.base_url())
                .iam_endpoint(server.base_url())
                .region(Region::AP_SOUTHEAST_1)
                .credentials(Credentials::aksk(MOCK_ACCESS_KEY, MOCK_SECRET_KEY))
                .backoff(Duration::from_millis(10), Duration::from_millis(20))
                .connect()
                .await
                .unwrap();
            assert_eq!(client.project_id(), MOCK_PROJECT_ID, "{what}");
            let asked = server
                .received()
                .iter()
                .filter(|r| r.target.starts_with("/v3/projects"))
                .count();
            assert_eq!(asked, 2, "{what}: the failure, then the answer");
            let page = client
                .list_backups(&ListBackups::new(INSTANCE_MYSQL))
                .await
                .unwrap();
            assert!(!page.backups.is_empty(), "{what}");
        })
        .await;
    }
}

#[test]
fn a_malformed_credentials_file_is_a_config_error_naming_the_file_and_line() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("malformed-credentials-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("credentials");
    for (text, line) in [
        ("ak = A\n", 1),
        ("[basic]\nak = A\n", 2),
        ("[basic]\nak = A\nsk B\n", 3),
    ] {
        std::fs::write(&path, text).unwrap();
        let e = huaweicloud_rds::auth::file::load_path(&path).unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{text:?}: {e:?}");
        let named = format!("credentials file {}: line {line}:", path.display());
        assert!(e.to_string().contains(&named), "{text:?}: {e}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
