//! For every scheme the vector files state, and any secret, id, timestamp and body: a signature
//! verifies, and a single changed byte of the body, the id or the timestamp makes it fail, as a
//! tampered delivery must.

mod common;

use std::sync::LazyLock;

use hookschema_signature::{Headers, HmacScheme, Secret, SignatureError, Verifier};
use proptest::prelude::*;

static SCHEMES: LazyLock<Vec<HmacScheme>> = LazyLock::new(common::schemes);

const NOW: u64 = 1_767_225_600;

/// Ids a sender could send: 1 to 64 printable ASCII characters.
fn ids() -> impl Strategy<Value = String> {
    proptest::collection::vec(0x21u8..=0x7e, 1..64)
        .prop_map(|bytes| String::from_utf8(bytes).unwrap())
}

fn verify(
    scheme: &HmacScheme,
    secret: &Secret,
    id: &[u8],
    timestamp: &[u8],
    signature: &str,
    body: &[u8],
) -> Result<(), SignatureError> {
    let headers = Headers {
        id: Some(id),
        timestamp: Some(timestamp),
        signature: Some(signature.as_bytes()),
    };
    Verifier::new(scheme.clone(), vec![secret.clone()])
        .verify_at(&headers, body, NOW)
        .map(|_| ())
}

proptest! {
    #[test]
    fn a_signature_verifies_and_any_changed_byte_fails(
        key in proptest::collection::vec(any::<u8>(), 1..64),
        id in ids(),
        age in 0u64..=300,
        body in proptest::collection::vec(any::<u8>(), 0..512),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        which in any::<prop::sample::Index>(),
    ) {
        let scheme = &SCHEMES[which.index(SCHEMES.len())];
        let secret = Secret::from_bytes(key).unwrap();
        let timestamp = NOW - age;
        let text = timestamp.to_string();
        let signature = scheme.sign(&secret, &id, timestamp, &body);
        prop_assert!(verify(scheme, &secret, id.as_bytes(), text.as_bytes(), &signature, &body).is_ok());

        // One byte of the body changed.
        if !body.is_empty() {
            let mut tampered = body.clone();
            tampered[at.index(body.len())] ^= flip;
            prop_assert_eq!(
                verify(scheme, &secret, id.as_bytes(), text.as_bytes(), &signature, &tampered),
                Err(SignatureError::NoMatchingSignature { header: scheme.signature_header.clone() })
            );
        }
        // One byte of the id changed: still an id, or a malformed one; never authentic.
        let mut other_id = id.clone().into_bytes();
        let i = at.index(other_id.len());
        other_id[i] ^= flip;
        prop_assert!(verify(scheme, &secret, &other_id, text.as_bytes(), &signature, &body).is_err());
        // One byte of the timestamp changed.
        let mut other_time = text.clone().into_bytes();
        let i = at.index(other_time.len());
        other_time[i] ^= flip;
        prop_assert!(verify(scheme, &secret, id.as_bytes(), &other_time, &signature, &body).is_err());
    }
}

proptest! {
    /// A receiver checks the headers before the body comes ([`Verifier::precheck`]), then the
    /// body against what that check kept: together they decide as [`Verifier::verify`] does, for
    /// authentic, tampered and malformed deliveries alike.
    #[test]
    fn a_precheck_then_its_verify_decide_as_verify_does(
        key in proptest::collection::vec(any::<u8>(), 1..64),
        id in ids(),
        age in 0u64..=60,
        body in proptest::collection::vec(any::<u8>(), 1..512),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        which in any::<prop::sample::Index>(),
    ) {
        let scheme = &SCHEMES[which.index(SCHEMES.len())];
        let secret = Secret::from_bytes(key).unwrap();
        let verifier = Verifier::new(scheme.clone(), vec![secret.clone()]);
        let timestamp = hookschema_signature::unix_now() - age;
        let text = timestamp.to_string();
        let signature = scheme.sign(&secret, &id, timestamp, &body);
        let mut tampered = body.clone();
        tampered[at.index(body.len())] ^= flip;
        let mut other_time = text.clone().into_bytes();
        let i = at.index(other_time.len());
        other_time[i] ^= flip;
        for (timestamp, body) in [
            (text.as_bytes(), &body),
            (text.as_bytes(), &tampered),
            (&other_time[..], &body),
        ] {
            let headers = Headers {
                id: Some(id.as_bytes()),
                timestamp: Some(timestamp),
                signature: Some(signature.as_bytes()),
            };
            let in_two = verifier.precheck(&headers).and_then(|checked| checked.verify(body));
            let in_one = verifier.verify(&headers, body);
            // Errors alike but for the clock's reading, which may have moved on between them.
            let kind = |result: &Result<_, SignatureError>| {
                result.as_ref().map_err(std::mem::discriminant).cloned()
            };
            prop_assert_eq!(kind(&in_two), kind(&in_one));
        }
    }
}
