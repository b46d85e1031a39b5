//! What a sender without the secret cannot do to `hookschema serve`: hold the connections or
//! the body budget so that genuine deliveries wait or are turned away. Each flood
//! (`hookschema_load::attack`) is held open while signed deliveries are sent, which must be
//! answered 200 within a second; the floods' own requests are answered 408, 503 or closed.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hookschema_load::attack::{deliver, idle, stalled_bodies};
use hookschema_testkit::Serve;

use crate::webhook;

/// A receiver storing JSON lines in `dir`, with `extra` options.
fn serve(dir: &std::path::Path, extra: &[&str]) -> Serve {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--store"])
        .arg(format!("jsonl:{}", dir.join("deliveries.jsonl").display()))
        .args(extra)
        .stdout(Stdio::null());
    Serve::launch(command)
}

const BODY: &[u8] = br#"{"type":"execution.complete","data":{"id":"exec_1","status":"Completed","startTime":"2025-09-15T14:02:11Z"}}"#;

/// Sends `rounds` signed deliveries, `every` apart: each must be answered 200 within a second.
fn genuine_deliveries_pass(server: &Serve, name: &str, rounds: usize, every: Duration) {
    for round in 0..rounds {
        let id = format!("{name}_{round}");
        let (status, took) = deliver(
            server.addr(),
            webhook("kaizen/webhook-event"),
            &id,
            BODY,
            Duration::from_secs(30),
        );
        assert_eq!(status, 200, "{name}, delivery {round}: after {took:?}");
        assert!(
            took < Duration::from_secs(1),
            "{name}, delivery {round}: {took:?}"
        );
        std::thread::sleep(every);
    }
}

/// Heads that declare 2 MiB bodies and send none, from 32 connections and from 256 (the
/// connection limit): they hold no budget (a body is charged as it arrives), they are closed
/// when the limit needs their room, and they get 408 once the body is late.
#[test]
fn a_flood_of_stalled_heads_leaves_signed_deliveries_answered_within_a_second() {
    for count in [32, 256] {
        let dir = tempfile::tempdir().unwrap();
        let server = serve(dir.path(), &[]);
        let flood = stalled_bodies(
            server.addr(),
            None,
            webhook("kaizen/webhook-event"),
            count,
            2 * 1024 * 1024,
            0,
        );
        assert_eq!(flood.len(), count);
        // Over the body's grace (2 s), and the first head deadline.
        genuine_deliveries_pass(
            &server,
            &format!("stalled_{count}"),
            8,
            Duration::from_millis(400),
        );
        // Those still open were answered 408: the body was late.
        let mut late = 0;
        for mut stream in flood {
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            late += usize::from(answer.starts_with("HTTP/1.1 408"));
        }
        assert!(late > 0, "{count}: no stalled body was answered 408");
        assert_eq!(server.stop().matches("panicked").count(), 0);
    }
}

/// 2,000 connections that never send a byte, far past the connection limit (256): the oldest
/// are closed as new ones come, so a sender is never left in the listen backlog behind them.
#[test]
fn idle_connections_leave_a_signed_delivery_answered_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &[]);
    let started = Instant::now();
    let flood = idle(server.addr(), 2000);
    assert_eq!(flood.len(), 2000, "every connection was made");
    let opened = started.elapsed();
    genuine_deliveries_pass(&server, "idle", 5, Duration::from_millis(100));
    // More idle connections, while deliveries come.
    let more = idle(server.addr(), 2000);
    genuine_deliveries_pass(&server, "idle_more", 5, Duration::from_millis(100));
    drop((flood, more));
    let metrics = crate::metrics(&server);
    let shed: f64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("hookschema_connections_shed_total "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0.0);
    assert!(shed >= 3000.0, "{shed} shed; opening took {opened:?}");
}

/// Bodies that come fast and then stall, all from one address (127.0.0.2): together they would
/// hold the whole budget, but one peer holds a quarter of it at most, so a sender elsewhere
/// (127.0.0.1) is still read.
#[test]
fn one_peer_cannot_take_the_body_budget_from_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let budget = 8 * 1024 * 1024;
    let server = serve(
        dir.path(),
        &["--max-inflight-body-bytes", &budget.to_string()],
    );
    let attacker = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let flood = stalled_bodies(
        server.addr(),
        Some(attacker),
        webhook("kaizen/webhook-event"),
        16,
        2 * 1024 * 1024,
        1536 * 1024,
    );
    assert!(!flood.is_empty(), "cannot connect from {attacker}");
    // The flood's bytes are read (and charged) before the deliveries come.
    std::thread::sleep(Duration::from_millis(500));
    genuine_deliveries_pass(&server, "peer", 3, Duration::from_millis(100));
    let mut busy = 0;
    for mut stream in flood {
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut answer = [0; 12];
        if stream.read_exact(&mut answer).is_ok() && answer.ends_with(b"503") {
            busy += 1;
        }
    }
    assert!(
        busy >= 12,
        "only {busy} of the peer's bodies were refused its share"
    );
}

/// A body that comes slower than `--min-body-rate` gets 408 once it is behind, long before the
/// request timeout.
#[test]
fn a_body_trickled_too_slowly_gets_408() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &["--min-body-rate", "1000"]);
    let started = Instant::now();
    let mut flood = stalled_bodies(
        server.addr(),
        None,
        webhook("kaizen/webhook-event"),
        1,
        10_000,
        500,
    );
    let mut stream = flood.pop().unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(250)))
        .unwrap();
    // A byte every quarter of a second, well under 1,000 a second, until the answer comes.
    let mut answer = String::new();
    let mut buffer = [0; 512];
    while started.elapsed() < Duration::from_secs(10) {
        match stream.read(&mut buffer) {
            Ok(read) => {
                answer.push_str(&String::from_utf8_lossy(&buffer[..read]));
                break;
            }
            Err(_) => {
                if stream.write_all(b" ").is_err() {
                    break;
                }
            }
        }
    }
    let took = started.elapsed();
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "{answer:?} after {took:?}"
    );
    assert!(
        answer.contains("slower than 1000 bytes a second"),
        "{answer}"
    );
    // Due at 2 s + 500 bytes / 1,000 a second.
    assert!(took < Duration::from_secs(4), "{took:?}");
}

/// A request with both `Content-Length` and `Transfer-Encoding` gets 400, and its connection
/// is closed, so nothing hidden in its body is read as a request.
#[test]
fn a_request_with_two_lengths_gets_400_and_its_connection_closes() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &[]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let hidden = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    let request = format!(
        "POST /kaizen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{hidden}"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(answer.matches("HTTP/1.1").count(), 1, "{answer}");
}
