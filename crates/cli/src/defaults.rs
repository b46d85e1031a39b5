//! Defaults that more than one command shares, so that what `serve` writes the commands that
//! read it find without being told where.

/// Where `serve` stores deliveries and `deliveries export` reads them, unless `--store` (or
/// `HOOKSCHEMA_STORE`) says otherwise: a SQLite file in the working directory.
pub const STORE: &str = "sqlite:deliveries.db";
