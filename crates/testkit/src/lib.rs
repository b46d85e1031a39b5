//! What hookschema's tests and benchmarks share, so that no test file writes it again:
//!
//! - [`sender`]: deliveries as each webhook's sender makes them, from its catalog entry (signed
//!   as its scheme says, or with the URL token), and their forgeries;
//! - [`Serve`]: `hookschema serve` run as a child process, on a port of its own, read until it
//!   listens and stopped as systemd would;
//! - [`postgres_database`]: a fresh database on the test server `tools/postgres` starts;
//! - [`unix_now`]: the clock senders sign with;
//! - [`run_with_input`]: a command run to its end on some input.

mod command;
mod postgres;
mod process;
pub mod sender;

pub use command::run_with_input;
pub use hookschema_signature::unix_now;
pub use postgres::{POSTGRES_VARIABLE, postgres_database};
pub use process::{Serve, cpu_seconds};
pub use sender::{NOW, SECRET, TOKEN};
