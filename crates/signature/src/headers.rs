//! The signature headers of a delivery, parsed as a scheme reads them.

use crate::error::SignatureError;
use crate::scheme::{DigestEncoding, HmacScheme};

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
/// timestamp's value, and the digests of the scheme's version.
pub(crate) struct Parsed<'a> {
    pub id: Option<&'a [u8]>,
    pub timestamp_text: &'a [u8],
    pub timestamp: Option<u64>,
    pub digests: Vec<[u8; 32]>,
}

impl<'a> Headers<'a> {
    /// Checks the headers `scheme` reads: each present and well formed, and at least one
    /// signature of its version.
    pub(crate) fn parse(&self, scheme: &HmacScheme) -> Result<Parsed<'a>, SignatureError> {
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
                let text = present(self.timestamp, header)?;
                (text, Some(parse_timestamp(text, header)?))
            }
            None => (&[][..], None),
        };
        let signature = present(self.signature, &scheme.signature_header)?;
        let digests = parse_signatures(signature, scheme)?;
        Ok(Parsed {
            id,
            timestamp_text,
            timestamp,
            digests,
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

/// The digests of the entries that carry the scheme's prefix. Entries are separated by spaces
/// or tabs, and by commas where the prefix holds none (a proxy joining repeated headers writes
/// `, `); a comma ending an entry is that join's, not the entry's. An entry of another version
/// is skipped, and so is a malformed one beside a well-formed one, as the Standard Webhooks
/// libraries do: a sender may add entries this receiver cannot read. With no well-formed entry
/// of the scheme's version, the header is malformed.
fn parse_signatures(header: &[u8], scheme: &HmacScheme) -> Result<Vec<[u8; 32]>, SignatureError> {
    let prefix = scheme.signature_prefix.as_bytes();
    let comma_separates = !prefix.contains(&b',');
    let separator = |b: &u8| matches!(b, b' ' | b'\t') || (comma_separates && *b == b',');
    let mut digests = Vec::new();
    let mut malformed_entry = None;
    for entry in header.split(separator).filter(|e| !e.is_empty()) {
        let entry = entry.strip_suffix(b",").unwrap_or(entry);
        let Some(encoded) = entry.strip_prefix(prefix) else {
            continue;
        };
        match decode_digest(encoded, scheme.digest_encoding) {
            Some(digest) => digests.push(digest),
            None => malformed_entry = Some(scheme.digest_encoding),
        }
    }
    if digests.is_empty() {
        let prefix = &scheme.signature_prefix;
        let reason = match malformed_entry {
            Some(DigestEncoding::Hex) => {
                format!("a `{prefix}` signature must be 64 lowercase hex digits")
            }
            Some(DigestEncoding::Base64) => {
                format!("a `{prefix}` signature must be the padded base64 of 32 bytes")
            }
            None => format!("no `{prefix}` signature"),
        };
        return Err(malformed(&scheme.signature_header, reason));
    }
    Ok(digests)
}

fn decode_digest(encoded: &[u8], encoding: DigestEncoding) -> Option<[u8; 32]> {
    let mut digest = [0; 32];
    match encoding {
        DigestEncoding::Hex => {
            let lowercase = encoded
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
            (lowercase && hex::decode_to_slice(encoded, &mut digest).is_ok()).then_some(digest)
        }
        DigestEncoding::Base64 => {
            use base64::Engine;
            let engine = base64::engine::general_purpose::STANDARD;
            let decoded = engine.decode(encoded).ok()?;
            digest.copy_from_slice(decoded.get(..32).filter(|_| decoded.len() == 32)?);
            Some(digest)
        }
    }
}
