//! An accepted change: the only way a board moves.
//!
//! Its JSON form is the `change` of the wire `event` and of every journal
//! line, so this file is a format: it stays apart from the rules that produce
//! changes (`decide.rs`) and the code that applies them (`apply.rs`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{ParticipantId, Pitch, PitchId, Room, RoomId, Session, SessionId, Slot, SlotId};

/// An accepted change: the only way a board moves. Its JSON form is the
/// `change` of the wire `event` and of each journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// `pitch`: the claim was made from this pitch, which leaves the queue
    /// (or stops being current) in the same change; absent otherwise.
    Claimed {
        session: Session,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pitch: Option<PitchId>,
    },
    Edited {
        session: Session,
    },
    Released {
        session: SessionId,
    },
    Moved {
        session: SessionId,
        slot: SlotId,
        room: RoomId,
    },
    Swapped {
        a: SessionId,
        b: SessionId,
    },
    Locked {
        slot: SlotId,
        room: RoomId,
    },
    Unlocked {
        slot: SlotId,
        room: RoomId,
    },
    Opened {
        open: bool,
    },
    Announced {
        text: String,
    },
    /// `voter` and `on` extend the protocol's `{session, votes}` so that a
    /// change alone is enough to replay it.
    Voted {
        session: SessionId,
        votes: u32,
        voter: ParticipantId,
        on: bool,
    },
    /// Extension: several sessions taken off the board at once (an
    /// organiser's `remove_by_owner` or `remove_claims_since`), ids sorted as text.
    Removed {
        sessions: Vec<SessionId>,
    },
    /// Extension: sessions put back as they were, votes included (the undo
    /// of a `removed`). `voters` lists who wanted to attend each, so that a
    /// replay counts the same votes; absent when nobody had voted.
    Restored {
        sessions: Vec<Session>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        voters: BTreeMap<SessionId, BTreeSet<ParticipantId>>,
    },
    /// The event is over for good (an organiser's `end`, or the server when
    /// the last slot has passed): nothing changes after this one.
    Ended {},
    /// The grid after an organiser's grid op (`add_room`, `shift_slots`, ...):
    /// the whole of it, in display order. Sessions and locks keep their ids.
    Grid {
        rooms: Vec<Room>,
        slots: Vec<Slot>,
    },
    /// A pitch joins the end of the queue.
    PitchQueued {
        pitch: Pitch,
    },
    /// A pitch leaves the queue (or stops being current).
    PitchRemoved {
        pitch: PitchId,
    },
    /// The head of the queue becomes current (`None`: the queue was empty,
    /// and nobody is current any more); the previous current leaves.
    PitchCalled {
        pitch: Option<PitchId>,
    },
    /// A waiting pitch moves to `position` (0-based) in the queue.
    PitchMoved {
        pitch: PitchId,
        position: usize,
    },
    /// The pitch queue opens or closes.
    PitchOpened {
        open: bool,
    },
    /// Organisers noted the show of hands for the pitch being given: `big`
    /// offers its phone the bigger rooms first.
    PitchHands {
        pitch: PitchId,
        big: bool,
    },
}
