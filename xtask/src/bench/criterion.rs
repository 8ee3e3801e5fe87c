//! The criterion benches' medians and the list bench's CPU figures, read from
//! the files they write.

use std::path::Path;

use serde_json::Value;

/// The criterion medians, in nanoseconds.
#[derive(Debug)]
pub(super) struct Rust {
    pub(super) parse: f64,
    pub(super) owned: f64,
    pub(super) borrowed: f64,
    pub(super) seq: f64,
    pub(super) c4: f64,
    pub(super) c8: f64,
    pub(super) floor_seq: f64,
    pub(super) floor_c4: f64,
    pub(super) floor_c8: f64,
    pub(super) sign: f64,
}

pub(super) fn read_criterion(home: &Path) -> Result<Rust, String> {
    let median = |id: &str| -> Result<f64, String> {
        let path = home.join(id).join("new").join("estimates.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("criterion wrote no {}: {e}", path.display()))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        value["median"]["point_estimate"]
            .as_f64()
            .ok_or_else(|| format!("{} has no median", path.display()))
    };
    Ok(Rust {
        parse: median("parse/client")?,
        owned: median("parse/limit_owned")?,
        borrowed: median("parse/limit_borrowed")?,
        seq: median("list/sequential")?,
        c4: median("list/concurrency_4")?,
        c8: median("list/concurrency_8")?,
        floor_seq: median("list/http_floor_sequential")?,
        floor_c4: median("list/http_floor_concurrency_4")?,
        floor_c8: median("list/http_floor_concurrency_8")?,
        sign: median("sign/list_backups_every_parameter")?,
    })
}

/// CPU time of the bench process (every thread) per walk at concurrency 4, in
/// nanoseconds: the library's and the floor's.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cpu {
    pub(super) walk: f64,
    pub(super) floor: f64,
}

/// What the list bench wrote to `RDS_BENCH_CPU_OUT`; `None` when it could not
/// measure (no `/proc`).
pub(super) fn read_cpu(path: &Path) -> Option<Cpu> {
    let value: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(Cpu {
        walk: value["walk_concurrency_4_ms"].as_f64()? * 1e6,
        floor: value["floor_concurrency_4_ms"].as_f64()? * 1e6,
    })
}
