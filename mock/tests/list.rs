//! The data set, the filters, paging and ordering, over real HTTP.

mod common;

use std::collections::HashSet;

use common::{epoch, get_json, ids, start, token_get};
use huaweicloud_rds_mock::*;
use serde_json::{Value, json};

fn assert_newest_first(body: &Value) {
    let items = body["backups"].as_array().unwrap();
    for w in items.windows(2) {
        let (a, b) = (
            epoch(w[0]["begin_time"].as_str().unwrap()),
            epoch(w[1]["begin_time"].as_str().unwrap()),
        );
        assert!(
            a > b || (a == b && w[0]["id"].as_str() < w[1]["id"].as_str()),
            "{w:?}"
        );
    }
}

#[tokio::test]
async fn documented_samples_are_served_corrected() {
    let s = start().await;
    let expected = [
        json!({"backups":[{"id":"43e4feaab48f11e89039fa163ebaa7e4br01","name":"xxxx.xxx","type":"auto","size":2803,"status":"COMPLETED","begin_time":"2018-08-06T12:41:14+0800","end_time":"2018-08-06T12:43:14+0800","datastore":{"type":"MySQL","version":"5.6"},"instance_id":"a48e43ff268f4c0e879652d65e63d0fbin01"}],"total_count":1}),
        json!({"backups":[{"id":"43e4feaab48f11e89039fa163ebaa7e4br03","name":"xxxx.xxx","type":"incremental","size":2803,"status":"COMPLETED","begin_time":"2018-08-06T12:41:14+0800","end_time":"2018-08-06T12:43:14+0800","datastore":{"type":"PostgreSQL","version":"9.6"},"instance_id":"a48e43ff268f4c0e879652d65e63d0fbin03"}],"total_count":1}),
        json!({"backups":[{"id":"43e4feaab48f11e89039fa163ebaa7e4br04","name":"xxxx.xxx","type":"manual","size":2803,"status":"COMPLETED","begin_time":"2018-08-06T12:41:14+0800","end_time":"2018-08-06T12:43:14+0800","datastore":{"type":"SQLServer","version":"2014_WEB"},"databases":[{"name":"user01"},{"name":"user02"}],"instance_id":"a48e43ff268f4c0e879652d65e63d0fbin04"}],"total_count":1}),
    ];
    for (inst, want) in [
        SAMPLE_MYSQL_INSTANCE,
        SAMPLE_POSTGRESQL_INSTANCE,
        SAMPLE_SQLSERVER_INSTANCE,
    ]
    .iter()
    .zip(expected)
    {
        let (status, body) = get_json(&s, &format!("instance_id={inst}")).await;
        assert_eq!(status, 200);
        assert_eq!(body, want, "{inst}");
    }
    // The documented URI sample's query, correctly encoded, is accepted.
    let (status, body) = get_json(
        &s,
        &format!("instance_id={SAMPLE_MYSQL_INSTANCE}&backup_id=43e4feaab48f11e89039fa163ebaa7e4br01&backup_type=auto&offset=0&limit=10&begin_time=2018-08-06T10%3A41%3A14%2B0800&end_time=2018-08-16T10%3A41%3A14%2B0800"),
    )
    .await;
    assert_eq!((status, body["total_count"].as_u64()), (200, Some(1)));
}

#[tokio::test]
async fn default_data_covers_every_type_status_and_engine() {
    let s = start().await;
    let mut types = HashSet::new();
    let mut statuses = HashSet::new();
    let mut engines = HashSet::new();
    let (mut ddm, mut minc, mut dbs) = (false, false, false);
    for inst in [
        INSTANCE_MYSQL,
        INSTANCE_POSTGRESQL,
        INSTANCE_SQLSERVER,
        INSTANCE_MARIADB,
    ] {
        let (status, body) = get_json(&s, &format!("instance_id={inst}")).await;
        assert_eq!(status, 200);
        assert_newest_first(&body);
        let items = body["backups"].as_array().unwrap();
        assert_eq!(body["total_count"].as_u64(), Some(items.len() as u64));
        for b in items {
            // Every backup is well-formed: required fields, +0800 times, right instance.
            let back: Backup = serde_json::from_value(b.clone()).unwrap();
            assert_eq!(back.instance_id, inst);
            assert!(back.begin_time.ends_with("+0800") && back.end_time.ends_with("+0800"));
            assert!(epoch(&back.end_time) >= epoch(&back.begin_time));
            types.insert(back.backup_type.clone());
            statuses.insert(back.status.clone());
            engines.insert((
                back.datastore.engine.clone(),
                back.datastore.version.clone(),
            ));
            if back.associated_with_ddm.is_some() {
                assert_eq!(back.datastore.engine, "MySQL");
                ddm = true;
            }
            minc |= back.min_data_volume_capacity_for_restore.is_some();
            if back.databases.is_some() {
                assert_eq!(back.datastore.engine, "SQLServer");
                assert_eq!(back.backup_type, "manual");
                dbs = true;
            }
        }
    }
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<HashSet<_>>();
    assert_eq!(types, set(&["auto", "manual", "fragment", "incremental"]));
    assert_eq!(
        statuses,
        set(&["BUILDING", "COMPLETED", "FAILED", "DELETING"])
    );
    let names: HashSet<String> = engines.iter().map(|(e, _)| e.clone()).collect();
    assert_eq!(names, set(&["MySQL", "PostgreSQL", "SQLServer", "MariaDB"]));
    assert!(engines.contains(&("SQLServer".into(), "2019_SE".into())));
    assert!(ddm && minc && dbs);
}

#[tokio::test]
async fn ties_are_ordered_by_id() {
    let s = start().await;
    let (_, body) = get_json(&s, &format!("instance_id={INSTANCE_MYSQL}")).await;
    let items = body["backups"].as_array().unwrap();
    let tie: Vec<&Value> = items
        .iter()
        .filter(|b| b["begin_time"] == "2024-06-29T14:30:00+0800")
        .collect();
    assert_eq!(tie.len(), 2);
    assert!(tie[0]["id"].as_str() < tie[1]["id"].as_str());
}

#[tokio::test]
async fn large_instance_walks_in_100_pages() {
    let s = start().await;
    let mut seen = Vec::new();
    let mut last: Option<(i64, String)> = None;
    for page in 0..100 {
        let (status, body) = get_json(
            &s,
            &format!("instance_id={INSTANCE_LARGE}&offset={}", page * 100),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(body["total_count"], 10_000);
        let items = body["backups"].as_array().unwrap();
        assert_eq!(items.len(), 100, "page {page}");
        for b in items {
            let key = (
                epoch(b["begin_time"].as_str().unwrap()),
                b["id"].as_str().unwrap().to_owned(),
            );
            if let Some(prev) = &last {
                assert!(key.0 < prev.0 || (key.0 == prev.0 && key.1 > prev.1));
            }
            last = Some(key);
        }
        seen.extend(ids(&body));
    }
    assert_eq!(seen.len(), LARGE_INSTANCE_BACKUPS);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        LARGE_INSTANCE_BACKUPS
    );
    assert_eq!(s.requests(INSTANCE_LARGE), 100);
    // Past the end: an empty page with the full count.
    let (_, body) = get_json(&s, &format!("instance_id={INSTANCE_LARGE}&offset=10000")).await;
    assert_eq!(
        (ids(&body).len(), body["total_count"].as_u64()),
        (0, Some(10_000))
    );
    let (_, body) = get_json(
        &s,
        &format!("instance_id={INSTANCE_LARGE}&offset=9995&limit=10"),
    )
    .await;
    assert_eq!(ids(&body), seen[9995..].to_vec());
}

#[tokio::test]
async fn offset_and_limit_cut_the_same_order() {
    let s = start().await;
    let (_, all) = get_json(&s, &format!("instance_id={INSTANCE_MYSQL}")).await;
    let all = ids(&all);
    let (_, body) = get_json(
        &s,
        &format!("instance_id={INSTANCE_MYSQL}&offset=3&limit=4"),
    )
    .await;
    assert_eq!(ids(&body), all[3..7].to_vec());
    assert_eq!(body["total_count"].as_u64(), Some(all.len() as u64));
    let (_, body) = get_json(&s, &format!("instance_id={INSTANCE_MYSQL}&limit=1")).await;
    assert_eq!(ids(&body), all[..1].to_vec());
}

#[tokio::test]
async fn backup_id_filter() {
    let s = start().await;
    let (_, all) = get_json(&s, &format!("instance_id={INSTANCE_POSTGRESQL}")).await;
    let target = ids(&all)[4].clone();
    let (_, body) = get_json(
        &s,
        &format!("instance_id={INSTANCE_POSTGRESQL}&backup_id={target}"),
    )
    .await;
    assert_eq!(ids(&body), vec![target.clone()]);
    assert_eq!(body["total_count"], 1);
    let (status, body) = get_json(
        &s,
        &format!("instance_id={INSTANCE_POSTGRESQL}&backup_id=nope"),
    )
    .await;
    assert_eq!((status, body["total_count"].as_u64()), (200, Some(0)));
    // A backup of another instance is not found through this one.
    let (_, body) = get_json(
        &s,
        &format!("instance_id={INSTANCE_MYSQL}&backup_id={target}"),
    )
    .await;
    assert_eq!(body["total_count"], 0);
}

#[tokio::test]
async fn backup_type_filter() {
    let s = start().await;
    for (inst, t) in [
        (INSTANCE_MYSQL, "auto"),
        (INSTANCE_MYSQL, "manual"),
        (INSTANCE_MYSQL, "incremental"),
        (INSTANCE_SQLSERVER, "fragment"),
        (INSTANCE_POSTGRESQL, "incremental"),
    ] {
        let (_, all) = get_json(&s, &format!("instance_id={inst}")).await;
        let want: Vec<String> = all["backups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["type"] == t)
            .map(|b| b["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(!want.is_empty());
        let (_, body) = get_json(&s, &format!("instance_id={inst}&backup_type={t}")).await;
        assert_eq!(ids(&body), want, "{inst} {t}");
        assert_eq!(body["total_count"].as_u64(), Some(want.len() as u64));
    }
    let (_, body) = get_json(
        &s,
        &format!("instance_id={INSTANCE_MYSQL}&backup_type=fragment"),
    )
    .await;
    assert_eq!(body["total_count"], 0);
}

#[tokio::test]
async fn status_filters_sql_server_only() {
    let s = start().await;
    for st in ["BUILDING", "COMPLETED", "FAILED"] {
        let (_, all) = get_json(&s, &format!("instance_id={INSTANCE_SQLSERVER}")).await;
        let want: Vec<String> = all["backups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["status"] == st)
            .map(|b| b["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(!want.is_empty());
        let (status, body) =
            get_json(&s, &format!("instance_id={INSTANCE_SQLSERVER}&status={st}")).await;
        assert_eq!(status, 200);
        assert_eq!(ids(&body), want, "{st}");
    }
    // Other engines: validated, then ignored.
    for inst in [INSTANCE_MYSQL, INSTANCE_POSTGRESQL, INSTANCE_MARIADB] {
        let (_, all) = get_json(&s, &format!("instance_id={inst}")).await;
        let (status, body) = get_json(&s, &format!("instance_id={inst}&status=FAILED")).await;
        assert_eq!(status, 200);
        assert_eq!(ids(&body), ids(&all), "{inst}");
    }
    // Combined with a type filter.
    let (_, body) = get_json(
        &s,
        &format!("instance_id={INSTANCE_SQLSERVER}&status=COMPLETED&backup_type=manual"),
    )
    .await;
    for b in body["backups"].as_array().unwrap() {
        assert_eq!(
            (b["status"].as_str(), b["type"].as_str()),
            (Some("COMPLETED"), Some("manual"))
        );
    }
    assert_eq!(body["total_count"], 2);
}

#[tokio::test]
async fn time_window_matches_begin_time_inclusively() {
    let s = start().await;
    let q = |b: &str, e: &str| {
        format!(
            "instance_id={INSTANCE_MYSQL}&begin_time={}&end_time={}",
            enc(b),
            enc(e)
        )
    };
    fn enc(t: &str) -> String {
        t.replace(':', "%3A").replace('+', "%2B")
    }
    // Both ends inclusive: 2024-06-29T02:00:00 .. 2024-06-29T14:30:00 (+0800).
    let (status, body) = get_json(
        &s,
        &q("2024-06-29T02:00:00+0800", "2024-06-29T14:30:00+0800"),
    )
    .await;
    assert_eq!(status, 200);
    let begins: Vec<&str> = body["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["begin_time"].as_str().unwrap())
        .collect();
    assert_eq!(
        begins,
        [
            "2024-06-29T14:30:00+0800",
            "2024-06-29T14:30:00+0800",
            "2024-06-29T10:00:00+0800",
            "2024-06-29T02:00:00+0800"
        ]
    );
    assert_eq!(body["total_count"], 4);
    // The same instants written in UTC select the same backups.
    let (_, utc) = get_json(
        &s,
        &q("2024-06-28T18:00:00+0000", "2024-06-29T06:30:00+0000"),
    )
    .await;
    assert_eq!(ids(&utc), ids(&body));
    // One second later at the start drops the 02:00 backup.
    let (_, body) = get_json(
        &s,
        &q("2024-06-29T02:00:01+0800", "2024-06-29T14:30:00+0800"),
    )
    .await;
    assert_eq!(body["total_count"], 3);
    // A window with nothing in it.
    let (_, body) = get_json(
        &s,
        &q("2010-01-01T00:00:00+0800", "2010-01-02T00:00:00+0800"),
    )
    .await;
    assert_eq!(body["total_count"], 0);
    // A window on the large instance: 15-minute spacing, 1 day ≈ 97 backups.
    let big = format!(
        "instance_id={INSTANCE_LARGE}&begin_time={}&end_time={}&limit=100",
        enc("2024-06-28T02:00:00+0800"),
        enc("2024-06-29T02:00:00+0800")
    );
    let (_, body) = get_json(&s, &big).await;
    let n = body["total_count"].as_u64().unwrap();
    assert!((97..=98).contains(&n), "{n}");
    assert_eq!(ids(&body).len() as u64, n);
}

#[tokio::test]
async fn quirk_instances() {
    let s = start().await;
    let (_, b) = get_json(&s, &format!("instance_id={QUIRK_UNKNOWN_ENUMS}")).await;
    let items = b["backups"].as_array().unwrap();
    assert!(items.iter().any(|x| x["type"] == "snapshot"));
    assert!(items.iter().any(|x| x["status"] == "ARCHIVED"));
    assert!(items.iter().all(|x| x["datastore"]["type"] == "openGauss"));

    let (_, b) = get_json(&s, &format!("instance_id={QUIRK_LOWERCASE_ENGINE}")).await;
    assert!(
        b["backups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["datastore"]["type"] == "mysql")
    );

    let (_, b) = get_json(&s, &format!("instance_id={QUIRK_EXTRA_FIELDS}")).await;
    assert!(b.get("links").is_some());
    let first = &b["backups"][0];
    assert_eq!(first["storage_type"], "OBS");
    assert!(first["datastore"].get("complete_version").is_some());
    // Still a valid backup for a reader that ignores unknown keys.
    let _: Backup = serde_json::from_value(first.clone()).unwrap();

    let (_, b) = get_json(&s, &format!("instance_id={QUIRK_NULL_OPTIONALS}")).await;
    let first = &b["backups"][0];
    assert!(first["databases"].is_null() && first.get("databases").is_some());
    assert!(first["associated_with_ddm"].is_null() && first.get("associated_with_ddm").is_some());
    assert_eq!(b["backups"][1]["databases"], json!([]));

    let (_, b) = get_json(&s, &format!("instance_id={QUIRK_TIME_OFFSETS}")).await;
    let begins: Vec<&str> = b["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["begin_time"].as_str().unwrap())
        .collect();
    // Ordered by instant: 2024-06-29T02:00+08:00, 2024-06-28T04:00Z (= 12:00+0800), 2024-06-27T22:00+0800.
    assert_eq!(
        begins,
        [
            "2024-06-29T02:00:00+08:00",
            "2024-06-28T04:00:00Z",
            "2024-06-27T22:00:00+0800"
        ]
    );
}

#[tokio::test]
async fn inserted_instance_is_served() {
    let s = start().await;
    let b: Backup = serde_json::from_value(json!({"id":"x1","name":"n","type":"manual","size":1,"status":"COMPLETED","begin_time":"2020-01-01T00:00:00+0800","end_time":"2020-01-01T00:01:00+0800","datastore":{"type":"MySQL","version":"8.0"},"instance_id":"custom"})).unwrap();
    s.insert_instance("custom", &[b]);
    let (status, body) = get_json(&s, "instance_id=custom").await;
    assert_eq!((status, ids(&body)), (200, vec!["x1".to_owned()]));
}

#[tokio::test]
async fn unknown_instance_project_path_and_method() {
    let s = start().await;
    let (status, body) = get_json(&s, "instance_id=nosuchinstancein01").await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (400, Some("DBS.200823"))
    );
    assert_eq!(body["error_msg"], "The DB instance does not exist.");

    let c = &s.client;
    let other = c
        .get(format!(
            "{}/v3/ffffffffffffffffffffffffffffffff/backups?instance_id={INSTANCE_MYSQL}",
            s.base_url()
        ))
        .header("X-Auth-Token", MOCK_AUTH_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 403);
    let body: Value = serde_json::from_slice(&other.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error_code"], "DBS.280056");

    // X-Project-Id disagreeing with the path.
    let r = token_get(&s, &format!("instance_id={INSTANCE_MYSQL}"))
        .header("X-Project-Id", "ffffffffffffffffffffffffffffffff")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    for path in [
        "/v3/backups",
        "/v2/x/backups",
        &format!("/v3/{MOCK_PROJECT_ID}/backups/"),
        "/",
    ] {
        let r = c
            .get(format!(
                "{}{path}?instance_id={INSTANCE_MYSQL}",
                s.base_url()
            ))
            .header("X-Auth-Token", MOCK_AUTH_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path}");
        assert_eq!(r.headers()["content-type"], "application/json");
        let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        assert_eq!(body["error_code"], "APIGW.0101");
    }
    let r = c
        .post(format!(
            "{}{}?instance_id={INSTANCE_MYSQL}",
            s.base_url(),
            common::backups_path()
        ))
        .header("X-Auth-Token", MOCK_AUTH_TOKEN)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "GET");
}

#[tokio::test]
async fn every_response_has_request_id_content_type_and_date() {
    let s = start().await;
    let mut seen = HashSet::new();
    for q in [
        format!("instance_id={INSTANCE_MYSQL}"),
        "instance_id=nosuch".to_owned(),
        "limit=1".to_owned(),
    ] {
        for _ in 0..3 {
            let r = token_get(&s, &q).send().await.unwrap();
            let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
            assert_eq!(id.len(), 32);
            assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(seen.insert(id), "request ids are unique");
            assert_eq!(r.headers()["content-type"], "application/json");
            let date = r.headers()["date"].to_str().unwrap();
            assert!(date.ends_with(" GMT") && date.len() == 29, "{date}");
        }
    }
    // Recorded requests carry the same id and what was sent.
    let rec = s.received();
    assert_eq!(rec.len(), 9);
    assert_eq!(rec[0].instance_id.as_deref(), Some(INSTANCE_MYSQL));
    assert_eq!(rec[0].header("x-auth-token"), Some(MOCK_AUTH_TOKEN));
    assert!(seen.contains(&rec[8].request_id));
    assert_eq!(s.requests(INSTANCE_MYSQL), 3);
    assert_eq!(s.total_requests(), 9);
    s.reset();
    assert_eq!((s.requests(INSTANCE_MYSQL), s.received().len()), (0, 0));
}
