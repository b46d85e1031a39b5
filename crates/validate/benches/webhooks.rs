//! Per vendor, on payloads of about 1 KB, 10 KB, 100 KB and 1 MB: strict validation from bytes,
//! forgiving typed decoding, both in one call, and the floors they compete with, plain
//! `serde_json::from_slice` into a `serde_json::Value` and into the same type. Throughput is in
//! bytes, so criterion reports both time per payload and MB/s, and how each scales with size.
//! Run with `cargo bench -p hookschema-validate` (about six minutes; `-- --quick` for a rough
//! pass).
//!
//! The payloads are grown from each vendor's fullest valid example, as real deliveries grow:
//! ComfyDeploy's success body with its outputs repeated, each with its own id; Kaizen's completed
//! execution with more logins, context authentications and downloaded files (the file from
//! another of its examples), each with its own ids, its `type` before its `data` as Kaizen sends
//! them. All are compact JSON, as senders write them; the 1 KB payload of each vendor is its
//! example itself (993 and 1,580 bytes). Each is checked valid before anything is timed, so the
//! error path never stands in for validation.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hookschema_models::HasSchema;
use hookschema_models::comfydeploy::WorkflowRunWebhookBody;
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_validate::Schema;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The sizes aimed at, in bytes, with their names.
const SIZES: [(usize, &str); 4] = [
    (1_000, "1KB"),
    (10_000, "10KB"),
    (100_000, "100KB"),
    (1_000_000, "1MB"),
];

/// A valid example of `vendor`, by file name, parsed.
fn example(vendor: &str, name: &str) -> Value {
    let fixture = hookschema_fixtures::all()
        .into_iter()
        .find(|f| f.vendor == vendor && f.name == name && f.is_valid())
        .unwrap_or_else(|| panic!("{vendor} has a valid example {name}"));
    serde_json::from_slice(&fixture.bytes).expect("an example is JSON")
}

/// `base`, compact, grown by `grow(&mut payload, n)` for n = 0, 1, … as many times as brings it
/// nearest to `target` bytes (not at all when it is that large already). Steps differ in size
/// (ComfyDeploy's alternate an image and a text output), so the count is estimated from the
/// steps taken so far and topped up until no step would bring it nearer, rather than the payload
/// written out after every step, which would take time quadratic in its size.
fn grown(base: &Value, target: usize, grow: impl Fn(&mut Value, usize)) -> Vec<u8> {
    let size = |payload: &Value| {
        serde_json::to_vec(payload)
            .expect("a Value serialises")
            .len()
    };
    let start = size(base);
    let mut payload = base.clone();
    let mut steps = 0;
    loop {
        let reached = size(&payload);
        let step = if steps == 0 {
            let mut one_step = base.clone();
            grow(&mut one_step, 0);
            size(&one_step) - start
        } else {
            (reached - start).div_ceil(steps)
        };
        let more = (target.saturating_sub(reached) + step / 2) / step;
        if more == 0 {
            return serde_json::to_vec(&payload).expect("a Value serialises");
        }
        // Nine tenths of the estimate at a time: later steps can be larger (their ids have more
        // digits), and a payload grown past its size cannot be brought back.
        for _ in 0..(more * 9).div_ceil(10) {
            grow(&mut payload, steps);
            steps += 1;
        }
    }
}

/// ComfyDeploy's success body with its outputs (an image and a text) repeated in turn, each copy
/// with its own id.
fn comfydeploy(target: usize) -> Vec<u8> {
    let base = example("comfydeploy", "success-with-outputs");
    let outputs = base["outputs"].as_array().expect("outputs").clone();
    grown(&base, target, |payload, n| {
        let mut output = outputs[n % outputs.len()].clone();
        output["id"] = format!("b7e21c44-0f3a-4d8e-a1b2-{n:012x}").into();
        push(&mut payload["outputs"], output);
    })
}

/// Kaizen's completed execution with one more login, context authentication and downloaded file
/// per step, each with its own ids.
fn kaizen(target: usize) -> Vec<u8> {
    let base = example("kaizen", "completed");
    let login = base["data"]["logins"][0].clone();
    let context = base["data"]["contextAuthentications"][0].clone();
    let file = example("kaizen", "open-strings")["data"]["downloads"]["files"][0].clone();
    let payload = grown(&base, target, |payload, n| {
        let data = &mut payload["data"];
        let mut new_login = login.clone();
        new_login["id"] = format!("login_{n}").into();
        push(&mut data["logins"], new_login);
        let mut new_context = context.clone();
        new_context["contextAuthenticationId"] = format!("ctxauth_{n}").into();
        new_context["loginSummary"]["loginId"] = format!("login_{n}").into();
        push(&mut data["contextAuthentications"], new_context);
        let mut new_file = file.clone();
        new_file["id"] = format!("file_{n}").into();
        new_file["key"] = format!("org_42/exec_8f3b2c1a/remittance-{n}.pdf").into();
        push(&mut data["downloads"]["files"], new_file);
    });
    // A `Value` writes its keys in alphabetical order; Kaizen sends `type` first, and the models
    // decode that order in one pass (`data` first is read ahead and decoded after).
    let envelope: Value = serde_json::from_slice(&payload).expect("the payload is JSON");
    assert_eq!(
        envelope.as_object().map(|o| o.len()),
        Some(2),
        "type and data"
    );
    format!(
        r#"{{"type":{},"data":{}}}"#,
        envelope["type"], envelope["data"]
    )
    .into_bytes()
}

fn push(array: &mut Value, item: Value) {
    array.as_array_mut().expect("an array").push(item);
}

fn vendor<T: HasSchema + DeserializeOwned>(
    c: &mut Criterion,
    name: &str,
    payload: fn(usize) -> Vec<u8>,
) {
    let schema = Schema::of::<T>();
    for (target, label) in SIZES {
        let bytes = payload(target);
        let bytes = bytes.as_slice();
        if let Err(invalid) = schema.validate_bytes(bytes) {
            panic!("the {label} {name} payload is invalid: {invalid}");
        }
        hookschema_validate::parse::<T>(bytes).expect("a valid payload decodes");
        // The sizes reached, beside criterion's figures, since "about" hides a few per cent.
        eprintln!("{name}/{label}: {} bytes", bytes.len());
        let mut group = c.benchmark_group(format!("{name}/{label}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("serde_json::from_slice Value", |b| {
            b.iter(|| serde_json::from_slice::<Value>(black_box(bytes)).unwrap())
        });
        group.bench_function("serde_json::from_slice typed", |b| {
            b.iter(|| serde_json::from_slice::<T>(black_box(bytes)).unwrap())
        });
        group.bench_function("typed parse", |b| {
            b.iter(|| hookschema_models::from_slice::<T>(black_box(bytes)).unwrap())
        });
        group.bench_function("validate", |b| {
            b.iter(|| schema.validate_bytes(black_box(bytes)).unwrap())
        });
        group.bench_function("validate+parse", |b| {
            b.iter(|| hookschema_validate::parse::<T>(black_box(bytes)).unwrap())
        });
        group.finish();
    }
}

fn webhooks(c: &mut Criterion) {
    vendor::<WorkflowRunWebhookBody>(c, "comfydeploy", comfydeploy);
    vendor::<KaizenWebhookEvent>(c, "kaizen", kaizen);
}

criterion_group!(benches, webhooks);
criterion_main!(benches);
