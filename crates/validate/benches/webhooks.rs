//! Per vendor, on its largest valid example (the fullest realistic payload): strict validation
//! from bytes, forgiving typed decoding, both in one call, and the floor they compete with,
//! plain `serde_json::from_slice` into the same type. Throughput is in bytes, so criterion
//! reports both time per payload and MB/s. Run with `cargo bench -p hookschema-validate`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hookschema_fixtures::Fixture;
use hookschema_models::HasSchema;
use hookschema_models::comfydeploy::WorkflowRunWebhookBody;
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_validate::Schema;
use serde::de::DeserializeOwned;

/// The largest valid example of a vendor.
fn payload(vendor: &str) -> Fixture {
    hookschema_fixtures::all()
        .into_iter()
        .filter(|f| f.vendor == vendor && f.is_valid())
        .max_by_key(|f| f.bytes.len())
        .expect("the vendor has valid examples")
}

fn vendor<T: HasSchema + DeserializeOwned>(c: &mut Criterion, name: &str) {
    let fixture = payload(name);
    let bytes = fixture.bytes.as_slice();
    let schema = Schema::of::<T>();
    let mut group = c.benchmark_group(format!("{name}/{}", fixture.name));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("serde_json::from_slice", |b| {
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

fn webhooks(c: &mut Criterion) {
    vendor::<WorkflowRunWebhookBody>(c, "comfydeploy");
    vendor::<KaizenWebhookEvent>(c, "kaizen");
}

criterion_group!(benches, webhooks);
criterion_main!(benches);
