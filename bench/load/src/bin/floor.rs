//! The floor `hookschema serve` is measured against: a bare hyper server on the same runtime
//! (tokio, one worker per core) and the same HTTP/1.1 connection setup, that reads each body and
//! answers 200; with `--parse`, it also runs `hookschema_validate::parse_verdict` on the body for
//! the webhook its path names, and answers 200 or 422. No authentication, no store, no logs:
//! what is left is the cost of HTTP and of parsing alone. `load --floor` drives it with the same
//! deliveries as the receiver (`bench/floor.sh` runs the two in turn). It allocates with
//! mimalloc, as the receiver does, so that the allocator is not what the comparison measures.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use clap::Parser;
use hookschema_catalog::{Bodies, Catalog};
use hookschema_models::SchemaFile;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
struct Args {
    /// Parse and validate each body against its webhook's schema, as the receiver does.
    #[arg(long)]
    parse: bool,
}

fn main() {
    let args = Args::parse();
    // Route → the embedded schema its deliveries are parsed with.
    let schemas: HashMap<String, &'static SchemaFile> = Catalog::embedded()
        .webhooks()
        .filter_map(|webhook| match &webhook.bodies {
            Bodies::One(schema) => Some((webhook.route.clone(), schema.embedded()?)),
            Bodies::Dispatch(_) => None,
        })
        .collect();
    let schemas = Arc::new(args.parse.then_some(schemas));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("a bound address");
        // The first line `Serve::launch` reads the address from, as the receiver's.
        eprintln!("hookschema: listening on http://{addr}");
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let schemas = Arc::clone(&schemas);
            tokio::spawn(async move {
                let service = service_fn(move |request| answer(Arc::clone(&schemas), request));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// Reads the body; parses it when asked to.
async fn answer(
    schemas: Arc<Option<HashMap<String, &'static SchemaFile>>>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path().to_owned();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(status(StatusCode::BAD_REQUEST)),
    };
    let verdict = match schemas.as_ref().as_ref().map(|all| all.get(&path)) {
        None => Ok(()),
        Some(None) => return Ok(status(StatusCode::NOT_FOUND)),
        Some(Some(file)) => hookschema_validate::parse_verdict(file, &body),
    };
    Ok(status(match verdict {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }))
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"{}")));
    *response.status_mut() = code;
    response
}
