//! TLS for the HTTP client the builder makes.
//!
//! rustls, with the crypto provider chosen by a cargo feature and handed to
//! reqwest as a finished `ClientConfig`, so that no process-wide provider is
//! installed: this crate never overrides another library's choice, and no
//! other library's choice changes what this crate uses.
//!
//! - `rustls` (default): the `ring` provider, which builds in seconds with a C
//!   compiler alone (no cmake, no Go).
//! - `aws-lc`: the `aws-lc-rs` provider, preferring the post-quantum
//!   X25519MLKEM768 key exchange; with rustls's `fips` feature also enabled it
//!   is the FIPS provider. It wins when both features are on.
//!
//! Certificates are checked by the platform's verifier
//! (`rustls-platform-verifier`: the operating system's trust store and
//! policies). A client for a plain `http://` endpoint (a local mock) reads no
//! trust store at all: its TLS configuration trusts nothing, so it works on a
//! machine without CA certificates and can never complete an `https`
//! handshake.
//!
//! reqwest built with `rustls-no-provider` (which this crate's features turn
//! on) has no provider of its own, so `reqwest::Client::builder().build()`
//! panics in a program that installs none. `reqwest_builder` and
//! `plain_http_builder` (with a TLS feature) are that builder with this
//! crate's TLS instead.

use crate::error::Error;

#[cfg(any(feature = "rustls", feature = "aws-lc"))]
mod rustls_config {
    use std::sync::Arc;

    use rustls::client::WantsClientCert;
    use rustls::crypto::CryptoProvider;
    use rustls::{ClientConfig, ConfigBuilder, RootCertStore};
    use rustls_platform_verifier::BuilderVerifierExt;

    use crate::error::Error;

    fn provider() -> Arc<CryptoProvider> {
        #[cfg(feature = "aws-lc")]
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        #[cfg(not(feature = "aws-lc"))]
        let provider = rustls::crypto::ring::default_provider();
        Arc::new(provider)
    }

    fn tls_error(e: rustls::Error) -> Error {
        Error::Config(format!("cannot set up TLS: {e}"))
    }

    fn finish(builder: ConfigBuilder<ClientConfig, WantsClientCert>) -> ClientConfig {
        let mut config = builder.with_no_client_auth();
        // reqwest sets ALPN only on configurations it builds itself, and this
        // crate's reqwest speaks HTTP/1.1 alone (no `http2` feature).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config
    }

    /// TLS 1.2 and 1.3, certificates checked by the platform's verifier.
    pub(super) fn verifying() -> Result<ClientConfig, Error> {
        let builder = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?;
        Ok(finish(builder.with_platform_verifier().map_err(tls_error)?))
    }

    /// A configuration that trusts no certificate and reads no trust store.
    pub(super) fn trusting_nothing() -> Result<ClientConfig, Error> {
        let builder = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?;
        Ok(finish(
            builder.with_root_certificates(RootCertStore::empty()),
        ))
    }

    /// The provider in use, for logs and reports.
    pub(super) const PROVIDER: &str = if cfg!(feature = "aws-lc") {
        "aws-lc-rs"
    } else {
        "ring"
    };
}

/// `reqwest::Client::builder()` with this crate's TLS: rustls with the
/// feature's crypto provider and the platform's certificate verifier; like
/// every builder here, it follows no redirect and sends no `Referer`.
///
/// For the `reqwest::Client` a program hands to
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) (a proxy,
/// pool settings), or for any other `reqwest::Client` in a program that has
/// no crypto provider of its own. reqwest's own TLS settings (extra roots,
/// version bounds) do not apply to a preconfigured configuration.
///
/// Fails when the platform's trust store cannot be read (no CA certificates
/// on the machine).
#[cfg(any(feature = "rustls", feature = "aws-lc"))]
pub fn reqwest_builder() -> Result<reqwest::ClientBuilder, Error> {
    Ok(without_redirects().tls_backend_preconfigured(rustls_config::verifying()?))
}

/// `reqwest::Client::builder()` for a client that only ever talks plain
/// `http://` (a local endpoint, a test server): its TLS configuration trusts
/// no certificate, so no trust store is read and every `https://` request
/// fails its handshake.
#[cfg(any(feature = "rustls", feature = "aws-lc"))]
pub fn plain_http_builder() -> Result<reqwest::ClientBuilder, Error> {
    Ok(without_redirects().tls_backend_preconfigured(rustls_config::trusting_nothing()?))
}

/// The crypto provider this build uses: `ring`, `aws-lc-rs`, or `none` when
/// the crate was built without TLS.
pub fn provider() -> &'static str {
    #[cfg(any(feature = "rustls", feature = "aws-lc"))]
    return rustls_config::PROVIDER;
    #[cfg(not(any(feature = "rustls", feature = "aws-lc")))]
    return "none";
}

/// The builder of the client [`crate::ClientBuilder`] makes: verifying TLS for
/// an `https` endpoint, none needed for an `http` one.
pub(crate) fn builder_for(https: bool) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(any(feature = "rustls", feature = "aws-lc"))]
    return if https {
        reqwest_builder()
    } else {
        plain_http_builder()
    };
    #[cfg(not(any(feature = "rustls", feature = "aws-lc")))]
    {
        let _ = https;
        Ok(without_redirects())
    }
}

/// `reqwest::Client::builder()` that follows no redirect and sends no
/// `Referer`. The API never redirects; following one would send the token or
/// the signature to whatever host the `Location` names (a 3xx is an error,
/// see the transport), and a `Referer` would carry the full URL with it.
fn without_redirects() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
}
