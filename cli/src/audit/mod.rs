//! Backup audits: `summary` (what each instance has) and `check` (whether
//! each is backed up recently enough), for many instances at once.

pub mod check;
mod prometheus;
pub mod summary;
mod text;
mod walk;

use std::io::{self, IsTerminal, Write};

use crate::failure::{EXIT_FAILURE, Failure};

/// `terminal` when stdout is one, else `otherwise`.
fn default_format<T>(terminal: T, otherwise: T) -> T {
    if io::stdout().is_terminal() {
        terminal
    } else {
        otherwise
    }
}

/// Writes a finished report; a closed stdout (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure {
            code: EXIT_FAILURE,
            message: format!("writing output: {e}"),
        }),
    }
}
