//! One actor task per event: the single writer of its board.
//!
//! Every command of an event goes through one `mpsc` queue to one task, which
//! owns the [`Board`] and the [`EventStore`]. That gives a total order of
//! changes and gap-free revisions with no lock at all around the board.
//!
//! The loop takes whatever has queued up (a batch), decides each command
//! against the board, writes the batch's changes to the journal with a single
//! fsync (group commit: a burst of claims shares one fsync), and only then
//! answers the commands and broadcasts the changes. If the write fails the
//! board is put back as it was before the batch and every command of the batch
//! is answered `unavailable`: nothing is told that is not on disk.
//!
//! Joins (a new connection's `welcome` or `resumed`) are served after the
//! batch's broadcast, so the state a client receives and the first event it
//! receives next follow each other without a gap or an overlap.

mod acks;
pub mod archiving;
mod undo;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::board::{Actor, Board, Command, ParticipantId, RejectCode, Rejection, SessionId};
use crate::config::EventConfig;
use crate::export::{EventHead, state_json};
use crate::metrics::EventMetrics;
use crate::record::Record;
use crate::store::EventStore;

use acks::AckCache;
pub use undo::{UndoHint, Undone};

/// The answer to one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Accepted and on disk at this revision.
    Ack {
        rev: u64,
    },
    Reject(Rejection),
}

/// How the transport wraps a frame's text for the wire: the web layer hands
/// the hub its WebSocket text framing ([`HubOptions::framing`]), so that a
/// change is framed once for every client while the hub knows nothing of
/// WebSockets. The text must end the bytes, unchanged.
pub type Framing = fn(&str) -> Bytes;

/// The framing of tests and tools that read the text alone.
pub fn plain(text: &str) -> Bytes {
    Bytes::copy_from_slice(text.as_bytes())
}

/// A frame for every client of an event, encoded once.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The revision of an `event` frame; `None` for `presence`.
    pub rev: Option<u64>,
    /// The frame's text as the transport sends it (a whole WebSocket frame),
    /// encoded once for every client.
    pub wire: Bytes,
    /// Where the text starts in `wire`.
    text_at: u8,
}

impl Frame {
    fn new(rev: Option<u64>, text: &str, framing: Framing) -> Frame {
        let wire = framing(text);
        let text_at = wire.len() - text.len();
        debug_assert!(
            wire.ends_with(text.as_bytes()),
            "the framing keeps the text"
        );
        Frame {
            rev,
            wire,
            text_at: u8::try_from(text_at).expect("a frame header is short"),
        }
    }

    /// The frame's text.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.wire[usize::from(self.text_at)..])
            .expect("a frame holds the text it was made of")
    }
}

/// The board as of one revision, with its JSON, shared by every reader of
/// that revision.
pub struct Snapshot {
    pub board: Board,
    /// `{"rev":..,"event":{..},"rooms":[..],"slots":[..],"sessions":[..],
    /// "locks":[..],"announcement":..}`: `board.json`, and the `welcome`
    /// frame without its `type`, `protocol` and `you`.
    pub json: String,
}

/// What a new or lagging connection gets to catch up.
pub enum Joined {
    /// The full state; events after `snapshot.board.rev()` follow on `rx`.
    Welcome {
        snapshot: Arc<Snapshot>,
        rx: broadcast::Receiver<Frame>,
    },
    /// The events after `since`, in order; later ones follow on `rx`.
    Resumed {
        since: u64,
        rev: u64,
        missed: Vec<Frame>,
        rx: broadcast::Receiver<Frame>,
        /// The sessions the joining participant wants to attend, as of `rev`.
        votes: Vec<SessionId>,
    },
}

/// The event's actor has stopped (the server is shutting down).
#[derive(Debug, thiserror::Error)]
#[error("this event's board is shutting down")]
pub struct HubGone;

enum Msg {
    Command {
        actor: Actor,
        req: Option<String>,
        command: Command,
        reply: oneshot::Sender<Answer>,
    },
    Join {
        since: Option<u64>,
        who: ParticipantId,
        reply: oneshot::Sender<Joined>,
    },
    Snapshot {
        reply: oneshot::Sender<Arc<Snapshot>>,
    },
    Recent {
        limit: usize,
        reply: oneshot::Sender<(Arc<Snapshot>, Vec<Frame>)>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// Tuning of a hub, from the server config.
#[derive(Debug, Clone)]
pub struct HubOptions {
    pub resume_window: usize,
    pub snapshot_every: u64,
    pub broadcast_buffer: usize,
    /// Commands waiting for the writer; not a config key (see [`QUEUE`]).
    pub queue: usize,
    /// Where the hub counts what it does, for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The time of day: the `at` of each record, and when the event ends.
    pub clock: Arc<dyn crate::clock::Clock>,
    /// How frames are wrapped for the wire (the web layer's).
    pub framing: Framing,
}

/// Commands that may wait for an event's writer before `submit` waits too.
pub const QUEUE: usize = 4_096;

impl HubOptions {
    /// The options of `[server]`, counting into `metrics`, on the system's
    /// clock and with [`plain`] framing (the server hands in its own).
    pub fn from_config(
        server: &crate::config::ServerConfig,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> HubOptions {
        HubOptions {
            resume_window: server.resume_window,
            snapshot_every: server.snapshot_every,
            broadcast_buffer: server.broadcast_buffer,
            queue: QUEUE,
            metrics,
            clock: crate::clock::system(),
            framing: plain,
        }
    }
}

/// The options of a server configured with nothing (the defaults of
/// [`crate::config::ServerConfig`], which are the only ones) and metrics of
/// its own.
impl Default for HubOptions {
    fn default() -> Self {
        HubOptions::from_config(&crate::config::ServerConfig::default(), Arc::default())
    }
}

/// The address of an event's actor; cheap to clone.
#[derive(Clone)]
pub struct EventHandle {
    tx: mpsc::Sender<Msg>,
    /// True once the board holds `ended` (see [`crate::lifecycle`]).
    ended: watch::Receiver<bool>,
    pub config: Arc<EventConfig>,
    connected: Arc<AtomicUsize>,
    healthy: Arc<AtomicBool>,
    counters: Arc<Counters>,
    metrics: EventMetrics,
    clock: Arc<dyn crate::clock::Clock>,
    /// What undo remembers (see [`undo`]).
    undo: undo::Shared,
}

/// What a hub has done since it started.
#[derive(Default)]
struct Counters {
    changes: AtomicU64,
    appends: AtomicU64,
}

/// A reading of a hub's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubStats {
    /// Changes accepted and journaled.
    pub changes: u64,
    /// Journal writes (each one fsync): fewer than `changes` when bursts
    /// share a group commit.
    pub appends: u64,
}

impl EventHandle {
    /// Starts the actor of one event over its opened store.
    pub fn spawn(
        config: Arc<EventConfig>,
        store: EventStore,
        loaded: crate::store::Loaded,
        options: HubOptions,
    ) -> EventHandle {
        let (tx, rx) = mpsc::channel(options.queue);
        let (ended_tx, ended_rx) = watch::channel(loaded.board.is_ended());
        let (btx, _) = broadcast::channel(options.broadcast_buffer);
        let connected = Arc::new(AtomicUsize::new(0));
        let healthy = Arc::new(AtomicBool::new(true));
        let counters = Arc::new(Counters::default());
        let metrics = options.metrics.event(&config.slug);
        let clock = options.clock.clone();
        let undo = undo::shared(loaded.base);
        metrics.journal_len(store.journal_len());
        let mut recent = VecDeque::with_capacity(options.resume_window.min(loaded.recent.len()));
        for (rev, line) in loaded.recent {
            recent.push_back(Frame::new(Some(rev), &line, options.framing));
            if recent.len() > options.resume_window {
                recent.pop_front();
            }
        }
        let mut acks = AckCache::new(acks::CAPACITY);
        for a in loaded.acked {
            acks.insert(a.by, a.req, Answer::Ack { rev: a.rev });
        }
        let hub = Hub {
            ends_at: crate::lifecycle::ends_at(&config),
            ended: ended_tx,
            head: EventHead::of(&config),
            board: loaded.board,
            store: Some(store),
            broadcast: btx,
            recent,
            acks,
            options,
            snapshot: None,
            since_snapshot: 0,
            connected: connected.clone(),
            presence_sent: 0,
            healthy: healthy.clone(),
            failed_bytes: 0,
            counters: counters.clone(),
            metrics: metrics.clone(),
        };
        tokio::spawn(hub.run(rx));
        EventHandle {
            tx,
            ended: ended_rx,
            config,
            connected,
            healthy,
            counters,
            metrics,
            clock,
            undo,
        }
    }

    /// The time of day, on the clock the server was given.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Sends a command and waits for its answer (after the change is on disk).
    pub async fn command(&self, actor: Actor, req: Option<String>, command: Command) -> Answer {
        let (reply, rx) = oneshot::channel();
        let msg = Msg::Command {
            actor,
            req,
            command,
            reply,
        };
        if self.tx.send(msg).await.is_err() {
            return Answer::Reject(gone());
        }
        rx.await.unwrap_or_else(|_| Answer::Reject(gone()))
    }

    /// Like [`EventHandle::command`], but returns at once with a receiver, so
    /// a connection can go on reading while the command is journaled.
    pub async fn submit(
        &self,
        actor: Actor,
        req: Option<String>,
        command: Command,
    ) -> oneshot::Receiver<Answer> {
        let (reply, rx) = oneshot::channel();
        let msg = Msg::Command {
            actor,
            req,
            command,
            reply,
        };
        if let Err(mpsc::error::SendError(Msg::Command { reply, .. })) = self.tx.send(msg).await {
            let _ = reply.send(Answer::Reject(gone()));
        }
        rx
    }

    /// Subscribes `who` to the event: the state (or the missed events after
    /// `since`) and a receiver for what follows.
    pub async fn join(&self, since: Option<u64>, who: ParticipantId) -> Result<Joined, HubGone> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Join { since, who, reply })
            .await
            .map_err(|_| HubGone)?;
        rx.await.map_err(|_| HubGone)
    }

    /// The current board (as of the last durable change).
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, HubGone> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Snapshot { reply })
            .await
            .map_err(|_| HubGone)?;
        rx.await.map_err(|_| HubGone)
    }

    /// The current board with the last `limit` event frames kept in memory
    /// (oldest first, the last one is the board's rev): the organisers'
    /// audit log and undo read them.
    pub async fn recent(&self, limit: usize) -> Result<(Arc<Snapshot>, Vec<Frame>), HubGone> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Recent { limit, reply })
            .await
            .map_err(|_| HubGone)?;
        rx.await.map_err(|_| HubGone)
    }

    /// Writes a final snapshot and stops the actor.
    pub async fn shutdown(&self) {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Msg::Shutdown { reply }).await.is_ok() {
            let _ = rx.await;
        }
    }

    /// Counts a connection for `presence` until the guard is dropped.
    pub fn connect(&self) -> ConnectionGuard {
        self.connected.fetch_add(1, Ordering::Relaxed);
        ConnectionGuard(self.connected.clone())
    }

    pub fn connected(&self) -> usize {
        self.connected.load(Ordering::Relaxed)
    }

    pub fn stats(&self) -> HubStats {
        HubStats {
            changes: self.counters.changes.load(Ordering::Relaxed),
            appends: self.counters.appends.load(Ordering::Relaxed),
        }
    }

    /// Whether the event was closed for good (its board holds `ended`).
    pub fn is_ended(&self) -> bool {
        *self.ended.borrow()
    }

    /// Turns true when the event ends, by an organiser or by the clock.
    pub fn ended_watch(&self) -> watch::Receiver<bool> {
        self.ended.clone()
    }

    /// False while the last journal write failed.
    pub fn healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }

    /// This event's series in `/metrics`.
    pub fn metrics(&self) -> &EventMetrics {
        &self.metrics
    }
}

/// Keeps a connection counted in its event's presence.
pub struct ConnectionGuard(Arc<AtomicUsize>);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn gone() -> Rejection {
    Rejection::new(
        RejectCode::Unavailable,
        "the server is shutting down; retry in a moment",
    )
}

struct Hub {
    head: EventHead,
    /// When the last slot ends: the hub journals the event's end then.
    ends_at: Option<jiff::Timestamp>,
    ended: watch::Sender<bool>,
    board: Board,
    /// `None` only while a blocking write has it.
    store: Option<EventStore>,
    broadcast: broadcast::Sender<Frame>,
    /// The last `resume_window` event frames, for `since`.
    recent: VecDeque<Frame>,
    acks: AckCache,
    options: HubOptions,
    snapshot: Option<Arc<Snapshot>>,
    since_snapshot: u64,
    connected: Arc<AtomicUsize>,
    presence_sent: usize,
    healthy: Arc<AtomicBool>,
    /// Bytes of the last journal write that failed: what a probe tries.
    failed_bytes: usize,
    counters: Arc<Counters>,
    metrics: EventMetrics,
}

/// Most messages taken in one batch: bounds the latency of the first command
/// of a batch while still sharing one fsync among many.
const MAX_BATCH: usize = 1_024;

/// How often a hub whose journal fails checks whether it works again.
const PROBE_EVERY: Duration = Duration::from_secs(2);

impl Hub {
    async fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        let mut presence = tokio::time::interval(Duration::from_secs(1));
        presence.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut clock = tokio::time::interval(crate::lifecycle::CHECK_EVERY);
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut probe = tokio::time::interval(PROBE_EVERY);
        probe.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut batch = Vec::with_capacity(64);
        loop {
            tokio::select! {
                n = rx.recv_many(&mut batch, MAX_BATCH) => {
                    if n == 0 {
                        break;
                    }
                    if let Some(done) = self.process(&mut batch).await {
                        self.write_snapshot().await;
                        let _ = done.send(());
                        return;
                    }
                }
                _ = presence.tick() => self.send_presence(),
                // The last slot has passed with nobody writing: end it now.
                _ = clock.tick(), if self.end_is_due() => {
                    let _ = self.process(&mut Vec::new()).await;
                }
                // While the journal fails, find out when it would work
                // again, so /healthz recovers even if nobody writes (a load
                // balancer that trusts it would otherwise keep everyone out).
                _ = probe.tick(), if !self.healthy.load(Ordering::Relaxed) => self.probe().await,
            }
        }
        self.write_snapshot().await;
    }

    /// Tries whether the write that failed would succeed now.
    async fn probe(&mut self) {
        let store = self
            .store
            .take()
            .expect("the store is home between batches");
        let bytes = self.failed_bytes;
        let (store, result) = tokio::task::spawn_blocking(move || {
            let r = store.probe(bytes);
            (store, r)
        })
        .await
        .expect("probes do not panic");
        self.store = Some(store);
        if result.is_ok() {
            tracing::info!(event = %self.head.slug, "the journal can be written again");
            self.healthy.store(true, Ordering::Relaxed);
        }
    }

    /// Handles one batch; returns the shutdown reply if the batch asked to stop.
    async fn process(&mut self, batch: &mut Vec<Msg>) -> Option<oneshot::Sender<()>> {
        let ending = self.end_is_due();
        let before = (ending || batch.iter().any(|m| matches!(m, Msg::Command { .. })))
            .then(|| self.board.clone());
        let received = std::time::Instant::now();
        let at = self.options.clock.now().to_string();
        let mut lines = String::new();
        let mut frames: Vec<(u64, String)> = Vec::new();
        // Each answer, whether it was decided in this batch (and so depends
        // on this batch reaching the disk), and its op (for the metrics).
        let mut answers: Vec<(oneshot::Sender<Answer>, Answer, bool, &'static str)> = Vec::new();
        let mut remembered: Vec<(ParticipantId, String)> = Vec::new();
        let mut later = Vec::new();
        let mut shutdown = None;
        if ending {
            // The clock ended the event: its end goes first, by nobody, and
            // every command of the batch is then refused `ended`.
            let change = crate::lifecycle::end_change();
            self.board
                .apply(&change)
                .expect("a board not ended yet can end");
            let record = Record {
                rev: self.board.rev(),
                change,
                at: at.clone(),
                by: None,
                req: None,
            };
            let frame = record.to_frame();
            lines.push_str(&Record::line_from_frame(&frame, None));
            lines.push('\n');
            frames.push((record.rev, frame));
        }

        for msg in batch.drain(..) {
            match msg {
                Msg::Command {
                    actor,
                    req,
                    command,
                    reply,
                } => {
                    if let Some(first) = req.as_ref().and_then(|r| self.acks.get(&actor.id, r)) {
                        let this_batch = remembered
                            .iter()
                            .any(|(who, r)| who == &actor.id && Some(r) == req.as_ref());
                        answers.push((reply, first.clone(), this_batch, command.op()));
                        continue;
                    }
                    let answer = match self.board.execute(&actor, &command) {
                        Ok(change) => {
                            let record = Record {
                                rev: self.board.rev(),
                                change,
                                at: at.clone(),
                                by: Some(actor.id.clone()),
                                req: req.clone(),
                            };
                            let frame = record.to_frame();
                            lines.push_str(&Record::line_from_frame(&frame, req.as_deref()));
                            lines.push('\n');
                            frames.push((record.rev, frame));
                            Answer::Ack { rev: record.rev }
                        }
                        Err(r) => {
                            Answer::Reject(crate::lifecycle::with_archive_link(r, &self.head.slug))
                        }
                    };
                    if let Some(req) = req {
                        self.acks
                            .insert(actor.id.clone(), req.clone(), answer.clone());
                        remembered.push((actor.id, req));
                    }
                    answers.push((reply, answer, true, command.op()));
                }
                Msg::Shutdown { reply } => shutdown = Some(reply),
                other => later.push(other),
            }
        }

        if !lines.is_empty() {
            let mut store = self
                .store
                .take()
                .expect("the store is home between batches");
            let started = std::time::Instant::now();
            let failed_bytes = lines.len();
            let (store, result) = tokio::task::spawn_blocking(move || {
                let r = store.append(lines.as_bytes());
                (store, r)
            })
            .await
            .expect("journal writes do not panic");
            let m = &self.metrics;
            m.append_seconds.observe(started.elapsed().as_secs_f64());
            m.journal_len(store.journal_len());
            self.store = Some(store);
            match result {
                Ok(()) => {
                    self.healthy.store(true, Ordering::Relaxed);
                    if self.board.is_ended() {
                        self.ended.send_replace(true);
                    }
                    self.counters.appends.fetch_add(1, Ordering::Relaxed);
                    self.counters
                        .changes
                        .fetch_add(frames.len() as u64, Ordering::Relaxed);
                    self.metrics.changes.inc_by(frames.len() as u64);
                    self.since_snapshot += frames.len() as u64;
                    self.snapshot = None;
                    for (rev, text) in frames {
                        let frame = Frame::new(Some(rev), &text, self.options.framing);
                        self.recent.push_back(frame.clone());
                        let _ = self.broadcast.send(frame);
                        if self.recent.len() > self.options.resume_window {
                            self.recent.pop_front();
                        }
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, event = %self.head.slug,
                        "journal write failed; the batch was refused and the board is unchanged");
                    self.healthy.store(false, Ordering::Relaxed);
                    self.failed_bytes = failed_bytes;
                    self.board = before.expect("a batch with changes had commands");
                    for (who, req) in &remembered {
                        self.acks.remove(who, req);
                    }
                    let refusal = Rejection::new(
                        RejectCode::Unavailable,
                        "the server could not save this change; nothing was changed, retry in a moment",
                    );
                    for (_, answer, this_batch, _) in &mut answers {
                        if *this_batch {
                            *answer = Answer::Reject(refusal.clone());
                        }
                    }
                }
            }
        }

        for (reply, answer, _, op) in answers {
            let outcome = match &answer {
                Answer::Ack { .. } => Ok(()),
                Answer::Reject(r) => Err(r.code),
            };
            self.metrics.answered(op, outcome);
            let _ = reply.send(answer);
            self.metrics
                .ack_seconds
                .observe(received.elapsed().as_secs_f64());
        }
        for msg in later {
            match msg {
                Msg::Join { since, who, reply } => {
                    let _ = reply.send(self.join(since, &who));
                }
                Msg::Snapshot { reply } => {
                    let _ = reply.send(self.current());
                }
                Msg::Recent { limit, reply } => {
                    let skip = self.recent.len().saturating_sub(limit);
                    let frames = self.recent.iter().skip(skip).cloned();
                    let frames = frames.collect();
                    let _ = reply.send((self.current(), frames));
                }
                Msg::Command { .. } | Msg::Shutdown { .. } => unreachable!("handled above"),
            }
        }
        if self.since_snapshot >= self.options.snapshot_every {
            self.write_snapshot().await;
        }
        shutdown
    }

    /// Whether the clock has ended the event but its board does not say so yet.
    fn end_is_due(&self) -> bool {
        !self.board.is_ended()
            && self
                .ends_at
                .is_some_and(|end| self.options.clock.now() >= end)
    }

    fn join(&mut self, since: Option<u64>, who: &ParticipantId) -> Joined {
        let rev = self.board.rev();
        if let Some(since) = since {
            // Resumable when every change after `since` is still in memory.
            let oldest_kept = self.recent.front().and_then(|f| f.rev).unwrap_or(rev + 1);
            if since <= rev && since + 1 >= oldest_kept {
                let missed = self
                    .recent
                    .iter()
                    .filter(|f| f.rev.is_some_and(|r| r > since))
                    .cloned()
                    .collect();
                return Joined::Resumed {
                    since,
                    rev,
                    missed,
                    rx: self.broadcast.subscribe(),
                    votes: self.board.votes_of(who).cloned().collect(),
                };
            }
        }
        Joined::Welcome {
            snapshot: self.current(),
            rx: self.broadcast.subscribe(),
        }
    }

    /// The snapshot of the current revision, built at most once per revision.
    fn current(&mut self) -> Arc<Snapshot> {
        if let Some(s) = &self.snapshot {
            return s.clone();
        }
        let board = self.board.clone();
        let json = state_json(&self.head, &board);
        let s = Arc::new(Snapshot { board, json });
        self.snapshot = Some(s.clone());
        s
    }

    fn send_presence(&mut self) {
        let n = self.connected.load(Ordering::Relaxed);
        if n != self.presence_sent {
            self.presence_sent = n;
            let text = crate::export::presence_json(n);
            let _ = self
                .broadcast
                .send(Frame::new(None, &text, self.options.framing));
        }
    }

    async fn write_snapshot(&mut self) {
        if self.since_snapshot == 0 {
            return;
        }
        let board = self.board.clone();
        let acked = self.acks.acked(acks::PERSISTED);
        let mut store = self
            .store
            .take()
            .expect("the store is home between batches");
        let (store, result) = tokio::task::spawn_blocking(move || {
            let r = store.snapshot(&board, acked);
            (store, r)
        })
        .await
        .expect("snapshots do not panic");
        self.metrics.journal_len(store.journal_len());
        self.store = Some(store);
        match result {
            Ok(()) => self.since_snapshot = 0,
            Err(e) => tracing::warn!(error = %e, event = %self.head.slug,
                "snapshot failed; the journal still holds every change"),
        }
    }
}

#[cfg(test)]
mod tests;
