//! A session: what a participant claimed, where it sits and who wants to
//! attend.
//!
//! It is its own file because it is carried everywhere (commands, changes,
//! snapshots, the wire) and belongs to none of them.

use serde::{Deserialize, Serialize};

use super::{Cell, Description, Host, ParticipantId, RoomId, SessionId, SlotId, Tags, Title};

/// A session as the protocol shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: SessionId,
    pub slot: SlotId,
    pub room: RoomId,
    pub title: Title,
    pub host: Host,
    pub description: Description,
    pub tags: Tags,
    pub owner: ParticipantId,
    pub votes: u32,
}

impl Session {
    pub fn cell(&self) -> Cell {
        Cell {
            slot: self.slot.clone(),
            room: self.room.clone(),
        }
    }
}
