//! Signing secrets, decoded once and never printed.

use std::fmt;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use zeroize::Zeroize;

/// A key, decoded: an HMAC secret, or an ed25519 key
/// ([`SignatureScheme::secret`](crate::SignatureScheme::secret) decodes one as a scheme writes
/// it). Its `Debug` shows only its length, so a
/// secret never reaches a log by accident, and its memory is wiped when it is dropped.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// A secret or key that cannot be used. Never holds the secret, nor a character of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    #[error("the secret is empty")]
    Empty,
    #[error("the secret decodes to no bytes")]
    DecodesToNothing,
    /// Not base64 of either alphabet; `joined` when it holds a comma, as secrets joined into
    /// one text do.
    #[error("the secret is not base64url or base64{}", if *.joined { " (several secrets are given one by one, never joined with commas)" } else { "" })]
    NotBase64 { joined: bool },
    #[error("the secret has a space or a line break before or after it")]
    Padded,
    /// A prefix other senders write their secrets with, which this scheme does not declare.
    #[error(
        "the secret starts with `{prefix}`, a prefix this vendor's secrets are not written with: give the secret without it, or declare it as the scheme's secret_prefix if the vendor writes them so"
    )]
    ForeignPrefix { prefix: &'static str },
    #[error("an ed25519 public key is 32 bytes (written `whpk_` and base64 by Standard Webhooks)")]
    PublicKeyLength,
    #[error("an ed25519 private key is 32 bytes, or 64 with its public key")]
    PrivateKeyLength,
    #[error("the ed25519 private key's public half is not its seed's")]
    PublicHalf,
    #[error("an ed25519 private key's seed is 32 bytes")]
    SeedLength,
}

/// Padding optional and stray bits in the last symbol ignored, as Node's `base64url` and
/// Python's `urlsafe_b64decode` read secrets.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);

impl Secret {
    /// Decodes a base64 secret, in either alphabet: standard when it holds `+` or `/`,
    /// URL-safe otherwise, padding optional. The whole text is key material: the caller takes
    /// off any prefix first.
    pub fn from_base64(text: &str) -> Result<Secret, SecretError> {
        if text.is_empty() {
            return Err(SecretError::Empty);
        }
        let engine = if text.contains(['+', '/']) {
            &STANDARD
        } else {
            &URL_SAFE
        };
        // The decoder's error names the offending character: part of the secret, so not shown.
        let key = engine.decode(text).map_err(|_| SecretError::NotBase64 {
            joined: text.contains(','),
        })?;
        if key.is_empty() {
            return Err(SecretError::DecodesToNothing);
        }
        Ok(Secret(key))
    }

    /// A secret from its raw key bytes; an empty key is refused, as it signs nothing secret.
    pub fn from_bytes(key: impl Into<Vec<u8>>) -> Result<Secret, SecretError> {
        let key = key.into();
        if key.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Secret(key))
    }

    pub(crate) fn key(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes, redacted)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_and_standard_with_or_without_padding_decode_alike() {
        let key = b"\xfb\xff\xfe test key";
        for text in ["-__-IHRlc3Qga2V5", "+//+IHRlc3Qga2V5"] {
            assert_eq!(Secret::from_base64(text).unwrap().key(), key, "{text:?}");
        }
        assert_eq!(Secret::from_base64("dGVzdA").unwrap().key(), b"test");
        assert_eq!(Secret::from_base64("dGVzdA==").unwrap().key(), b"test");
    }

    #[test]
    fn bad_secrets_are_refused_without_being_repeated() {
        for text in ["", "not base64!", "a-b+c"] {
            let error = Secret::from_base64(text).unwrap_err().to_string();
            assert!(text.is_empty() || !error.contains(text), "{error}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let secret = Secret::from_base64("c2VjcmV0LWtleQ").unwrap();
        assert_eq!(format!("{secret:?}"), "Secret(10 bytes, redacted)");
    }
}
