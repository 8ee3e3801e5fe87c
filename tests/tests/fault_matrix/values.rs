//! Values a client must tolerate (unknown enum values and fields, `null`
//! optionals, other time offsets) and a `total_count` it passes on as sent.

use std::time::Duration;

use huaweicloud_rds::{BackupStatus, BackupType, DatastoreType};
use huaweicloud_rds_mock::{
    Fault, QUIRK_EXTRA_FIELDS, QUIRK_NULL_OPTIONALS, QUIRK_TIME_OFFSETS, QUIRK_UNKNOWN_ENUMS,
};

use crate::support::{MYSQL_BACKUPS, call_default, client, guarded, list, mock, page_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_enum_values_are_kept_verbatim() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(list(&c, QUIRK_UNKNOWN_ENUMS).await, 3);
        let b = &page.backups;
        assert_eq!(b[0].type_, BackupType::Unknown("snapshot".into()));
        assert_eq!(b[1].status, BackupStatus::Unknown("ARCHIVED".into()));
        assert_eq!(b[2].type_, BackupType::Incremental);
        assert!(
            b.iter()
                .all(|b| b.datastore.type_ == DatastoreType::from("openGauss"))
        );
        assert!(b[0].datastore.type_.is_unknown());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_fields_are_ignored() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(list(&c, QUIRK_EXTRA_FIELDS).await, 2);
        assert_eq!(page.backups[0].type_, BackupType::Auto);
        assert_eq!(page.backups[1].type_, BackupType::Manual);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn null_optionals_read_as_none() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(list(&c, QUIRK_NULL_OPTIONALS).await, 2);
        let (a, b) = (&page.backups[0], &page.backups[1]);
        assert_eq!(a.databases, None);
        assert_eq!(a.associated_with_ddm, None);
        assert_eq!(a.min_data_volume_capacity_for_restore, None);
        assert_eq!(b.databases, Some(Vec::new()));
        assert_eq!(b.associated_with_ddm, None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_with_colon_z_and_service_offsets_are_read_and_kept() {
    guarded(Duration::from_secs(1), async {
        let server = mock().await;
        let c = client(&server).build().unwrap();
        let page = page_of(list(&c, QUIRK_TIME_OFFSETS).await, 3);
        let t: Vec<_> = page.backups.iter().map(|b| b.begin_time).collect();
        // `+08:00`, `Z` and `+0800`: offsets kept, instants right.
        assert_eq!(t[0].to_string(), "2024-06-29T02:00:00+0800");
        assert_eq!(t[0].offset_minutes(), 480);
        assert_eq!(t[1].to_string(), "2024-06-28T04:00:00+0000");
        assert_eq!(t[1].offset_minutes(), 0);
        assert_eq!(t[2].to_string(), "2024-06-27T22:00:00+0800");
        assert_eq!(t[0].unix_seconds() - t[1].unix_seconds(), 14 * 3600);
    })
    .await;
}

/// One page takes `total_count` as the service sent it (clamped at 0 by the
/// mock); what a walk makes of a wrong one is in `pagination.rs`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_total_count_off_by_some_is_passed_on_as_sent() {
    guarded(Duration::from_secs(1), async {
        for (delta, total) in [(5, MYSQL_BACKUPS as i32 + 5), (-100, 0)] {
            let c = call_default(vec![Fault::TotalCountDelta(delta)]).await;
            let page = c.result.unwrap();
            assert_eq!(page.backups.len(), MYSQL_BACKUPS, "{delta}");
            assert_eq!(page.total_count, total, "{delta}");
        }
    })
    .await;
}
