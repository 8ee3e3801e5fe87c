//! rustfmt over generated source, so the committed file passes `cargo fmt --check`.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::error::CodegenError;

/// Format `source` with the toolchain's rustfmt (edition 2024).
///
/// prettyplease alone is not rustfmt-clean; the toolchain's own rustfmt is what
/// `cargo fmt --check` will compare against, so it is the one to run.
pub(crate) fn rustfmt(source: &str) -> Result<String, CodegenError> {
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(&rustfmt)
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| CodegenError::Format {
            message: format!("cannot run {}: {e}", rustfmt.to_string_lossy()),
        })?;
    // Write from another thread: rustfmt may fill its stdout pipe before it has
    // read all of stdin.
    let mut stdin = child.stdin.take().ok_or_else(|| CodegenError::Format {
        message: "rustfmt has no stdin".to_owned(),
    })?;
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().map_err(|e| CodegenError::Format {
        message: format!("rustfmt failed: {e}"),
    })?;
    let written = writer.join().map_err(|_| CodegenError::Format {
        message: "writing to rustfmt panicked".to_owned(),
    })?;
    written.map_err(|e| CodegenError::Format {
        message: format!("writing to rustfmt: {e}"),
    })?;
    if !output.status.success() {
        return Err(CodegenError::Format {
            message: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    String::from_utf8(output.stdout).map_err(|e| CodegenError::Format {
        message: format!("rustfmt output is not UTF-8: {e}"),
    })
}
