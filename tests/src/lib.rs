//! Helpers shared by the workspace tests: where the spec and its samples live.

use std::path::PathBuf;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The names of the documented response samples, as in `spec/examples/`.
pub const SAMPLES: [&str; 3] = ["mysql", "postgresql", "sqlserver"];

/// The bytes of `spec/examples/{kind}/{name}.json` (`kind` is `documented` or
/// `corrected`).
pub fn sample(kind: &str, name: &str) -> Vec<u8> {
    let path = workspace_root()
        .join("spec/examples")
        .join(kind)
        .join(format!("{name}.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}
