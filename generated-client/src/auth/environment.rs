//! The variables a builder reads, captured once: the process environment, or
//! a caller's lookup (tests, embedding applications).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Reads configuration variables; empty or blank values count as unset.
#[derive(Clone)]
pub(crate) struct Environment(Option<Arc<Lookup>>);

impl Environment {
    /// Nothing is set: only what the caller gives explicitly is used.
    pub(crate) fn empty() -> Self {
        Environment(None)
    }

    /// The process environment.
    pub(crate) fn process() -> Self {
        Self::from_fn(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Environment(Some(Arc::new(lookup)))
    }

    /// The variable's value, trimmed; `None` when unset or blank.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let lookup = self.0.as_ref()?;
        lookup(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The home directory (`HOME`, or `USERPROFILE` on Windows), where
    /// `.huaweicloud/` is looked for.
    pub(crate) fn home(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }

    /// `name`'s path, else `~/.huaweicloud/{file}`; `None` without a home.
    pub(crate) fn config_path(&self, name: &str, file: &str) -> Option<PathBuf> {
        self.get(name)
            .map(PathBuf::from)
            .or_else(|| self.home().map(|home| home.join(".huaweicloud").join(file)))
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secrets: say only whether variables are read.
        f.write_str(match self.0 {
            Some(_) => "Environment(read)",
            None => "Environment(none)",
        })
    }
}
