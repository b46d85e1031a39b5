//! An input only one thread can read (standard input, a pipe): a reader thread cuts it into
//! chunks of whole lines and hands them to the workers over a bounded queue.

use std::io::{self, Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::{self, Scope};
use std::time::Duration;

use super::in_order::InOrder;
use super::{CHUNK_BYTES, Checker, KEPT_BUFFER_BYTES, Threads, check_lines};

/// Consecutive whole lines of the input, or why the input could not be read on.
struct Chunk {
    sequence: u64,
    /// The lines' bytes, each ending with a newline but perhaps the input's last.
    bytes: io::Result<Vec<u8>>,
}

/// Starts the reader and `jobs` workers, which deliver each chunk's verdicts to `in_order`.
pub(super) fn spawn<'scope, W: Write + Send>(
    scope: &'scope Scope<'scope, '_>,
    input: Box<dyn Read + Send>,
    checker: &'scope Checker,
    jobs: usize,
    in_order: &'scope InOrder<'_, W>,
) -> Threads<'scope> {
    let (chunks, chunk_queue) = sync_channel::<Chunk>(jobs * 2);
    // Workers hand their chunks' buffers back for reuse, so reading touches no fresh memory.
    let (spent, reusable) = sync_channel::<Vec<u8>>(jobs * 4);
    // Not a thread of the scope: once the run stops, a reader waiting on input that does not
    // come (a terminal, a `tail -f`) must not keep the command from ending.
    let reader = thread::spawn(move || read_chunks(input, &chunks, &reusable));
    let chunk_queue = Arc::new(Mutex::new(chunk_queue));
    let workers = (0..jobs)
        .map(|_| {
            let (chunk_queue, spent) = (Arc::clone(&chunk_queue), spent.clone());
            super::worker()
                .spawn_scoped(scope, move || {
                    check_chunks(checker, &chunk_queue, in_order, &spent)
                })
                .expect("a worker thread starts")
        })
        .collect();
    Threads {
        workers,
        reader: Some(reader),
    }
}

/// Reads the input in blocks, each cut after its last newline, until it ends; a read error is
/// sent in place of the chunk it stopped.
fn read_chunks(
    mut input: Box<dyn Read + Send>,
    chunks: &SyncSender<Chunk>,
    reusable: &Receiver<Vec<u8>>,
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
                let _ = chunks.send(Chunk {
                    sequence,
                    bytes: Err(error),
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
            let chunk = Chunk {
                sequence,
                bytes: Ok(bytes),
            };
            if chunks.send(chunk).is_err() {
                return;
            }
            sequence += 1;
        }
        if read == 0 {
            return;
        }
    }
}

/// How often a worker waiting for the next chunk looks whether the run has stopped: the reader
/// may wait on input that does not come (a terminal, a `tail -f`), and once the output is gone
/// nothing else would end the wait.
const STOP_CHECK: Duration = Duration::from_millis(100);

/// Validates chunks until there are no more, or the run stops.
fn check_chunks<W: Write>(
    checker: &Checker,
    chunks: &Mutex<Receiver<Chunk>>,
    in_order: &InOrder<'_, W>,
    spent: &SyncSender<Vec<u8>>,
) {
    loop {
        let next = {
            let queue = chunks
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            loop {
                if in_order.stopped() {
                    return;
                }
                match queue.recv_timeout(STOP_CHECK) {
                    Ok(chunk) => break chunk,
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        };
        let Chunk { sequence, bytes } = next;
        let lines = bytes.map(|bytes| {
            let lines = check_lines(checker, &bytes);
            // The reader may have stopped or have buffers enough; then this one is dropped.
            if bytes.capacity() <= KEPT_BUFFER_BYTES {
                let _ = spent.try_send(bytes);
            }
            lines
        });
        if !in_order.deliver(sequence, lines) {
            return;
        }
    }
}
