//! The keys that sign: an access key (AK, public) and its secret key (SK, never shown).

use std::fmt;

/// A secret access key (SK). Its `Debug` output is redacted and it has no `Display`, so it
/// cannot leak through logs or error messages by accident.
#[derive(Clone)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps a secret key.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// Whether the key is empty (an empty key cannot sign).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(\"***\")")
    }
}

/// An access key (AK, public) with its secret key (SK, redacted in `Debug`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SigningKey {
    /// The access key id, sent in the clear as `Access=`.
    pub access_key: String,
    /// The secret key used as the HMAC key.
    pub secret_key: SecretKey,
}

impl SigningKey {
    /// Builds credentials from an AK and an SK.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: SecretKey::new(secret_key),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::*;

    #[test]
    fn secret_is_redacted() {
        let c = creds();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains(SK), "{dbg}");
        assert!(dbg.contains("SecretKey(\"***\")"));
        assert!(dbg.contains(AK));
    }
}
