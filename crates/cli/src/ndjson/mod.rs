//! `hookschema validate --ndjson`: an archive of deliveries, one payload per line, validated as
//! a stream: quiet on valid lines, one report per invalid line, a summary at the end.
//!
//! The input is cut into chunks of whole lines, `--jobs` workers validate chunks and write
//! their reports in line order themselves ([`in_order`]). A file is read by the workers
//! themselves, each a block at its own offset ([`file`]), so reading is shared out like the
//! validating and nothing waits on one reader; standard input or a pipe, which only one thread
//! can read, by a reader thread that hands chunks out ([`stream`]). Either way memory stays flat however long the
//! input: a few chunks' bytes in flight, and the reports of invalid lines that wait for a slower
//! chunk before them to be written (a line of many megabytes, say) until it is done.

mod file;
mod in_order;
mod stream;

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::thread::{self, JoinHandle, ScopedJoinHandle};

use hookschema_validate::{Invalid, Schema};
use serde::Serialize;

use crate::format::Format;
use crate::input::STDIN;
use crate::outcome::Outcome;
use crate::validate::{Report, text_verdict};
use in_order::{InOrder, Summary, Written};

/// A chunk holds about this many bytes of lines: enough to keep a worker busy between
/// hand-offs, small enough that its buffer stays in the core's cache and the chunks in flight
/// stay a few megabytes.
const CHUNK_BYTES: usize = 128 * 1024;

/// A chunk's buffer is kept for the next chunk up to this size: one grown by a line of several
/// blocks is let go, so memory goes back to a few chunks' worth.
const KEPT_BUFFER_BYTES: usize = 4 * CHUNK_BYTES;

pub fn run(
    out: &mut (impl Write + Send),
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
    let input = if path.as_os_str() == STDIN {
        Input::Stream(Box::new(io::stdin()))
    } else {
        match File::open(path).and_then(|file| Ok((file.metadata()?, file))) {
            // A regular file can be read at any offset; a pipe or a device only as a stream, and
            // so a file that says it is empty (those of /proc say so, and are not).
            Ok((metadata, file)) if metadata.is_file() && metadata.len() > 0 => {
                Input::File(file, metadata.len())
            }
            Ok((_, file)) => Input::Stream(Box::new(file)),
            Err(error) => {
                eprintln!("hookschema: cannot read {label}: {error}");
                return Ok(Outcome::Error);
            }
        }
    };
    let checker = Checker {
        // A line's report names its number, not its document.
        schema: schema.without_documents(),
        format,
    };
    let jobs = jobs.max(1);
    let in_order = InOrder::new(&mut *out, format);
    let finished = thread::scope(|scope| {
        let threads = match input {
            Input::File(file, len) => file::spawn(scope, file, len, &checker, jobs, &in_order),
            Input::Stream(read) => stream::spawn(scope, read, &checker, jobs, &in_order),
        };
        // Compile while the first chunks are read; else the first worker to reach a payload
        // would, the others waiting for it.
        checker.schema.prepare();
        threads.join(&in_order)
    });
    let summary = match in_order.finish()? {
        Written::Whole(summary) if finished => summary,
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

/// The threads of a run.
struct Threads<'scope> {
    workers: Vec<ScopedJoinHandle<'scope, ()>>,
    /// The thread that reads a stream, which is not the scope's: see [`stream::spawn`].
    reader: Option<JoinHandle<()>>,
}

impl Threads<'_> {
    /// Waits for the threads, and says whether each finished: one that stopped took its chunk
    /// with it, and then better no verdict than a wrong one. A reader is waited for unless the
    /// run stopped (then it may wait on its input forever); else it is done, or about to be, as
    /// the workers saw the end of its chunks.
    fn join<W: Write>(self, in_order: &InOrder<'_, W>) -> bool {
        // Every worker is joined, whatever the others came to: the scope would panic on one
        // that panicked and was left to it.
        let stopped = self
            .workers
            .into_iter()
            .map(|worker| worker.join())
            .filter(Result::is_err)
            .count();
        let reader = match self.reader {
            Some(reader) if !in_order.stopped() => reader.join().is_ok(),
            _ => true,
        };
        stopped == 0 && reader
    }
}

/// Where the lines come from.
enum Input {
    /// A regular file of this many bytes, which the workers read at their own offsets.
    File(File, u64),
    /// What only one thread can read, from start to end.
    Stream(Box<dyn Read + Send>),
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

/// A worker thread's settings: a stack that decodes the deepest model.
fn worker() -> thread::Builder {
    thread::Builder::new().stack_size(hookschema_models::DECODE_STACK_BYTES)
}
