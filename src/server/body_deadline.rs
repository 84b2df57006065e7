//! A request body gets a deadline: from the moment its headers are in, the
//! whole body must arrive within `body_read_timeout_ms`.
//!
//! Before issue 10 a client could send the headers of a form post and a part
//! of its body, then stall: the connection, its descriptor and its buffers
//! were held for good. tower-http's `RequestBodyTimeoutLayer` times out the
//! wait for each frame, so a body that drips a byte every few seconds would
//! pass; a deadline for the whole body does not let it (a form of this board
//! is at most 16 KiB, which any phone sends in well under a second).
//!
//! When the deadline passes, the body ends in an error (the handler's read
//! fails, nothing is applied) and the serving loop answers **408** with
//! `Connection: close` instead of whatever the handler made of the failed
//! read. A request without a body gets no timer at all.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::i18n::Lang;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Whether the deadline of a request's body passed while it was read.
#[derive(Clone, Default)]
pub(super) struct Late(Arc<AtomicBool>);

impl Late {
    pub(super) fn passed(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// `request` with its body held to `timeout` from now, and the flag that
/// says whether it ran out.
pub(super) fn limit<B>(request: Request<B>, timeout: Duration) -> (Request<Body>, Late)
where
    B: http_body::Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: Into<BoxError>,
{
    let late = Late::default();
    if request.body().is_end_stream() {
        return (request.map(Body::new), late);
    }
    let deadline = Instant::now() + timeout;
    let flag = late.clone();
    let request = request.map(|inner| {
        Body::new(Deadline {
            inner,
            deadline,
            sleep: None,
            late: flag,
        })
    });
    (request, late)
}

/// The body, failing once its deadline has passed.
struct Deadline<B> {
    inner: B,
    deadline: Instant,
    /// Made when the body is first waited for: a handler that never reads
    /// its body costs no timer.
    sleep: Option<Pin<Box<Sleep>>>,
    late: Late,
}

impl<B> http_body::Body for Deadline<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_ready() {
            this.late.0.store(true, Ordering::Release);
            return Poll::Ready(Some(
                Err("the request's body did not arrive in time".into()),
            ));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The answer to a body that did not arrive in time: nothing was applied,
/// and the connection is closed. In both languages (the request's own is
/// not worth reading from a client this slow), or JSON when asked.
pub(super) fn too_slow(json: bool) -> Response<Body> {
    let close = (header::CONNECTION, HeaderValue::from_static("close"));
    if json {
        let body = serde_json::json!({
            "type": "reject",
            "code": "timeout",
            "message": "the request's body did not arrive in time; nothing was applied",
        });
        return (StatusCode::REQUEST_TIMEOUT, [close], axum::Json(body)).into_response();
    }
    let page = crate::views::error_page(
        Lang::En,
        "Too slow · Trop lent · slotboard",
        "Too slow / Trop lent",
        maud::html! {
            p { "The form did not arrive in time: nothing was applied. Check the connection, then send it again." }
            p lang="fr" { "Le formulaire n'est pas arrivé à temps : rien n'a été appliqué. Vérifiez la connexion, puis renvoyez-le." }
        },
    );
    (
        StatusCode::REQUEST_TIMEOUT,
        [
            close,
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        page,
    )
        .into_response()
}
