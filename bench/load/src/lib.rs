//! The receiver measured: [`load`] sends a mixed load of every webhook of a catalog, as each
//! sender would, and audits what the receiver stored; [`attack`] holds a receiver's connections
//! and body budget as a sender without the secret can. The tests (`crates/cli/tests/serve/`) and
//! the binaries here (`load`, `floor`, `attack`) share them.

pub mod attack;
pub mod load;
