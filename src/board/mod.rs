//! The pure domain: one event's board of rooms x time slots.
//!
//! A [`Board`] answers a [`Command`] from an [`Actor`] with either a
//! [`Change`] or a [`Rejection`] ([`Board::decide`]), and moves from one state
//! to the next only by [`Board::apply`]-ing a change. The same `apply` replays
//! the journal at start-up, so what is on disk and what is in memory can never
//! follow different rules.
//!
//! Architecture invariant: this module does no IO, knows no clock, no async
//! runtime, no web framework. It cannot fail except by saying no.
//!
//! The files, by concern: `ids` (the names of things and the cell), `grid`
//! (rooms, slots), `grid_ops` (the grid changed on the day), `civil` (a slot's day and times as text), `session`, `command` (roles, actors, commands), `change`,
//! `reject` (codes, rejections, inconsistencies), `state` (the board, its
//! snapshot and restore), `decide` (the rules), `pitch` (the pitch queue), `links` (a session's links, the one change after the end), `bulk` (removing in bulk and
//! its undo), `apply` (moving the board);
//! and beside them `text` (parsed texts), `schedule` (the questions every page
//! asks), `door` (a room's door sign: now and next), `labels` and `undo`. Everything is re-exported here: callers write
//! `crate::board::X`, and the files use each other only through this root.

mod apply;
pub mod bulk;
mod change;
mod civil;
mod command;
mod decide;
pub mod door;
mod grid;
pub mod grid_ops;
mod ids;
pub mod labels;
mod links;
pub mod my_day;
mod pitch;
mod reject;
pub mod schedule;
mod session;
mod state;
mod text;
pub mod undo;

#[cfg(test)]
mod cap_tests;
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod grid_ops_tests;
#[cfg(test)]
mod links_tests;
#[cfg(test)]
mod pitch_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod restore_tests;
#[cfg(test)]
mod schedule_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod text_tests;

pub use change::Change;
pub use civil::{hhmm, read_day, read_hhmm};
pub use command::{Actor, Command, Role};
pub use grid::{Grid, Room, Slot};
pub use grid_ops::GridOp;
pub use ids::{Cell, ParticipantId, PitchId, RoomId, SessionId, SlotId};
pub use links::{Link, Links, MAX_LABEL, MAX_LINKS, MAX_URL};
pub use pitch::{MAX_PITCH_CELLS, MAX_QUEUE, Pitch, PitchOp, Pitches, Place, pitch_cells};
pub use reject::{Inconsistent, RejectCode, Rejection};
pub use session::Session;
pub use state::{Board, BoardState};
pub use text::{
    Announcement, Description, Host, Limits, Tag, Tags, TextError, Title, invisible_problem,
    is_visible, line_problem,
};

use ids::cell;
