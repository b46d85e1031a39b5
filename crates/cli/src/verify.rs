//! `hookschema verify kaizen` and `hookschema sign kaizen`: Kaizen signatures on the command
//! line, for checking a captured delivery and for sending signed test deliveries.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use hookschema_signature::{
    DEFAULT_TOLERANCE_SECS, Headers, ID_HEADER, SIGNATURE_HEADER, Secret, TIMESTAMP_HEADER,
    Verifier, check_id, sign, unix_now,
};

use crate::input::read;
use crate::outcome::Outcome;

/// The signing secrets: repeat `--secret` to accept an old and a new one while rotating.
#[derive(Args)]
pub struct Secrets {
    /// The signing secret as Kaizen shows it (base64url). Prefer the environment variable: a
    /// command line is visible to other users of the machine.
    #[arg(
        long = "secret",
        env = "HOOKSCHEMA_KAIZEN_SECRET",
        hide_env_values = true,
        value_delimiter = ',',
        required = true
    )]
    secrets: Vec<String>,
}

#[derive(Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    secrets: Secrets,
    /// The `X-Webhooks-Id` header's text.
    #[arg(long, allow_hyphen_values = true)]
    id: OsString,
    /// The `X-Webhooks-Timestamp` header's text.
    #[arg(long, allow_hyphen_values = true)]
    timestamp: OsString,
    /// The `X-Webhooks-Signature` header's text.
    #[arg(long, allow_hyphen_values = true)]
    signature: OsString,
    /// The time to check the timestamp against, in Unix seconds (default: now).
    #[arg(long)]
    now: Option<u64>,
    /// How far, in seconds, the timestamp may be from now, either way.
    #[arg(long, default_value_t = DEFAULT_TOLERANCE_SECS)]
    tolerance: u64,
    /// The raw body; none, or `-`, reads standard input.
    file: Option<PathBuf>,
}

#[derive(Args)]
pub struct SignArgs {
    #[command(flatten)]
    secrets: Secrets,
    /// The delivery id to sign and send as `X-Webhooks-Id`.
    #[arg(long)]
    id: String,
    /// The Unix time to sign (default: now).
    #[arg(long)]
    timestamp: Option<u64>,
    /// The raw body; none, or `-`, reads standard input.
    file: Option<PathBuf>,
}

/// Verifies one delivery: exit 0 when authentic, 1 with the reason when not.
pub fn run_verify(out: &mut impl Write, args: &VerifyArgs) -> io::Result<Outcome> {
    let Some((secrets, body)) = secrets_and_body(&args.secrets, args.file.as_deref()) else {
        return Ok(Outcome::Error);
    };
    // Header texts as bytes, whatever they are: one that is not even text is a rejection.
    let headers = Headers {
        id: Some(args.id.as_encoded_bytes()),
        timestamp: Some(args.timestamp.as_encoded_bytes()),
        signature: Some(args.signature.as_encoded_bytes()),
    };
    let now = args.now.unwrap_or_else(unix_now);
    let verifier = Verifier::new(secrets).with_tolerance(args.tolerance);
    match verifier.verify_at(&headers, &body, now) {
        Ok(verified) => {
            writeln!(
                out,
                "authentic: {ID_HEADER} {}, signed at {}",
                verified.id, verified.timestamp
            )?;
            Ok(Outcome::Valid)
        }
        Err(error) => {
            writeln!(out, "not authentic ({}): {error}", error.code())?;
            Ok(Outcome::Invalid)
        }
    }
}

/// Prints the three headers Kaizen would send with the body, one `Name: value` per line, ready
/// for `curl -H`. With several secrets the signature header lists a signature per secret.
pub fn run_sign(out: &mut impl Write, args: &SignArgs) -> io::Result<Outcome> {
    // The id goes into a header line: refuse what verification would, a newline above all.
    if let Err(error) = check_id(args.id.as_bytes()) {
        eprintln!("hookschema: --id: {error}");
        return Ok(Outcome::Error);
    }
    let Some((secrets, body)) = secrets_and_body(&args.secrets, args.file.as_deref()) else {
        return Ok(Outcome::Error);
    };
    let timestamp = args.timestamp.unwrap_or_else(unix_now);
    let signatures: Vec<String> = secrets
        .iter()
        .map(|s| sign(s, &args.id, timestamp, &body))
        .collect();
    writeln!(out, "{ID_HEADER}: {}", args.id)?;
    writeln!(out, "{TIMESTAMP_HEADER}: {timestamp}")?;
    writeln!(out, "{SIGNATURE_HEADER}: {}", signatures.join(" "))?;
    Ok(Outcome::Valid)
}

/// The decoded secrets and the body, or `None` after reporting why not on standard error.
fn secrets_and_body(secrets: &Secrets, file: Option<&Path>) -> Option<(Vec<Secret>, Vec<u8>)> {
    let secrets = crate::secrets::decode(&secrets.secrets)
        .map_err(|error| eprintln!("hookschema: {error}"))
        .ok()?;
    let input = read(file.unwrap_or(Path::new("-")))
        .map_err(|unreadable| eprintln!("hookschema: {}", unreadable.message()))
        .ok()?;
    Some((secrets, input.bytes))
}
