//! The keys of every record of a JSON-lines file, so that a retry is written once however long
//! ago its delivery came: held in memory as 128-bit digests, and kept in an index file beside
//! the lines (`<file>.index`), so that a start reads the index instead of every line.
//!
//! The lines are the truth; the index is only a shortcut to them, and is rebuilt from them when
//! it is missing, damaged, or names more of the file than there is (the file was replaced).
//! Each entry says where its line ends: at start, the lines after the last entry (written before
//! a crash, or before the index was last written) are read and indexed. So the index is written
//! in blocks, without a sync of its own: a crash loses only entries the lines still hold.
//!
//! After log rotation (`reopen`), the keys of the file before are kept too, so a retry of a
//! delivery in the rotated file is still known; those of older files are let go.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};

/// What an index file starts with: its format.
const MAGIC: &[u8; 8] = b"hsidx\x001\n";
/// An entry: the key's digest, then where its line ends in the file (little-endian).
const ENTRY: usize = 24;
/// Entries gathered before they are written: a write every this many deliveries, and at most
/// this many lines to read again after a crash.
const BLOCK: usize = 4096;

/// A record's key, as the index holds it: the first 128 bits of SHA-256 of its vendor and
/// dedup key. A collision between two real keys would take about 2^64 of them.
pub(crate) fn digest(vendor: &str, key: &str) -> u128 {
    let mut hash = Sha256::new();
    hash.update(vendor.as_bytes());
    hash.update([0]);
    hash.update(key.as_bytes());
    let bytes: [u8; 32] = hash.finalize().into();
    u128::from_le_bytes(bytes[..16].try_into().expect("16 bytes"))
}

/// The keys of a file's records, and of the file before it.
pub(crate) struct Keys {
    current: foldhash::HashSet<u128>,
    previous: foldhash::HashSet<u128>,
    /// `None` for standard output, whose keys live in memory only.
    index: Option<Index>,
}

/// The index file, and the entries not written to it yet.
struct Index {
    path: PathBuf,
    file: File,
    /// Bytes of whole entries in the file: where a failed write is cut back to.
    len: u64,
    waiting: Vec<u8>,
    /// A write failed and could not be cut back: nothing more is written until the next start,
    /// which rebuilds what is missing from the lines.
    broken: bool,
}

impl Keys {
    /// Keys held in memory only (standard output).
    pub(crate) fn in_memory() -> Keys {
        Keys {
            current: foldhash::HashSet::default(),
            previous: foldhash::HashSet::default(),
            index: None,
        }
    }

    /// The keys of the first `len` bytes of `lines` (whole lines), the file at `path`, read from
    /// its index and from the lines the index does not cover yet.
    pub(crate) fn open(path: &Path, lines: &mut File, len: u64) -> io::Result<Keys> {
        let mut keys = Keys::in_memory();
        keys.index = Some(keys.load(path, lines, len)?);
        Ok(keys)
    }

    /// Whether a record of `digest` is in the file, or in the one before it.
    pub(crate) fn contains(&self, digest: u128) -> bool {
        self.current.contains(&digest) || self.previous.contains(&digest)
    }

    /// Notes the record of `digest`, whose line ends at `end` in the file.
    pub(crate) fn insert(&mut self, digest: u128, end: u64) {
        self.current.insert(digest);
        if let Some(index) = &mut self.index {
            index.waiting.extend_from_slice(&digest.to_le_bytes());
            index.waiting.extend_from_slice(&end.to_le_bytes());
            if index.waiting.len() >= BLOCK * ENTRY {
                index.flush();
            }
        }
    }

    /// After log rotation: the file at `path` is a new one. The keys so far become the
    /// previous file's; the new file's are read (from its index, or from its lines).
    pub(crate) fn rotate(&mut self, path: &Path, lines: &mut File, len: u64) -> io::Result<()> {
        if let Some(index) = &mut self.index {
            index.flush();
        }
        self.previous = std::mem::take(&mut self.current);
        self.index = Some(self.load(path, lines, len)?);
        Ok(())
    }

    /// Reads the index of `path` into `current`, then the lines after its last entry, and
    /// returns it open for appending; rebuilds it when it cannot be trusted.
    fn load(&mut self, path: &Path, lines: &mut File, len: u64) -> io::Result<Index> {
        let started = Instant::now();
        let index_path = index_path(path);
        let mut file = crate::private::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&index_path)?;
        let mut text = Vec::new();
        file.read_to_end(&mut text)?;
        let (entries, covered) = match read_entries(&text, lines, len) {
            Some(found) => found,
            None => {
                if !text.is_empty() {
                    tracing::warn!(
                        index = %index_path.display(),
                        "the index does not match the file: rebuilt from its lines"
                    );
                }
                (Vec::new(), 0)
            }
        };
        let mut index = Index {
            path: index_path,
            file,
            len: 0,
            waiting: Vec::new(),
            broken: false,
        };
        let from_index = entries.len();
        self.current.reserve(from_index);
        self.current.extend(entries);
        if from_index == 0 {
            index.file.set_len(0)?;
            index.file.write_all(MAGIC)?;
        }
        index.len = (MAGIC.len() + from_index * ENTRY) as u64;
        // The whole entries only: a write cut short by a crash leaves part of one.
        index.file.set_len(index.len)?;
        index.file.seek(SeekFrom::End(0))?;
        let mut read_again = 0;
        for (digest, end) in keys_after(lines, covered, len)? {
            self.current.insert(digest);
            index.waiting.extend_from_slice(&digest.to_le_bytes());
            index.waiting.extend_from_slice(&end.to_le_bytes());
            read_again += 1;
        }
        index.flush();
        // At the trace level: a receiver's first line, even at debug, says where it listens.
        tracing::trace!(
            file = %path.display(),
            keys = self.current.len(),
            from_index,
            read_again,
            took = ?started.elapsed(),
            "keys of the stored deliveries read"
        );
        Ok(index)
    }
}

impl Index {
    /// Writes the entries waiting; a failure is logged and cut back to the last whole entry
    /// (the lines still hold what it would have said).
    fn flush(&mut self) {
        if self.waiting.is_empty() || self.broken {
            self.waiting.clear();
            return;
        }
        match self.file.write_all(&self.waiting) {
            Ok(()) => self.len += self.waiting.len() as u64,
            Err(error) => {
                tracing::warn!(index = %self.path.display(), %error, "cannot write the index");
                let cut = self
                    .file
                    .set_len(self.len)
                    .and_then(|()| self.file.seek(SeekFrom::End(0)).map(drop));
                if cut.is_err() {
                    self.broken = true;
                }
            }
        }
        self.waiting.clear();
    }
}

/// The index is written when the file is let go (the store closes, or rotates it).
impl Drop for Index {
    fn drop(&mut self) {
        self.flush();
    }
}

/// `deliveries.jsonl.index` for `deliveries.jsonl`.
fn index_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".index");
    PathBuf::from(name)
}

/// The index's entries and how much of the file they cover, if the index can be trusted: its
/// format, line ends that only grow, and a last entry that is the record whose line ends there
/// in the first `len` bytes of `lines` (a file replaced by another is not the one indexed).
/// `None` means: rebuild it.
fn read_entries(text: &[u8], lines: &mut File, len: u64) -> Option<(Vec<u128>, u64)> {
    let body = text.strip_prefix(MAGIC.as_slice())?;
    let mut digests = Vec::with_capacity(body.len() / ENTRY);
    let mut covered = 0;
    for entry in body.chunks_exact(ENTRY) {
        let digest = u128::from_le_bytes(entry[..16].try_into().expect("16 bytes"));
        let end = u64::from_le_bytes(entry[16..].try_into().expect("8 bytes"));
        if end <= covered || end > len {
            return None;
        }
        digests.push(digest);
        covered = end;
    }
    if let Some(last) = digests.last() {
        let line = line_ending_at(lines, covered).ok()?;
        let (vendor, key) = super::key_of(&line)?;
        if digest(&vendor, &key) != *last {
            return None;
        }
    }
    Some((digests, covered))
}

/// The line whose newline is byte `end - 1` of the file: it starts past the last newline before.
fn line_ending_at(file: &mut File, end: u64) -> io::Result<Vec<u8>> {
    let start = super::whole_lines(file, end - 1)?;
    let mut line = vec![0; (end - start) as usize];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut line)?;
    Ok(line)
}

/// The key and line end of every record from byte `from` to byte `len` of `lines`.
fn keys_after(lines: &mut File, from: u64, len: u64) -> io::Result<Vec<(u128, u64)>> {
    lines.seek(SeekFrom::Start(from))?;
    let mut reader = BufReader::with_capacity(256 * 1024, lines.take(len - from));
    let mut keys = Vec::new();
    let (mut end, mut line) = (from, Vec::new());
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(keys);
        }
        end += read as u64;
        match super::key_of(&line) {
            Some((vendor, key)) => keys.push((digest(&vendor, &key), end)),
            None if line.iter().all(u8::is_ascii_whitespace) => {}
            None => tracing::warn!(end, "a line that is not a record; skipped"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(text: &str) -> (tempfile::TempDir, PathBuf, File) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deliveries.jsonl");
        std::fs::write(&path, text).unwrap();
        let file = File::open(&path).unwrap();
        (dir, path, file)
    }

    fn line(vendor: &str, id: &str) -> String {
        format!(
            r#"{{"vendor":"{vendor}","delivery_id":"{id}","received_at":"t","body":{{}},"errors":[]}}"#
        ) + "\n"
    }

    #[test]
    fn the_index_covers_what_it_names_and_the_lines_after_it_are_read() {
        let first: String = (0..10).map(|n| line("a", &format!("m{n}"))).collect();
        let (_dir, path, mut file) = file_with(&first);
        let len = first.len() as u64;
        {
            let keys = Keys::open(&path, &mut file, len).unwrap();
            assert!(keys.contains(digest("a", "m9")));
            assert!(!keys.contains(digest("b", "m9")));
        }
        let index_len = std::fs::metadata(index_path(&path)).unwrap().len();
        assert_eq!(index_len, (MAGIC.len() + 10 * ENTRY) as u64);
        // Lines written after the index (a crash before it was written) are read again.
        let more = first.clone() + &line("a", "late");
        std::fs::write(&path, &more).unwrap();
        let mut file = File::open(&path).unwrap();
        let keys = Keys::open(&path, &mut file, more.len() as u64).unwrap();
        assert!(keys.contains(digest("a", "late")) && keys.contains(digest("a", "m0")));
        drop(keys);
        let index_len = std::fs::metadata(index_path(&path)).unwrap().len();
        assert_eq!(index_len, (MAGIC.len() + 11 * ENTRY) as u64);
    }

    #[test]
    fn an_index_that_does_not_match_its_file_is_rebuilt() {
        let text: String = (0..3).map(|n| line("a", &format!("m{n}"))).collect();
        let (_dir, path, mut file) = file_with(&text);
        drop(Keys::open(&path, &mut file, text.len() as u64).unwrap());
        // The file replaced by a shorter one: the index names more than there is.
        let other = line("b", "x");
        std::fs::write(&path, &other).unwrap();
        let mut file = File::open(&path).unwrap();
        let keys = Keys::open(&path, &mut file, other.len() as u64).unwrap();
        assert!(keys.contains(digest("b", "x")));
        assert!(!keys.contains(digest("a", "m0")));
        drop(keys);
        // Garbage, and part of an entry, in the index.
        for damage in [
            b"not an index".to_vec(),
            [MAGIC.as_slice(), &[7; 30]].concat(),
        ] {
            std::fs::write(index_path(&path), damage).unwrap();
            let keys = Keys::open(&path, &mut file, other.len() as u64).unwrap();
            assert!(keys.contains(digest("b", "x")), "rebuilt");
        }
    }

    #[test]
    fn rotation_keeps_the_previous_files_keys_only() {
        let (_dir, path, mut file) = file_with(&line("a", "1"));
        let mut keys = Keys::open(&path, &mut file, line("a", "1").len() as u64).unwrap();
        for (n, id) in ["2", "3"].iter().enumerate() {
            let text = line("a", id);
            std::fs::write(&path, &text).unwrap();
            let mut file = File::open(&path).unwrap();
            keys.rotate(&path, &mut file, text.len() as u64).unwrap();
            assert!(keys.contains(digest("a", id)));
            let before = if n == 0 { "1" } else { "2" };
            assert!(
                keys.contains(digest("a", before)),
                "the file before is known"
            );
        }
        assert!(!keys.contains(digest("a", "1")), "older files are let go");
    }
}
