//! An input only one thread can read (standard input, a pipe): a reader thread cuts it into
//! chunks of whole lines and hands them to the workers over a bounded queue.

use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use super::{CHUNK_BYTES, Checked, Checker, check_lines};

/// Consecutive whole lines of the input.
struct Chunk {
    sequence: u64,
    /// The lines' bytes, each ending with a newline but perhaps the input's last.
    bytes: Vec<u8>,
}

/// Starts the reader and `jobs` workers, which send each chunk's verdicts to `results`.
pub(super) fn spawn(
    input: Box<dyn Read + Send>,
    checker: &Checker,
    jobs: usize,
    results: &SyncSender<Checked>,
) -> Vec<JoinHandle<()>> {
    let (chunks, chunk_queue) = sync_channel::<Chunk>(jobs * 2);
    // Workers hand their chunks' buffers back for reuse, so reading touches no fresh memory.
    let (spent, reusable) = sync_channel::<Vec<u8>>(jobs * 4);
    let reader = {
        let results = results.clone();
        thread::spawn(move || read_chunks(input, &chunks, &reusable, &results))
    };
    let chunk_queue = Arc::new(Mutex::new(chunk_queue));
    let workers = (0..jobs).map(|_| {
        let (checker, chunk_queue, results, spent) = (
            checker.clone(),
            Arc::clone(&chunk_queue),
            results.clone(),
            spent.clone(),
        );
        thread::spawn(move || check_chunks(&checker, &chunk_queue, &results, &spent))
    });
    [reader].into_iter().chain(workers).collect()
}

/// Reads the input in blocks, each cut after its last newline, until it ends; a read error is
/// sent in place of the chunk it stopped.
fn read_chunks(
    mut input: Box<dyn Read + Send>,
    chunks: &SyncSender<Chunk>,
    reusable: &Receiver<Vec<u8>>,
    results: &SyncSender<Checked>,
) {
    let mut sequence = 0;
    // The start of a line the last block cut, copied into the next block's buffer.
    let mut carry = Vec::new();
    // A line longer than a block, read on into the same buffer.
    let mut long = None;
    loop {
        let mut bytes = long.take().unwrap_or_else(|| {
            let mut bytes = reusable
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(2 * CHUNK_BYTES));
            bytes.clear();
            bytes.extend_from_slice(&carry);
            carry.clear();
            bytes
        });
        let carried = bytes.len();
        let read = match (&mut input)
            .take(CHUNK_BYTES as u64)
            .read_to_end(&mut bytes)
        {
            Ok(read) => read,
            Err(error) => {
                let _ = results.send(Checked {
                    sequence,
                    lines: Err(error),
                });
                return;
            }
        };
        let cut = match memchr::memrchr(b'\n', &bytes[carried..]) {
            // At the end, the last line needs no newline.
            _ if read == 0 => bytes.len(),
            Some(newline) => carried + newline + 1,
            // A line longer than a block: read on into the same buffer, searching only what is
            // new, so a long line costs its length, not its length squared.
            None => {
                long = Some(bytes);
                continue;
            }
        };
        carry.extend_from_slice(&bytes[cut..]);
        bytes.truncate(cut);
        if !bytes.is_empty() {
            if chunks.send(Chunk { sequence, bytes }).is_err() {
                return;
            }
            sequence += 1;
        }
        if read == 0 {
            return;
        }
    }
}

/// Validates chunks until there are no more.
fn check_chunks(
    checker: &Checker,
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
        let lines = check_lines(checker, &chunk.bytes);
        // The reader may have stopped or have buffers enough; then this one is dropped, as is
        // one that grew to hold a line of several blocks.
        if chunk.bytes.capacity() <= 4 * CHUNK_BYTES {
            let _ = spent.try_send(chunk.bytes);
        }
        let checked = Checked {
            sequence: chunk.sequence,
            lines: Ok(lines),
        };
        if results.send(checked).is_err() {
            return;
        }
    }
}
