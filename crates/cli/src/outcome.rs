//! What a command made of its inputs, as an exit code.

use std::io;
use std::process::ExitCode;

/// Ordered from best to worst: a command's exit code is its worst input's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Valid,
    Invalid,
    /// A usage or I/O error.
    Error,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Valid => ExitCode::SUCCESS,
            Outcome::Invalid => ExitCode::from(1),
            Outcome::Error => ExitCode::from(2),
        }
    }

    /// The outcome of a command that could not finish writing its report: an I/O error. A
    /// reader that went away (`| head`) is not worth a message.
    pub fn from_write_error(error: &io::Error) -> Outcome {
        if error.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("hookschema: cannot write the report: {error}");
        }
        Outcome::Error
    }
}
