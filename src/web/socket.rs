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

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{broadcast, oneshot, watch};
use tokio::time::{Instant, timeout};
use tracing::Instrument;

use super::protocol::{self, ErrorCode, Hello, Incoming, Outgoing, Refusal, You};
use super::wire::{CloseFrame, Message, Transport, Utf8Bytes, WsError, close_code, text_frame};
use crate::auth;
use crate::board::{Actor, Limits, ParticipantId, RejectCode, Rejection, Role};
use crate::config::ServerConfig;
use crate::hub::{Answer, EventHandle, Frame, Joined};
use crate::limits::TokenBucket;

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
    /// The connection's place under the per-IP limits, and its IP's command
    /// budget; `None` where nothing limits it (unit tests).
    pub admission: Option<crate::limits::ConnGuard>,
    pub shutdown: watch::Receiver<bool>,
}

/// A connection that lags behind the broadcast this many times within
/// [`LAG_WINDOW`] is beyond help and is dropped.
const MAX_LAGS: usize = 3;
const LAG_WINDOW: Duration = Duration::from_secs(60);

/// How long a connection that sent its close frame waits for the client's.
const CLOSE_LINGER: Duration = Duration::from_secs(1);

/// How long a wrong organiser secret waits before its answer: enough to make
/// guessing slow, not enough to annoy a person who mistyped.
const WRONG_SECRET_DELAY: Duration = Duration::from_millis(500);

/// A command sent to the hub whose answer has not been written yet.
struct Pending {
    req: String,
    op: &'static str,
    /// The command's span: its answer is logged in it.
    span: tracing::Span,
    rx: oneshot::Receiver<Answer>,
}

/// Why a connection ends.
enum End {
    /// The client went away or the socket failed: nothing more to send.
    Gone,
    /// Close with this code and reason.
    Close(u16, &'static str),
}

/// The command budget of one connection: the rate arithmetic is
/// [`TokenBucket`]'s, fed tokio's clock (so paused-time tests drive it).
struct Bucket {
    tokens: TokenBucket,
    rate: u32,
    burst: u32,
    /// Whether a refusal was logged already: abuse is logged once per
    /// connection, not once per message.
    logged: bool,
}

impl Bucket {
    fn new(rate: u32, burst: u32) -> Self {
        Bucket {
            tokens: TokenBucket::new(rate, burst, Instant::now().into_std()),
            rate,
            burst,
            logged: false,
        }
    }

    /// Takes a token; the first refusal is logged, naming the event and the
    /// participant's public id (the connection's span is at debug level).
    fn take(&mut self, event: &str, actor: &Actor) -> bool {
        if self.tokens.take(Instant::now().into_std()) {
            return true;
        }
        if !self.logged {
            self.logged = true;
            tracing::info!(
                event,
                id = %actor.id.0,
                rate = self.rate,
                burst = self.burst,
                "rate limiting this connection (logged once per connection)"
            );
        }
        false
    }
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
                    Ok((actor, joined, you)) => {
                        Ok(Box::pin(self.live(&mut socket, actor, joined, you)))
                    }
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

    /// Sends a close frame and lingers for the client's.
    async fn close<S: Transport>(&self, socket: &mut S, code: u16, reason: &'static str) {
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

    fn send<'a, S>(
        &'a self,
        socket: &'a mut S,
        text: impl AsRef<str>,
    ) -> impl Future<Output = Result<(), End>> + Send + 'a
    where
        S: Transport,
    {
        self.send_all(socket, vec![text_frame(text.as_ref())])
    }

    async fn refuse<S>(&self, socket: &mut S, refusal: Refusal) -> Result<(), End>
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

    /// Reads frames until a valid `hello`, answers it with `welcome` or
    /// `resumed`, and returns who the client is.
    async fn handshake<S>(&mut self, socket: &mut S) -> Result<(Actor, Joined, You), End>
    where
        S: Transport,
    {
        let deadline = Instant::now() + self.settings.handshake_timeout;
        loop {
            let msg = tokio::select! {
                m = timeout_at(deadline, socket.next()) => m,
                _ = self.shutdown.changed() => return Err(End::Close(close_code::AWAY, "server shutting down")),
            };
            let text = match msg {
                None => return Err(End::Close(close_code::POLICY, "no hello in time")),
                Some(None) => return Err(End::Gone),
                Some(Some(m)) => match self.classify(m)? {
                    Some(text) => text,
                    None => continue,
                },
            };
            match protocol::parse(&text, &self.limits) {
                Ok(Incoming::Hello(hello)) => match self.greet(hello).await {
                    Ok(found) => return Ok(found),
                    Err(Some(refusal)) => self.refuse(socket, refusal).await?,
                    Err(None) => {
                        let text = Outgoing::Error {
                            code: ErrorCode::BadProtocol,
                            message: "this server speaks protocol 1",
                        }
                        .to_text();
                        self.send(socket, text).await?;
                        return Err(End::Close(close_code::PROTOCOL, "protocol version"));
                    }
                },
                Ok(Incoming::Command { .. }) | Err(Refusal::Reject { .. }) => {
                    let refusal = Refusal::Error {
                        code: ErrorCode::NoHello,
                        message: "send {\"op\":\"hello\",\"protocol\":1} first".into(),
                    };
                    self.refuse(socket, refusal).await?;
                }
                Err(refusal) => self.refuse(socket, refusal).await?,
            }
        }
    }

    /// Turns a received message into text to parse, `None` for control
    /// frames, or the end of the connection.
    fn classify(&self, msg: Result<Message, WsError>) -> Result<Option<Utf8Bytes>, End> {
        match msg {
            Ok(Message::Text(text)) if text.len() > self.settings.max_frame_bytes => {
                Err(End::Close(close_code::SIZE, "frame too large"))
            }
            Ok(Message::Text(text)) => Ok(Some(text)),
            Ok(Message::Binary(_)) => Err(End::Close(close_code::UNSUPPORTED, "text frames only")),
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => Ok(None),
            Ok(Message::Close(_)) => Err(End::Gone),
            Err(WsError::Capacity(_)) => Err(End::Close(close_code::SIZE, "frame too large")),
            Err(_) => Err(End::Gone),
        }
    }

    /// Checks a `hello` and joins the event. `Err(None)` means a protocol
    /// version this server does not speak.
    async fn greet(&mut self, hello: Hello) -> Result<(Actor, Joined, You), Option<Refusal>> {
        if hello.protocol.is_some_and(|p| p != protocol::PROTOCOL) {
            return Err(None);
        }
        let wanted = match hello.role.as_deref() {
            None | Some("participant") => Role::Participant,
            Some("organiser") => Role::Organiser,
            Some("viewer") => Role::Viewer,
            Some(other) => {
                return Err(Some(Refusal::Error {
                    code: ErrorCode::BadJson,
                    message: format!(
                        "unknown role {other:?}: use \"participant\", \"organiser\" or \"viewer\""
                    ),
                }));
            }
        };
        let config = &self.event.config;
        let logged_in = wanted == Role::Organiser
            && self.organiser_session.as_deref().is_some_and(|s| {
                config
                    .organiser()
                    .verify_session(&config.slug, s, self.event.now().as_second())
            });
        let organiser = match &hello.organiser {
            _ if logged_in => true,
            Some(secret) if config.organiser().verify(secret) => true,
            Some(_) => {
                tokio::time::sleep(WRONG_SECRET_DELAY).await;
                return Err(Some(forbidden("the organiser secret is not right")));
            }
            None if wanted == Role::Organiser => {
                return Err(Some(forbidden(
                    "an organiser proves the organiser secret in \"organiser\", or logs in on the admin page first",
                )));
            }
            None => false,
        };
        let role = match wanted {
            Role::Viewer => Role::Viewer,
            _ if organiser => Role::Organiser,
            _ => Role::Participant,
        };
        let (token, issued) = match (&hello.token, &self.cookie_token) {
            (Some(t), _) if auth::valid_token(t) => (t.clone(), false),
            (Some(_), _) => {
                return Err(Some(Refusal::Error {
                    code: ErrorCode::BadJson,
                    message: "\"token\" must be a token this server issued (22 to 128 letters, digits, - or _); send null to get one".into(),
                }));
            }
            (None, Some(t)) if auth::valid_token(t) => (t.clone(), false),
            (None, _) => (auth::new_token(), true),
        };
        let actor = Actor {
            id: ParticipantId(auth::public_id(&token)),
            role,
        };
        let joined = self
            .event
            .join(hello.since, actor.id.clone())
            .await
            .map_err(|_| {
                Some(Refusal::Error {
                    code: ErrorCode::Forbidden,
                    message: "this event's board is shutting down".into(),
                })
            })?;
        let votes = votes_in(&joined, &actor.id);
        let span = tracing::Span::current();
        span.record("id", actor.id.0.as_str());
        span.record("role", tracing::field::debug(role));
        tracing::debug!(resumed = matches!(joined, Joined::Resumed { .. }), "joined");
        let you = You {
            id: actor.id.0.clone(),
            role,
            token: issued.then_some(token),
            votes,
        };
        Ok((actor, joined, you))
    }

    /// Sends the state the client joined with and returns its receiver.
    async fn catch_up<S>(
        &self,
        socket: &mut S,
        joined: Joined,
        you: &You,
    ) -> Result<broadcast::Receiver<Frame>, End>
    where
        S: Transport,
    {
        match joined {
            Joined::Welcome { snapshot, rx } => {
                self.send(socket, protocol::welcome_text(&snapshot.json, you))
                    .await?;
                Ok(rx)
            }
            Joined::Resumed {
                since,
                rev,
                missed,
                rx,
                ..
            } => {
                let text = Outgoing::Resumed { since, rev, you }.to_text();
                self.send(socket, text).await?;
                // Encoded once, when the hub made them.
                let missed: Vec<Bytes> = missed.into_iter().map(|f| f.wire).collect();
                self.send_all(socket, missed).await?;
                Ok(rx)
            }
        }
    }

    /// Writes whole frames (see [`text_frame`]) with one flush; a write
    /// that does not finish within `write_timeout` ends the connection.
    async fn send_all<S>(&self, socket: &mut S, frames: Vec<Bytes>) -> Result<(), End>
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

    #[expect(clippy::manual_async_fn, reason = "an async fn would copy `you`")]
    fn live<'a, S>(
        &'a mut self,
        socket: &'a mut S,
        actor: Actor,
        joined: Joined,
        mut you: You,
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
            let mut bucket =
                Bucket::new(self.settings.commands_per_sec, self.settings.command_burst);
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

    /// The frame for the hub's answer to `p`; counts and logs it.
    fn answer_text(
        &self,
        p: &Pending,
        answer: Result<Answer, oneshot::error::RecvError>,
    ) -> String {
        let _in = p.span.enter();
        match answer {
            Ok(Answer::Ack { rev }) => {
                tracing::debug!(outcome = "ack", rev, "answered");
                Outgoing::Ack { req: &p.req, rev }.to_text()
            }
            Ok(Answer::Reject(r)) => {
                tracing::debug!(outcome = "reject", code = r.code.as_str(), "answered");
                protocol::reject_text(&p.req, &r)
            }
            Err(_) => {
                // The hub stopped without answering (it counted nothing).
                let r = Rejection::new(
                    RejectCode::Unavailable,
                    "the server is shutting down; retry in a moment",
                );
                self.event.metrics().answered(p.op, Err(r.code));
                tracing::debug!(outcome = "reject", code = r.code.as_str(), "answered");
                protocol::reject_text(&p.req, &r)
            }
        }
    }

    async fn on_text<S>(
        &self,
        socket: &mut S,
        actor: &Actor,
        text: &str,
        bucket: &mut Bucket,
        pending: &mut VecDeque<Pending>,
    ) -> Result<(), End>
    where
        S: Transport,
    {
        match protocol::parse(text, &self.limits) {
            Ok(Incoming::Command { req, command }) => {
                let op = command.op();
                let span = tracing::debug_span!("command", op);
                let over = if !bucket.take(&self.event.config.slug, actor) {
                    Some(format!(
                        "more than {} commands a second; slow down",
                        self.settings.commands_per_sec
                    ))
                } else if let Some(admission) = &self.admission
                    && !admission.take_command()
                {
                    Some(format!(
                        "more than {} commands a second from your network; retry in a moment",
                        admission.ip_commands_per_sec()
                    ))
                } else {
                    None
                };
                if let Some(message) = over {
                    self.event
                        .metrics()
                        .answered(op, Err(RejectCode::RateLimited));
                    span.in_scope(|| {
                        tracing::debug!(outcome = "reject", code = "rate_limited", "answered")
                    });
                    let r = Rejection::new(RejectCode::RateLimited, message);
                    return self.send(socket, protocol::reject_text(&req, &r)).await;
                }
                let rx = self
                    .event
                    .submit(actor.clone(), Some(req.clone()), command)
                    .instrument(span.clone())
                    .await;
                pending.push_back(Pending { req, op, span, rx });
                Ok(())
            }
            Ok(Incoming::Hello(_)) => {
                let r = Refusal::Error {
                    code: ErrorCode::BadJson,
                    message: "hello was already received on this connection".into(),
                };
                self.refuse(socket, r).await
            }
            Err(refusal) => {
                // Junk costs a token too, so a flood of it is answered at
                // most at the command rate.
                if bucket.take(&self.event.config.slug, actor) {
                    if let Refusal::Reject { rejection, .. } = &refusal {
                        self.event.metrics().rejected(rejection.code);
                    }
                    self.refuse(socket, refusal).await
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// The sessions `who` wants to attend, as of the state they joined at.
fn votes_in(joined: &Joined, who: &ParticipantId) -> Vec<crate::board::SessionId> {
    match joined {
        Joined::Welcome { snapshot, .. } => snapshot.board.votes_of(who).cloned().collect(),
        Joined::Resumed { votes, .. } => votes.clone(),
    }
}

fn forbidden(message: &str) -> Refusal {
    Refusal::Error {
        code: ErrorCode::Forbidden,
        message: message.into(),
    }
}

async fn timeout_at<F: std::future::Future>(deadline: Instant, f: F) -> Option<F::Output> {
    tokio::time::timeout_at(deadline, f).await.ok()
}

#[cfg(test)]
#[path = "socket_tests.rs"]
mod tests;
