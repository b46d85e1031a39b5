//! Puts `hookschema serve --strict` under load on 127.0.0.1, storing in `--store`, and checks
//! what it stored: every valid delivery once, nothing else. Prints throughput, latency, the
//! store's deliveries per commit (from the receiver's own count, logged when it stops) and the
//! server's peak memory; exits 1 when an answer or the store is wrong. `bench/load.sh` builds
//! and runs it for every store.
//!
//! With `--floor BIN` it sends the same requests to the `floor` server instead (hyper alone, or
//! hyper and parsing with `--parse`), which authenticates and stores nothing: only its
//! throughput and latency are reported, as the floor the receiver's are compared with.

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use hookschema_load::load::LoadPlan;
use hookschema_testkit::{Serve, cpu_seconds};

#[derive(Parser)]
struct Args {
    /// The `hookschema` binary to run as the server (build it with `--release`).
    #[arg(long, required_unless_present = "floor", requires = "store")]
    hookschema: Option<PathBuf>,
    /// Where the server stores, as its `--store` takes it; it should start empty.
    #[arg(long)]
    store: Option<String>,
    /// Run this `floor` binary as the server instead of `hookschema serve`.
    #[arg(long, conflicts_with = "hookschema")]
    floor: Option<PathBuf>,
    /// With `--floor`: have it parse each body too.
    #[arg(long, requires = "floor")]
    parse: bool,
    /// Deliveries to send, before the retries.
    #[arg(long, default_value_t = 100_000)]
    deliveries: usize,
    /// Keep-alive connections sending at once.
    #[arg(long, default_value_t = 32)]
    connections: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    let plan = LoadPlan::new(args.deliveries, now);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the client");
    let (Some(hookschema), Some(store)) = (&args.hookschema, &args.store) else {
        return floor(&args, &plan, &runtime);
    };

    let mut command = Command::new(hookschema);
    command
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--strict",
            "--store",
            store,
        ])
        .stdout(Stdio::null());
    let mut server = Serve::launch(command);
    let before = Cpu::now(&server);
    let report = runtime.block_on(plan.send(server.addr(), args.connections));
    let cpu = before.since(&server, report.statuses.len());
    let alive = server.is_running();
    let peak = server.peak_memory();
    let log = server.shut_down();

    println!("{report}");
    println!("{cpu}");
    if let Some(line) = log.lines().find(|line| line.contains(" stopped ")) {
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|f| f.strip_prefix(&format!("{name}=")))
                .unwrap_or("?")
                .trim_matches('"')
                .to_owned()
        };
        println!(
            "  store: {} deliveries in {} commits, {} per commit",
            field("stored"),
            field("commits"),
            field("deliveries_per_commit")
        );
    }
    if let Some(bytes) = peak {
        println!(
            "  server peak memory (VmHWM): {:.1} MiB",
            bytes as f64 / 1048576.0
        );
    }
    let exported = Command::new(hookschema)
        .args(["deliveries", "export", "--store", store])
        .output();
    let written = match exported {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
        Ok(output) => {
            println!(
                "  cannot export: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            return ExitCode::FAILURE;
        }
        Err(error) => {
            println!("  cannot export: {error}");
            return ExitCode::FAILURE;
        }
    };
    let problems = plan.audit(&written);
    println!(
        "  stored: {} deliveries; audit problems: {}",
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

/// Sends `plan` to the floor server and reports its throughput and latency; the answers are not
/// checked (it authenticates nothing), only that every request got one.
fn floor(args: &Args, plan: &LoadPlan, runtime: &tokio::runtime::Runtime) -> ExitCode {
    let mut command = Command::new(args.floor.as_ref().expect("clap requires --floor"));
    if args.parse {
        command.arg("--parse");
    }
    let server = Serve::launch_as_given(command);
    let before = Cpu::now(&server);
    let report = runtime.block_on(plan.send(server.addr(), args.connections));
    let cpu = before.since(&server, report.statuses.len());
    let peak = server.peak_memory();
    drop(server);
    let unanswered = report.statuses.iter().filter(|s| s.is_none()).count();
    let lines = report.to_string();
    // The first line: throughput and latency; the per-kind answers below it are the floor's own.
    println!("{}", lines.lines().next().unwrap_or_default());
    println!("{cpu}");
    if let Some(bytes) = peak {
        println!(
            "  server peak memory (VmHWM): {:.1} MiB",
            bytes as f64 / 1048576.0
        );
    }
    if unanswered == 0 {
        ExitCode::SUCCESS
    } else {
        println!("  {unanswered} requests got no answer");
        ExitCode::FAILURE
    }
}

/// The processor time the server and this client have used: read once the server listens,
/// and again after the requests, so that starts are left out.
struct Cpu {
    server: Option<f64>,
    client: Option<f64>,
}

impl Cpu {
    fn now(server: &Serve) -> Cpu {
        Cpu {
            server: server.cpu_seconds(),
            client: cpu_seconds(std::process::id()),
        }
    }

    /// What each spent on the `requests` sent since `self`: the server's cost of a request with
    /// the client's share of the cores taken out, which throughput alone mixes in, and the
    /// client's, since both share the machine.
    fn since(&self, server: &Serve, requests: usize) -> String {
        let line = |who: &str, before: Option<f64>, after: Option<f64>| match (before, after) {
            (Some(before), Some(after)) => format!(
                "  {who} CPU: {:.2} s, {:.1} µs per request",
                after - before,
                (after - before) * 1e6 / requests.max(1) as f64
            ),
            _ => format!("  {who} CPU: not known on this system"),
        };
        let client = cpu_seconds(std::process::id());
        format!(
            "{}\n{}",
            line("server", self.server, server.cpu_seconds()),
            line("client", self.client, client)
        )
    }
}
