//! The signature headers of a delivery, parsed as a scheme reads them.

use crate::error::SignatureError;
use crate::scheme::{DigestEncoding, SignatureScheme};

/// The longest delivery id accepted. Senders' ids are short (`msg_2f1c9a7e`); a receiver keeps
/// recent ids to deduplicate retries, so their size must be bounded.
pub const MAX_ID_LEN: usize = 256;

/// The raw values of a delivery's signature headers, as received (`None` when absent), by the
/// part they play; the scheme says which header plays which.
#[derive(Debug, Clone, Copy, Default)]
pub struct Headers<'a> {
    pub id: Option<&'a [u8]>,
    pub timestamp: Option<&'a [u8]>,
    pub signature: Option<&'a [u8]>,
}

/// The headers, checked: the id and timestamp as sent (they are signed as text), the
/// timestamp's value, and the signatures of the scheme's version.
pub(crate) struct Parsed<'a> {
    pub id: Option<&'a [u8]>,
    pub timestamp_text: &'a [u8],
    pub timestamp: Option<u64>,
    pub signatures: Vec<Signature>,
}

/// One signature, decoded: the first `len` bytes (32 for HMAC-SHA256, 64 for ed25519).
#[derive(Clone, Copy)]
pub(crate) struct Signature {
    bytes: [u8; 64],
    len: usize,
}

impl Signature {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl<'a> Headers<'a> {
    /// Checks the headers `scheme` reads: each present and well formed, and at least one
    /// signature of its version.
    pub(crate) fn parse(&self, scheme: &SignatureScheme) -> Result<Parsed<'a>, SignatureError> {
        let id = match &scheme.id_header {
            Some(header) => {
                let id = present(self.id, header)?;
                check_id(id).map_err(|reason| malformed(header, reason))?;
                Some(id)
            }
            None => None,
        };
        let (timestamp_text, timestamp) = match &scheme.timestamp_header {
            Some(header) => {
                let value = present(self.timestamp, header)?;
                let text = match &scheme.timestamp_prefix {
                    Some(prefix) => timestamp_entry(value, prefix, scheme, header)?,
                    None => value,
                };
                (text, Some(parse_timestamp(text, header)?))
            }
            None => (&[][..], None),
        };
        let signature = present(self.signature, &scheme.signature_header)?;
        let signatures = parse_signatures(signature, scheme)?;
        Ok(Parsed {
            id,
            timestamp_text,
            timestamp,
            signatures,
        })
    }
}

/// Why `id` is not a delivery id this crate accepts: 1 to [`MAX_ID_LEN`] bytes of printable
/// ASCII, no spaces. Ids are kept to deduplicate retries and written into header lines, so both
/// their size and their bytes are bounded.
pub fn check_id(id: &[u8]) -> Result<(), String> {
    if id.is_empty() {
        return Err("empty".to_owned());
    }
    if id.len() > MAX_ID_LEN {
        return Err(format!("longer than {MAX_ID_LEN} bytes"));
    }
    if id.iter().any(|b| !b.is_ascii_graphic()) {
        return Err("not printable ASCII".to_owned());
    }
    Ok(())
}

fn present<'a>(value: Option<&'a [u8]>, header: &str) -> Result<&'a [u8], SignatureError> {
    match value {
        None => Err(SignatureError::MissingHeader {
            header: header.to_owned(),
        }),
        Some([]) => Err(malformed(header, "empty")),
        Some(value) => Ok(value),
    }
}

fn malformed(header: &str, reason: impl Into<String>) -> SignatureError {
    SignatureError::MalformedHeader {
        header: header.to_owned(),
        reason: reason.into(),
    }
}

/// Unix seconds: ASCII digits only.
fn parse_timestamp(text: &[u8], header: &str) -> Result<u64, SignatureError> {
    let reason = "not a Unix time in whole seconds";
    if !text.iter().all(u8::is_ascii_digit) {
        return Err(malformed(header, reason));
    }
    std::str::from_utf8(text)
        .ok()
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| malformed(header, reason))
}

/// A header's entries: separated by spaces or tabs, and by commas where the scheme's prefix
/// holds none (a proxy joining repeated headers writes `, `; Stripe separates its entries so);
/// a comma ending an entry is that join's, not the entry's.
fn entries<'a>(header: &'a [u8], scheme: &SignatureScheme) -> impl Iterator<Item = &'a [u8]> {
    let comma_separates = !scheme.signature_prefix.contains(',');
    header
        .split(move |b: &u8| matches!(b, b' ' | b'\t') || (comma_separates && *b == b','))
        .filter(|entry| !entry.is_empty())
        .map(|entry| entry.strip_suffix(b",").unwrap_or(entry))
}

/// The timestamp of a header whose entry starting with `prefix` carries it (Stripe's `t=`):
/// exactly one such entry.
fn timestamp_entry<'a>(
    value: &'a [u8],
    prefix: &str,
    scheme: &SignatureScheme,
    header: &str,
) -> Result<&'a [u8], SignatureError> {
    let mut found =
        entries(value, scheme).filter_map(|entry| entry.strip_prefix(prefix.as_bytes()));
    match (found.next(), found.next()) {
        (Some(text), None) => Ok(text),
        (None, _) => Err(malformed(header, format!("no `{prefix}` timestamp"))),
        (Some(_), Some(_)) => Err(malformed(
            header,
            format!("more than one `{prefix}` timestamp"),
        )),
    }
}

/// The signatures of the entries that carry the scheme's prefix. An entry of another version
/// (or the timestamp's) is skipped, and so is a malformed one beside a well-formed one, as the
/// Standard Webhooks libraries do: a sender may add entries this receiver cannot read. With no
/// well-formed entry of the scheme's version, the header is malformed.
fn parse_signatures(
    header: &[u8],
    scheme: &SignatureScheme,
) -> Result<Vec<Signature>, SignatureError> {
    let prefix = scheme.signature_prefix.as_bytes();
    let timestamp = scheme
        .timestamp_prefix
        .as_deref()
        .filter(|_| same_header(scheme.timestamp_header.as_deref(), &scheme.signature_header));
    let mut signatures = Vec::new();
    let mut malformed_entry = false;
    for entry in entries(header, scheme) {
        if timestamp.is_some_and(|t| entry.starts_with(t.as_bytes())) {
            continue;
        }
        let Some(encoded) = entry.strip_prefix(prefix) else {
            continue;
        };
        match decode(encoded, scheme) {
            Some(signature) => signatures.push(signature),
            None => malformed_entry = true,
        }
    }
    if signatures.is_empty() {
        let prefix = &scheme.signature_prefix;
        let len = scheme.algorithm.signature_len();
        let reason = match (malformed_entry, scheme.digest_encoding) {
            (true, DigestEncoding::Hex) => {
                format!(
                    "a `{prefix}` signature must be {} lowercase hex digits",
                    2 * len
                )
            }
            (true, DigestEncoding::Base64) => {
                format!("a `{prefix}` signature must be the padded base64 of {len} bytes")
            }
            (false, _) => format!("no `{prefix}` signature"),
        };
        return Err(malformed(&scheme.signature_header, reason));
    }
    Ok(signatures)
}

/// Whether a header name is `other`, as HTTP compares names.
fn same_header(name: Option<&str>, other: &str) -> bool {
    name.is_some_and(|name| name.eq_ignore_ascii_case(other))
}

/// A signature as the scheme writes it, decoded, if it is one of its algorithm's length.
fn decode(encoded: &[u8], scheme: &SignatureScheme) -> Option<Signature> {
    let len = scheme.algorithm.signature_len();
    let mut signature = Signature {
        bytes: [0; 64],
        len,
    };
    match scheme.digest_encoding {
        DigestEncoding::Hex => {
            let lowercase = encoded
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
            (lowercase && hex::decode_to_slice(encoded, &mut signature.bytes[..len]).is_ok())
                .then_some(signature)
        }
        DigestEncoding::Base64 => {
            use base64::Engine;
            let engine = base64::engine::general_purpose::STANDARD;
            let decoded = engine.decode(encoded).ok()?;
            (decoded.len() == len).then(|| {
                signature.bytes[..len].copy_from_slice(&decoded);
                signature
            })
        }
    }
}
