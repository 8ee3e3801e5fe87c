//! `cargo xtask`: project automation (matklad's cargo-xtask convention).
//!
//! Every subcommand runs from the workspace root, whatever the caller's
//! directory. Subcommands that need another runtime install it themselves.

mod bench;
mod codegen;
mod docs;
mod fuzz;
mod man;
mod metrics_check;
mod process;
mod sdk_signer;
mod spec_check;
mod stress;
mod tools;
mod venv;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  bench [--build-time] [--quick]
                  run the criterion benches of bench/ and the official Python SDK's
                  figures against one rds-mock, time the rds-backups CLI, and write
                  BENCHMARKS.md (about 3 minutes once built; --build-time adds a cold
                  release build of the client, minutes more; --quick: short, rough runs)
  bench --build-time-only
                  only the cold release build, next to the 181 s of the aws-lc build;
                  updates that section of BENCHMARKS.md
  gen [--check]   regenerate generated-client/src/generated.rs and spec/openapi.json
                  from spec/openapi.yaml; with --check, write nothing and fail on drift
  sdk-sign-check  capture the client's requests off the wire and require the official
                  Python SDK's Signer to produce the same Authorization (needs python3;
                  installs the SDK into target/sdk-venv)
  metrics-check   parse the Prometheus output of `rds-backups check` with the official
                  prometheus_client parser and hold it to the JSON report (needs
                  python3; installs prometheus-client into target/prometheus-venv)
  docs            build the single-page HTML API reference, which works offline,
                  into target/api-docs/index.html (Redocly build-docs; needs node)
  spec-check [--planted] [--require-all] [--only ID,...]
                  check spec/openapi.yaml with eight third-party tools (installed
                  into target/spec-tools; needs node, python3, java); --planted proves
                  the config-based checks fail on a spec with a planted defect;
                  --require-all fails when any check is skipped (CI)
  man             write the man pages of rds-backups (the program and each subcommand)
                  into target/man (read one with `man -l target/man/rds-backups.1`)
  fuzz [--runs N] [--seconds S] [TARGET ...]
                  run the fuzz targets in fuzz/ (parse_response, parse_time,
                  canonical_query; default all) from the committed corpus, each for at
                  most N inputs (default 1000000) or S seconds (default 60), on stable
                  with --sanitizer none; installs cargo-fuzz 0.13.2 into
                  target/fuzz-tools; fails on any crash
  stress [N]      build the concurrency-heavy suites once (pagination and client
                  faults of tests/, every CLI and mock test) and run their test
                  binaries N times in a row (default 20); stops at the first failure
                  with the run, the binary and the failing tests
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["bench", rest @ ..] => bench::run(&workspace_root(), rest),
        ["gen"] => codegen::run(&workspace_root(), codegen::Mode::Write),
        ["gen", "--check"] => codegen::run(&workspace_root(), codegen::Mode::Check),
        ["sdk-sign-check"] => sdk_signer::run(&workspace_root()),
        ["docs"] => docs::run(&workspace_root()),
        ["metrics-check"] => metrics_check::run(&workspace_root()),
        ["spec-check", rest @ ..] => spec_check::run(&workspace_root(), rest),
        ["fuzz", rest @ ..] => fuzz::run(&workspace_root(), rest),
        ["stress", rest @ ..] => stress::run(&workspace_root(), rest),
        ["man"] => man::run(&workspace_root()),
        ["help" | "--help" | "-h"] | [] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("unknown arguments: {}\n\n{USAGE}", args.join(" "))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's manifest directory.
///
/// `cargo run` sets `CARGO_MANIFEST_DIR` at run time too; prefer it, because
/// the compiled-in value is wrong when one target directory serves two clones.
fn workspace_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
