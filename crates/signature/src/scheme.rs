//! How a sender signs: one scheme, set by its algorithm (HMAC-SHA256 with a shared secret, or
//! ed25519 with a key pair), the headers it uses, the text it signs, and how the signature and
//! the key are written. GitHub, Stripe, Slack, Shopify, Kaizen Automation and the Standard
//! Webhooks specification (Svix and the senders that follow it) are settings of it; a vendor
//! file under `schemas/` gives a vendor's.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::secret::{Secret, SecretError};

/// How far a timestamp may be from now, either way, when a scheme does not say: five minutes,
/// the common choice (Standard Webhooks, Stripe).
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// A signing scheme.
///
/// The sender signs [`Self::signed_content`] (the delivery id, the timestamp and the raw body,
/// as the template places them) with its key, and sends `<signature_prefix><signature>` in
/// [`Self::signature_header`]: several such entries, separated by spaces or commas, while a key
/// is rotated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureScheme {
    /// How the signature is made, as a vendor file's `auth.scheme` names it.
    #[serde(rename = "scheme")]
    pub algorithm: Algorithm,
    /// The header carrying the delivery's id, when the sender signs one: required then, and 1
    /// to [`MAX_ID_LEN`](crate::MAX_ID_LEN) bytes of printable ASCII.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_header: Option<String>,
    /// The header carrying when the delivery was signed, in Unix seconds, when the sender sends
    /// one: required then, and within [`Self::tolerance_seconds`] of now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_header: Option<String>,
    /// When the timestamp is one entry among others of its header, such as `t=` in Stripe's
    /// `Stripe-Signature: t=…,v1=…`: what that entry starts with. Required when the timestamp
    /// travels in the signature header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_prefix: Option<String>,
    /// The header carrying the signatures.
    pub signature_header: String,
    /// What stands before each signature: its version and a separator, such as `v1=` or `v1,`,
    /// or nothing. Entries with another prefix (another version) are skipped.
    pub signature_prefix: String,
    pub digest_encoding: DigestEncoding,
    /// What is signed, such as `{id}.{timestamp}.{body}`.
    pub signed_content: SignedContent,
    pub secret_encoding: SecretEncoding,
    /// A prefix the receiver's key may be written with, such as `whsec_` (an HMAC secret) or
    /// `whpk_` (an ed25519 public key): taken off before decoding, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_prefix: Option<String>,
    /// ed25519 only: a prefix the sender's private key may be written with, such as `whsk_`,
    /// for signing (tests, and `hookschema sign`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key_prefix: Option<String>,
    /// How far, in seconds, a timestamp may be from now, either way.
    #[serde(default = "default_tolerance")]
    pub tolerance_seconds: u64,
}

/// How a signature is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Algorithm {
    /// HMAC-SHA256 keyed with a secret both sides hold: a 32-byte signature.
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
    /// ed25519 (RFC 8032): the sender signs with its private key, the receiver holds only the
    /// public key: a 64-byte signature.
    #[serde(rename = "ed25519")]
    Ed25519,
}

impl Algorithm {
    /// How many bytes a signature is.
    pub(crate) fn signature_len(self) -> usize {
        match self {
            Algorithm::HmacSha256 => 32,
            Algorithm::Ed25519 => 64,
        }
    }
}

fn default_tolerance() -> u64 {
    DEFAULT_TOLERANCE_SECS
}

/// How a signature is written in the signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DigestEncoding {
    /// Lowercase hex digits: 64 for HMAC-SHA256.
    Hex,
    /// Standard base64 with padding: 44 characters for HMAC-SHA256, 88 for ed25519.
    Base64,
}

/// How a key is written where the receiver (or, for signing, the sender) is given it.
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

/// A scheme that cannot work as written: which setting, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemeError {
    #[error("`{template}`: a `{{` without its `}}`")]
    UnclosedPlaceholder { template: String },
    #[error("`{template}`: `{{{placeholder}}}` is none of {{id}}, {{timestamp}}, {{body}}")]
    UnknownPlaceholder {
        template: String,
        placeholder: String,
    },
    #[error("`{template}` places {{{placeholder}}} twice")]
    RepeatedPlaceholder {
        template: String,
        placeholder: &'static str,
    },
    #[error("`{template}` must place the raw {{body}} exactly once")]
    BodyNotOnce { template: String },
    /// `field` is `id_header`, `timestamp_header` or `signature_header`.
    #[error("{field} `{name}` is not a header name")]
    NotHeaderName { field: &'static str, name: String },
    #[error(
        "`{header}` is the id_header and also carries the timestamp or the signatures: one \
         header cannot play two parts"
    )]
    IdHeaderShared { header: String },
    #[error(
        "`{header}` carries the timestamp and the signatures: say which entry is the timestamp \
         with timestamp_prefix (Stripe's is `t=`)"
    )]
    TimestampEntryUnnamed { header: String },
    #[error("timestamp_prefix without a timestamp_header")]
    TimestampPrefixWithoutHeader,
    #[error("timestamp_prefix `{prefix}` would take signature entries for the timestamp")]
    TimestampPrefixAmbiguous { prefix: String },
    #[error("`{content}` signs {{id}}, but no id_header carries it")]
    IdNotCarried { content: String },
    #[error("`{content}` signs {{timestamp}}, but no timestamp_header carries it")]
    TimestampNotCarried { content: String },
    #[error("a timestamp that is not signed proves nothing: sign {{timestamp}}")]
    TimestampNotSigned,
    #[error("signature_prefix must not hold spaces, which separate signatures")]
    SpaceInSignaturePrefix,
    #[error(
        "signing_key_prefix is for ed25519's private keys: an HMAC secret is the secret_prefix's"
    )]
    SigningKeyPrefixForHmac,
    #[error("ed25519 signatures and keys are written in base64")]
    Ed25519NotBase64,
}

impl TryFrom<String> for SignedContent {
    type Error = SchemeError;

    fn try_from(template: String) -> Result<Self, SchemeError> {
        let mut parts = Vec::new();
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|at| open + at).ok_or_else(|| {
                SchemeError::UnclosedPlaceholder {
                    template: template.clone(),
                }
            })?;
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            parts.push(match &rest[open + 1..close] {
                "id" => Part::Id,
                "timestamp" => Part::Timestamp,
                "body" => Part::Body,
                other => {
                    return Err(SchemeError::UnknownPlaceholder {
                        template: template.clone(),
                        placeholder: other.to_owned(),
                    });
                }
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        for (part, name) in [(Part::Id, "id"), (Part::Timestamp, "timestamp")] {
            if parts.iter().filter(|p| **p == part).count() > 1 {
                return Err(SchemeError::RepeatedPlaceholder {
                    template,
                    placeholder: name,
                });
            }
        }
        if parts.iter().filter(|p| **p == Part::Body).count() != 1 {
            return Err(SchemeError::BodyNotOnce { template });
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

impl SignatureScheme {
    /// Whether the scheme can work: the headers it signs are ones it reads, its names are
    /// header names, each header plays one part unless the scheme says how it is split, its
    /// prefixes separate entries unambiguously, and its encodings fit its algorithm.
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
                return Err(SchemeError::NotHeaderName {
                    field,
                    name: name.to_owned(),
                });
            }
        }
        let same =
            |a: &Option<String>, b: &str| a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(b));
        if let Some(id) = &self.id_header
            && (same(&self.timestamp_header, id) || id.eq_ignore_ascii_case(&self.signature_header))
        {
            return Err(SchemeError::IdHeaderShared { header: id.clone() });
        }
        if same(&self.timestamp_header, &self.signature_header) && self.timestamp_prefix.is_none() {
            return Err(SchemeError::TimestampEntryUnnamed {
                header: self.signature_header.clone(),
            });
        }
        if let Some(prefix) = &self.timestamp_prefix {
            if self.timestamp_header.is_none() {
                return Err(SchemeError::TimestampPrefixWithoutHeader);
            }
            if prefix.is_empty() || prefix.starts_with(&self.signature_prefix) {
                return Err(SchemeError::TimestampPrefixAmbiguous {
                    prefix: prefix.clone(),
                });
            }
        }
        if self.signed_content.uses(&Part::Id) && self.id_header.is_none() {
            return Err(SchemeError::IdNotCarried {
                content: self.signed_content.to_string(),
            });
        }
        if self.signed_content.uses(&Part::Timestamp) && self.timestamp_header.is_none() {
            return Err(SchemeError::TimestampNotCarried {
                content: self.signed_content.to_string(),
            });
        }
        if self.timestamp_header.is_some() && !self.signed_content.uses(&Part::Timestamp) {
            return Err(SchemeError::TimestampNotSigned);
        }
        if self.signature_prefix.contains(char::is_whitespace) {
            return Err(SchemeError::SpaceInSignaturePrefix);
        }
        match self.algorithm {
            Algorithm::HmacSha256 if self.signing_key_prefix.is_some() => {
                Err(SchemeError::SigningKeyPrefixForHmac)
            }
            Algorithm::Ed25519
                if self.digest_encoding != DigestEncoding::Base64
                    || self.secret_encoding != SecretEncoding::Base64 =>
            {
                Err(SchemeError::Ed25519NotBase64)
            }
            _ => Ok(()),
        }
    }

    /// Decodes the receiver's key as this scheme writes it: an HMAC secret, or an ed25519
    /// public key; [`Self::secret_prefix`] taken off, when present, then decoded.
    ///
    /// A key that would never verify a sender's signature is refused rather than taken
    /// silently (every delivery would then fail with `no_matching_signature`): one with spaces
    /// or a line break around it, a base64 one that starts with a prefix other senders write
    /// their secrets with ([`FOREIGN_SECRET_PREFIXES`]) which this scheme does not declare,
    /// since base64 would read the prefix as key bytes, and an ed25519 public key that is not
    /// 32 bytes.
    pub fn secret(&self, text: &str) -> Result<Secret, SecretError> {
        let key = self.decode(text, self.secret_prefix.as_deref())?;
        if self.algorithm == Algorithm::Ed25519 && key.key().len() != 32 {
            return Err(SecretError::PublicKeyLength);
        }
        Ok(key)
    }

    /// Decodes the sender's key, for signing: the same secret for HMAC; for ed25519 the
    /// private key, written after [`Self::signing_key_prefix`], as its 32-byte seed or the 64
    /// bytes of seed and public key that libsodium writes.
    pub fn signing_key(&self, text: &str) -> Result<Secret, SecretError> {
        match self.algorithm {
            Algorithm::HmacSha256 => self.secret(text),
            Algorithm::Ed25519 => {
                let key = self.decode(text, self.signing_key_prefix.as_deref())?;
                crate::ed25519::signing_seed(key.key())
                    .map(|seed| Secret::from_bytes(seed.to_vec()))?
            }
        }
    }

    /// The receiver's key for the sender's `signing_key`: the same secret for HMAC, the public
    /// key for ed25519.
    pub fn verifying_key(&self, signing_key: &Secret) -> Result<Secret, SecretError> {
        match self.algorithm {
            Algorithm::HmacSha256 => Ok(signing_key.clone()),
            Algorithm::Ed25519 => {
                let public = crate::ed25519::public_key(signing_key.key())?;
                Secret::from_bytes(public.to_vec())
            }
        }
    }

    /// For ed25519, the public key of the private key `signing_key`, written as the receiver is
    /// given it (after [`Self::secret_prefix`], in base64); `None` for HMAC, whose sender and
    /// receiver hold the same secret.
    pub fn public_key_text(&self, signing_key: &Secret) -> Result<Option<String>, SecretError> {
        if self.algorithm != Algorithm::Ed25519 {
            return Ok(None);
        }
        use base64::Engine;
        let public = crate::ed25519::public_key(signing_key.key())?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(public);
        let prefix = self.secret_prefix.as_deref().unwrap_or("");
        Ok(Some(format!("{prefix}{encoded}")))
    }

    /// `text` without stray spaces or a foreign prefix, `prefix` taken off when present,
    /// decoded as the scheme writes keys.
    fn decode(&self, text: &str, prefix: Option<&str>) -> Result<Secret, SecretError> {
        if text.trim() != text {
            return Err(SecretError::Padded);
        }
        let key = match prefix {
            Some(prefix) => text.strip_prefix(prefix).unwrap_or(text),
            None => text,
        };
        match self.secret_encoding {
            SecretEncoding::Base64 => {
                let foreign = FOREIGN_SECRET_PREFIXES
                    .iter()
                    .find(|foreign| key.starts_with(**foreign));
                if let Some(foreign) = foreign {
                    return Err(SecretError::ForeignPrefix { prefix: foreign });
                }
                Secret::from_base64(key)
            }
            SecretEncoding::Utf8 => Secret::from_bytes(key.as_bytes().to_vec()),
        }
    }
}

/// Prefixes senders write their keys with, which a base64 key of a scheme that does not declare
/// them must not start with: the Standard Webhooks specification's `whsec_` (an HMAC secret:
/// Svix, Stripe and the senders that follow them write every secret so), `whsk_` and `whpk_`
/// (an ed25519 private and public key).
pub const FOREIGN_SECRET_PREFIXES: &[&str] = &["whsec_", "whsk_", "whpk_"];

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

    fn scheme(encoding: SecretEncoding, prefix: Option<&str>) -> SignatureScheme {
        SignatureScheme {
            algorithm: Algorithm::HmacSha256,
            id_header: None,
            timestamp_header: None,
            signature_header: "signature".into(),
            signature_prefix: "v1=".into(),
            digest_encoding: DigestEncoding::Hex,
            signed_content: content("{body}").unwrap(),
            secret_encoding: encoding,
            secret_prefix: prefix.map(str::to_owned),
            signing_key_prefix: None,
            tolerance_seconds: DEFAULT_TOLERANCE_SECS,
            timestamp_prefix: None,
        }
    }

    #[test]
    fn scheme_errors_are_told_apart_and_say_what_to_fix() {
        assert_eq!(
            content("{id}.{body}.{id}").unwrap_err(),
            SchemeError::RepeatedPlaceholder {
                template: "{id}.{body}.{id}".to_owned(),
                placeholder: "id",
            }
        );
        for (template, said) in [
            ("{body", "`{body`: a `{` without its `}`"),
            (
                "{nonce}.{body}",
                "`{nonce}.{body}`: `{nonce}` is none of {id}, {timestamp}, {body}",
            ),
            ("{id}", "`{id}` must place the raw {body} exactly once"),
        ] {
            assert_eq!(content(template).unwrap_err().to_string(), said);
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

    #[test]
    fn one_header_plays_one_part_unless_the_scheme_says_how_it_is_split() {
        let mut stripe = scheme(SecretEncoding::Utf8, None);
        stripe.signed_content = content("{timestamp}.{body}").unwrap();
        stripe.timestamp_header = Some("Stripe-Signature".into());
        stripe.signature_header = "stripe-signature".into();
        let error = stripe.check().unwrap_err().to_string();
        assert!(error.contains("timestamp_prefix"), "{error}");
        stripe.timestamp_prefix = Some("t=".into());
        stripe.check().unwrap();
        // A timestamp prefix that signature entries start with would read them as timestamps.
        stripe.timestamp_prefix = Some("v1=x".into());
        assert!(stripe.check().is_err());

        let mut id_twice = scheme(SecretEncoding::Utf8, None);
        id_twice.signed_content = content("{id}.{body}").unwrap();
        id_twice.id_header = Some("Signature".into());
        let error = id_twice.check().unwrap_err().to_string();
        assert!(error.contains("two parts"), "{error}");
    }

    #[test]
    fn ed25519_keys_and_signatures_are_base64_and_its_private_keys_sign() {
        let mut ed = scheme(SecretEncoding::Base64, Some("whpk_"));
        ed.algorithm = Algorithm::Ed25519;
        ed.digest_encoding = DigestEncoding::Hex;
        assert!(ed.check().is_err());
        ed.digest_encoding = DigestEncoding::Base64;
        ed.signing_key_prefix = Some("whsk_".into());
        ed.check().unwrap();
        let mut hmac = scheme(SecretEncoding::Base64, None);
        hmac.signing_key_prefix = Some("whsk_".into());
        assert!(hmac.check().is_err(), "a private key's prefix is ed25519's");
        // A public key is 32 bytes; a private key is not taken where the public one is due.
        assert!(ed.secret("whpk_dGVzdA").is_err());
        let private = "whsk_xaqN9D+fg3vtt0QvMdy3sWbThTUHbwlLhc46LgtEWPc=";
        assert!(ed.secret(private).is_err());
        let signing = ed.signing_key(private).unwrap();
        let public = ed.public_key_text(&signing).unwrap().unwrap();
        assert!(public.starts_with("whpk_"));
        assert_eq!(
            ed.secret(&public).unwrap().key(),
            ed.verifying_key(&signing).unwrap().key()
        );
    }
}
