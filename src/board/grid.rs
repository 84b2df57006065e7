//! The shape of the wall: its rooms, its time slots, and the grid of both.
//!
//! A grid starts as the config's and changes only by a `grid` change
//! (`grid_ops.rs`); it is its own file because the rules ask it only one question (is this cell on
//! the board?) while the pages, exports and schedule questions read it whole.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::{Cell, RoomId, SlotId};

/// A room of the venue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub name: String,
    pub capacity: u32,
}

/// A time slot: a day and start/end times in the event's timezone, parsed
/// once from the config. Its JSON is what the config wrote
/// (`"2026-12-05"`, `"09:30"`; see `civil.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub id: SlotId,
    #[serde(with = "super::civil::date")]
    pub day: Date,
    #[serde(with = "super::civil::time")]
    pub start: Time,
    #[serde(with = "super::civil::time")]
    pub end: Time,
}

/// The shape of the wall: rooms by slots.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Grid {
    pub rooms: Vec<Room>,
    pub slots: Vec<Slot>,
}

impl Grid {
    pub fn room(&self, id: &RoomId) -> Option<&Room> {
        self.rooms.iter().find(|r| &r.id == id)
    }

    pub fn slot(&self, id: &SlotId) -> Option<&Slot> {
        self.slots.iter().find(|s| &s.id == id)
    }

    /// The days that have slots, in order: the days to show (a slot on a
    /// new date adds a day).
    pub fn days(&self) -> Vec<Date> {
        let mut days: Vec<Date> = self.slots.iter().map(|s| s.day).collect();
        days.sort();
        days.dedup();
        days
    }

    pub(super) fn has_cell(&self, cell: &Cell) -> bool {
        self.room(&cell.room).is_some() && self.slot(&cell.slot).is_some()
    }
}
