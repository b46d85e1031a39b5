//! `hookschema verify kaizen` and `hookschema sign kaizen`, run as a user would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "dGVzdC1zaWduaW5nLWtleS0wMTIzNDU2Nzg5YWJjZGVm";
const BODY: &str = r#"{"type":"execution.complete","data":{"id":"exec_123"}}"#;
const SIGNATURE: &str = "v1=acadf1c665ba01b58b334b90a6d17b65e04b16a1a5b72a42d18c6323138e482c";

fn hookschema(args: &[&str], stdin: &str, secret: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command.args(args).env_remove("HOOKSCHEMA_KAIZEN_SECRET");
    if let Some(secret) = secret {
        command.env("HOOKSCHEMA_KAIZEN_SECRET", secret);
    }
    hookschema_testkit::run_with_input(&mut command, stdin.as_bytes())
}

fn verify(id: &str, timestamp: &str, signature: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify",
        "kaizen",
        "--id",
        id,
        "--timestamp",
        timestamp,
        "--signature",
        signature,
    ];
    args.extend(extra);
    hookschema(&args, BODY, Some(SECRET))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn an_authentic_delivery_exits_0() {
    let output = verify(
        "msg_2f1c9a7e",
        "1767225600",
        SIGNATURE,
        &["--now", "1767225650"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        stdout(&output),
        "authentic: X-Webhooks-Id msg_2f1c9a7e, signed at 1767225600\n"
    );
}

#[test]
fn rejections_exit_1_with_their_reason_malformed_headers_included() {
    let cases = [
        (
            "msg_2f1c9a7e",
            "1767225600",
            "v1=acadf1c665ba01b58b334b90a6d17b65e04b16a1a5b72a42d18c6323138e482d",
            "no_matching_signature",
        ),
        ("msg_2f1c9a7e", "not-a-time", SIGNATURE, "malformed_header"),
        ("msg_2f1c9a7e", "1767225600", "", "malformed_header"),
        ("", "1767225600", SIGNATURE, "malformed_header"),
        (
            "msg_2f1c9a7e",
            "1767225000",
            SIGNATURE,
            "no_matching_signature",
        ),
    ];
    for (id, timestamp, signature, code) in cases {
        let output = verify(id, timestamp, signature, &["--now", "1767225300"]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{id} {timestamp} {signature}"
        );
        assert!(
            stdout(&output).starts_with(&format!("not authentic ({code}): ")),
            "{}",
            stdout(&output)
        );
    }
}

#[test]
fn the_tolerance_and_the_clock_are_options() {
    let stale = verify(
        "msg_2f1c9a7e",
        "1767225600",
        SIGNATURE,
        &["--now", "1767226000"],
    );
    assert_eq!(stale.status.code(), Some(1));
    assert!(stdout(&stale).starts_with("not authentic (stale_timestamp)"));
    let tolerated = verify(
        "msg_2f1c9a7e",
        "1767225600",
        SIGNATURE,
        &["--now", "1767226000", "--tolerance", "600"],
    );
    assert_eq!(tolerated.status.code(), Some(0));
    // Without --now, the system clock: a 2026-01-01 signature is long stale.
    let now = verify("msg_2f1c9a7e", "1767225600", SIGNATURE, &[]);
    assert_eq!(now.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2_and_never_repeat_the_secret() {
    let bad_secret = hookschema(
        &[
            "verify",
            "kaizen",
            "--id",
            "m",
            "--timestamp",
            "1",
            "--signature",
            "v1=x",
            "--secret",
            "not*base64*secret",
        ],
        BODY,
        None,
    );
    assert_eq!(bad_secret.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad_secret.stderr);
    assert!(
        stderr.contains("--secret #1") && !stderr.contains("not*base64*secret"),
        "{stderr}"
    );

    let no_secret = hookschema(
        &[
            "verify",
            "kaizen",
            "--id",
            "m",
            "--timestamp",
            "1",
            "--signature",
            "v1=x",
        ],
        BODY,
        None,
    );
    assert_eq!(no_secret.status.code(), Some(2));
    // It names the variable to set, not only the flag.
    let said = String::from_utf8_lossy(&no_secret.stderr);
    assert!(said.contains("HOOKSCHEMA_KAIZEN_SECRET"), "{said}");

    let missing_flag = hookschema(
        &["verify", "kaizen", "--id", "m", "--timestamp", "1"],
        BODY,
        Some(SECRET),
    );
    assert_eq!(missing_flag.status.code(), Some(2));
}

#[test]
fn sign_prints_the_headers_kaizen_would_send() {
    let output = hookschema(
        &[
            "sign",
            "kaizen",
            "--id",
            "msg_2f1c9a7e",
            "--timestamp",
            "1767225600",
        ],
        BODY,
        Some(SECRET),
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        format!(
            "X-Webhooks-Id: msg_2f1c9a7e\nX-Webhooks-Timestamp: 1767225600\nX-Webhooks-Signature: {SIGNATURE}\n"
        )
    );
}

#[test]
fn sign_refuses_an_id_that_would_break_the_header_lines() {
    let output = hookschema(
        &["sign", "kaizen", "--id", "msg\nX-Evil: 1"],
        BODY,
        Some(SECRET),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
}

/// While a secret is rotated, each secret is given apart, in its own variable or flag, and never
/// split: a comma is a character of a secret like any other.
#[test]
fn rotated_secrets_are_given_apart_and_never_split() {
    let args = [
        "verify",
        "kaizen",
        "--id",
        "msg_2f1c9a7e",
        "--timestamp",
        "1767225600",
        "--signature",
        SIGNATURE,
        "--now",
        "1767225650",
    ];
    let old = "b2xkLXNpZ25pbmcta2V5";
    let with_body = |secrets: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        for secret in secrets {
            all.extend(["--secret", secret]);
        }
        hookschema(&all, BODY, None)
    };
    assert_eq!(with_body(&[old, SECRET]).status.code(), Some(0));
    assert_eq!(with_body(&[old]).status.code(), Some(1));
    let joined = format!("{old},{SECRET}");
    let refused = with_body(&[&joined]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("one by one") && !said.contains(old), "{said}");
    // In the environment: the old one in the variable, the new one in `_2`.
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    let mut child = command
        .args(args)
        .env("HOOKSCHEMA_KAIZEN_SECRET", old)
        .env("HOOKSCHEMA_KAIZEN_SECRET_2", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(BODY.as_bytes())
        .unwrap();
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(0));
}
