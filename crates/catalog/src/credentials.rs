//! The credentials a webhook's authentication takes, read as people give them: in an
//! environment variable named after the vendor, or on a command line.

use hookschema_signature::{Secret, SecretError};

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

/// Credentials that cannot be used. Each names where they came from (an environment
/// variable, a flag) and never repeats them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// A secret the webhook's scheme cannot decode.
    #[error("{source_name}: {error}")]
    Secret {
        source_name: String,
        error: SecretError,
    },
    /// A URL token given more than once, or not at all.
    #[error("{webhook} takes one URL token; given {}: {}", sources.len(), sources.join(", "))]
    Tokens {
        webhook: String,
        sources: Vec<String>,
    },
    /// An environment variable whose value is not UTF-8.
    #[error("{variable} is not UTF-8")]
    NotUtf8 { variable: String },
}

impl Webhook {
    /// The credentials `given`, each with where it came from (an environment variable's name, a
    /// command line's flag) for its errors: for a signed webhook, one secret or more (while a
    /// secret is rotated), each decoded as the scheme writes it, never split on a character it
    /// may hold; for a URL token, one token.
    pub fn credentials(&self, given: &[(&str, &str)]) -> Result<Credentials, CredentialError> {
        match &self.auth {
            Auth::Signed(scheme) => given
                .iter()
                .map(|(source, text)| {
                    scheme
                        .secret(text)
                        .map_err(|error| CredentialError::Secret {
                            source_name: (*source).to_owned(),
                            error,
                        })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Credentials::Secrets),
            Auth::UrlToken { .. } => match given {
                [(_, token)] => Ok(Credentials::Token((*token).to_owned())),
                _ => {
                    let sources = given.iter().map(|(source, _)| (*source).to_owned());
                    Err(CredentialError::Tokens {
                        webhook: self.name().to_owned(),
                        sources: sources.collect(),
                    })
                }
            },
            Auth::None => Ok(Credentials::None),
        }
    }

    /// The credentials in the webhook's environment variables; `None` when none is set. A
    /// webhook that takes none has them always. A URL token is in its variable
    /// ([`Webhook::credential_variable`]); signing secrets are in it and, while a secret is
    /// rotated, in the same name followed by `_` and a number (`HOOKSCHEMA_ACME_SECRET_2`), one
    /// secret a variable.
    pub fn credentials_from_env(&self) -> Result<Option<Credentials>, CredentialError> {
        if self.credential_variable().is_none() {
            return Ok(Some(Credentials::None));
        }
        let given = self.credential_texts_from_env()?;
        if given.is_empty() {
            return Ok(None);
        }
        let given: Vec<(&str, &str)> = given
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect();
        self.credentials(&given).map(Some)
    }

    /// The texts of the webhook's credential variables, each with the variable's name, as
    /// [`Webhook::credentials_from_env`] reads them, undecoded: for a sender's side, whose keys
    /// a scheme decodes otherwise (an ed25519 private key). Empty when none is set.
    pub fn credential_texts_from_env(&self) -> Result<Vec<(String, String)>, CredentialError> {
        let Some(variable) = self.credential_variable() else {
            return Ok(Vec::new());
        };
        let rotation = |name: &str| {
            name.strip_prefix(variable.as_str())
                .and_then(|rest| rest.strip_prefix('_'))
                .and_then(|number| number.parse::<u32>().ok())
        };
        let mut names: Vec<(u32, String)> = std::env::vars_os()
            .filter_map(|(name, _)| name.into_string().ok())
            .filter_map(|name| match (name == variable, &self.auth) {
                (true, _) => Some((0, name)),
                (false, Auth::Signed(_)) => rotation(&name).map(|number| (number, name)),
                (false, _) => None,
            })
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|(_, name)| match std::env::var(&name) {
                Ok(text) => Ok((name, text)),
                Err(_) => Err(CredentialError::NotUtf8 { variable: name }),
            })
            .collect()
    }
}
