//! Writes each fuzz target's seeds to `<dir>/<target>/` (by default `fuzz/corpus/`, where
//! `cargo fuzz run` looks), so a fuzzer starts from real deliveries:
//! `cargo run -p hookschema-hostile --bin seeds [DIR]`.

use std::path::PathBuf;
use std::process::ExitCode;

use hookschema_fixtures::repository_root;
use hookschema_hostile::{Target, seeds};

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| repository_root().join("fuzz/corpus"), PathBuf::from);
    for target in Target::ALL {
        let folder = dir.join(target.name());
        let written = std::fs::create_dir_all(&folder).and_then(|()| {
            let seeds = seeds(target);
            for (name, data) in &seeds {
                std::fs::write(folder.join(name), data)?;
            }
            Ok(seeds.len())
        });
        match written {
            Ok(count) => println!("{}: {count} seeds", folder.display()),
            Err(error) => {
                eprintln!("cannot write {}: {error}", folder.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
