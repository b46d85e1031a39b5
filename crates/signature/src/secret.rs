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

/// A secret that cannot be decoded. The message never repeats the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretError(String);

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SecretError {}

impl SecretError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        SecretError(message.into())
    }
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
            return Err(SecretError("the secret is empty".to_owned()));
        }
        let engine = if text.contains(['+', '/']) {
            &STANDARD
        } else {
            &URL_SAFE
        };
        // The decoder's error names the offending character: part of the secret, so not shown.
        let key = engine.decode(text).map_err(|_| {
            let hint = if text.contains(',') {
                " (several secrets are given one by one, never joined with commas)"
            } else {
                ""
            };
            SecretError(format!("the secret is not base64url or base64{hint}"))
        })?;
        if key.is_empty() {
            return Err(SecretError("the secret decodes to no bytes".to_owned()));
        }
        Ok(Secret(key))
    }

    /// A secret from its raw key bytes; an empty key is refused, as it signs nothing secret.
    pub fn from_bytes(key: impl Into<Vec<u8>>) -> Result<Secret, SecretError> {
        let key = key.into();
        if key.is_empty() {
            return Err(SecretError("the secret is empty".to_owned()));
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
