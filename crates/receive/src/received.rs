//! Receiving one delivery: raw body, authentication, the schema its event names, strict
//! validation, forgiving decoding.

use std::any::TypeId;
use std::net::IpAddr;
use std::sync::{Arc, LazyLock};

use bytes::Bytes;
use hookschema_catalog::{Bodies, Undecodable, UnknownEvent};
use hookschema_models::DecodeError;
use hookschema_validate::{Invalid, Schema, Violation, ViolationKind};
use serde::de::value::UnitDeserializer;
use serde::de::{DeserializeOwned, IgnoredAny, IntoDeserializer};

use http::HeaderMap;
use http::request::Parts;

use crate::answer::Answer;
use crate::body::read_json_body;
use crate::budget::{Held, Peer};
use crate::receiver::{Inner, Receiver};
use crate::refusal::Refusal;

/// An authenticated delivery, decoded into `T`: one of hookschema's models, a type of the
/// caller's own, or `serde::de::IgnoredAny` to keep only the raw body.
#[derive(Clone)]
pub struct Received<T> {
    /// The payload, decoded.
    pub event: T,
    /// The raw body, exactly as received and authenticated: store or forward this, not `event`
    /// serialised again.
    pub body: Bytes,
    /// How the payload breaks the strict schema: empty unless the vendor has moved on (a new
    /// status, a new event type), which a receiver may want to report.
    pub violations: Vec<Violation>,
    /// The delivery's id, the same on every retry, where the vendor sends one (the vendor
    /// file's `delivery_id`); the key to deduplicate on.
    pub id: Option<String>,
    /// The schema the payload was checked against: the webhook's, or the one its event was
    /// dispatched to; `None` for an event without a schema.
    pub schema: Option<Schema>,
    /// The request's headers, kept for the record (cheaply: their values are shared).
    headers: http::HeaderMap,
    receiver: Arc<Inner>,
    /// The body's bytes held against the receiver's body budget, given back when the delivery
    /// is dropped.
    _budget: Option<Arc<Held>>,
}

impl<T> Received<T> {
    /// The answer for a delivery handled now: 200 with the body the vendor file declares.
    pub fn success(&self) -> Answer {
        Answer::ok(self.receiver.answers.success.clone())
    }

    /// The answer for a retry of a delivery already handled: 200 with the vendor file's
    /// `duplicate` body.
    pub fn duplicate(&self) -> Answer {
        Answer::ok(self.receiver.answers.duplicate.clone())
    }

    /// The request's headers, as received.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// The webhook's name, `<vendor>/<key>`.
    pub fn webhook(&self) -> &str {
        self.receiver.webhook.name()
    }

    /// The vendor's folder name.
    pub fn vendor(&self) -> &str {
        &self.receiver.webhook.vendor
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Received<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Received")
            .field("webhook", &self.webhook())
            .field("event", &self.event)
            .field("body", &self.body)
            .field("violations", &self.violations)
            .field("id", &self.id)
            .field("schema", &self.schema.as_ref().map(Schema::name))
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Receiver<T> {
    /// Receives one delivery: `head`, its request's head (its method is the caller's to check,
    /// since a framework routes by it), and `body`, read here within the receiver's limits;
    /// `peer`, the sender's address, when the server knows it, for the body budget's shares.
    /// Authenticated (what the head alone can refuse before a byte of the body is read), its
    /// id read, checked against the schema its event names and decoded into `T`; or refused,
    /// with the answer that says why.
    pub async fn receive<B>(
        &self,
        head: &Parts,
        body: B,
        peer: Option<IpAddr>,
    ) -> Result<Received<T>, Refusal>
    where
        B: http_body::Body<Data = Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let receiver = Arc::clone(&self.inner);
        let values = receiver.auth.header_values(&head.headers)?;
        let prechecked = receiver.auth.precheck(head, values.as_ref())?;
        let mut held = receiver
            .budget
            .as_ref()
            .map(|budget| budget.hold(peer.map(Peer::of)));
        let body = read_json_body(
            &head.headers,
            body,
            receiver.max_body_bytes,
            receiver.min_rate,
            &mut held,
        )
        .await?;
        let budget = held.map(Arc::new);
        let signed = receiver.auth.authenticate(prechecked.as_ref(), &body)?;
        let id = match &receiver.id {
            Some(source) => source.read(&head.headers, signed, &body)?,
            None => None,
        };
        let format = receiver.webhook.rejection;
        let checked = if body.len() <= INLINE_BYTES {
            check(&receiver, &head.headers, body)
        } else {
            // Long enough to hold up other requests: off the async workers.
            let receiver = Arc::clone(&receiver);
            let headers = head.headers.clone();
            tokio::task::spawn_blocking(move || check(&receiver, &headers, body))
                .await
                .map_err(|error| Refusal::BadRequest {
                    reason: format!("the delivery could not be checked: {error}"),
                })?
        };
        let Checked {
            event,
            body,
            violations,
            schema,
        } = checked.map_err(|invalid| Refusal::Unprocessable { format, invalid })?;
        Ok(Received {
            event,
            body,
            violations,
            id,
            schema,
            headers: head.headers.clone(),
            receiver,
            _budget: budget,
        })
    }
}

/// `body` decoded as a `T`. A receiver that asks for no value (`IgnoredAny`, as one that keeps
/// the raw body does) gets it without a read of the body: the strict validation read all of it
/// already and refuses whatever `IgnoredAny` would, and a read that builds nothing would cost
/// as much as the validation does.
fn decode<T: DeserializeOwned + 'static>(body: &[u8]) -> Result<T, DecodeError> {
    if TypeId::of::<T>() == TypeId::of::<IgnoredAny>() {
        let nothing: UnitDeserializer<serde::de::value::Error> = ().into_deserializer();
        return Ok(T::deserialize(nothing).expect("IgnoredAny takes a unit"));
    }
    hookschema_models::from_slice::<T>(body)
}

/// Bodies up to this size are validated where they are read; larger ones on a blocking thread.
const INLINE_BYTES: usize = 64 * 1024;

/// The schema a delivery keeps: the webhook's one, or the one its event is dispatched to.
#[derive(Clone)]
enum Chosen {
    Schema(Schema),
    /// One of several, named in its violations' schema paths (`github/push-event#/…`).
    Dispatched(Schema),
    /// None: the event has no schema, and the vendor file says to keep it; the note says so.
    Unknown(Violation),
    /// None, and the delivery is refused (the vendor file says so, or the receiver is strict)
    /// once it is known to be JSON: one that is not is refused for that.
    Refused(Violation),
}

/// A delivery that may be kept: decoded, with the schema it was checked against and how it
/// breaks it.
struct Checked<T> {
    event: T,
    body: Bytes,
    violations: Vec<Violation>,
    schema: Option<Schema>,
}

/// The delivery `body`, sent with `headers`, checked against the schema it keeps and decoded.
fn check<T: DeserializeOwned + 'static>(
    receiver: &Inner,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Checked<T>, Invalid> {
    let chosen = choose(receiver, headers, &body);
    validate_and_decode(receiver, chosen, body)
}

/// Which schema `body` keeps, or why it keeps none: an event the webhook has no schema for.
fn choose(receiver: &Inner, headers: &HeaderMap, body: &[u8]) -> Chosen {
    let dispatch = match &receiver.bodies {
        Bodies::One(schema) => return Chosen::Schema(schema.clone()),
        Bodies::Dispatch(dispatch) => dispatch,
    };
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let event = dispatch.event(header, body);
    if let Some(schema) = event.as_deref().and_then(|event| dispatch.schema(event)) {
        return Chosen::Dispatched(schema.clone());
    }
    let message = match &event {
        Some(event) => format!(
            "{}: no schema for the event `{event}`",
            receiver.webhook.name()
        ),
        None => format!(
            "{}: the delivery names no event (in {})",
            receiver.webhook.name(),
            dispatch.shown()
        ),
    };
    let note = Violation {
        instance_path: String::new(),
        schema_path: String::new(),
        message,
        kind: ViolationKind::Other {
            keyword: "dispatch".to_owned(),
        },
    };
    // A strict receiver keeps nothing it could not check.
    match dispatch.unknown {
        UnknownEvent::Keep if !receiver.strict => Chosen::Unknown(note),
        UnknownEvent::Keep | UnknownEvent::Refuse => Chosen::Refused(note),
    }
}

/// What a delivery of an event without a schema is checked against: that it is one JSON
/// document, which anything kept must be.
static ANY_JSON: LazyLock<Schema> =
    LazyLock::new(|| Schema::compile("any-json", "{}").expect("`{}` is a schema"));

/// Validates `body` strictly against the schema `chosen` and decodes it. A payload that
/// decodes is kept, with its violations, unless the receiver is strict or it is malformed
/// (nested too deep, a key repeated: what it says depends on who reads it); one that does not
/// decode is refused with every violation found (the decoder's, when the schema found none).
fn validate_and_decode<T: DeserializeOwned + 'static>(
    receiver: &Inner,
    chosen: Chosen,
    body: Bytes,
) -> Result<Checked<T>, Invalid> {
    let (schema, dispatched, note) = match chosen {
        Chosen::Schema(schema) => (schema, false, None),
        Chosen::Dispatched(schema) => (schema, true, None),
        Chosen::Unknown(note) => (ANY_JSON.clone(), false, Some(note)),
        Chosen::Refused(note) => {
            ANY_JSON.validate_bytes(&body)?;
            return Err(Invalid {
                violations: vec![note],
                more: false,
                document: None,
            });
        }
    };
    let kept_schema = note.is_none().then(|| schema.clone());
    // With the models, valid bytes are read once: they decode from the tape validation walked.
    // Invalid ones are decoded only if they may be kept: a strict receiver refuses them anyway.
    let (validated, models) = if receiver.models && schema.embedded().is_some() {
        schema.validate_with_models(&body, !receiver.strict)
    } else {
        (schema.validate_bytes(&body), Ok(()))
    };
    // Of several schemas, the one chosen is named in each violation's schema path.
    let named = |violation: &mut Violation| {
        if dispatched {
            violation.schema_path = format!("{}#{}", schema.name(), violation.schema_path);
        }
    };
    let mut invalid = validated.err();
    if let Some(invalid) = &mut invalid {
        invalid.violations.iter_mut().for_each(named);
    }
    let malformed = invalid.as_ref().is_some_and(Invalid::is_malformed);
    // Only an object is a body that drifted: a root of another type (`"hello"`, `null`) is no
    // delivery of the webhook at all.
    let object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let keeps_undecodable = !receiver.strict
        && receiver.webhook.undecodable == Undecodable::Keep
        && !malformed
        && object;
    let decoded = match (decode::<T>(&body), models) {
        (Ok(event), Ok(())) => Ok((event, None)),
        // The receiver asks no value of the models: what they cannot decode is only noted.
        (Ok(event), Err(error)) if keeps_undecodable => Ok((event, Some(error))),
        (Ok(_), Err(error)) | (Err(error), _) => Err(error),
    };
    match (decoded, invalid) {
        (Ok(_), Some(invalid)) if receiver.strict || malformed => Err(invalid),
        (Ok((event, undecoded)), invalid) => {
            let mut violations = match invalid {
                Some(invalid) => invalid.violations,
                None => note.into_iter().collect(),
            };
            if let Some(error) = undecoded {
                let mut violation = Violation::decode(error);
                named(&mut violation);
                violations.push(violation);
            }
            Ok(Checked {
                event,
                body,
                violations,
                schema: kept_schema,
            })
        }
        (Err(_), Some(invalid)) => Err(invalid),
        (Err(error), None) => {
            let mut violation = Violation::decode(error);
            named(&mut violation);
            Err(Invalid {
                violations: vec![violation],
                more: false,
                document: serde_json::from_slice(&body).ok(),
            })
        }
    }
}
