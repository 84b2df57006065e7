//! What may be asked of a board, and by whom: roles, actors and commands.
//!
//! The input side of the core, apart from the rules that judge it
//! (`decide.rs`): the web layer builds these from the wire with their texts
//! already parsed, and the hub hands them to [`Board::decide`](super::Board::decide).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{
    Announcement, Cell, Description, GridOp, Host, Links, ParticipantId, PitchId, PitchOp, Session,
    SessionId, Tags, Title,
};

/// What an actor may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Anyone with a token: claims, edits their own sessions, votes.
    Participant,
    /// Proved the organiser secret: may do everything.
    Organiser,
    /// A wall or signage screen: reads only.
    Viewer,
}

/// Who sends a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: ParticipantId,
    pub role: Role,
}

impl Actor {
    pub(super) fn is_organiser(&self) -> bool {
        self.role == Role::Organiser
    }
}

/// A command of the protocol, with its texts already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Claim {
        cell: Cell,
        title: Title,
        host: Host,
        description: Description,
        tags: Tags,
    },
    Edit {
        session: SessionId,
        title: Option<Title>,
        host: Option<Host>,
        description: Option<Description>,
        tags: Option<Tags>,
    },
    Release {
        session: SessionId,
    },
    Move {
        session: SessionId,
        to: Cell,
    },
    Swap {
        a: SessionId,
        b: SessionId,
    },
    Lock {
        cell: Cell,
    },
    Unlock {
        cell: Cell,
    },
    SetOpen {
        open: bool,
    },
    Announce {
        text: Announcement,
    },
    Vote {
        session: SessionId,
        on: bool,
    },
    /// Organisers only, not on the wire: puts back a released session, in its
    /// cell, with its id, texts and owner (the undo of a `release`). Its
    /// votes start again from zero: the change is a `claimed`, which every
    /// client already knows how to apply.
    Restore {
        session: Box<Session>,
    },
    /// Organisers only: removes every session of one participant (by its
    /// public id, `owner` of its sessions) in one `removed` change.
    RemoveByOwner {
        owner: ParticipantId,
    },
    /// Organisers only: removes, in one `removed` change, every session still
    /// on the board that was claimed at or after `rev` (a session's id is
    /// `s_{rev of its claim}`, kept when undo puts it back).
    RemoveClaimsSince {
        rev: u64,
    },
    /// Organisers only, not on the wire: puts back the sessions a `removed`
    /// took away, as they were (cells, texts, owners, votes and who voted),
    /// in one `restored` change (the undo of a bulk removal).
    RestoreAll {
        sessions: Vec<Session>,
        voters: BTreeMap<SessionId, BTreeSet<ParticipantId>>,
    },
    /// Organisers only: closes the event for good. After it the board
    /// refuses every command with `ended`.
    End,
    /// Organisers only: a change of the grid (`grid_ops.rs`).
    Grid(GridOp),
    /// The pitch queue's ops (`pitch.rs`).
    Pitch(PitchOp),
    /// `claim` with a `pitch`: `claim` (a [`Command::Claim`]) made from
    /// that pitch (the claimer's own, or any for an organiser), which
    /// leaves the queue in the same `claimed` change.
    ClaimPitch {
        pitch: PitchId,
        claim: Box<Command>,
    },
    /// `claim` or `edit` with `links` (`links.rs`): `command` (a claim,
    /// with or without a pitch, or an edit) whose session gets these links
    /// (an edit's replace the session's; `[]` removes them). Apart from the
    /// command so that the many claims and edits without links stay as
    /// they are.
    WithLinks {
        links: Links,
        command: Box<Command>,
    },
}

impl Command {
    /// Whether this command adds something of a participant's own to the
    /// board (a claim, with or without a pitch, or a pitch joining the
    /// queue): what the per-IP rate of claims holds, since tokens are free.
    pub fn is_joining(&self) -> bool {
        matches!(
            self,
            Command::Claim { .. }
                | Command::ClaimPitch { .. }
                | Command::Pitch(PitchOp::Pitch { .. })
        ) || matches!(self, Command::WithLinks { command, .. } if command.is_joining())
    }

    /// The protocol's name for this command (`claim`, `set_open`, ...).
    pub fn op(&self) -> &'static str {
        match self {
            Command::Claim { .. } => "claim",
            Command::Edit { .. } => "edit",
            Command::Release { .. } => "release",
            Command::Move { .. } => "move",
            Command::Swap { .. } => "swap",
            Command::Lock { .. } => "lock",
            Command::Unlock { .. } => "unlock",
            Command::SetOpen { .. } => "set_open",
            Command::Announce { .. } => "announce",
            Command::Vote { .. } => "vote",
            Command::Restore { .. } => "restore",
            Command::RemoveByOwner { .. } => "remove_by_owner",
            Command::RemoveClaimsSince { .. } => "remove_claims_since",
            Command::RestoreAll { .. } => "restore_all",
            Command::End => "end",
            Command::Grid(op) => op.op(),
            Command::Pitch(op) => op.op(),
            Command::ClaimPitch { .. } => "claim",
            Command::WithLinks { command, .. } => command.op(),
        }
    }
}
