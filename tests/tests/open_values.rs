//! Values the spec does not list must survive a round trip unchanged.

use huaweicloud_rds::{BackupStatus, BackupType, Engine, parse_list_backups};

const PAGE: &str = r#"{
  "backups": [
    {
      "id": "b-unknown",
      "name": "nightly",
      "type": "snapshot",
      "size": 1024,
      "status": "ARCHIVED",
      "begin_time": "2024-03-01T01:00:00+08:00",
      "end_time": "2024-02-29T17:05:00Z",
      "datastore": {"type": "openGauss", "version": "3.0", "edition": "enterprise"},
      "databases": null,
      "associated_with_ddm": null,
      "min_data_volume_capacity_for_restore": null,
      "instance_id": "i-1",
      "storage_class": "cold"
    },
    {
      "id": "b-lower",
      "name": "manual one",
      "type": "manual",
      "size": 2048,
      "status": "COMPLETED",
      "begin_time": "2024-03-01T01:00:00+0800",
      "end_time": "2024-03-01T01:10:00+0800",
      "datastore": {"type": "mysql", "version": "8.0"},
      "instance_id": "i-1"
    }
  ],
  "total_count": 2,
  "page_hint": "unknown top-level field"
}"#;

#[test]
fn unknown_values_fields_and_nulls_parse() {
    let page = parse_list_backups(PAGE.as_bytes()).expect("an open page parses");
    let [unknown, lower] = &page.backups[..] else {
        panic!("two backups expected")
    };
    assert_eq!(unknown.type_, BackupType::Unknown("snapshot".into()));
    assert_eq!(unknown.status, BackupStatus::Unknown("ARCHIVED".into()));
    assert_eq!(unknown.datastore.type_.engine(), None);
    assert_eq!(unknown.databases, None);
    assert_eq!(unknown.associated_with_ddm, None);
    assert_eq!(unknown.begin_time.offset_minutes(), 480);
    assert_eq!(unknown.end_time.offset_minutes(), 0);
    assert_eq!(lower.datastore.type_.engine(), Some(Engine::MySql));
}

#[test]
fn unknown_values_are_written_back_unchanged() {
    let page = parse_list_backups(PAGE.as_bytes()).unwrap();
    let again = serde_json::to_value(&page).unwrap();
    let b = &again["backups"];
    assert_eq!(b[0]["type"], "snapshot");
    assert_eq!(b[0]["status"], "ARCHIVED");
    assert_eq!(b[0]["datastore"]["type"], "openGauss");
    assert_eq!(
        b[1]["datastore"]["type"], "mysql",
        "the engine keeps its case"
    );
    // Times are written in the service's own form, offset kept.
    assert_eq!(b[0]["begin_time"], "2024-03-01T01:00:00+0800");
    assert_eq!(b[0]["end_time"], "2024-02-29T17:05:00+0000");
}
