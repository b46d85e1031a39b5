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
use crate::validate::{Report, text};

/// A chunk holds about this many bytes of lines: enough to keep a worker busy between
/// hand-offs, small enough that the chunks in flight stay a few megabytes.
const CHUNK_BYTES: usize = 128 * 1024;

pub fn run(
    out: &mut impl Write,
    schema: Schema,
    format: Format,
    files: &[PathBuf],
    jobs: usize,
) -> io::Result<Outcome> {
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
    // for. A line's report names its number, not its document.
    let schema = schema.without_documents();
    schema.prepare();
    let chunk_queue = Arc::new(Mutex::new(chunk_queue));
    let workers: Vec<_> = (0..jobs)
        .map(|_| {
            let (schema, chunk_queue, results, spent) = (
                schema.clone(),
                Arc::clone(&chunk_queue),
                results.clone(),
                spent.clone(),
            );
            thread::spawn(move || check_chunks(&schema, &chunk_queue, &results, &spent))
        })
        .collect();
    drop((results, spent));

    let (mut summary, checked) = write_in_order(out, format, &result_queue)?;
    let read = reader
        .join()
        .unwrap_or_else(|_| Err((0, io::Error::other("the reader stopped"))));
    let read = match read {
        Ok(read) => read,
        Err((line, error)) => {
            eprintln!("hookschema: cannot read {label} after line {line}: {error}");
            return Ok(Outcome::Error);
        }
    };
    // A worker that stopped took its chunk with it: better no verdict than a wrong one.
    let stopped = workers.into_iter().any(|worker| worker.join().is_err());
    if stopped || checked != read.chunks {
        eprintln!("hookschema: a validating thread stopped; {label} was not checked whole");
        return Ok(Outcome::Error);
    }
    summary.lines = read.lines;
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, &SummaryLine { summary })?;
            writeln!(out)?;
        }
        _ => writeln!(
            out,
            "{label}: {} lines, {} payloads, {} valid, {} invalid",
            summary.lines, summary.payloads, summary.valid, summary.invalid
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
    /// Each invalid line's number, violations and whether there were more (not its document,
    /// which a report of a line does not need).
    invalid: Vec<(u64, Vec<Violation>, bool)>,
}

/// What the reader read: how many lines, cut into how many chunks.
struct ReadAll {
    lines: u64,
    chunks: u64,
}

/// Reads the input in blocks, each cut after its last newline, until it ends; on a read
/// error, the number of lines read before it.
fn read_chunks(
    mut input: Box<dyn Read + Send>,
    chunks: &SyncSender<Chunk>,
    reusable: &Receiver<Vec<u8>>,
) -> Result<ReadAll, (u64, io::Error)> {
    let mut lines = 0;
    let mut sequence = 0;
    // The start of a line the last block cut: it holds no newline.
    let mut carry = Vec::new();
    loop {
        let mut bytes = if carry.is_empty() {
            let mut bytes = reusable.try_recv().unwrap_or_default();
            bytes.clear();
            bytes
        } else {
            std::mem::take(&mut carry)
        };
        let carried = bytes.len();
        let read = (&mut input)
            .take(CHUNK_BYTES as u64)
            .read_to_end(&mut bytes)
            .map_err(|error| (lines, error))?;
        let cut = match memchr::memrchr(b'\n', &bytes[carried..]) {
            // At the end, the last line needs no newline.
            _ if read == 0 => bytes.len(),
            Some(newline) => carried + newline + 1,
            // A line longer than a block: read on into the same buffer, searching only what is
            // new, so a long line costs its length, not its length squared.
            None => {
                carry = bytes;
                continue;
            }
        };
        carry = bytes.split_off(cut);
        let last = read == 0;
        if !bytes.is_empty() {
            let first_line = lines + 1;
            lines += memchr::memchr_iter(b'\n', &bytes).count() as u64;
            // The input's last line, when no newline ends it.
            lines += u64::from(last && !bytes.ends_with(b"\n"));
            let chunk = Chunk {
                sequence,
                first_line,
                bytes,
            };
            sequence += 1;
            if chunks.send(chunk).is_err() {
                break;
            }
        }
        if last {
            break;
        }
    }
    Ok(ReadAll {
        lines,
        chunks: sequence,
    })
}

/// Validates chunks until there are no more.
fn check_chunks(
    schema: &Schema,
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
            let payload = trim_json_whitespace(line);
            if payload.is_empty() {
                continue;
            }
            checked.payloads += 1;
            if let Err(invalid) = schema.validate_bytes(payload) {
                let number = chunk.first_line + i as u64;
                checked
                    .invalid
                    .push((number, invalid.violations, invalid.more));
            }
        }
        // The reader may have stopped or have buffers enough; then this one is dropped.
        let _ = spent.try_send(chunk.bytes);
        if results.send(checked).is_err() {
            return;
        }
    }
}

/// A line without the whitespace JSON allows around a value (space, tab, CR, LF): a CRLF file
/// reads as well as an LF one, and anything else stays for the parser to judge.
fn trim_json_whitespace(line: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = line.iter().position(|b| !blank(b)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |last| last + 1);
    &line[start..end]
}

/// Writes the workers' reports in chunk order, and counts; returns the counts and how many
/// chunks came back.
fn write_in_order(
    out: &mut impl Write,
    format: Format,
    results: &Receiver<Checked>,
) -> io::Result<(Summary, u64)> {
    let mut summary = Summary::default();
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    for checked in results {
        waiting.insert(checked.sequence, checked);
        while let Some(checked) = waiting.remove(&next) {
            next += 1;
            summary.payloads += checked.payloads;
            summary.invalid += checked.invalid.len() as u64;
            summary.valid += checked.payloads - checked.invalid.len() as u64;
            for (line, violations, more) in &checked.invalid {
                let shown = Report {
                    violations,
                    more: *more,
                };
                report(out, format, *line, &shown)?;
            }
        }
    }
    Ok((summary, next))
}

#[derive(Default, Clone, Copy, Serialize)]
struct Summary {
    /// Lines read, blank ones included.
    lines: u64,
    /// Lines that hold a payload.
    payloads: u64,
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
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    more: bool,
}

fn report(out: &mut impl Write, format: Format, line: u64, report: &Report<'_>) -> io::Result<()> {
    match format {
        Format::Json => {
            let line = InvalidLine {
                line,
                valid: false,
                errors: report.violations,
                more: report.more,
            };
            serde_json::to_writer(&mut *out, &line)?;
            writeln!(out)
        }
        _ => text(out, &format!("line {line}"), report),
    }
}
