//! Writing to the client: whole frames with one flush under the write
//! deadline, and refusals as frames. Every stage writes through here, so a
//! stalled reader is dropped the same way wherever it stalls; it uses no
//! other stage.

use std::future::Future;
use std::task::Poll;

use bytes::Bytes;
use tokio::time::timeout;

use super::{Connection, End};
use crate::web::protocol::{self, Outgoing, Refusal};
use crate::web::wire::{Transport, text_frame};

impl Connection {
    pub(super) fn send<'a, S>(
        &'a self,
        socket: &'a mut S,
        text: impl AsRef<str>,
    ) -> impl Future<Output = Result<(), End>> + Send + 'a
    where
        S: Transport,
    {
        self.send_all(socket, vec![text_frame(text.as_ref())])
    }

    pub(super) async fn refuse<S>(&self, socket: &mut S, refusal: Refusal) -> Result<(), End>
    where
        S: Transport,
    {
        let text = match refusal {
            Refusal::Error { code, message } => Outgoing::Error {
                code,
                message: &message,
            }
            .to_text(),
            Refusal::Reject { req, rejection } => protocol::reject_text(&req, &rejection),
        };
        self.send(socket, text).await
    }

    /// Writes whole frames (see [`text_frame`]) with one flush; a write
    /// that does not finish within `write_timeout` ends the connection.
    pub(super) async fn send_all<S>(&self, socket: &mut S, frames: Vec<Bytes>) -> Result<(), End>
    where
        S: Transport,
    {
        let mut write = std::pin::pin!(socket.write_frames(&frames));
        // Nearly every write finishes at once (the socket has room): only
        // one that has to wait gets a deadline, so a delivery sets no timer.
        let first = std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx))).await;
        let written = match first {
            Poll::Ready(result) => Ok(result),
            Poll::Pending => timeout(self.settings.write_timeout, write).await,
        };
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Gone),
            Err(_) => {
                tracing::debug!("dropping a connection whose write stalled");
                self.event.metrics().write_stall_drops.inc();
                Err(End::Gone)
            }
        }
    }
}
