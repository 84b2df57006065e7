//! The board's state as clients read it: `board.json`, the state object of
//! `welcome`, and the `presence` frame.
//!
//! Pure functions of the config and the board, so the hub (which serves them
//! live), the archive (which keeps `board.json` from the data folder alone)
//! and the socket all send the same bytes from one definition.

use serde::Serialize;

use crate::board::{Board, Cell, Pitches, Room, Session, Slot};
use crate::config::EventConfig;

/// The parts of `welcome` that come from the config, serialized once.
#[derive(Debug, Clone, Serialize)]
pub struct EventHead {
    pub slug: String,
    title: String,
    timezone: String,
}

impl EventHead {
    pub fn of(config: &EventConfig) -> Self {
        EventHead {
            slug: config.slug.clone(),
            title: config.title.clone(),
            timezone: config.timezone.clone(),
        }
    }
}

/// `board.json` of `board`: the same bytes as a live hub's snapshot JSON.
pub fn board_json(config: &EventConfig, board: &Board) -> String {
    state_json(&EventHead::of(config), board)
}

/// The state object shared by `board.json` and `welcome`:
/// `{"rev":..,"event":{..},"rooms":[..],"slots":[..],"sessions":[..],
/// "locks":[..],"announcement":..,"pitches":{..}}`, `pitches` only once the queue was
/// used.
pub fn state_json(head: &EventHead, board: &Board) -> String {
    #[derive(Serialize)]
    struct HeadWithOpen<'a> {
        #[serde(flatten)]
        head: &'a EventHead,
        open: bool,
        /// Extension: closed for good (see `crate::lifecycle`).
        ended: bool,
    }
    #[derive(Serialize)]
    struct State<'a> {
        rev: u64,
        event: HeadWithOpen<'a>,
        rooms: &'a [Room],
        slots: &'a [Slot],
        sessions: Vec<&'a Session>,
        locks: Vec<&'a Cell>,
        announcement: Option<&'a str>,
        /// The pitch queue (PROTOCOL.md, "The pitch queue"); absent while
        /// it is closed and empty, so the boards (and archives) of events
        /// that never used it keep their bytes.
        #[serde(skip_serializing_if = "Option::is_none")]
        pitches: Option<&'a Pitches>,
    }
    serde_json::to_string(&State {
        rev: board.rev(),
        event: HeadWithOpen {
            head,
            open: board.is_open(),
            ended: board.is_ended(),
        },
        rooms: &board.grid().rooms,
        slots: &board.grid().slots,
        sessions: board.sessions().collect(),
        locks: board.locks().collect(),
        announcement: board.announcement(),
        pitches: Some(board.pitches()).filter(|p| !p.is_empty()),
    })
    .expect("the state always serializes")
}

/// The ephemeral `presence` frame: how many clients are connected.
pub fn presence_json(connected: usize) -> String {
    format!(r#"{{"type":"presence","connected":{connected}}}"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_is_the_protocols_frame() {
        let v: serde_json::Value = serde_json::from_str(&presence_json(214)).unwrap();
        assert_eq!(v, serde_json::json!({"type": "presence", "connected": 214}));
    }
}
