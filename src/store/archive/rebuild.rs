//! An event's board rebuilt from its data folder alone, for `slotboard
//! archive` and `slotboard export` when no server runs: the history replayed
//! onto an empty board of the config's grid, checked against the snapshot.
//!
//! It is its own file because it is the archive's only replay: what it
//! refuses (a change that no longer fits the config, a snapshot ahead of the
//! history) are the questions of a board from disk, not of writing files.

use std::fs;
use std::path::Path;

use crate::board::Board;
use crate::config::EventConfig;
use crate::record::Record;

use super::history::read_history;
use super::{ArchiveError, event_dir};

/// Rebuilds an event's board from its data folder alone (the server need
/// not run): every change of its history replayed onto an empty board of the
/// config's grid. Returns the board and its history.
pub fn board_from_disk(
    data_dir: &Path,
    event: &EventConfig,
) -> Result<(Board, Vec<Record>), ArchiveError> {
    let dir = event_dir(data_dir, &event.slug);
    let records = read_history(&dir, None)?;
    let mut board = Board::new(event.grid());
    for r in &records {
        board.apply(&r.change).map_err(|e| ArchiveError::History {
            path: dir.clone(),
            why: format!(
                "change {} does not fit the board of the config ({e}); \
                 was a room or slot removed from the config?",
                r.rev
            ),
        })?;
    }
    // The snapshot is never ahead of the history; if it is, changes were lost.
    let snap_path = dir.join("snapshot.json");
    if let Ok(bytes) = fs::read(&snap_path) {
        #[derive(serde::Deserialize)]
        struct Rev {
            board: RevOnly,
        }
        #[derive(serde::Deserialize)]
        struct RevOnly {
            rev: u64,
        }
        if let Ok(snap) = serde_json::from_slice::<Rev>(&bytes) {
            if snap.board.rev > board.rev() {
                return Err(ArchiveError::History {
                    path: dir,
                    why: format!(
                        "snapshot.json is at change {} but the history stops at {}; \
                         restore history/ from a backup",
                        snap.board.rev,
                        board.rev()
                    ),
                });
            }
        }
    }
    Ok((board, records))
}
