//! What a sender without the secret can do to `hookschema serve`, measured: each flood of
//! `hookschema_load::attack` is held open (or, for bodies, sent again as fast as the
//! receiver lets them go) while genuine signed deliveries come one after another, each on a
//! new connection from 127.0.0.1, and the answers they get and how long they take are
//! reported. The floods come from other loopback addresses where the receiver tells peers
//! apart. README's "What a sender without the secret can do" has the figures:
//!
//! ```sh
//! cargo build --release -p hookschema-cli -p hookschema-load --bin hookschema --bin attack
//! target/release/attack --hookschema target/release/hookschema
//! ```

use std::collections::BTreeMap;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use clap::Parser;
use hookschema_catalog::{Catalog, Webhook};
use hookschema_load::attack::{deliver, idle, stalled_bodies};
use hookschema_testkit::Serve;

#[derive(Parser)]
struct Args {
    /// The `hookschema` binary to run as the server (build it with `--release`).
    #[arg(long)]
    hookschema: PathBuf,
    /// Genuine deliveries sent during each flood.
    #[arg(long, default_value_t = 100)]
    deliveries: usize,
}

/// A body of the forged requests: most of the 2 MiB their heads declare, sent at once.
const SENT: usize = 1536 * 1024;
const DECLARED: usize = 2 * 1024 * 1024;

fn main() {
    let args = Args::parse();
    let webhook = Catalog::embedded()
        .webhook("kaizen/webhook-event")
        .expect("the embedded Kaizen webhook");
    let dir = tempfile::tempdir().expect("a folder for the store");
    let mut command = Command::new(&args.hookschema);
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--store"])
        .arg(format!(
            "jsonl:{}",
            dir.path().join("deliveries.jsonl").display()
        ))
        .stdout(Stdio::null());
    let server = Serve::launch(command);
    let addr = server.addr();
    println!(
        "{:<60} {:>8} {:>9} {:>9} {:>9} {:>9}",
        "flood", "answers", "median", "p99", "slowest", "held MiB"
    );
    let small = br#"{"type":"execution.complete","data":{"id":"exec_1","status":"Completed","startTime":"2025-09-15T14:02:11Z"}}"#.to_vec();
    let large = format!(
        r#"{{"type":"execution.complete","data":{{"id":"exec_1","status":"Completed","startTime":"2025-09-15T14:02:11Z","response":{{"report":"{}"}}}}}}"#,
        "x".repeat(1 << 20)
    )
    .into_bytes();
    let measure = |name: &str| measure(name, addr, webhook, &small, args.deliveries);
    measure("none");
    {
        let _held = stalled_bodies(addr, None, webhook, 256, DECLARED, 0);
        measure("256 heads declaring 2 MiB, no body");
    }
    {
        let _held = idle(addr, 2000);
        measure("2,000 connections that send nothing");
    }
    {
        let from = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        let _flood = Flood::start(addr, webhook, &[from], 64);
        measure("64 bodies of 1.5 MiB from one peer, sent again and again");
    }
    {
        let peers: Vec<IpAddr> = (2..10)
            .map(|n| IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
            .collect();
        let _flood = Flood::start(addr, webhook, &peers, 32);
        measure("32 bodies of 1.5 MiB from each of 8 peers, again and again");
        self::measure(
            "  the same, deliveries of 1 MiB",
            addr,
            webhook,
            &large,
            args.deliveries,
        );
    }
    let peak = server.peak_memory().unwrap_or(0);
    server.stop();
    println!("receiver's peak memory: {} MiB", peak >> 20);
}

/// Sends `count` genuine deliveries of `body` one after another and prints what they got.
fn measure(name: &str, addr: SocketAddr, webhook: &Webhook, body: &[u8], count: usize) {
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut took = Vec::with_capacity(count);
    for n in 0..count {
        let id = format!("{}_{n}", name.len());
        let (status, time) = deliver(
            addr,
            webhook,
            &format!("genuine_{id}_{}", hookschema_testkit::unix_now()),
            body,
            Duration::from_secs(30),
        );
        *statuses.entry(status).or_default() += 1;
        took.push(time);
        std::thread::sleep(Duration::from_millis(20));
    }
    took.sort();
    let at = |fraction: f64| took[((took.len() - 1) as f64 * fraction) as usize];
    let held = body_bytes_in_flight(addr) as f64 / f64::from(1 << 20);
    let answers: Vec<String> = statuses
        .iter()
        .map(|(status, n)| format!("{status}×{n}"))
        .collect();
    println!(
        "{name:<60} {:>8} {:>9.1?} {:>9.1?} {:>9.1?} {held:>9.1}",
        answers.join(" "),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

/// The receiver's `hookschema_body_bytes_in_flight` now: what bodies hold of its budget.
fn body_bytes_in_flight(addr: SocketAddr) -> u64 {
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return 0;
    };
    let request = b"GET /metrics HTTP/1.1\r\nHost: receiver\r\nConnection: close\r\n\r\n";
    let mut text = String::new();
    let _ = std::io::Write::write_all(&mut stream, request);
    let _ = stream.read_to_string(&mut text);
    text.lines()
        .find_map(|line| line.strip_prefix("hookschema_body_bytes_in_flight "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0)
}

/// Connections from `peers` that each send a forged head and [`SENT`] bytes of its body, wait
/// for the receiver to answer (503, or 408 once the body pauses too long) or hang up, and start
/// again, until dropped.
struct Flood {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
    sent: Arc<AtomicUsize>,
}

impl Flood {
    fn start(addr: SocketAddr, webhook: &Webhook, peers: &[IpAddr], per_peer: usize) -> Flood {
        let stop = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicUsize::new(0));
        let threads = peers
            .iter()
            .flat_map(|peer| std::iter::repeat_n(*peer, per_peer))
            .map(|peer| {
                let (stop, sent, webhook) = (Arc::clone(&stop), Arc::clone(&sent), webhook.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let Some(mut stream) =
                            stalled_bodies(addr, Some(peer), &webhook, 1, DECLARED, SENT).pop()
                        else {
                            std::thread::sleep(Duration::from_millis(10));
                            continue;
                        };
                        sent.fetch_add(1, Ordering::Relaxed);
                        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                        let mut answer = [0; 64];
                        while !stop.load(Ordering::Relaxed) {
                            match stream.read(&mut answer) {
                                Ok(_) => break,
                                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
                                Err(_) => break,
                            }
                        }
                    }
                })
            })
            .collect();
        // Let the flood take what it can before the deliveries come.
        std::thread::sleep(Duration::from_secs(1));
        Flood {
            stop,
            threads,
            sent,
        }
    }
}

impl Drop for Flood {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        println!(
            "  ({} forged bodies of 1.5 MiB sent meanwhile)",
            self.sent.load(Ordering::Relaxed)
        );
    }
}
