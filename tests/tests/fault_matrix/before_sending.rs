//! Requests and configurations refused before anything is sent: no
//! connection is ever made.

use std::time::Duration;

use huaweicloud_rds::{Credentials, Error, ListBackups, RdsClient, Timestamp};
use huaweicloud_rds_mock::{INSTANCE_MYSQL, MOCK_PROJECT_ID};

use crate::support::{client, guarded, mock};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_requests_send_nothing() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let request = || ListBackups::new(INSTANCE_MYSQL);
        for (req, want_parameter, want_rule) in [
            (
                request().limit(0),
                "limit",
                "must be between 1 and 100, got 0",
            ),
            (
                request().window(t("2018-08-16T10:41:14+0800"), t("2018-08-06T10:41:14+0800")),
                "end_time",
                "must be later than begin_time",
            ),
            (ListBackups::new(""), "instance_id", "must not be empty"),
        ] {
            let err = c.list_backups(&req).await.unwrap_err();
            let Error::InvalidRequest { parameter, rule } = &err else {
                panic!("expected Error::InvalidRequest, got {err:?}");
            };
            assert_eq!(*parameter, want_parameter);
            assert!(rule.starts_with(want_rule), "{rule}");
            assert!(err.is_invalid_request());
        }
        assert_eq!(server.total_requests(), 0);
        assert_eq!(server.connections(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_configuration_never_builds_a_client() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let err = RdsClient::builder()
            .endpoint(server.base_url())
            .project_id("../x")
            .credentials(Credentials::aksk("AK", "SK"))
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { parameter: "project_id", rule } if rule == "must not contain `/`"),
            "{err:?}"
        );
        let err = client(&server)
            .attempt_timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(matches!(&err, Error::Config(_)), "{err:?}");
        let err = RdsClient::builder()
            .endpoint(server.base_url())
            .project_id(MOCK_PROJECT_ID)
            .credentials(Credentials::aksk("AK", ""))
            .build()
            .unwrap_err();
        assert!(matches!(&err, Error::Config(_)), "{err:?}");
        assert_eq!(server.connections(), 0);
    })
    .await;
}
