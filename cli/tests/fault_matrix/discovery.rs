//! Faults of the services `rds-backups` asks before listing: the ECS
//! metadata service down, answering 500 or a body it cannot read (exit 1,
//! nothing listed), and IAM failing once on the project look-up (retried,
//! exit 0).

use huaweicloud_rds_mock::{
    Fault, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockServer, Reply,
};

use crate::support::{MYSQL_BACKUPS, cli, mock, unused_loopback_url};

fn requests_to(server: &MockServer, prefix: &str) -> usize {
    server
        .received()
        .iter()
        .filter(|r| r.target.starts_with(prefix))
        .count()
}

#[test]
fn a_metadata_service_down_failing_or_unreadable_exits_1_and_lists_nothing() {
    // The first request is the token PUT, the second the security key GET.
    let cases: [(&str, Option<Vec<Fault>>, &str); 3] = [
        ("down", None, "/meta-data/latest/api/token"),
        (
            "500",
            Some(vec![Fault::error(500, "SYS.0500", "internal")]),
            "HTTP 500",
        ),
        (
            "body cut short",
            Some(vec![
                Fault::None,
                Fault::Reply(Reply::json(200, r#"{"credential": {"access": "AK"#)),
            ]),
            "/openstack/latest/securitykey",
        ),
    ];
    for (what, faults, says) in cases {
        let server = mock();
        let metadata = match faults {
            Some(faults) => {
                server.script_any(faults);
                server.base_url()
            }
            None => unused_loopback_url(),
        };
        let run = cli()
            .args([
                "--endpoint",
                &server.base_url(),
                "--project-id",
                MOCK_PROJECT_ID,
            ])
            .args([
                "--metadata-credentials",
                "list",
                "--instance-id",
                INSTANCE_MYSQL,
            ])
            .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", &metadata)
            .run();
        run.assert_exit(1);
        let last = run.last_line();
        assert!(
            last.starts_with("error: ") && last.contains("ECS metadata service"),
            "{what}: {last}"
        );
        assert!(last.contains(says), "{what}: {last}");
        assert!(run.stdout.is_empty(), "{what}: {}", run.stdout);
        assert_eq!(requests_to(&server, "/v3/"), 0, "{what}: nothing listed");
    }
}

#[test]
fn iam_answering_500_once_is_retried_and_the_listing_exits_0() {
    let server = mock();
    server.script_any([Fault::error(500, "SYS.0500", "internal")]);
    let url = server.base_url();
    let run = cli()
        .args(["--endpoint", &url, "--region", "cn-north-4"])
        .args(["list", "--instance-id", INSTANCE_MYSQL, "--output", "json"])
        .env("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", MOCK_SECRET_KEY)
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &url)
        .run();
    run.assert_exit(0);
    assert_eq!(run.json()["total_count"], MYSQL_BACKUPS);
    assert_eq!(
        requests_to(&server, "/v3/projects"),
        2,
        "the 500, then the answer"
    );
}
