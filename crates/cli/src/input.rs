//! The payloads a command reads: files, or standard input.

use std::io::Read;

/// One payload, read whole.
pub struct Input {
    /// The file as given on the command line, or `-` for standard input.
    pub label: String,
    pub bytes: Vec<u8>,
}

/// Reads each named file (no name, or `-`, is standard input), in order. A file that cannot be
/// read is reported on standard error and yields `Err` in its place, so the others still run.
pub fn read_all(files: &[String]) -> Vec<Result<Input, ()>> {
    let stdin = ["-".to_owned()];
    let files = if files.is_empty() { &stdin[..] } else { files };
    files.iter().map(|label| read(label)).collect()
}

fn read(label: &str) -> Result<Input, ()> {
    let result = if label == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(label)
    };
    result
        .map(|bytes| Input {
            label: label.to_owned(),
            bytes,
        })
        .map_err(|error| {
            let what = if label == "-" {
                "standard input"
            } else {
                label
            };
            eprintln!("hookschema: cannot read {what}: {error}");
        })
}
