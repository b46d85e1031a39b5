//! Signing secrets, decoded once and never printed.

use std::fmt;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use zeroize::Zeroize;

/// A Kaizen signing secret, decoded to the HMAC key. Its `Debug` shows only its length, so a
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

/// Padding optional and stray bits in the last symbol ignored, as Kaizen's own sample (Node's
/// `base64url`) and Python's `urlsafe_b64decode` read secrets.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);

impl Secret {
    /// Decodes a secret as Kaizen gives it: base64url, padding optional. Standard base64 (with
    /// `+` and `/`) is accepted too, and surrounding whitespace (a newline from a file or an
    /// environment variable) is ignored. The whole text is key material: no prefix is
    /// stripped, as in Kaizen's sample.
    pub fn decode(text: &str) -> Result<Secret, SecretError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SecretError("the secret is empty".to_owned()));
        }
        let engine = if text.contains(['+', '/']) {
            &STANDARD
        } else {
            &URL_SAFE
        };
        // The decoder's error names the offending character: part of the secret, so not shown.
        let key = engine
            .decode(text)
            .map_err(|_| SecretError("the secret is not base64url or base64".to_owned()))?;
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
        for text in [
            "-__-IHRlc3Qga2V5",
            "+//+IHRlc3Qga2V5",
            " -__-IHRlc3Qga2V5\n",
        ] {
            assert_eq!(Secret::decode(text).unwrap().key(), key, "{text:?}");
        }
        assert_eq!(Secret::decode("dGVzdA").unwrap().key(), b"test");
        assert_eq!(Secret::decode("dGVzdA==").unwrap().key(), b"test");
    }

    #[test]
    fn bad_secrets_are_refused_without_being_repeated() {
        for text in ["", "  ", "not base64!", "a-b+c"] {
            let error = Secret::decode(text).unwrap_err().to_string();
            assert!(
                text.trim().is_empty() || !error.contains(text.trim()),
                "{error}"
            );
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let secret = Secret::decode("c2VjcmV0LWtleQ").unwrap();
        assert_eq!(format!("{secret:?}"), "Secret(10 bytes, redacted)");
    }
}
