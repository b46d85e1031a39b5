//! The payloads a command reads: files, or standard input.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// One payload, read whole.
pub struct Input {
    /// The file as given on the command line, or `-` for standard input.
    pub label: String,
    pub bytes: Vec<u8>,
}

/// A file that could not be read.
pub struct Unreadable {
    pub label: String,
    pub error: io::Error,
}

impl Unreadable {
    /// "cannot read x.json: No such file or directory (os error 2)".
    pub fn message(&self) -> String {
        let what = if self.label == "-" {
            "standard input"
        } else {
            &self.label
        };
        format!("cannot read {what}: {}", self.error)
    }
}

/// The file name that stands for standard input.
pub const STDIN: &str = "-";

/// The files to read: those given, or standard input when none is.
pub fn files_or_stdin(files: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    if files.iter().filter(|f| f.as_os_str() == STDIN).count() > 1 {
        return Err("standard input (`-`) can be read only once".to_owned());
    }
    Ok(if files.is_empty() {
        vec![PathBuf::from(STDIN)]
    } else {
        files.to_vec()
    })
}

/// Opens a file, or standard input for `-`, to read from.
pub fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == STDIN {
        Ok(Box::new(io::stdin()))
    } else {
        Ok(Box::new(std::fs::File::open(path)?))
    }
}

/// Reads one payload, whole. Each is read when its turn comes, so memory holds one at a time.
pub fn read(path: &Path) -> Result<Input, Unreadable> {
    let label = path.to_string_lossy().into_owned();
    let result = open(path).and_then(|mut source| {
        let mut bytes = Vec::new();
        source.read_to_end(&mut bytes).map(|_| bytes)
    });
    match result {
        Ok(bytes) => Ok(Input { label, bytes }),
        Err(error) => Err(Unreadable { label, error }),
    }
}
