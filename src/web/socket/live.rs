//! The life of a joined connection: one `select!` loop over the client's
//! frames, the hub's answers, the event's broadcast, pings and shutdown.
//! It is its own file because it is the hot path (docs/benchmarks.md): every
//! delivery to every connection goes through it, so it keeps what it needs
//! in place and boxes the rare stages (a command, a resync, the drain).

use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::broadcast;
use tokio::time::{Instant, timeout};

use super::commands::Pending;
use super::hello::votes_in;
use super::rate::Bucket;
use super::{Connection, End};
use crate::board::Actor;
use crate::hub::{Frame, Joined};
use crate::web::organisers::Revoked;
use crate::web::protocol::You;
use crate::web::wire::{Message, Transport, close_code};

/// A connection that lags behind the broadcast this many times within
/// [`LAG_WINDOW`] is beyond help and is dropped.
const MAX_LAGS: usize = 3;
const LAG_WINDOW: Duration = Duration::from_secs(60);

impl Connection {
    #[expect(clippy::manual_async_fn, reason = "an async fn would copy `you`")]
    pub(super) fn live<'a, S>(
        &'a mut self,
        socket: &'a mut S,
        actor: Actor,
        joined: Joined,
        mut you: You,
        mut bucket: Bucket,
        mut revoked: Option<Revoked>,
    ) -> impl Future<Output = End> + Send + 'a
    where
        S: Transport,
    {
        async move {
            let mut rx = match Box::pin(self.catch_up(socket, joined, &you)).await {
                Ok(rx) => rx,
                Err(end) => return end,
            };
            // The hub sends presence only when the count changes, and may have
            // sent this connection's own change before it was subscribed.
            if let Err(end) = self
                .send(socket, crate::export::presence_json(self.event.connected()))
                .await
            {
                return end;
            }
            // A later `welcome` (after a lag) no longer carries the new token.
            you.token = None;
            let mut pending: VecDeque<Pending> = VecDeque::new();
            let mut last_heard = Instant::now();
            let mut lags: VecDeque<Instant> = VecDeque::new();
            let mut ping = tokio::time::interval_at(
                Instant::now() + self.settings.ping_interval,
                self.settings.ping_interval,
            );
            // One wait for shutdown for the whole loop: a fresh one on every
            // turn would join and leave the shared waiting list each time,
            // that is twice per delivery for every connection of the server.
            let mut shutdown_rx = self.shutdown.clone();
            let shutdown = shutdown_rx.changed();
            tokio::pin!(shutdown);
            loop {
                tokio::select! {
                    msg = socket.next() => {
                        let Some(msg) = msg else { return End::Gone };
                        last_heard = Instant::now();
                        let text = match self.classify(msg) {
                            Ok(Some(text)) => text,
                            Ok(None) => continue,
                            Err(end) => return end,
                        };
                        if let Err(end) = Box::pin(self.on_text(socket, &actor, &text, &mut bucket, &mut pending)).await {
                            return end;
                        }
                    }
                    answer = async { (&mut pending.front_mut().expect("guarded").rx).await }, if !pending.is_empty() => {
                        let p = pending.pop_front().expect("guarded");
                        let text = self.answer_text(&p, answer);
                        if let Err(end) = self.send(socket, text).await {
                            return end;
                        }
                    }
                    frame = rx.recv() => match frame {
                        Ok(frame) => {
                            // Take what else is already there, and write it all
                            // with one flush.
                            let mut frames = vec![frame.wire];
                            while frames.len() < 64 {
                                match rx.try_recv() {
                                    Ok(f) => frames.push(f.wire),
                                    Err(_) => break,
                                }
                            }
                            if let Err(end) = self.send_all(socket, frames).await {
                                return end;
                            }
                        }
                        Err(broadcast::error::RecvError::Lagged(missed)) => {
                            let now = Instant::now();
                            lags.retain(|t| now.duration_since(*t) < LAG_WINDOW);
                            lags.push_back(now);
                            if lags.len() > MAX_LAGS {
                                tracing::info!(
                                    event = %self.event.config.slug,
                                    id = %actor.id.0,
                                    missed,
                                    "dropping a connection that cannot keep up"
                                );
                                self.event.metrics().lag_drops.inc();
                                return End::Close(close_code::AGAIN, "too slow; reconnect");
                            }
                            tracing::debug!(missed, "fell behind the broadcast; sending a fresh welcome");
                            self.event.metrics().lag_resyncs.inc();
                            match Box::pin(self.resync(socket, &actor, &you)).await {
                                Ok(new_rx) => rx = new_rx,
                                Err(end) => return end,
                            }
                        }
                        Err(broadcast::error::RecvError::Closed) => {
                            return End::Close(close_code::AWAY, "server shutting down");
                        }
                    },
                    _ = ping.tick() => {
                        if last_heard.elapsed() >= self.settings.idle_timeout {
                            return End::Close(close_code::AWAY, "idle for too long");
                        }
                        let sent = timeout(self.settings.write_timeout, socket.send(Message::Ping(Default::default()))).await;
                        if !matches!(sent, Ok(Ok(()))) {
                            return End::Gone;
                        }
                    }
                    _ = &mut shutdown => {
                        return Box::pin(self.drain(socket, pending)).await;
                    }
                    // Only for an organiser who joined on a session cookie:
                    // its logout closes the socket (`web::organisers`).
                    _ = async { revoked.as_mut().expect("guarded").await }, if revoked.is_some() => {
                        return End::Close(close_code::POLICY, "organiser session logged out; log in again");
                    }
                }
            }
        }
    }

    /// A fresh welcome for a connection that fell behind the broadcast.
    async fn resync<S: Transport>(
        &self,
        socket: &mut S,
        actor: &Actor,
        you: &You,
    ) -> Result<broadcast::Receiver<Frame>, End> {
        let joined = match self.event.join(None, actor.id.clone()).await {
            Ok(j) => j,
            Err(_) => return Err(End::Close(close_code::AWAY, "server shutting down")),
        };
        let you = You {
            votes: votes_in(&joined, &actor.id),
            ..you.clone()
        };
        self.catch_up(socket, joined, &you).await
    }

    /// On shutdown, finishes what is in flight: the hub answers every command
    /// queued before it stops, so these answers come before the close. One
    /// that does not come in time is left for the client to retry with the
    /// same `req`.
    async fn drain<S: Transport>(&self, socket: &mut S, mut pending: VecDeque<Pending>) -> End {
        while let Some(mut p) = pending.pop_front() {
            let Ok(answer) = timeout(self.settings.write_timeout, &mut p.rx).await else {
                break;
            };
            let text = self.answer_text(&p, answer);
            if let Err(end) = self.send(socket, text).await {
                return end;
            }
        }
        End::Close(close_code::AWAY, "server shutting down")
    }
}
