//! The real `rds-backups` binary finding credentials, the project id and the
//! endpoint where the official SDK finds them, against a mock started here
//! (its list, IAM and ECS metadata endpoints on loopback).
//!
//! Every run builds its whole environment: `HOME` is a fresh directory,
//! every variable the lookup reads is set or removed here, the metadata and
//! IAM endpoints point at the mock or at a loopback port where nothing
//! listens, and proxies point at such a port too, so that a request meant
//! for anywhere but the mock fails on loopback instead of leaving the machine.

#[path = "../support/mod.rs"]
mod support;
mod world;

use std::collections::HashSet;
use std::time::Duration;

use huaweicloud_rds_mock::faults::FAULT_DELAY;
use huaweicloud_rds_mock::identity::{REGION_NO_PROJECT, REGION_TWO_PROJECTS, SECOND_PROJECT_ID};
use huaweicloud_rds_mock::{
    INSTANCE_MYSQL, MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY, MockConfig,
};
use support::{Run, SERIAL_WALK_OF_FIVES};
use world::{World, assert_no_secret, assert_ok, total_count, world, world_with};

const LIST: &[&str] = &["list", "--instance-id", INSTANCE_MYSQL, "--output", "json"];

fn args<'a>(global: &[&'a str]) -> Vec<&'a str> {
    let mut all = global.to_vec();
    all.extend_from_slice(LIST);
    all
}

/// `-v --endpoint URL --project-id P`: the project is given, so only the
/// credentials are looked up, and `-v` shows where they came from.
fn verbose_in_the_mock_project(url: &str) -> Vec<&str> {
    vec!["-v", "--endpoint", url, "--project-id", MOCK_PROJECT_ID]
}

fn basic(ak: &str, sk: &str, extra: &str) -> String {
    format!("# written by hand\n[basic]\nak = {ak}\nsk = {sk}\n{extra}")
}

#[test]
fn credentials_and_project_from_the_file_only() {
    let w = world();
    let file = w.home_file(
        "credentials",
        &basic(
            MOCK_ACCESS_KEY,
            MOCK_SECRET_KEY,
            &format!("project_id = {MOCK_PROJECT_ID}\n"),
        ),
    );
    let o = w.run(&args(&["-v", "--endpoint", &w.url()]), &[]);
    assert_ok(&o);
    assert_eq!(total_count(&o), 13);
    let err = &o.stderr;
    let shown = format!("credentials: credentials file {} [basic]", file.display());
    assert!(err.contains(&shown), "{err}");
    assert!(
        err.contains("project id 0483b6b16e954cb88930a360d2c4e663 (credentials file"),
        "{err}"
    );
    assert_no_secret(&o, &[MOCK_SECRET_KEY]);
}

#[test]
fn the_environment_wins_over_the_file() {
    let w = world();
    w.home_file(
        "credentials",
        &basic("FILEAK0000000000000X", "file-secret-not-the-mocks", ""),
    );
    let url = w.url();
    let o = w.run(
        &args(&verbose_in_the_mock_project(&url)),
        &[
            ("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY),
            ("HUAWEICLOUD_SDK_SK", MOCK_SECRET_KEY),
        ],
    );
    assert_ok(&o);
    assert!(
        o.stderr
            .contains("credentials: environment (HUAWEICLOUD_SDK_AK"),
        "{}",
        o.stderr
    );
    assert_no_secret(&o, &[MOCK_SECRET_KEY, "file-secret-not-the-mocks"]);
}

#[test]
fn the_file_path_comes_from_the_variable() {
    let w = world();
    // The default path holds keys the mock refuses: it must not be read.
    w.home_file("credentials", &basic("FILEAK0000000000000X", "wrong", ""));
    let elsewhere = w.file(
        "other-credentials",
        &basic(MOCK_ACCESS_KEY, MOCK_SECRET_KEY, ""),
    );
    let url = w.url();
    let o = w.run(
        &args(&verbose_in_the_mock_project(&url)),
        &[(
            "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
            elsewhere.to_str().unwrap(),
        )],
    );
    assert_ok(&o);
    assert!(
        o.stderr.contains(&elsewhere.display().to_string()),
        "{}",
        o.stderr
    );
}

#[test]
fn a_malformed_file_is_exit_2_naming_the_file_and_line() {
    let w = world();
    for (text, line) in [
        ("[basic]\nak = A\n", 2),
        ("[basic]\nak = A\nsk B\n", 3),
        ("ak = A\n", 1),
    ] {
        let file = w.home_file("credentials", text);
        let o = w.run(
            &args(&["--endpoint", &w.url(), "--project-id", MOCK_PROJECT_ID]),
            &[],
        );
        assert_eq!(o.code, Some(2), "{text:?}: {}", o.stderr);
        let err = &o.stderr;
        let named = format!("credentials file {}: line {line}:", file.display());
        assert!(err.contains(&named), "{text:?}: {err}");
    }
    assert_eq!(w.server.total_requests(), 0, "nothing was sent");
}

#[test]
fn a_file_is_not_read_when_nothing_is_needed_from_it() {
    let w = world();
    w.home_file("credentials", "this is not ini\n");
    let o = w.run(
        &args(&["--endpoint", &w.url(), "--project-id", MOCK_PROJECT_ID]),
        &[(
            "RDS_BACKUPS_AUTH_TOKEN",
            huaweicloud_rds_mock::MOCK_AUTH_TOKEN,
        )],
    );
    assert_ok(&o);
}

#[test]
fn no_credentials_anywhere_is_exit_2() {
    let w = world();
    let o = w.run(
        &args(&["--endpoint", &w.url(), "--project-id", MOCK_PROJECT_ID]),
        &[],
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    let err = &o.stderr;
    assert!(
        err.contains("no credentials") && err.contains("--auth-token"),
        "{err}"
    );
    assert!(err.contains(".huaweicloud/credentials"), "{err}");
    // One list of what to do, each way named once.
    assert!(!err.contains("IAM token"), "{err}");
}

/// The mock's AK/SK from the environment, and IAM at `url`.
fn iam_keys(url: &str) -> [(&'static str, &str); 3] {
    [
        ("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY),
        ("HUAWEICLOUD_SDK_SK", MOCK_SECRET_KEY),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", url),
    ]
}

#[test]
fn the_project_id_is_looked_up_in_iam_from_the_region() {
    let w = world();
    let url = w.url();
    let keys = iam_keys(&url);
    let o = w.run(
        &args(&["-v", "--endpoint", &url, "--region", "cn-north-4"]),
        &keys,
    );
    assert_ok(&o);
    let err = &o.stderr;
    assert!(err.contains(&format!("looked up in IAM at {url}")), "{err}");
    let asked: Vec<String> = w
        .server
        .received()
        .iter()
        .filter(|r| r.target.starts_with("/v3/projects"))
        .map(|r| r.target.clone())
        .collect();
    assert_eq!(asked, ["/v3/projects?name=cn-north-4"]);

    // The region from the variable; the file's iam_endpoint wins over the variable's.
    w.home_file(
        "credentials",
        &basic(
            MOCK_ACCESS_KEY,
            MOCK_SECRET_KEY,
            &format!("iam_endpoint = {url}\n"),
        ),
    );
    let dead = support::unused_loopback_url();
    let o = w.run(
        &args(&["--endpoint", &url]),
        &[
            ("HUAWEICLOUD_SDK_REGION", "cn-east-3"),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &dead),
        ],
    );
    assert_ok(&o);
}

#[test]
fn no_project_or_several_are_exit_1() {
    let w = world();
    let url = w.url();
    let keys = iam_keys(&url);
    let o = w.run(
        &args(&["--endpoint", &url, "--region", REGION_NO_PROJECT]),
        &keys,
    );
    assert_eq!(o.code, Some(1), "{}", o.stderr);
    let last = o.stderr.lines().last().unwrap_or_default().to_owned();
    assert!(
        last.starts_with("error: ") && last.contains(REGION_NO_PROJECT),
        "{last}"
    );
    assert!(last.contains("--project-id"), "{last}");

    let o = w.run(
        &args(&["--endpoint", &url, "--region", REGION_TWO_PROJECTS]),
        &keys,
    );
    assert_eq!(o.code, Some(1), "{}", o.stderr);
    let err = &o.stderr;
    assert!(
        err.contains(MOCK_PROJECT_ID) && err.contains(SECOND_PROJECT_ID),
        "{err}"
    );
}

#[test]
fn an_endpoint_alone_without_a_project_id_is_exit_2() {
    let w = world();
    let o = w.run(
        &args(&["--endpoint", &w.url()]),
        &[
            ("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY),
            ("HUAWEICLOUD_SDK_SK", MOCK_SECRET_KEY),
        ],
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    let err = &o.stderr;
    assert!(
        err.contains("--project-id") && err.contains("--region"),
        "{err}"
    );
    assert_eq!(w.server.total_requests(), 0);
}

fn metadata_run(w: &World, flag_after: bool) -> Run {
    let url = w.url();
    let mut all = verbose_in_the_mock_project(&url);
    if !flag_after {
        all.push("--metadata-credentials");
    }
    all.extend_from_slice(LIST);
    if flag_after {
        all.push("--metadata-credentials");
    }
    w.run(&all, &[("HUAWEICLOUD_SDK_METADATA_ENDPOINT", url.as_str())])
}

fn seen(w: &World, path: &str) -> Vec<huaweicloud_rds_mock::RecordedRequest> {
    w.server
        .received()
        .into_iter()
        .filter(|r| r.target == path)
        .collect()
}

#[test]
fn metadata_credentials_with_a_metadata_token() {
    let w = world();
    for flag_after in [false, true] {
        let o = metadata_run(&w, flag_after);
        assert_ok(&o);
        assert_eq!(total_count(&o), 13);
        let err = &o.stderr;
        assert!(
            err.contains(&format!("credentials: ECS metadata service {}", w.url())),
            "{err}"
        );
        assert!(
            !err.contains("MockTmpSK") && !err.contains("MOCK-security-token"),
            "{err}"
        );
    }
    let puts = seen(&w, "/meta-data/latest/api/token");
    assert!(!puts.is_empty() && puts.iter().all(|r| r.method == "PUT"));
    assert!(
        seen(&w, "/openstack/latest/securitykey")
            .iter()
            .all(|r| r.header("x-metadata-token").is_some())
    );
}

#[test]
fn no_secret_of_the_file_or_the_metadata_service_at_any_verbosity() {
    let w = world();
    let url = w.url();
    let file_sk = "file-secret-key-distinctive-0123456789";
    w.home_file(
        "credentials",
        &basic(
            MOCK_ACCESS_KEY,
            file_sk,
            "security_token = file-token-distinctive\n",
        ),
    );
    let o = w.run(
        &args(&[
            "-vvv",
            "--endpoint",
            &url,
            "--project-id",
            MOCK_PROJECT_ID,
            "--max-attempts",
            "1",
        ]),
        &[],
    );
    assert_eq!(o.code, Some(1), "the mock refuses that SK: {}", o.stderr);
    assert_no_secret(&o, &[file_sk, "file-token-distinctive"]);

    let o = w.run(
        &args(&[
            "-vvv",
            "--endpoint",
            &url,
            "--region",
            "cn-north-4",
            "--metadata-credentials",
        ]),
        &[
            ("HUAWEICLOUD_SDK_METADATA_ENDPOINT", url.as_str()),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", url.as_str()),
        ],
    );
    assert_ok(&o);
    assert_no_secret(
        &o,
        &["MockTmpSK", "MOCK-security-token", "MOCK-metadata-token"],
    );
}

#[test]
fn metadata_credentials_without_a_metadata_token() {
    let w = world_with(MockConfig::default().metadata_tokens(false));
    let o = metadata_run(&w, false);
    assert_ok(&o);
    let gets = seen(&w, "/openstack/latest/securitykey");
    assert!(!gets.is_empty());
    assert!(gets.iter().all(|r| r.header("x-metadata-token").is_none()));
}

#[test]
fn metadata_is_never_asked_without_the_flag() {
    let w = world();
    let url = w.url();
    let o = w.run(
        &args(&["--endpoint", &url, "--project-id", MOCK_PROJECT_ID]),
        &[("HUAWEICLOUD_SDK_METADATA_ENDPOINT", url.as_str())],
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(seen(&w, "/openstack/latest/securitykey").is_empty());
    assert!(seen(&w, "/meta-data/latest/api/token").is_empty());
}

#[test]
fn a_walk_outlives_the_temporary_credentials() {
    // Credentials last two seconds; the walk takes four pages of one second
    // each, so it succeeds only if each page is signed with fresh ones.
    let w = world_with(
        MockConfig::default()
            .metadata_ttl(Duration::from_secs(2))
            .fault_delay(Duration::from_secs(1)),
    );
    let url = w.url();
    let o = w.run(
        &[
            &[
                "--endpoint",
                &url,
                "--project-id",
                MOCK_PROJECT_ID,
                "--metadata-credentials",
                "list",
                "--instance-id",
                FAULT_DELAY,
            ][..],
            &SERIAL_WALK_OF_FIVES,
            &["--output", "ndjson"],
        ]
        .concat(),
        &[("HUAWEICLOUD_SDK_METADATA_ENDPOINT", url.as_str())],
    );
    assert_ok(&o);
    let lines = o.stdout.lines().count();
    assert_eq!(lines, 20);
    let tokens: HashSet<String> = w
        .server
        .received()
        .iter()
        .filter(|r| r.target.contains("/backups"))
        .filter_map(|r| r.header("x-security-token").map(str::to_owned))
        .collect();
    assert!(tokens.len() > 1, "the credentials were never refreshed");
}

fn with_mock_keys<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut vars = vec![
        ("HUAWEICLOUD_SDK_AK", MOCK_ACCESS_KEY),
        ("HUAWEICLOUD_SDK_SK", MOCK_SECRET_KEY),
        ("HUAWEICLOUD_SDK_PROJECT_ID", MOCK_PROJECT_ID),
    ];
    vars.extend_from_slice(extra);
    vars
}

#[test]
fn the_region_endpoint_variable_overrides_the_table() {
    let w = world();
    let list = format!("{}, {}", w.url(), support::unused_loopback_url());
    let o = w.run(
        &args(&["-v", "--region", "cn-north-4"]),
        &with_mock_keys(&[("HUAWEICLOUD_SDK_REGION_RDS_CN_NORTH_4", &list)]),
    );
    assert_ok(&o);
    let err = &o.stderr;
    assert!(
        err.contains("(environment (HUAWEICLOUD_SDK_REGION_RDS_CN_NORTH_4))"),
        "{err}"
    );
}

fn regions_yaml(region: &str, endpoint: &str) -> String {
    format!(
        "ECS:\n  - id: {region}\n    endpoint: http://127.0.0.1:1\nRDS:\n  - id: {region}\n    endpoint: {endpoint}\n"
    )
}

#[test]
fn the_regions_file_overrides_the_table_and_the_variable_wins_over_it() {
    let w = world();
    let url = w.url();
    // Any well-formed region id, known or not, with the file's endpoint.
    let file = w.home_file("regions.yaml", &regions_yaml("xx-newland-7", &url));
    let o = w.run(
        &args(&["-v", "--region", "xx-newland-7"]),
        &with_mock_keys(&[]),
    );
    assert_ok(&o);
    assert!(
        o.stderr
            .contains(&format!("regions file {}", file.display())),
        "{}",
        o.stderr
    );

    // From the variable's path, and the per-region variable before it.
    let elsewhere = w.file(
        "regions.yaml",
        &regions_yaml("cn-east-3", &support::unused_loopback_url()),
    );
    let path = elsewhere.to_str().unwrap();
    let o = w.run(
        &args(&["--region", "cn-east-3"]),
        &with_mock_keys(&[
            ("HUAWEICLOUD_SDK_REGIONS_FILE", path),
            ("HUAWEICLOUD_SDK_REGION_RDS_CN_EAST_3", &url),
        ]),
    );
    assert_ok(&o);
    let o = w.run(
        &args(&["--region", "cn-east-3", "--max-attempts", "1"]),
        &with_mock_keys(&[("HUAWEICLOUD_SDK_REGIONS_FILE", path)]),
    );
    assert_eq!(
        o.code,
        Some(1),
        "the file's dead endpoint was used: {}",
        o.stderr
    );
}

#[test]
fn the_endpoint_flag_wins_over_every_override() {
    let w = world();
    let dead = support::unused_loopback_url();
    w.home_file("regions.yaml", &regions_yaml("cn-north-4", &dead));
    let o = w.run(
        &args(&["--region", "cn-north-4", "--endpoint", &w.url()]),
        &with_mock_keys(&[("HUAWEICLOUD_SDK_REGION_RDS_CN_NORTH_4", &dead)]),
    );
    assert_ok(&o);
}

#[test]
fn a_malformed_regions_file_is_exit_2() {
    let w = world();
    let file = w.home_file("regions.yaml", "RDS:\n  - id: [cn-north-4\n");
    let o = w.run(&args(&["--region", "cn-north-4"]), &with_mock_keys(&[]));
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr
            .contains(&format!("regions file {}: line", file.display())),
        "{}",
        o.stderr
    );
}

#[test]
fn mock_needs_no_set_up_and_ignores_the_files() {
    let w = world();
    w.home_file("credentials", "this is not ini\n");
    let o = w.run(&args(&["--mock"]), &[]);
    assert_ok(&o);
    assert_eq!(total_count(&o), 13);
}
