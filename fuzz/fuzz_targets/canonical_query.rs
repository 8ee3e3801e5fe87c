#![no_main]
//! Any path and query pairs through the signer's canonicalisation: only unreserved
//! characters and `%XX` escapes, sorted, read back by `parse_query` as the input pairs;
//! `canonical_uri` idempotent; a signature over them verifies.

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check("canonical_query", data));
