//! The security rows of the fault matrix (`docs/fault-matrix.md`), against the mock service:
//!
//! - distinctive SK, security-token and IAM-token values go through every
//!   error path, every public type is `Debug`-printed and every log event is
//!   captured at trace level: none of the three values shows up anywhere
//!   (the CLI's stderr with `-v` is checked in `cli/tests/fault_matrix.rs`);
//! - path values that try to escape `/v3/{project_id}/backups` are refused
//!   before anything is sent, through `RdsClient` and through the generated
//!   lower-level client; for the values that are accepted, the test shows
//!   exactly what reaches the server.

mod support;

use std::time::Duration;

use huaweicloud_rds::types::{BackupTypeFilter, Language};
use huaweicloud_rds::{
    ClientBuilder, Credentials, Error, ListBackups, RdsClient, Region, RetryPolicy, Secret,
    Timestamp, WalkOptions,
};
use huaweicloud_rds_mock::faults::{FAULT_500, FAULT_TOTAL_COUNT_HIGH};
use huaweicloud_rds_mock::{
    FAULT_INSTANCES, INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MockConfig, MockServer,
};
use huaweicloud_signer::{self as signing, RequestParts, SecretKey};
use support::{capture_logs, client, client_for, guarded, logs, mock_with};

/// The three secrets, distinctive enough that any appearance is theirs.
const SK: &str = "SKcanary7d1e5b93a0f4c2e8";
const SECURITY_TOKEN: &str = "STScanary4c9a0e27b6d18f3a";
const IAM_TOKEN: &str = "IAMcanaryb35f8d1c6e0a9724";
const SECRETS: [&str; 3] = [SK, SECURITY_TOKEN, IAM_TOKEN];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{what} shows the secret {secret}:\n{text}"
        );
    }
}

/// Everything an error can be shown as: `Display`, `Debug`, pretty `Debug`,
/// and the same for each of its sources.
fn every_form(error: &Error) -> String {
    let mut out = format!("{error}\n{error:?}\n{error:#?}\n");
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        out.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    out
}

/// Everything shown so far, and how many errors it came from.
#[derive(Default)]
struct Shown {
    text: String,
    errors: usize,
}

impl Shown {
    fn result(&mut self, result: Result<String, Error>) {
        match result {
            Ok(debug) => self.debug(debug),
            Err(e) => {
                self.errors += 1;
                self.debug(every_form(&e));
            }
        }
    }

    fn debug(&mut self, text: String) {
        self.text.push_str(&text);
        self.text.push('\n');
    }
}

/// A mock that accepts any credentials (so that requests carrying the
/// distinctive ones reach every fault), with short stalls and a 4 MiB
/// oversize body.
async fn open_mock() -> MockServer {
    mock_with(
        MockConfig::default()
            .verify_signature(false)
            .fault_delay(Duration::from_secs(10))
            .oversize_bytes(4 << 20),
    )
    .await
}

/// Clients with the distinctive credentials: temporary AK/SK and an IAM
/// token. Short limits: 2 attempts of 200 ms, a 1 s deadline (so a
/// `Retry-After: 1` ends the call at once), a 1 MiB body cap.
fn secret_clients(url: &str) -> [RdsClient; 2] {
    [
        Credentials::temporary(MOCK_ACCESS_KEY, SK, SECURITY_TOKEN),
        Credentials::token(IAM_TOKEN),
    ]
    .map(|credentials| {
        client_for(url)
            .credentials(credentials)
            .max_attempts(2)
            .attempt_timeout(Duration::from_millis(200))
            .deadline(Duration::from_secs(1))
            .body_limit(1 << 20)
            .build()
            .unwrap()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_show_in_errors_debug_output_or_trace_logs() {
    capture_logs();
    guarded(Duration::from_secs(8), async {
        let open = open_mock().await;
        let verifying = mock_with(MockConfig::default()).await;
        let closed_url = {
            let s = mock_with(MockConfig::default()).await;
            let url = s.base_url();
            s.shutdown().await;
            url
        };
        let mut shown = Shown::default();

        for url in [open.base_url(), verifying.base_url(), closed_url] {
            for c in secret_clients(&url) {
                // Every fault instance (each error kind), a missing instance (400),
                // and, on the verifying mock, a refused credential (401).
                let instances = FAULT_INSTANCES
                    .iter()
                    .map(|(id, _)| *id)
                    .chain([INSTANCE_MYSQL, "no-such-instance"]);
                for instance in instances {
                    let result = c.list_backups(&ListBackups::new(instance)).await;
                    shown.result(result.map(|page| format!("{page:?}")));
                }
                // Refused before sending.
                for request in [
                    ListBackups::new("i\n"),
                    ListBackups::new("i").limit(0),
                    ListBackups::new("i").backup_id(""),
                ] {
                    shown.result(c.list_backups(&request).await.map(|p| format!("{p:?}")));
                }
                // A walk that ends incomplete, and several instances with an error.
                let walk = c
                    .collect_all(
                        ListBackups::new(FAULT_TOTAL_COUNT_HIGH).limit(50),
                        WalkOptions::default(),
                    )
                    .await;
                shown.result(walk.map(|all| format!("{} backups", all.len())));
                let mut multi = c.list_instances(
                    vec![
                        ListBackups::new(FAULT_500),
                        ListBackups::new(INSTANCE_MYSQL),
                    ],
                    WalkOptions::default(),
                );
                shown.debug(format!("{multi:?}"));
                while let Some(item) = multi.next().await {
                    shown.result(item.map(|b| format!("{b:?}")));
                }
                // A 403: a project the credentials do not cover.
                let other = ClientBuilder::default()
                    .endpoint(&url)
                    .project_id("ffffffffffffffffffffffffffffffff")
                    .credentials(Credentials::token(IAM_TOKEN))
                    .max_attempts(1)
                    .build()
                    .unwrap();
                shown.result(
                    other
                        .list_backups(&ListBackups::new(INSTANCE_MYSQL))
                        .await
                        .map(|p| format!("{p:?}")),
                );
                shown.debug(format!("{c:?}\n{c:#?}\n{:?}\n", c.generated()));
            }
        }

        // Configuration errors that involve the secrets themselves.
        for credentials in [
            Credentials::token(format!("{IAM_TOKEN}\n")),
            Credentials::temporary(MOCK_ACCESS_KEY, SK, format!("{SECURITY_TOKEN}\r")),
            Credentials::aksk("", SK),
        ] {
            let built = client_for(&open.base_url())
                .credentials(credentials)
                .build();
            shown.result(built.map(|c| format!("{c:?}")));
        }
        let env = |name: &str| match name {
            "HUAWEICLOUD_SDK_AK" => Some(MOCK_ACCESS_KEY.to_owned()),
            "HUAWEICLOUD_SDK_SK" => Some(SK.to_owned()),
            "HUAWEICLOUD_SDK_SECURITY_TOKEN" => Some(SECURITY_TOKEN.to_owned()),
            "HUAWEICLOUD_SDK_REGION" => Some("cn-north-4".to_owned()),
            _ => None,
        };
        let from_env = ClientBuilder::from_lookup(env).unwrap();
        shown.debug(format!("{from_env:?}\n{from_env:#?}\n"));
        shown.result(from_env.clone().build().map(|c| format!("{c:?}")));
        shown.result(Credentials::from_lookup(env).map(|c| format!("{c:?}")));
        let half = |name: &str| (name == "HUAWEICLOUD_SDK_SK").then(|| SK.to_owned());
        shown.result(Credentials::from_lookup(half).map(|c| format!("{c:?}")));

        // Every other public type that can hold or meet a secret.
        let keys = signing::SigningKey::new(MOCK_ACCESS_KEY, SK);
        let date = signing::sdk_date_now();
        let headers = [
            ("Host", "rds.example.test"),
            ("X-Sdk-Date", date.as_str()),
            ("X-Security-Token", SECURITY_TOKEN),
            ("X-Auth-Token", IAM_TOKEN),
        ];
        let parts = RequestParts {
            method: "GET",
            host: "",
            path: "/v3/p/backups",
            query: &[("instance_id", "i")],
            headers: &headers,
            body: b"",
        };
        let signed = signing::sign(&parts, &keys, &date).unwrap();
        let sent: Vec<(&str, &str)> = signed
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let verified = signing::verify(
            &RequestParts {
                headers: &sent,
                ..parts
            },
            |_| Some(&keys.secret_key),
        )
        .unwrap();
        let stream = secret_clients(&open.base_url())[0]
            .list_all(ListBackups::new(INSTANCE_MYSQL), WalkOptions::default());
        let builder = RdsClient::builder()
            .region(Region::CN_NORTH_4)
            .project_id(MOCK_PROJECT_ID)
            .credentials(Credentials::temporary(MOCK_ACCESS_KEY, SK, SECURITY_TOKEN));
        let t: Timestamp = "2018-08-06T10:41:14+0800".parse().unwrap();
        let request = ListBackups::new("i")
            .backup_type(BackupTypeFilter::Auto)
            .window(t, t)
            .language(Language::EnUs);
        for debug in [
            format!(
                "{:?}",
                Credentials::temporary(MOCK_ACCESS_KEY, SK, SECURITY_TOKEN)
            ),
            format!("{:#?}", Credentials::token(IAM_TOKEN)),
            format!("{:?}", Secret::new(IAM_TOKEN)),
            format!("{:?} {:#?}", keys, SecretKey::new(SK)),
            format!("{signed:?} {signed:#?}"),
            format!("{parts:?} {parts:#?}"),
            format!("{verified:?} {verified:#?}"),
            format!("{stream:?}"),
            format!("{builder:?} {builder:#?}"),
            format!("{request:?} {:?}", WalkOptions::default()),
            format!("{:?} {t:?}", RetryPolicy::default()),
        ] {
            shown.debug(debug);
        }
        drop(stream);

        assert!(
            shown.errors >= 80,
            "every error path was driven ({} errors)",
            shown.errors
        );
        assert_clean("errors and Debug output", &shown.text);

        // The secrets were really in use: the mock received them.
        let received = open.received();
        let header_values = |name: &str| -> Vec<String> {
            received
                .iter()
                .filter_map(|r| r.header(name).map(str::to_owned))
                .collect()
        };
        assert!(header_values("x-security-token").contains(&SECURITY_TOKEN.to_owned()));
        assert!(header_values("x-auth-token").contains(&IAM_TOKEN.to_owned()));
        assert!(!header_values("authorization").is_empty());

        let logged = logs();
        assert!(
            logged.contains("attempt failed") && logged.contains("retrying"),
            "the capture works:\n{logged}"
        );
        assert_clean("trace-level logs", &logged);
    })
    .await;
}

// --- Path values ------------------------------------------------------------------------

/// Values of `project_id` (the one path value) that could change which path is
/// requested.
const ESCAPING_PROJECT_IDS: [&str; 16] = [
    "..",
    ".",
    "../backups",
    "a/b",
    "/",
    "a\\b",
    "%2F",
    "a%2fb",
    "%2e%2e",
    "%5C",
    "a?b",
    "a#b",
    "a\nb",
    "a\r\nX-Injected: 1",
    "",
    "a\u{0}b",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escaping_path_values_are_refused_before_sending() {
    capture_logs();
    guarded(Duration::from_secs(1), async {
        let server = mock_with(MockConfig::default()).await;
        for bad in ESCAPING_PROJECT_IDS {
            let err = client(&server).project_id(bad).build().unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidRequest {
                        parameter: "project_id",
                        ..
                    }
                ),
                "{bad:?}: {err:?}"
            );
            assert!(err.is_invalid_request());
        }

        // The generated, lower-level client takes the project id per call: the
        // same values are refused there, before sending, too.
        let c = client(&server).build().unwrap();
        for bad in ESCAPING_PROJECT_IDS {
            let result = c
                .generated()
                .list_backups()
                .project_id(bad)
                .instance_id(INSTANCE_MYSQL)
                .send()
                .await;
            // Refused by the transport's path check, or (the empty value) by
            // the generated builder itself.
            let err = Error::from_generated(result.unwrap_err()).await;
            assert!(
                matches!(err, Error::InvalidRequest { .. })
                    && err.to_string().contains("project_id"),
                "{bad:?}: {err:?}"
            );
            assert_eq!(server.total_requests(), 0, "{bad:?} was sent");
        }

        // Query values are percent-encoded on the wire, so only control
        // characters are refused (they have no business in an id).
        for request in [
            ListBackups::new("a\nb"),
            ListBackups::new("a\r\nX-Injected: 1"),
            ListBackups::new(INSTANCE_MYSQL).backup_id("x\u{0}"),
            ListBackups::new(""),
        ] {
            let err = c.list_backups(&request).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidRequest {
                        parameter: "instance_id" | "backup_id",
                        ..
                    }
                ),
                "{request:?}: {err:?}"
            );
        }
        assert_eq!(server.total_requests(), 0, "nothing was sent");
    })
    .await;
}

/// What reaches the server for the values that are accepted: the project id
/// as one encoded path segment, ids as encoded query values that decode back
/// to exactly what was given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_reaches_the_server_for_the_accepted_values() {
    guarded(Duration::from_secs(1), async {
        let server = mock_with(MockConfig::default().verify_signature(false)).await;
        for (project, path) in [
            (MOCK_PROJECT_ID, format!("/v3/{MOCK_PROJECT_ID}/backups")),
            ("a b", "/v3/a%20b/backups".to_owned()),
            ("a%20b", "/v3/a%2520b/backups".to_owned()),
            ("...", "/v3/.../backups".to_owned()),
            ("a..b", "/v3/a..b/backups".to_owned()),
            ("a;b=c", "/v3/a;b=c/backups".to_owned()),
        ] {
            server.reset();
            let c = client(&server).project_id(project).build().unwrap();
            let _ = c.list_backups(&ListBackups::new("i")).await;
            let seen = server.received();
            assert_eq!(seen.len(), 1, "{project:?}");
            assert_eq!(
                seen[0].target,
                format!("{path}?instance_id=i"),
                "{project:?}"
            );
            assert_eq!(seen[0].header("x-project-id"), Some(project));
        }

        let c = client(&server).build().unwrap();
        let base = format!("/v3/{MOCK_PROJECT_ID}/backups");
        for (instance, query) in [
            ("..", "instance_id=.."),
            ("../../x", "instance_id=..%2F..%2Fx"),
            ("a/b", "instance_id=a%2Fb"),
            ("%2F", "instance_id=%252F"),
            ("a?b#c", "instance_id=a%3Fb%23c"),
            ("a&offset=5", "instance_id=a%26offset%3D5"),
            ("a b+c", "instance_id=a%20b%2Bc"),
            ("项目", "instance_id=%E9%A1%B9%E7%9B%AE"),
        ] {
            server.reset();
            let _ = c.list_backups(&ListBackups::new(instance)).await;
            let seen = server.received();
            assert_eq!(seen.len(), 1, "{instance:?}");
            assert_eq!(seen[0].target, format!("{base}?{query}"), "{instance:?}");
            assert_eq!(seen[0].instance_id.as_deref(), Some(instance));
        }
    })
    .await;
}
