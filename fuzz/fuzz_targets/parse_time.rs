#![no_main]
//! Any text as a `Timestamp`: parsing never panics, and an accepted time survives
//! `Display` then parse unchanged.

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check("parse_time", data));
