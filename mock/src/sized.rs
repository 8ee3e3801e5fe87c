//! Instances whose size is in their id, for benchmarks that walk many of
//! them: `sized-{count}-{name}` holds `count` generated MySQL backups (at
//! most [`MAX_SIZED_BACKUPS`]), e.g. `sized-250-07`. Each is generated once
//! and kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::data::{Instance, generate_mysql};

/// The id prefix of the family.
pub const SIZED_PREFIX: &str = "sized-";
/// The largest `count` a sized instance takes.
pub const MAX_SIZED_BACKUPS: usize = 10_000;

/// The id of the sized instance `name` with `count` backups.
pub fn sized_instance_id(count: usize, name: &str) -> String {
    format!("{SIZED_PREFIX}{count}-{name}")
}

/// The instance an id of the family names, generated on first use.
pub(crate) fn sized_instance(
    id: &str,
    cache: &Mutex<HashMap<String, Arc<Instance>>>,
) -> Option<Arc<Instance>> {
    let (count, name) = id.strip_prefix(SIZED_PREFIX)?.split_once('-')?;
    let count: usize = count.parse().ok().filter(|&c| c <= MAX_SIZED_BACKUPS)?;
    if name.is_empty() {
        return None;
    }
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    let instance = cache
        .entry(id.to_owned())
        .or_insert_with(|| Arc::new(generate_mysql(id, count)));
    Some(instance.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_is_in_the_id() {
        let cache = Mutex::new(HashMap::new());
        let id = sized_instance_id(250, "07");
        assert_eq!(id, "sized-250-07");
        let i = sized_instance(&id, &cache).unwrap();
        assert_eq!(i.records().len(), 250);
        assert!(
            Arc::ptr_eq(&i, &sized_instance(&id, &cache).unwrap()),
            "kept"
        );
        for bad in [
            "sized-",
            "sized-250",
            "sized-250-",
            "sized-x-1",
            "sized-10001-a",
            "other-1-a",
        ] {
            assert!(sized_instance(bad, &cache).is_none(), "{bad}");
        }
    }
}
