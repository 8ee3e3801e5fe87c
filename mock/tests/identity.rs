//! The mock's IAM project list and ECS metadata endpoints, over HTTP.

mod common;

use huaweicloud_rds_mock::identity::{REGION_NO_PROJECT, REGION_TWO_PROJECTS, SECOND_PROJECT_ID};
use huaweicloud_rds_mock::{MOCK_AUTH_TOKEN, MOCK_PROJECT_ID, MockConfig};
use serde_json::Value;

use common::{Ctx, start, start_with};

async fn projects(ctx: &Ctx, name: &str, token: Option<&str>) -> (u16, Value, Option<String>) {
    let mut request = ctx
        .client
        .get(format!("{}/v3/projects?name={name}", ctx.base_url()));
    if let Some(token) = token {
        request = request.header("X-Auth-Token", token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let trace = response
        .headers()
        .get("x-iam-trace-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null);
    (status, body, trace)
}

fn ids(body: &Value) -> Vec<&str> {
    body["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn projects_by_region_name() {
    let ctx = start().await;
    let (status, body, trace) = projects(&ctx, "cn-north-4", Some(MOCK_AUTH_TOKEN)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body), [MOCK_PROJECT_ID]);
    assert_eq!(body["projects"][0]["name"], "cn-north-4");
    assert!(trace.is_some());
    let (_, body, _) = projects(&ctx, REGION_NO_PROJECT, Some(MOCK_AUTH_TOKEN)).await;
    assert!(ids(&body).is_empty());
    let (_, body, _) = projects(&ctx, REGION_TWO_PROJECTS, Some(MOCK_AUTH_TOKEN)).await;
    assert_eq!(ids(&body), [MOCK_PROJECT_ID, SECOND_PROJECT_ID]);
    let (status, body, _) = projects(&ctx, "cn-north-4", None).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (401, Some("APIGW.0301"))
    );
}

#[tokio::test]
async fn metadata_token_then_credentials() {
    let ctx = start().await;
    let base = ctx.base_url();
    let token_url = format!("{base}/meta-data/latest/api/token");
    let key_url = format!("{base}/openstack/latest/securitykey");
    let r = ctx.client.put(&token_url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "the TTL header is required");
    let r = ctx.client.get(&token_url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
    let token = ctx
        .client
        .put(&token_url)
        .header("X-Metadata-Token-Ttl-Seconds", "21600")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = ctx.client.get(&key_url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "no metadata token");
    let get = || ctx.client.get(&key_url).header("X-Metadata-Token", &token);
    let first: Value =
        serde_json::from_str(&get().send().await.unwrap().text().await.unwrap()).unwrap();
    let second: Value =
        serde_json::from_str(&get().send().await.unwrap().text().await.unwrap()).unwrap();
    let c = &first["credential"];
    for key in ["access", "secret", "securitytoken", "expires_at"] {
        assert!(
            c[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key}: {first}"
        );
    }
    let expires = c["expires_at"].as_str().unwrap();
    assert!(
        expires.ends_with('Z') && expires.len() == "2026-12-01T10:00:00.000000Z".len(),
        "{expires}"
    );
    assert_ne!(
        c["access"], second["credential"]["access"],
        "new credentials each time"
    );
}

#[tokio::test]
async fn without_metadata_tokens() {
    let ctx = start_with(MockConfig::default().metadata_tokens(false)).await;
    let base = ctx.base_url();
    let r = ctx
        .client
        .put(format!("{base}/meta-data/latest/api/token"))
        .header("X-Metadata-Token-Ttl-Seconds", "21600")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = ctx
        .client
        .get(format!("{base}/openstack/latest/securitykey"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}
