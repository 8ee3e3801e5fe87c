//! `schemars::JsonSchema` for the hand-written replacement types (feature
//! `schemars`), so tools that derive schemas from Rust types see the same
//! contract as `spec/openapi.yaml`: times are strings in the service's form,
//! and the open enumerations are strings, any value allowed, the known ones
//! listed as examples rather than as an `enum` that would close them.

use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject, StringValidation};

use crate::open_enum::{BackupStatus, BackupType, DatastoreType, Engine};
use crate::time::Timestamp;

/// What [`Timestamp`] reads and writes: the spec's `Timestamp` pattern
/// (`±hhmm`, `±hh:mm` or `Z` offsets) plus the optional fraction of a second
/// the type keeps.
pub const TIMESTAMP_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:?[0-9]{2})$";

fn string_schema(description: &str, examples: Vec<String>, pattern: Option<&str>) -> Schema {
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        metadata: Some(Box::new(Metadata {
            description: Some(description.to_owned()),
            examples: examples.into_iter().map(serde_json::Value::from).collect(),
            ..Metadata::default()
        })),
        string: pattern.map(|p| {
            Box::new(StringValidation {
                pattern: Some(p.to_owned()),
                ..StringValidation::default()
            })
        }),
        ..SchemaObject::default()
    }
    .into()
}

impl JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".to_owned()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string_schema(
            "A time as the service writes it, yyyy-mm-ddThh:mm:ss±hhmm; ±hh:mm and Z are read too.",
            vec!["2018-08-06T12:41:14+0800".to_owned()],
            Some(TIMESTAMP_PATTERN),
        )
    }
}

impl JsonSchema for BackupType {
    fn schema_name() -> String {
        "BackupType".to_owned()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let known = BackupType::KNOWN.iter().map(ToString::to_string).collect();
        string_schema("Backup type; open: any other string is kept.", known, None)
    }
}

impl JsonSchema for BackupStatus {
    fn schema_name() -> String {
        "BackupStatus".to_owned()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let known = BackupStatus::KNOWN
            .iter()
            .map(ToString::to_string)
            .collect();
        string_schema(
            "Backup status; open: any other string is kept.",
            known,
            None,
        )
    }
}

impl JsonSchema for DatastoreType {
    fn schema_name() -> String {
        "DatastoreType".to_owned()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let known = Engine::ALL.iter().map(ToString::to_string).collect();
        string_schema(
            "Database engine, case-insensitive; open: any other string is kept as written.",
            known,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema<T: JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).expect("schema serialises")
    }

    #[test]
    fn open_enums_are_strings_without_an_enum() {
        for s in [
            schema::<BackupType>(),
            schema::<BackupStatus>(),
            schema::<DatastoreType>(),
        ] {
            assert_eq!(s["type"], "string", "{s}");
            assert!(s.get("enum").is_none(), "an enum would close the type: {s}");
            assert!(!s["examples"].as_array().unwrap().is_empty());
        }
    }

    #[test]
    fn timestamp_pattern_accepts_what_the_parser_accepts() {
        let s = schema::<Timestamp>();
        assert_eq!(s["pattern"], TIMESTAMP_PATTERN);
        assert_eq!(s["type"], "string");
    }
}
