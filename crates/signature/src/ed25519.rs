//! ed25519 (RFC 8032), with ring: the Standard Webhooks specification's asymmetric scheme
//! (`v1a`), whose receiver holds only the sender's public key.

use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

use crate::secret::SecretError;

/// The 32-byte seed of a private key written as its seed, or as the 64 bytes of seed and
/// public key libsodium writes (whose public half must then be the seed's).
pub(crate) fn signing_seed(key: &[u8]) -> Result<[u8; 32], SecretError> {
    let wrong = || SecretError::PrivateKeyLength;
    let seed: [u8; 32] = key
        .get(..32)
        .and_then(|seed| seed.try_into().ok())
        .ok_or_else(wrong)?;
    match key.len() {
        32 => Ok(seed),
        64 if public_key(&seed)? == key[32..] => Ok(seed),
        64 => Err(SecretError::PublicHalf),
        _ => Err(wrong()),
    }
}

/// The public key of the private key `seed`.
pub(crate) fn public_key(seed: &[u8]) -> Result<[u8; 32], SecretError> {
    let pair = pair(seed)?;
    let public: [u8; 32] = pair
        .public_key()
        .as_ref()
        .try_into()
        .expect("an ed25519 public key is 32 bytes");
    Ok(public)
}

/// The signature of `message` by the private key `seed`.
pub(crate) fn sign(seed: &[u8], message: &[u8]) -> Result<[u8; 64], SecretError> {
    let signature = pair(seed)?.sign(message);
    Ok(signature
        .as_ref()
        .try_into()
        .expect("an ed25519 signature is 64 bytes"))
}

/// Whether `signature` is `public`'s over `message`.
pub(crate) fn verify(public: &[u8], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, public)
        .verify(message, signature)
        .is_ok()
}

fn pair(seed: &[u8]) -> Result<Ed25519KeyPair, SecretError> {
    Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| SecretError::SeedLength)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 §7.1, TEST 2: its secret key, public key, one-byte message and signature.
    #[test]
    fn rfc_8032_test_2() {
        let seed = hex::decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
            .unwrap();
        let public =
            hex::decode("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
                .unwrap();
        let signature = hex::decode(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da\
             085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        )
        .unwrap();
        assert_eq!(public_key(&seed).unwrap().to_vec(), public);
        assert_eq!(sign(&seed, &[0x72]).unwrap().to_vec(), signature);
        assert!(verify(&public, &[0x72], &signature));
        assert!(!verify(&public, &[0x73], &signature));
        let libsodium = [seed.clone(), public.clone()].concat();
        assert_eq!(signing_seed(&libsodium).unwrap().to_vec(), seed);
        assert!(signing_seed(&[seed, seed_of_another()].concat()).is_err());
    }

    fn seed_of_another() -> Vec<u8> {
        vec![7; 32]
    }
}
