//! The state of one event's board: what it holds, what it answers when
//! read, and what of it goes into a snapshot and comes back out.
//!
//! The rules that change the state live in `decide.rs` (what a command would
//! change) and `apply.rs` (making a change); this file is the state itself,
//! its read accessors, and [`Board::restore`], which checks a snapshot against
//! the grid as strictly as `apply` checks a journal line.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Cell, Grid, Inconsistent, ParticipantId, Pitches, Session, SessionId};

/// The state of one event's board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    pub(super) grid: Grid,
    pub(super) rev: u64,
    pub(super) open: bool,
    pub(super) announcement: Option<String>,
    pub(super) sessions: BTreeMap<SessionId, Session>,
    pub(super) cells: BTreeMap<Cell, SessionId>,
    pub(super) locks: BTreeSet<Cell>,
    pub(super) voters: BTreeMap<SessionId, BTreeSet<ParticipantId>>,
    pub(super) ended: bool,
    /// The most sessions one participant may hold (`None`: no cap). A rule
    /// of the event from its config, not state: never persisted, and not
    /// checked on replay (`apply`), only by `decide`.
    pub(super) session_cap: Option<u32>,
    /// Whether a `grid` change replaced the starting grid (the config's):
    /// then the grid is state, and goes into the snapshot.
    pub(super) grid_live: bool,
    /// The pitch queue (`pitch.rs`).
    pub(super) pitches: Pitches,
}

/// The persisted part of a board. The grid comes from the config until an
/// organiser changes it; from then on it is here.
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
    /// The live grid, once a `grid` change replaced the config's; absent in
    /// snapshots of a board whose grid never changed (and in older ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<Grid>,
    /// The pitch queue; absent while it is closed and empty (and in
    /// snapshots written before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitches: Option<Pitches>,
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
            session_cap: None,
            grid_live: false,
            pitches: Pitches::default(),
        }
    }

    /// The same board, with at most `cap` sessions per participant
    /// (`None`: no cap; organisers are never capped).
    pub fn with_session_cap(mut self, cap: Option<u32>) -> Self {
        self.session_cap = cap;
        self
    }

    /// The most sessions one participant may hold, if capped.
    pub fn session_cap(&self) -> Option<u32> {
        self.session_cap
    }

    /// How many sessions `who` holds on this board.
    pub fn held_by(&self, who: &ParticipantId) -> usize {
        self.sessions_of(who).count()
    }

    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// Whether organisers changed the grid (then it may differ from the
    /// config's, and the board's grid wins).
    pub fn grid_changed(&self) -> bool {
        self.grid_live
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
            grid: self.grid_live.then(|| self.grid.clone()),
            pitches: (!self.pitches.is_empty()).then(|| self.pitches.clone()),
        }
    }

    /// Rebuilds a board from a snapshot, checking that it fits the grid.
    /// `grid` is the starting grid (the config's); a snapshot that carries
    /// a live grid replaces it.
    pub fn restore(grid: Grid, state: BoardState) -> Result<Self, Inconsistent> {
        let live = state.grid.is_some();
        let mut board = Board::new(state.grid.unwrap_or(grid));
        board.grid_live = live;
        board.rev = state.rev;
        board.open = state.open;
        board.announcement = state.announcement;
        board.ended = state.ended;
        if let Some(pitches) = state.pitches {
            if let Some(why) = pitches.problem(board.rev) {
                return Err(Inconsistent(why));
            }
            board.pitches = pitches;
        }
        for s in state.sessions {
            let cell = s.cell();
            if !board.grid.has_cell(&cell) {
                return Err(Inconsistent(format!(
                    "session {} ({:?}) sits in slot {:?} / room {:?}, which the grid no longer has",
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
                    "a lock on slot {:?} / room {:?}, which the grid no longer has",
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
}
