//! A 3xx is never followed (the reliability row): `rds-backups` exits 1 with
//! the status and the `Location` in its `error:` line, prints nothing, and
//! nothing reaches the host the `Location` names (a second mock on
//! 127.0.0.2 records what arrives there); no request carries a `Referer`.

use huaweicloud_rds_mock::{
    Fault, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_AUTH_TOKEN, MOCK_PROJECT_ID, MOCK_SECRET_KEY,
    MockConfig,
};

use crate::support::{Cli, cli, mock, mock_with};

const SECURITY_TOKEN: &str = "redirect-test-security-token";

/// The header the endpoint must see, what the row is, and how the run gets
/// its credentials.
type WithCredentials = (&'static str, &'static str, fn(Cli) -> Cli);

#[test]
fn a_redirect_exits_1_naming_it_and_nothing_reaches_its_location() {
    // Accepts anything, so that a request that got there would be recorded.
    let other = mock_with(
        MockConfig::default()
            .addr(([127, 0, 0, 2], 0).into())
            .verify_signature(false),
    );
    let location = format!(
        "{}/v3/{MOCK_PROJECT_ID}/backups?instance_id={INSTANCE_MYSQL}",
        other.base_url()
    );
    assert!(location.starts_with("http://127.0.0.2:"), "{location}");
    // The IAM token as a flag and from the environment; AK/SK with a
    // security token from the environment.
    let with_credentials: [WithCredentials; 3] = [
        ("x-auth-token", "--auth-token", |c| {
            c.args(["--auth-token", MOCK_AUTH_TOKEN])
        }),
        ("x-auth-token", "RDS_BACKUPS_AUTH_TOKEN", |c| {
            c.env("RDS_BACKUPS_AUTH_TOKEN", MOCK_AUTH_TOKEN)
        }),
        ("x-security-token", "AK/SK", |c| {
            c.env("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY)
                .env("HUAWEICLOUD_SDK_SK", MOCK_SECRET_KEY)
                .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", SECURITY_TOKEN)
        }),
    ];
    for status in [302u16, 307] {
        for (header, what, credentials) in with_credentials {
            let server = mock();
            server.script_any(vec![Fault::redirect(status, location.clone())]);
            let base = cli().args([
                "--endpoint",
                &server.base_url(),
                "--project-id",
                MOCK_PROJECT_ID,
            ]);
            let r = credentials(base)
                .args(["list", "--instance-id", INSTANCE_MYSQL, "--all"])
                .run();
            r.assert_exit(1);
            let reason = if status == 302 {
                "Found"
            } else {
                "Temporary Redirect"
            };
            assert_eq!(
                r.last_line(),
                format!(
                    "error: HTTP {status} {reason}: redirect to {location} not followed \
                     (request id {})",
                    server.last_request_id().unwrap()
                ),
                "{what}"
            );
            assert!(
                r.stdout.is_empty(),
                "{status} {what}: the other host's list"
            );
            let seen = server.received();
            assert_eq!(seen.len(), 1, "{status} {what}: not retried");
            assert_eq!(seen[0].header("referer"), None, "{status} {what}");
            assert!(seen[0].header(header).is_some(), "{status} {what}");
        }
    }
    assert_eq!(other.total_requests(), 0, "nothing reached the other host");
    assert_eq!(other.connections(), 0, "not even a connection");
}
