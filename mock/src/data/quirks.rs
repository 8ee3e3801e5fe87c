//! The quirk set: instances whose data is valid JSON but bends the documented
//! shapes (unknown enum values, extra fields, nulls, other time offsets).

use serde_json::{Value, json};

use super::generate::hex_id;
use super::model::{Instance, Record};

/// Quirk: values outside the documented enumerations: type `snapshot`,
/// status `ARCHIVED`, engine `openGauss` (plus one backup with known values).
pub const QUIRK_UNKNOWN_ENUMS: &str = "quirk-unknown-enums";
/// Quirk: engine written in lower case (`mysql`); the page says the type is case-insensitive.
pub const QUIRK_LOWERCASE_ENGINE: &str = "quirk-lowercase-engine";
/// Quirk: unknown extra fields on backups, on `datastore` and at the top level of
/// the body (`links`), which clients must ignore.
pub const QUIRK_EXTRA_FIELDS: &str = "quirk-extra-fields";
/// Quirk: optional fields present as JSON `null` (`databases`, `associated_with_ddm`,
/// `min_data_volume_capacity_for_restore`) and an empty `databases` array.
pub const QUIRK_NULL_OPTIONALS: &str = "quirk-null-optionals";
/// Quirk: times with a `+08:00` offset and with `Z` instead of `+0800`.
pub const QUIRK_TIME_OFFSETS: &str = "quirk-time-offsets";

/// An automated and a manual completed MySQL backup of `instance`, the base
/// that a quirk instance then bends.
fn auto_and_manual(instance: &str) -> Vec<Value> {
    vec![
        quirk(
            instance,
            0,
            "auto",
            "COMPLETED",
            "MySQL",
            "2024-06-29T02:00:00+0800",
            "2024-06-29T02:10:00+0800",
        ),
        quirk(
            instance,
            1,
            "manual",
            "COMPLETED",
            "MySQL",
            "2024-06-28T12:00:00+0800",
            "2024-06-28T12:10:00+0800",
        ),
    ]
}

/// A JSON backup for the quirk instances.
fn quirk(
    instance: &str,
    i: u64,
    t: &str,
    status: &str,
    engine: &str,
    begin: &str,
    end: &str,
) -> Value {
    json!({
        "id": hex_id(instance, i, "br01"),
        "name": format!("{instance}-{i}"),
        "type": t,
        "size": 1024 * (i + 1),
        "status": status,
        "begin_time": begin,
        "end_time": end,
        "datastore": {"type": engine, "version": "8.0"},
        "instance_id": instance,
    })
}

fn quirk_instance(id: &str, engine: &str, values: Vec<Value>) -> Instance {
    Instance::new(
        id,
        engine,
        "8.0",
        values.iter().map(Record::from_json).collect(),
    )
}

pub(super) fn quirks() -> Vec<Instance> {
    let q = QUIRK_UNKNOWN_ENUMS;
    let mut unknown = vec![
        quirk(
            q,
            0,
            "snapshot",
            "COMPLETED",
            "openGauss",
            "2024-06-29T02:00:00+0800",
            "2024-06-29T02:10:00+0800",
        ),
        quirk(
            q,
            1,
            "auto",
            "ARCHIVED",
            "openGauss",
            "2024-06-28T02:00:00+0800",
            "2024-06-28T02:10:00+0800",
        ),
        quirk(
            q,
            2,
            "incremental",
            "COMPLETED",
            "openGauss",
            "2024-06-27T02:00:00+0800",
            "2024-06-27T02:01:00+0800",
        ),
    ];
    for v in &mut unknown {
        v["datastore"]["version"] = json!("3.0");
    }

    let q = QUIRK_LOWERCASE_ENGINE;
    let lower = vec![
        quirk(
            q,
            0,
            "auto",
            "COMPLETED",
            "mysql",
            "2024-06-29T02:00:00+0800",
            "2024-06-29T02:10:00+0800",
        ),
        quirk(
            q,
            1,
            "manual",
            "COMPLETED",
            "mysql",
            "2024-06-28T12:00:00+0800",
            "2024-06-28T12:10:00+0800",
        ),
        quirk(
            q,
            2,
            "incremental",
            "FAILED",
            "mysql",
            "2024-06-27T22:00:00+0800",
            "2024-06-27T22:01:00+0800",
        ),
    ];

    let mut extra = auto_and_manual(QUIRK_EXTRA_FIELDS);
    for (i, v) in extra.iter_mut().enumerate() {
        v["storage_type"] = json!("OBS");
        v["encryption"] = json!({"enabled": i == 0, "kms_key_id": null});
        v["tags"] = json!([{"key": "env", "value": "test"}]);
        v["restore_point"] = Value::Null;
        v["size_bytes"] = json!(1u64 << 40);
        v["datastore"]["complete_version"] = json!("8.0.28.231003");
    }

    let mut nulls = auto_and_manual(QUIRK_NULL_OPTIONALS);
    nulls[0]["databases"] = Value::Null;
    nulls[0]["associated_with_ddm"] = Value::Null;
    nulls[0]["min_data_volume_capacity_for_restore"] = Value::Null;
    nulls[1]["databases"] = json!([]);
    nulls[1]["associated_with_ddm"] = Value::Null;

    let q = QUIRK_TIME_OFFSETS;
    let times = vec![
        quirk(
            q,
            0,
            "auto",
            "COMPLETED",
            "MySQL",
            "2024-06-29T02:00:00+08:00",
            "2024-06-29T02:10:00+08:00",
        ),
        quirk(
            q,
            1,
            "manual",
            "COMPLETED",
            "MySQL",
            "2024-06-28T04:00:00Z",
            "2024-06-28T04:10:00Z",
        ),
        quirk(
            q,
            2,
            "incremental",
            "COMPLETED",
            "MySQL",
            "2024-06-27T22:00:00+0800",
            "2024-06-27T22:01:00+0800",
        ),
    ];

    let mut extra_inst = quirk_instance(QUIRK_EXTRA_FIELDS, "MySQL", extra);
    extra_inst.set_extra_top_level(r#""links":[{"rel":"self","href":""}],"marker":null"#.into());
    vec![
        quirk_instance(QUIRK_UNKNOWN_ENUMS, "openGauss", unknown),
        quirk_instance(QUIRK_LOWERCASE_ENGINE, "mysql", lower),
        extra_inst,
        quirk_instance(QUIRK_NULL_OPTIONALS, "MySQL", nulls),
        quirk_instance(QUIRK_TIME_OFFSETS, "MySQL", times),
    ]
}
