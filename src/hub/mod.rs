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

//!
//! The files: `handle.rs` the address of an event's actor and its API;
//! `actor.rs` the loop with its batch and group commit; `joins.rs` welcome
//! and resume; `snapshots.rs` the board shared per revision and written to
//! disk; `acks.rs` the first answer to each request; `undo.rs` what undo
//! remembers; `archiving.rs` the archive of an ended event. This file holds
//! the types they share, and the actor's state, whose methods are spread
//! over the files of their concern.

mod acks;
mod actor;
pub mod archiving;
mod handle;
mod joins;
mod open;
mod snapshots;
mod undo;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};

use bytes::Bytes;
use tokio::sync::{broadcast, oneshot, watch};

use crate::board::{Actor, Board, Command, ParticipantId, Rejection, SessionId};
use crate::export::EventHead;
use crate::metrics::EventMetrics;
use crate::store::EventStore;

use acks::AckCache;
pub use handle::{ConnectionGuard, EventHandle, HubStats};
pub use open::open_event;
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

/// What a hub has done since it started.
#[derive(Default)]
struct Counters {
    changes: AtomicU64,
    appends: AtomicU64,
}

struct Hub {
    head: EventHead,
    /// When the last slot of the config's grid ends: the hub journals the
    /// event's end then (or at the end of the live grid, once organisers
    /// changed it: [`crate::lifecycle::grid_ends_at`] in `tz`).
    ends_at: Option<jiff::Timestamp>,
    tz: jiff::tz::TimeZone,
    ended: watch::Sender<bool>,
    /// The live grid's span once organisers changed it (`None` while the
    /// config's grid is untouched), for the pages' upcoming/live/ended.
    span: watch::Sender<Option<crate::lifecycle::Span>>,
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

#[cfg(test)]
mod tests;
