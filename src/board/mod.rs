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

pub mod labels;
pub mod schedule;
mod text;
pub mod undo;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod schedule_tests;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

pub use text::{Announcement, Description, Host, Limits, Tag, Tags, TextError, Title};

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
    /// The public id of a participant (`p_3f9a...`), derived from their secret
    /// token. It is the only identity that is ever broadcast.
    ParticipantId
);

/// A room of the venue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub name: String,
    pub capacity: u32,
}

/// A time slot: a day and start/end times in the event's timezone, kept as
/// the config wrote them (`2026-12-05`, `09:30`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub id: SlotId,
    pub day: String,
    pub start: String,
    pub end: String,
}

/// The shape of the wall: rooms by slots. Fixed for the life of a board.
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

    fn has_cell(&self, cell: &Cell) -> bool {
        self.room(&cell.room).is_some() && self.slot(&cell.slot).is_some()
    }
}

/// One cell of the wall.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cell {
    pub slot: SlotId,
    pub room: RoomId,
}

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
    fn is_organiser(&self) -> bool {
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
    /// Organisers only: closes the event for good. After it the board
    /// refuses every command with `ended`.
    End,
}

impl Command {
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
            Command::End => "end",
        }
    }
}

/// An accepted change: the only way a board moves. Its JSON form is the
/// `change` of the wire `event` and of each journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Claimed {
        session: Session,
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
    /// The event is over for good (an organiser's `end`, or the server when
    /// the last slot has passed): nothing changes after this one.
    Ended {},
}

/// The reject codes of the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    Taken,
    Locked,
    Closed,
    Forbidden,
    NotFound,
    Invalid,
    RateLimited,
    Unsupported,
    /// The change could not be written to disk; nothing was applied. Retry.
    Unavailable,
    /// The event has ended: its board is read-only for good.
    Ended,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Taken => "taken",
            RejectCode::Locked => "locked",
            RejectCode::Closed => "closed",
            RejectCode::Forbidden => "forbidden",
            RejectCode::NotFound => "not_found",
            RejectCode::Invalid => "invalid",
            RejectCode::RateLimited => "rate_limited",
            RejectCode::Unsupported => "unsupported",
            RejectCode::Unavailable => "unavailable",
            RejectCode::Ended => "ended",
        }
    }
}

/// A command refused: the code is for programs, the message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub code: RejectCode,
    pub message: String,
    /// For `taken`: the session that holds the cell.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub session: Option<SessionId>,
    /// For `taken` and `locked` on a claim or a move: free cells to offer
    /// instead, nearest first ([`schedule::alternatives`]).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub alternatives: Vec<Cell>,
}

impl Rejection {
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Rejection {
            code,
            message: message.into(),
            session: None,
            alternatives: Vec::new(),
        }
    }
}

/// A change that cannot be applied to this board: only replay of a foreign or
/// corrupted journal can produce one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("change does not fit the board: {0}")]
pub struct Inconsistent(pub String);

/// The state of one event's board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    grid: Grid,
    rev: u64,
    open: bool,
    announcement: Option<String>,
    sessions: BTreeMap<SessionId, Session>,
    cells: BTreeMap<Cell, SessionId>,
    locks: BTreeSet<Cell>,
    voters: BTreeMap<SessionId, BTreeSet<ParticipantId>>,
    ended: bool,
}

/// The persisted part of a board (the grid comes from the config).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardState {
    pub rev: u64,
    pub open: bool,
    pub announcement: Option<String>,
    pub sessions: Vec<Session>,
    pub locks: Vec<Cell>,
    pub voters: BTreeMap<SessionId, BTreeSet<ParticipantId>>,
    /// Closed for good; absent (false) in snapshots written before it existed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ended: bool,
}

impl Board {
    /// A fresh, open, empty board.
    pub fn new(grid: Grid) -> Self {
        Board {
            grid,
            rev: 0,
            open: true,
            announcement: None,
            sessions: BTreeMap::new(),
            cells: BTreeMap::new(),
            locks: BTreeSet::new(),
            voters: BTreeMap::new(),
            ended: false,
        }
    }

    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// The revision: the number of changes applied since the board began.
    pub fn rev(&self) -> u64 {
        self.rev
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Whether the event was closed for good (a `Change::Ended`).
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    pub fn announcement(&self) -> Option<&str> {
        self.announcement.as_deref()
    }

    /// Sessions in a stable order (by id).
    pub fn sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions.values()
    }

    pub fn session(&self, id: &SessionId) -> Option<&Session> {
        self.sessions.get(id)
    }

    pub fn session_at(&self, cell: &Cell) -> Option<&Session> {
        self.cells.get(cell).and_then(|id| self.sessions.get(id))
    }

    pub fn locks(&self) -> impl Iterator<Item = &Cell> {
        self.locks.iter()
    }

    pub fn is_locked(&self, cell: &Cell) -> bool {
        self.locks.contains(cell)
    }

    /// The sessions a participant wants to attend.
    pub fn votes_of<'a>(&'a self, who: &'a ParticipantId) -> impl Iterator<Item = &'a SessionId> {
        self.voters
            .iter()
            .filter(move |(_, v)| v.contains(who))
            .map(|(s, _)| s)
    }

    /// What to persist in a snapshot.
    pub fn state(&self) -> BoardState {
        BoardState {
            rev: self.rev,
            open: self.open,
            announcement: self.announcement.clone(),
            sessions: self.sessions.values().cloned().collect(),
            locks: self.locks.iter().cloned().collect(),
            voters: self.voters.clone(),
            ended: self.ended,
        }
    }

    /// Rebuilds a board from a snapshot, checking that it fits the grid.
    pub fn restore(grid: Grid, state: BoardState) -> Result<Self, Inconsistent> {
        let mut board = Board::new(grid);
        board.rev = state.rev;
        board.open = state.open;
        board.announcement = state.announcement;
        board.ended = state.ended;
        for s in state.sessions {
            let cell = s.cell();
            if !board.grid.has_cell(&cell) {
                return Err(Inconsistent(format!(
                    "session {} ({:?}) sits in slot {:?} / room {:?}, which the config no longer has",
                    s.id,
                    s.title.as_str(),
                    s.slot.as_str(),
                    s.room.as_str()
                )));
            }
            // Ids are `s_{rev of the claim}`: one from beyond `rev` would be
            // given again by the next claim.
            let from_future =
                s.id.as_str()
                    .strip_prefix("s_")
                    .and_then(|n| n.parse::<u64>().ok())
                    .is_some_and(|n| n > board.rev);
            if from_future {
                return Err(Inconsistent(format!(
                    "session {} is newer than the snapshot's rev {}",
                    s.id, board.rev
                )));
            }
            if board.cells.insert(cell, s.id.clone()).is_some() {
                return Err(Inconsistent(format!(
                    "two sessions share the cell of {}",
                    s.id
                )));
            }
            if board.sessions.insert(s.id.clone(), s.clone()).is_some() {
                return Err(Inconsistent(format!("session {} appears twice", s.id)));
            }
        }
        for cell in state.locks {
            if !board.grid.has_cell(&cell) {
                return Err(Inconsistent(format!(
                    "a lock on slot {:?} / room {:?}, which the config no longer has",
                    cell.slot.as_str(),
                    cell.room.as_str()
                )));
            }
            board.locks.insert(cell);
        }
        for (id, voters) in state.voters {
            if !board.sessions.contains_key(&id) {
                return Err(Inconsistent(format!("votes for unknown session {id}")));
            }
            if !voters.is_empty() {
                board.voters.insert(id, voters);
            }
        }
        for s in board.sessions.values() {
            let counted = board.voters.get(&s.id).map_or(0, BTreeSet::len);
            if s.votes as usize != counted {
                return Err(Inconsistent(format!(
                    "session {} counts {} votes but lists {counted} voters",
                    s.id, s.votes
                )));
            }
        }
        Ok(board)
    }

    /// Decides what a command would change, without changing anything.
    pub fn decide(&self, actor: &Actor, command: &Command) -> Result<Change, Rejection> {
        use RejectCode::*;
        if self.ended {
            // The hub adds where the archive is; the board knows no slug.
            return Err(Rejection::new(
                Ended,
                "this event has ended; its programme is in the archive",
            ));
        }
        if actor.role == Role::Viewer {
            return Err(Rejection::new(
                Forbidden,
                "this connection is a viewer; it can only watch",
            ));
        }
        match command {
            Command::Claim {
                cell,
                title,
                host,
                description,
                tags,
            } => {
                self.check_cell(cell)?;
                self.check_open()?;
                // A new session has no votes yet: any room will do.
                self.check_free(cell)?;
                Ok(Change::Claimed {
                    session: Session {
                        id: SessionId(format!("s_{}", self.rev + 1)),
                        slot: cell.slot.clone(),
                        room: cell.room.clone(),
                        title: title.clone(),
                        host: host.clone(),
                        description: description.clone(),
                        tags: tags.clone(),
                        owner: actor.id.clone(),
                        votes: 0,
                    },
                })
            }
            Command::Edit {
                session,
                title,
                host,
                description,
                tags,
            } => {
                let s = self.find(session)?;
                self.check_owner(actor, s, false)?;
                if title.is_none() && host.is_none() && description.is_none() && tags.is_none() {
                    return Err(Rejection::new(
                        Invalid,
                        "nothing to edit: give a title, host, description or tags",
                    ));
                }
                let mut next = s.clone();
                if let Some(t) = title {
                    next.title = t.clone();
                }
                if let Some(h) = host {
                    next.host = h.clone();
                }
                if let Some(d) = description {
                    next.description = d.clone();
                }
                if let Some(t) = tags {
                    next.tags = t.clone();
                }
                Ok(Change::Edited { session: next })
            }
            Command::Release { session } => {
                let s = self.find(session)?;
                self.check_owner(actor, s, true)?;
                Ok(Change::Released {
                    session: s.id.clone(),
                })
            }
            Command::Move { session, to } => {
                let s = self.find(session)?;
                self.check_cell(to)?;
                self.check_owner(actor, s, true)?;
                if &s.cell() == to {
                    return Err(Rejection::new(
                        Invalid,
                        "the session is already in that cell",
                    ));
                }
                self.check_free(to)?;
                Ok(Change::Moved {
                    session: s.id.clone(),
                    slot: to.slot.clone(),
                    room: to.room.clone(),
                })
            }
            Command::Swap { a, b } => {
                self.check_organiser(actor, "swap sessions")?;
                self.find(a)?;
                self.find(b)?;
                if a == b {
                    return Err(Rejection::new(Invalid, "a session cannot swap with itself"));
                }
                Ok(Change::Swapped {
                    a: a.clone(),
                    b: b.clone(),
                })
            }
            Command::Lock { cell } => {
                self.check_organiser(actor, "lock cells")?;
                self.check_cell(cell)?;
                if self.locks.contains(cell) {
                    return Err(Rejection::new(Invalid, "this cell is already locked"));
                }
                Ok(Change::Locked {
                    slot: cell.slot.clone(),
                    room: cell.room.clone(),
                })
            }
            Command::Unlock { cell } => {
                self.check_organiser(actor, "unlock cells")?;
                self.check_cell(cell)?;
                if !self.locks.contains(cell) {
                    return Err(Rejection::new(Invalid, "this cell is not locked"));
                }
                Ok(Change::Unlocked {
                    slot: cell.slot.clone(),
                    room: cell.room.clone(),
                })
            }
            Command::SetOpen { open } => {
                self.check_organiser(actor, "open or close the board")?;
                if *open == self.open {
                    let state = if self.open { "open" } else { "closed" };
                    return Err(Rejection::new(
                        Invalid,
                        format!("the board is already {state}"),
                    ));
                }
                Ok(Change::Opened { open: *open })
            }
            Command::Announce { text } => {
                self.check_organiser(actor, "post announcements")?;
                let current = self.announcement.as_deref().unwrap_or("");
                if text.as_str() == current {
                    return Err(Rejection::new(Invalid, "this is already the announcement"));
                }
                Ok(Change::Announced {
                    text: text.as_str().to_owned(),
                })
            }
            Command::Vote { session, on } => {
                let s = self.find(session)?;
                let has = self
                    .voters
                    .get(session)
                    .is_some_and(|v| v.contains(&actor.id));
                if has == *on {
                    let msg = if *on {
                        "you already want to attend this session"
                    } else {
                        "you had not voted for this session"
                    };
                    return Err(Rejection::new(Invalid, msg));
                }
                let votes = if *on { s.votes + 1 } else { s.votes - 1 };
                Ok(Change::Voted {
                    session: s.id.clone(),
                    votes,
                    voter: actor.id.clone(),
                    on: *on,
                })
            }
            Command::Restore { session } => {
                self.check_organiser(actor, "restore sessions")?;
                let cell = session.cell();
                self.check_cell(&cell)?;
                if self.sessions.contains_key(&session.id) {
                    return Err(Rejection::new(
                        Invalid,
                        format!("session {} is still on the board", session.id),
                    ));
                }
                // Only an id this board gave out: ids are `s_{rev of the
                // claim}`, and one from beyond `rev` would be given again.
                let given = session
                    .id
                    .as_str()
                    .strip_prefix("s_")
                    .and_then(|n| n.parse::<u64>().ok())
                    .is_some_and(|n| (1..=self.rev).contains(&n));
                if !given {
                    return Err(Rejection::new(
                        Invalid,
                        format!("{} is not a session this board gave out", session.id),
                    ));
                }
                // It comes back with no votes: any room will do.
                self.check_free(&cell)?;
                Ok(Change::Claimed {
                    session: Session {
                        votes: 0,
                        ..(**session).clone()
                    },
                })
            }
            Command::End => {
                self.check_organiser(actor, "close the event for good")?;
                Ok(Change::Ended {})
            }
        }
    }

    /// Applies a change and adds one to `rev`. A change from [`Board::decide`]
    /// on this very board always applies; one read from a journal may not fit,
    /// and then nothing is changed.
    pub fn apply(&mut self, change: &Change) -> Result<(), Inconsistent> {
        self.check_applicable(change)?;
        match change {
            Change::Claimed { session } => {
                self.cells.insert(session.cell(), session.id.clone());
                self.sessions.insert(session.id.clone(), session.clone());
            }
            Change::Edited { session } => {
                self.sessions.insert(session.id.clone(), session.clone());
            }
            Change::Released { session } => {
                if let Some(s) = self.sessions.remove(session) {
                    self.cells.remove(&s.cell());
                }
                self.voters.remove(session);
            }
            Change::Moved {
                session,
                slot,
                room,
            } => {
                let s = self.sessions.get_mut(session).expect("checked");
                self.cells.remove(&s.cell());
                s.slot = slot.clone();
                s.room = room.clone();
                self.cells.insert(s.cell(), session.clone());
            }
            Change::Swapped { a, b } => {
                let ca = self.sessions[a].cell();
                let cb = self.sessions[b].cell();
                for (id, cell) in [(a, &cb), (b, &ca)] {
                    let s = self.sessions.get_mut(id).expect("checked");
                    s.slot = cell.slot.clone();
                    s.room = cell.room.clone();
                    self.cells.insert(cell.clone(), id.clone());
                }
            }
            Change::Locked { slot, room } => {
                self.locks.insert(cell(slot, room));
            }
            Change::Unlocked { slot, room } => {
                self.locks.remove(&cell(slot, room));
            }
            Change::Opened { open } => self.open = *open,
            Change::Announced { text } => {
                self.announcement = (!text.is_empty()).then(|| text.clone());
            }
            Change::Voted {
                session,
                votes,
                voter,
                on,
            } => {
                let set = self.voters.entry(session.clone()).or_default();
                if *on {
                    set.insert(voter.clone());
                } else {
                    set.remove(voter);
                }
                if set.is_empty() {
                    self.voters.remove(session);
                }
                self.sessions.get_mut(session).expect("checked").votes = *votes;
            }
            Change::Ended {} => self.ended = true,
        }
        self.rev += 1;
        Ok(())
    }

    /// Decides and applies in one step.
    pub fn execute(&mut self, actor: &Actor, command: &Command) -> Result<Change, Rejection> {
        let change = self.decide(actor, command)?;
        self.apply(&change)
            .expect("a change decided by this board applies to it");
        Ok(change)
    }

    /// The checks that keep the board's invariants whatever a journal says:
    /// one session per cell, a session in exactly one cell of the grid.
    fn check_applicable(&self, change: &Change) -> Result<(), Inconsistent> {
        let known = |id: &SessionId| {
            self.sessions
                .get(id)
                .ok_or_else(|| Inconsistent(format!("unknown session {id}")))
        };
        let fits = |c: &Cell| {
            if self.grid.has_cell(c) {
                Ok(())
            } else {
                Err(Inconsistent(format!(
                    "no cell {}/{} on this board",
                    c.slot, c.room
                )))
            }
        };
        if self.ended {
            return Err(Inconsistent("a change after the event has ended".into()));
        }
        match change {
            Change::Claimed { session } => {
                fits(&session.cell())?;
                if self.sessions.contains_key(&session.id) {
                    return Err(Inconsistent(format!("session {} exists", session.id)));
                }
                if self.cells.contains_key(&session.cell()) {
                    return Err(Inconsistent(format!("cell of {} is taken", session.id)));
                }
                if session.votes != 0 {
                    return Err(Inconsistent("a new session has no votes".into()));
                }
            }
            Change::Edited { session } => {
                let old = known(&session.id)?;
                if old.cell() != session.cell()
                    || old.owner != session.owner
                    || old.votes != session.votes
                {
                    return Err(Inconsistent(format!(
                        "an edit of {} changes more than its texts",
                        session.id
                    )));
                }
            }
            Change::Released { session } => {
                known(session)?;
            }
            Change::Moved {
                session,
                slot,
                room,
            } => {
                known(session)?;
                let to = cell(slot, room);
                fits(&to)?;
                if self.cells.contains_key(&to) {
                    return Err(Inconsistent(format!("move of {session} into a taken cell")));
                }
            }
            Change::Swapped { a, b } => {
                known(a)?;
                known(b)?;
                if a == b {
                    return Err(Inconsistent(format!("swap of {a} with itself")));
                }
            }
            Change::Locked { slot, room } | Change::Unlocked { slot, room } => {
                fits(&cell(slot, room))?;
            }
            Change::Opened { .. } | Change::Announced { .. } | Change::Ended {} => {}
            Change::Voted {
                session,
                votes,
                voter,
                on,
            } => {
                known(session)?;
                let current = self.voters.get(session);
                let has = current.is_some_and(|v| v.contains(voter));
                let count = current.map_or(0, BTreeSet::len);
                let expected = if *on {
                    count + 1
                } else {
                    count.wrapping_sub(1)
                };
                if has == *on || *votes as usize != expected {
                    return Err(Inconsistent(format!("vote on {session} does not add up")));
                }
            }
        }
        Ok(())
    }

    fn find(&self, id: &SessionId) -> Result<&Session, Rejection> {
        self.sessions.get(id).ok_or_else(|| {
            Rejection::new(
                RejectCode::NotFound,
                format!("there is no session {id} (it may have been released)"),
            )
        })
    }

    fn check_cell(&self, cell: &Cell) -> Result<(), Rejection> {
        if self.grid.slot(&cell.slot).is_none() {
            return Err(Rejection::new(
                RejectCode::NotFound,
                format!("there is no slot {:?} on this board", cell.slot.as_str()),
            ));
        }
        if self.grid.room(&cell.room).is_none() {
            return Err(Rejection::new(
                RejectCode::NotFound,
                format!("there is no room {:?} on this board", cell.room.as_str()),
            ));
        }
        Ok(())
    }

    fn check_open(&self) -> Result<(), Rejection> {
        if self.open {
            Ok(())
        } else {
            Err(Rejection::new(
                RejectCode::Closed,
                "the board is closed by the organisers",
            ))
        }
    }

    /// Refuses a cell that is locked or taken, offering the free cells
    /// nearest to it ([`schedule::alternatives`]).
    fn check_free(&self, cell: &Cell) -> Result<(), Rejection> {
        if self.locks.contains(cell) {
            return Err(Rejection {
                alternatives: schedule::alternatives(self, cell),
                ..Rejection::new(RejectCode::Locked, "the organisers have locked this cell")
            });
        }
        if let Some(s) = self.session_at(cell) {
            return Err(Rejection {
                code: RejectCode::Taken,
                message: format!(
                    "this cell is taken by \"{}\" ({})",
                    s.title.as_str(),
                    s.host.as_str()
                ),
                session: Some(s.id.clone()),
                alternatives: schedule::alternatives(self, cell),
            });
        }
        Ok(())
    }

    /// The owner may change their session (release and move only while the
    /// board is open); an organiser may always.
    fn check_owner(&self, actor: &Actor, s: &Session, needs_open: bool) -> Result<(), Rejection> {
        if actor.is_organiser() {
            return Ok(());
        }
        if s.owner != actor.id {
            return Err(Rejection::new(
                RejectCode::Forbidden,
                "only the person who claimed this session, or an organiser, can change it",
            ));
        }
        if needs_open {
            self.check_open()?;
        }
        Ok(())
    }

    fn check_organiser(&self, actor: &Actor, what: &str) -> Result<(), Rejection> {
        if actor.is_organiser() {
            Ok(())
        } else {
            Err(Rejection::new(
                RejectCode::Forbidden,
                format!("only organisers can {what}"),
            ))
        }
    }
}

fn cell(slot: &SlotId, room: &RoomId) -> Cell {
    Cell {
        slot: slot.clone(),
        room: room.clone(),
    }
}

#[cfg(test)]
mod restore_tests {
    use super::*;

    fn board() -> Board {
        Board::new(Grid {
            rooms: vec![Room {
                id: RoomId::from("amphi"),
                name: "Amphi".into(),
                capacity: 100,
            }],
            slots: vec![
                Slot {
                    id: SlotId::from("a"),
                    day: "2026-12-05".into(),
                    start: "09:30".into(),
                    end: "10:15".into(),
                },
                Slot {
                    id: SlotId::from("b"),
                    day: "2026-12-05".into(),
                    start: "10:30".into(),
                    end: "11:15".into(),
                },
            ],
        })
    }

    fn who(id: &str, role: Role) -> Actor {
        Actor {
            id: ParticipantId::from(id),
            role,
        }
    }

    fn claim(b: &mut Board, by: &Actor, slot: &str) -> Session {
        let limits = Limits::default();
        let change = b
            .execute(
                by,
                &Command::Claim {
                    cell: cell(&SlotId::from(slot), &RoomId::from("amphi")),
                    title: Title::parse("Rust", &limits).unwrap(),
                    host: Host::parse("Maël", &limits).unwrap(),
                    description: Description::empty(),
                    tags: Tags::default(),
                },
            )
            .unwrap();
        match change {
            Change::Claimed { session } => session,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_organiser_puts_a_released_session_back_as_it_was_without_its_votes() {
        let (alice, orga) = (
            who("p_alice", Role::Participant),
            who("p_orga", Role::Organiser),
        );
        let mut b = board();
        let s = claim(&mut b, &alice, "a");
        b.execute(
            &orga,
            &Command::Vote {
                session: s.id.clone(),
                on: true,
            },
        )
        .unwrap();
        let before = b.session(&s.id).unwrap().clone();
        b.execute(
            &orga,
            &Command::Release {
                session: s.id.clone(),
            },
        )
        .unwrap();
        let restore = Command::Restore {
            session: Box::new(before.clone()),
        };
        assert_eq!(
            b.decide(&alice, &restore).unwrap_err().code,
            RejectCode::Forbidden
        );
        let change = b.execute(&orga, &restore).unwrap();
        let back = b.session(&s.id).unwrap();
        assert_eq!(
            back,
            &Session {
                votes: 0,
                ..before.clone()
            }
        );
        assert_eq!(back.owner, alice.id);
        assert!(matches!(change, Change::Claimed { .. }));
        // A board replayed from the same changes agrees.
        let state = b.state();
        assert!(Board::restore(b.grid().clone(), state).is_ok());
        assert_eq!(
            b.decide(&orga, &restore).unwrap_err().code,
            RejectCode::Invalid,
            "it is on the board again"
        );
    }

    #[test]
    fn a_restore_needs_a_free_unlocked_cell_and_a_known_id() {
        let (alice, orga) = (
            who("p_alice", Role::Participant),
            who("p_orga", Role::Organiser),
        );
        let mut b = board();
        let s = claim(&mut b, &alice, "a");
        b.execute(
            &orga,
            &Command::Release {
                session: s.id.clone(),
            },
        )
        .unwrap();
        claim(&mut b, &alice, "a");
        let restore = Command::Restore {
            session: Box::new(s.clone()),
        };
        assert_eq!(
            b.decide(&orga, &restore).unwrap_err().code,
            RejectCode::Taken
        );
        let unknown = Session {
            id: SessionId::from("s_99"),
            slot: SlotId::from("b"),
            ..s.clone()
        };
        let r = b.decide(
            &orga,
            &Command::Restore {
                session: Box::new(unknown),
            },
        );
        assert_eq!(r.unwrap_err().code, RejectCode::Invalid);
        b.execute(
            &orga,
            &Command::Lock {
                cell: cell(&SlotId::from("b"), &RoomId::from("amphi")),
            },
        )
        .unwrap();
        let elsewhere = Session {
            slot: SlotId::from("b"),
            ..s
        };
        let r = b.decide(
            &orga,
            &Command::Restore {
                session: Box::new(elsewhere),
            },
        );
        assert_eq!(r.unwrap_err().code, RejectCode::Locked);
    }
}
