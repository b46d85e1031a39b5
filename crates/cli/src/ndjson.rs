//! `hookschema validate --ndjson`: an archive of deliveries, one payload per line, validated as
//! a stream: quiet on valid lines, one report per invalid line, a summary at the end.
//!
//! A reader thread cuts the input into chunks of lines, `--jobs` workers validate chunks, and
//! this thread writes their reports in line order. Every queue is bounded, so memory stays flat
//! however long the input: a few chunks in flight, whatever the file's size.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;

use hookschema_validate::{Schema, Violation};
use serde::Serialize;

use crate::Format;
use crate::input::open;
use crate::outcome::Outcome;
use crate::validate::text;

/// A chunk holds about this many bytes of lines: enough to keep a worker busy between
/// hand-offs, small enough that the chunks in flight stay a few megabytes.
const CHUNK_BYTES: usize = 128 * 1024;

pub fn run(
    out: &mut impl Write,
    schema: &str,
    format: Format,
    files: &[PathBuf],
    jobs: usize,
) -> io::Result<Outcome> {
    let schema = Schema::named(schema).expect("clap checked the schema name");
    if matches!(format, Format::Fastapi) {
        eprintln!(
            "hookschema: --ndjson reports as text or json; FastAPI bodies answer one request"
        );
        return Ok(Outcome::Error);
    }
    let [file] = files else {
        eprintln!("hookschema: --ndjson reads one file, or standard input");
        return Ok(Outcome::Error);
    };
    let label = file.to_string_lossy().into_owned();
    let input = match open(file) {
        Ok(input) => input,
        Err(error) => {
            eprintln!("hookschema: cannot read {label}: {error}");
            return Ok(Outcome::Error);
        }
    };
    let jobs = jobs.max(1);
    let (chunks, chunk_queue) = sync_channel::<Chunk>(jobs * 2);
    let (results, result_queue) = sync_channel::<Checked>(jobs * 2);
    // Workers hand their chunks' buffers back for reuse, so reading touches no fresh memory.
    let (spent, reusable) = sync_channel::<Vec<u8>>(jobs * 4);
    let reader = thread::spawn(move || read_chunks(input, &chunks, &reusable));
    // Compile while the reader fills the first chunks, rather than in a worker the others wait
    // for.
    schema.compile();
    let chunk_queue = Arc::new(Mutex::new(chunk_queue));
    for _ in 0..jobs {
        let (chunk_queue, results, spent) =
            (Arc::clone(&chunk_queue), results.clone(), spent.clone());
        thread::spawn(move || check_chunks(schema, &chunk_queue, &results, &spent));
    }
    drop((results, spent));

    let summary = write_in_order(out, format, &result_queue)?;
    let read = reader
        .join()
        .unwrap_or_else(|_| Err((0, io::Error::other("the reader stopped"))));
    if let Err((line, error)) = read {
        eprintln!("hookschema: cannot read {label} after line {line}: {error}");
        return Ok(Outcome::Error);
    }
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, &SummaryLine { summary })?;
            writeln!(out)?;
        }
        _ => writeln!(
            out,
            "{label}: {} lines, {} valid, {} invalid",
            summary.lines, summary.valid, summary.invalid
        )?,
    }
    Ok(if summary.invalid == 0 {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// Consecutive whole lines of the input.
struct Chunk {
    /// Its place among the chunks, so reports come out in line order.
    sequence: u64,
    /// The number of its first line.
    first_line: u64,
    /// The lines' bytes, each ending with a newline but perhaps the input's last.
    bytes: Vec<u8>,
}

/// A chunk's verdicts: how many payloads it had, and the invalid ones.
struct Checked {
    sequence: u64,
    payloads: u64,
    invalid: Vec<(u64, Vec<Violation>)>,
}

/// Reads the input in blocks, each cut after its last newline, until it ends; on a read
/// error, the number of lines read before it.
fn read_chunks(
    mut input: Box<dyn Read + Send>,
    chunks: &SyncSender<Chunk>,
    reusable: &Receiver<Vec<u8>>,
) -> Result<(), (u64, io::Error)> {
    let mut lines = 0;
    let mut sequence = 0;
    let mut carry = Vec::new();
    loop {
        let mut bytes = reusable.try_recv().unwrap_or_default();
        bytes.clear();
        bytes.append(&mut carry);
        let read = (&mut input)
            .take(CHUNK_BYTES as u64)
            .read_to_end(&mut bytes)
            .map_err(|error| (lines, error))?;
        let cut = match memchr::memrchr(b'\n', &bytes) {
            // At the end, the last line needs no newline.
            _ if read == 0 => bytes.len(),
            Some(newline) => newline + 1,
            // A line longer than a block: keep reading it.
            None => {
                carry = bytes;
                continue;
            }
        };
        carry = bytes.split_off(cut);
        if !bytes.is_empty() {
            let first_line = lines + 1;
            lines += memchr::memchr_iter(b'\n', &bytes).count() as u64;
            let chunk = Chunk {
                sequence,
                first_line,
                bytes,
            };
            sequence += 1;
            if chunks.send(chunk).is_err() {
                return Ok(());
            }
        }
        if read == 0 {
            return Ok(());
        }
    }
}

/// Validates chunks until there are no more.
fn check_chunks(
    schema: Schema,
    chunks: &Mutex<Receiver<Chunk>>,
    results: &SyncSender<Checked>,
    spent: &SyncSender<Vec<u8>>,
) {
    loop {
        let next = chunks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .recv();
        let Ok(chunk) = next else { return };
        let mut checked = Checked {
            sequence: chunk.sequence,
            payloads: 0,
            invalid: Vec::new(),
        };
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', &chunk.bytes).chain([chunk.bytes.len()]);
        for (i, end) in ends.enumerate() {
            let line = &chunk.bytes[start.min(end)..end];
            start = end + 1;
            let payload = line.trim_ascii();
            if payload.is_empty() {
                continue;
            }
            checked.payloads += 1;
            if let Err(invalid) = schema.validate_bytes(payload) {
                let number = chunk.first_line + i as u64;
                checked.invalid.push((number, invalid.violations));
            }
        }
        // The reader may have stopped or have buffers enough; then this one is dropped.
        let _ = spent.try_send(chunk.bytes);
        if results.send(checked).is_err() {
            return;
        }
    }
}

/// Writes the workers' reports in chunk order, and counts.
fn write_in_order(
    out: &mut impl Write,
    format: Format,
    results: &Receiver<Checked>,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    for checked in results {
        waiting.insert(checked.sequence, checked);
        while let Some(checked) = waiting.remove(&next) {
            next += 1;
            summary.lines += checked.payloads;
            summary.invalid += checked.invalid.len() as u64;
            summary.valid += checked.payloads - checked.invalid.len() as u64;
            for (line, violations) in &checked.invalid {
                report(out, format, *line, violations)?;
            }
        }
    }
    Ok(summary)
}

#[derive(Default, Clone, Copy, Serialize)]
struct Summary {
    lines: u64,
    valid: u64,
    invalid: u64,
}

#[derive(Serialize)]
struct SummaryLine {
    summary: Summary,
}

#[derive(Serialize)]
struct InvalidLine<'a> {
    line: u64,
    valid: bool,
    errors: &'a [Violation],
}

fn report(
    out: &mut impl Write,
    format: Format,
    line: u64,
    violations: &[Violation],
) -> io::Result<()> {
    match format {
        Format::Json => {
            let report = InvalidLine {
                line,
                valid: false,
                errors: violations,
            };
            serde_json::to_writer(&mut *out, &report)?;
            writeln!(out)
        }
        _ => text(out, &format!("line {line}"), violations),
    }
}
