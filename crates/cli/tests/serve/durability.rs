//! Acknowledged means durable, for every store, against the real engines: a receiver killed in
//! the middle of a load, a disk that fills up, a database that goes away and comes back, two
//! receivers sharing one database. In each, every delivery answered 200 is stored exactly once,
//! no record is torn, nothing else is stored, and a retry of a stored delivery is answered as a
//! duplicate, after a restart too. And the bodies a receiver reads at once stay within its
//! budget, however many arrive.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hookschema_load::load::{LoadPlan, Report};
use hookschema_testkit::{Serve, postgres_database};

use crate::unix_now;

/// A receiver of every webhook storing in `store`, refusing drift (`--strict`, as the plan
/// expects), with `extra` options.
fn serve(store: &str, extra: &[&str]) -> Serve {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--strict",
            "--store",
            store,
        ])
        .args(extra)
        .stdout(Stdio::null());
    Serve::launch(command)
}

/// What `store` holds, as `hookschema deliveries export` prints it.
fn export(store: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args(["deliveries", "export", "--store", store])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Every store: SQLite and JSON lines in `dir`, and a fresh PostgreSQL database when there is
/// a server (required under `CI=true`).
fn stores(dir: &Path) -> Vec<String> {
    let mut stores = vec![
        format!("sqlite:{}", dir.join("deliveries.db").display()),
        format!("jsonl:{}", dir.join("deliveries.jsonl").display()),
    ];
    stores.extend(postgres_database());
    stores
}

/// Sends `plan` to `server` on a thread of its own, over `connections` connections, calling
/// `meanwhile` with the count of requests answered so far until the plan is sent.
fn send_while(
    plan: &LoadPlan,
    server: &Serve,
    connections: usize,
    meanwhile: impl FnMut(usize),
) -> Report {
    send_to(plan, server.addr(), connections, meanwhile)
}

/// [`send_while`] to the receiver at `addr`.
fn send_to(
    plan: &LoadPlan,
    addr: std::net::SocketAddr,
    connections: usize,
    mut meanwhile: impl FnMut(usize),
) -> Report {
    let answered = Arc::new(AtomicUsize::new(0));
    std::thread::scope(|scope| {
        let counter = Arc::clone(&answered);
        let sender = scope.spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(plan.send_counting(addr, connections, &counter))
        });
        while !sender.is_finished() {
            meanwhile(answered.load(Ordering::Relaxed));
            std::thread::sleep(Duration::from_millis(5));
        }
        sender.join().unwrap()
    })
}

/// Sends the retries of every delivery `report` says was acknowledged: each must be answered
/// as a duplicate.
fn retries_are_duplicates(plan: &LoadPlan, report: &Report, server: &Serve, store: &str) {
    let retries = plan.retries_of(report);
    assert!(!retries.is_empty(), "{store}: nothing was acknowledged");
    let again = send_while(&retries, server, 8, |_| {});
    assert!(
        again.wrong.is_empty(),
        "{store}: {:?}",
        &again.wrong[..again.wrong.len().min(5)]
    );
}

#[test]
fn a_receiver_killed_mid_load_keeps_every_delivery_it_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    for store in stores(dir.path()) {
        let plan = LoadPlan::new(1500, unix_now());
        let mut server = Some(serve(&store, &[]));
        let addr = server.as_ref().unwrap().addr();
        let report = send_to(&plan, addr, 16, |answered| {
            if answered >= 300
                && let Some(running) = server.take()
            {
                running.stop();
            }
        });
        assert!(server.is_none(), "{store}: the load ended before the kill");
        // The kill landed in the middle: some deliveries were acknowledged, some never were.
        let acknowledged = report.statuses.iter().filter(|s| **s == Some(200)).count();
        let unanswered = report.statuses.iter().filter(|s| s.is_none()).count();
        assert!(
            acknowledged >= 100 && unanswered >= 100,
            "{store}: {report}"
        );

        // Restarted on the same store: the retries of what was acknowledged are duplicates.
        let server = serve(&store, &[]);
        retries_are_duplicates(&plan, &report, &server, &store);
        server.stop();
        let problems = plan.audit_acknowledged(&export(&store), &report);
        assert!(problems.is_empty(), "{store}: {problems:?}");
    }
}

#[test]
fn two_receivers_on_one_postgres_write_each_delivery_once() {
    let Some(database) = postgres_database() else {
        return;
    };
    // The same deliveries reach both receivers at once, as retries through a load balancer.
    let plan = LoadPlan::new(600, unix_now());
    let (first, second) = (serve(&database, &[]), serve(&database, &[]));
    let reports: Vec<Report> = std::thread::scope(|scope| {
        let sends: Vec<_> = [&first, &second]
            .into_iter()
            .map(|server| scope.spawn(|| send_while(&plan, server, 8, |_| {})))
            .collect();
        sends.into_iter().map(|s| s.join().unwrap()).collect()
    });
    let logs = [first.shut_down(), second.shut_down()];
    for report in &reports {
        // Every valid delivery acknowledged by both: one wrote it, the other said duplicate.
        let refused_or_acknowledged = report
            .statuses
            .iter()
            .all(|s| matches!(s, Some(200 | 401 | 422)));
        assert!(refused_or_acknowledged, "{report}");
    }
    let written = export(&database);
    let problems = plan.audit(&written);
    assert!(problems.is_empty(), "{problems:?}");
    let stored: u64 = logs.iter().map(|log| logged(log, "stored")).sum();
    let duplicates: u64 = logs.iter().map(|log| logged(log, "duplicates")).sum();
    assert_eq!(stored, written.lines().count() as u64, "{logs:?}");
    assert!(
        duplicates >= stored,
        "each delivery a duplicate on one of the two: {logs:?}"
    );
}

/// A count the receiver logs when it stops: `name=N`.
fn logged(log: &str, name: &str) -> u64 {
    let line = log
        .lines()
        .find(|line| line.contains(" stopped "))
        .unwrap_or_else(|| panic!("no stopping line in {log}"));
    let value = line
        .split_whitespace()
        .find_map(|field| field.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {line}"));
    value.parse().unwrap()
}

#[test]
fn a_postgres_that_stops_mid_load_gets_retries_and_no_lost_delivery() {
    let Some(cluster) = own_postgres() else {
        return;
    };
    let store = cluster.url.clone();
    let plan = LoadPlan::new(1200, unix_now());
    let server = serve(&store, &[]);
    let (mut stopped, mut restarted) = (false, false);
    let report = send_while(&plan, &server, 4, |answered| {
        if answered >= 200 && !stopped {
            cluster.stop();
            stopped = true;
        }
        if answered >= 500 && !restarted {
            cluster.start();
            restarted = true;
        }
    });
    assert!(stopped && restarted);
    let statuses: Vec<u16> = report.statuses.iter().map(|s| s.unwrap_or(0)).collect();
    let while_down = statuses.iter().filter(|s| **s == 503 || **s == 500).count();
    assert!(
        while_down > 0,
        "never refused while the database was down: {report}"
    );
    // Answered throughout, and again acknowledging once the database was back, no restart.
    assert!(
        statuses
            .iter()
            .all(|s| [200, 401, 422, 500, 503].contains(s)),
        "{report}"
    );
    let last_refusal = statuses
        .iter()
        .rposition(|s| *s == 503 || *s == 500)
        .unwrap();
    assert!(
        statuses[last_refusal..].contains(&200),
        "never recovered: {report}"
    );
    retries_are_duplicates(&plan, &report, &server, &store);
    server.stop();
    let problems = plan.audit_acknowledged(&export(&store), &report);
    assert!(problems.is_empty(), "{problems:?}");
}

/// A PostgreSQL cluster of the test's own, which it may stop and start: `tools/postgres` in a
/// folder. `None` (skipped) when PostgreSQL cannot be run here, but under `CI=true`.
struct Cluster {
    folder: tempfile::TempDir,
    url: String,
}

fn own_postgres() -> Option<Cluster> {
    let folder = tempfile::tempdir().unwrap();
    let url = tools_postgres(&[folder.path().to_str().unwrap()]);
    match url {
        Some(url) => Some(Cluster { folder, url }),
        None => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "tools/postgres cannot start a cluster"
            );
            eprintln!("skipped: tools/postgres cannot start a cluster here");
            None
        }
    }
}

fn tools_postgres(args: &[&str]) -> Option<String> {
    let script = hookschema_fixtures::repository_root().join("tools/postgres");
    let output = Command::new(script).args(args).output().ok()?;
    if !output.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        return None;
    }
    Some(String::from_utf8(output.stdout).ok()?.trim().to_owned())
}

impl Cluster {
    fn stop(&self) {
        tools_postgres(&["--stop", self.folder.path().to_str().unwrap()]).unwrap();
    }

    fn start(&self) {
        let url = tools_postgres(&[self.folder.path().to_str().unwrap()]).unwrap();
        assert_eq!(url, self.url, "the cluster comes back where it was");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = tools_postgres(&["--stop", self.folder.path().to_str().unwrap()]);
    }
}

#[test]
fn a_full_disk_gets_retries_and_recovers_without_a_restart() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    for store in [
        format!("jsonl:{}", disk.path.join("deliveries.jsonl").display()),
        format!("sqlite:{}", disk.path.join("deliveries.db").display()),
    ] {
        let filler = disk.path.join("filler");
        let plan = LoadPlan::new(900, unix_now());
        let server = serve(&store, &[]);
        fill(&filler, 96 * 1024);
        let mut freed_at = None;
        let report = send_while(&plan, &server, 1, |answered| {
            if answered >= 450 && freed_at.is_none() {
                std::fs::remove_file(&filler).unwrap();
                freed_at = Some(answered);
            }
        });
        let statuses: Vec<u16> = report.statuses.iter().map(|s| s.unwrap_or(0)).collect();
        let refused = statuses.iter().position(|s| *s == 500 || *s == 503);
        let Some(refused) = refused else {
            panic!("{store}: the disk never filled: {report}");
        };
        assert!(
            statuses
                .iter()
                .all(|s| [200, 401, 422, 500, 503].contains(s)),
            "{report}"
        );
        // One connection sends in order: what followed the freeing was stored again.
        let freed_at = freed_at.expect("the disk was freed during the load");
        assert!(refused < freed_at, "{store}: {}", runs(&statuses));
        assert!(
            statuses[freed_at..].contains(&200),
            "{store}: never recovered: {report}\n{}",
            runs(&statuses)
        );
        retries_are_duplicates(&plan, &report, &server, &store);
        server.stop();
        // Every line of a JSON-lines store reads on its own, as jq reads it.
        if let Some(path) = store.strip_prefix("jsonl:") {
            for line in std::fs::read_to_string(path).unwrap().lines() {
                serde_json::from_str::<serde_json::Value>(line).expect("a whole record");
            }
        }
        let problems = plan.audit_acknowledged(&export(&store), &report);
        assert!(problems.is_empty(), "{store}: {problems:?}");
        let _ = std::fs::remove_file(&filler);
    }
}

/// A tmpfs of 8 MiB, mounted for the test: a disk that fills up. `None` (skipped) where
/// mounting takes privileges the test does not have; under `CI=true`, where the run is root, a
/// failure.
struct SmallDisk {
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount() -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(&path)
            .output();
        match mounted {
            Ok(output) if output.status.success() => Some(SmallDisk { path, _dir: dir }),
            _ => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "cannot mount a tmpfs under CI=true: {mounted:?}"
                );
                eprintln!("skipped: cannot mount a tmpfs here (it takes root)");
                None
            }
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).output();
    }
}

/// Fills the disk of `path` but for about `room` bytes.
fn fill(path: &Path, room: u64) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).unwrap();
    let block = vec![b'x'; 4096];
    while file.write_all(&block).is_ok() {}
    let size = file.metadata().unwrap().len();
    file.set_len(size.saturating_sub(room)).unwrap();
    file.sync_all().unwrap();
}

#[test]
fn bodies_in_flight_stay_within_the_budget() {
    const BUDGET: u64 = 32 * 1024 * 1024;
    const BODY: usize = 2 * 1024 * 1024 - 1024;
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("deliveries.db").display());
    let server = serve(&store, &["--max-inflight-body-bytes", &BUDGET.to_string()]);
    // 256 senders at once, each with a large body and a made-up signature: no secret needed to
    // make the receiver read it, were it not for the budget.
    let addr = server.addr();
    let started = Instant::now();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let senders: Vec<_> = (0..256)
            .map(|n| scope.spawn(move || forged_large_body(addr, n, BODY)))
            .collect();
        senders.into_iter().map(|s| s.join().unwrap()).collect()
    });
    let peak = server.peak_memory();
    server.stop();
    let busy = statuses.iter().filter(|s| **s == 503).count();
    assert!(
        busy > 0,
        "the budget never turned a body away: {statuses:?}"
    );
    // 401 once a whole body is read, 503 past the budget, 0 for a connection cut off; and 408
    // when 256 senders on a busy two-core machine trickle slower than the minimum body rate,
    // which refuses a body without holding it either.
    assert!(
        statuses.iter().all(|s| [0, 401, 408, 503].contains(s)),
        "{statuses:?}"
    );
    if let Some(peak) = peak {
        let limit = BUDGET + 96 * 1024 * 1024;
        assert!(
            peak < limit,
            "peak {} MiB for a {} MiB budget",
            peak >> 20,
            BUDGET >> 20
        );
    }
    assert!(started.elapsed() < Duration::from_secs(60));
}

/// A delivery to the signed webhook with a well-formed, made-up signature and a body of `size`
/// bytes; the answer's status, or 0 when the receiver hung up before answering.
fn forged_large_body(addr: std::net::SocketAddr, n: usize, size: usize) -> u16 {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return 0;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let head = format!(
        "POST /kaizen HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Webhooks-Id: forged_{n}\r\nX-Webhooks-Timestamp: {}\r\n\
         X-Webhooks-Signature: v1={}\r\nContent-Length: {size}\r\n\r\n",
        unix_now(),
        "0".repeat(64)
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return 0;
    }
    let body = vec![b' '; size];
    let _ = stream.write_all(&body);
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

#[test]
fn an_export_reads_back_by_vendor_and_after_an_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("deliveries.db").display());
    let plan = LoadPlan::new(60, unix_now());
    let server = serve(&store, &[]);
    let report = send_while(&plan, &server, 4, |_| {});
    assert!(report.wrong.is_empty(), "{report}");
    server.shut_down();
    let all: Vec<serde_json::Value> = export(&store)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(plan.audit(&export(&store)).is_empty());
    let ids: Vec<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let output = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args([
            "deliveries",
            "export",
            "--store",
            &store,
            "--vendor",
            "kaizen",
        ])
        .args(["--after", &ids[ids.len() / 2].to_string()])
        .output()
        .unwrap();
    let picked: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let expected = all
        .iter()
        .filter(|r| r["vendor"] == "kaizen" && r["id"].as_i64() > Some(ids[ids.len() / 2]))
        .count();
    assert!(expected > 0);
    assert_eq!(picked.len(), expected);
}

/// `statuses` as runs, `200×12 500×3 …`, for a message.
fn runs(statuses: &[u16]) -> String {
    let mut runs: Vec<(u16, usize)> = Vec::new();
    for status in statuses {
        match runs.last_mut() {
            Some((last, count)) if last == status => *count += 1,
            _ => runs.push((*status, 1)),
        }
    }
    runs.iter()
        .map(|(s, n)| format!("{s}×{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Log rotation: the file is renamed away, SIGHUP makes the receiver open its path again, and
/// the next delivery goes to the new file; a retry of one in the rotated file is still known.
#[cfg(unix)]
#[test]
fn sighup_reopens_a_rotated_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deliveries.jsonl");
    let store = format!("jsonl:{}", path.display());
    let server = serve(&store, &[]);
    let first = LoadPlan::named("before", 10, unix_now());
    let before = send_while(&first, &server, 1, |_| {});
    assert!(before.wrong.is_empty(), "{before}");
    let rotated = dir.path().join("deliveries.jsonl.1");
    std::fs::rename(&path, &rotated).unwrap();
    server.hang_up();
    // The reopening is asynchronous: wait for the new file.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !path.exists() {
        assert!(Instant::now() < deadline, "the file was not reopened");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = LoadPlan::named("after", 10, unix_now());
    let report = send_while(&second, &server, 1, |_| {});
    assert!(report.wrong.is_empty(), "{report}");
    retries_are_duplicates(&first, &before, &server, &store);
    server.stop();
    assert!(
        first
            .audit(&std::fs::read_to_string(&rotated).unwrap())
            .is_empty()
    );
    assert!(
        second
            .audit(&std::fs::read_to_string(&path).unwrap())
            .is_empty()
    );
}

/// A JSON-lines store knows every delivery in its file: retries of the first deliveries, sent
/// after 100,000 others, are duplicates, and still are after a restart, which reads the index
/// beside the file. Both files are readable by their owner only.
#[test]
fn a_json_lines_retry_after_100_000_other_deliveries_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deliveries.jsonl");
    let store = format!("jsonl:{}", path.display());
    let first = LoadPlan::valid("first", 20, unix_now());
    let server = serve(&store, &[]);
    let sent = send_while(&first, &server, 4, |_| {});
    assert!(sent.wrong.is_empty(), "{sent}");
    let others = LoadPlan::valid("others", 100_000, unix_now());
    let report = send_while(&others, &server, 16, |_| {});
    assert!(report.wrong.is_empty(), "{report}");
    retries_are_duplicates(&first, &sent, &server, &store);
    server.shut_down();
    let server = serve(&store, &[]);
    retries_are_duplicates(&first, &sent, &server, &store);
    server.shut_down();
    let written = std::fs::read_to_string(&path).unwrap().lines().count();
    assert_eq!(written, first.len() + others.len(), "every delivery once");
    #[cfg(unix)]
    for file in [path.clone(), dir.path().join("deliveries.jsonl.index")] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
}

/// `GET /readyz`: its status, and the reason it gives when it is not ready.
fn readiness(server: &Serve) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut response = agent
        .get(format!("{}/readyz", server.base()))
        .call()
        .unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

/// Readiness follows the disk: after a commit fails on a full disk the receiver is not ready
/// (a load balancer stops sending there), though it still answers; once space is freed it is
/// ready again without a restart, and SQLite's WAL, grown while the disk filled, is truncated.
#[test]
fn readiness_goes_503_on_a_full_disk_and_back_once_it_frees() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    for (kind, file) in [("jsonl", "deliveries.jsonl"), ("sqlite", "deliveries.db")] {
        let store = format!("{kind}:{}", disk.path.join(file).display());
        let filler = disk.path.join("filler");
        let server = serve(&store, &[]);
        let before = LoadPlan::valid(&format!("{kind}_before"), 300, unix_now());
        let sent = send_while(&before, &server, 4, |_| {});
        assert!(sent.wrong.is_empty(), "{store}: {sent}");
        assert_eq!(readiness(&server).0, 200, "{store}");
        fill(&filler, 0);
        // Enough to outgrow what SQLite's WAL took before, which a commit reuses once it is
        // checkpointed without asking the disk for more.
        let during = LoadPlan::valid(&format!("{kind}_during"), 400, unix_now());
        let refused = send_while(&during, &server, 1, |_| {});
        assert!(
            refused
                .statuses
                .iter()
                .any(|s| matches!(s, Some(500 | 503))),
            "{store}: the disk never filled: {refused}"
        );
        let (status, reason) = readiness(&server);
        assert_eq!(status, 503, "{store}: {reason}");
        assert!(reason.contains("a write still does"), "{store}: {reason}");
        // Still not ready while the disk stays full: the probe writes, it does not only read.
        assert_eq!(readiness(&server).0, 503, "{store}");
        let wal = disk.path.join(format!("{file}-wal"));
        let wal_full = std::fs::metadata(&wal).map_or(0, |m| m.len());
        std::fs::remove_file(&filler).unwrap();
        assert_eq!(
            readiness(&server),
            (200, r#"{"status":"ok"}"#.to_owned()),
            "{store}"
        );
        if kind == "sqlite" {
            // The probe's write, and nothing of what the WAL held before.
            let wal_now = std::fs::metadata(&wal).unwrap().len();
            assert!(
                wal_now < 64 * 1024 && wal_full > 1024 * 1024,
                "{store}: the WAL kept {wal_now} bytes (it had {wal_full} when the disk filled)"
            );
        }
        let after = LoadPlan::valid(&format!("{kind}_after"), 20, unix_now());
        let stored = send_while(&after, &server, 1, |_| {});
        assert!(stored.wrong.is_empty(), "{store}: {stored}");
        server.stop();
        for name in [
            file.to_owned(),
            format!("{file}-wal"),
            format!("{file}-shm"),
        ] {
            let _ = std::fs::remove_file(disk.path.join(name));
        }
        let _ = std::fs::remove_file(disk.path.join(format!("{file}.index")));
    }
}
