//! Moving a board: applying an accepted change, live or from the journal.
//!
//! The same [`Board::apply`] replays the journal at start-up, so what is on
//! disk and what is in memory follow one set of rules; the checks here keep
//! the board's invariants whatever a journal line says.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    Board, Cell, Change, Grid, Inconsistent, ParticipantId, Session, SessionId, cell, grid_ops,
};

impl Board {
    /// Whether `change` is an `edited` that changes nothing but the links of
    /// a session: the one change an ended board still takes (`links.rs`).
    fn is_links_edit(&self, change: &Change) -> bool {
        let Change::Edited { session } = change else {
            return false;
        };
        self.sessions.get(&session.id).is_some_and(|old| {
            Session {
                links: session.links.clone(),
                ..old.clone()
            } == *session
        })
    }

    /// Applies a change and adds one to `rev`. A change from [`Board::decide`]
    /// on this very board always applies; one read from a journal may not fit,
    /// and then nothing is changed.
    pub fn apply(&mut self, change: &Change) -> Result<(), Inconsistent> {
        self.check_applicable(change)?;
        self.check_pitch_change(change)?;
        self.apply_pitch_change(change);
        match change {
            Change::Claimed { session, .. } => {
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
            Change::Removed { sessions } => {
                for id in sessions {
                    if let Some(s) = self.sessions.remove(id) {
                        self.cells.remove(&s.cell());
                    }
                    self.voters.remove(id);
                }
            }
            Change::Restored { sessions, voters } => {
                for s in sessions {
                    self.cells.insert(s.cell(), s.id.clone());
                    self.sessions.insert(s.id.clone(), s.clone());
                }
                for (id, set) in voters.iter().filter(|(_, v)| !v.is_empty()) {
                    self.voters.insert(id.clone(), set.clone());
                }
            }
            Change::Ended {} => self.ended = true,
            Change::Grid { rooms, slots } => {
                self.grid = Grid {
                    rooms: rooms.clone(),
                    slots: slots.clone(),
                };
                self.grid_live = true;
            }
            // Applied above, with the pitch part of a `claimed`.
            Change::PitchQueued { .. }
            | Change::PitchRemoved { .. }
            | Change::PitchCalled { .. }
            | Change::PitchMoved { .. }
            | Change::PitchOpened { .. }
            | Change::PitchHands { .. } => {}
        }
        self.rev += 1;
        Ok(())
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
        if self.ended && !self.is_links_edit(change) {
            return Err(Inconsistent("a change after the event has ended".into()));
        }
        match change {
            Change::Claimed { session, .. } => {
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
            Change::Opened { .. }
            | Change::Announced { .. }
            | Change::Ended {}
            | Change::PitchQueued { .. }
            | Change::PitchRemoved { .. }
            | Change::PitchCalled { .. }
            | Change::PitchMoved { .. }
            | Change::PitchOpened { .. }
            | Change::PitchHands { .. } => {}
            Change::Removed { sessions } => {
                if sessions.is_empty() {
                    return Err(Inconsistent("a removal of no session".into()));
                }
                let mut seen = BTreeSet::new();
                for id in sessions {
                    known(id)?;
                    if !seen.insert(id) {
                        return Err(Inconsistent(format!("session {id} removed twice")));
                    }
                }
            }
            Change::Restored { sessions, voters } => self.check_restored(sessions, voters)?,
            Change::Grid { rooms, slots } => {
                let grid = Grid {
                    rooms: rooms.clone(),
                    slots: slots.clone(),
                };
                let cells = self.cells.keys().chain(self.locks.iter());
                if let Some(why) = grid_ops::grid_problem(&grid, cells) {
                    return Err(Inconsistent(why));
                }
            }
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

    /// A `restored` puts back sessions that are not on the board, each in a
    /// free cell of the grid (and no two in one), with as many votes as it
    /// lists voters.
    fn check_restored(
        &self,
        sessions: &[Session],
        voters: &BTreeMap<SessionId, BTreeSet<ParticipantId>>,
    ) -> Result<(), Inconsistent> {
        if sessions.is_empty() {
            return Err(Inconsistent("a restoration of no session".into()));
        }
        let mut cells = BTreeSet::new();
        let mut ids = BTreeSet::new();
        for s in sessions {
            let c = s.cell();
            if !self.grid.has_cell(&c) {
                return Err(Inconsistent(format!(
                    "no cell {}/{} on this board",
                    c.slot, c.room
                )));
            }
            if self.sessions.contains_key(&s.id) || !ids.insert(&s.id) {
                return Err(Inconsistent(format!("session {} exists", s.id)));
            }
            if self.cells.contains_key(&c) || !cells.insert(c) {
                return Err(Inconsistent(format!("cell of {} is taken", s.id)));
            }
            let counted = voters.get(&s.id).map_or(0, BTreeSet::len);
            if s.votes as usize != counted {
                return Err(Inconsistent(format!(
                    "session {} counts {} votes but lists {counted} voters",
                    s.id, s.votes
                )));
            }
        }
        if let Some(id) = voters.keys().find(|id| !ids.contains(id)) {
            return Err(Inconsistent(format!("votes for unknown session {id}")));
        }
        Ok(())
    }
}
