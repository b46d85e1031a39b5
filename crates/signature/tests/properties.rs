//! For every scheme the vector files state, and any key, id, timestamp and body: the headers a
//! sender of the scheme sends verify, and a single changed byte of the body, of a signed id or
//! of the timestamp makes them fail, as a tampered delivery must.

mod common;

use std::sync::LazyLock;

use hookschema_signature::{Headers, Secret, SignatureError, SignatureScheme, Verifier};
use proptest::prelude::*;

static SCHEMES: LazyLock<Vec<SignatureScheme>> = LazyLock::new(common::schemes);

const NOW: u64 = 1_767_225_600;

/// Ids a sender could send: 1 to 64 printable ASCII characters.
fn ids() -> impl Strategy<Value = String> {
    proptest::collection::vec(0x21u8..=0x7e, 1..64)
        .prop_map(|bytes| String::from_utf8(bytes).unwrap())
}

/// What a sender of `scheme` sends with `body`, signed with `key`: the values of the id, the
/// timestamp and the signature headers (one value twice where one header carries both).
struct Sent {
    id: Option<String>,
    timestamp: Option<String>,
    signature: String,
}

impl Sent {
    fn new(scheme: &SignatureScheme, key: &Secret, id: &str, timestamp: u64, body: &[u8]) -> Sent {
        let headers = scheme
            .headers(std::slice::from_ref(key), id, timestamp, body)
            .unwrap();
        let value = |name: &Option<String>| {
            let name = name.as_deref()?;
            headers
                .iter()
                .find(|(header, _)| header.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        };
        Sent {
            id: value(&scheme.id_header),
            timestamp: value(&scheme.timestamp_header),
            signature: value(&Some(scheme.signature_header.clone())).unwrap(),
        }
    }

    fn headers(&self) -> Headers<'_> {
        Headers {
            id: self.id.as_deref().map(str::as_bytes),
            timestamp: self.timestamp.as_deref().map(str::as_bytes),
            signature: Some(self.signature.as_bytes()),
        }
    }

    /// The same, `from` replaced by `to` wherever the timestamp is written.
    fn with_timestamp(&self, from: &str, to: &str) -> Sent {
        let replaced = |text: &str| text.replacen(from, to, 1);
        let shared = self.timestamp.as_deref() == Some(self.signature.as_str());
        Sent {
            id: self.id.clone(),
            timestamp: self.timestamp.as_deref().map(replaced),
            signature: if shared {
                replaced(&self.signature)
            } else {
                self.signature.clone()
            },
        }
    }
}

/// A sender's key for any scheme (an ed25519 seed is 32 bytes; HMAC takes any), and the
/// receiver's.
fn keys(scheme: &SignatureScheme, bytes: Vec<u8>) -> (Secret, Secret) {
    let signing = Secret::from_bytes(bytes).unwrap();
    let verifying = scheme.verifying_key(&signing).unwrap();
    (signing, verifying)
}

proptest! {
    #[test]
    fn what_a_sender_sends_verifies_and_any_changed_byte_fails(
        key in proptest::collection::vec(any::<u8>(), 32),
        id in ids(),
        age in 0u64..=300,
        body in proptest::collection::vec(any::<u8>(), 0..512),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        which in any::<prop::sample::Index>(),
    ) {
        let scheme = &SCHEMES[which.index(SCHEMES.len())];
        let (signing, verifying) = keys(scheme, key);
        let verifier = Verifier::new(scheme.clone(), vec![verifying]);
        let timestamp = NOW - age;
        let sent = Sent::new(scheme, &signing, &id, timestamp, &body);
        prop_assert!(verifier.verify_at(&sent.headers(), &body, NOW).is_ok());

        // One byte of the body changed.
        if !body.is_empty() {
            let mut tampered = body.clone();
            tampered[at.index(body.len())] ^= flip;
            prop_assert_eq!(
                verifier.verify_at(&sent.headers(), &tampered, NOW),
                Err(SignatureError::NoMatchingSignature { header: scheme.signature_header.clone() })
            );
        }
        // One byte of a signed id changed: still an id, or a malformed one; never authentic.
        if scheme.id_header.is_some() {
            let mut other_id = id.clone().into_bytes();
            let i = at.index(other_id.len());
            other_id[i] ^= flip;
            let headers = Headers { id: Some(&other_id), ..sent.headers() };
            prop_assert!(verifier.verify_at(&headers, &body, NOW).is_err());
        }
        // One byte of the timestamp changed.
        if scheme.timestamp_header.is_some() {
            let text = timestamp.to_string();
            let mut other = text.clone().into_bytes();
            let i = at.index(other.len());
            other[i] ^= flip;
            let other = String::from_utf8_lossy(&other).into_owned();
            let changed = sent.with_timestamp(&text, &other);
            prop_assert!(verifier.verify_at(&changed.headers(), &body, NOW).is_err());
        }
    }
}

proptest! {
    /// A receiver checks the headers before the body comes ([`Verifier::precheck`]), then the
    /// body against what that check kept: together they decide as [`Verifier::verify`] does, for
    /// authentic, tampered and malformed deliveries alike.
    #[test]
    fn a_precheck_then_its_verify_decide_as_verify_does(
        key in proptest::collection::vec(any::<u8>(), 32),
        id in ids(),
        age in 0u64..=60,
        body in proptest::collection::vec(any::<u8>(), 1..512),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        which in any::<prop::sample::Index>(),
    ) {
        let scheme = &SCHEMES[which.index(SCHEMES.len())];
        let (signing, verifying) = keys(scheme, key);
        let verifier = Verifier::new(scheme.clone(), vec![verifying]);
        let timestamp = hookschema_signature::unix_now() - age;
        let sent = Sent::new(scheme, &signing, &id, timestamp, &body);
        let mut tampered = body.clone();
        tampered[at.index(body.len())] ^= flip;
        let text = timestamp.to_string();
        let mut other_time = text.clone().into_bytes();
        let i = at.index(other_time.len());
        other_time[i] ^= flip;
        let retimed = sent.with_timestamp(&text, &String::from_utf8_lossy(&other_time));
        for (sent, body) in [(&sent, &body), (&sent, &tampered), (&retimed, &body)] {
            let headers = sent.headers();
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
