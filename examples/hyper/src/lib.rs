//! A receiver of Kaizen's webhooks on hyper alone: what `hookschema-receive` asks of a
//! framework is a request's head and body, and what it gives back is an answer to send. Here
//! the "framework" is twenty lines of hyper.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_receive::{Answer, Received, Receiver};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// What the service does with a delivery once it is authenticated, checked and decoded.
pub type Handler = Arc<dyn Fn(&Received<KaizenWebhookEvent>) + Send + Sync>;

/// Serves `receiver`'s webhook on `listener`'s connections until the task is dropped, handing
/// every delivery received to `handle` before answering it.
pub async fn serve(
    listener: TcpListener,
    receiver: Receiver<KaizenWebhookEvent>,
    handle: Handler,
) -> std::io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        let (receiver, handle) = (receiver.clone(), Arc::clone(&handle));
        let service = service_fn(move |request| {
            let (receiver, handle) = (receiver.clone(), Arc::clone(&handle));
            async move { Ok::<_, Infallible>(answer(&receiver, &handle, request, peer).await) }
        });
        tokio::spawn(async move {
            // A connection that breaks off is the sender's to retry; nothing was acknowledged.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The answer to one request: 404 off the webhook's route, else the receiver's.
async fn answer(
    receiver: &Receiver<KaizenWebhookEvent>,
    handle: &Handler,
    request: Request<Incoming>,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    if request.uri().path() != receiver.webhook().route {
        let mut response = Response::new(Full::default());
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    }
    let (head, body) = request.into_parts();
    let answer: Answer = match receiver.receive(&head, body, Some(peer.ip())).await {
        Ok(delivery) => {
            handle(&delivery);
            delivery.success()
        }
        Err(refusal) => refusal.answer(),
    };
    answer.response()
}
