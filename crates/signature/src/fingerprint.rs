//! A body's length and digest, for telling apart the body a sender signed and the body a
//! receiver got: a body changed on the way (a client that drops newlines, a proxy that
//! re-encodes JSON) fails every signature, and nothing else shows why.

use sha2::{Digest, Sha256};

/// `body` as `N bytes, SHA-256 <hex>`: printed by whoever signs a body and by whoever refuses
/// one, so that the two can be compared at a glance. Nothing secret: the digest is of the body
/// alone.
pub fn fingerprint(body: &[u8]) -> String {
    format!(
        "{} bytes, SHA-256 {}",
        body.len(),
        hex::encode(Sha256::digest(body))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_is_the_length_and_the_sha256() {
        assert_eq!(
            fingerprint(b"abc"),
            "3 bytes, SHA-256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
