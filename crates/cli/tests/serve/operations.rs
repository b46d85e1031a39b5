//! What `hookschema serve` gives the people who run it: health and readiness, metrics, logs
//! (filtered, as JSON, saying why a route is off and where a payload is wrong), TLS, host names,
//! `--check`, and a shutdown that stores what is in flight.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use hookschema_testkit::sender::{authentic, forged};
use hookschema_testkit::{Serve, TOKEN};
use serde_json::{Value, json};

use crate::{agent, answer_of, comfydeploy, deliver, kaizen, unix_now, webhook, written};

fn hookschema() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command.arg("serve").stdout(Stdio::null());
    command
}

/// `GET path`: status and body as JSON.
fn get(server: &Serve, path: &str) -> (u16, Value) {
    answer_of(agent().get(format!("{}{path}", server.base())).call())
}

/// The samples of a Prometheus text exposition, by name with labels as written.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (name, value) = line.rsplit_once(' ')?;
            Some((name.to_owned(), value.parse().ok()?))
        })
        .collect()
}

fn kaizen_body(id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "execution.complete",
        "data": {"id": id, "status": "Completed", "startTime": "2025-09-15T14:02:11Z"}
    }))
    .unwrap()
}

#[test]
fn health_readiness_and_metrics_count_every_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = hookschema();
    command
        .args([
            "--addr",
            "127.0.0.1:0",
            "--max-body-bytes",
            "8192",
            "--store",
        ])
        .arg(format!(
            "sqlite:{}",
            dir.path().join("deliveries.db").display()
        ))
        .env("RUST_LOG", "debug");
    let server = Serve::launch(command);
    assert_eq!(get(&server, "/healthz"), (200, json!({"status": "ok"})));
    assert_eq!(get(&server, "/readyz"), (200, json!({"status": "ok"})));

    let body = kaizen_body("exec_metrics");
    let statuses = [
        kaizen(&server, "msg_1", unix_now(), &body, &body).0,
        // The same delivery again: a retry.
        kaizen(&server, "msg_1", unix_now(), &body, &body).0,
        kaizen(&server, "msg_2", unix_now(), &body, b"{}").0,
        kaizen(
            &server,
            "msg_3",
            unix_now(),
            // No object, so no delivery that drifted: refused.
            br#"[{"type":"execution.complete","data":{"id":7}}]"#,
            br#"[{"type":"execution.complete","data":{"id":7}}]"#,
        )
        .0,
        deliver(
            &server,
            &authentic(webhook("kaizen/webhook-event"), "msg_4", unix_now(), &body),
            "text/plain",
        )
        .0,
        kaizen(&server, "msg_5", unix_now(), &[b' '; 9000], &[b' '; 9000]).0,
        comfydeploy(
            &server,
            TOKEN,
            "application/json",
            br#"{"run_id":"r1","status":"running","live_status":null}"#,
        )
        .0,
    ];
    assert_eq!(statuses, [200, 200, 401, 422, 415, 413, 200]);
    // A method the webhook is not sent with: 405, naming the one it is.
    let route = webhook("kaizen/webhook-event").route.clone();
    let wrong = agent()
        .get(format!("{}{route}", server.base()))
        .call()
        .unwrap();
    assert_eq!(wrong.status(), 405);
    assert_eq!(wrong.headers()["allow"], "POST");

    let mut response = agent()
        .get(format!("{}/metrics", server.base()))
        .call()
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("application/openmetrics-text"));
    let text = response.body_mut().read_to_string().unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    let samples = samples(&text);
    let kaizen = r#"vendor="kaizen",webhook="kaizen/webhook-event""#;
    for (outcome, count) in [
        ("ok", 1.0),
        ("duplicate", 1.0),
        ("401", 1.0),
        ("422", 1.0),
        ("415", 1.0),
        ("413", 1.0),
        ("405", 1.0),
    ] {
        let name = format!(r#"hookschema_deliveries_total{{{kaizen},outcome="{outcome}"}}"#);
        assert_eq!(samples.get(&name), Some(&count), "{name} in\n{text}");
    }
    let comfydeploy =
        r#"vendor="comfydeploy",webhook="comfydeploy/workflow-run-webhook-body",outcome="ok""#;
    assert_eq!(
        samples[&format!("hookschema_deliveries_total{{{comfydeploy}}}")],
        1.0
    );
    assert_eq!(
        samples[&format!("hookschema_request_duration_seconds_count{{{kaizen}}}")],
        7.0
    );
    // The new Kaizen delivery, its retry (the store says duplicate) and the ComfyDeploy one,
    // each its own commit since they came one after another.
    assert_eq!(samples["hookschema_store_commit_deliveries_sum"], 3.0);
    assert_eq!(
        samples["hookschema_store_commit_duration_seconds_count"],
        3.0
    );
    assert_eq!(samples["hookschema_body_bytes_in_flight"], 0.0);

    let log = server.shut_down();
    // A 422 says where, as a JSON Pointer in text, and for which webhook.
    let refused = log
        .lines()
        .find(|line| line.contains("status=422"))
        .unwrap_or_else(|| panic!("no 422 in {log}"));
    assert!(
        refused.contains(r#"webhook="kaizen/webhook-event""#),
        "{refused}"
    );
    assert!(
        refused.contains(r#"first at (root): [{"data":{"id":7},"type":"execution.complete"}] is not of type "object""#),
        "{refused}"
    );
}

#[test]
fn a_webhook_left_off_answers_404_and_the_log_says_why() {
    let mut command = hookschema();
    command
        .args(["--addr", "127.0.0.1:0", "--store", "jsonl:-"])
        .args(["--token", &format!("comfydeploy={TOKEN}")])
        .env_remove("HOOKSCHEMA_KAIZEN_SECRET")
        .env("RUST_LOG", "debug");
    let server = Serve::launch_as_given(command);
    assert!(
        server
            .first_line()
            .contains("/kaizen (HOOKSCHEMA_KAIZEN_SECRET not set)"),
        "{}",
        server.first_line()
    );
    let body = kaizen_body("exec_off");
    let (status, answer) = kaizen(&server, "msg_off", unix_now(), &body, &body);
    // The sender is told nothing about the configuration; the log tells the operator.
    assert_eq!(
        (status, answer),
        (404, json!({"error": "no webhook is received on /kaizen"}))
    );
    assert_eq!(get(&server, "/nowhere").0, 404);
    let log = server.shut_down();
    assert!(
        log.contains("kaizen/webhook-event is off: HOOKSCHEMA_KAIZEN_SECRET is not set"),
        "{log}"
    );
    assert!(log.contains(r#"no route: answered 404 method=GET path="/nowhere""#));
}

#[test]
fn json_logs_are_one_object_a_line_and_rust_log_filters_them() {
    let mut command = hookschema();
    command
        .args(["--addr", "127.0.0.1:0", "--store", "jsonl:-"])
        .args(["--log-format", "json"])
        .env(
            "RUST_LOG",
            "warn,hookschema::refusals=debug,hookschema::serve::metrics=debug",
        );
    let server = Serve::launch(command);
    let first: Value = serde_json::from_str(server.first_line()).unwrap();
    assert_eq!(first["message"], "listening");
    assert_eq!(first["url"], server.base());
    let body = kaizen_body("exec_json");
    assert_eq!(kaizen(&server, "msg_ok", unix_now(), &body, &body).0, 200);
    let forgery = forged(webhook("kaizen/webhook-event"), "msg_no", unix_now(), &body).unwrap();
    assert_eq!(deliver(&server, &forgery, "application/json").0, 401);
    let log = server.shut_down();
    let events: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    // The extractor's refusal passes the filter, in the span naming its webhook; the
    // receiver's own `accepted` (debug) and `stopped` (info) do not.
    assert_eq!(events.len(), 1, "{log}");
    assert_eq!(events[0]["level"], "DEBUG");
    assert_eq!(events[0]["status"], 401);
    assert_eq!(events[0]["span"]["webhook"], "kaizen/webhook-event");
}

/// At the default level, no line per request: one per webhook and interval, counting what its
/// requests did.
#[test]
fn the_default_log_summarizes_each_webhook_instead_of_a_line_per_request() {
    let mut command = hookschema();
    command
        .args(["--addr", "127.0.0.1:0", "--store", "jsonl:-"])
        .args(["--log-summary", "1"])
        .env_remove("RUST_LOG");
    let server = Serve::launch(command);
    let body = kaizen_body("exec_summary");
    assert_eq!(kaizen(&server, "msg_sum", unix_now(), &body, &body).0, 200);
    assert_eq!(kaizen(&server, "msg_sum", unix_now(), &body, &body).0, 200);
    let forgery = forged(webhook("kaizen/webhook-event"), "msg_x", unix_now(), &body).unwrap();
    assert_eq!(deliver(&server, &forgery, "application/json").0, 401);
    std::thread::sleep(Duration::from_millis(2500));
    let log = server.shut_down();
    let summaries: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("deliveries in the last 1 s"))
        .collect();
    assert_eq!(summaries.len(), 1, "one interval saw requests:\n{log}");
    assert!(
        summaries[0]
            .contains(r#"webhook="kaizen/webhook-event" stored=1 duplicates=1 refused=1 failed=0"#),
        "{log}"
    );
    assert!(
        !log.contains("accepted") && !log.contains("refused status="),
        "{log}"
    );
}

/// Stops on SIGTERM only once the request in flight is answered and its delivery stored.
#[test]
fn sigterm_stores_the_delivery_in_flight_then_stops() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let mut command = hookschema();
    command
        .args(["--addr", "127.0.0.1:0", "--store"])
        .arg(format!("jsonl:{}", out.display()))
        .env("RUST_LOG", "debug");
    let server = Serve::launch(command);
    let body = kaizen_body("exec_in_flight");
    let raw = authentic(
        webhook("kaizen/webhook-event"),
        "msg_late",
        unix_now(),
        &body,
    )
    .raw();
    let (head, rest) = raw.split_at(raw.len() - 10);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.write_all(head).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let stopping = std::thread::spawn(move || server.shut_down());
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(rest).unwrap();
    let answer = read_answer(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let log = stopping.join().unwrap();
    let at = |text: &str| {
        log.find(text)
            .unwrap_or_else(|| panic!("no `{text}` in {log}"))
    };
    assert!(at("stopping") < at("accepted"), "{log}");
    assert!(at("accepted") < at("stopped stored=1"), "{log}");
    assert_eq!(written(&out).len(), 1);
}

/// One HTTP/1.1 answer read off `stream`: head and body.
fn read_answer(stream: impl Read) -> String {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    while reader.read_line(&mut head).unwrap_or(0) > 2 {}
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    head + &String::from_utf8_lossy(&body)
}

#[test]
fn tls_serves_https_with_the_given_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let out = dir.path().join("out.jsonl");
    let mut command = hookschema();
    command
        .args(["--addr", "localhost:0", "--store"])
        .arg(format!("jsonl:{}", out.display()))
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key);
    let server = Serve::launch(command);
    assert!(server.base().starts_with("https://"), "{}", server.base());

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let body = kaizen_body("exec_tls");
    let raw = authentic(
        webhook("kaizen/webhook-event"),
        "msg_tls",
        unix_now(),
        &body,
    )
    .raw();
    let connection =
        rustls::ClientConnection::new(Arc::new(config), "localhost".try_into().unwrap()).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, TcpStream::connect(server.addr()).unwrap());
    tls.write_all(&raw).unwrap();
    let answer = read_answer(&mut tls);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Plain HTTP to the TLS port is not served.
    let mut plain = TcpStream::connect(server.addr()).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    plain.write_all(&raw).unwrap();
    let mut reply = Vec::new();
    let _ = plain.read_to_end(&mut reply);
    assert!(!reply.starts_with(b"HTTP/1.1 200"));

    server.shut_down();
    assert_eq!(written(&out).len(), 1);
}

#[test]
fn tls_files_that_do_not_make_a_pair_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let one = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, one.cert.pem()).unwrap();
    std::fs::write(&key, other.signing_key.serialize_pem()).unwrap();
    let missing = dir.path().join("missing.pem");
    for (cert, key, said) in [
        (&cert, &key, "--tls-cert and --tls-key do not make a pair"),
        (&missing, &key, "--tls-cert"),
        (&cert, &missing, "--tls-key"),
    ] {
        let output = refused(
            hookschema()
                .args(["--addr", "127.0.0.1:0", "--store", "jsonl:-", "--tls-cert"])
                .arg(cert)
                .arg("--tls-key")
                .arg(key),
        );
        assert!(output.contains(said), "{output}");
    }
    let output = refused(
        hookschema()
            .args(["--store", "jsonl:-", "--tls-cert"])
            .arg(&cert),
    );
    assert!(output.contains("--tls-key"), "{output}");
}

/// Runs `command`, which must exit with 2; what it wrote to standard error.
fn refused(command: &mut Command) -> String {
    let output = command
        .env("HOOKSCHEMA_KAIZEN_SECRET", "c2VjcmV0")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{said}");
    said
}

#[test]
fn addr_takes_host_names_and_says_what_is_wrong_with_one() {
    let mut command = hookschema();
    command.args(["--addr", "localhost:0", "--store", "jsonl:-"]);
    let server = Serve::launch(command);
    assert_eq!(get(&server, "/healthz").0, 200);
    server.stop();
    for addr in ["localhost", "127.0.0.1:port", "[::1]"] {
        let output = refused(hookschema().args(["--addr", addr, "--store", "jsonl:-"]));
        assert!(output.contains(&format!("--addr {addr}: ")), "{output}");
    }
}

#[test]
fn check_reports_the_configuration_and_does_not_listen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deliveries.db");
    let output = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args(["serve", "--check", "--addr", "127.0.0.1:1", "--store"])
        .arg(format!("sqlite:{}", db.display()))
        .env("HOOKSCHEMA_KAIZEN_SECRET", "c2VjcmV0")
        .env_remove("HOOKSCHEMA_COMFYDEPLOY_TOKEN")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{said}");
    assert!(
        said.starts_with("hookschema: would listen on http://127.0.0.1:1 on: POST /kaizen"),
        "{said}"
    );
    assert!(said.contains("/comfydeploy (HOOKSCHEMA_COMFYDEPLOY_TOKEN not set)"));
    // The store was opened and migrated, as a start would.
    assert!(db.exists());
    let said =
        refused(hookschema().args(["--check", "--store", "postgres://nobody@127.0.0.1:1/none"]));
    assert!(said.contains("cannot open the store"), "{said}");
}

/// Every option of every command says what it does in `--help`.
#[test]
fn help_explains_every_flag() {
    for command in [
        vec!["serve"],
        vec!["validate"],
        vec!["deliveries", "export"],
        vec![],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_hookschema"))
            .args(&command)
            .arg("--help")
            .output()
            .unwrap();
        let help = String::from_utf8(output.stdout).unwrap();
        let lines: Vec<&str> = help.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            // An option's line is indented two spaces; its explanation follows on the same line
            // after two spaces, or on the next, indented ten.
            if line.starts_with("  -") {
                let explained = line
                    .trim_start()
                    .split_once("  ")
                    .is_some_and(|(_, text)| !text.trim().is_empty())
                    || lines.get(i + 1).is_some_and(|next| {
                        next.starts_with("          ") && !next.trim().is_empty()
                    });
                assert!(explained, "`{}` is not explained:\n{help}", line.trim());
            }
        }
    }
}

/// A secret that would sign with a key the vendor does not use stops the receiver at start, and
/// `--check`, naming the variable it came from, never the secret.
#[test]
fn a_secret_in_the_wrong_form_stops_the_receiver_naming_its_variable() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    for check in [true, false] {
        for (variable, text) in [
            ("HOOKSCHEMA_KAIZEN_SECRET", secret),
            ("HOOKSCHEMA_KAIZEN_SECRET", " c2VjcmV0"),
            ("HOOKSCHEMA_KAIZEN_SECRET_2", "c2VjcmV0\n"),
            ("HOOKSCHEMA_KAIZEN_SECRET", "not*base64"),
        ] {
            let mut command = hookschema();
            command.args(["--addr", "127.0.0.1:0", "--store", "jsonl:-"]);
            if check {
                command.arg("--check");
            }
            let output = command
                .env("HOOKSCHEMA_KAIZEN_SECRET", "c2VjcmV0")
                .env(variable, text)
                .env_remove("HOOKSCHEMA_COMFYDEPLOY_TOKEN")
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{variable}={text:?}: {said}");
            assert!(said.contains(variable), "{said}");
            assert!(
                !said.contains(text.trim()),
                "the secret is never repeated: {said}"
            );
        }
    }
}
