//! JSON lines, the format a person greps: one record per line, appended. Before a delivery is
//! acknowledged its line is synced to disk (`fdatasync`); a write that fails is cut back to the
//! last whole line, and so is a torn line found at start (a crash mid-write), so the file
//! always reads line by line. A retry is written once however long ago its delivery came: the
//! keys of every record are held, and indexed beside the file ([`keys`]). A rotated file is let
//! go when asked ([`crate::Store::reopen`], on SIGHUP in `hookschema serve`).

mod keys;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::engine::{Engine, Stored};
use crate::error::StoreError;
use crate::record::{Record, push_line};
use keys::{Keys, digest};

pub(crate) struct Jsonl {
    /// `None`: standard output.
    path: Option<PathBuf>,
    file: Option<File>,
    /// Bytes of whole lines in the file: where a failed write is cut back to.
    len: u64,
    /// On standard output, which cannot be cut back: a failed write may have left part of a
    /// line, so the next line starts on a new one.
    broken: bool,
    keys: Keys,
    /// What the last commit wrote: its allocation is the next one's.
    text: Vec<u8>,
}

impl Jsonl {
    /// Opens `path` for appending (standard output when `None`), cutting a torn last line, and
    /// reads the keys of its records.
    pub(crate) fn open(path: Option<&Path>) -> Result<Jsonl, StoreError> {
        let mut jsonl = Jsonl {
            path: path.map(Path::to_path_buf),
            file: None,
            len: 0,
            broken: false,
            keys: Keys::in_memory(),
            text: Vec::new(),
        };
        if let Some(path) = path {
            jsonl.open_file()?;
            let file = jsonl.file.as_mut().expect("opened above");
            // A device or a pipe (`/dev/full`, `/dev/stdout`) has no folder to index it in.
            if file.metadata().is_ok_and(|metadata| metadata.is_file()) {
                jsonl.keys = Keys::open(path, file, jsonl.len).map_err(|error| {
                    StoreError::failed(format!("cannot index {}: {error}", path.display()))
                })?;
            }
        }
        Ok(jsonl)
    }

    fn shown(&self) -> String {
        self.path
            .as_deref()
            .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string())
    }

    /// Opens the file, creating it (readable by its owner only), and cuts a torn last line.
    fn open_file(&mut self) -> Result<(), StoreError> {
        let path = self.path.as_deref().expect("a file store");
        let failed = |error: io::Error| {
            StoreError::failed(format!("cannot open {}: {error}", path.display()))
        };
        let mut file = crate::private::options()
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
        let digests: Vec<u128> = batch
            .iter()
            .map(|r| digest(&r.vendor, &r.dedup_key))
            .collect();
        let stored: Vec<Stored> = digests
            .iter()
            .map(|digest| {
                if self.keys.contains(*digest) {
                    Stored::Duplicate
                } else {
                    Stored::New
                }
            })
            .collect();
        if !stored.contains(&Stored::New) {
            return Ok(stored);
        }
        // The lines are written with one `write`, from a buffer kept between commits; each
        // new record's line end is noted for the index.
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        if self.broken {
            text.push(b'\n');
        }
        let mut ends = Vec::with_capacity(batch.len());
        for ((record, digest), stored) in batch.iter().zip(&digests).zip(&stored) {
            if *stored == Stored::New {
                push_line(None, record, &mut text);
                text.push(b'\n');
                ends.push((*digest, self.len + text.len() as u64));
            }
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
        for (digest, end) in ends {
            self.keys.insert(digest, end);
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

    /// A block of spaces written past the last line and synced, then cut off again: whether the
    /// disk takes a write. A crash in between leaves no line: a start cuts what follows the
    /// last newline.
    fn probe(&mut self) -> Result<(), StoreError> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        let written = file
            .write_all(&[b' '; 4096])
            .and_then(|()| file.sync_data());
        let cut = file.set_len(self.len).and_then(|()| file.sync_data());
        written
            .and(cut)
            .map_err(|error| StoreError::failed(format!("cannot write {}: {error}", self.shown())))
    }

    /// Lets go of the file (log rotation renamed or removed it) and opens the path again; the
    /// keys of the file let go are still known.
    fn reopen(&mut self) -> Result<(), StoreError> {
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        self.open_file()?;
        let file = self.file.as_mut().expect("opened above");
        if !file.metadata().is_ok_and(|metadata| metadata.is_file()) {
            return Ok(());
        }
        self.keys.rotate(&path, file, self.len).map_err(|error| {
            StoreError::failed(format!("cannot index {}: {error}", path.display()))
        })?;
        tracing::info!(file = %self.shown(), "reopened");
        Ok(())
    }
}

/// The length of the whole lines of a file of `len` bytes: all of it when it ends with a
/// newline (or is empty), else up to its last newline.
pub(crate) fn whole_lines(file: &mut File, len: u64) -> io::Result<u64> {
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
    /// Absent from lines written before records named their schema.
    #[serde(default)]
    pub schema: Option<String>,
    pub delivery_id: Option<String>,
    pub received_at: String,
    pub body: Box<RawValue>,
    pub errors: Box<RawValue>,
    /// Absent from lines written before headers were kept, and where none were given.
    #[serde(default)]
    pub headers: Option<Box<RawValue>>,
}

impl Line {
    /// The record the line was written from, but for its `dedup_key`, which a line does not
    /// keep.
    pub(crate) fn into_record(self) -> Record {
        Record {
            vendor: self.vendor,
            schema: self.schema,
            delivery_id: self.delivery_id,
            dedup_key: String::new(),
            received_at: self.received_at,
            body: self.body.get().to_owned(),
            violations: self.errors.get().to_owned(),
            headers: self.headers.map(|headers| headers.get().to_owned()),
        }
    }
}

/// Hands each record of the file at `path` to `each`, with its id (its line number, from 1),
/// oldest first, until `each` says stop (`Ok(false)`) or fails.
pub(crate) fn each_line(
    path: &Path,
    mut each: impl FnMut(i64, Record) -> Result<bool, StoreError>,
) -> Result<(), StoreError> {
    let shown = path.display();
    let file = File::open(path)
        .map_err(|error| StoreError::failed(format!("cannot open {shown}: {error}")))?;
    for (n, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(|error| StoreError::failed(format!("{shown}: {error}")))?;
        let id = n as i64 + 1;
        if line.is_empty() {
            continue;
        }
        let Some(parsed) = parse(&line) else {
            return Err(StoreError::failed(format!(
                "{shown}: line {id} is not a record"
            )));
        };
        if !each(id, parsed.into_record())? {
            break;
        }
    }
    Ok(())
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
}
