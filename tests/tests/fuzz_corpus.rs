//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the
//! same checks as the fuzz targets, so a plain `cargo test` holds every seed
//! and every input the fuzzer ever kept to them, without cargo-fuzz.

#[path = "../../fuzz/checks.rs"]
mod checks;

use std::path::PathBuf;

fn corpus_dir(target: &str) -> PathBuf {
    rds_tests::workspace_root().join("fuzz/corpus").join(target)
}

fn replay(target: &str) {
    let dir = corpus_dir(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "{} has {} inputs; the seed corpus is missing",
        dir.display(),
        files.len()
    );
    for path in &files {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let outcome = std::panic::catch_unwind(|| checks::check(target, &data));
        assert!(
            outcome.is_ok(),
            "{target}: {} fails its check",
            path.display()
        );
    }
}

#[test]
fn parse_response_corpus() {
    replay("parse_response");
}

#[test]
fn parse_time_corpus() {
    replay("parse_time");
}

#[test]
fn canonical_query_corpus() {
    replay("canonical_query");
}

#[test]
fn every_corpus_folder_is_a_target() {
    let mut found: Vec<String> = std::fs::read_dir(rds_tests::workspace_root().join("fuzz/corpus"))
        .expect("fuzz/corpus")
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    let mut want = checks::TARGETS.map(str::to_owned).to_vec();
    want.sort();
    assert_eq!(found, want);
}

/// The seeds keep meaning what their names say: the corrected samples and
/// every quirk parse, the documented SQL Server sample (its `"id "` typo) and
/// the non-JSON bodies do not.
#[test]
fn seeds_parse_as_named() {
    let dir = corpus_dir("parse_response");
    for name in [
        "corrected-mysql.json",
        "corrected-postgresql.json",
        "corrected-sqlserver.json",
        "quirk-unknown-enums.json",
        "quirk-lowercase-engine.json",
        "quirk-extra-fields.json",
        "quirk-null-optionals.json",
        "quirk-time-offsets.json",
        "empty-page.json",
    ] {
        let body = std::fs::read(dir.join(name)).expect(name);
        if let Err(e) = huaweicloud_rds::parse_list_backups(&body) {
            panic!("{name}: {e}");
        }
    }
    for name in [
        "documented-sqlserver.json",
        "html-502.txt",
        "empty.txt",
        "truncated.json",
    ] {
        let body = std::fs::read(dir.join(name)).expect(name);
        assert!(
            huaweicloud_rds::parse_list_backups(&body).is_err(),
            "{name}"
        );
    }
}

#[test]
fn signer_input_format_round_trips() {
    let pairs = [("a&b=c", "x\ny"), ("", ""), ("k", "")];
    let data = checks::join_signer_input("/v3/p", &pairs);
    let (path, split) = checks::split_signer_input(&data);
    assert_eq!(path, "/v3/p");
    let split: Vec<(&str, &str)> = split
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(split, pairs);
}
