//! Where accepted deliveries are written: one JSON line each, by a thread of its own.
//!
//! Handlers hand it their line and wait for it to be flushed before they answer, without
//! blocking the async workers: a slow disk, or a reader of standard output that stops reading,
//! holds up only the deliveries waiting to be written, never the server.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

/// Lines waiting to be written; handlers wait for room beyond this.
const QUEUE: usize = 1024;

type Job = (Vec<u8>, oneshot::Sender<io::Result<()>>);

pub struct Sink {
    jobs: mpsc::Sender<Job>,
    /// Room, in bytes, for lines accepted but not yet written.
    pending: Arc<Semaphore>,
    pending_bytes: usize,
}

impl Sink {
    /// Opens `path` for appending (`-` is standard output) and starts the writer thread. At most
    /// `pending_bytes` of lines wait to be written: a stalled output (a full disk, a reader of
    /// standard output that stopped) must not let deliveries pile up in memory.
    pub fn open(path: &Path, pending_bytes: usize) -> Result<Sink, String> {
        let out: Box<dyn Write + Send> = if path.as_os_str() == "-" {
            Box::new(io::stdout())
        } else {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
            Box::new(file)
        };
        let (jobs, queue) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("hookschema-sink".to_owned())
            .spawn(move || write_lines(out, queue))
            .map_err(|error| format!("cannot start the writer: {error}"))?;
        let pending_bytes = pending_bytes.clamp(1, Semaphore::MAX_PERMITS);
        Ok(Sink {
            jobs,
            pending: Arc::new(Semaphore::new(pending_bytes)),
            pending_bytes,
        })
    }

    /// Room for a line of `bytes` among those waiting, held until the permit is dropped; `None`
    /// when the output is that far behind. A line larger than the whole room takes all of it.
    pub fn reserve(&self, bytes: usize) -> Option<OwnedSemaphorePermit> {
        let permits = u32::try_from(bytes.clamp(1, self.pending_bytes)).unwrap_or(u32::MAX);
        Arc::clone(&self.pending)
            .try_acquire_many_owned(permits)
            .ok()
    }

    /// Appends `line` (without its newline) and returns once it is flushed, or why it is not.
    pub async fn write(&self, line: Vec<u8>) -> io::Result<()> {
        let (done, written) = oneshot::channel();
        let stopped = || io::Error::other("the writer has stopped");
        self.jobs.send((line, done)).await.map_err(|_| stopped())?;
        written.await.map_err(|_| stopped())?
    }
}

/// Writes each line with its newline and flushes it. After a failed write, which may have left
/// part of a line behind, the next line starts on a new line, so one failure costs one line.
fn write_lines(mut out: Box<dyn Write + Send>, mut queue: mpsc::Receiver<Job>) {
    let mut broken = false;
    while let Some((mut line, done)) = queue.blocking_recv() {
        if broken {
            line.insert(0, b'\n');
        }
        line.push(b'\n');
        let result = out.write_all(&line).and_then(|()| out.flush());
        broken = result.is_err();
        // The handler may have given up waiting; nothing more to tell it then.
        let _ = done.send(result);
    }
}
