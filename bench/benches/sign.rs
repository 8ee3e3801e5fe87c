//! Sign: one ListBackups request with every parameter set, as the client puts
//! it on the wire (query pairs, the headers it sends, a fixed `X-Sdk-Date`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use huaweicloud_rds_mock::{MOCK_ACCESS_KEY, MOCK_PROJECT_ID, MOCK_SECRET_KEY};
use huaweicloud_signer::{RequestParts, SigningKey, sign};

fn signing(c: &mut Criterion) {
    let path = format!("/v3/{MOCK_PROJECT_ID}/backups");
    let query = [
        ("backup_id", "c0c9f155c7b7423a9d30f0175998b63bbr01"),
        ("backup_type", "manual"),
        ("begin_time", "2018-08-06T10:41:14+0800"),
        ("end_time", "2018-08-16T10:41:14+0800"),
        ("instance_id", "43e4feaab48f11e89039fa163ebaa7e4in01"),
        ("limit", "100"),
        ("offset", "200"),
        ("status", "COMPLETED"),
    ];
    let headers = [
        ("Content-Type", "application/json"),
        ("User-Agent", "huaweicloud-rds-rust/0.1.0"),
        ("X-Project-Id", MOCK_PROJECT_ID),
        ("X-Language", "en-us"),
    ];
    let parts = RequestParts {
        method: "GET",
        host: "rds.cn-north-4.myhuaweicloud.com",
        path: &path,
        query: &query,
        headers: &headers,
        body: b"",
    };
    let keys = SigningKey::new(MOCK_ACCESS_KEY, MOCK_SECRET_KEY);
    let date = "20180806T044114Z";
    sign(&parts, &keys, date).unwrap();

    let mut group = c.benchmark_group("sign");
    group.bench_function("list_backups_every_parameter", |b| {
        b.iter(|| sign(black_box(&parts), &keys, date).unwrap())
    });
    group.finish();
}

criterion_group!(benches, signing);
criterion_main!(benches);
