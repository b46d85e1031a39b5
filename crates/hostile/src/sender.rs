//! Deliveries as a webhook's sender makes them, from its catalog entry: signed as its scheme
//! says, or with the URL token, with the harness's credentials. The tests, the fuzz seeds and
//! the load generator build every request here, so a vendor added to the catalog is sent without
//! code.

use std::process::Command;

use bytes::Bytes;
use hookschema_catalog::{Auth, Catalog, Credentials, Webhook};

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
    let text = match webhook.auth {
        Auth::HmacSha256(_) => SECRET,
        Auth::UrlToken { .. } => TOKEN,
        Auth::None => "",
    };
    webhook
        .credentials(&[("the harness", text)])
        .expect("the harness's credentials decode under every scheme")
}

/// Gives a `hookschema serve` command the harness's credentials for every webhook of
/// `catalog`, in the environment variables it reads.
pub fn give_credentials(command: &mut Command, catalog: &Catalog) {
    for webhook in catalog.webhooks() {
        let value = match webhook.auth {
            Auth::HmacSha256(_) => SECRET,
            Auth::UrlToken { .. } => TOKEN,
            Auth::None => continue,
        };
        if let Some(variable) = webhook.credential_variable() {
            command.env(variable, value);
        }
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
        Auth::HmacSha256(scheme) => {
            let secret = scheme.secret(SECRET).expect("the harness secret decodes");
            if let Some(header) = &scheme.id_header {
                headers.push((header.clone(), id.to_owned()));
            }
            if let Some(header) = &scheme.timestamp_header {
                headers.push((header.clone(), timestamp.to_string()));
            }
            let signature = scheme.sign(&secret, id, timestamp, signed);
            headers.push((scheme.signature_header.clone(), signature));
        }
        Auth::UrlToken { parameter } => target.push_str(&format!("?{parameter}={token}")),
        Auth::None => {}
    }
    if let (Some(header), Auth::UrlToken { .. } | Auth::None) =
        (&webhook.delivery_id, &webhook.auth)
    {
        headers.push((header.clone(), id.to_owned()));
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
