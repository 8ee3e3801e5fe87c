//! The credentials file the official SDK reads: the path in
//! `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`.
//!
//! INI as Python's `configparser` reads it: `[section]` headers, `key = value`
//! or `key: value`, keys case-insensitive, whole-line comments starting with
//! `#` or `;`, `[DEFAULT]` values inherited by every section, `%%` for a `%`
//! and `%(key)s` for another key's value. Only `[basic]` matters here (the
//! section of project-scoped services such as RDS), with the SDK's keys
//! `ak`, `sk`, `security_token`, `project_id` and `iam_endpoint`.
//!
//! A missing file is not an error: the chain goes on. A file that exists but
//! cannot be read or parsed, or a `[basic]` section with half a key pair, is
//! an error naming the file and the line, never a silent fallback.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::environment::Environment;
use crate::credentials::{Credentials, env};
use crate::error::Error;

/// The section the official SDK reads for project-scoped services.
pub const SECTION: &str = "basic";

/// What the `[basic]` section of a credentials file says.
#[derive(Clone)]
#[non_exhaustive]
pub struct Profile {
    /// The file it came from.
    pub path: PathBuf,
    /// AK/SK, with the security token when the file has one.
    pub credentials: Option<Credentials>,
    /// `project_id`.
    pub project_id: Option<String>,
    /// `iam_endpoint`.
    pub iam_endpoint: Option<String>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Credentials` redacts its own secrets.
        f.debug_struct("Profile")
            .field("path", &self.path)
            .field("credentials", &self.credentials)
            .field("project_id", &self.project_id)
            .field("iam_endpoint", &self.iam_endpoint)
            .finish()
    }
}

/// Where the credentials file is for this environment; `None` when neither
/// the variable nor a home directory is set.
pub(crate) fn path(environment: &Environment) -> Option<PathBuf> {
    environment.config_path(env::CREDENTIALS_FILE, "credentials")
}

/// Read the credentials file of `environment`: `Ok(None)` when there is none.
pub(crate) fn load(environment: &Environment) -> Result<Option<Profile>, Error> {
    match path(environment) {
        Some(path) => load_path(&path),
        None => Ok(None),
    }
}

/// Read the credentials file at `path`: `Ok(None)` when it does not exist.
pub fn load_path(path: &Path) -> Result<Option<Profile>, Error> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_error(path, None, &format!("cannot be read: {e}"))),
    };
    let text = String::from_utf8(bytes).map_err(|_| file_error(path, None, "is not UTF-8 text"))?;
    parse(path, &text).map(Some)
}

/// Parse the text of a credentials file read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<Profile, Error> {
    let sections = parse_ini(text).map_err(|(line, message)| file_error(path, line, &message))?;
    let mut profile = Profile {
        path: path.to_owned(),
        credentials: None,
        project_id: None,
        iam_endpoint: None,
    };
    let Some(basic) = sections.get(SECTION) else {
        return Ok(profile);
    };
    let defaults = sections.get("DEFAULT");
    let get = |key: &str| -> Result<Option<(String, usize)>, Error> {
        let Some(entry) = basic.get(key).or_else(|| defaults.and_then(|d| d.get(key))) else {
            return Ok(None);
        };
        let value = interpolate(&entry.value, basic, defaults)
            .map_err(|message| file_error(path, Some(entry.line), &message))?;
        Ok((!value.is_empty()).then_some((value, entry.line)))
    };
    let ak = get("ak")?;
    let sk = get("sk")?;
    let token = get("security_token")?;
    profile.credentials = match (ak, sk) {
        (Some((ak, _)), Some((sk, _))) => Some(match token {
            Some((token, _)) => Credentials::temporary(ak, sk, token),
            None => Credentials::aksk(ak, sk),
        }),
        (Some((_, line)), None) => {
            return Err(file_error(path, Some(line), "[basic] has `ak` but no `sk`"));
        }
        (None, Some((_, line))) => {
            return Err(file_error(path, Some(line), "[basic] has `sk` but no `ak`"));
        }
        (None, None) => match token {
            Some((_, line)) => {
                return Err(file_error(
                    path,
                    Some(line),
                    "[basic] has `security_token` but no `ak` and `sk`",
                ));
            }
            None => None,
        },
    };
    profile.project_id = get("project_id")?.map(|(v, _)| v);
    profile.iam_endpoint = get("iam_endpoint")?.map(|(v, _)| v);
    Ok(profile)
}

fn file_error(path: &Path, line: Option<usize>, message: &str) -> Error {
    match line {
        Some(line) => Error::Config(format!(
            "credentials file {}: line {line}: {message}",
            path.display()
        )),
        None => Error::Config(format!("credentials file {}: {message}", path.display())),
    }
}

#[derive(Debug)]
struct Entry {
    value: String,
    line: usize,
}

type Section = BTreeMap<String, Entry>;

/// Sections by name, keys lower-cased; an error is `(line, message)`.
fn parse_ini(text: &str) -> Result<BTreeMap<String, Section>, (Option<usize>, String)> {
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut last_key_line: Option<usize> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if raw.starts_with([' ', '\t']) && last_key_line.is_some() {
            return Err((
                Some(number),
                "indented line: a value continued on another line is not supported".into(),
            ));
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or_else(|| (Some(number), format!("malformed section header {line:?}")))?;
            if sections.contains_key(name) {
                return Err((Some(number), format!("section [{name}] appears twice")));
            }
            sections.insert(name.to_owned(), Section::new());
            current = Some(name.to_owned());
            last_key_line = None;
            continue;
        }
        let Some(section) = current.as_ref() else {
            return Err((
                Some(number),
                "a key before any [section] header (expected [basic])".into(),
            ));
        };
        let Some(split) = line.find(['=', ':']) else {
            return Err((
                Some(number),
                "expected `key = value`, a [section] header or a comment".into(),
            ));
        };
        let key = line[..split].trim().to_ascii_lowercase();
        let value = line[split + 1..].trim().to_owned();
        if key.is_empty() {
            return Err((Some(number), "a value with no key".into()));
        }
        let entries = sections.entry(section.clone()).or_default();
        if entries.contains_key(&key) {
            return Err((
                Some(number),
                format!("key `{key}` appears twice in [{section}]"),
            ));
        }
        entries.insert(
            key,
            Entry {
                value,
                line: number,
            },
        );
        last_key_line = Some(number);
    }
    Ok(sections)
}

/// `configparser`'s basic interpolation: `%%` is `%`, `%(key)s` another key.
fn interpolate(
    value: &str,
    section: &Section,
    defaults: Option<&Section>,
) -> Result<String, String> {
    interpolate_depth(value, section, defaults, 0)
}

fn interpolate_depth(
    value: &str,
    section: &Section,
    defaults: Option<&Section>,
    depth: usize,
) -> Result<String, String> {
    if depth > 10 {
        return Err("`%(...)s` references nest too deeply".into());
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            out.push('%');
            rest = tail;
        } else if let Some(reference) = after.strip_prefix('(') {
            let end = reference
                .find(")s")
                .ok_or("`%(` without a closing `)s`; write `%%` for a literal `%`")?;
            let key = reference[..end].trim().to_ascii_lowercase();
            let target = section
                .get(&key)
                .or_else(|| defaults.and_then(|d| d.get(&key)))
                .ok_or_else(|| format!("`%({key})s` names a key that is not set"))?;
            out.push_str(&interpolate_depth(
                &target.value,
                section,
                defaults,
                depth + 1,
            )?);
            rest = &reference[end + 2..];
        } else {
            return Err("a lone `%`: write `%%` for a literal `%`".into());
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Whether `c` is exactly these keys: the SK compared by what it signs.
    pub(crate) fn is_keys(c: &Credentials, ak: &str, sk: &str, token: Option<&str>) -> bool {
        let Credentials::AkSk {
            keys,
            security_token,
        } = c
        else {
            return false;
        };
        let probe =
            |secret: &huaweicloud_signer::SecretKey| huaweicloud_signer::signature(secret, "probe");
        keys.access_key == ak
            && probe(&keys.secret_key) == probe(&huaweicloud_signer::SecretKey::new(sk))
            && security_token.as_ref().map(|t| t.expose()) == token
    }

    fn parsed(text: &str) -> Result<Profile, String> {
        parse(Path::new("creds.ini"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn basic_section_with_every_key() {
        let p = parsed(
            "# comment\n[global]\nak = other\nsk = other\n\n[basic]\nAK = AK1\nsk: SK1\n\
             security_token = T1\nproject_id = p1\niam_endpoint = http://127.0.0.1:9\n",
        )
        .unwrap();
        assert!(is_keys(
            p.credentials.as_ref().unwrap(),
            "AK1",
            "SK1",
            Some("T1")
        ));
        assert_eq!(p.project_id.as_deref(), Some("p1"));
        assert_eq!(p.iam_endpoint.as_deref(), Some("http://127.0.0.1:9"));
    }

    #[test]
    fn defaults_and_interpolation_as_configparser() {
        let p = parsed("[DEFAULT]\nproject_id = p0\n[basic]\nak = A\nsk = S%%1\n").unwrap();
        assert!(is_keys(p.credentials.as_ref().unwrap(), "A", "S%1", None));
        assert_eq!(p.project_id.as_deref(), Some("p0"));
        let e = parsed("[basic]\nak = A\nsk = S%1\n").unwrap_err();
        assert!(e.contains("line 3") && e.contains("%%"), "{e}");
    }

    #[test]
    fn no_basic_section_gives_nothing() {
        let p = parsed("[global]\nak = A\nsk = S\n").unwrap();
        assert!(p.credentials.is_none());
        assert_eq!(p.project_id, None);
    }

    #[test]
    fn malformed_files_name_the_file_and_line() {
        for (text, line, what) in [
            ("ak = A\n", 1, "before any [section]"),
            ("[basic]\nak = A\n", 2, "`ak` but no `sk`"),
            ("[basic]\n\nsk = S\n", 3, "`sk` but no `ak`"),
            (
                "[basic]\nak = A\nthis is not ini\n",
                3,
                "expected `key = value`",
            ),
            ("[basic\n", 1, "malformed section header"),
            ("[basic]\nak = A\nak = B\nsk = S\n", 3, "appears twice"),
            ("[basic]\nak = A\n  continued\nsk = S\n", 3, "indented line"),
            ("[basic]\nsecurity_token = T\n", 2, "no `ak` and `sk`"),
        ] {
            let e = parsed(text).unwrap_err();
            assert!(
                e.contains("credentials file creds.ini")
                    && e.contains(&format!("line {line}:"))
                    && e.contains(what),
                "{text:?}: {e}"
            );
        }
    }

    #[test]
    fn missing_file_is_not_an_error_but_a_directory_is() {
        let dir = std::env::temp_dir().join(format!("rds-creds-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(load_path(&dir.join("absent")).unwrap().is_none());
        let e = load_path(&dir).unwrap_err().to_string();
        assert!(e.contains("cannot be read"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn debug_keeps_secrets_out() {
        let p = parsed(
            "[basic]\nak = AK-visible\nsk = sk-distinctive\nsecurity_token = tok-distinctive\n",
        )
        .unwrap();
        let shown = format!("{p:?}");
        assert!(shown.contains("AK-visible"));
        assert!(
            !shown.contains("sk-distinctive") && !shown.contains("tok-distinctive"),
            "{shown}"
        );
    }
}
