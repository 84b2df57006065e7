//! What an event's actor can be asked: [`EventHandle`], the cheap, cloneable
//! address every connection, page and tool holds, and its one-message-per-call
//! API (`command`, `submit`, `join`, `snapshot`, `recent`, `shutdown`), with
//! the counters it reads without asking the actor at all.
//!
//! It is its own file because it is the hub's outside: the only part that
//! runs on the callers' tasks. Everything it does to the board goes through
//! the queue to the actor's loop (`actor.rs`); `spawn` builds that actor.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::board::{Actor, Command, ParticipantId, RejectCode, Rejection};
use crate::config::EventConfig;
use crate::export::EventHead;
use crate::metrics::EventMetrics;
use crate::store::EventStore;

use super::acks::{self, AckCache};
use super::undo;
use super::{Answer, Counters, Frame, Hub, HubGone, HubOptions, Joined, Msg, Snapshot};

/// The address of an event's actor; cheap to clone. Every connection holds
/// one for its whole life, so it is kept to four words: what a connection
/// uses on every command (the queue, the end, the config) inline, the rest
/// behind one shared pointer.
#[derive(Clone)]
pub struct EventHandle {
    tx: mpsc::Sender<Msg>,
    /// True once the board holds `ended` (see [`crate::lifecycle`]).
    ended: watch::Receiver<bool>,
    /// The live grid's span once organisers changed it.
    span: watch::Receiver<Option<crate::lifecycle::Span>>,
    pub config: Arc<EventConfig>,
    shared: Arc<Shared>,
}

/// What every handle of an event shares and reads now and then.
struct Shared {
    connected: Arc<AtomicUsize>,
    healthy: Arc<AtomicBool>,
    counters: Arc<Counters>,
    metrics: EventMetrics,
    clock: Arc<dyn crate::clock::Clock>,
    /// What undo remembers (see [`undo`]).
    undo: undo::Shared,
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
        let (span_tx, span_rx) =
            watch::channel(super::actor::live_span(&config.tz(), &loaded.board));
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
            tz: config.tz(),
            ended: ended_tx,
            span: span_tx,
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
            span: span_rx,
            config,
            shared: Arc::new(Shared {
                connected,
                healthy,
                counters,
                metrics,
                clock,
                undo,
            }),
        }
    }

    /// The time of day, on the clock the server was given.
    pub fn now(&self) -> jiff::Timestamp {
        self.shared.clock.now()
    }

    /// What undo remembers (see [`undo`]).
    pub(super) fn undo_book(&self) -> &undo::Shared {
        &self.shared.undo
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
        self.shared.connected.fetch_add(1, Ordering::Relaxed);
        ConnectionGuard(self.shared.connected.clone())
    }

    pub fn connected(&self) -> usize {
        self.shared.connected.load(Ordering::Relaxed)
    }

    pub fn stats(&self) -> HubStats {
        HubStats {
            changes: self.shared.counters.changes.load(Ordering::Relaxed),
            appends: self.shared.counters.appends.load(Ordering::Relaxed),
        }
    }

    /// Whether the event was closed for good (its board holds `ended`).
    pub fn is_ended(&self) -> bool {
        *self.ended.borrow()
    }

    /// When the live grid starts and ends, once organisers changed it
    /// (`None`: the config's days hold); kept by the hub after each write,
    /// read without asking it.
    pub fn grid_span(&self) -> Option<crate::lifecycle::Span> {
        *self.span.borrow()
    }

    /// Turns true when the event ends, by an organiser or by the clock.
    pub fn ended_watch(&self) -> watch::Receiver<bool> {
        self.ended.clone()
    }

    /// False while the last journal write failed.
    pub fn healthy(&self) -> bool {
        self.shared.healthy.load(Ordering::Relaxed)
    }

    /// This event's series in `/metrics`.
    pub fn metrics(&self) -> &EventMetrics {
        &self.shared.metrics
    }
}

/// Keeps a connection counted in its event's presence.
pub struct ConnectionGuard(Arc<AtomicUsize>);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(super) fn gone() -> Rejection {
    Rejection::new(
        RejectCode::Unavailable,
        "the server is shutting down; retry in a moment",
    )
}
