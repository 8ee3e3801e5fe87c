//! A one-line progress count on stderr for `--all`, only on a terminal.

use std::io::{self, Write};

/// Counts backups as they arrive; draws nothing when disabled.
pub struct Progress {
    enabled: bool,
    count: usize,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        Progress { enabled, count: 0 }
    }

    pub fn advance(&mut self, by: usize) {
        self.count += by;
        if self.enabled {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\rlisted {} backups", self.count);
            let _ = err.flush();
        }
    }

    /// Erase the line so that output and errors start clean.
    pub fn clear(&mut self) {
        if self.enabled && self.count > 0 {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
