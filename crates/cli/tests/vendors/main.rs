//! Vendors that come in as data, with no Rust, given to the `hookschema` binary as it was built
//! with `--schemas`: a made-up one written to the authoring rules ([`acme`]), and GitHub's and
//! Stripe's schemas as they publish them, imported ([`imported`]).

mod acme;
mod imported;

use std::path::Path;
use std::process::{Command, Output};

use hookschema_catalog::Catalog;
use hookschema_testkit::Serve;
use hookschema_testkit::sender::{Request, give_credentials};
use hookschema_testkit::unix_now;
use serde_json::Value;

/// `hookschema --schemas <schemas> <args>`, with `stdin`, and the harness secret in every
/// vendor's secret variable.
fn hookschema(schemas: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command.arg("--schemas").arg(schemas).args(args);
    // Every vendor of the folder gets the harness's credentials, whichever vendors it holds.
    if let Ok(catalog) = Catalog::load(schemas) {
        give_credentials(&mut command, &catalog);
    }
    hookschema_testkit::run_with_input(&mut command, stdin)
}

/// Sends `request` over HTTP, with `extra` headers; the answer's status and body.
fn send_with(server: &Serve, request: &Request, extra: &[(&str, &str)]) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut builder = ureq::http::Request::builder()
        .method(request.method.as_str())
        .uri(format!("{}{}", server.base(), request.target))
        .header("Content-Type", "application/json");
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    let mut response = agent
        .run(builder.body(request.body.to_vec()).unwrap())
        .unwrap();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn send(server: &Serve, request: &Request) -> (u16, Value) {
    send_with(server, request, &[])
}
