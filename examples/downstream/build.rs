//! The service's own types, generated from its own schema with typify, as any crate would:
//! `OrderPaid` and what it holds, into `$OUT_DIR/order_paid.rs`.

use std::path::Path;

fn main() {
    let schema = Path::new("schemas/acme/order-paid.schema.json");
    println!("cargo::rerun-if-changed={}", schema.display());
    let text = std::fs::read_to_string(schema).expect("the schema is readable");
    let root: schemars08::schema::RootSchema =
        serde_json::from_str(&text).expect("the schema is a JSON Schema");
    let mut space = typify::TypeSpace::new(&typify::TypeSpaceSettings::default());
    space
        .add_root_schema(root)
        .expect("typify reads the schema");
    let file: syn::File = syn::parse2(space.to_stream()).expect("typify writes Rust");
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("order_paid.rs");
    std::fs::write(out, prettyplease::unparse(&file)).expect("OUT_DIR is writable");
}
