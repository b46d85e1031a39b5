//! `hookschema verify <vendor>` and `hookschema sign <vendor>`: a vendor's signatures on the
//! command line, as its vendor file says it signs, for checking a captured delivery and for
//! sending signed test deliveries.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use hookschema_catalog::{Auth, Catalog, Webhook};
use hookschema_signature::{
    Headers, Secret, SignatureScheme, Verifier, check_id, fingerprint, unix_now,
};

use crate::input::read;
use crate::outcome::Outcome;

/// Which vendor, which of its signed webhooks, and the secrets.
#[derive(Args)]
pub struct Signer {
    /// The vendor's folder name (`hookschema schemas` lists the schemas, `<vendor>/<name>`).
    vendor: String,
    /// The webhook, `<vendor>/<name>`, when the vendor signs more than one.
    #[arg(long)]
    webhook: Option<String>,
    /// The signing secret, as the vendor shows it; repeat to accept an old and a new one while
    /// rotating. Default: `HOOKSCHEMA_<VENDOR>_SECRET` (and `_SECRET_2`, … while rotating),
    /// which is better: a command line is visible to other users of the machine.
    #[arg(long = "secret")]
    secrets: Vec<String>,
}

#[derive(Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    signer: Signer,
    /// The delivery id header's text, when the scheme has one.
    #[arg(long, allow_hyphen_values = true)]
    id: Option<OsString>,
    /// The timestamp header's text, when the scheme has one.
    #[arg(long, allow_hyphen_values = true)]
    timestamp: Option<OsString>,
    /// The signature header's text.
    #[arg(long, allow_hyphen_values = true)]
    signature: OsString,
    /// The time to check the timestamp against, in Unix seconds (default: now).
    #[arg(long)]
    now: Option<u64>,
    /// How far, in seconds, the timestamp may be from now, either way (default: the vendor
    /// file's).
    #[arg(long)]
    tolerance: Option<u64>,
    /// The raw body; none, or `-`, reads standard input.
    file: Option<PathBuf>,
}

#[derive(Args)]
pub struct SignArgs {
    #[command(flatten)]
    signer: Signer,
    /// The delivery id to sign and send, when the scheme has one.
    #[arg(long)]
    id: Option<String>,
    /// The Unix time to sign (default: now).
    #[arg(long)]
    timestamp: Option<u64>,
    /// The raw body; none, or `-`, reads standard input.
    file: Option<PathBuf>,
}

/// Verifies one delivery: exit 0 when authentic, 1 with the reason when not.
pub fn run_verify(
    out: &mut impl Write,
    catalog: &Catalog,
    args: &VerifyArgs,
) -> io::Result<Outcome> {
    let Some((scheme, secrets, body)) =
        prepare(catalog, &args.signer, args.file.as_deref(), Side::Receiver)
    else {
        return Ok(Outcome::Error);
    };
    // Header texts as bytes, whatever they are: one that is not even text is a rejection.
    let headers = Headers {
        id: args.id.as_ref().map(|id| id.as_encoded_bytes()),
        timestamp: args.timestamp.as_ref().map(|t| t.as_encoded_bytes()),
        signature: Some(args.signature.as_encoded_bytes()),
    };
    let now = args.now.unwrap_or_else(unix_now);
    let mut verifier = Verifier::new(scheme.clone(), secrets);
    if let Some(tolerance) = args.tolerance {
        verifier = verifier.with_tolerance(tolerance);
    }
    match verifier.verify_at(&headers, &body, now) {
        Ok(verified) => {
            let mut said = Vec::new();
            if let (Some(header), Some(id)) = (&scheme.id_header, &verified.id) {
                said.push(format!("{header} {id}"));
            }
            if let Some(timestamp) = verified.timestamp {
                said.push(format!("signed at {timestamp}"));
            }
            match said.is_empty() {
                true => writeln!(out, "authentic")?,
                false => writeln!(out, "authentic: {}", said.join(", "))?,
            }
            Ok(Outcome::Valid)
        }
        Err(error) => {
            writeln!(out, "not authentic ({}): {error}", error.code())?;
            Ok(Outcome::Invalid)
        }
    }
}

/// Prints the headers the vendor would send with the body, one `Name: value` per line, ready
/// for `curl -H`. With several keys the signature header lists a signature per key.
pub fn run_sign(out: &mut impl Write, catalog: &Catalog, args: &SignArgs) -> io::Result<Outcome> {
    let Some((scheme, keys, body)) =
        prepare(catalog, &args.signer, args.file.as_deref(), Side::Sender)
    else {
        return Ok(Outcome::Error);
    };
    let id = match (&scheme.id_header, &args.id) {
        (Some(header), None) => {
            eprintln!("hookschema: --id: {header} is signed; give the delivery's id");
            return Ok(Outcome::Error);
        }
        // The id goes into a header line: refuse what verification would, a newline above all.
        (Some(_), Some(id)) => match check_id(id.as_bytes()) {
            Ok(()) => id.as_str(),
            Err(reason) => {
                eprintln!("hookschema: --id: {reason}");
                return Ok(Outcome::Error);
            }
        },
        (None, _) => "",
    };
    let timestamp = args.timestamp.unwrap_or_else(unix_now);
    match scheme.headers(&keys, id, timestamp, &body) {
        Ok(headers) => {
            for (name, value) in headers {
                writeln!(out, "{name}: {value}")?;
            }
            // Beside the headers, not among them: what a receiver that refuses the signature
            // names, so that a body changed on the way shows.
            eprintln!("hookschema: signed {}", fingerprint(&body));
            Ok(Outcome::Valid)
        }
        Err(error) => {
            eprintln!("hookschema: {error}");
            Ok(Outcome::Error)
        }
    }
}

/// Whose keys a command takes: the receiver's, which verify (an HMAC secret, an ed25519
/// public key), or the sender's, which sign (the same secret, an ed25519 private key).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Receiver,
    Sender,
}

/// The scheme, the decoded keys of `side` and the body, or `None` after saying why not on
/// standard error. Keys come from `--secret`, else the webhook's environment variables.
fn prepare(
    catalog: &Catalog,
    signer: &Signer,
    file: Option<&Path>,
    side: Side,
) -> Option<(SignatureScheme, Vec<Secret>, Vec<u8>)> {
    let (webhook, scheme) = signed_webhook(catalog, signer)
        .map_err(|usage| eprintln!("hookschema: {usage}"))
        .ok()?;
    let given: Vec<(String, String)> = if signer.secrets.is_empty() {
        match webhook.credential_texts_from_env() {
            Ok(given) => given,
            Err(error) => {
                eprintln!("hookschema: {error}");
                return None;
            }
        }
    } else {
        (1..=signer.secrets.len())
            .map(|n| format!("--secret #{n}"))
            .zip(signer.secrets.iter().cloned())
            .collect()
    };
    if given.is_empty() {
        let variable = webhook.credential_variable().unwrap_or_default();
        eprintln!("hookschema: no secret: give --secret, or set {variable}");
        return None;
    }
    let keys = given
        .iter()
        .map(|(source, text)| {
            let key = match side {
                Side::Receiver => scheme.secret(text),
                Side::Sender => scheme.signing_key(text),
            };
            key.map_err(|error| format!("{source}: {error}"))
        })
        .collect::<Result<Vec<_>, _>>();
    let keys = match keys {
        Ok(keys) => keys,
        Err(error) => {
            eprintln!("hookschema: {error}");
            return None;
        }
    };
    let input = read(file.unwrap_or(Path::new("-")))
        .map_err(|unreadable| eprintln!("hookschema: {}", unreadable.message()))
        .ok()?;
    Some((scheme.clone(), keys, input.bytes))
}

/// The vendor's signed webhook: the one `--webhook` names, or its only one.
fn signed_webhook<'c>(
    catalog: &'c Catalog,
    signer: &Signer,
) -> Result<(&'c Webhook, &'c SignatureScheme), String> {
    let vendor = catalog.vendor(&signer.vendor).ok_or_else(|| {
        let known: Vec<&str> = catalog.vendors().iter().map(|v| v.name.as_str()).collect();
        format!(
            "unknown vendor `{}`; known: {}",
            signer.vendor,
            known.join(", ")
        )
    })?;
    let signed: Vec<(&Webhook, &SignatureScheme)> = vendor
        .webhooks
        .iter()
        .filter(|w| {
            signer
                .webhook
                .as_deref()
                .is_none_or(|name| w.name() == name)
        })
        .filter_map(|w| match &w.auth {
            Auth::Signed(scheme) => Some((w, scheme.as_ref())),
            _ => None,
        })
        .collect();
    match signed.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "{} signs no webhook{}: its vendor file gives no hmac-sha256 auth",
            vendor.name,
            signer
                .webhook
                .as_deref()
                .map(|w| format!(" called {w}"))
                .unwrap_or_default()
        )),
        several => {
            let names: Vec<&str> = several.iter().map(|(w, _)| w.name()).collect();
            Err(format!(
                "{} signs {}: choose one with --webhook",
                vendor.name,
                names.join(", ")
            ))
        }
    }
}
