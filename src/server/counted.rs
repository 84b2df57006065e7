//! A TCP stream that holds its place in the connection count
//! (`limits::TcpPlace`) for as long as it is open.
//!
//! The place rides on the stream rather than on the task that serves HTTP:
//! when a request is upgraded, hyper hands the stream itself to the
//! WebSocket, and the place goes with it, so one socket is counted once from
//! its accept to its close, whoever holds it. Every read and write goes
//! straight to the stream (vectored writes included: the socket's writer
//! sends several frames in one).

use std::io::IoSlice;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::limits::TcpPlace;

/// A stream and its place; dropping it closes the one and frees the other.
pub(super) struct Counted {
    tcp: TcpStream,
    _place: TcpPlace,
}

impl Counted {
    pub(super) fn new(tcp: TcpStream, place: TcpPlace) -> Counted {
        Counted { tcp, _place: place }
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}
