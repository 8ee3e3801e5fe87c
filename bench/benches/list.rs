//! List: all 10,000 backups of one instance from the mock service, 100 pages
//! of 100, sequentially and with page concurrency 4 and 8; beside each, the
//! bare HTTP floor at the same concurrency (the same signed GETs with
//! reqwest, bodies read and dropped).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use huaweicloud_rds::{ListBackups, WalkOptions};
use rds_bench::{
    CPU_OUT_ENV, INSTANCE, LARGE_TOTAL, Mock, bare_http, cpu_per_call, http_floor, runtime,
};

const CONCURRENCY: [(usize, &str); 3] = [
    (1, "sequential"),
    (4, "concurrency_4"),
    (8, "concurrency_8"),
];

fn list(c: &mut Criterion) {
    let mock = Mock::connect();
    let rt = runtime();
    let client = mock.client();
    let http = bare_http();

    let walk = |concurrency: usize| {
        let options = WalkOptions::default().concurrency(concurrency);
        rt.block_on(client.collect_all(ListBackups::new(INSTANCE), options))
            .unwrap_or_else(|e| panic!("the walk failed: {e}"))
    };
    // Warm the mock's data set and both connection pools; check the counts.
    assert_eq!(walk(8).len(), LARGE_TOTAL);
    assert!(rt.block_on(http_floor(&http, mock.url(), 8)) > 0);

    // For `cargo xtask bench`: what a walk costs in CPU, not in wall time.
    if let Ok(path) = std::env::var(CPU_OUT_ENV) {
        let runs = 20;
        let walk_cpu = cpu_per_call(runs, || drop(walk(4)));
        let floor_cpu = cpu_per_call(runs, || {
            rt.block_on(http_floor(&http, mock.url(), 4));
        });
        if let (Some(walk_cpu), Some(floor_cpu)) = (walk_cpu, floor_cpu) {
            let json = format!(
                "{{\"walk_concurrency_4_ms\": {:.3}, \"floor_concurrency_4_ms\": {:.3}, \"runs\": {runs}}}\n",
                walk_cpu.as_secs_f64() * 1e3,
                floor_cpu.as_secs_f64() * 1e3
            );
            std::fs::write(&path, json).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        }
    }

    let mut group = c.benchmark_group("list");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(6));
    for (concurrency, name) in CONCURRENCY {
        group.bench_function(name, |b| b.iter(|| black_box(walk(concurrency))));
        group.bench_function(format!("http_floor_{name}"), |b| {
            b.iter(|| rt.block_on(http_floor(&http, mock.url(), concurrency)))
        });
    }
    group.finish();
}

criterion_group!(benches, list);
criterion_main!(benches);
