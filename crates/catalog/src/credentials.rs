//! The credentials a webhook's authentication takes, read as people give them: in an
//! environment variable named after the vendor, or on a command line.

use std::fmt;

use hookschema_signature::Secret;

use crate::webhook::{Auth, Webhook};

/// The credentials a webhook's authentication takes.
#[derive(Debug)]
pub enum Credentials {
    /// Signing secrets, for `hmac-sha256`: more than one while a secret is rotated.
    Secrets(Vec<Secret>),
    /// The URL token, for `url-token`.
    Token(String),
    /// Nothing, for `none`.
    None,
}

/// Credentials that cannot be used. The message names where they came from and never repeats
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialError(String);

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CredentialError {}

impl Webhook {
    /// The credentials in `text`, as written where they are given: for a signed webhook, one or
    /// more secrets separated by commas, each decoded as the scheme writes it; for a URL token,
    /// the token. `source` names where the text came from, for the error.
    pub fn credentials(&self, text: &str, source: &str) -> Result<Credentials, CredentialError> {
        match &self.auth {
            Auth::HmacSha256(scheme) => text
                .split(',')
                .enumerate()
                .map(|(i, secret)| {
                    scheme.secret(secret).map_err(|error| {
                        CredentialError(format!("{source}: secret #{}: {error}", i + 1))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Credentials::Secrets),
            Auth::UrlToken { .. } => Ok(Credentials::Token(text.to_owned())),
            Auth::None => Ok(Credentials::None),
        }
    }

    /// The credentials in the webhook's environment variable
    /// ([`Webhook::credential_variable`]); `None` when it is not set. A webhook that takes none
    /// has them always.
    pub fn credentials_from_env(&self) -> Result<Option<Credentials>, CredentialError> {
        let Some(variable) = self.credential_variable() else {
            return Ok(Some(Credentials::None));
        };
        match std::env::var(&variable) {
            Ok(text) => self.credentials(&text, &variable).map(Some),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(CredentialError(format!("{variable} is not UTF-8")))
            }
        }
    }
}
