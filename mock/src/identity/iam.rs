//! IAM's `GET /v3/projects?name={region}` (after authentication).

use super::names::{MOCK_DOMAIN_ID, REGION_TWO_PROJECTS, SECOND_PROJECT_ID};
use crate::answer::Answer;
use crate::credentials::MOCK_PROJECT_ID;
use crate::request::RecordedRequest;

/// The RDS regions of the official SDK (huaweicloudsdkrds 3.1.219).
const KNOWN_REGIONS: &[&str] = &[
    "af-north-1",
    "af-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ae-ad-1",
    "cn-east-2",
    "cn-east-3",
    "cn-east-4",
    "cn-east-5",
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-north-11",
    "cn-north-12",
    "cn-south-1",
    "cn-south-2",
    "cn-south-4",
    "cn-southwest-2",
    "cn-southwest-3",
    "eu-west-0",
    "eu-west-101",
    "la-north-2",
    "la-south-2",
    "me-east-1",
    "my-kualalumpur-1",
    "na-mexico-1",
    "ru-moscow-1",
    "ru-northwest-2",
    "sa-brazil-1",
    "tr-west-1",
];

pub(crate) fn projects(req: &RecordedRequest) -> Answer {
    if req.method != "GET" {
        return Answer::method_not_allowed("GET");
    }
    let name = crate::query::parse_pairs(req.query().unwrap_or(""))
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "name").map(|(_, v)| v));
    let ids: &[&str] = match name.as_deref() {
        Some(REGION_TWO_PROJECTS) => &[MOCK_PROJECT_ID, SECOND_PROJECT_ID],
        Some(region) if KNOWN_REGIONS.contains(&region) => &[MOCK_PROJECT_ID],
        _ => &[],
    };
    let name = name.unwrap_or_default();
    let projects: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            serde_json::json!({
                "id": id,
                "name": name,
                "domain_id": MOCK_DOMAIN_ID,
                "parent_id": MOCK_DOMAIN_ID,
                "is_domain": false,
                "enabled": true,
                "description": "",
                "links": {"self": format!("https://iam.example.invalid/v3/projects/{id}")},
            })
        })
        .collect();
    let body = serde_json::json!({
        "projects": projects,
        "links": {"self": "https://iam.example.invalid/v3/projects", "next": null, "previous": null},
    });
    let mut a = Answer::json(200, body.to_string().into_bytes());
    a.headers
        .push(("X-IAM-Trace-Id".into(), req.request_id.clone()));
    a
}
