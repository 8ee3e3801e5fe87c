//! The order credentials and the project id are taken in, and the names of
//! the places they came from (what `-v` reports: never a secret).
//!
//! Credentials: explicit (the builder's, an IAM token included), then the
//! environment (`HUAWEICLOUD_SDK_AK`, `_SK`, `_SECURITY_TOKEN`), then the
//! credentials file's `[basic]`. ECS metadata credentials are used only when
//! given explicitly ([`Credentials::metadata`]).
//!
//! Project id: explicit, then `HUAWEICLOUD_SDK_PROJECT_ID`, then the file's
//! `project_id`, then (with AK/SK and a region) IAM.

use std::fmt;
use std::path::PathBuf;

use super::environment::Environment;
use super::file;
use crate::credentials::{Credentials, env};
use crate::error::Error;

/// Where the credentials in use came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialSource {
    /// Given to the builder (including an IAM token).
    Explicit,
    /// `HUAWEICLOUD_SDK_AK` / `_SK` (and `_SECURITY_TOKEN`).
    Environment,
    /// The credentials file's `[basic]` section.
    File(PathBuf),
    /// The ECS metadata service at this base URL.
    Metadata(String),
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Explicit => f.write_str("given explicitly"),
            CredentialSource::Environment => {
                write!(f, "environment ({} and {})", env::AK, env::SK)
            }
            CredentialSource::File(path) => {
                write!(f, "credentials file {} [basic]", path.display())
            }
            CredentialSource::Metadata(endpoint) => {
                write!(f, "ECS metadata service {endpoint}")
            }
        }
    }
}

/// Where the project id in use came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProjectIdSource {
    /// Given to the builder.
    Explicit,
    /// `HUAWEICLOUD_SDK_PROJECT_ID`.
    Environment,
    /// The credentials file's `project_id`.
    File(PathBuf),
    /// Looked up in IAM at this endpoint.
    Iam(String),
}

impl fmt::Display for ProjectIdSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectIdSource::Explicit => f.write_str("given explicitly"),
            ProjectIdSource::Environment => write!(f, "environment ({})", env::PROJECT_ID),
            ProjectIdSource::File(path) => {
                write!(f, "credentials file {} [basic] project_id", path.display())
            }
            ProjectIdSource::Iam(endpoint) => write!(f, "looked up in IAM at {endpoint}"),
        }
    }
}

/// What the environment says, read once when a builder is made from it.
#[derive(Clone, Debug)]
pub(crate) struct FromEnvironment {
    pub(crate) environment: Environment,
    /// AK/SK from the variables; half a pair is an error, reported only if
    /// the chain gets that far (an explicit token wins over it).
    pub(crate) credentials: Option<Result<Credentials, Error>>,
    pub(crate) project_id: Option<String>,
}

impl FromEnvironment {
    pub(crate) fn none() -> Self {
        FromEnvironment {
            environment: Environment::empty(),
            credentials: None,
            project_id: None,
        }
    }

    /// Read the credential and project variables. The credentials file is
    /// read later, only when needed.
    pub(crate) fn read(environment: Environment) -> Self {
        let set = |name: &str| environment.get(name).is_some();
        let credentials = (set(env::AK) || set(env::SK)).then(|| {
            let lookup = environment.clone();
            Credentials::from_lookup(move |name| lookup.get(name))
        });
        FromEnvironment {
            project_id: environment.get(env::PROJECT_ID),
            credentials,
            environment,
        }
    }
}

/// The credentials file, read at most once per build.
pub(crate) struct LazyFile<'e> {
    environment: &'e Environment,
    loaded: Option<Option<file::Profile>>,
}

impl<'e> LazyFile<'e> {
    pub(crate) fn new(environment: &'e Environment) -> Self {
        LazyFile {
            environment,
            loaded: None,
        }
    }

    pub(crate) fn get(&mut self) -> Result<Option<&file::Profile>, Error> {
        if self.loaded.is_none() {
            self.loaded = Some(file::load(self.environment)?);
        }
        Ok(self.loaded.as_ref().and_then(Option::as_ref))
    }
}

/// Credentials in the chain's order, with where they came from.
pub(crate) fn credentials(
    explicit: Option<Credentials>,
    from_env: &FromEnvironment,
    file: &mut LazyFile<'_>,
) -> Result<(Credentials, CredentialSource), Error> {
    if let Some(credentials) = explicit {
        let source = match &credentials {
            Credentials::Metadata(provider) => {
                CredentialSource::Metadata(provider.endpoint().to_owned())
            }
            _ => CredentialSource::Explicit,
        };
        return Ok((credentials, source));
    }
    if let Some(credentials) = &from_env.credentials {
        return Ok((credentials.clone()?, CredentialSource::Environment));
    }
    if let Some(profile) = file.get()?
        && let Some(credentials) = &profile.credentials
    {
        return Ok((
            credentials.clone(),
            CredentialSource::File(profile.path.clone()),
        ));
    }
    let file_hint = match file::path(&from_env.environment) {
        Some(path) => format!(", write ak and sk under [basic] in {}", path.display()),
        None => String::new(),
    };
    Err(Error::Config(format!(
        "no credentials: set {} and {}{file_hint}, or use an IAM token",
        env::AK,
        env::SK
    )))
}

/// The project id when one is configured anywhere, with where it came from.
pub(crate) fn configured_project_id(
    explicit: Option<String>,
    from_env: &FromEnvironment,
    file: &mut LazyFile<'_>,
) -> Result<Option<(String, ProjectIdSource)>, Error> {
    if let Some(id) = explicit {
        return Ok(Some((id, ProjectIdSource::Explicit)));
    }
    if let Some(id) = &from_env.project_id {
        return Ok(Some((id.clone(), ProjectIdSource::Environment)));
    }
    Ok(file.get()?.and_then(|profile| {
        profile
            .project_id
            .clone()
            .map(|id| (id, ProjectIdSource::File(profile.path.clone())))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::file::tests::is_keys;

    fn temp_file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rds-chain-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("credentials");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn environment(vars: &[(&str, &str)]) -> Environment {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Environment::from_fn(move |n| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
    }

    #[test]
    fn explicit_then_environment_then_file() {
        let path = temp_file(
            "order",
            "[basic]\nak = FILEAK\nsk = FILESK\nproject_id = pfile\n",
        );
        let path_text = path.to_str().unwrap().to_owned();
        let only_file = FromEnvironment::read(environment(&[(env::CREDENTIALS_FILE, &path_text)]));
        let with_env = FromEnvironment::read(environment(&[
            (env::CREDENTIALS_FILE, &path_text),
            (env::AK, "ENVAK"),
            (env::SK, "ENVSK"),
            (env::PROJECT_ID, "penv"),
        ]));

        let (c, s) =
            credentials(None, &only_file, &mut LazyFile::new(&only_file.environment)).unwrap();
        assert!(is_keys(&c, "FILEAK", "FILESK", None));
        assert_eq!(s, CredentialSource::File(path.clone()));
        let p = configured_project_id(None, &only_file, &mut LazyFile::new(&only_file.environment))
            .unwrap();
        assert_eq!(
            p,
            Some(("pfile".into(), ProjectIdSource::File(path.clone())))
        );

        let (c, s) =
            credentials(None, &with_env, &mut LazyFile::new(&with_env.environment)).unwrap();
        assert!(is_keys(&c, "ENVAK", "ENVSK", None));
        assert_eq!(s, CredentialSource::Environment);
        let p = configured_project_id(None, &with_env, &mut LazyFile::new(&with_env.environment))
            .unwrap();
        assert_eq!(p, Some(("penv".into(), ProjectIdSource::Environment)));

        let (c, s) = credentials(
            Some(Credentials::token("t")),
            &with_env,
            &mut LazyFile::new(&with_env.environment),
        )
        .unwrap();
        assert!(matches!(c, Credentials::Token(_)));
        assert_eq!(s, CredentialSource::Explicit);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn default_path_is_under_home_and_a_missing_file_is_no_error() {
        let home = std::env::temp_dir().join(format!("rds-chain-home-{}", std::process::id()));
        let from_env = FromEnvironment::read(environment(&[("HOME", home.to_str().unwrap())]));
        let e =
            credentials(None, &from_env, &mut LazyFile::new(&from_env.environment)).unwrap_err();
        let expected = home.join(".huaweicloud").join("credentials");
        assert!(
            e.to_string().contains(&expected.display().to_string()),
            "{e}"
        );
        let none = FromEnvironment::none();
        assert!(credentials(None, &none, &mut LazyFile::new(&none.environment)).is_err());
    }

    #[test]
    fn half_an_environment_pair_is_an_error_unless_something_wins_over_it() {
        let half = FromEnvironment::read(environment(&[(env::AK, "A")]));
        let e = credentials(None, &half, &mut LazyFile::new(&half.environment)).unwrap_err();
        assert!(e.to_string().contains("HUAWEICLOUD_SDK_SK is not"), "{e}");
        let token = Some(Credentials::token("t"));
        assert!(credentials(token, &half, &mut LazyFile::new(&half.environment)).is_ok());
    }

    #[test]
    fn a_malformed_file_stops_the_chain() {
        let path = temp_file("bad", "[basic]\nak = A\n");
        let from_env = FromEnvironment::read(environment(&[(
            env::CREDENTIALS_FILE,
            path.to_str().unwrap(),
        )]));
        let e =
            credentials(None, &from_env, &mut LazyFile::new(&from_env.environment)).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
