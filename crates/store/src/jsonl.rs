//! JSON lines, the format a person greps: one record per line, appended. Before a delivery is
//! acknowledged its line is synced to disk (`fdatasync`); a write that fails is cut back to the
//! last whole line, and so is a torn line found at start (a crash mid-write), so the file
//! always reads line by line. There is no index: the keys of the last lines are remembered (and
//! read back from the file's tail at start) to write a retry once. A rotated file is let go
//! when asked ([`crate::Store::reopen`], on SIGHUP in `hookschema serve`).

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::error::StoreError;
use crate::record::{Record, push_line};
use crate::store::{Engine, Stored};

pub(crate) struct Jsonl {
    /// `None`: standard output.
    path: Option<PathBuf>,
    file: Option<File>,
    /// Bytes of whole lines in the file: where a failed write is cut back to.
    len: u64,
    /// On standard output, which cannot be cut back: a failed write may have left part of a
    /// line, so the next line starts on a new one.
    broken: bool,
    recent: Recent,
    /// What the last commit wrote: its allocation is the next one's.
    text: Vec<u8>,
}

/// The keys of the last records written, oldest forgotten first.
struct Recent {
    capacity: usize,
    /// By vendor, so that a look-up borrows the record's strings instead of copying them; each
    /// key is allocated once, shared with `order`. Hashed with foldhash, seeded per process:
    /// keys are signed delivery ids or body digests, which no forger chooses, and every commit
    /// looks them up.
    keys: foldhash::HashMap<Arc<str>, foldhash::HashSet<Arc<str>>>,
    order: VecDeque<(Arc<str>, Arc<str>)>,
}

impl Recent {
    fn new(capacity: usize) -> Self {
        Recent {
            capacity: capacity.max(1),
            keys: foldhash::HashMap::default(),
            order: VecDeque::new(),
        }
    }

    fn contains(&self, vendor: &str, key: &str) -> bool {
        self.keys.get(vendor).is_some_and(|keys| keys.contains(key))
    }

    fn insert(&mut self, vendor: &str, key: &str) {
        let vendor = match self.keys.get_key_value(vendor) {
            Some((vendor, _)) => Arc::clone(vendor),
            None => Arc::from(vendor),
        };
        let keys = self.keys.entry(Arc::clone(&vendor)).or_default();
        if keys.contains(key) {
            return;
        }
        let key: Arc<str> = Arc::from(key);
        keys.insert(Arc::clone(&key));
        self.order.push_back((vendor, key));
        if self.order.len() > self.capacity
            && let Some((vendor, key)) = self.order.pop_front()
            && let Some(keys) = self.keys.get_mut(&vendor)
        {
            keys.remove(&key);
        }
    }
}

impl Jsonl {
    /// Opens `path` for appending (standard output when `None`), cutting a torn last line, and
    /// remembers the keys of its last `remember` lines.
    pub(crate) fn open(path: Option<&Path>, remember: usize) -> Result<Jsonl, StoreError> {
        let mut jsonl = Jsonl {
            path: path.map(Path::to_path_buf),
            file: None,
            len: 0,
            broken: false,
            recent: Recent::new(remember),
            text: Vec::new(),
        };
        if path.is_some() {
            jsonl.open_file()?;
            jsonl.seed(remember)?;
        }
        Ok(jsonl)
    }

    fn shown(&self) -> String {
        self.path
            .as_deref()
            .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string())
    }

    /// Opens the file, creating it, and cuts a torn last line.
    fn open_file(&mut self) -> Result<(), StoreError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let failed = |error: io::Error| {
            StoreError::failed(format!("cannot open {}: {error}", path.display()))
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(failed)?;
        let len = file.metadata().map_err(failed)?.len();
        let whole = whole_lines(&mut file, len).map_err(failed)?;
        if whole < len {
            file.set_len(whole).map_err(failed)?;
            file.sync_data().map_err(failed)?;
            tracing::warn!(
                file = %path.display(),
                bytes = len - whole,
                "cut a torn last line, left by a write that did not finish"
            );
        }
        self.len = whole;
        self.file = Some(file);
        Ok(())
    }

    /// Remembers the keys of the file's last `count` lines.
    fn seed(&mut self, count: usize) -> Result<(), StoreError> {
        let shown = self.shown();
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let lines = last_lines(file, self.len, count)
            .map_err(|error| StoreError::failed(format!("cannot read {shown}: {error}")))?;
        for line in lines {
            match key_of(&line) {
                Some((vendor, key)) => self.recent.insert(&vendor, &key),
                None => tracing::warn!(file = %shown, "a line that is not a record; skipped"),
            }
        }
        Ok(())
    }

    /// Cuts the file back to its last whole line, after a write that failed.
    fn cut_back(&mut self) {
        let Some(file) = &self.file else {
            self.broken = true;
            return;
        };
        if let Err(error) = file.set_len(self.len).and_then(|()| file.sync_data()) {
            tracing::error!(file = %self.shown(), %error, "cannot cut back a failed write");
        }
    }
}

impl Engine for Jsonl {
    fn commit(&mut self, batch: &[&Record]) -> Result<Vec<Stored>, StoreError> {
        let stored: Vec<Stored> = batch
            .iter()
            .map(|r| {
                if self.recent.contains(&r.vendor, &r.dedup_key) {
                    Stored::Duplicate
                } else {
                    Stored::New
                }
            })
            .collect();
        let fresh = || {
            batch
                .iter()
                .zip(&stored)
                .filter(|(_, stored)| **stored == Stored::New)
                .map(|(record, _)| *record)
        };
        if fresh().next().is_none() {
            return Ok(stored);
        }
        // The lines are written with one `write`, from a buffer kept between commits.
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        if self.broken {
            text.push(b'\n');
        }
        for record in fresh() {
            push_line(None, record, &mut text);
            text.push(b'\n');
        }
        let written = match &mut self.file {
            Some(file) => file.write_all(&text).and_then(|()| file.sync_data()),
            // A pipe or a terminal has no disk to sync: flushed is all there is.
            None => {
                let mut out = io::stdout().lock();
                out.write_all(&text).and_then(|()| out.flush())
            }
        };
        let len = text.len() as u64;
        self.text = text;
        if let Err(error) = written {
            self.cut_back();
            return Err(StoreError::failed(format!(
                "cannot write {}: {error}",
                self.shown()
            )));
        }
        self.len += len;
        self.broken = false;
        for record in fresh() {
            self.recent.insert(&record.vendor, &record.dedup_key);
        }
        Ok(stored)
    }

    /// A file's commits are writes and syncs; standard output may be a pipe whose reader
    /// stops reading, which would hold an async worker for as long.
    fn inline(&self) -> bool {
        self.path.is_some()
    }

    fn check(&mut self) -> Result<(), StoreError> {
        match &self.file {
            Some(file) => file
                .metadata()
                .map(drop)
                .map_err(|error| StoreError::unavailable(format!("{}: {error}", self.shown()))),
            None => Ok(()),
        }
    }

    /// Lets go of the file (log rotation renamed or removed it) and opens the path again.
    fn reopen(&mut self) -> Result<(), StoreError> {
        if self.path.is_some() {
            self.open_file()?;
            tracing::info!(file = %self.shown(), "reopened");
        }
        Ok(())
    }
}

/// The length of the whole lines of a file of `len` bytes: all of it when it ends with a
/// newline (or is empty), else up to its last newline.
fn whole_lines(file: &mut File, len: u64) -> io::Result<u64> {
    let mut end = len;
    let mut block = vec![0; 64 * 1024];
    let mut first = true;
    while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        let chunk = &mut block[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if first && chunk.last() == Some(&b'\n') {
            return Ok(len);
        }
        first = false;
        if let Some(at) = chunk.iter().rposition(|b| *b == b'\n') {
            return Ok(start + at as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// The last `count` lines of the first `len` bytes of a file (which end with a newline), read
/// from the end, oldest first.
fn last_lines(file: &mut File, len: u64, count: usize) -> io::Result<Vec<Vec<u8>>> {
    let mut tail: Vec<u8> = Vec::new();
    let mut start = len;
    let block = 256 * 1024;
    while start > 0 && tail.iter().filter(|b| **b == b'\n').count() <= count {
        let from = start.saturating_sub(block);
        let mut chunk = vec![0; (start - from) as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        start = from;
    }
    let mut lines: Vec<Vec<u8>> = tail
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    // A first line cut by the read's start is not whole.
    if start > 0 && !lines.is_empty() {
        lines.remove(0);
    }
    let skip = lines.len().saturating_sub(count);
    Ok(lines.split_off(skip))
}

/// The vendor and dedup key of a record's line.
pub(crate) fn key_of(line: &[u8]) -> Option<(String, String)> {
    let record = parse(line)?;
    let key = match record.delivery_id {
        Some(id) => id,
        None => format!(
            "sha256:{}",
            hex::encode(Sha256::digest(record.body.get().as_bytes()))
        ),
    };
    Some((record.vendor, key))
}

/// A record's line, read: its body held as the text it is, at any depth (a record holds its
/// body one level down, so a body at the receiver's depth limit makes a line one deeper).
#[derive(Deserialize)]
pub(crate) struct Line {
    pub vendor: String,
    pub delivery_id: Option<String>,
    pub received_at: String,
    pub body: Box<RawValue>,
    pub errors: Box<RawValue>,
}

pub(crate) fn parse(line: &[u8]) -> Option<Line> {
    let mut reader = serde_json::Deserializer::from_slice(line);
    reader.disable_recursion_limit();
    let record = Line::deserialize(&mut reader).ok()?;
    reader.end().ok()?;
    Some(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_keys_are_forgotten_first_and_vendors_keep_their_own() {
        let mut recent = Recent::new(2);
        recent.insert("a", "1");
        recent.insert("a", "1");
        recent.insert("b", "1");
        assert!(recent.contains("a", "1") && recent.contains("b", "1"));
        assert!(!recent.contains("c", "1") && !recent.contains("a", "2"));
        // A key inserted twice took one place: the third key forgets only the first.
        recent.insert("a", "2");
        assert!(!recent.contains("a", "1"));
        assert!(recent.contains("b", "1") && recent.contains("a", "2"));
    }

    fn file_with(bytes: &[u8]) -> (tempfile::NamedTempFile, File) {
        let mut temp = tempfile::NamedTempFile::new().unwrap();
        temp.write_all(bytes).unwrap();
        let file = File::open(temp.path()).unwrap();
        (temp, file)
    }

    #[test]
    fn a_torn_last_line_is_found() {
        for (bytes, whole) in [
            (&b""[..], 0),
            (b"a\nb\n", 4),
            (b"a\nb", 2),
            (b"torn", 0),
            (b"a\n\n", 3),
        ] {
            let (_temp, mut file) = file_with(bytes);
            assert_eq!(
                whole_lines(&mut file, bytes.len() as u64).unwrap(),
                whole,
                "{bytes:?}"
            );
        }
        let long = [vec![b'x'; 200_000], b"\n".to_vec(), vec![b'y'; 100_000]].concat();
        let (_temp, mut file) = file_with(&long);
        assert_eq!(whole_lines(&mut file, long.len() as u64).unwrap(), 200_001);
    }

    #[test]
    fn the_last_lines_are_read_from_the_end() {
        let text: String = (0..1000).map(|n| format!("line {n}\n")).collect();
        let (_temp, mut file) = file_with(text.as_bytes());
        let lines = last_lines(&mut file, text.len() as u64, 3).unwrap();
        assert_eq!(
            lines,
            [
                b"line 997".to_vec(),
                b"line 998".to_vec(),
                b"line 999".to_vec()
            ]
        );
        let all = last_lines(&mut file, text.len() as u64, 5000).unwrap();
        assert_eq!(all.len(), 1000);
    }
}
