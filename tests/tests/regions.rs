//! The client's built-in region table and the spec's server list name the
//! same regions: those of the official SDK (huaweicloudsdkrds 3.1.219).

use std::collections::BTreeSet;

use huaweicloud_rds::Region;
use rds_tests::workspace_root;

#[test]
fn the_spec_and_the_client_list_the_same_regions() {
    let text = std::fs::read_to_string(workspace_root().join("spec/openapi.yaml")).unwrap();
    let spec: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let servers = spec["servers"].as_sequence().expect("servers");
    let description = servers[0]["variables"]["region"]["description"]
        .as_str()
        .expect("the region variable's description");
    let listed = description
        .split("at this host form:")
        .nth(1)
        .and_then(|rest| rest.split(". ").next())
        .expect("the list of regions");
    let mut from_spec: BTreeSet<String> = listed
        .split(',')
        .map(|id| id.split_whitespace().collect::<String>())
        .collect();
    // The second server is eu-west-101's own host.
    let second = servers[1]["url"].as_str().unwrap();
    assert_eq!(second, Region::EU_WEST_101.endpoint());
    from_spec.insert(Region::EU_WEST_101.id().to_owned());
    let from_client: BTreeSet<String> = Region::KNOWN.iter().map(|r| r.id().to_owned()).collect();
    assert_eq!(from_spec, from_client);
    assert_eq!(from_client.len(), 34);
}
