#![no_main]
//! Any bytes as a list-backups response body: `parse_list_backups` never panics, and a
//! page it accepts survives serialize then parse unchanged.

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check("parse_response", data));
