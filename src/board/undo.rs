//! Undo as a rule of the board: which changes an organiser's undo button may
//! take back, and the command that takes one back.
//!
//! Both questions are answered from the board as it was just *before* the
//! change, because that is where what a change replaced still lives: the
//! cell a session was moved out of, the text of the previous announcement,
//! the session a release removed. Keeping the rule here, next to
//! [`Board::decide`], means it is pure like the rest of the core (no IO, no
//! clock, no randomness), can be unit and property tested on plain boards,
//! and the hub only has to remember boards and changes, never rules.
//!
//! The inverse is an ordinary [`Command`], decided and journaled like any
//! other, so an undo is one more change in the log and not a rewrite of it.
//! Known ways in which "change, then its inverse" is not the identity:
//!
//! - a released session comes back (through [`Command::Restore`]) with its
//!   votes at zero: who wanted to attend is not kept (a bulk `removed`, by
//!   contrast, comes back whole through [`Command::RestoreAll`], votes and
//!   voters included);
//! - a session in a locked cell (organisers may lock a taken cell) that is
//!   moved out or removed cannot come back: the lock refuses it, as it would
//!   refuse anyone;
//! - a grid change comes back as the whole grid before it
//!   ([`GridOp::SetGrid`]), refused while a session or lock sits in a cell
//!   that grid lacks;
//! - the pitch queue's opening and order come back; a pitch taken out by
//!   an organiser does not (its proposer pitches again), and calling the
//!   next pitch is not a moderation (undo walks past it);
//! - `rev` grows by one per change, undo included.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    Announcement, Board, Cell, Change, Command, GridOp, Limits, ParticipantId, PitchOp, RoomId,
    SlotId,
};

/// What undo makes of one change, judged on the board before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    /// Not a moderation action: undo walks past it (claims, edits, votes,
    /// and what participants do to their own sessions).
    Skip,
    /// A moderation action, and the command that takes it back.
    Inverse(Command),
    /// A moderation action that cannot be taken back (closing the event for
    /// good).
    Never,
}

impl Undo {
    /// What undo makes of `change`, made by `by` (`None`: the server) on
    /// `before`, the board just before it.
    pub fn of(before: &Board, by: Option<&ParticipantId>, change: &Change) -> Undo {
        if !is_moderation(before, by, change) {
            return Undo::Skip;
        }
        match inverse(before, change) {
            Some(command) => Undo::Inverse(command),
            None => Undo::Never,
        }
    }
}

/// Whether `change`, made by `by` on `before`, is an organiser's moderation:
/// anything only organisers may do, and moves and removals of someone
/// else's session.
pub fn is_moderation(before: &Board, by: Option<&ParticipantId>, change: &Change) -> bool {
    match change {
        Change::Swapped { .. }
        | Change::Locked { .. }
        | Change::Unlocked { .. }
        | Change::Opened { .. }
        | Change::Announced { .. }
        | Change::Removed { .. }
        | Change::Grid { .. }
        | Change::Ended {} => true,
        Change::Moved { session, .. } | Change::Released { session } => {
            before.session(session).map(|s| &s.owner) != by
        }
        Change::PitchMoved { .. } | Change::PitchOpened { .. } | Change::PitchHands { .. } => true,
        Change::PitchRemoved { pitch } => before.pitches().find(pitch).map(|p| &p.owner) != by,
        // Calling the next pitch is the queue going on, not a moderation:
        // undo walks past it (else every call would hide what came before).
        Change::PitchQueued { .. } | Change::PitchCalled { .. } => false,
        // A `restored` is only ever made by undo (like the `claimed` of a
        // single restore): not an action of its own to take back.
        Change::Claimed { .. }
        | Change::Edited { .. }
        | Change::Voted { .. }
        | Change::Restored { .. } => false,
    }
}

/// The command that takes `change` back, given `before`, the board just
/// before it; `None` for what has no inverse (claims, edits and votes are
/// undone by their authors; the end of an event is final) and for a change
/// that does not fit `before`.
pub fn inverse(before: &Board, change: &Change) -> Option<Command> {
    Some(match change {
        Change::Moved { session, .. } => Command::Move {
            session: session.clone(),
            to: before.session(session)?.cell(),
        },
        Change::Swapped { a, b } => Command::Swap {
            a: a.clone(),
            b: b.clone(),
        },
        Change::Locked { slot, room } => Command::Unlock {
            cell: cell(slot, room),
        },
        Change::Unlocked { slot, room } => Command::Lock {
            cell: cell(slot, room),
        },
        Change::Opened { open } => Command::SetOpen { open: !open },
        Change::Announced { .. } => Command::Announce {
            text: previous_announcement(before)?,
        },
        Change::Released { session } => Command::Restore {
            session: Box::new(before.session(session)?.clone()),
        },
        Change::Removed { sessions } => {
            let mut back = Vec::with_capacity(sessions.len());
            let mut voters = BTreeMap::new();
            for id in sessions {
                back.push(before.session(id)?.clone());
                let who: BTreeSet<ParticipantId> = before.voters_of(id).cloned().collect();
                if !who.is_empty() {
                    voters.insert(id.clone(), who);
                }
            }
            Command::RestoreAll {
                sessions: back,
                voters,
            }
        }
        // The grid as it was; refused (and so not undone) while a session
        // or a lock sits in a cell it lacks.
        Change::Grid { .. } => Command::Grid(GridOp::SetGrid {
            grid: before.grid().clone(),
        }),
        Change::PitchOpened { open } => Command::Pitch(PitchOp::Open { open: !open }),
        Change::PitchHands { pitch, big } => Command::Pitch(PitchOp::Hands {
            pitch: pitch.clone(),
            big: !big,
        }),
        Change::PitchMoved { pitch, .. } => Command::Pitch(PitchOp::Move {
            pitch: pitch.clone(),
            position: before.pitches().position(pitch)?,
        }),
        // A pitch taken out is over: the queue does not give it back (its
        // proposer pitches again).
        Change::Claimed { .. }
        | Change::Edited { .. }
        | Change::Voted { .. }
        | Change::Restored { .. }
        | Change::PitchQueued { .. }
        | Change::PitchRemoved { .. }
        | Change::PitchCalled { .. }
        | Change::Ended {} => return None,
    })
}

/// The announcement of `before` as a command's text ("" clears it). It was
/// accepted once, so only the length limit of the moment could refuse it
/// again; undo puts it back whatever the limit is now.
fn previous_announcement(before: &Board) -> Option<Announcement> {
    let limits = Limits {
        announcement: usize::MAX,
        ..Limits::default()
    };
    Announcement::parse(before.announcement().unwrap_or(""), &limits).ok()
}

fn cell(slot: &SlotId, room: &RoomId) -> Cell {
    Cell {
        slot: slot.clone(),
        room: room.clone(),
    }
}

#[cfg(test)]
mod tests;
