//! The WebSocket transport: the upgrade, and the socket a connection drives.
//!
//! tungstenite does the protocol work it is good at: the accept key, reading
//! and unmasking the client's frames, the size caps, answering pings and the
//! closing handshake. Text frames, which are nearly all the bytes a server
//! sends, do not go through its write buffer: each is encoded once (a
//! broadcast frame once for every client, see [`text_frame`]) and written
//! straight to the socket, several at a time with one vectored write. So a
//! connection keeps no write buffer of its own between writes, however big
//! the last `welcome` was (tungstenite's would keep the capacity of the
//! largest frame it ever sent, for the life of the connection).
//!
//! Reading is gated: the read side is polled only after the socket woke it.
//! A connection's loop turns for every broadcast frame, and polling the read
//! side on each turn would cost a read attempt (and tungstenite's zeroing of
//! its free read buffer) per delivery.

use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Version, header};
use axum::response::{IntoResponse, Response};
use bytes::{BufMut, Bytes, BytesMut};
use futures_util::future::Either;
use futures_util::task::AtomicWaker;
use futures_util::{FutureExt, Sink, SinkExt, Stream};
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::FrameHeader;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

pub use tokio_tungstenite::tungstenite::protocol::CloseFrame;
pub use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};

/// The close codes this server sends (RFC 6455, section 7.4.1).
pub mod close_code {
    /// Going away: the server shuts down, or the client was idle too long.
    pub const AWAY: u16 = 1001;
    /// A protocol error.
    pub const PROTOCOL: u16 = 1002;
    /// A data type this server does not accept (binary frames).
    pub const UNSUPPORTED: u16 = 1003;
    /// A policy violation (no hello in time).
    pub const POLICY: u16 = 1008;
    /// A frame too big.
    pub const SIZE: u16 = 1009;
    /// Try again later: the client fell too far behind.
    pub const AGAIN: u16 = 1013;
}

/// One complete, unmasked, final text frame holding `text`: the bytes a
/// server sends for a text message.
pub fn text_frame(text: &str) -> Bytes {
    let header = FrameHeader {
        opcode: OpCode::Data(Data::Text),
        ..FrameHeader::default()
    };
    let len = text.len() as u64;
    let mut out = BytesMut::with_capacity(header.len(len) + text.len()).writer();
    header
        .format(len, &mut out)
        .expect("writing to memory cannot fail");
    let mut out = out.into_inner();
    out.put_slice(text.as_bytes());
    out.freeze()
}

/// The text of a frame made by [`text_frame`].
pub fn frame_text(frame: &[u8]) -> &str {
    let header = match frame.get(1).map(|b| b & 0x7f) {
        Some(126) => 4,
        Some(127) => 10,
        _ => 2,
    };
    std::str::from_utf8(&frame[header..]).expect("text_frame holds a str")
}

/// What a connection needs from its socket: messages in, control messages
/// out through the sink, and text frames out through [`Self::write_frames`].
pub trait Transport:
    Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError> + Unpin + Send
{
    /// Writes these complete frames (from [`text_frame`]) in order, and
    /// flushes.
    fn write_frames(&mut self, frames: &[Bytes]) -> impl Future<Output = io::Result<()>> + Send;
}

// ------------------------------------------------------------------ upgrade --

/// A WebSocket upgrade request, checked: the extractor of the `/ws` route.
pub struct Upgrade {
    key: HeaderValue,
    on_upgrade: hyper::upgrade::OnUpgrade,
}

/// Why a request is not a WebSocket upgrade this server takes.
#[derive(Debug)]
pub enum NotAnUpgrade {
    /// Not an upgrade at all (a browser opening the address): 426.
    Plain,
    /// An upgrade that is not right: 400, with what to fix.
    Malformed(&'static str),
}

impl IntoResponse for NotAnUpgrade {
    fn into_response(self) -> Response {
        match self {
            NotAnUpgrade::Plain => (
                StatusCode::UPGRADE_REQUIRED,
                [(header::UPGRADE, HeaderValue::from_static("websocket"))],
                "this address is the board's WebSocket: connect with a WebSocket client (Upgrade: websocket, Connection: Upgrade)",
            )
                .into_response(),
            NotAnUpgrade::Malformed(what) => (StatusCode::BAD_REQUEST, what).into_response(),
        }
    }
}

fn header_has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = NotAnUpgrade;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        if !header_has_token(headers, header::UPGRADE, "websocket")
            || !header_has_token(headers, header::CONNECTION, "upgrade")
        {
            return Err(NotAnUpgrade::Plain);
        }
        if parts.method != Method::GET || parts.version != Version::HTTP_11 {
            return Err(NotAnUpgrade::Malformed(
                "a WebSocket upgrade is an HTTP/1.1 GET request",
            ));
        }
        if headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .map(|v| v.as_bytes())
            != Some(b"13")
        {
            return Err(NotAnUpgrade::Malformed(
                "this server speaks WebSocket version 13: send Sec-WebSocket-Version: 13",
            ));
        }
        let key = headers
            .get(header::SEC_WEBSOCKET_KEY)
            .filter(|k| k.len() == 24)
            .cloned()
            .ok_or(NotAnUpgrade::Malformed(
                "the upgrade needs a Sec-WebSocket-Key header (16 random bytes in base64)",
            ))?;
        let on_upgrade = parts
            .extensions
            .remove::<hyper::upgrade::OnUpgrade>()
            .ok_or(NotAnUpgrade::Malformed(
                "this connection cannot be upgraded",
            ))?;
        Ok(Upgrade { key, on_upgrade })
    }
}

impl Upgrade {
    /// Answers `101 Switching Protocols` and runs `serve` on the socket once
    /// the upgrade is through. No extension (permessage-deflate) and no
    /// subprotocol is ever agreed.
    pub fn accept<F, Fut>(self, config: WebSocketConfig, serve: F) -> Response
    where
        F: FnOnce(Socket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let accept = derive_accept_key(self.key.as_bytes());
        // Chained, not one `async` block: each stage's state replaces the
        // last one's in the task instead of sitting beside it, and every idle
        // connection is a task.
        let task = self.on_upgrade.then(move |upgraded| match upgraded {
            Ok(upgraded) => Either::Left(
                WebSocketStream::from_raw_socket(
                    TokioIo::new(upgraded),
                    Role::Server,
                    Some(config),
                )
                .then(move |ws| serve(Socket::new(ws))),
            ),
            Err(e) => {
                tracing::debug!(error = %e, "the upgrade did not go through");
                Either::Right(std::future::ready(()))
            }
        });
        tokio::spawn(task);
        Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header(header::CONNECTION, "upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_ACCEPT, accept)
            .body(Body::empty())
            .expect("a valid response")
    }
}

// ------------------------------------------------------------------- socket --

/// Set when the socket woke the read side; the task's waker to pass it on.
struct ReadGate {
    woken: AtomicBool,
    task: AtomicWaker,
}

impl Wake for ReadGate {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake();
    }
}

/// An upgraded connection's socket.
pub struct Socket {
    ws: WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>,
    /// Whether tungstenite was used since its last flush, so it may hold a
    /// control frame it owes (a read can queue a pong).
    dirty: bool,
    gate: Arc<ReadGate>,
    /// Wakes `gate`: the waker the read side is polled with.
    gate_waker: Waker,
}

impl Socket {
    fn new(ws: WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>) -> Self {
        let gate = Arc::new(ReadGate {
            // Read at once: the client's hello may be there already.
            woken: AtomicBool::new(true),
            task: AtomicWaker::new(),
        });
        Socket {
            ws,
            dirty: false,
            gate_waker: Waker::from(gate.clone()),
            gate,
        }
    }
}

impl Stream for Socket {
    type Item = Result<Message, WsError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.gate.task.register(cx.waker());
        if !this.gate.woken.swap(false, Ordering::AcqRel) {
            // Nothing happened on the read side since it last said Pending.
            return Poll::Pending;
        }
        this.dirty = true;
        let mut gated = Context::from_waker(&this.gate_waker);
        let polled = Pin::new(&mut this.ws).poll_next(&mut gated);
        if polled.is_ready() {
            // More may be buffered already: look again next time.
            this.gate.woken.store(true, Ordering::Release);
        }
        polled
    }
}

impl Sink<Message> for Socket {
    type Error = WsError;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), WsError>> {
        Pin::new(&mut self.get_mut().ws).poll_ready(cx)
    }

    fn start_send(self: Pin<&mut Self>, item: Message) -> Result<(), WsError> {
        let this = self.get_mut();
        this.dirty = true;
        Pin::new(&mut this.ws).start_send(item)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), WsError>> {
        Pin::new(&mut self.get_mut().ws).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), WsError>> {
        Pin::new(&mut self.get_mut().ws).poll_close(cx)
    }
}

impl Transport for Socket {
    async fn write_frames(&mut self, frames: &[Bytes]) -> io::Result<()> {
        // tungstenite may still hold part of a control frame it owes (a pong,
        // a close): it goes out first, whole, so frames never interleave.
        if self.dirty {
            self.ws.flush().await.map_err(|e| match e {
                WsError::Io(e) => e,
                other => io::Error::other(other),
            })?;
            self.dirty = false;
        }
        let io = self.ws.get_mut();
        if let [frame] = frames {
            // The common case (one change): no slices to build.
            io.write_all(frame).await?;
            return io.flush().await;
        }
        // A heap vector, not an array: this future is part of every idle
        // connection's state.
        let mut slices: Vec<IoSlice<'_>> = frames.iter().map(|f| IoSlice::new(f)).collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            let n = io.write_vectored(rest).await?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            IoSlice::advance_slices(&mut rest, n);
        }
        io.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn decode(frame: &[u8]) -> (FrameHeader, &[u8]) {
        let mut cursor = Cursor::new(frame);
        let (header, len) = FrameHeader::parse(&mut cursor).unwrap().unwrap();
        let start = cursor.position() as usize;
        assert_eq!(frame.len() - start, len as usize, "the frame is whole");
        (header, &frame[start..])
    }

    #[test]
    fn text_frames_of_every_length_class_decode_to_their_text() {
        // 7-bit, 16-bit and 64-bit payload lengths.
        for len in [0, 1, 125, 126, 127, 65_535, 65_536, 200_000] {
            let text: String = "é".repeat(len / 2) + &"a".repeat(len % 2);
            let frame = text_frame(&text);
            let (header, payload) = decode(&frame);
            assert!(header.is_final);
            assert_eq!(header.opcode, OpCode::Data(Data::Text));
            assert_eq!(header.mask, None, "a server's frames are not masked");
            assert_eq!(payload, text.as_bytes(), "length {len}");
            assert_eq!(frame_text(&frame), text, "length {len}");
        }
    }
}
