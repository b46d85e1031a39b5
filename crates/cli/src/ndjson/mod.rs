//! `hookschema validate --ndjson`: an archive of deliveries, one payload per line, validated as
//! a stream: quiet on valid lines, one report per invalid line, a summary at the end.
//!
//! The input is cut into chunks of whole lines, `--jobs` workers validate chunks, and this
//! thread writes their reports in line order. A file is read by the workers themselves, each a
//! block at its own offset ([`file`]), so reading is shared out like the validating and nothing
//! waits on one reader; standard input or a pipe, which only one thread can read, by a reader
//! thread that hands chunks out ([`stream`]). Either way memory stays flat however long the
//! input: a few chunks' bytes in flight, and the reports of invalid lines that wait for a slower
//! chunk before them to be written (a line of many megabytes, say) until it is done.

mod file;
mod stream;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, sync_channel};

use hookschema_validate::{Invalid, Schema};
use serde::Serialize;

use crate::Format;
use crate::input::STDIN;
use crate::outcome::Outcome;
use crate::validate::{Report, text_verdict};

/// A chunk holds about this many bytes of lines: enough to keep a worker busy between
/// hand-offs, small enough that its buffer stays in the core's cache and the chunks in flight
/// stay a few megabytes.
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
    let [path] = files else {
        eprintln!("hookschema: --ndjson reads one file, or standard input");
        return Ok(Outcome::Error);
    };
    let label = path.to_string_lossy().into_owned();
    let cannot_read = |error: io::Error| {
        eprintln!("hookschema: cannot read {label}: {error}");
        Ok(Outcome::Error)
    };
    let checker = Checker {
        // A line's report names its number, not its document.
        schema: schema.without_documents(),
        format,
    };
    let jobs = jobs.max(1);
    let (results, result_queue) = sync_channel::<Checked>(jobs * 2);
    let threads = if path.as_os_str() == STDIN {
        stream::spawn(Box::new(io::stdin()), &checker, jobs, &results)
    } else {
        let opened = File::open(path).and_then(|file| Ok((file.metadata()?, file)));
        match opened {
            // A regular file can be read at any offset; a pipe or a device only as a stream, and
            // so a file that says it is empty (those of /proc say so, and are not).
            Ok((metadata, file)) if metadata.is_file() && metadata.len() > 0 => {
                file::spawn(file, metadata.len(), &checker, jobs, &results)
            }
            Ok((_, file)) => stream::spawn(Box::new(file), &checker, jobs, &results),
            Err(error) => return cannot_read(error),
        }
    };
    drop(results);
    // Compile while the first chunks are read; else the first worker to reach a payload would,
    // the others waiting for it.
    checker.schema.prepare();

    let written = write_in_order(out, format, &result_queue)?;
    // A thread that stopped took its chunk with it: better no verdict than a wrong one.
    let stopped = threads.into_iter().any(|thread| thread.join().is_err());
    let summary = match written {
        Written::Whole(summary) if !stopped => summary,
        Written::Unreadable { after_line, error } => {
            eprintln!("hookschema: cannot read {label} after line {after_line}: {error}");
            return Ok(Outcome::Error);
        }
        Written::Whole(_) | Written::Gap => {
            eprintln!("hookschema: a validating thread stopped; {label} was not checked whole");
            return Ok(Outcome::Error);
        }
    };
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

/// A chunk's verdicts, or why it could not be read.
struct Checked {
    /// Its place among the chunks, so reports come out in line order.
    sequence: u64,
    lines: io::Result<Lines>,
}

/// What a chunk of whole lines held.
#[derive(Default)]
struct Lines {
    /// Lines, blank ones included.
    count: u64,
    payloads: u64,
    /// Each invalid line's place in the chunk (0 for its first), and where its report ends in
    /// `reports`.
    invalid: Vec<(u64, usize)>,
    /// The invalid lines' reports one after another, each but for its start, which names the
    /// line: only the writer knows the line's number. Written by the worker that found them, the
    /// violations are built and freed on one thread (mimalloc frees across threads much more
    /// slowly), and the writer, which every chunk waits on, only copies bytes.
    reports: Vec<u8>,
}

/// What a worker needs to check lines and report the invalid ones.
#[derive(Clone)]
struct Checker {
    schema: Schema,
    format: Format,
}

/// Validates each line of `bytes`: whole lines, each ending with a newline but perhaps the
/// input's last.
fn check_lines(checker: &Checker, bytes: &[u8]) -> Lines {
    let mut lines = Lines::default();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes).chain([bytes.len()]) {
        // After a last newline (or in an empty chunk), the end starts no line.
        if start == bytes.len() {
            break;
        }
        let line = &bytes[start..end];
        let index = lines.count;
        lines.count += 1;
        start = end + 1;
        let payload = trim_json_whitespace(line);
        if payload.is_empty() {
            continue;
        }
        lines.payloads += 1;
        if let Err(invalid) = checker.schema.validate_bytes(payload) {
            report_after_line(&mut lines.reports, checker.format, &invalid)
                .expect("writing into memory does not fail");
            lines.invalid.push((index, lines.reports.len()));
        }
    }
    lines
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

/// How the writing ended.
enum Written {
    /// Every chunk came back, and these are the counts.
    Whole(Summary),
    /// A chunk could not be read: nothing after `after_line` was reported.
    Unreadable { after_line: u64, error: io::Error },
    /// A chunk never came back: its thread stopped.
    Gap,
}

/// Writes the workers' reports in chunk order, numbering lines as it goes, and counts.
fn write_in_order(
    out: &mut impl Write,
    format: Format,
    results: &Receiver<Checked>,
) -> io::Result<Written> {
    let mut summary = Summary::default();
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    let mut unreadable = None;
    for checked in results {
        // After a chunk that could not be read, the rest is drained so no thread waits on it.
        if unreadable.is_some() {
            continue;
        }
        waiting.insert(checked.sequence, checked.lines);
        while let Some(lines) = waiting.remove(&next) {
            next += 1;
            let lines = match lines {
                Ok(lines) => lines,
                Err(error) => {
                    unreadable = Some(error);
                    break;
                }
            };
            let mut start = 0;
            for &(index, end) in &lines.invalid {
                report_line(out, format, summary.lines + index + 1)?;
                out.write_all(&lines.reports[start..end])?;
                start = end;
            }
            summary.lines += lines.count;
            summary.payloads += lines.payloads;
            summary.invalid += lines.invalid.len() as u64;
            summary.valid += lines.payloads - lines.invalid.len() as u64;
        }
    }
    Ok(match unreadable {
        Some(error) => Written::Unreadable {
            after_line: summary.lines,
            error,
        },
        None if waiting.is_empty() => Written::Whole(summary),
        None => Written::Gap,
    })
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

/// The start of an invalid line's report, which names the line: `{"line":<n>` in JSON,
/// `line <n>` in text.
fn report_line(out: &mut impl Write, format: Format, line: u64) -> io::Result<()> {
    match format {
        Format::Json => write!(out, r#"{{"line":{line}"#),
        _ => write!(out, "line {line}"),
    }
}

/// The rest of an invalid line's report, after [`report_line`]: in JSON,
/// `,"valid":false,"errors":[…]` and `,"more":true` when `--max-errors` held some back, to end
/// the object `{"line", "valid", "errors", "more"}`; in text, what follows a label.
fn report_after_line(out: &mut Vec<u8>, format: Format, invalid: &Invalid) -> io::Result<()> {
    match format {
        Format::Json => {
            out.extend_from_slice(br#","valid":false,"errors":"#);
            serde_json::to_writer(&mut *out, &invalid.violations)?;
            if invalid.more {
                out.extend_from_slice(br#","more":true"#);
            }
            out.extend_from_slice(b"}\n");
            Ok(())
        }
        _ => text_verdict(out, &Report::of(Some(invalid))),
    }
}
