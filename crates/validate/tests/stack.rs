//! Decoding never overflows a thread's stack: every example of every generated model decodes
//! (from the bytes, from the validator's tape, and printed back as `hookschema parse` does) on a
//! quarter of `DECODE_STACK_BYTES`, the stack the receiver's and the command line's threads
//! get. A model that needs more aborts this test's process, which fails it. Run it in the debug
//! build (`cargo test`) and in the release build (`cargo test --release -p
//! hookschema-validate --test stack`, as CI does): their frames differ. What each example takes
//! is measured by `cargo run -p hookschema-hostile --bin stack`.

use hookschema_models::{DECODE_STACK_BYTES, SchemaFile};

#[test]
fn every_model_decodes_on_a_quarter_of_the_stack_its_threads_get() {
    let fixtures = hookschema_fixtures::all();
    assert!(!fixtures.is_empty());
    std::thread::Builder::new()
        .stack_size(DECODE_STACK_BYTES / 4)
        .spawn(move || {
            for fixture in &fixtures {
                let file = SchemaFile::named(&fixture.schema).expect("an embedded schema");
                let bytes = &fixture.bytes;
                let decoded = (file.decode)(bytes).is_ok();
                let parsed = hookschema_validate::parse_verdict(file, bytes).is_ok();
                let printed = (file.reserialize)(bytes).is_ok();
                // The verdicts themselves are the fixtures tests'; a valid example decodes.
                if fixture.is_valid() {
                    assert!(decoded && parsed && printed, "{fixture}");
                }
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
