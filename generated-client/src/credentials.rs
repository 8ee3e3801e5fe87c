//! Who the client is: AK/SK (optionally temporary, with a security token),
//! temporary AK/SK from the ECS metadata service, or an IAM token. Secrets are
//! redacted from every `Debug` and never displayed.
//!
//! Where they are found when the caller gives none (environment, credentials
//! file) is [`crate::auth`].

use std::fmt;
use std::sync::Arc;

use crate::auth::MetadataCredentials;
use crate::error::Error;
use huaweicloud_signer as signing;

/// Environment variable names the official SDKs read.
pub mod env {
    /// Access key id.
    pub const AK: &str = "HUAWEICLOUD_SDK_AK";
    /// Secret access key.
    pub const SK: &str = "HUAWEICLOUD_SDK_SK";
    /// Security token of temporary credentials.
    pub const SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
    /// Project id.
    pub const PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
    /// Region id, e.g. `cn-north-4` (this project's name; the official SDK
    /// takes the region in code only).
    pub const REGION: &str = "HUAWEICLOUD_SDK_REGION";
    /// Path of the credentials file (default `~/.huaweicloud/credentials`).
    pub const CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
    /// IAM endpoint for the project id lookup.
    pub const IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
    /// Path of the regions file (default `~/.huaweicloud/regions.yaml`).
    pub const REGIONS_FILE: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";
    /// Prefix of the per-region endpoint overrides:
    /// `HUAWEICLOUD_SDK_REGION_RDS_CN_NORTH_4`.
    pub const REGION_ENDPOINT_PREFIX: &str = "HUAWEICLOUD_SDK_REGION_RDS_";
    /// Base URL of the ECS metadata service (this project's name; the
    /// official SDK hard-codes `http://169.254.169.254`).
    pub const METADATA_ENDPOINT: &str = "HUAWEICLOUD_SDK_METADATA_ENDPOINT";
}

/// A secret string (a token): redacted in `Debug`, no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

/// How requests authenticate.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// AK/SK signing (SDK-HMAC-SHA256), with a security token for temporary
    /// credentials.
    AkSk {
        /// The access key and secret key.
        keys: signing::SigningKey,
        /// Sent and signed as `X-Security-Token` when present.
        security_token: Option<Secret>,
    },
    /// An IAM token, sent as `X-Auth-Token`.
    Token(Secret),
    /// Temporary AK/SK of the ECS instance's agency, fetched from the
    /// metadata service and refreshed before they expire.
    Metadata(MetadataCredentials),
}

impl Credentials {
    /// Permanent AK/SK credentials.
    pub fn aksk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials::AkSk {
            keys: signing::SigningKey::new(access_key, secret_key),
            security_token: None,
        }
    }

    /// Temporary AK/SK credentials with their security token.
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Credentials::AkSk {
            keys: signing::SigningKey::new(access_key, secret_key),
            security_token: Some(Secret::new(security_token)),
        }
    }

    /// An IAM token (from IAM `POST /v3/auth/tokens`).
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token(Secret::new(token))
    }

    /// Temporary credentials from the ECS metadata service at `provider`'s
    /// endpoint. Nothing is sent until the first request.
    pub fn metadata(provider: MetadataCredentials) -> Self {
        Credentials::Metadata(provider)
    }

    /// AK/SK from `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK`, with
    /// `HUAWEICLOUD_SDK_SECURITY_TOKEN` when set.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Credentials::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        match (get(env::AK), get(env::SK)) {
            (Some(ak), Some(sk)) => Ok(match get(env::SECURITY_TOKEN) {
                Some(token) => Credentials::temporary(ak, sk, token),
                None => Credentials::aksk(ak, sk),
            }),
            (None, None) => Err(Error::Config(format!(
                "no credentials: set {} and {}, or use an IAM token",
                env::AK,
                env::SK
            ))),
            (Some(_), None) => Err(Error::Config(format!(
                "{} is set but {} is not",
                env::AK,
                env::SK
            ))),
            (None, Some(_)) => Err(Error::Config(format!(
                "{} is set but {} is not",
                env::SK,
                env::AK
            ))),
        }
    }

    /// Check the credentials can sign or authenticate at all.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        match self {
            Credentials::AkSk {
                keys,
                security_token,
            } => {
                if keys.access_key.is_empty() || keys.secret_key.is_empty() {
                    return Err(Error::Config(
                        "the access key and secret key must not be empty".into(),
                    ));
                }
                if let Some(token) = security_token {
                    check_header_value("security token", token.expose())?;
                }
                Ok(())
            }
            Credentials::Token(token) => check_header_value("IAM token", token.expose()),
            Credentials::Metadata(_) => Ok(()),
        }
    }
}

/// The credentials a request is signed with: those held, or temporary ones
/// just fetched.
pub(crate) enum ForSigning<'a> {
    Held(&'a Credentials),
    Fetched(Arc<Credentials>),
}

impl std::ops::Deref for ForSigning<'_> {
    type Target = Credentials;
    fn deref(&self) -> &Credentials {
        match self {
            ForSigning::Held(c) => c,
            ForSigning::Fetched(c) => c,
        }
    }
}

impl Credentials {
    /// AK/SK or a token to sign with now: metadata credentials are fetched,
    /// or refreshed when they expire soon.
    pub(crate) async fn for_signing(&self) -> Result<ForSigning<'_>, Error> {
        match self {
            Credentials::Metadata(provider) => provider.current().await.map(ForSigning::Fetched),
            held => Ok(ForSigning::Held(held)),
        }
    }
}

fn check_header_value(what: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() || value.chars().any(|c| c.is_control()) {
        Err(Error::Config(format!(
            "the {what} is empty or has control characters"
        )))
    } else {
        Ok(())
    }
}

impl From<signing::SigningKey> for Credentials {
    fn from(keys: signing::SigningKey) -> Self {
        Credentials::AkSk {
            keys,
            security_token: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn env_aksk_and_temporary() {
        let c = Credentials::from_lookup(lookup(&[(env::AK, "AK1"), (env::SK, "SK1")])).unwrap();
        assert!(matches!(
            c,
            Credentials::AkSk {
                security_token: None,
                ..
            }
        ));
        let c = Credentials::from_lookup(lookup(&[
            (env::AK, "AK1"),
            (env::SK, "SK1"),
            (env::SECURITY_TOKEN, "T"),
        ]))
        .unwrap();
        assert!(matches!(
            c,
            Credentials::AkSk {
                security_token: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn env_half_set_is_an_error() {
        let e = Credentials::from_lookup(lookup(&[(env::AK, "AK1")])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid client configuration: HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not"
        );
        assert!(Credentials::from_lookup(lookup(&[])).is_err());
    }

    #[test]
    fn debug_redacts_secrets() {
        let c = Credentials::temporary("AK-visible", "sk-distinctive-1", "token-distinctive-2");
        let shown = format!("{c:?}");
        assert!(shown.contains("AK-visible"));
        assert!(
            !shown.contains("sk-distinctive-1") && !shown.contains("token-distinctive-2"),
            "{shown}"
        );
        let t = format!("{:?}", Credentials::token("iam-distinctive-3"));
        assert!(!t.contains("iam-distinctive-3"), "{t}");
    }

    #[test]
    fn control_characters_in_tokens_are_refused() {
        assert!(Credentials::token("a\nb").validate().is_err());
        assert!(Credentials::token("").validate().is_err());
        assert!(Credentials::token("ok").validate().is_ok());
    }
}
