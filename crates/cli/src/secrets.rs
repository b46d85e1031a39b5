//! Kaizen secrets given on the command line or in the environment.

use hookschema_signature::Secret;

/// Decodes each secret; a bad one is a usage error whose message says which, never what it is.
pub fn decode(texts: &[String]) -> Result<Vec<Secret>, String> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| Secret::decode(text).map_err(|e| format!("Kaizen secret #{}: {e}", i + 1)))
        .collect()
}
