//! The actor's loop: it takes whatever commands have queued up (a batch),
//! decides each against the board, writes the batch's changes with one fsync
//! (group commit), and only then answers and broadcasts; between batches it
//! sends presence, ends the event when its last slot has passed, and probes a
//! journal that failed.
//!
//! This is the hot path the benchmarks measure, and the only code that
//! changes the board, so it has a file to itself: what it hands off (joins,
//! snapshots) lives beside it, in `joins.rs` and `snapshots.rs`.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::board::{ParticipantId, RejectCode, Rejection};
use crate::record::Record;

use super::{Answer, Frame, Hub, Msg};

/// Most messages taken in one batch: bounds the latency of the first command
/// of a batch while still sharing one fsync among many.
const MAX_BATCH: usize = 1_024;

/// How often a hub whose journal fails checks whether it works again.
const PROBE_EVERY: Duration = Duration::from_secs(2);

impl Hub {
    pub(super) async fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
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
                    self.span.send_if_modified(|s| {
                        let now = live_span(&self.tz, &self.board);
                        std::mem::replace(s, now) != now
                    });
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
        let ends_at = if self.board.grid_changed() {
            crate::lifecycle::grid_ends_at(&self.tz, self.board.grid())
        } else {
            self.ends_at
        };
        !self.board.is_ended() && ends_at.is_some_and(|end| self.options.clock.now() >= end)
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
}

/// The span [`Hub::span`] publishes for `board`.
pub(super) fn live_span(
    tz: &jiff::tz::TimeZone,
    board: &crate::board::Board,
) -> Option<crate::lifecycle::Span> {
    board
        .grid_changed()
        .then(|| crate::lifecycle::grid_span(tz, board.grid()))
}
