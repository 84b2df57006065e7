//! "My day": a participant's own programme, and the clashes in it.
//!
//! The sessions a participant hosts (they own them) and those they said
//! they want to attend (their votes), in the grid's time order, each marked
//! when it clashes with another of them at the same time: two they want at
//! once, one they host against one they want, or two they host. Slots of a
//! day never overlap, so "at the same time" is "in the same slot".
//!
//! What moved or was cancelled since the participant last looked is
//! [`since`]: given what they saw then (each session's cell), what differs
//! now. And [`host_clashes`] is the warning of the claim form: a host name
//! that already holds a session in the same slot (a person cannot be in two
//! rooms; a warning, never a refusal: two people may share a first name).
//!
//! Pure: the board and a participant in, plain data out. The pages render
//! it; phone.js reads the host clashes from `/hints`.

use std::collections::BTreeMap;

use super::{Board, Cell, ParticipantId, Session, SessionId, Slot};

/// Why a session is in someone's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// They host it.
    Host,
    /// They said they want to attend it.
    Attend,
}

/// How an entry clashes with another of the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// Two sessions they want to attend, at once.
    TwoWanted,
    /// One they host and one they want to attend, at once.
    HostAndWanted,
    /// Two they host, at once.
    TwoHosted,
}

/// One session of a participant's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub session: &'a Session,
    pub slot: &'a Slot,
    pub why: Why,
    /// The worst clash with the others of the same slot, and which they are.
    pub clash: Option<(Clash, Vec<&'a SessionId>)>,
}

/// The participant's day, in the grid's order (by day and start, then by
/// room).
pub fn my_day<'a>(board: &'a Board, me: &ParticipantId) -> Vec<Entry<'a>> {
    let wanted: Vec<&SessionId> = board.votes_of(me).collect();
    let grid = board.grid();
    let mut entries: Vec<(usize, usize, Entry<'a>)> = board
        .sessions()
        .filter_map(|s| {
            let why = if &s.owner == me {
                Why::Host
            } else if wanted.contains(&&s.id) {
                Why::Attend
            } else {
                return None;
            };
            let at = grid.slots.iter().position(|x| x.id == s.slot)?;
            let room = grid.rooms.iter().position(|r| r.id == s.room).unwrap_or(0);
            let entry = Entry {
                session: s,
                slot: &grid.slots[at],
                why,
                clash: None,
            };
            Some((at, room, entry))
        })
        .collect();
    entries.sort_by_key(|(at, room, _)| (*at, *room));
    let all: Vec<(SessionId, _, Why)> = (entries.iter())
        .map(|(_, _, e)| (e.session.id.clone(), e.session.slot.clone(), e.why))
        .collect();
    for (_, _, e) in &mut entries {
        let others: Vec<&(SessionId, _, Why)> = (all.iter())
            .filter(|(id, slot, _)| *slot == e.session.slot && *id != e.session.id)
            .collect();
        if others.is_empty() {
            continue;
        }
        let hosts_other = others.iter().any(|(_, _, w)| *w == Why::Host);
        let kind = match (e.why, hosts_other) {
            (Why::Host, true) => Clash::TwoHosted,
            (Why::Attend, false) => Clash::TwoWanted,
            _ => Clash::HostAndWanted,
        };
        let ids = others
            .iter()
            .filter_map(|(id, _, _)| board.session(id).map(|s| &s.id))
            .collect();
        e.clash = Some((kind, ids));
    }
    entries.into_iter().map(|(_, _, e)| e).collect()
}

/// What became of a session since it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since<'a> {
    /// It is in another cell now (`from` is where it was).
    Moved { session: &'a Session, from: Cell },
    /// It is no longer on the board (`was` is where it was).
    Cancelled { id: SessionId, was: Cell },
}

/// What differs between `seen` (sessions of the participant's day and their
/// cells, as they last looked) and the board now: the moved ones, then the
/// cancelled ones, each in the order seen.
pub fn since<'a>(board: &'a Board, seen: &[(SessionId, Cell)]) -> Vec<Since<'a>> {
    let mut moved = Vec::new();
    let mut cancelled = Vec::new();
    for (id, cell) in seen {
        match board.session(id) {
            Some(s) if s.cell() != *cell => moved.push(Since::Moved {
                session: s,
                from: cell.clone(),
            }),
            Some(_) => {}
            None => cancelled.push(Since::Cancelled {
                id: id.clone(),
                was: cell.clone(),
            }),
        }
    }
    moved.extend(cancelled);
    moved
}

/// For each session whose host name also hosts another session in the same
/// slot, the first such other session (names compared without case and
/// surrounding spaces).
pub fn host_clashes(board: &Board) -> BTreeMap<SessionId, SessionId> {
    let key = |s: &Session| (s.slot.clone(), s.host.as_str().trim().to_lowercase());
    let mut by_key: BTreeMap<_, Vec<&Session>> = BTreeMap::new();
    for s in board.sessions() {
        by_key.entry(key(s)).or_default().push(s);
    }
    let mut out = BTreeMap::new();
    for group in by_key.values().filter(|g| g.len() > 1) {
        for s in group {
            if let Some(other) = group.iter().find(|o| o.id != s.id) {
                out.insert(s.id.clone(), other.id.clone());
            }
        }
    }
    out
}

/// The same warning for a claim not made yet: a session in `cell`'s slot
/// whose host is `host`.
pub fn host_clash_at<'a>(board: &'a Board, cell: &Cell, host: &str) -> Option<&'a Session> {
    let host = host.trim().to_lowercase();
    board
        .sessions()
        .find(|s| s.slot == cell.slot && s.host.as_str().trim().to_lowercase() == host)
}

#[cfg(test)]
mod tests;
