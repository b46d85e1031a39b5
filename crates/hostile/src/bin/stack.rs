//! How much stack decoding each generated model takes: for every example of every embedded
//! schema, the smallest thread stack on which the models decode it (from the bytes with
//! serde_json, from the validator's tape, and printed back as `hookschema parse` does), found by
//! bisection, each try a child process (a stack overflow ends a process, not a thread). The
//! figure depends on the build: run it as `cargo run --release -p hookschema-hostile --bin stack`
//! and without `--release`, and compare with `hookschema_models::DECODE_STACK_BYTES`, the stack
//! the receiver's threads get.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use clap::Parser;
use hookschema_models::{DECODE_STACK_BYTES, SchemaFile};

#[derive(Parser)]
struct Args {
    /// Decode this schema's payload in `file` on a thread of `--bytes` stack, and exit 0 (used
    /// by the measurement itself).
    #[arg(long, requires_all = ["file", "bytes"])]
    decode: Option<String>,
    #[arg(long)]
    file: Option<PathBuf>,
    #[arg(long)]
    bytes: Option<usize>,
}

fn main() {
    let args = Args::parse();
    if let (Some(schema), Some(file), Some(bytes)) = (&args.decode, &args.file, args.bytes) {
        decode_on(schema, file, bytes);
        return;
    }
    let mut deepest = (0, String::new());
    for fixture in hookschema_fixtures::all() {
        let need = smallest_stack(&fixture.schema, &fixture.path);
        println!("{:>9} bytes  {}", need, fixture.id());
        if need > deepest.0 {
            deepest = (need, fixture.id());
        }
    }
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "deepest: {} bytes ({}), {build} build; DECODE_STACK_BYTES is {} ({:.0}x)",
        deepest.0,
        deepest.1,
        DECODE_STACK_BYTES,
        DECODE_STACK_BYTES as f64 / deepest.0.max(1) as f64
    );
}

/// Decodes the payload in `file` as `schema`'s models every way the receiver and the command
/// line do, on a thread of `bytes` stack.
fn decode_on(schema: &str, file: &PathBuf, bytes: usize) {
    let file_schema = SchemaFile::named(schema).expect("an embedded schema");
    let payload = std::fs::read(file).expect("the example reads");
    std::thread::Builder::new()
        .stack_size(bytes)
        .spawn(move || {
            let _ = (file_schema.decode)(&payload);
            let _ = hookschema_validate::parse_verdict(file_schema, &payload);
            let _ = (file_schema.reserialize)(&payload);
        })
        .expect("a thread starts")
        .join()
        .expect("decoding does not panic");
}

/// The smallest stack, to 4 KiB, on which the payload in `file` decodes; `usize::MAX` when
/// even [`DECODE_STACK_BYTES`] is too little.
fn smallest_stack(schema: &str, file: &PathBuf) -> usize {
    let fits = |bytes: usize| {
        Command::new(std::env::current_exe().expect("this program's path"))
            .args(["--decode", schema, "--file"])
            .arg(file)
            .args(["--bytes", &bytes.to_string()])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if !fits(DECODE_STACK_BYTES) {
        return usize::MAX;
    }
    let (mut low, mut high) = (4096, DECODE_STACK_BYTES);
    while high - low > 4096 {
        let middle = low + (high - low) / 2;
        if fits(middle) {
            high = middle;
        } else {
            low = middle;
        }
    }
    high
}
