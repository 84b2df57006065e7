//! The names of things on the board: rooms, slots, sessions, participants
//! and the cell where a slot meets a room.
//!
//! They are their own file because every other part of the core (the grid,
//! commands, changes, rejections) speaks in them, while they depend on
//! nothing: newtypes over the strings the config and the wire use, so that a
//! room id cannot be passed where a slot id is meant.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }
    };
}

id_newtype!(
    /// A room, as declared in the config (`amphi`).
    RoomId
);
id_newtype!(
    /// A time slot, as declared in the config (`sat-0930`).
    SlotId
);
id_newtype!(
    /// A session, given by the board when it is claimed (`s_42`).
    SessionId
);
id_newtype!(
    /// A pitch waiting in the queue, given by the board when it is queued
    /// (`q_12`, from the rev of its `pitch_queued`).
    PitchId
);
id_newtype!(
    /// The public id of a participant (`p_3f9a...`), derived from their secret
    /// token. It is the only identity that is ever broadcast.
    ParticipantId
);

/// One cell of the wall.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cell {
    pub slot: SlotId,
    pub room: RoomId,
}

/// The cell where `slot` meets `room`.
pub(super) fn cell(slot: &SlotId, room: &RoomId) -> Cell {
    Cell {
        slot: slot.clone(),
        room: room.clone(),
    }
}
