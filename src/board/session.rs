//! A session: what a participant claimed, where it sits and who wants to
//! attend.
//!
//! It is its own file because it is carried everywhere (commands, changes,
//! snapshots, the wire) and belongs to none of them.

use serde::{Deserialize, Serialize};

use super::{
    Cell, Description, Host, Links, ParticipantId, RoomId, SessionId, SlotId, Tags, Title,
};

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
    /// Up to three links (`links.rs`); absent when there are none, so a
    /// session without links reads and writes as it always did.
    #[serde(default, skip_serializing_if = "Links::is_empty")]
    pub links: Links,
}

impl Session {
    pub fn cell(&self) -> Cell {
        Cell {
            slot: self.slot.clone(),
            room: self.room.clone(),
        }
    }
}
