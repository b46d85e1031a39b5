//! The hostile-input corpus (`tests/hostile/cases.json`) through `hookschema validate` and
//! `hookschema parse`, each case a process of its own: it must exit with the code its verdict
//! means (0 valid, 1 invalid), report the corpus's paths and message, and end by itself, not by
//! a signal, within 5 s and 512 MiB of peak memory (the kernel's count, from `wait4`).
//! Linux only: elsewhere the peak is counted in other units.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hookschema_fixtures::{HostileCase, Verdict, hostile};
use serde_json::Value;

const TIME_LIMIT: Duration = Duration::from_secs(5);
const MEMORY_LIMIT_KIB: i64 = 512 * 1024;

/// How a process ended.
struct Ended {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `hookschema` with `args` and waits for it, or says which limit it broke.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by `wait4`, which clippy cannot see"
)]
fn run_within_limits(args: &[&str]) -> Result<Ended, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let started = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is this process's child, not yet reaped; both pointers are to live
        // locals of the types `wait4` writes.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(reaped >= 0, "wait4: {}", std::io::Error::last_os_error());
        if reaped == pid {
            break (status, usage);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("took over {TIME_LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    if libc::WIFSIGNALED(status) {
        return Err(format!("ended by signal {}", libc::WTERMSIG(status)));
    }
    if usage.ru_maxrss > MEMORY_LIMIT_KIB {
        return Err(format!("peaked at {} MiB", usage.ru_maxrss / 1024));
    }
    Ok(Ended {
        code: libc::WEXITSTATUS(status),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    })
}

/// Reads one of the child's pipes to its end on a thread, so the child never blocks on it.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = Vec::new();
        pipe.read_to_end(&mut text).unwrap();
        String::from_utf8_lossy(&text).into_owned()
    })
}

/// What `hookschema validate --format json` made of the case, against what the corpus says.
fn validated(case: &HostileCase, file: &str) -> Result<(), String> {
    let ended = run_within_limits(&[
        "validate",
        "--schema",
        &case.schema,
        "--format",
        "json",
        file,
    ])?;
    let report: Value = serde_json::from_str(&ended.stdout).map_err(|e| {
        format!(
            "exit {}, stdout not one report ({e}): {}",
            ended.code, ended.stderr
        )
    })?;
    match (&case.validate, ended.code) {
        (Verdict::Valid, 0) if report["valid"] == true => Ok(()),
        (Verdict::Invalid { at, says }, 1) => {
            let errors = report["errors"].as_array().cloned().unwrap_or_default();
            let mut paths: Vec<&str> = errors
                .iter()
                .filter_map(|e| e["instance_path"].as_str())
                .collect();
            paths.sort();
            paths.dedup();
            let said = errors.iter().any(|e| {
                e["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(says.as_str()))
            });
            if paths == *at && said {
                Ok(())
            } else {
                Err(format!("reported {:.300}", report.to_string()))
            }
        }
        (_, code) => Err(format!("exit {code}: {:.300}", report.to_string())),
    }
}

/// What `hookschema parse` made of the case: the decoded payload on stdout, or the corpus's
/// pointer and message on stderr: the models', or strict validation's for a malformed payload,
/// which `parse` refuses as the validator does.
fn parsed(case: &HostileCase, file: &str) -> Result<(), String> {
    let ended = run_within_limits(&["parse", "--schema", &case.schema, file])?;
    let verdict = if case.malformed() {
        &case.validate
    } else {
        &case.parse
    };
    match (verdict, ended.code) {
        (Verdict::Valid, 0) if serde_json::from_str::<Value>(&ended.stdout).is_ok() => Ok(()),
        (Verdict::Invalid { at, says }, 1) => {
            let pointer = match at.as_slice() {
                [pointer] if pointer.is_empty() => "(root)",
                [pointer] => pointer.as_str(),
                _ => return Err(format!("the corpus names {} pointers for parse", at.len())),
            };
            let said = format!("{file}: {pointer}: ");
            if ended.stderr.starts_with(&said) && ended.stderr.contains(says.as_str()) {
                Ok(())
            } else {
                Err(format!("said {:.300}", ended.stderr))
            }
        }
        (_, code) => Err(format!("exit {code}: {:.300}", ended.stderr)),
    }
}

#[test]
fn every_hostile_input_gets_its_verdict_from_the_command_line_within_limits() {
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    for case in hostile() {
        let path = dir.path().join(format!("{}.json", case.name));
        std::fs::write(&path, &case.bytes).unwrap();
        let file = path.to_str().unwrap();
        if let Err(why) = validated(&case, file) {
            wrong.push(format!("{case} validate: {why}"));
        }
        if let Err(why) = parsed(&case, file) {
            wrong.push(format!("{case} parse: {why}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
