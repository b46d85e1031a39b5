//! What an extractor needs to know, taken from the router's state with `FromRef`.

use std::fmt;
use std::sync::Arc;

use hookschema_signature::{Secret, Verifier};
use sha2::{Digest, Sha256};

/// The largest body read by default: 2 MiB, as axum's own default.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// How deliveries are received: how they are authenticated (`A`), how large a body may be, and
/// whether a delivery that decodes but breaks the strict schema is refused.
///
/// Cloning is cheap (the router's state hands the extractor a clone per request): the
/// authenticator, which holds the secrets, is shared.
#[derive(Debug)]
pub struct Config<A> {
    pub(crate) auth: Arc<A>,
    pub(crate) max_body_bytes: usize,
    pub(crate) strict: bool,
}

/// Kaizen: signatures checked by a [`Verifier`].
pub type KaizenConfig = Config<Verifier>;

/// ComfyDeploy: a [`UrlToken`].
pub type ComfyDeployConfig = Config<UrlToken>;

impl<A> Clone for Config<A> {
    fn clone(&self) -> Self {
        Config {
            auth: Arc::clone(&self.auth),
            max_body_bytes: self.max_body_bytes,
            strict: self.strict,
        }
    }
}

impl<A> Config<A> {
    /// Receive with your own [`Authenticate`](crate::Authenticate), with the default body limit,
    /// keeping drifted deliveries.
    pub fn with_auth(auth: A) -> Self {
        Config {
            auth: Arc::new(auth),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            strict: false,
        }
    }

    /// Refuse bodies over `bytes` with 413.
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Refuse, with 422, deliveries that decode but break the strict schema, instead of keeping
    /// them with their violations.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }
}

/// A configuration that would refuse every delivery, or let any request in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(&'static str);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config<Verifier> {
    /// Accept deliveries signed with any of `secrets` (more than one while rotating), with the
    /// default tolerance and body limit, keeping drifted deliveries. No secret at all is an
    /// error: every delivery would be refused.
    pub fn new(secrets: Vec<Secret>) -> Result<Self, ConfigError> {
        if secrets.is_empty() {
            return Err(ConfigError(
                "no Kaizen signing secret: every delivery would be refused",
            ));
        }
        Ok(Config::with_auth(Verifier::new(secrets)))
    }

    /// Accept timestamps up to `seconds` from now, either way.
    pub fn with_tolerance(mut self, seconds: u64) -> Self {
        self.auth = Arc::new(Verifier::clone(&self.auth).with_tolerance(seconds));
        self
    }
}

impl Config<UrlToken> {
    /// Accept deliveries whose URL carries `?token=<token>`, with the default body limit,
    /// keeping drifted deliveries. An empty token is an error: `?token=` would let anyone in.
    pub fn new(token: &str) -> Result<Self, ConfigError> {
        if token.is_empty() {
            return Err(ConfigError(
                "the ComfyDeploy token is empty: any request would authenticate",
            ));
        }
        Ok(Config::with_auth(UrlToken {
            digest: Sha256::digest(token.as_bytes()).into(),
            parameter: "token".to_owned(),
        }))
    }

    /// Read the token from this query parameter instead of `token`.
    pub fn with_token_parameter(mut self, name: &str) -> Self {
        let mut token = UrlToken::clone(&self.auth);
        token.parameter = name.to_owned();
        self.auth = Arc::new(token);
        self
    }
}

/// A secret the sender puts in the webhook URL's query string. ComfyDeploy does not sign its
/// webhooks; its documentation has the receiver put a secret in the URL it gives ComfyDeploy,
/// e.g. `https://example.com/comfydeploy?token=…`. The URL must percent-encode the token
/// (`+`, `&` and `%` especially: the query string reads `+` as a space); a token of letters,
/// digits, `-` and `_` needs no encoding.
#[derive(Clone)]
pub struct UrlToken {
    /// The token's SHA-256: comparing digests takes the same time whatever the lengths.
    pub(crate) digest: [u8; 32],
    pub(crate) parameter: String,
}

impl fmt::Debug for UrlToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UrlToken")
            .field("token", &"redacted")
            .field("parameter", &self.parameter)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_that_would_let_anyone_in_or_no_one_is_refused() {
        assert!(ComfyDeployConfig::new("").is_err());
        assert!(KaizenConfig::new(Vec::new()).is_err());
        assert!(ComfyDeployConfig::new("t0ken").is_ok());
    }
}
