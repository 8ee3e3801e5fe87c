//! Which RDS endpoint a region means, as the official SDK's region providers
//! decide (huaweicloudsdkcore `region/provider.py`, `region/cache.py`):
//!
//! 1. `HUAWEICLOUD_SDK_REGION_RDS_<REGION_ID>` (the id upper-cased, `-` as
//!    `_`): a comma-separated list, its first entry used;
//! 2. the regions file (`HUAWEICLOUD_SDK_REGIONS_FILE`, else
//!    `~/.huaweicloud/regions.yaml`): YAML, service key `RDS` (any case), a
//!    list of entries with `id` and `endpoint` or `endpoints` (`endpoints`
//!    first, as the SDK joins them);
//! 3. the built-in table ([`Region::endpoint`]).
//!
//! An explicit endpoint given to the builder wins over all of them. A
//! regions file that exists but cannot be read or parsed is an error naming
//! the file (and the line, for YAML errors), never ignored.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_norway::Value;

use super::table::Region;
use crate::auth::Environment;
use crate::credentials::env;
use crate::error::Error;

/// The service key the regions file lists RDS under.
pub const SERVICE: &str = "RDS";

/// Where the endpoint in use came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointSource {
    /// Given to the builder.
    Explicit,
    /// This `HUAWEICLOUD_SDK_REGION_RDS_*` variable.
    Environment(String),
    /// The regions file at this path.
    RegionsFile(PathBuf),
    /// The built-in table (or the pattern, for a region it does not list).
    BuiltIn,
}

impl fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointSource::Explicit => f.write_str("given explicitly"),
            EndpointSource::Environment(name) => write!(f, "environment ({name})"),
            EndpointSource::RegionsFile(path) => write!(f, "regions file {}", path.display()),
            EndpointSource::BuiltIn => f.write_str("built-in region table"),
        }
    }
}

/// The variable that overrides `region`'s endpoint.
pub fn override_variable(region: &Region) -> String {
    format!(
        "{}{}",
        env::REGION_ENDPOINT_PREFIX,
        region.id().replace('-', "_").to_ascii_uppercase()
    )
}

/// `region`'s endpoint with the overrides of the process environment.
pub fn resolve(region: &Region) -> Result<(String, EndpointSource), Error> {
    resolve_in(region, &Environment::process())
}

pub(crate) fn resolve_in(
    region: &Region,
    environment: &Environment,
) -> Result<(String, EndpointSource), Error> {
    let variable = override_variable(region);
    if let Some(list) = environment.get(&variable)
        && let Some(first) = list.split(',').map(str::trim).find(|e| !e.is_empty())
    {
        return Ok((first.to_owned(), EndpointSource::Environment(variable)));
    }
    if let Some(path) = environment.config_path(env::REGIONS_FILE, "regions.yaml")
        && let Some(endpoint) = from_regions_file(&path, region)?
    {
        return Ok((endpoint, EndpointSource::RegionsFile(path)));
    }
    Ok((region.endpoint(), EndpointSource::BuiltIn))
}

/// `region`'s first endpoint in the regions file at `path`; `None` when the
/// file does not exist or does not list the region.
pub fn from_regions_file(path: &Path, region: &Region) -> Result<Option<String>, Error> {
    let text = match std::fs::read(path) {
        Ok(bytes) => {
            String::from_utf8(bytes).map_err(|_| file_error(path, "is not UTF-8 text".into()))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_error(path, format!("cannot be read: {e}"))),
    };
    find_in(&text, region).map_err(|why| file_error(path, why))
}

fn file_error(path: &Path, why: String) -> Error {
    Error::Config(format!("regions file {}: {why}", path.display()))
}

/// The endpoint the YAML text gives `region` under [`SERVICE`].
fn find_in(text: &str, region: &Region) -> Result<Option<String>, String> {
    let document: Value = serde_norway::from_str(text).map_err(|e| match e.location() {
        Some(at) => format!("line {}: {e}", at.line()),
        None => e.to_string(),
    })?;
    let services = match document {
        Value::Null => return Ok(None),
        Value::Mapping(services) => services,
        _ => return Err("expected a mapping of service names (RDS: [...])".into()),
    };
    for (service, entries) in services {
        let Value::String(name) = service else {
            continue;
        };
        if !name.eq_ignore_ascii_case(SERVICE) {
            continue;
        }
        let entries = match entries {
            Value::Null => continue,
            Value::Sequence(entries) => entries,
            _ => {
                return Err(format!(
                    "`{name}` must be a list of {{id, endpoint}} entries"
                ));
            }
        };
        for (index, entry) in entries.iter().enumerate() {
            let Value::Mapping(entry) = entry else {
                return Err(format!(
                    "`{name}` entry {}: expected id and endpoint",
                    index + 1
                ));
            };
            let field = |key: &str| entry.get(key);
            let Some(Value::String(id)) = field("id") else {
                continue;
            };
            if id != region.id() {
                continue;
            }
            let mut endpoints: Vec<String> = match field("endpoints") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Sequence(list)) => list
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s.trim().to_owned()),
                        _ => Err(format!("`{name}` region {id}: endpoints must be strings")),
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(format!("`{name}` region {id}: endpoints must be a list")),
            };
            match field("endpoint") {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) => endpoints.push(s.trim().to_owned()),
                Some(_) => return Err(format!("`{name}` region {id}: endpoint must be a string")),
            }
            if let Some(first) = endpoints.into_iter().find(|e| !e.is_empty()) {
                return Ok(Some(first));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(id: &str) -> Region {
        Region::new(id).unwrap()
    }

    #[test]
    fn variable_name_as_the_sdk_builds_it() {
        assert_eq!(
            override_variable(&Region::CN_NORTH_4),
            "HUAWEICLOUD_SDK_REGION_RDS_CN_NORTH_4"
        );
    }

    #[test]
    fn regions_file_entries() {
        let yaml = "ECS:\n  - id: cn-north-4\n    endpoint: https://ecs.example\n\
                    rds:\n  - id: cn-north-4\n    endpoint: https://one.example\n    endpoints: [https://first.example]\n\
                    \x20 - id: xx-new-1\n    endpoint: http://127.0.0.1:1\n  - endpoint: http://no-id\n";
        assert_eq!(
            find_in(yaml, &Region::CN_NORTH_4).unwrap().as_deref(),
            Some("https://first.example")
        );
        assert_eq!(
            find_in(yaml, &region("xx-new-1")).unwrap().as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(find_in(yaml, &Region::CN_EAST_3).unwrap(), None);
        assert_eq!(find_in("", &Region::CN_EAST_3).unwrap(), None);
    }

    #[test]
    fn malformed_regions_files_say_where() {
        let e = find_in("RDS:\n  - id: [\n", &Region::CN_NORTH_4).unwrap_err();
        assert!(e.starts_with("line "), "{e}");
        assert!(find_in("RDS: 3\n", &Region::CN_NORTH_4).is_err());
        assert!(find_in("- a\n", &Region::CN_NORTH_4).is_err());
        assert!(
            find_in(
                "RDS:\n  - id: cn-north-4\n    endpoint: [1]\n",
                &Region::CN_NORTH_4
            )
            .is_err()
        );
    }

    #[test]
    fn order_variable_then_file_then_table() {
        let dir = std::env::temp_dir().join(format!("rds-regions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("regions.yaml");
        std::fs::write(
            &file,
            "RDS:\n  - id: cn-north-4\n    endpoint: http://from-file\n",
        )
        .unwrap();
        let file_text = file.to_str().unwrap().to_owned();
        let with = |vars: Vec<(&'static str, String)>| {
            Environment::from_fn(move |n| {
                vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone())
            })
        };
        let both = with(vec![
            (env::REGIONS_FILE, file_text.clone()),
            (
                "HUAWEICLOUD_SDK_REGION_RDS_CN_NORTH_4",
                " http://from-env , http://second".into(),
            ),
        ]);
        assert_eq!(
            resolve_in(&Region::CN_NORTH_4, &both).unwrap(),
            (
                "http://from-env".into(),
                EndpointSource::Environment("HUAWEICLOUD_SDK_REGION_RDS_CN_NORTH_4".into())
            )
        );
        let only_file = with(vec![(env::REGIONS_FILE, file_text)]);
        assert_eq!(
            resolve_in(&Region::CN_NORTH_4, &only_file).unwrap(),
            (
                "http://from-file".into(),
                EndpointSource::RegionsFile(file.clone())
            )
        );
        assert_eq!(
            resolve_in(&Region::EU_WEST_101, &only_file).unwrap(),
            (
                "https://rds.eu-west-101.myhuaweicloud.eu".into(),
                EndpointSource::BuiltIn
            )
        );
        let home = with(vec![("HOME", dir.to_str().unwrap().to_owned())]);
        assert_eq!(
            resolve_in(&Region::CN_NORTH_4, &home).unwrap().1,
            EndpointSource::BuiltIn
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
