//! Every kind of delivery gets its status and body, and accepted ones are written once, equal
//! to what was sent.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use hookschema_catalog::Catalog;
use hookschema_testkit::sender::authentic;
use hookschema_testkit::{SECRET, Serve, TOKEN};
use serde_json::{Value, json};

use crate::{agent, answer_of, comfydeploy, deliver, kaizen, metrics, unix_now, webhook, written};

/// The largest body these servers take, small so that a test can go past it.
const MAX_BODY: usize = 8192;

/// A `hookschema serve` writing to `out`, taking bodies up to [`MAX_BODY`], with `extra` options,
/// logging each request (`RUST_LOG=debug`).
fn start(out: &Path, extra: &[&str]) -> Serve {
    start_logging("debug", out, extra)
}

/// [`start`], logging what `rust_log` selects.
fn start_logging(rust_log: &str, out: &Path, extra: &[&str]) -> Serve {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .env("RUST_LOG", rust_log)
        .args(["serve", "--addr", "127.0.0.1:0", "--store"])
        .arg(format!("jsonl:{}", out.display()))
        .args(["--max-body-bytes", &MAX_BODY.to_string()])
        .args(extra)
        .stdout(Stdio::null());
    Serve::launch(command)
}

#[test]
fn the_receiver_answers_each_delivery_and_writes_the_valid_ones_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deliveries.jsonl");
    let server = start(&out, &[]);
    let ok = json!({"status": "ok"});
    let mut sent = Vec::new();

    // Every valid example of every webhook is accepted, answered as its vendor file says.
    for (i, fixture) in hookschema_fixtures::all()
        .iter()
        .filter(|f| f.is_valid())
        .enumerate()
    {
        let webhook = webhook(&fixture.schema);
        let request = authentic(webhook, &format!("msg_{i}"), unix_now(), &fixture.bytes);
        let (status, body) = deliver(&server, &request, "application/json");
        assert_eq!((status, &body), (200, &webhook.success.body), "{fixture}");
        if let Some(answers) = &webhook.success.schema {
            assert_eq!(answers.validate(&body), vec![]);
        }
        sent.push((
            webhook.vendor.clone(),
            serde_json::from_slice::<Value>(&fixture.bytes).unwrap(),
        ));
    }

    // A Kaizen retry is acknowledged and not written again.
    let retry = &hookschema_fixtures::all()
        .into_iter()
        .find(|f| f.vendor == "kaizen" && f.is_valid())
        .unwrap();
    let (status, body) = kaizen(&server, "msg_retry", unix_now(), &retry.bytes, &retry.bytes);
    assert_eq!((status, body), (200, ok.clone()));
    sent.push((
        "kaizen".into(),
        serde_json::from_slice(&retry.bytes).unwrap(),
    ));
    let (status, body) = kaizen(&server, "msg_retry", unix_now(), &retry.bytes, &retry.bytes);
    assert_eq!((status, body), (200, json!({"status": "duplicate"})));

    // A drifted delivery is kept, with the strict errors beside it.
    let drifted = br#"{"type":"x-unknown-event","data":{"executionId":"exec_9"}}"#;
    assert_eq!(
        kaizen(&server, "msg_drift", unix_now(), drifted, drifted),
        (200, ok.clone())
    );
    sent.push(("kaizen".into(), serde_json::from_slice(drifted).unwrap()));

    // Forged, stale, oversize, non-JSON and invalid deliveries are refused, and not written.
    let body = &retry.bytes;
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("exec", "EXEC")
        .into_bytes();
    let (status, answer) = kaizen(&server, "msg_forged", unix_now(), body, &tampered);
    assert_eq!(status, 401);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .starts_with("no signature"),
        "{answer}"
    );
    let (status, answer) = kaizen(&server, "msg_stale", unix_now() - 3600, body, body);
    assert_eq!(status, 401);
    assert!(
        answer["error"].as_str().unwrap().contains("before now"),
        "{answer}"
    );
    let (status, answer) = kaizen(&server, "msg_future", unix_now() + 3600, body, body);
    assert_eq!(status, 401);
    assert!(
        answer["error"].as_str().unwrap().contains("after now"),
        "{answer}"
    );
    let (status, answer) = answer_of(
        agent()
            .post(format!("{}/kaizen", server.base()))
            .header("Content-Type", "application/json")
            .header("X-Webhooks-Id", "msg_unsigned")
            .header("X-Webhooks-Timestamp", &unix_now().to_string())
            .send(&body[..]),
    );
    assert_eq!(
        (status, answer),
        (401, json!({"error": "missing header X-Webhooks-Signature"}))
    );

    let mut huge = br#"{"type":"execution.complete","data":{"id":"exec_1","status":"Completed","startTime":"2025-09-15T14:02:11Z","response":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'x', MAX_BODY));
    huge.extend(br#""}}"#);
    assert_eq!(
        kaizen(&server, "msg_huge", unix_now(), &huge, &huge),
        (
            413,
            json!({"error": format!("the body is larger than {MAX_BODY} bytes")})
        )
    );

    let signed_plain = deliver(
        &server,
        &authentic(
            webhook("kaizen/webhook-event"),
            "msg_plain",
            unix_now(),
            body,
        ),
        "text/plain",
    );
    assert_eq!(
        signed_plain,
        (
            415,
            json!({"error": "the Content-Type is text/plain, not application/json"})
        )
    );
    let tokenless = answer_of(
        agent()
            .post(format!("{}/comfydeploy", server.base()))
            .header("Content-Type", "application/json")
            .send(&b"{}"[..]),
    );
    assert_eq!(
        tokenless,
        (
            401,
            json!({"error": "the `token` query parameter is missing"})
        )
    );

    let plain = comfydeploy(&server, TOKEN, "text/plain", b"status=success");
    assert_eq!(
        plain,
        (
            415,
            json!({"error": "the Content-Type is text/plain, not application/json"})
        )
    );

    // One the models cannot decode is kept too, the receiver not being strict: its decode error
    // beside its violations, so the drift it shows is not lost to the sender's retries.
    let undecodable = br#"{"type":"execution.complete","data":{"id":5}}"#;
    assert_eq!(
        kaizen(&server, "msg_bad", unix_now(), undecodable, undecodable),
        (200, ok.clone())
    );
    sent.push((
        "kaizen".into(),
        serde_json::from_slice(undecodable).unwrap(),
    ));

    let not_json = b"{\"run_id\": ";
    let (status, answer) = comfydeploy(&server, TOKEN, "application/json", not_json);
    assert_eq!(status, 422);
    assert_eq!(answer["detail"][0]["type"], "json_invalid");
    let wrong = comfydeploy(&server, "wrong", "application/json", br#"{"run_id":"r"}"#);
    assert_eq!(
        wrong,
        (
            401,
            json!({"error": "the `token` query parameter is wrong"})
        )
    );

    // Nesting past the parsers' limit and a repeated key are refused, whoever signed them, and
    // the receiver lives on to answer the next delivery.
    let deep = format!(
        r#"{{"type":"execution.complete","data":{{"id":"exec_d","status":"Completed","startTime":"2025-09-15T14:02:11Z","params":{}{}}}}}"#,
        "[".repeat(3000),
        "]".repeat(3000)
    );
    let (status, answer) = kaizen(
        &server,
        "msg_deep",
        unix_now(),
        deep.as_bytes(),
        deep.as_bytes(),
    );
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["errors"][0]["message"],
        "arrays and objects nest deeper than 127 levels"
    );
    let repeated = br#"{"run_id":"r-dup","status":"success","status":"failed","live_status":null}"#;
    let (status, answer) = comfydeploy(&server, TOKEN, "application/json", repeated);
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["detail"][0]["loc"], json!(["body"]));
    assert_eq!(
        answer["detail"][0]["msg"],
        r#"Value error, the key "status" appears more than once"#
    );

    // The body is written as the sender wrote it, but for the whitespace between tokens: every
    // digit of a number beyond a 64-bit float included.
    let exact = b"{\n  \"type\": \"execution.complete\",\n  \"data\": {\"id\": \"exec_n\", \"status\": \"Completed\", \"startTime\": \"2025-09-15T14:02:11Z\", \"response\": {\"n\": 123456789012345678901234567890.25}}\n}";
    assert_eq!(
        kaizen(&server, "msg_exact", unix_now(), exact, exact),
        (200, ok.clone())
    );
    sent.push(("kaizen".into(), serde_json::from_slice(exact).unwrap()));

    // ComfyDeploy's GET retries are kept.
    let get_retry = br#"{"run_id":"r-get","status":"failed","live_status":null}"#;
    let (status, body) = answer_of(
        agent()
            .get(format!("{}/comfydeploy?token={TOKEN}", server.base()))
            .header("Content-Type", "application/json")
            .force_send_body()
            .send(&get_retry[..]),
    );
    assert_eq!((status, body), (200, ok));
    sent.push((
        "comfydeploy".into(),
        serde_json::from_slice(get_retry).unwrap(),
    ));

    let log = server.stop();
    let records = written(&out);
    let kept: Vec<(String, Value)> = records
        .iter()
        .map(|r| (r["vendor"].as_str().unwrap().to_owned(), r["body"].clone()))
        .collect();
    assert_eq!(
        kept, sent,
        "written once each, in order, equal to what was sent"
    );
    let line = std::fs::read_to_string(&out).unwrap();
    assert!(
        line.contains(r#""body":{"type":"execution.complete","data":{"id":"exec_n","status":"Completed","startTime":"2025-09-15T14:02:11Z","response":{"n":123456789012345678901234567890.25}}}"#),
        "{line}"
    );
    for record in &records {
        // The webhook that took it, named as its schema: a vendor's webhooks may differ in ids.
        let schema = record["schema"].as_str().unwrap();
        let webhook = Catalog::embedded().webhook(schema).unwrap();
        let with_ids = webhook.delivery_id.is_some();
        assert_eq!(record["delivery_id"].is_string(), with_ids, "{record}");
        assert!(record["received_at"].as_str().unwrap().ends_with('Z'));
    }
    let drift = records
        .iter()
        .find(|r| r["delivery_id"] == "msg_drift")
        .unwrap();
    let mut paths: Vec<&str> = drift["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["instance_path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, ["/data", "/data", "/data", "/type"]);
    let undecoded = records
        .iter()
        .find(|r| r["delivery_id"] == "msg_bad")
        .unwrap();
    let errors = undecoded["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["instance_path"] == "/data"),
        "its violations: {undecoded}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("invalid type")),
        "its decode error: {undecoded}"
    );

    assert!(
        !log.contains(SECRET) && !log.contains(TOKEN),
        "a secret reached the log:\n{log}"
    );
    assert!(log.contains("status=401"), "refusals are logged:\n{log}");
}

#[test]
fn serve_needs_something_to_receive() {
    // Run where its default store may be opened without leaving a file behind.
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .current_dir(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("HOOKSCHEMA_KAIZEN_SECRET")
        .env_remove("HOOKSCHEMA_COMFYDEPLOY_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing to receive"));
}

#[test]
fn a_chunked_body_over_the_limit_gets_413() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir.path().join("out.jsonl"), &[]);
    // Just over the limit: small enough to be sent whole before the answer comes back, so the
    // client reads the 413 rather than a reset.
    let body = vec![b' '; MAX_BODY + 100];
    let mut reader = body.as_slice();
    let (status, _) = answer_of(
        agent()
            .post(format!("{}/comfydeploy?token={TOKEN}", server.base()))
            .header("Content-Type", "application/json")
            .send(ureq::SendBody::from_reader(&mut reader)),
    );
    assert_eq!(status, 413);
    server.stop();
}

/// A delivery that cannot be written gets 500, so the vendor retries, and its id is not
/// remembered: the retry is handled again, not acknowledged as a duplicate.
#[cfg(target_os = "linux")]
#[test]
fn a_delivery_that_cannot_be_written_gets_500_and_its_retry_is_handled() {
    // At the default level, where no request has a line of its own, the error names its webhook.
    let server = start_logging("info", Path::new("/dev/full"), &[]);
    let body = br#"{"type":"execution.complete","data":{"id":"exec_1","status":"Completed","startTime":"2025-09-15T14:02:11Z"}}"#;
    for _ in 0..2 {
        let (status, answer) = kaizen(&server, "msg_full", unix_now(), body, body);
        assert_eq!(status, 500, "{answer}");
    }
    // The answer says when to come back, so the vendor retries.
    let request = authentic(
        webhook("kaizen/webhook-event"),
        "msg_full",
        unix_now(),
        body,
    );
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    std::io::Write::write_all(&mut stream, &request.raw()).unwrap();
    let mut answer = String::new();
    let mut reader = std::io::BufReader::new(stream);
    while std::io::BufRead::read_line(&mut reader, &mut answer).unwrap_or(0) > 2 {}
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 5"),
        "{answer}"
    );
    let metrics = metrics(&server);
    let failed = r#"hookschema_deliveries_total{vendor="kaizen",webhook="kaizen/webhook-event",outcome="5xx"} 3"#;
    assert!(metrics.contains(failed), "{metrics}");
    let log = server.stop();
    let failures: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("delivery not stored"))
        .collect();
    assert_eq!(failures.len(), 3, "{log}");
    for line in failures {
        assert!(line.contains("cannot write /dev/full"), "{line}");
        assert!(line.contains(r#"webhook="kaizen/webhook-event""#), "{line}");
    }
}

/// A client that stops sending its body gets 408 when the request timeout passes, counted as
/// such.
#[test]
fn a_stalled_body_times_out() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir.path().join("out.jsonl"), &["--request-timeout", "1"]);
    let address = server.addr();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "POST /comfydeploy?token={TOKEN} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"run_id\""
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let metrics = metrics(&server);
    let timed_out = r#"outcome="408"} 1"#;
    assert!(
        metrics
            .lines()
            .any(|line| line.contains("comfydeploy") && line.ends_with(timed_out)),
        "{metrics}"
    );
    server.stop();
}

/// A delivery whose request times out while its line waits to be written (a reader of the
/// output that stalls) is still written, once: the vendor's retry finds it done and is
/// acknowledged as a duplicate, never written a second time.
#[test]
fn a_delivery_that_times_out_while_being_written_is_written_once() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--store", "jsonl:-"])
        .args(["--request-timeout", "1"])
        .stdout(Stdio::piped());
    let mut server = Serve::launch(command);

    // Nobody reads the output yet: once the pipe is full, deliveries wait, and time out.
    let padding = "x".repeat(16 * 1024);
    let body = format!(
        r#"{{"type":"execution.complete","data":{{"id":"exec_1","status":"Completed","startTime":"2025-09-15T14:02:11Z","response":"{padding}"}}}}"#
    );
    let mut ids = Vec::new();
    let mut timed_out = 0;
    while timed_out < 2 {
        assert!(ids.len() < 64, "the output pipe never filled");
        let id = format!("msg_slow_{}", ids.len());
        let (status, answer) = kaizen(&server, &id, unix_now(), body.as_bytes(), body.as_bytes());
        match status {
            200 => {}
            408 => timed_out += 1,
            other => panic!("{other}: {answer}"),
        }
        ids.push(id);
    }

    let mut stdout = server.take_stdout().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).unwrap();
        text
    });
    for id in &ids {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let (status, answer) =
                kaizen(&server, id, unix_now(), body.as_bytes(), body.as_bytes());
            if status == 503 && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            assert_eq!(
                (status, answer),
                (200, json!({"status": "duplicate"})),
                "{id}"
            );
            break;
        }
    }
    server.stop();
    let written: Vec<Value> = reader
        .join()
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let written_ids: Vec<&str> = written
        .iter()
        .map(|record| record["delivery_id"].as_str().unwrap())
        .collect();
    assert_eq!(written_ids, ids, "each delivery written once, in order");
}

/// `--strict` refuses a delivery that decodes but breaks the schema, and writes nothing of it.
#[test]
fn strict_mode_refuses_drift() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let server = start(&out, &["--strict"]);
    let drifted = br#"{"type":"x-unknown-event","data":{"executionId":"exec_9"}}"#;
    let (status, answer) = kaizen(&server, "msg_drift", unix_now(), drifted, drifted);
    assert_eq!(status, 422, "{answer}");
    let mut paths: Vec<&str> = answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["instance_path"].as_str().unwrap())
        .collect();
    paths.dedup();
    assert_eq!(paths, ["/type", "/data"]);
    server.stop();
    assert_eq!(std::fs::read_to_string(&out).unwrap_or_default(), "");
}

/// Retries of one delivery arriving at once: one is written, the others are acknowledged as
/// duplicates or told to come back, and none is written twice.
#[test]
fn simultaneous_retries_are_written_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let server = start(&out, &[]);
    let body = br#"{"type":"execution.complete","data":{"id":"exec_1","status":"Completed","startTime":"2025-09-15T14:02:11Z"}}"#;
    let statuses: Vec<(u16, Value)> = std::thread::scope(|scope| {
        let senders: Vec<_> = (0..16)
            .map(|_| scope.spawn(|| kaizen(&server, "msg_same", unix_now(), body, body)))
            .collect();
        senders.into_iter().map(|s| s.join().unwrap()).collect()
    });
    let ok = statuses
        .iter()
        .filter(|(status, answer)| *status == 200 && answer["status"] == "ok")
        .count();
    assert_eq!(ok, 1, "{statuses:?}");
    for (status, answer) in &statuses {
        let acknowledged = *status == 200
            && ["ok", "duplicate"].contains(&answer["status"].as_str().unwrap_or_default());
        assert!(acknowledged || *status == 503, "{status}: {answer}");
    }
    server.stop();
    assert_eq!(written(&out).len(), 1);
}

/// Behind a stalled output, accepted deliveries wait in memory only up to
/// `--max-pending-bytes`: past it, new ones get 503 to be retried, instead of piling up.
#[test]
fn a_stalled_output_turns_deliveries_away_instead_of_holding_them() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--store", "jsonl:-"])
        .args(["--request-timeout", "1", "--max-pending-bytes", "100000"])
        .stdout(Stdio::piped());
    let server = Serve::launch(command);
    let padding = "x".repeat(60_000);
    let mut answers = Vec::new();
    while !answers.iter().any(|(status, _)| *status == 503) {
        assert!(answers.len() < 20, "never turned away: {answers:?}");
        // Each its own run: the same body again would be a retry, a duplicate.
        let run = answers.len();
        let body = format!(r#"{{"run_id":"r{run}","status":"running","live_status":"{padding}"}}"#);
        answers.push(comfydeploy(
            &server,
            TOKEN,
            "application/json",
            body.as_bytes(),
        ));
    }
    let (_, busy) = answers.last().unwrap();
    assert_eq!(busy["error"], "the store is unavailable; retry later");
    // A store that does not answer takes the receiver out of rotation.
    let (status, ready) = answer_of(agent().get(format!("{}/readyz", server.base())).call());
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["error"], "the store did not answer within 2s");
    assert!(
        answers
            .iter()
            .all(|(status, _)| [200, 408, 503].contains(status))
    );
    server.stop();
}
