//! Deliveries as a webhook's sender makes them, from its catalog entry: signed as its scheme
//! says, or with the URL token, with the harness's credentials. The tests, the fuzz seeds and
//! the load generator build every request here, so a vendor added to the catalog is sent without
//! code.

use std::process::Command;

use bytes::Bytes;
use hookschema_catalog::{Auth, Catalog, Credentials, DeliveryId, Webhook};

/// The signing secret the harness gives every signed webhook (base64, as most senders write
/// secrets; a scheme of text secrets takes it as text).
pub const SECRET: &str = "dGVzdC1zaWduaW5nLWtleS0wMTIzNDU2Nzg5YWJjZGVm";
/// The URL token the harness gives every webhook authenticated by one.
pub const TOKEN: &str = "hostile-url-token";
/// When the seeds were signed, in Unix seconds. The in-memory receiver accepts any timestamp,
/// so that a signed seed stays valid: time is the one input a fuzzer cannot send.
pub const NOW: u64 = 1_767_225_600;

/// One request to a receiver: method, path with query, headers and body.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Request {
    /// The request as raw HTTP/1.1 bytes, as it comes off a socket.
    pub fn raw(&self) -> Vec<u8> {
        [self.head(self.body.len()).as_slice(), &self.body].concat()
    }

    /// The request's head as raw HTTP/1.1 bytes, declaring a body of `length` bytes.
    pub fn head(&self, length: usize) -> Vec<u8> {
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\n",
            self.method, self.target
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {length}\r\n\r\n"));
        head.into_bytes()
    }
}

/// The credentials the harness gives `webhook`'s receiver.
pub fn credentials(webhook: &Webhook) -> Credentials {
    let text = credential_text(webhook).unwrap_or_default();
    webhook
        .credentials(&[("the harness", &text)])
        .expect("the harness's credentials decode under every scheme")
}

/// Gives a `hookschema serve` command the harness's credentials for every webhook of
/// `catalog`, in the environment variables it reads.
pub fn give_credentials(command: &mut Command, catalog: &Catalog) {
    for webhook in catalog.webhooks() {
        if let (Some(text), Some(variable)) =
            (credential_text(webhook), webhook.credential_variable())
        {
            command.env(variable, text);
        }
    }
}

/// The text of the harness's credential for `webhook`'s receiver: the harness secret (for
/// ed25519, its public key, written as the scheme writes keys), or the token; `None` for a
/// webhook that takes none.
fn credential_text(webhook: &Webhook) -> Option<String> {
    match &webhook.auth {
        Auth::Signed(scheme) => {
            let signing = scheme
                .signing_key(SECRET)
                .expect("the harness secret is a key of every scheme");
            let public = scheme.public_key_text(&signing).expect("a private key");
            Some(public.unwrap_or_else(|| SECRET.to_owned()))
        }
        Auth::UrlToken { .. } => Some(TOKEN.to_owned()),
        Auth::None => None,
    }
}

/// A delivery of `body` as `webhook`'s sender sends it: with `id` and signed at `timestamp`
/// (Unix seconds) when its scheme signs them, or with the URL token.
pub fn authentic(webhook: &Webhook, id: &str, timestamp: u64, body: &[u8]) -> Request {
    request(webhook, id, timestamp, body, body, TOKEN)
}

/// A forgery of that delivery: signed for other bytes than those sent, or with a wrong token.
/// `None` for a webhook without authentication, which nothing forges.
pub fn forged(webhook: &Webhook, id: &str, timestamp: u64, body: &[u8]) -> Option<Request> {
    match webhook.auth {
        Auth::None => None,
        _ => Some(request(
            webhook,
            id,
            timestamp,
            body,
            b"{}",
            "not-the-token",
        )),
    }
}

fn request(
    webhook: &Webhook,
    id: &str,
    timestamp: u64,
    body: &[u8],
    signed: &[u8],
    token: &str,
) -> Request {
    let mut target = webhook.route.clone();
    let mut headers = Vec::new();
    match &webhook.auth {
        Auth::Signed(scheme) => {
            let key = scheme
                .signing_key(SECRET)
                .expect("the harness secret is a key of every scheme");
            headers = scheme
                .headers(&[key], id, timestamp, signed)
                .expect("the harness key signs");
        }
        Auth::UrlToken { parameter } => target.push_str(&format!("?{parameter}={token}")),
        Auth::None => {}
    }
    // An id in a header the signature does not write (a body's id travels in the body).
    let written = |header: &str| {
        headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(header))
    };
    if let Some(header) = webhook.delivery_id.as_ref().and_then(DeliveryId::header)
        && !written(header)
    {
        headers.push((header.to_owned(), id.to_owned()));
    }
    Request {
        method: webhook
            .methods
            .first()
            .cloned()
            .unwrap_or_else(|| "POST".to_owned()),
        target,
        headers,
        body: Bytes::copy_from_slice(body),
    }
}

/// The signing schemes of the embedded catalog.
pub fn signing_schemes() -> Vec<&'static hookschema_signature::SignatureScheme> {
    let mut schemes = Vec::new();
    for webhook in Catalog::embedded().webhooks() {
        if let Auth::Signed(scheme) = &webhook.auth
            && !schemes.contains(&scheme.as_ref())
        {
            schemes.push(scheme.as_ref());
        }
    }
    schemes
}
