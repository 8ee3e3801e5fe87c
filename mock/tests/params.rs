//! Every parameter rule answers 400 DBS.280001 naming the parameter.

mod common;

use common::{get_json, start};
use huaweicloud_rds_mock::INSTANCE_MYSQL;

const T1: &str = "2024-06-29T02%3A00%3A00%2B0800";
const T2: &str = "2024-06-30T02%3A00%3A00%2B0800";

#[tokio::test]
async fn rules() {
    let s = start().await;
    let i = format!("instance_id={INSTANCE_MYSQL}");
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "instance_id"),
        ("limit=10".into(), "instance_id"),
        ("instance_id=".into(), "instance_id"),
        ("instance_id=%20".into(), "instance_id"),
        (format!("{i}&instance_id=x"), "instance_id"),
        (format!("{i}&offset=-1"), "offset"),
        (format!("{i}&offset=abc"), "offset"),
        (format!("{i}&offset=1e3"), "offset"),
        (format!("{i}&offset="), "offset"),
        (format!("{i}&offset=%2B1"), "offset"),
        (format!("{i}&limit=0"), "limit"),
        (format!("{i}&limit=101"), "limit"),
        (format!("{i}&limit=-5"), "limit"),
        (format!("{i}&limit=ten"), "limit"),
        (format!("{i}&limit=99999999999999999999999"), "limit"),
        (format!("{i}&backup_type=full"), "backup_type"),
        (format!("{i}&backup_type=Auto"), "backup_type"),
        (format!("{i}&backup_type="), "backup_type"),
        (format!("{i}&backup_id="), "backup_id"),
        (format!("{i}&status=DONE"), "status"),
        (format!("{i}&status=completed"), "status"),
        (format!("{i}&status=DELETING"), "status"),
        (format!("{i}&begin_time={T1}"), "end_time"),
        (format!("{i}&end_time={T2}"), "begin_time"),
        // A raw `+` arrives as a space.
        (
            format!("{i}&begin_time=2024-06-29T02:00:00+0800&end_time={T2}"),
            "begin_time",
        ),
        (
            format!("{i}&begin_time={T1}&end_time=2024-06-30T02:00:00+0800"),
            "end_time",
        ),
        (
            format!("{i}&begin_time=2024-06-29T02%3A00%3A00%2B08%3A00&end_time={T2}"),
            "begin_time",
        ),
        (
            format!("{i}&begin_time=2024-06-29T02%3A00%3A00Z&end_time={T2}"),
            "begin_time",
        ),
        (
            format!("{i}&begin_time=2024-06-29&end_time={T2}"),
            "begin_time",
        ),
        (
            format!("{i}&begin_time=2024-02-30T02%3A00%3A00%2B0800&end_time={T2}"),
            "begin_time",
        ),
        (format!("{i}&begin_time={T1}&end_time=garbage"), "end_time"),
        (format!("{i}&begin_time={T2}&end_time={T1}"), "end_time"),
        (format!("{i}&begin_time={T1}&end_time={T1}"), "end_time"),
        (format!("{i}&limit=5&limit=6"), "limit"),
    ];
    for (q, param) in cases {
        let (status, body) = get_json(&s, &q).await;
        assert_eq!(status, 400, "{q}: {body}");
        assert_eq!(body["error_code"], "DBS.280001", "{q}");
        let msg = body["error_msg"].as_str().unwrap();
        assert!(msg.contains(param), "{q}: {msg} should name {param}");
        assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    }
}

#[tokio::test]
async fn valid_edges_pass() {
    let s = start().await;
    let i = format!("instance_id={INSTANCE_MYSQL}");
    for q in [
        format!("{i}&limit=1"),
        format!("{i}&limit=100"),
        format!("{i}&offset=0"),
        format!("{i}&offset=100000"),
        format!("{i}&unknown=1&unknown=2"),
        format!("{i}&begin_time={T1}&end_time={T2}"),
        format!("{i}&begin_time=2024-06-29T02%3A00%3A00-0130&end_time={T2}"),
        format!("{i}&status=COMPLETED&backup_type=auto"),
        format!("&&{i}&"),
    ] {
        let (status, body) = get_json(&s, &q).await;
        assert_eq!(status, 200, "{q}: {body}");
    }
}

#[tokio::test]
async fn parameter_errors_come_after_authentication() {
    let s = start().await;
    let r = s
        .client
        .get(format!(
            "{}{}?limit=0",
            s.base_url(),
            common::backups_path()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn x_language_is_a_closed_enum() {
    let s = start().await;
    let q = format!("instance_id={INSTANCE_MYSQL}");
    for (lang, status) in [("zh-cn", 200), ("en-us", 200), ("R67", 400), ("EN-US", 400)] {
        let resp = common::token_get(&s, &q)
            .header("X-Language", lang)
            .send()
            .await
            .expect("response");
        assert_eq!(resp.status().as_u16(), status, "X-Language: {lang}");
        if status == 400 {
            let body: serde_json::Value = resp.json().await.expect("JSON error body");
            assert_eq!(body["error_code"], "DBS.280001");
            assert!(body["error_msg"].as_str().unwrap().contains("X-Language"));
        }
    }
}
