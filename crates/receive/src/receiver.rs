//! What receiving one webhook takes: the catalog's description of it, the credentials to
//! authenticate it, and the limits its bodies are read within.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hookschema_catalog::{Auth, Bodies, Credentials, Webhook};
use hookschema_signature::Verifier;
use http::HeaderName;

use crate::body::MinRate;
use crate::budget::BodyBudget;
use crate::delivery_id::IdSource;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The violations kept per delivery: enough to say what is wrong, bounded however broken the
/// payload.
const MAX_VIOLATIONS: usize = 100;

/// The largest body read by default: 2 MiB, as axum's own default.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The slowest a body may come by default, on average, once [`DEFAULT_BODY_GRACE`] has passed:
/// 16 KiB a second. Senders of webhooks are servers on good networks, which send a body of
/// any size allowed within seconds; one that stalls or trickles is holding the receiver.
pub const DEFAULT_MIN_BODY_RATE: u64 = 16 * 1024;

/// How long a body may take to start coming, and pause once it has, by default.
pub const DEFAULT_BODY_GRACE: Duration = Duration::from_secs(2);

/// How one webhook's deliveries are received into a `T`: its catalog entry (schema, route,
/// authentication, delivery id, answers, rejection format), the credentials, how large a body
/// may be, and whether a delivery that decodes but breaks the strict schema is refused.
///
/// `T` is what deliveries decode into: a type of the caller's own crate works as well as
/// hookschema's models, and it lets a framework's state hold the receivers of several webhooks,
/// each found by its type (axum's `FromRef`). Cloning is cheap.
pub struct Receiver<T> {
    pub(crate) inner: Arc<Inner>,
    _type: PhantomData<fn() -> T>,
}

#[derive(Clone)]
pub(crate) struct Inner {
    pub webhook: Webhook,
    /// The webhook's schemas as deliveries are checked with them: violations bounded, and the
    /// payload kept beside them only when the webhook's rejection format reads it.
    pub bodies: Bodies,
    /// The webhook's answers, written once: answering is then handing out a reference.
    pub answers: Answers,
    pub auth: Authenticator,
    /// Where the vendor file's `delivery_id` is, ready to read.
    pub id: Option<IdSource>,
    pub max_body_bytes: usize,
    /// The slowest a body may come; `None`: as slowly as the sender likes.
    pub min_rate: Option<MinRate>,
    pub budget: Option<BodyBudget>,
    pub strict: bool,
    /// Whether the models generated from the webhook's schema must decode a delivery, besides
    /// `T`, for it to be kept.
    pub models: bool,
}

/// The bodies of a webhook's 200 answers, as JSON text.
#[derive(Clone)]
pub(crate) struct Answers {
    pub success: Bytes,
    pub duplicate: Bytes,
}

fn json_bytes(value: &Value) -> Bytes {
    Bytes::from(value.to_string())
}

/// A webhook's authentication, ready to run.
#[derive(Clone)]
pub(crate) enum Authenticator {
    Hmac(Box<Signed>),
    UrlToken(UrlToken),
    None,
}

/// A signature scheme's verifier, and the names of the headers it reads, parsed once: a header
/// looked up by a `HeaderName` is found without its name being parsed again for every request.
#[derive(Clone)]
pub(crate) struct Signed {
    pub verifier: Verifier,
    pub id: Option<HeaderName>,
    pub timestamp: Option<HeaderName>,
    pub signature: HeaderName,
}

impl Signed {
    fn new(name: &str, verifier: Verifier) -> Result<Self, ConfigError> {
        let scheme = verifier.scheme();
        let parse = |header: &str| header_name(name, header);
        Ok(Signed {
            id: scheme.id_header.as_deref().map(parse).transpose()?,
            timestamp: scheme.timestamp_header.as_deref().map(parse).transpose()?,
            signature: parse(&scheme.signature_header)?,
            verifier,
        })
    }
}

/// `header` as a header's name, for the webhook `name`'s vendor file.
fn header_name(name: &str, header: &str) -> Result<HeaderName, ConfigError> {
    HeaderName::from_bytes(header.as_bytes()).map_err(|_| ConfigError::HeaderName {
        webhook: name.to_owned(),
        header: header.to_owned(),
    })
}

/// A secret the sender puts in the webhook URL's query string, compared by digest. The URL must
/// percent-encode the token (`+`, `&` and `%` especially: the query string reads `+` as a
/// space); a token of letters, digits, `-` and `_` needs no encoding.
#[derive(Clone)]
pub(crate) struct UrlToken {
    /// The token's SHA-256: comparing digests takes the same time whatever the lengths.
    pub digest: [u8; 32],
    pub parameter: String,
}

/// A configuration that would refuse every delivery, or let any request in: what is wrong, and
/// with which webhook (`<vendor>/<name>`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("{webhook}: no signing secret: every delivery would be refused")]
    NoSecret { webhook: String },
    #[error("{webhook}: the URL token is empty: any request would authenticate")]
    EmptyToken { webhook: String },
    /// Credentials of another kind than the webhook's authentication takes.
    #[error("{webhook} takes {wanted}")]
    WrongCredentials {
        webhook: String,
        /// What it takes: `signing secrets`, `a URL token` or `no credentials`.
        wanted: &'static str,
    },
    /// A header the vendor file names is no HTTP header name.
    #[error("{webhook}: `{header}` is not a header name")]
    HeaderName { webhook: String, header: String },
    /// Where the vendor file says the delivery id is cannot be read.
    #[error("{webhook}: delivery_id: {reason}")]
    DeliveryId { webhook: String, reason: String },
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        Receiver {
            inner: Arc::clone(&self.inner),
            _type: PhantomData,
        }
    }
}

impl<T> Receiver<T> {
    /// Receives `webhook`'s deliveries, authenticated with `credentials`, with the default body
    /// limit, keeping drifted deliveries. Credentials of another kind than the webhook's
    /// authentication takes, no secret, or an empty token are errors: every delivery would be
    /// refused, or any request let in.
    pub fn new(webhook: &Webhook, credentials: Credentials) -> Result<Self, ConfigError> {
        let name = webhook.name();
        let auth = match (&webhook.auth, credentials) {
            (Auth::Signed(_), Credentials::Secrets(secrets)) if secrets.is_empty() => {
                return Err(ConfigError::NoSecret {
                    webhook: name.to_owned(),
                });
            }
            (Auth::Signed(scheme), Credentials::Secrets(secrets)) => Authenticator::Hmac(Box::new(
                Signed::new(name, Verifier::new(scheme.as_ref().clone(), secrets))?,
            )),
            (Auth::UrlToken { .. }, Credentials::Token(token)) if token.is_empty() => {
                return Err(ConfigError::EmptyToken {
                    webhook: name.to_owned(),
                });
            }
            (Auth::UrlToken { parameter }, Credentials::Token(token)) => {
                Authenticator::UrlToken(UrlToken {
                    digest: Sha256::digest(token.as_bytes()).into(),
                    parameter: parameter.clone(),
                })
            }
            (Auth::None, Credentials::None) => Authenticator::None,
            (auth, _) => {
                let wanted = match auth {
                    Auth::Signed(_) => "signing secrets",
                    Auth::UrlToken { .. } => "a URL token",
                    Auth::None => "no credentials",
                };
                return Err(ConfigError::WrongCredentials {
                    webhook: name.to_owned(),
                    wanted,
                });
            }
        };
        let signed_id = match &webhook.auth {
            Auth::Signed(scheme) => scheme.id_header.as_deref(),
            Auth::UrlToken { .. } | Auth::None => None,
        };
        let id = webhook
            .delivery_id
            .as_ref()
            .map(|id| IdSource::new(id, signed_id))
            .transpose()
            .map_err(|reason| ConfigError::DeliveryId {
                webhook: name.to_owned(),
                reason,
            })?;
        let documents = webhook.rejection.reads_document();
        let bodies = webhook.bodies.map(|schema| {
            let schema = schema.limit_violations(MAX_VIOLATIONS);
            if documents {
                schema
            } else {
                schema.without_documents()
            }
        });
        Ok(Receiver {
            inner: Arc::new(Inner {
                webhook: webhook.clone(),
                bodies,
                answers: Answers {
                    success: json_bytes(&webhook.success.body),
                    duplicate: json_bytes(&webhook.success.duplicate),
                },
                auth,
                id,
                max_body_bytes: DEFAULT_MAX_BODY_BYTES,
                min_rate: Some(MinRate {
                    bytes_per_second: DEFAULT_MIN_BODY_RATE,
                    grace: DEFAULT_BODY_GRACE,
                }),
                budget: None,
                strict: false,
                models: false,
            }),
            _type: PhantomData,
        })
    }

    /// Refuse bodies over `bytes` with 413.
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.inner).max_body_bytes = bytes;
        self
    }

    /// Refuse (408) a body that comes slower than `bytes_per_second` on average once `grace`
    /// has passed since its head was read, or that pauses for longer than `grace` (by default
    /// [`DEFAULT_MIN_BODY_RATE`] and [`DEFAULT_BODY_GRACE`]); 0 lets a body come as slowly as
    /// its sender likes.
    pub fn with_min_body_rate(mut self, bytes_per_second: u64, grace: Duration) -> Self {
        Arc::make_mut(&mut self.inner).min_rate = (bytes_per_second > 0).then_some(MinRate {
            bytes_per_second,
            grace,
        });
        self
    }

    /// Read bodies only within `budget`, shared by every receiver given it, each byte charged as
    /// it arrives: past the budget, or past the peer's share of it (the peer is the address
    /// given to [`receive`](Receiver::receive), when the server knows it), a request gets 503
    /// with Retry-After. The bytes are held until the [`Received`](crate::Received) is dropped.
    pub fn with_body_budget(mut self, budget: BodyBudget) -> Self {
        Arc::make_mut(&mut self.inner).budget = Some(budget);
        self
    }

    /// Refuse, with 422, deliveries that decode but break the strict schema, instead of keeping
    /// them with their violations.
    pub fn strict(mut self, strict: bool) -> Self {
        Arc::make_mut(&mut self.inner).strict = strict;
        self
    }

    /// Accept signature timestamps up to `seconds` from now, either way, whatever the vendor
    /// file says; nothing changes for a webhook that is not signed.
    pub fn with_tolerance(mut self, seconds: u64) -> Self {
        if let Authenticator::Hmac(signed) = &mut Arc::make_mut(&mut self.inner).auth {
            signed.verifier = signed.verifier.clone().with_tolerance(seconds);
        }
        self
    }

    /// Keep only deliveries hookschema's generated models decode, where the schema a delivery
    /// keeps is one they were generated from: for a receiver that keeps the raw body without a
    /// type of its own (`Received<serde::de::IgnoredAny>`), the models still decide what is
    /// kept.
    pub fn with_models(mut self) -> Self {
        Arc::make_mut(&mut self.inner).models = true;
        self
    }

    /// The webhook received.
    pub fn webhook(&self) -> &Webhook {
        &self.inner.webhook
    }

    /// The 200 answer's body for a delivery stored now, as the vendor file declares it.
    pub fn success(&self) -> &Value {
        &self.inner.webhook.success.body
    }

    /// The 200 answer's body for a retry of a delivery already stored.
    pub fn duplicate(&self) -> &Value {
        &self.inner.webhook.success.duplicate
    }
}

/// Only the webhook's name and the limits: the credentials never reach a log.
impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.inner.auth {
            Authenticator::Hmac(_) => "hmac-sha256 (secrets redacted)",
            Authenticator::UrlToken(_) => "url-token (token redacted)",
            Authenticator::None => "none",
        };
        f.debug_struct("Receiver")
            .field("webhook", &self.inner.webhook.name())
            .field("auth", &auth)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .field("strict", &self.inner.strict)
            .finish()
    }
}
