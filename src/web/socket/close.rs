//! The end of a connection that the server closes: its close frame, then the
//! closing handshake. It is its own file because it runs once, after the
//! live loop has let go of everything else, and its linger is a rule of
//! TCP rather than of the protocol.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::time::timeout;

use super::Connection;
use crate::web::wire::{CloseFrame, Message, Transport, Utf8Bytes};

/// How long a connection that sent its close frame waits for the client's.
const CLOSE_LINGER: Duration = Duration::from_secs(1);

impl Connection {
    /// Sends a close frame and lingers for the client's.
    pub(super) async fn close<S: Transport>(
        &self,
        socket: &mut S,
        code: u16,
        reason: &'static str,
    ) {
        tracing::debug!(code, reason, "closing the connection");
        let frame = CloseFrame {
            code: code.into(),
            reason: Utf8Bytes::from_static(reason),
        };
        let sent = timeout(
            self.settings.write_timeout,
            socket.send(Message::Close(Some(frame))),
        )
        .await;
        if matches!(sent, Ok(Ok(()))) {
            // The closing handshake: read and drop what the client still
            // sends until its own close. Hanging up on unread bytes would
            // reset the connection, and a reset can cost the client the last
            // answers and the close frame itself.
            let linger = async {
                while let Some(Ok(m)) = socket.next().await {
                    if matches!(m, Message::Close(_)) {
                        break;
                    }
                }
            };
            let _ = timeout(CLOSE_LINGER.min(self.settings.write_timeout), linger).await;
        }
    }
}
