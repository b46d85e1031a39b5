//! `hookschema serve` as a child process, for the tests and the load generator that talk to it
//! over real sockets: started with the harness's credentials for every webhook, its address read
//! from its first line, its log kept, and killed when dropped so that a failing test leaves no
//! server.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

use hookschema_catalog::Catalog;

use crate::sender::give_credentials;

/// A running `hookschema serve`.
pub struct Serve {
    child: Child,
    /// `http` or `https`.
    scheme: String,
    addr: SocketAddr,
    first: String,
    /// The admin port's URL, when it was asked for (`--admin-addr`).
    admin: Option<String>,
    log: Option<JoinHandle<String>>,
}

impl Serve {
    /// Runs `command`, a `hookschema serve --addr 127.0.0.1:0 …` of the embedded catalog,
    /// with the harness's credentials, and waits until it listens.
    ///
    /// # Panics
    ///
    /// When the server does not start: the caller is a test or a benchmark, which cannot go on.
    pub fn launch(command: Command) -> Serve {
        Serve::launch_with(command, Catalog::embedded())
    }

    /// [`Serve::launch`] for a server of `catalog` (given to it with `--schemas`).
    pub fn launch_with(mut command: Command, catalog: &Catalog) -> Serve {
        give_credentials(&mut command, catalog);
        Serve::launch_as_given(command)
    }

    /// [`Serve::launch`] without the harness's credentials: `command` gives its own, or none
    /// for the webhooks it leaves off.
    pub fn launch_as_given(mut command: Command) -> Serve {
        let with_admin = command.get_args().any(|arg| arg == "--admin-addr");
        let mut child = command
            .stderr(Stdio::piped())
            .spawn()
            .expect("`hookschema serve` starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
        let mut first = String::new();
        stderr
            .read_line(&mut first)
            .expect("`hookschema serve` writes to stderr");
        let url = listening_url(&first)
            .unwrap_or_else(|| panic!("`hookschema serve` did not start: {first}"));
        let (scheme, addr) = url
            .split_once("://")
            .and_then(|(scheme, addr)| Some((scheme.to_owned(), addr.parse().ok()?)))
            .unwrap_or_else(|| panic!("`hookschema serve` listens on no address: {first}"));
        // The admin port's line comes next: `hookschema: admin page and operations on URL`.
        let admin = with_admin.then(|| {
            let mut line = String::new();
            stderr
                .read_line(&mut line)
                .expect("`hookschema serve` writes to stderr");
            line.split_whitespace()
                .find(|word| word.starts_with("http://") || word.starts_with("https://"))
                .unwrap_or_else(|| panic!("no admin address: {line}"))
                .to_owned()
        });
        // Keep draining stderr, so the server never blocks on a full pipe; keep it for checks.
        let log = std::thread::spawn(move || {
            let mut rest = String::new();
            for line in stderr.lines().map_while(Result::ok) {
                rest.push_str(&line);
                rest.push('\n');
            }
            rest
        });
        Serve {
            child,
            scheme,
            addr,
            first,
            admin,
            log: Some(log),
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its URL, without a trailing slash: `http://127.0.0.1:PORT` (`https://` with TLS).
    pub fn base(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The admin port's URL, without a trailing slash, when the command asked for one.
    pub fn admin_base(&self) -> Option<&str> {
        self.admin.as_deref()
    }

    /// Its standard output, when the command piped it.
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    /// Whether it is still running: it has not exited, by a panic, a signal or anything else.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The most memory it has held at once (its peak resident set, `VmHWM`), in bytes. Only
    /// Linux tells; elsewhere this is `None`.
    pub fn peak_memory(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        let kib: u64 = line
            .trim_start_matches("VmHWM:")
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib * 1024)
    }

    /// The processor time it has used so far (see [`cpu_seconds`]).
    pub fn cpu_seconds(&self) -> Option<f64> {
        cpu_seconds(self.child.id())
    }

    /// Its first line: where it listens, and which routes are on and off.
    pub fn first_line(&self) -> &str {
        &self.first
    }

    /// Sends the server SIGHUP, as log rotation does.
    pub fn hang_up(&self) {
        self.signal(libc::SIGHUP);
    }

    fn signal(&self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a process id");
        // SAFETY: `kill` takes any pid and signal; this one is our own child's.
        unsafe { libc::kill(pid, signal) };
    }

    /// Asks the server to stop (SIGTERM), as a service manager does, waits for it to finish what
    /// is in flight and exit, and returns what it logged after its first line.
    pub fn shut_down(mut self) -> String {
        self.signal(libc::SIGTERM);
        let _ = self.child.wait();
        self.log
            .take()
            .and_then(|log| log.join().ok())
            .unwrap_or_default()
    }

    /// Stops the server at once (SIGKILL, as a crash would) and returns what it logged after its
    /// first line.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.log
            .take()
            .and_then(|log| log.join().ok())
            .unwrap_or_default()
    }
}

/// The URL in the server's first line: `hookschema: listening on URL …` in text, the `url`
/// field of a JSON line.
fn listening_url(line: &str) -> Option<String> {
    if let Ok(event) = serde_json::from_str::<serde_json::Value>(line) {
        return Some(event.get("url")?.as_str()?.to_owned());
    }
    let rest = line.trim().strip_prefix("hookschema: listening on ")?;
    Some(rest.split_whitespace().next()?.to_owned())
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The processor time process `pid` has used so far, user and system, all its threads, in
/// seconds. Only Linux tells (`/proc/<pid>/stat`, in the clock ticks of its ABI, a hundred a
/// second); elsewhere this is `None`.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces: the fields are counted after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime, the 14th and 15th fields, are the 12th and 13th after the name.
    let ticks = |at: usize| fields.get(at)?.parse::<u64>().ok();
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}
