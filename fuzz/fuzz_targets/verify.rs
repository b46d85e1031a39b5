//! `cargo fuzz run verify`: see hookschema_hostile::Target::Verify.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookschema_hostile::Target::Verify.check(data));
