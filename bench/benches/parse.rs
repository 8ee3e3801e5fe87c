//! Parse: the 100-backup body into the client's response type, beside the
//! limit (serde_json into minimal structs, owned and borrowed strings).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use huaweicloud_rds::parse_list_backups;
use rds_bench::{BODY_100, borrowed, owned};

fn parse(c: &mut Criterion) {
    // Every variant must read the whole body, or the comparison means nothing.
    assert_eq!(parse_list_backups(BODY_100).unwrap().backups.len(), 100);
    assert_eq!(
        serde_json::from_slice::<owned::Page>(BODY_100)
            .unwrap()
            .backups
            .len(),
        100
    );
    assert_eq!(
        serde_json::from_slice::<borrowed::Page>(BODY_100)
            .unwrap()
            .backups
            .len(),
        100
    );

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(BODY_100.len() as u64));
    group.bench_function("client", |b| {
        b.iter(|| parse_list_backups(black_box(BODY_100)).unwrap())
    });
    group.bench_function("limit_owned", |b| {
        b.iter(|| serde_json::from_slice::<owned::Page>(black_box(BODY_100)).unwrap())
    });
    group.bench_function("limit_borrowed", |b| {
        b.iter(|| serde_json::from_slice::<borrowed::Page>(black_box(BODY_100)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
