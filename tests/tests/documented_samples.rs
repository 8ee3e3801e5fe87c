//! What the client makes of the three response samples on the API page.
//!
//! The `documented` samples are the page's text as printed, errata included;
//! the `corrected` ones are what the spec's examples hold. Each snapshot pins
//! the parsed value or the error, so a change in either is reviewed.

use huaweicloud_rds::parse_list_backups;
use rds_tests::{SAMPLES, sample};

#[test]
fn corrected_samples_parse() {
    for name in SAMPLES {
        let page = parse_list_backups(&sample("corrected", name))
            .unwrap_or_else(|e| panic!("corrected {name}: {e}"));
        insta::assert_debug_snapshot!(format!("corrected_{name}"), page);
    }
}

#[test]
fn documented_samples_as_printed() {
    for name in SAMPLES {
        let outcome = parse_list_backups(&sample("documented", name)).map_err(|e| e.to_string());
        insta::assert_debug_snapshot!(format!("documented_{name}"), outcome);
    }
}

#[test]
fn corrected_samples_round_trip() {
    for name in SAMPLES {
        let bytes = sample("corrected", name);
        let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let page = parse_list_backups(&bytes).unwrap();
        let again = serde_json::to_value(&page).unwrap();
        assert_eq!(
            again, original,
            "{name} changed on the way through the client"
        );
    }
}

#[test]
fn spec_examples_are_the_corrected_samples() {
    let text = std::fs::read_to_string(rds_tests::workspace_root().join("spec/openapi.yaml"))
        .expect("spec/openapi.yaml");
    let spec: serde_json::Value = serde_norway::from_str(&text).expect("spec parses");
    let examples = &spec["paths"]["/v3/{project_id}/backups"]["get"]["responses"]["200"]["content"]
        ["application/json"]["examples"];
    for name in SAMPLES {
        let corrected: serde_json::Value =
            serde_json::from_slice(&sample("corrected", name)).unwrap();
        assert_eq!(
            examples[name]["value"], corrected,
            "the spec's `{name}` example differs from spec/examples/corrected/{name}.json"
        );
    }
}
