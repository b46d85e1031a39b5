//! `cargo fuzz run parse`: see hookschema_hostile::Target::Parse.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookschema_hostile::Target::Parse.check(data));
