//! A 3xx is never followed: the call fails with the status and the
//! `Location`, nothing reaches the host the `Location` names (a second
//! server on 127.0.0.2 records what arrives there), and no request carries a
//! `Referer`, whichever credentials are in use.

use std::time::Duration;

use huaweicloud_rds::{Credentials, Error};
use huaweicloud_rds_mock::{
    Fault, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_AUTH_TOKEN, MOCK_PROJECT_ID, MOCK_SECRET_KEY,
    MockConfig, MockServer,
};

use crate::support::{client, guarded, list, mock, mock_with};

const SECURITY_TOKEN: &str = "redirect-test-security-token";

/// The other host: accepts anything, so that a request that got there would
/// be recorded whatever it carried.
async fn other_host() -> MockServer {
    mock_with(
        MockConfig::default()
            .addr(([127, 0, 0, 2], 0).into())
            .verify_signature(false),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_an_error_and_nothing_reaches_its_location() {
    guarded(Duration::from_secs(2), async {
        let other = other_host().await;
        let location = format!(
            "{}/v3/{MOCK_PROJECT_ID}/backups?instance_id={INSTANCE_MYSQL}",
            other.base_url()
        );
        assert!(location.starts_with("http://127.0.0.2:"), "{location}");
        let credentials = [
            ("token", Credentials::token(MOCK_AUTH_TOKEN)),
            (
                "AK/SK with a security token",
                Credentials::temporary(MOCK_ACCESS_KEY, MOCK_SECRET_KEY, SECURITY_TOKEN),
            ),
        ];
        for status in [302u16, 307] {
            for (what, credentials) in &credentials {
                let server = mock().await;
                server.script_any(vec![Fault::redirect(status, location.clone())]);
                let c = client(&server)
                    .credentials(credentials.clone())
                    .build()
                    .unwrap();
                let err = list(&c, INSTANCE_MYSQL).await.unwrap_err();
                let Error::Redirect {
                    status: got,
                    location: got_location,
                    ..
                } = &err
                else {
                    panic!("{status} {what}: expected Error::Redirect, got {err:?}");
                };
                assert_eq!(got.as_u16(), status, "{what}");
                assert_eq!(got_location.as_deref(), Some(location.as_str()), "{what}");
                let reason = got.canonical_reason().unwrap();
                assert_eq!(
                    err.to_string(),
                    format!(
                        "HTTP {status} {reason}: redirect to {location} not followed \
                         (request id {})",
                        server.last_request_id().unwrap()
                    ),
                    "{what}"
                );
                assert_eq!(err.status().map(|s| s.as_u16()), Some(status));

                // One request, to the endpoint, with its credentials and no
                // Referer; not retried.
                let seen = server.received();
                assert_eq!(seen.len(), 1, "{status} {what}");
                assert_eq!(seen[0].header("referer"), None, "{status} {what}");
                let credential_header = match *what {
                    "token" => "x-auth-token",
                    _ => "x-security-token",
                };
                assert!(
                    seen[0].header(credential_header).is_some(),
                    "{status} {what}: the endpoint got the credentials"
                );
            }
        }
        assert_eq!(other.total_requests(), 0, "nothing reached the other host");
        assert_eq!(other.connections(), 0, "not even a connection");
    })
    .await;
}

/// Without a `Location` the redirect is still an error, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_without_a_location_is_an_error_too() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        server.script_any(vec![Fault::Reply(huaweicloud_rds_mock::Reply::new(301))]);
        let c = client(&server).build().unwrap();
        let err = list(&c, INSTANCE_MYSQL).await.unwrap_err();
        assert!(
            matches!(&err, Error::Redirect { location: None, .. }),
            "{err:?}"
        );
        assert!(
            err.to_string().starts_with(
                "HTTP 301 Moved Permanently: redirect without a Location, not followed"
            ),
            "{err}"
        );
        assert_eq!(server.total_requests(), 1);
    })
    .await;
}
