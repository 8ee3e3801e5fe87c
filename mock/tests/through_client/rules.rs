//! Parameter rules, unknown instances and projects, and credentials, as the client sees them.

use huaweicloud_rds::types::BackupTypeFilter;
use huaweicloud_rds::{Credentials, Error, ListBackups, WalkOptions};
use huaweicloud_rds_mock::faults::*;
use huaweicloud_rds_mock::*;

use super::support::*;

#[tokio::test]
async fn parameter_rules_reach_the_client_as_api_errors() {
    within(async {
        let s = start().await;
        let c = client(&s);
        let g = || {
            c.generated()
                .list_backups()
                .project_id(MOCK_PROJECT_ID)
                .instance_id(INSTANCE_MYSQL)
        };
        let t1 = "2024-06-29T00:00:00+0800";
        let t2 = "2024-06-30T00:00:00+0800";
        // Rules the generated builder lets through (it checks types, not values).
        let cases = [
            (g().offset(-1), "offset", "must not be negative"),
            (g().limit(101u32), "limit", "must be between 1 and 100"),
            (g().limit(u32::MAX), "limit", "must be between 1 and 100"),
            (
                g().begin_time(t1),
                "end_time",
                "is required when begin_time",
            ),
            (g().end_time(t2), "begin_time", "is required when end_time"),
            (
                g().begin_time(t1).end_time(t1),
                "end_time",
                "must be later than begin_time",
            ),
            (
                g().begin_time(t2).end_time(t1),
                "end_time",
                "must be later than begin_time",
            ),
            // Fractional seconds are not the service's time form.
            (
                g().begin_time("2024-06-29T00:00:00.5+0800").end_time(t2),
                "begin_time",
                "must be of the form",
            ),
            (
                g().begin_time(t1).end_time("2024-06-30T00:00:00.250+0800"),
                "end_time",
                "must be of the form",
            ),
        ];
        for (n, (call, parameter, rule)) in cases.into_iter().enumerate() {
            let e = Error::from_generated(call.send().await.expect_err(parameter)).await;
            let msg = format!("Invalid parameter {parameter}: {rule}");
            let api = assert_api(&e, 400, Some("DBS.280001"), &msg, &s);
            assert_eq!(api.retry_after, None);
            assert_eq!(s.requests(INSTANCE_MYSQL), n as u64 + 1, "not retried: {e}");
        }
        // A blank instance id passes the generated builder (the mock refuses it).
        let blank = " ";
        let e = Error::from_generated(
            c.generated()
                .list_backups()
                .project_id(MOCK_PROJECT_ID)
                .instance_id(blank)
                .send()
                .await
                .unwrap_err(),
        )
        .await;
        let msg = "Invalid parameter instance_id: must not be empty";
        assert_api(&e, 400, Some("DBS.280001"), msg, &s);
        assert_eq!(s.requests(blank), 1);
        // RdsClient refuses it before sending.
        let e = c.list_backups(&ListBackups::new(blank)).await.unwrap_err();
        assert!(
            matches!(&e, Error::InvalidRequest { parameter: "instance_id", rule } if rule == "must not be empty or blank"),
            "{e:?}"
        );
        assert_eq!(s.requests(blank), 1);
        // Validation comes before faults: a fault instance answers 400 too, and
        // its script is not consumed.
        s.script(
            INSTANCE_POSTGRESQL,
            vec![Fault::error(409, "DBS.0001", "scripted")],
        );
        let e = Error::from_generated(
            c.generated()
                .list_backups()
                .project_id(MOCK_PROJECT_ID)
                .instance_id(INSTANCE_POSTGRESQL)
                .offset(-5)
                .send()
                .await
                .unwrap_err(),
        )
        .await;
        assert_api(&e, 400, Some("DBS.280001"), "offset", &s);
        let e = c
            .list_backups(&ListBackups::new(INSTANCE_POSTGRESQL))
            .await
            .unwrap_err();
        assert_api(&e, 409, Some("DBS.0001"), "scripted", &s);
        let e = Error::from_generated(
            c.generated()
                .list_backups()
                .project_id(MOCK_PROJECT_ID)
                .instance_id(FAULT_500)
                .limit(500u32)
                .send()
                .await
                .unwrap_err(),
        )
        .await;
        assert_api(&e, 400, Some("DBS.280001"), "limit", &s);
        assert_eq!(s.requests(FAULT_500), 1);
    })
    .await;
}

/// The mock's rules the client does not let a request break: it refuses first and
/// nothing reaches the mock. Not expressible at all through either API, so not
/// tested here (the raw-HTTP tests in `params.rs` cover them): a parameter given
/// twice, a `backup_type`/`status` outside its enumeration or empty and an
/// `X-Language` other than `zh-cn`/`en-us` (all three are closed enums), and an
/// `offset`/`limit` that is not an integer (both are integers).
#[tokio::test]
async fn rules_the_client_refuses_before_sending() {
    within(async {
        let s = start().await;
        let c = client(&s);
        let (t1, t2) = (
            ts("2024-06-29T00:00:00+0800"),
            ts("2024-06-30T00:00:00+0800"),
        );
        let mut only_begin = ListBackups::new(INSTANCE_MYSQL);
        only_begin.begin_time = Some(t1);
        let mut only_end = ListBackups::new(INSTANCE_MYSQL);
        only_end.end_time = Some(t2);
        let cases = [
            (ListBackups::new(""), "instance_id", "must not be empty"),
            (
                ListBackups::new(INSTANCE_MYSQL).backup_id(""),
                "backup_id",
                "must not be empty",
            ),
            (
                ListBackups::new(INSTANCE_MYSQL).limit(0),
                "limit",
                "must be between 1 and 100, got 0",
            ),
            (
                ListBackups::new(INSTANCE_MYSQL).limit(101),
                "limit",
                "must be between 1 and 100, got 101",
            ),
            (
                ListBackups::new(INSTANCE_MYSQL).offset(u32::MAX),
                "offset",
                "must be at most 2147483647",
            ),
            (only_begin, "end_time", "is required when begin_time"),
            (only_end, "begin_time", "is required when end_time"),
            (
                ListBackups::new(INSTANCE_MYSQL).window(t1, t1),
                "end_time",
                "must be later than begin_time",
            ),
            (
                ListBackups::new(INSTANCE_MYSQL).window(t2, t1),
                "end_time",
                "must be later than begin_time",
            ),
            (
                ListBackups::new(INSTANCE_MYSQL).window(ts("2024-06-29T00:00:00.5+0800"), t2),
                "begin_time",
                "whole seconds",
            ),
            (
                ListBackups::new(INSTANCE_MYSQL).window(t1, ts("2024-06-30T00:00:00.25Z")),
                "end_time",
                "whole seconds",
            ),
        ];
        for (r, parameter, rule) in cases {
            let e = c.list_backups(&r).await.unwrap_err();
            assert_invalid_request(&e, parameter, rule);
            let e = c.collect_all(r, WalkOptions::default()).await.unwrap_err();
            assert_invalid_request(&e, parameter, rule);
        }
        // The generated builder refuses what its types cannot hold, before sending.
        let g = || c.generated().list_backups().project_id(MOCK_PROJECT_ID);
        let cases = [
            (g(), "instance_id was not initialized"),
            (g().instance_id(""), "for instance_id failed"),
            (
                g().instance_id(INSTANCE_MYSQL).backup_id(""),
                "for backup_id failed",
            ),
            (
                g().instance_id(INSTANCE_MYSQL).limit(0u32),
                "for limit failed",
            ),
            (
                g().instance_id(INSTANCE_MYSQL).offset(i64::MAX),
                "for offset failed",
            ),
            (
                g().instance_id(INSTANCE_MYSQL).backup_type("AUTO"),
                "for backup_type failed",
            ),
            (
                g().instance_id(INSTANCE_MYSQL).status("DELETING"),
                "for status failed",
            ),
            (
                g().instance_id(INSTANCE_MYSQL).x_language("EN-US"),
                "for x_language failed",
            ),
            (
                g().instance_id(INSTANCE_MYSQL)
                    .begin_time("2024-06-29 00:00:00")
                    .end_time("2024-06-30T00:00:00+0800"),
                "for begin_time failed",
            ),
            (
                c.generated()
                    .list_backups()
                    .project_id("")
                    .instance_id(INSTANCE_MYSQL),
                "for project_id failed",
            ),
        ];
        for (call, rule) in cases {
            let e = Error::from_generated(call.send().await.unwrap_err()).await;
            assert_invalid_request(&e, "request", rule);
        }
        assert_eq!(s.total_requests(), 0, "nothing reached the mock");
    })
    .await;
}

#[tokio::test]
async fn unknown_instance_is_400_and_another_project_403() {
    within(async {
        let s = start().await;
        let c = client(&s);
        let unknown = "ffffffffffffffffffffffffffffffffin01";
        let e = c
            .list_backups(&ListBackups::new(unknown))
            .await
            .unwrap_err();
        let msg = "The DB instance does not exist.";
        assert_api(&e, 400, Some("DBS.200823"), msg, &s);
        assert_eq!(
            e.to_string(),
            format!(
                "HTTP 400 Bad Request: DBS.200823: {msg} (request id {})",
                s.last_request_id().unwrap()
            )
        );
        let e = Error::from_generated(
            c.generated()
                .list_backups()
                .project_id(MOCK_PROJECT_ID)
                .instance_id(unknown)
                .send()
                .await
                .unwrap_err(),
        )
        .await;
        assert_api(&e, 400, Some("DBS.200823"), msg, &s);
        assert_eq!(s.requests(unknown), 2, "a 400 is not retried");

        // Another project: correctly signed, refused for the project.
        let other = "1111111111111111111111111111111f";
        let oc = builder(&s).project_id(other).build().unwrap();
        let e = oc
            .list_backups(&ListBackups::new(INSTANCE_MYSQL))
            .await
            .unwrap_err();
        assert_api(&e, 403, Some("DBS.280056"), other, &s);
        let e = Error::from_generated(
            oc.generated()
                .list_backups()
                .project_id(other)
                .instance_id(INSTANCE_MYSQL)
                .send()
                .await
                .unwrap_err(),
        )
        .await;
        assert_api(&e, 403, Some("DBS.280056"), other, &s);
        assert_eq!(s.requests(INSTANCE_MYSQL), 2, "a 403 is not retried");
        // A generated call whose path project is not the client's (which is also
        // its signed `X-Project-Id`) is refused by the client before sending.
        for (client, project) in [(&c, other), (&oc, MOCK_PROJECT_ID)] {
            let e = Error::from_generated(
                client
                    .generated()
                    .list_backups()
                    .project_id(project)
                    .instance_id(INSTANCE_MYSQL)
                    .send()
                    .await
                    .unwrap_err(),
            )
            .await;
            assert_invalid_request(&e, "project_id", "must be the client's project id");
        }
        assert_eq!(s.requests(INSTANCE_MYSQL), 2, "nothing more was sent");
    })
    .await;
}

#[tokio::test]
async fn signatures_and_tokens_are_accepted() {
    within(async {
        let s = start().await;
        let list = ListBackups::new(INSTANCE_MARIADB);
        let items = data(INSTANCE_MARIADB);
        let last = |s: &MockServer| s.received().last().cloned().expect("a request");

        // Permanent AK/SK: signed with SDK-HMAC-SHA256 and the mock's AK.
        let page = client(&s).list_backups(&list).await.unwrap();
        check_page(&page, &items, &Filter::default(), "aksk");
        let r = last(&s);
        let auth = r.header("authorization").unwrap();
        assert!(
            auth.starts_with(&format!(
                "SDK-HMAC-SHA256 Access={MOCK_ACCESS_KEY}, SignedHeaders="
            )),
            "{auth}"
        );
        assert!(r.header("x-sdk-date").is_some());
        assert_eq!(r.header("x-auth-token"), None);

        // Temporary AK/SK: the mock does not check security tokens, but the token
        // is sent and signed, so the signature still has to verify.
        let temporary = builder(&s)
            .credentials(Credentials::temporary(
                MOCK_ACCESS_KEY,
                MOCK_SECRET_KEY,
                "mock-security-token",
            ))
            .build()
            .unwrap();
        let page = temporary.list_backups(&list).await.unwrap();
        check_page(&page, &items, &Filter::default(), "temporary");
        let r = last(&s);
        assert_eq!(r.header("x-security-token"), Some("mock-security-token"));
        let auth = r.header("authorization").unwrap();
        assert!(auth.contains("x-security-token"), "signed: {auth}");

        // IAM token: no signature at all.
        let token = builder(&s)
            .credentials(Credentials::token(MOCK_AUTH_TOKEN))
            .build()
            .unwrap();
        let page = token.list_backups(&list).await.unwrap();
        check_page(&page, &items, &Filter::default(), "token");
        let r = last(&s);
        assert_eq!(r.header("x-auth-token"), Some(MOCK_AUTH_TOKEN));
        assert_eq!(r.header("authorization"), None);

        // The generated builder signs the same way, with every parameter signed.
        for c in [client(&s), temporary, token] {
            let page = c
                .generated()
                .list_backups()
                .project_id(MOCK_PROJECT_ID)
                .instance_id(INSTANCE_MARIADB)
                .backup_type(BackupTypeFilter::Manual)
                .begin_time("2024-06-27T00:00:00+0800")
                .end_time("2024-06-30T00:00:00+0800")
                .offset(0)
                .limit(50u32)
                .send()
                .await
                .unwrap()
                .into_inner();
            let f = Filter {
                kind: Some("manual"),
                window: Some((
                    epoch("2024-06-27T00:00:00+0800"),
                    epoch("2024-06-30T00:00:00+0800"),
                )),
                limit: 50,
                ..Filter::default()
            };
            check_page(&page, &items, &f, "generated, signed");
        }
        assert_eq!(s.requests(INSTANCE_MARIADB), 6);
    })
    .await;
}

#[tokio::test]
async fn wrong_credentials_are_401_with_a_request_id() {
    within(async {
        let s = start().await;
        let list = ListBackups::new(INSTANCE_MYSQL);
        let with = |creds: Credentials| builder(&s).credentials(creds).build().unwrap();
        let wrong_sk = "WrongSK0123456789abcdefghijklmnopqrstuvw";
        let cases = [
            (
                with(Credentials::aksk(MOCK_ACCESS_KEY, wrong_sk)),
                "verify aksk signature fail",
            ),
            (
                with(Credentials::temporary(MOCK_ACCESS_KEY, wrong_sk, "t")),
                "verify aksk signature fail",
            ),
            (
                with(Credentials::aksk("WRONGAK0000000000RDS", MOCK_SECRET_KEY)),
                "verify aksk signature fail",
            ),
            (
                with(Credentials::token("MIIMOCK-not-the-token")),
                "the X-Auth-Token is not valid",
            ),
        ];
        for (n, (c, why)) in cases.into_iter().enumerate() {
            let e = c.list_backups(&list).await.unwrap_err();
            let msg = format!("Incorrect IAM authentication information: {why}");
            let api = assert_api(&e, 401, Some("APIGW.0301"), &msg, &s);
            assert_eq!(api.clock_skew, None, "the clocks agree");
            assert_eq!(
                s.requests(INSTANCE_MYSQL),
                2 * n as u64 + 1,
                "a 401 is not retried"
            );
            let e = Error::from_generated(
                c.generated()
                    .list_backups()
                    .project_id(MOCK_PROJECT_ID)
                    .instance_id(INSTANCE_MYSQL)
                    .send()
                    .await
                    .unwrap_err(),
            )
            .await;
            assert_api(&e, 401, Some("APIGW.0301"), &msg, &s);
        }
        // Authentication comes before the project and the parameters.
        let elsewhere = builder(&s)
            .project_id("someone-else")
            .credentials(Credentials::aksk(MOCK_ACCESS_KEY, wrong_sk))
            .build()
            .unwrap();
        let e = elsewhere
            .generated()
            .list_backups()
            .project_id("someone-else")
            .instance_id(INSTANCE_MYSQL)
            .offset(-1)
            .send()
            .await
            .unwrap_err();
        assert_api(
            &Error::from_generated(e).await,
            401,
            Some("APIGW.0301"),
            "",
            &s,
        );
        // The one-line message ends with the request id to quote.
        let e = with(Credentials::aksk(MOCK_ACCESS_KEY, wrong_sk))
            .list_backups(&list)
            .await
            .unwrap_err();
        let id = s.last_request_id().unwrap();
        assert!(
            e.to_string().ends_with(&format!("(request id {id})")),
            "{e}"
        );
    })
    .await;
}
