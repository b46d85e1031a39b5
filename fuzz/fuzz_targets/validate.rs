//! `cargo fuzz run validate`: see hookschema_hostile::Target::Validate.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookschema_hostile::Target::Validate.check(data));
