//! Snapshots: the board as of the current revision with its JSON, built at
//! most once per revision and shared by every reader of it, and the snapshot
//! written to disk every `snapshot_every` changes and at shutdown.
//!
//! Both are the actor's copies of its board for others (readers in memory,
//! the store on disk); neither changes the board, so they sit apart from the
//! loop that does.

use std::sync::Arc;

use crate::export::state_json;

use super::acks;
use super::{Hub, Snapshot};

impl Hub {
    /// The snapshot of the current revision, built at most once per revision.
    pub(super) fn current(&mut self) -> Arc<Snapshot> {
        if let Some(s) = &self.snapshot {
            return s.clone();
        }
        let board = self.board.clone();
        let json = state_json(&self.head, &board);
        let s = Arc::new(Snapshot { board, json });
        self.snapshot = Some(s.clone());
        s
    }

    pub(super) async fn write_snapshot(&mut self) {
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
