//! One WebSocket connection: hello, then commands in and frames out.
//!
//! The task is generic over [`Transport`] (messages in, control messages out,
//! text frames written whole), so its logic does not depend on a real socket;
//! `wire.rs` has the real one. One `select!` loop reads the client, writes
//! answers as the hub gives them, forwards the event's broadcast, pings, and
//! watches for shutdown; when any of them ends the connection, all end.
//!
//! A slow reader never slows anyone else: the broadcast ring is shared and
//! never waits for a receiver. A connection that falls behind it gets a fresh
//! `welcome`; one that falls behind too often, or whose writes stall for
//! `write_timeout`, is dropped.
//!
//! The connection's stages are files of their own, in the order a connection
//! lives them: `hello.rs` (the handshake, who the client is, the state it
//! joins with), `live.rs` (the loop, lagging behind the broadcast, the drain
//! on shutdown), `commands.rs` (a command in, its answer out), `rate.rs` (the
//! connection's command budget), `send.rs` (writing frames under the write
//! deadline) and `close.rs` (the closing handshake). They are `impl
//! Connection` blocks of one type: moving a function between them changes
//! neither the task's size nor its loop. They use each other one way: `live`
//! uses `hello`, `commands`, `rate` and `send`; `commands` and `hello` use
//! `rate` and `send`; `rate` uses `send`; only this file starts a stage. The
//! budget of `rate.rs` is made by `hello` with the first frame and handed to
//! `live`: one per connection, for its whole life.

mod close;
mod commands;
mod hello;
mod live;
mod rate;
mod send;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tracing::Instrument;

use super::wire::Transport;
use crate::board::Limits;
use crate::config::ServerConfig;
use crate::hub::EventHandle;

/// The limits and timers of connections, from the server config.
#[derive(Debug, Clone)]
pub struct SocketSettings {
    pub ping_interval: Duration,
    pub idle_timeout: Duration,
    pub handshake_timeout: Duration,
    pub write_timeout: Duration,
    pub max_frame_bytes: usize,
    pub commands_per_sec: u32,
    pub command_burst: u32,
}

impl SocketSettings {
    /// The settings of `[server]`.
    pub fn from_config(server: &ServerConfig) -> SocketSettings {
        SocketSettings {
            ping_interval: server.ping_interval(),
            idle_timeout: server.idle_timeout(),
            handshake_timeout: server.handshake_timeout(),
            write_timeout: server.write_timeout(),
            max_frame_bytes: server.max_frame_bytes,
            commands_per_sec: server.commands_per_sec,
            command_burst: server.command_burst,
        }
    }
}

/// The settings of a server configured with nothing: the defaults of
/// [`ServerConfig`], which are the only ones.
impl Default for SocketSettings {
    fn default() -> Self {
        SocketSettings::from_config(&ServerConfig::default())
    }
}

/// Everything a connection needs besides its socket.
pub struct Connection {
    pub event: EventHandle,
    pub settings: Arc<SocketSettings>,
    pub limits: Limits,
    /// The participant token from the browser's cookie, if any.
    pub cookie_token: Option<String>,
    /// The organiser session from the admin page's login cookie, if any.
    pub organiser_session: Option<String>,
    /// The organiser sessions still admitted, and the failure budget of
    /// organiser secrets (per the address of `admission`).
    pub organisers: Arc<crate::web::organisers::Organisers>,
    /// The connection's place under the per-IP limits, and its IP's command
    /// budget; `None` where nothing limits it (unit tests).
    pub admission: Option<crate::limits::ConnGuard>,
    pub shutdown: watch::Receiver<bool>,
}

/// Why a connection ends.
enum End {
    /// The client went away or the socket failed: nothing more to send.
    Gone,
    /// Close with this code and reason.
    Close(u16, &'static str),
}

impl Connection {
    /// Runs the connection to its end, in a span with the event and (once
    /// known) the participant's public id: never the token or a secret.
    pub fn run<S>(self, socket: S) -> impl Future<Output = ()> + Send
    where
        S: Transport,
    {
        // At debug level: an enabled span costs every connection memory and
        // every poll of it an enter and an exit.
        let span = tracing::debug_span!(
            "connection",
            event = %self.event.config.slug,
            id = tracing::field::Empty,
            role = tracing::field::Empty,
        );
        self.serve(socket).instrument(span)
    }

    // Every idle connection is a task, so the size of its future is memory
    // per connection: the stages are boxed, so the task keeps only what the
    // current one needs, and `serve` and `live` are plain functions
    // returning an `async move` block, which keeps its arguments in place
    // (an `async fn` with `mut` arguments keeps a second copy of each).
    #[expect(
        clippy::manual_async_fn,
        reason = "an async fn would copy its arguments"
    )]
    fn serve<S>(mut self, mut socket: S) -> impl Future<Output = ()> + Send
    where
        S: Transport,
    {
        async move {
            let _counted = self.event.connect();
            let end = {
                let live = match Box::pin(self.handshake(&mut socket)).await {
                    Ok((actor, joined, you, bucket, revoked)) => Ok(Box::pin(self.live(
                        &mut socket,
                        actor,
                        joined,
                        you,
                        bucket,
                        revoked,
                    ))),
                    Err(end) => Err(end),
                };
                match live {
                    Ok(live) => live.await,
                    Err(end) => end,
                }
            };
            if let End::Close(code, reason) = end {
                Box::pin(self.close(&mut socket, code, reason)).await;
            }
        }
    }
}

#[cfg(test)]
#[path = "../socket_tests.rs"]
mod tests;
