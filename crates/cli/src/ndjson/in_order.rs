//! The reports, written in line order by the workers themselves: whichever finishes the chunk
//! that is next writes it, and any that finished early and wait behind it. No thread waits to
//! be woken for each chunk: a writer thread woken for each would take a third of a core's
//! switches away from two validating ones.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;

use super::{Lines, report_line};
use crate::format::Format;

/// The output, and how far the reports in it have come.
pub(super) struct InOrder<'o, W> {
    state: Mutex<State<'o, W>>,
    format: Format,
}

struct State<'o, W> {
    out: &'o mut W,
    /// The chunk whose reports come next.
    next: u64,
    /// Chunks checked before the one that comes next.
    waiting: BTreeMap<u64, io::Result<Lines>>,
    summary: Summary,
    /// Why nothing more is written, if something stopped the run.
    stopped: Option<Stop>,
}

enum Stop {
    /// A chunk could not be read: nothing after `after_line` was reported.
    Unreadable { after_line: u64, error: io::Error },
    /// The output could not be written.
    Unwritable(io::Error),
}

/// How the writing ended.
pub(super) enum Written {
    /// Every chunk was written, and these are the counts.
    Whole(Summary),
    /// A chunk could not be read: nothing after `after_line` was reported.
    Unreadable { after_line: u64, error: io::Error },
    /// A chunk never came: its thread stopped.
    Gap,
}

impl<'o, W: Write> InOrder<'o, W> {
    pub(super) fn new(out: &'o mut W, format: Format) -> Self {
        InOrder {
            state: Mutex::new(State {
                out,
                next: 0,
                waiting: BTreeMap::new(),
                summary: Summary::default(),
                stopped: None,
            }),
            format,
        }
    }

    /// Takes chunk `sequence`'s verdicts, and writes them now if their turn has come, with the
    /// chunks after it already checked. `false` once the run has stopped (a chunk unreadable, the
    /// output unwritable): what a worker checks then is wasted.
    pub(super) fn deliver(&self, sequence: u64, lines: io::Result<Lines>) -> bool {
        let Some(mut guard) = self.lock() else {
            return false;
        };
        let state = &mut *guard;
        if state.stopped.is_some() {
            return false;
        }
        state.waiting.insert(sequence, lines);
        while let Some(lines) = state.waiting.remove(&state.next) {
            state.next += 1;
            let stop = match lines {
                Ok(lines) => match state.write(self.format, &lines) {
                    Ok(()) => continue,
                    Err(error) => Stop::Unwritable(error),
                },
                Err(error) => Stop::Unreadable {
                    after_line: state.summary.lines,
                    error,
                },
            };
            state.stopped = Some(stop);
            state.waiting.clear();
            return false;
        }
        true
    }

    /// Whether a chunk that could not be read, the output, or a worker that stopped while
    /// writing stopped the run.
    pub(super) fn stopped(&self) -> bool {
        self.lock().is_none_or(|state| state.stopped.is_some())
    }

    /// How the writing ended, once no worker delivers any more; an error only if the output
    /// could not be written.
    pub(super) fn finish(self) -> io::Result<Written> {
        let Ok(state) = self.state.into_inner() else {
            return Ok(Written::Gap);
        };
        Ok(match state.stopped {
            Some(Stop::Unwritable(error)) => return Err(error),
            Some(Stop::Unreadable { after_line, error }) => {
                Written::Unreadable { after_line, error }
            }
            None if state.waiting.is_empty() => Written::Whole(state.summary),
            None => Written::Gap,
        })
    }

    /// The state, or `None` once a worker stopped while writing: what it left (a chunk counted
    /// but not written, say) cannot be trusted, so nothing more is written, and the run reports
    /// that the input was not checked whole.
    fn lock(&self) -> Option<MutexGuard<'_, State<'o, W>>> {
        self.state.lock().ok()
    }
}

impl<W: Write> State<'_, W> {
    /// Writes a chunk's reports, numbering its lines after those before it, and counts it.
    fn write(&mut self, format: Format, lines: &Lines) -> io::Result<()> {
        let mut start = 0;
        for &(index, end) in &lines.invalid {
            report_line(self.out, format, self.summary.lines + index + 1)?;
            self.out.write_all(&lines.reports[start..end])?;
            start = end;
        }
        let invalid = lines.invalid.len() as u64;
        self.summary.lines += lines.count;
        self.summary.payloads += lines.payloads;
        self.summary.invalid += invalid;
        self.summary.valid += lines.payloads - invalid;
        Ok(())
    }
}

#[derive(Default, Clone, Copy, Serialize)]
pub(super) struct Summary {
    /// Lines read, blank ones included.
    pub lines: u64,
    /// Lines that hold a payload.
    pub payloads: u64,
    pub valid: u64,
    pub invalid: u64,
}
