//! The hand-written replacement types describe the same contract as the
//! spec components they replace (codegen swaps them in by name).

use huaweicloud_rds::schema::TIMESTAMP_PATTERN;
use huaweicloud_rds::{BackupStatus, BackupType, DatastoreType, Timestamp};
use schemars::JsonSchema;

fn spec() -> serde_json::Value {
    let text = std::fs::read_to_string(rds_tests::workspace_root().join("spec/openapi.yaml"))
        .expect("spec/openapi.yaml");
    serde_norway::from_str(&text).expect("spec parses")
}

fn rust_schema<T: JsonSchema>() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap()
}

/// The known values the spec lists in an open component's enum branch.
fn spec_known_values(spec: &serde_json::Value, component: &str) -> Vec<String> {
    let schemas = &spec["components"]["schemas"];
    let any_of = schemas[component]["anyOf"]
        .as_array()
        .expect("open components are anyOf");
    assert!(
        any_of
            .iter()
            .any(|b| b["type"] == "string" && b.get("enum").is_none()),
        "{component} must keep a plain string branch"
    );
    let enum_branch = any_of
        .iter()
        .map(|b| match b.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => &schemas[r.trim_start_matches("#/components/schemas/")],
            None => b,
        })
        .find(|b| b.get("enum").is_some())
        .expect("an enum branch lists the known values");
    enum_branch["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn examples(schema: &serde_json::Value) -> Vec<String> {
    schema["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn open_enums_know_exactly_the_values_the_spec_lists() {
    let spec = spec();
    assert_eq!(
        examples(&rust_schema::<BackupType>()),
        spec_known_values(&spec, "BackupType")
    );
    assert_eq!(
        examples(&rust_schema::<BackupStatus>()),
        spec_known_values(&spec, "BackupStatus")
    );
    assert_eq!(
        examples(&rust_schema::<DatastoreType>()),
        spec_known_values(&spec, "DatastoreType")
    );
    for value in spec_known_values(&spec, "BackupType") {
        assert!(!BackupType::from(value.as_str()).is_unknown(), "{value}");
    }
}

#[test]
fn timestamp_schema_matches_the_parser() {
    let spec = spec();
    let spec_pattern = spec["components"]["schemas"]["Timestamp"]["pattern"]
        .as_str()
        .unwrap();
    assert_eq!(rust_schema::<Timestamp>()["pattern"], TIMESTAMP_PATTERN);
    // The Rust type also keeps a fraction of a second; otherwise the patterns agree.
    assert_eq!(
        TIMESTAMP_PATTERN.replace("(\\.[0-9]{1,9})?", ""),
        spec_pattern
    );

    let rust = regex::Regex::new(TIMESTAMP_PATTERN).unwrap();
    let spec_re = regex::Regex::new(spec_pattern).unwrap();
    for (input, parses) in [
        ("2018-08-06T12:41:14+0800", true),
        ("2018-08-06T12:41:14+08:00", true),
        ("2018-08-06T04:41:14Z", true),
        ("2018-08-06T12:41:14.25-0330", true),
        ("2018 - 08 - 06 T12: 41: 14 + 0800", false),
        ("2018-08-06T12:41:14", false),
        ("2018-08-06 12:41:14+0800", false),
        ("2018-08-06T12:41:14+08", false),
    ] {
        assert_eq!(
            input.parse::<Timestamp>().is_ok(),
            parses,
            "parser on {input}"
        );
        assert_eq!(
            rust.is_match(input),
            parses,
            "Rust schema pattern on {input}"
        );
        if !input.contains('.') {
            assert_eq!(spec_re.is_match(input), parses, "spec pattern on {input}");
        }
        // What the type writes matches its own schema.
        if let Ok(t) = input.parse::<Timestamp>() {
            assert!(rust.is_match(&t.to_string()), "{t}");
        }
    }
}
