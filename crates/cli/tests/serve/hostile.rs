//! The hostile-input corpus (`tests/hostile/cases.json`) sent to one `hookschema serve` with its
//! default limits, signed or tokened as its vendor does: each case gets the status the corpus
//! names within 5 s, the server lives through them all and stays under 512 MiB, and it writes
//! exactly the deliveries it accepted.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hookschema_fixtures::hostile;
use hookschema_testkit::Serve;
use hookschema_testkit::sender::authentic;

use crate::{unix_now, webhook, written};

const TIME_LIMIT: Duration = Duration::from_secs(5);
const MEMORY_LIMIT: u64 = 512 * 1024 * 1024;

#[test]
fn every_hostile_input_gets_its_status_and_the_receiver_lives_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--store"])
        .arg(format!("jsonl:{}", out.display()))
        .stdout(Stdio::null());
    let mut server = Serve::launch(command);

    let mut wrong = Vec::new();
    let mut accepted = 0;
    for (n, case) in hostile().iter().enumerate() {
        let started = Instant::now();
        let request = authentic(
            webhook(&case.schema),
            &format!("hostile_{n}"),
            unix_now(),
            &case.bytes,
        );
        let answer = exchange(server.addr(), request.raw());
        let took = started.elapsed();
        if !answer.starts_with(&format!("HTTP/1.1 {} ", case.receive)) {
            let answer: String = answer.chars().take(400).collect();
            wrong.push(format!("{case}: want {}, got {answer}", case.receive));
        }
        if took > TIME_LIMIT {
            wrong.push(format!("{case}: took {took:?}"));
        }
        if !server.is_running() {
            panic!(
                "{case} stopped the server; before it:\n{}",
                wrong.join("\n")
            );
        }
        accepted += usize::from(answer.starts_with("HTTP/1.1 200 "));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    if let Some(peak) = server.peak_memory() {
        assert!(peak <= MEMORY_LIMIT, "the server held {} MiB", peak >> 20);
    }
    server.stop();
    assert_eq!(
        written(&out).len(),
        accepted,
        "each accepted case written once"
    );
}

/// Sends `request` on a connection of its own, asking the server to close it after answering,
/// and returns the answer as text. The request is written while the answer is read: a server
/// may answer (413) and hang up before it has read a large body, and the answer must not be
/// lost to the reset that follows.
fn exchange(addr: SocketAddr, request: Vec<u8>) -> String {
    let line_end = request.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    let request = [
        &request[..line_end],
        b"Connection: close\r\n",
        &request[line_end..],
    ]
    .concat();
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(2 * TIME_LIMIT)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        // The server may stop reading early; what it answers is what counts.
        let _ = writer.write_all(&request);
    });
    let mut answer = Vec::new();
    // A reset after the answer ends the read with an error, the answer kept.
    let _ = (&stream).read_to_end(&mut answer);
    sender.join().unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}
