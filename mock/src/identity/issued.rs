//! The temporary credentials the metadata endpoint handed out, by access key.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use huaweicloud_signer::SecretKey;

#[derive(Debug)]
pub(crate) struct Issued {
    nonce: u64,
    next: AtomicU64,
    by_access_key: Mutex<HashMap<String, Temporary>>,
}

#[derive(Debug)]
pub(crate) struct Temporary {
    pub secret: SecretKey,
    pub security_token: String,
    pub expires_at: SystemTime,
}

/// What one securitykey answer carries.
pub(crate) struct Grant {
    pub access: String,
    pub secret: String,
    pub security_token: String,
    pub expires_at: SystemTime,
}

impl Issued {
    pub(crate) fn new(nonce: u64) -> Self {
        Issued {
            nonce,
            next: AtomicU64::new(1),
            by_access_key: Mutex::new(HashMap::new()),
        }
    }

    /// The metadata token of this server.
    pub(crate) fn metadata_token(&self) -> String {
        format!("MOCK-metadata-token-{:016x}", self.nonce)
    }

    /// New temporary credentials, valid for `ttl`.
    pub(crate) fn issue(&self, ttl: Duration) -> Grant {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let grant = Grant {
            access: format!("MOCKTMP{:05}{:08X}", n % 100_000, self.nonce as u32),
            secret: format!("MockTmpSK{:016x}{n:016x}", self.nonce),
            security_token: format!("MOCK-security-token-{:016x}-{n}", self.nonce),
            expires_at: SystemTime::now() + ttl,
        };
        let mut map = self.by_access_key.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(
            grant.access.clone(),
            Temporary {
                secret: SecretKey::new(grant.secret.clone()),
                security_token: grant.security_token.clone(),
                expires_at: grant.expires_at,
            },
        );
        grant
    }

    /// `f` of the temporary credentials with `access_key`, if issued here.
    pub(crate) fn with<R>(&self, access_key: &str, f: impl FnOnce(Option<&Temporary>) -> R) -> R {
        let map = self.by_access_key.lock().unwrap_or_else(|e| e.into_inner());
        f(map.get(access_key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_issue_is_new() {
        let issued = Issued::new(7);
        let a = issued.issue(Duration::from_secs(60));
        let b = issued.issue(Duration::from_secs(60));
        assert_ne!(a.access, b.access);
        assert_ne!(a.security_token, b.security_token);
        assert!(issued.with(&a.access, |t| {
            t.is_some_and(|t| t.security_token == a.security_token)
        }));
    }
}
