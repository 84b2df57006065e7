//! The accept loop: every TCP connection is counted, then served by hyper
//! with the HTTP limits that `axum::serve` has no knob for.
//!
//! This is the loop `axum::serve` runs (upgrades, graceful shutdown, the
//! peer's address for the handlers as `ConnectInfo<SocketAddr>`), plus what
//! issue 10 found missing:
//!
//! - each connection takes a place in the count of TCP connections
//!   (`limits::TcpLimits`), held by the stream itself (`counted.rs`) until
//!   it closes, upgraded or not; over its peer's cap it is answered 429,
//!   over the descriptor budget 503, then closed;
//! - hyper's `header_read_timeout`: the headers of a request, and the wait
//!   for the next request of a keep-alive connection, take at most
//!   `header_read_timeout_ms`, then the connection is closed (hyper starts
//!   that timer whenever it waits for a request head, so an idle keep-alive
//!   connection and one that never sends a byte are closed too);
//! - a request's head is at most [`MAX_HEAD`] (more is answered 431) and
//!   the read buffer at most [`MAX_BUF`], where hyper's default buffer let
//!   each half-sent request hold about 400 KiB;
//! - the body of a request must be in within `body_read_timeout_ms`
//!   (`body_deadline.rs`), else 408 and close.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

use super::body_deadline;
use super::counted::Counted;
use crate::limits::{Refused, TcpLimits};

/// The most a request's line and headers may take: a browser's are 1-2 KiB
/// with this board's cookies. More is answered 431 and closed.
pub const MAX_HEAD: usize = 16 * 1024;

/// The most a connection's read buffer holds (and its write buffer: a larger
/// response is written in pieces). hyper's default is about 400 KiB, which
/// each half-sent request could fill; and hyper checks it only between two
/// reads, so [`MAX_HEAD`] is what bounds the head.
pub const MAX_BUF: usize = 16 * 1024;

/// Refused connections answered at once; more are closed without a word, so
/// a flood of refusals holds few descriptors.
const REFUSALS_IN_FLIGHT: usize = 64;

/// How long a refused connection is given to read its answer.
const REFUSAL_GRACE: Duration = Duration::from_secs(1);

/// The HTTP limits of the loop, from `[server]`.
#[derive(Debug, Clone, Copy)]
pub struct HttpSettings {
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
}

/// Serves `app` on `listener` until `stop` turns true, then lets every HTTP
/// connection finish its request and returns when all are closed. Upgraded
/// sockets are no longer HTTP connections: the server's shutdown waits for
/// them on its own.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Arc<TcpLimits>,
    settings: HttpSettings,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    // Each connection's task holds a receiver; `closed()` is when all left.
    let (open_tx, open_rx) = watch::channel(());
    let refusals = Arc::new(Semaphore::new(REFUSALS_IN_FLIGHT));
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            _ = stopped(&mut stop) => break,
        };
        // No Nagle: an event is sent when it happens, not held back until
        // the client acknowledges the last one (a phone may delay its ACKs
        // by tens of milliseconds).
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
        let place = match limits.admit(peer.ip()) {
            Ok(place) => place,
            Err(refused) => {
                if let Ok(permit) = refusals.clone().try_acquire_owned() {
                    tokio::spawn(async move {
                        refuse(tcp, refused).await;
                        drop(permit);
                    });
                }
                continue;
            }
        };
        let (app, stop, open) = (app.clone(), stop.clone(), open_rx.clone());
        tokio::spawn(async move {
            serve_connection(Counted::new(tcp, place), peer, app, settings, stop).await;
            drop(open);
        });
    }
    drop(open_rx);
    drop(listener);
    open_tx.closed().await;
    Ok(())
}

/// One connection, as long as it speaks HTTP.
async fn serve_connection(
    tcp: Counted,
    peer: SocketAddr,
    app: Router,
    settings: HttpSettings,
    mut stop: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let json = crate::web::wants_json(request.headers());
        let (request, late) = body_deadline::limit(request, settings.body_read_timeout);
        let app = app.clone();
        async move {
            let response = match app.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if late.passed() {
                return Ok::<_, Infallible>(body_deadline::too_slow(json));
            }
            Ok(response)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout)
        .max_header_size(MAX_HEAD)
        .max_buf_size(MAX_BUF);
    let conn = builder
        .serve_connection(TokioIo::new(tcp), service)
        .with_upgrades();
    tokio::pin!(conn);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::trace!(error = %e, %peer, "connection ended");
                }
                break;
            }
            _ = stopped(&mut stop), if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Until the server stops (a watch `Ref` is not `Send`: keep it out of the
/// loops' futures).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Answers a refused connection with its status and a line in English and
/// in French (no request is read, so no language is known), then closes it
/// (reading what it sent for a moment, so the close does not reset the
/// answer away).
async fn refuse(mut tcp: TcpStream, refused: Refused) {
    let status = match refused {
        Refused::PerIp { .. } => "429 Too Many Requests",
        Refused::Full { .. } => "503 Service Unavailable",
    };
    let body = format!("{}\n{}\n", refused.message(), refused.message_fr());
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nretry-after: 5\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSAL_GRACE, async {
        tcp.write_all(answer.as_bytes()).await?;
        tcp.shutdown().await?;
        let mut sink = [0u8; 1024];
        while tcp.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

/// As `axum::serve`: a connection that failed before it was accepted is
/// skipped; anything else (out of descriptors) is logged and waited out.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept failed; retrying in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
