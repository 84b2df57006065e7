//! Removing in bulk, and putting back what a bulk removal took: the rules of
//! `remove_by_owner`, `remove_claims_since` and their undo.
//!
//! One person (or one script) can fill a board in a second; cleaning up must
//! not take one release per cell. These rules pick the sessions from the
//! board alone: by `owner`, or by the rev of their claim, which every session
//! carries in its id (`s_{rev of its claim}`, kept when undo puts a session
//! back). So the rule is pure and needs nothing from the hub's audit log,
//! however far back the log the organiser looks. The result is one change
//! (`removed`), so it is one line of the log and one step of undo, whose
//! inverse (`restored`) puts every session back as it was, votes included.

use std::collections::{BTreeMap, BTreeSet};

use super::{Board, Change, ParticipantId, RejectCode, Rejection, Session, SessionId};

/// The rev at which `id` was claimed (`s_42` was claimed at rev 42).
pub fn claim_rev(id: &SessionId) -> Option<u64> {
    id.as_str().strip_prefix("s_")?.parse().ok()
}

impl Board {
    /// The sessions of `owner` on the board, in id order.
    pub fn sessions_of<'a>(
        &'a self,
        owner: &'a ParticipantId,
    ) -> impl Iterator<Item = &'a Session> {
        self.sessions.values().filter(move |s| &s.owner == owner)
    }

    /// Who wants to attend `session` (empty when nobody does).
    pub fn voters_of(&self, session: &SessionId) -> impl Iterator<Item = &ParticipantId> {
        self.voters.get(session).into_iter().flatten()
    }

    /// `remove_by_owner`: every session of `owner`, in one change.
    pub(super) fn remove_by_owner(&self, owner: &ParticipantId) -> Result<Change, Rejection> {
        let sessions: Vec<SessionId> = self.sessions_of(owner).map(|s| s.id.clone()).collect();
        if sessions.is_empty() {
            return Err(Rejection::new(
                RejectCode::NotFound,
                format!("{owner} has no session on this board"),
            ));
        }
        Ok(Change::Removed { sessions })
    }

    /// `remove_claims_since`: every session still on the board claimed at
    /// or after `rev`, in one change.
    pub(super) fn remove_claims_since(&self, rev: u64) -> Result<Change, Rejection> {
        if rev == 0 || rev > self.rev {
            return Err(Rejection::new(
                RejectCode::Invalid,
                format!("rev must be from 1 to {}, the board's rev", self.rev),
            ));
        }
        let sessions: Vec<SessionId> = self
            .sessions
            .keys()
            .filter(|id| claim_rev(id).is_some_and(|n| n >= rev))
            .cloned()
            .collect();
        if sessions.is_empty() {
            return Err(Rejection::new(
                RejectCode::NotFound,
                format!("no session claimed at or after rev {rev} is still on the board"),
            ));
        }
        Ok(Change::Removed { sessions })
    }

    /// The undo of a `removed`: every session back in its cell, as it was.
    /// Refused as a whole, naming the session and the cell, if one of them
    /// cannot come back (its cell was taken or locked since).
    pub(super) fn restore_all(
        &self,
        sessions: &[Session],
        voters: &BTreeMap<SessionId, BTreeSet<ParticipantId>>,
    ) -> Result<Change, Rejection> {
        if sessions.is_empty() {
            return Err(Rejection::new(RejectCode::Invalid, "no session to restore"));
        }
        let mut cells = BTreeSet::new();
        for s in sessions {
            let cell = s.cell();
            self.check_cell(&cell)?;
            let given = claim_rev(&s.id).is_some_and(|n| (1..=self.rev).contains(&n));
            if !given || self.sessions.contains_key(&s.id) {
                return Err(Rejection::new(
                    RejectCode::Invalid,
                    format!("{} is not a removed session of this board", s.id),
                ));
            }
            if !cells.insert(cell.clone()) {
                return Err(Rejection::new(
                    RejectCode::Invalid,
                    format!("two sessions to restore share the cell of {}", s.id),
                ));
            }
            self.check_free(&cell).map_err(|r| Rejection {
                message: format!(
                    "\"{}\" ({}) cannot come back to slot {} / room {}: {}",
                    s.title.as_str(),
                    s.id,
                    cell.slot,
                    cell.room,
                    r.message
                ),
                ..r
            })?;
        }
        let mut kept = BTreeMap::new();
        let mut back = Vec::with_capacity(sessions.len());
        for s in sessions {
            let who = voters.get(&s.id).cloned().unwrap_or_default();
            back.push(Session {
                votes: u32::try_from(who.len()).unwrap_or(u32::MAX),
                ..s.clone()
            });
            if !who.is_empty() {
                kept.insert(s.id.clone(), who);
            }
        }
        Ok(Change::Restored {
            sessions: back,
            voters: kept,
        })
    }
}

#[cfg(test)]
mod tests;
