//! How a sender signs: one HMAC-SHA256 scheme, set by the headers it uses, the text it signs,
//! and how the digest and the secret are written. Kaizen Automation's webhooks and the Standard
//! Webhooks specification (Svix and the senders that follow it) are two settings of it; a
//! vendor file under `schemas/` gives a vendor's.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::secret::{Secret, SecretError};

/// How far a timestamp may be from now, either way, when a scheme does not say: five minutes,
/// the common choice (Standard Webhooks, Stripe).
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// An HMAC-SHA256 signing scheme.
///
/// The sender computes HMAC-SHA256, keyed with the decoded secret, of [`Self::signed_content`]
/// (the delivery id, the timestamp and the raw body, as the template places them) and sends
/// `<signature_prefix><digest>` in [`Self::signature_header`]: several such entries, separated
/// by spaces, while a secret is rotated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HmacScheme {
    /// The header carrying the delivery's id, when the sender sends one: required then, and 1
    /// to [`MAX_ID_LEN`](crate::MAX_ID_LEN) bytes of printable ASCII.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_header: Option<String>,
    /// The header carrying when the delivery was signed, in Unix seconds, when the sender sends
    /// one: required then, and within [`Self::tolerance_seconds`] of now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_header: Option<String>,
    /// The header carrying the signatures.
    pub signature_header: String,
    /// What stands before each digest: its version and a separator, such as `v1=` or `v1,`.
    /// Entries with another prefix (another version) are skipped.
    pub signature_prefix: String,
    pub digest_encoding: DigestEncoding,
    /// What is signed, such as `{id}.{timestamp}.{body}`.
    pub signed_content: SignedContent,
    pub secret_encoding: SecretEncoding,
    /// A prefix the secret may be written with, such as `whsec_`: taken off before decoding,
    /// when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_prefix: Option<String>,
    /// How far, in seconds, a timestamp may be from now, either way.
    #[serde(default = "default_tolerance")]
    pub tolerance_seconds: u64,
}

fn default_tolerance() -> u64 {
    DEFAULT_TOLERANCE_SECS
}

/// How a digest is written in the signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DigestEncoding {
    /// 64 lowercase hex digits.
    Hex,
    /// Standard base64 with padding: 44 characters.
    Base64,
}

/// How a secret is written where the receiver is given it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretEncoding {
    /// base64, in either alphabet (`+/` or `-_`), padding optional: the key is the decoded
    /// bytes.
    Base64,
    /// The text itself is the key.
    Utf8,
}

/// The text a scheme signs: literal text and the placeholders `{id}`, `{timestamp}` and
/// `{body}`, the raw body exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SignedContent {
    template: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Id,
    Timestamp,
    Body,
}

/// A scheme that cannot work as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeError(String);

impl fmt::Display for SchemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemeError {}

impl TryFrom<String> for SignedContent {
    type Error = SchemeError;

    fn try_from(template: String) -> Result<Self, SchemeError> {
        let mut parts = Vec::new();
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .map(|at| open + at)
                .ok_or_else(|| SchemeError(format!("`{template}`: a `{{` without its `}}`")))?;
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            parts.push(match &rest[open + 1..close] {
                "id" => Part::Id,
                "timestamp" => Part::Timestamp,
                "body" => Part::Body,
                other => {
                    return Err(SchemeError(format!(
                        "`{template}`: `{{{other}}}` is none of {{id}}, {{timestamp}}, {{body}}"
                    )));
                }
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        for (part, name) in [(Part::Id, "id"), (Part::Timestamp, "timestamp")] {
            if parts.iter().filter(|p| **p == part).count() > 1 {
                return Err(SchemeError(format!("`{template}` places {{{name}}} twice")));
            }
        }
        if parts.iter().filter(|p| **p == Part::Body).count() != 1 {
            return Err(SchemeError(format!(
                "`{template}` must place the raw {{body}} exactly once"
            )));
        }
        Ok(SignedContent { template, parts })
    }
}

impl From<SignedContent> for String {
    fn from(content: SignedContent) -> String {
        content.template
    }
}

impl fmt::Display for SignedContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.template)
    }
}

impl SignedContent {
    fn uses(&self, part: &Part) -> bool {
        self.parts.contains(part)
    }

    /// Feeds the signed text to `update`, piece by piece, without copying the body.
    pub(crate) fn feed(
        &self,
        id: &[u8],
        timestamp: &[u8],
        body: &[u8],
        mut update: impl FnMut(&[u8]),
    ) {
        for part in &self.parts {
            update(match part {
                Part::Text(text) => text.as_bytes(),
                Part::Id => id,
                Part::Timestamp => timestamp,
                Part::Body => body,
            });
        }
    }
}

impl HmacScheme {
    /// Whether the scheme can work: the headers it signs are ones it reads, its names are
    /// header names, and its prefix separates entries unambiguously.
    pub fn check(&self) -> Result<(), SchemeError> {
        let headers = [
            ("id_header", self.id_header.as_deref()),
            ("timestamp_header", self.timestamp_header.as_deref()),
            ("signature_header", Some(self.signature_header.as_str())),
        ];
        for (field, name) in headers {
            if let Some(name) = name
                && !is_header_name(name)
            {
                return Err(SchemeError(format!(
                    "{field} `{name}` is not a header name"
                )));
            }
        }
        if self.signed_content.uses(&Part::Id) && self.id_header.is_none() {
            return Err(SchemeError(format!(
                "`{}` signs {{id}}, but no id_header carries it",
                self.signed_content
            )));
        }
        if self.signed_content.uses(&Part::Timestamp) && self.timestamp_header.is_none() {
            return Err(SchemeError(format!(
                "`{}` signs {{timestamp}}, but no timestamp_header carries it",
                self.signed_content
            )));
        }
        if self.timestamp_header.is_some() && !self.signed_content.uses(&Part::Timestamp) {
            return Err(SchemeError(
                "a timestamp that is not signed proves nothing: sign {timestamp}".to_owned(),
            ));
        }
        if self.signature_prefix.contains(char::is_whitespace) {
            return Err(SchemeError(
                "signature_prefix must not hold spaces, which separate signatures".to_owned(),
            ));
        }
        Ok(())
    }

    /// Decodes a secret as this scheme writes it: [`Self::secret_prefix`] taken off, when
    /// present, then decoded.
    ///
    /// A secret that would decode into a key no sender signs with is refused rather than taken
    /// silently (every delivery would then fail with `no_matching_signature`): one with spaces
    /// or a line break around it, and a base64 secret that starts with a prefix other senders
    /// write their secrets with ([`FOREIGN_SECRET_PREFIXES`]) which this scheme does not declare,
    /// since base64 would read the prefix as key bytes.
    pub fn secret(&self, text: &str) -> Result<Secret, SecretError> {
        if text.trim() != text {
            return Err(SecretError::new(
                "the secret has a space or a line break before or after it",
            ));
        }
        let key = match &self.secret_prefix {
            Some(prefix) => text.strip_prefix(prefix.as_str()).unwrap_or(text),
            None => text,
        };
        match self.secret_encoding {
            SecretEncoding::Base64 => {
                let foreign = FOREIGN_SECRET_PREFIXES
                    .iter()
                    .find(|foreign| key.starts_with(**foreign));
                if let Some(foreign) = foreign {
                    return Err(SecretError::new(format!(
                        "the secret starts with `{foreign}`, a prefix this vendor's secrets are \
                         not written with: give the secret without it, or declare it as the \
                         scheme's secret_prefix if the vendor writes them so"
                    )));
                }
                Secret::from_base64(key)
            }
            SecretEncoding::Utf8 => Secret::from_bytes(key.as_bytes().to_vec()),
        }
    }
}

/// Prefixes senders write their secrets with, which a base64 secret of a scheme that does not
/// declare them must not start with: `whsec_`, the Standard Webhooks specification's (Svix,
/// Stripe and the senders that follow them write every secret so).
pub const FOREIGN_SECRET_PREFIXES: &[&str] = &["whsec_"];

/// An HTTP header name: one or more token characters (RFC 9110 §5.6.2).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(template: &str) -> Result<SignedContent, SchemeError> {
        SignedContent::try_from(template.to_owned())
    }

    #[test]
    fn templates_place_the_body_once_and_name_only_known_parts() {
        assert!(content("{id}.{timestamp}.{body}").is_ok());
        assert!(content("{body}").is_ok());
        for bad in [
            "{id}.{timestamp}",
            "{body}{body}",
            "{id}{id}{body}",
            "{who}.{body}",
            "{body",
        ] {
            assert!(content(bad).is_err(), "{bad}");
        }
        let mut signed = Vec::new();
        content("t={timestamp}|{id}|{body}")
            .unwrap()
            .feed(b"i", b"7", b"{}", |part| signed.extend_from_slice(part));
        assert_eq!(signed, b"t=7|i|{}");
    }

    fn scheme(encoding: SecretEncoding, prefix: Option<&str>) -> HmacScheme {
        HmacScheme {
            id_header: None,
            timestamp_header: None,
            signature_header: "signature".into(),
            signature_prefix: "v1=".into(),
            digest_encoding: DigestEncoding::Hex,
            signed_content: content("{body}").unwrap(),
            secret_encoding: encoding,
            secret_prefix: prefix.map(str::to_owned),
            tolerance_seconds: DEFAULT_TOLERANCE_SECS,
        }
    }

    #[test]
    fn secrets_that_would_sign_with_the_wrong_key_are_refused() {
        let base64 = scheme(SecretEncoding::Base64, None);
        assert_eq!(base64.secret("dGVzdA").unwrap().key(), b"test");
        for stray in [" dGVzdA", "dGVzdA\n", "dGVzdA ", "\tdGVzdA"] {
            let error = base64.secret(stray).unwrap_err().to_string();
            assert!(
                error.contains("space or a line break"),
                "{stray:?}: {error}"
            );
        }
        // base64url reads `whsec_` as key bytes: a secret of another scheme, or one copied with
        // its prefix, is refused.
        let error = base64.secret("whsec_dGVzdA").unwrap_err().to_string();
        assert!(error.contains("`whsec_`"), "{error}");
        assert!(
            !error.contains("dGVzdA"),
            "the secret is never repeated: {error}"
        );
        let error = base64.secret("dGVzdA,b3RoZXI").unwrap_err().to_string();
        assert!(error.contains("one by one"), "{error}");
        // Declared, the prefix is taken off, and optional.
        let declared = scheme(SecretEncoding::Base64, Some("whsec_"));
        assert_eq!(declared.secret("whsec_dGVzdA").unwrap().key(), b"test");
        assert_eq!(declared.secret("dGVzdA").unwrap().key(), b"test");
        // Text secrets are key material whatever they start with (Stripe signs with the whole
        // `whsec_…` text); spaces inside one are its own.
        let text = scheme(SecretEncoding::Utf8, None);
        assert_eq!(text.secret("whsec_abc").unwrap().key(), b"whsec_abc");
        assert_eq!(text.secret("a b,c").unwrap().key(), b"a b,c");
        assert!(text.secret("abc\n").is_err());
    }
}
