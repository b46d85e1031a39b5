//! The three signature headers, parsed.

use crate::error::SignatureError;
use crate::{ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// The longest delivery id accepted. Kaizen's ids are short (`msg_2f1c9a7e`); a receiver keeps
/// recent ids to deduplicate retries, so their size must be bounded.
pub const MAX_ID_LEN: usize = 256;

/// The raw values of the signature headers, as received (`None` when absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct Headers<'a> {
    pub id: Option<&'a [u8]>,
    pub timestamp: Option<&'a [u8]>,
    pub signature: Option<&'a [u8]>,
}

/// The headers, checked: the id and timestamp as sent (they are signed as text), the timestamp's
/// value, and the `v1` signatures.
pub(crate) struct Parsed<'a> {
    pub id: &'a [u8],
    pub timestamp_text: &'a [u8],
    pub timestamp: u64,
    pub signatures: Vec<[u8; 32]>,
}

impl<'a> Headers<'a> {
    pub(crate) fn parse(&self) -> Result<Parsed<'a>, SignatureError> {
        let id = present(self.id, ID_HEADER)?;
        let timestamp_text = present(self.timestamp, TIMESTAMP_HEADER)?;
        let signature = present(self.signature, SIGNATURE_HEADER)?;
        check_id(id)?;
        let timestamp = parse_timestamp(timestamp_text)?;
        let signatures = parse_signatures(signature)?;
        Ok(Parsed {
            id,
            timestamp_text,
            timestamp,
            signatures,
        })
    }
}

/// A delivery id this crate accepts: 1 to [`MAX_ID_LEN`] bytes of printable ASCII, no spaces.
/// Ids are kept to deduplicate retries and written into header lines, so both their size and
/// their bytes are bounded.
pub fn check_id(id: &[u8]) -> Result<(), SignatureError> {
    if id.is_empty() {
        return Err(malformed(ID_HEADER, "empty"));
    }
    if id.len() > MAX_ID_LEN {
        return Err(malformed(
            ID_HEADER,
            format!("longer than {MAX_ID_LEN} bytes"),
        ));
    }
    if id.iter().any(|b| !b.is_ascii_graphic()) {
        return Err(malformed(ID_HEADER, "not printable ASCII"));
    }
    Ok(())
}

fn present<'a>(value: Option<&'a [u8]>, header: &'static str) -> Result<&'a [u8], SignatureError> {
    match value {
        None => Err(SignatureError::MissingHeader { header }),
        Some([]) => Err(malformed(header, "empty")),
        Some(value) => Ok(value),
    }
}

fn malformed(header: &'static str, reason: impl Into<String>) -> SignatureError {
    SignatureError::MalformedHeader {
        header,
        reason: reason.into(),
    }
}

/// Unix seconds: ASCII digits only.
fn parse_timestamp(text: &[u8]) -> Result<u64, SignatureError> {
    let reason = "not a Unix time in whole seconds";
    if !text.iter().all(u8::is_ascii_digit) {
        return Err(malformed(TIMESTAMP_HEADER, reason));
    }
    std::str::from_utf8(text)
        .ok()
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| malformed(TIMESTAMP_HEADER, reason))
}

/// `v1=<64 lowercase hex>`, space-separated (a comma or tab, as a proxy joining repeated
/// headers writes, is read as a space). Entries of other versions are skipped, so a future
/// scheme can be sent beside `v1`; at least one `v1` entry is required.
fn parse_signatures(header: &[u8]) -> Result<Vec<[u8; 32]>, SignatureError> {
    let mut signatures = Vec::new();
    let separator = |b: &u8| matches!(b, b' ' | b'\t' | b',');
    for entry in header.split(separator).filter(|e| !e.is_empty()) {
        let (version, value) = split_version(entry).ok_or_else(|| {
            malformed(
                SIGNATURE_HEADER,
                "each signature must be `v<version>=<hex>`",
            )
        })?;
        if version != b"1" {
            continue;
        }
        let lowercase_hex = value
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
        let mut signature = [0; 32];
        if !lowercase_hex || hex::decode_to_slice(value, &mut signature).is_err() {
            return Err(malformed(
                SIGNATURE_HEADER,
                "a v1 signature must be 64 lowercase hex digits",
            ));
        }
        signatures.push(signature);
    }
    if signatures.is_empty() {
        return Err(malformed(SIGNATURE_HEADER, "no v1 signature"));
    }
    Ok(signatures)
}

/// `v<digits>=<value>` into its version digits and value.
fn split_version(entry: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = entry.strip_prefix(b"v")?;
    let equals = rest.iter().position(|b| *b == b'=')?;
    let (version, value) = (&rest[..equals], &rest[equals + 1..]);
    (!version.is_empty() && version.iter().all(u8::is_ascii_digit)).then_some((version, value))
}
