//! Running a command to its end on some input, as the tests run `hookschema`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// What `command` printed and how it exited, given `input` on its standard input.
///
/// # Panics
///
/// When the command cannot be started.
pub fn run_with_input(command: &mut Command, input: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    // A command that stops before reading its input (a usage error) closes the pipe: that is
    // its answer, not the caller's concern.
    let _ = child.stdin.take().expect("a piped input").write_all(input);
    child.wait_with_output().expect("the command ends")
}
