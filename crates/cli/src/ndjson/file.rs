//! A regular file: the workers read it themselves, each claiming the next block of
//! [`CHUNK_BYTES`] and reading it at its offset (`pread`), so reading is spread over the
//! workers like the validating, with no reader thread to hand chunks over and no queue to wait
//! on.
//!
//! A block's lines are those that start in it: the line the block cuts at its start belongs to
//! the block before, and its own last line is read on past its end up to the newline. A line
//! longer than a block thus belongs to the block it starts in, and the blocks it covers have
//! none. The file is read up to the length it had when opened: what is appended while it is read
//! is not (a line still being written then is judged as far as it went); a file cut shorter
//! meanwhile stops the run with an error.

use std::fs::File;
use std::io::{self, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::Scope;

use super::in_order::InOrder;
use super::{CHUNK_BYTES, Checker, KEPT_BUFFER_BYTES, Threads, check_lines};

/// How much is read past a block's end, at first, for the rest of its last line: a few
/// deliveries' worth.
const READ_ON_BYTES: u64 = 4 * 1024;

/// Starts `jobs` workers over the first `len` bytes of `file`, which deliver each block's
/// verdicts to `in_order`.
pub(super) fn spawn<'scope, W: Write + Send>(
    scope: &'scope Scope<'scope, '_>,
    file: File,
    len: u64,
    checker: &'scope Checker,
    jobs: usize,
    in_order: &'scope InOrder<'_, W>,
) -> Threads<'scope> {
    let blocks = Arc::new(Blocks {
        file,
        len,
        next: AtomicU64::new(0),
    });
    let workers = (0..jobs)
        .map(|_| {
            let blocks = Arc::clone(&blocks);
            super::worker()
                .spawn_scoped(scope, move || check_blocks(&blocks, checker, in_order))
                .expect("a worker thread starts")
        })
        .collect();
    Threads {
        workers,
        reader: None,
    }
}

/// The file, and the next block no worker has claimed.
struct Blocks {
    file: File,
    len: u64,
    next: AtomicU64,
}

/// Claims blocks and validates their lines until the file is done, or the run stops.
fn check_blocks<W: Write>(blocks: &Blocks, checker: &Checker, in_order: &InOrder<'_, W>) {
    // One buffer per worker, reused: a block's bytes stay in the core's cache while checked.
    let mut buffer = Vec::new();
    loop {
        let sequence = blocks.next.fetch_add(1, Ordering::Relaxed);
        let Some(start) = sequence
            .checked_mul(CHUNK_BYTES as u64)
            .filter(|&start| start < blocks.len)
        else {
            return;
        };
        let lines = blocks
            .read(start, &mut buffer)
            .map(|lines| check_lines(checker, &buffer[lines]));
        if buffer.capacity() > KEPT_BUFFER_BYTES {
            buffer = Vec::new();
        }
        if !in_order.deliver(sequence, lines) {
            return;
        }
    }
}

impl Blocks {
    /// Reads the block at `start` into `buffer` and returns where its lines are in it.
    fn read(&self, start: u64, buffer: &mut Vec<u8>) -> io::Result<Range<usize>> {
        let end = (start + CHUNK_BYTES as u64).min(self.len);
        // The byte before the block says whether a line starts at its first byte.
        self.read_at(start.saturating_sub(1), end, buffer)?;
        let first = if start == 0 {
            0
        } else {
            match memchr::memchr(b'\n', buffer) {
                Some(newline) => newline + 1,
                None => return Ok(0..0),
            }
        };
        // Past the block's last newline starts no line of its own, or a line it ends itself.
        if first == buffer.len() || buffer.ends_with(b"\n") || end == self.len {
            return Ok(first..buffer.len());
        }
        // The block cuts its last line: read on up to its newline, or the file's end, a little
        // at first (most lines are short), then twice as much each time (a long line costs its
        // length, not its length squared).
        let mut at = end;
        let mut step = READ_ON_BYTES;
        loop {
            let searched = buffer.len();
            self.read_on(&mut at, step, buffer)?;
            step = (step * 2).min(CHUNK_BYTES as u64);
            if let Some(newline) = memchr::memchr(b'\n', &buffer[searched..]) {
                return Ok(first..searched + newline + 1);
            }
            if at == self.len {
                return Ok(first..buffer.len());
            }
        }
    }

    /// Replaces `buffer` with the file's bytes from `from` to `to`.
    fn read_at(&self, from: u64, to: u64, buffer: &mut Vec<u8>) -> io::Result<()> {
        // Only bytes past the buffer's length are zeroed before the read overwrites them: for
        // most blocks, as long as the one before, none.
        buffer.resize((to - from) as usize, 0);
        self.file.read_exact_at(buffer, from).map_err(shrank)
    }

    /// Appends the file's next `step` bytes after `at` (fewer at its end) to `buffer`, and
    /// moves `at` past them.
    fn read_on(&self, at: &mut u64, step: u64, buffer: &mut Vec<u8>) -> io::Result<()> {
        let to = (*at + step).min(self.len);
        let old = buffer.len();
        buffer.resize(old + (to - *at) as usize, 0);
        self.file
            .read_exact_at(&mut buffer[old..], *at)
            .map_err(shrank)?;
        *at = to;
        Ok(())
    }
}

/// A read that ended before the length the file had when opened: it was cut short meanwhile.
fn shrank(error: io::Error) -> io::Error {
    if error.kind() == io::ErrorKind::UnexpectedEof {
        io::Error::other("the file became shorter while it was read")
    } else {
        error
    }
}
