//! `hookschema validate --ndjson`: archives of deliveries, one per line, as a stream.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const SCHEMA: &str = "kaizen/webhook-event";

fn payload(id: &str, status: &str) -> String {
    format!(
        r#"{{"type":"execution.complete","data":{{"id":"{id}","status":"{status}","startTime":"2025-09-15T14:02:11Z"}}}}"#
    )
}

fn validate(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args(["validate", "--schema", SCHEMA, "--ndjson"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || pipe.write_all(&stdin));
    let output = child.wait_with_output().unwrap();
    // A usage error exits before reading its input; the pipe is then closed.
    let _ = writer.join().unwrap();
    output
}

/// The same run on `archive` read twice: from standard input, and from a file (which the
/// workers read themselves, block by block).
fn validate_both(args: &[&str], archive: &[u8]) -> [Output; 2] {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.ndjson");
    std::fs::write(&path, archive).unwrap();
    let file_args: Vec<&str> = args
        .iter()
        .copied()
        .chain([path.to_str().unwrap()])
        .collect();
    [validate(args, archive), validate(&file_args, b"")]
}

/// Two good lines, a blank one, a drifted status, one that is not JSON, a CRLF ending, and a
/// last line without a newline.
fn archive() -> String {
    format!(
        "{}\n{}\n\n{}\n{{\"type\":\n{}\r\n{}",
        payload("e1", "Completed"),
        payload("e2", "Failed"),
        payload("e3", "x-unknown-status"),
        payload("e5", "Completed"),
        payload("e6", "Paused"),
    )
}

#[test]
fn invalid_lines_are_reported_by_number_then_a_summary() {
    for jobs in ["1", "2"] {
        for output in validate_both(&["--format", "json", "--jobs", jobs], archive().as_bytes()) {
            assert_eq!(output.status.code(), Some(1), "jobs {jobs}");
            let lines: Vec<Value> = String::from_utf8(output.stdout)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(lines.len(), 3, "jobs {jobs}: {lines:?}");
            assert_eq!(lines[0]["line"], 4);
            assert_eq!(lines[0]["errors"][0]["instance_path"], "/data/status");
            assert_eq!(lines[1]["line"], 5);
            assert!(
                lines[1]["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("not JSON")
            );
            assert_eq!(
                lines[2],
                serde_json::json!({"summary": {"lines": 7, "payloads": 6, "valid": 4, "invalid": 2}})
            );
        }
    }
}

#[test]
fn text_reports_and_exit_0_when_all_lines_are_valid() {
    let good = format!(
        "{}\n{}\n",
        payload("e1", "Completed"),
        payload("e2", "Failed")
    );
    let output = validate(&[], good.as_bytes());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "-: 2 lines, 2 payloads, 2 valid, 0 invalid\n"
    );

    let output = validate(&[], archive().as_bytes());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("line 4: invalid\n  /data/status: "),
        "{text}"
    );
    assert!(
        text.ends_with("-: 7 lines, 6 payloads, 4 valid, 2 invalid\n"),
        "{text}"
    );
}

/// Only JSON's own whitespace is trimmed from a line: a form feed is not JSON, here as in a file
/// validated alone.
#[test]
fn a_line_is_judged_as_the_same_payload_in_a_file_would_be() {
    let line = format!("\x0c{}", payload("e1", "Completed"));
    let output = validate(&["--format", "json"], line.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_str(
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(report["line"], 1);
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("not JSON"),
        "{report}"
    );
}

#[test]
fn many_chunks_and_long_lines_keep_their_order_and_numbers() {
    let mut archive = String::new();
    for i in 0..5000 {
        let status = if i % 1000 == 999 {
            "x-unknown-status"
        } else {
            "Completed"
        };
        archive.push_str(&payload(&format!("e{i}"), status));
        archive.push('\n');
    }
    // One line longer than a chunk of the reader.
    let long = format!(
        r#"{{"type":"execution.complete","data":{{"id":"long","status":"Lost","startTime":"2025-09-15T14:02:11Z","params":{{"blob":"{}"}}}}}}"#,
        "x".repeat(300_000)
    );
    archive.push_str(&long);
    archive.push('\n');
    for output in validate_both(&["--format", "json", "--jobs", "2"], archive.as_bytes()) {
        let lines: Vec<Value> = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let numbers: Vec<u64> = lines.iter().filter_map(|l| l["line"].as_u64()).collect();
        assert_eq!(numbers, [1000, 2000, 3000, 4000, 5000, 5001]);
        assert_eq!(lines.last().unwrap()["summary"]["invalid"], 6);
    }
}

/// A file's blocks are read by different workers: every line belongs to exactly one block,
/// whether a newline falls on a block's last byte, on its first, or a line covers several
/// blocks, and the last line has no newline. Blocks are 128 KiB; the lines are sized here so
/// their newlines land on those edges.
#[test]
fn a_file_read_in_blocks_numbers_every_line_once() {
    const BLOCK: usize = 128 * 1024;
    let mut archive = Vec::new();
    let mut invalid = Vec::new();
    // A line of `len` bytes, newline included, valid or not.
    let mut push = |archive: &mut Vec<u8>, len: usize, valid: bool| {
        let status = if valid {
            "Completed"
        } else {
            "x-unknown-status"
        };
        let empty = payload("", status).len() + 1;
        let mut line = payload(&"x".repeat(len - empty), status);
        line.push('\n');
        assert_eq!(line.len(), len);
        archive.extend_from_slice(line.as_bytes());
        if !valid {
            invalid.push(archive.iter().filter(|&&b| b == b'\n').count() as u64);
        }
    };
    let mut line = 0;
    // Newlines at every third block's last byte, the next one's first, and in between.
    for target in [
        BLOCK - 1,
        2 * BLOCK,
        3 * BLOCK + 7,
        5 * BLOCK - 1,
        6 * BLOCK,
    ] {
        while archive.len() + 2000 < target {
            line += 1;
            push(&mut archive, 700 + line % 300, line % 9 != 0);
        }
        let len = target + 1 - archive.len();
        push(&mut archive, len, line % 2 == 0);
    }
    // A line over two whole blocks, invalid, then a blank line and a last line without newline.
    push(&mut archive, 2 * BLOCK + 300, false);
    archive.push(b'\n');
    archive.extend_from_slice(payload("last", "x-unknown-status").as_bytes());
    invalid.push(archive.iter().filter(|&&b| b == b'\n').count() as u64 + 1);
    let lines = invalid.last().copied().unwrap();

    for jobs in ["1", "2", "3"] {
        let [stdin, file] = validate_both(&["--format", "json", "--jobs", jobs], &archive);
        assert_eq!(file.stdout, stdin.stdout, "jobs {jobs}");
        let reports: Vec<Value> = String::from_utf8(file.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let numbers: Vec<u64> = reports.iter().filter_map(|l| l["line"].as_u64()).collect();
        assert_eq!(numbers, invalid, "jobs {jobs}");
        let summary = &reports.last().unwrap()["summary"];
        assert_eq!(summary["lines"], lines, "jobs {jobs}");
        assert_eq!(summary["payloads"], lines - 1, "jobs {jobs}");
        assert_eq!(summary["invalid"], invalid.len(), "jobs {jobs}");
    }
}

#[test]
fn an_empty_file_has_no_lines() {
    for output in validate_both(&[], b"") {
        assert_eq!(output.status.code(), Some(0));
        assert!(
            String::from_utf8(output.stdout)
                .unwrap()
                .ends_with(": 0 lines, 0 payloads, 0 valid, 0 invalid\n")
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let fastapi = validate(&["--format", "fastapi"], b"");
    assert_eq!(fastapi.status.code(), Some(2));
    let two_files = validate(&["a.ndjson", "b.ndjson"], b"");
    assert_eq!(two_files.status.code(), Some(2));
    let missing = validate(&["no-such.ndjson"], b"");
    assert_eq!(missing.status.code(), Some(2));
}

/// However long the stream, the process holds a few chunks at a time: feed it 100 MB and watch
/// its peak memory.
#[cfg(target_os = "linux")]
#[test]
fn memory_stays_flat_however_long_the_stream() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args(["validate", "--schema", SCHEMA, "--ndjson", "--jobs", "2"])
        .args(["--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut pipe = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // Reports are read as they come, as a consumer would, counted.
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).unwrap();
        text.lines().count()
    });
    // Valid deliveries with a drifted one among them, whose reports stream out too.
    let mut block = String::new();
    for i in 0.. {
        if block.len() >= 1 << 20 {
            break;
        }
        let status = if i % 50 == 49 {
            "x-unknown-status"
        } else {
            "Completed"
        };
        block.push_str(&payload("e1", status));
        block.push('\n');
    }
    let invalid_per_block = block.matches("x-unknown-status").count();
    let peak = |pid: u32| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let mut after_10_mib = 0;
    for round in 1..=100 {
        pipe.write_all(block.as_bytes()).unwrap();
        if round == 10 {
            after_10_mib = peak(pid);
        }
    }
    let after_100_mib = peak(pid);
    drop(pipe);
    assert_eq!(child.wait().unwrap().code(), Some(1));
    // One report per invalid line and the summary.
    assert_eq!(reader.join().unwrap(), 100 * invalid_per_block + 1);
    assert!(
        after_100_mib < after_10_mib + 8 * 1024 && after_100_mib < 64 * 1024,
        "peak memory {after_10_mib} KiB after 10 MiB of input, {after_100_mib} KiB after 100 MiB"
    );
}

/// A file of /proc says it is empty and is not: it is read as a stream, to its end.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_says_it_is_empty_is_read_to_its_end() {
    let output = validate(&["--format", "json", "/proc/self/status"], b"");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let lines = summary["summary"]["lines"].as_u64().unwrap();
    assert!(lines > 10, "{summary}");
    assert_eq!(summary["summary"]["invalid"], lines);
}

/// A reader that goes away (`… | head`) ends the run even while the input stays open: a worker
/// waiting for the next chunk sees that the run has stopped, whatever the input's reader waits
/// on (a terminal, a `tail -f`).
#[test]
fn a_closed_output_ends_the_run_while_the_input_is_still_open() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args([
            "validate", "--schema", SCHEMA, "--ndjson", "--jobs", "2", "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    // More than a chunk of invalid lines, whose reports are far more than the output buffers:
    // writing them fails. The run may end before all of it is taken.
    let _ = input.write_all("{}\n".repeat(60_000).as_bytes());
    // `input` stays open: only the closed output can end the run. A generous bound, so that a
    // hang fails the test instead of holding it forever.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the run did not end while its input stayed open");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    drop(input);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
