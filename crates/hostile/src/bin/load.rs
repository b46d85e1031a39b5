//! Puts `hookschema serve --strict` under load on 127.0.0.1 and checks what it wrote: every
//! valid delivery once, nothing else. Prints throughput, latency and the server's peak memory;
//! exits 1 when an answer or the output is wrong. `bench/load.sh` builds and runs it.

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use hookschema_hostile::Serve;
use hookschema_hostile::load::Plan;

#[derive(Parser)]
struct Args {
    /// The `hookschema` binary to run as the server (build it with `--release`).
    #[arg(long)]
    hookschema: PathBuf,
    /// Deliveries to send, before the retries.
    #[arg(long, default_value_t = 100_000)]
    deliveries: usize,
    /// Keep-alive connections sending at once.
    #[arg(long, default_value_t = 32)]
    connections: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let out = match tempfile::NamedTempFile::new() {
        Ok(out) => out,
        Err(error) => {
            eprintln!("load: no temporary file for the output: {error}");
            return ExitCode::from(2);
        }
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    let plan = Plan::new(args.deliveries, now);

    let mut command = Command::new(&args.hookschema);
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--strict", "--store"])
        .arg(format!("jsonl:{}", out.path().display()))
        // Remember every id, so each retry finds its first delivery however long the run.
        .args(["--remember-ids", &plan.len().to_string()])
        .stdout(Stdio::null());
    let mut server = Serve::launch(command);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the client");
    let report = runtime.block_on(plan.send(server.addr(), args.connections));
    let alive = server.is_running();
    let peak = server.peak_memory();
    server.stop();

    println!("{report}");
    if let Some(bytes) = peak {
        println!(
            "  server peak memory (VmHWM): {:.1} MiB",
            bytes as f64 / 1048576.0
        );
    }
    let written = std::fs::read_to_string(out.path()).unwrap_or_default();
    let problems = plan.audit(&written);
    println!(
        "  written: {} lines; audit problems: {}",
        written.lines().count(),
        problems.len()
    );
    for line in report.wrong.iter().chain(&problems).take(20) {
        println!("  {line}");
    }
    if !alive {
        println!("  the server exited during the run");
    }
    if alive && report.wrong.is_empty() && problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
