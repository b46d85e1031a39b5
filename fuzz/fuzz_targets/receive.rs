//! `cargo fuzz run receive`: see hookschema_hostile::Target::Receive.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookschema_hostile::Target::Receive.check(data));
