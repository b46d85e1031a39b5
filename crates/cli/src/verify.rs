//! `hookschema verify <vendor>` and `hookschema sign <vendor>`: a vendor's signatures on the
//! command line, as its vendor file says it signs, for checking a captured delivery and for
//! sending signed test deliveries.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use hookschema_catalog::{Auth, Catalog, Credentials, Webhook};
use hookschema_signature::{Headers, HmacScheme, Secret, Verifier, check_id, unix_now};

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
    let Some((scheme, secrets, body)) = prepare(catalog, &args.signer, args.file.as_deref()) else {
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
/// for `curl -H`. With several secrets the signature header lists a signature per secret.
pub fn run_sign(out: &mut impl Write, catalog: &Catalog, args: &SignArgs) -> io::Result<Outcome> {
    let Some((scheme, secrets, body)) = prepare(catalog, &args.signer, args.file.as_deref()) else {
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
    let signatures: Vec<String> = secrets
        .iter()
        .map(|secret| scheme.sign(secret, id, timestamp, &body))
        .collect();
    if let Some(header) = &scheme.id_header {
        writeln!(out, "{header}: {id}")?;
    }
    if let Some(header) = &scheme.timestamp_header {
        writeln!(out, "{header}: {timestamp}")?;
    }
    writeln!(out, "{}: {}", scheme.signature_header, signatures.join(" "))?;
    Ok(Outcome::Valid)
}

/// The scheme, the decoded secrets and the body, or `None` after saying why not on standard
/// error.
fn prepare(
    catalog: &Catalog,
    signer: &Signer,
    file: Option<&Path>,
) -> Option<(HmacScheme, Vec<Secret>, Vec<u8>)> {
    let (webhook, scheme) = signed_webhook(catalog, signer)
        .map_err(|usage| eprintln!("hookschema: {usage}"))
        .ok()?;
    let credentials = if signer.secrets.is_empty() {
        webhook.credentials_from_env().map(|found| {
            found.or_else(|| {
                let variable = webhook.credential_variable().unwrap_or_default();
                eprintln!("hookschema: no secret: give --secret, or set {variable}");
                None
            })
        })
    } else {
        let sources: Vec<String> = (1..=signer.secrets.len())
            .map(|n| format!("--secret #{n}"))
            .collect();
        let given: Vec<(&str, &str)> = sources
            .iter()
            .zip(&signer.secrets)
            .map(|(source, secret)| (source.as_str(), secret.as_str()))
            .collect();
        webhook.credentials(&given).map(Some)
    };
    let secrets = match credentials {
        Ok(Some(Credentials::Secrets(secrets))) => secrets,
        Ok(_) => return None,
        Err(error) => {
            eprintln!("hookschema: {error}");
            return None;
        }
    };
    let input = read(file.unwrap_or(Path::new("-")))
        .map_err(|unreadable| eprintln!("hookschema: {}", unreadable.message()))
        .ok()?;
    Some((scheme.clone(), secrets, input.bytes))
}

/// The vendor's signed webhook: the one `--webhook` names, or its only one.
fn signed_webhook<'c>(
    catalog: &'c Catalog,
    signer: &Signer,
) -> Result<(&'c Webhook, &'c HmacScheme), String> {
    let vendor = catalog.vendor(&signer.vendor).ok_or_else(|| {
        let known: Vec<&str> = catalog.vendors().iter().map(|v| v.name.as_str()).collect();
        format!(
            "unknown vendor `{}`; known: {}",
            signer.vendor,
            known.join(", ")
        )
    })?;
    let signed: Vec<(&Webhook, &HmacScheme)> = vendor
        .webhooks
        .iter()
        .filter(|w| {
            signer
                .webhook
                .as_deref()
                .is_none_or(|name| w.name() == name)
        })
        .filter_map(|w| match &w.auth {
            Auth::HmacSha256(scheme) => Some((w, scheme)),
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
