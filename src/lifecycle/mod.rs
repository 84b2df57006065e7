//! An event's life: upcoming, live, ended.
//!
//! The rule, in the event's own timezone:
//!
//! - **upcoming** before 00:00 of its first day,
//! - **live** from 00:00 of its first day until the end of its last slot,
//! - **ended** from the end of its last slot on, or as soon as an organiser
//!   closed it for good (the `end` command, journaled as a `Change::Ended`).
//!
//! Upcoming and live boards both take every command: attendees may claim a
//! slot before the day, that is how a BarCamp prepares. An ended board
//! refuses every command with `ended`, for good. When the last slot has
//! passed, the event's hub journals the `ended` change itself (on its next
//! batch, and at most [`CHECK_EVERY`] later even when nobody writes), so the
//! end is in the history, is broadcast live, and triggers the archive like an
//! organiser's `end`.
//!
//! The board itself has no clock (it only knows the `Ended` change); this
//! module is where the time is read against the config.
//!
//! The module also decides the start-up check that a config change cannot
//! orphan a board: [`orphans_in`] names every session and lock that sits in
//! a room or slot the config no longer has, and [`orphan_message`] says what
//! to do (`store::orphans` reads the folder and asks them).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use jiff::Timestamp;

use crate::board::{Board, BoardState, Cell, Change, Grid, RejectCode, Rejection, SessionId};
use crate::config::EventConfig;
use crate::record::Record;

/// How often a hub looks at the clock to end its event when nobody writes.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);

/// Where an event is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Before 00:00 of its first day (event timezone). Takes commands.
    Upcoming,
    /// From 00:00 of its first day to the end of its last slot.
    Live,
    /// After its last slot, or closed for good by an organiser.
    Ended,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Upcoming => "upcoming",
            State::Live => "live",
            State::Ended => "ended",
        }
    }
}

/// 00:00 of the event's first day, in its timezone (the first instant of
/// that day if a clock change skips midnight).
pub fn starts_at(event: &EventConfig) -> Option<Timestamp> {
    let first = event.days.iter().map(|d| d.date).min()?;
    first.to_zoned(event.tz()).ok().map(|z| z.timestamp())
}

/// The end of the event's last slot. A time in a daylight-saving gap is
/// moved forward, as clocks do (see [`EventConfig::slot_times`]).
pub fn ends_at(event: &EventConfig) -> Option<Timestamp> {
    event
        .days
        .iter()
        .flat_map(|d| d.slots.iter())
        .filter_map(|s| event.slot_times(&s.id))
        .map(|(_, end)| end.timestamp())
        .max()
}

/// The end of the last slot of `grid` in `tz`: [`ends_at`] for a board
/// whose grid organisers changed (a delayed afternoon ends later).
pub fn grid_ends_at(tz: &jiff::tz::TimeZone, grid: &Grid) -> Option<Timestamp> {
    grid.slots
        .iter()
        .filter_map(|s| s.day.to_datetime(s.end).to_zoned(tz.clone()).ok())
        .map(|z| z.timestamp())
        .max()
}

/// When a grid's event starts (00:00 of its first day) and ends (the end
/// of its last slot), in its timezone: what [`state_at`] needs, small
/// enough for the hub to publish after every grid change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
}

/// The [`Span`] of `grid` in `tz`.
pub fn grid_span(tz: &jiff::tz::TimeZone, grid: &Grid) -> Span {
    let start = grid
        .days()
        .first()
        .and_then(|d| d.to_zoned(tz.clone()).ok())
        .map(|z| z.timestamp());
    Span {
        start,
        end: grid_ends_at(tz, grid),
    }
}

/// The state at `now` of an event spanning `span`, `closed` for good or not.
pub fn state_at(span: Span, closed: bool, now: Timestamp) -> State {
    if closed || span.end.is_some_and(|end| now >= end) {
        State::Ended
    } else if span.start.is_some_and(|start| now < start) {
        State::Upcoming
    } else {
        State::Live
    }
}

/// The state of an event at `now`: its board's days and slots (the
/// config's, or the grid organisers made of them), and whether its board
/// was closed for good.
pub fn state(event: &EventConfig, board: &Board, now: Timestamp) -> State {
    if !board.grid_changed() {
        return state_of(event, board.is_ended(), now);
    }
    state_at(grid_span(&event.tz(), board.grid()), board.is_ended(), now)
}

/// [`state`] when only the board's `ended` flag is at hand.
pub fn state_of(event: &EventConfig, closed: bool, now: Timestamp) -> State {
    if closed || ends_at(event).is_some_and(|end| now >= end) {
        State::Ended
    } else if starts_at(event).is_some_and(|start| now < start) {
        State::Upcoming
    } else {
        State::Live
    }
}

/// Where an event's archive is served.
pub fn archive_url(slug: &str) -> String {
    format!("/archive/{slug}")
}

/// The message of the `ended` reject, with the archive's address.
pub fn ended_message(slug: &str) -> String {
    format!(
        "This event has ended; its programme is in the archive: {}",
        archive_url(slug)
    )
}

/// Gives an `ended` rejection from the board (which knows no slug) the
/// archive's address; any other rejection is returned as it is.
pub fn with_archive_link(mut rejection: Rejection, slug: &str) -> Rejection {
    if rejection.code == RejectCode::Ended {
        rejection.message = ended_message(slug);
    }
    rejection
}

/// The change a hub journals when the clock ended its event.
pub fn end_change() -> Change {
    Change::Ended {}
}

// ---------------------------------------------------------------------------
// Start-up: a config change must not orphan a board.

/// A session (or a lock) of the data folder in a cell the config lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    /// `None` for a lock.
    pub session: Option<(SessionId, String)>,
    pub cell: Cell,
    /// Still there at the end of the data (`false`: only an older line of
    /// the journal has it there, before it was moved or removed).
    pub current: bool,
}

/// What sits in a cell of no room or no slot of `grid`, given what an
/// event's folder holds: the board of its snapshot (if any) and the records
/// of its journal after it. Pure: `store::orphans` reads the files.
pub fn orphans_in(
    grid: &Grid,
    snapshot: Option<BoardState>,
    journal: impl IntoIterator<Item = Record>,
) -> Vec<Orphan> {
    // The grid the data was written on: the config's, until a snapshot or
    // a `grid` line of the journal carries the live one.
    let mut grid = grid.clone();
    let fits = |grid: &Grid, c: &Cell| grid.room(&c.room).is_some() && grid.slot(&c.slot).is_some();
    let mut sessions: BTreeMap<SessionId, (String, Cell)> = BTreeMap::new();
    let mut locks: Vec<Cell> = Vec::new();
    let mut rev = 0;
    if let Some(snap) = snapshot {
        rev = snap.rev;
        if let Some(live) = snap.grid {
            grid = live;
        }
        for s in snap.sessions {
            let cell = s.cell();
            sessions.insert(s.id, (s.title.as_str().to_owned(), cell));
        }
        locks = snap.locks;
    }
    // Cells that an older line of the journal has, and that make it unreadable.
    let mut past: Vec<Orphan> = Vec::new();
    for record in journal {
        if record.rev <= rev {
            continue;
        }
        let mut note = |session: Option<(SessionId, String)>, cell: Cell| {
            if !fits(&grid, &cell) {
                past.push(Orphan {
                    session,
                    cell,
                    current: false,
                });
            }
        };
        match record.change {
            Change::Claimed { session, .. } | Change::Edited { session } => {
                let cell = session.cell();
                note(
                    Some((session.id.clone(), session.title.as_str().to_owned())),
                    cell.clone(),
                );
                sessions.insert(session.id, (session.title.as_str().to_owned(), cell));
            }
            Change::Released { session } => {
                sessions.remove(&session);
            }
            Change::Removed { sessions: gone } => {
                for id in gone {
                    sessions.remove(&id);
                }
            }
            Change::Restored { sessions: back, .. } => {
                for session in back {
                    let title = session.title.as_str().to_owned();
                    note(Some((session.id.clone(), title.clone())), session.cell());
                    sessions.insert(session.id.clone(), (title, session.cell()));
                }
            }
            Change::Moved {
                session,
                slot,
                room,
            } => {
                let to = Cell { slot, room };
                let title = sessions.get(&session).map(|(t, _)| t.clone());
                note(title.clone().map(|t| (session.clone(), t)), to.clone());
                if let Some(entry) = sessions.get_mut(&session) {
                    entry.1 = to;
                }
            }
            Change::Swapped { a, b } => {
                if let (Some(ca), Some(cb)) = (
                    sessions.get(&a).map(|s| s.1.clone()),
                    sessions.get(&b).map(|s| s.1.clone()),
                ) {
                    sessions.entry(a).and_modify(|s| s.1 = cb);
                    sessions.entry(b).and_modify(|s| s.1 = ca);
                }
            }
            Change::Locked { slot, room } => {
                let cell = Cell { slot, room };
                note(None, cell.clone());
                locks.push(cell);
            }
            Change::Unlocked { slot, room } => {
                let cell = Cell { slot, room };
                note(None, cell.clone());
                locks.retain(|c| c != &cell);
            }
            // The pitch queue holds no cell.
            Change::PitchQueued { .. }
            | Change::PitchRemoved { .. }
            | Change::PitchCalled { .. }
            | Change::PitchMoved { .. }
            | Change::PitchOpened { .. }
            | Change::PitchHands { .. } => {}
            Change::Grid { rooms, slots } => {
                // Decided on the board of its time: what it orphans is
                // judged at the end, against the last grid.
                grid = Grid { rooms, slots };
            }
            Change::Opened { .. }
            | Change::Announced { .. }
            | Change::Voted { .. }
            | Change::Ended {} => {}
        }
    }
    let mut found: Vec<Orphan> = sessions
        .into_iter()
        .filter(|(_, (_, cell))| !fits(&grid, cell))
        .map(|(id, (title, cell))| Orphan {
            session: Some((id, title)),
            cell,
            current: true,
        })
        .collect();
    found.extend(
        locks
            .into_iter()
            .filter(|c| !fits(&grid, c))
            .map(|cell| Orphan {
                session: None,
                cell,
                current: true,
            }),
    );
    for p in past {
        if !found
            .iter()
            .any(|f| f.session == p.session && f.cell == p.cell)
        {
            found.push(p);
        }
    }
    found
}

/// When the live grid (changed by organisers, from the journal) is not the
/// config's: a warning naming both, what differs, and that the live one
/// wins. `None` when they agree. Never a reason to stop.
pub fn grid_drift(place: &str, config: &Grid, live: &Grid) -> Option<String> {
    if config == live {
        return None;
    }
    let mut diffs = Vec::new();
    for r in &live.rooms {
        match config.room(&r.id) {
            None => diffs.push(format!("room {:?} was added", r.id.as_str())),
            Some(c) if c != r => diffs.push(format!(
                "room {:?} is {:?} ({}) in the config, {:?} ({}) live",
                r.id.as_str(),
                c.name,
                c.capacity,
                r.name,
                r.capacity
            )),
            Some(_) => {}
        }
    }
    for r in config.rooms.iter().filter(|r| live.room(&r.id).is_none()) {
        diffs.push(format!("room {:?} was removed", r.id.as_str()));
    }
    let when = |s: &crate::board::Slot| {
        format!(
            "{} {}-{}",
            s.day,
            crate::board::hhmm(s.start),
            crate::board::hhmm(s.end)
        )
    };
    for s in &live.slots {
        match config.slot(&s.id) {
            None => diffs.push(format!("slot {:?} ({}) was added", s.id.as_str(), when(s))),
            Some(c) if c != s => diffs.push(format!(
                "slot {:?} is {} in the config, {} live",
                s.id.as_str(),
                when(c),
                when(s)
            )),
            Some(_) => {}
        }
    }
    for s in config.slots.iter().filter(|s| live.slot(&s.id).is_none()) {
        diffs.push(format!("slot {:?} was removed", s.id.as_str()));
    }
    if diffs.is_empty() {
        diffs.push("the order of rooms or slots differs".into());
    }
    Some(format!(
        "the grid of {place} was changed live by its organisers and differs from config.toml's \
         ({}); the live grid is used; copy it into config.toml to make them agree",
        diffs.join("; ")
    ))
}

/// The start-up error for orphans: what sits where (`place` names the
/// event's folder), what is missing from the config, and the two ways out.
pub fn orphan_message(place: &str, grid: &Grid, orphans: &[Orphan]) -> String {
    // The caller names the event ("cannot open the data of event ...").
    let mut m = format!("the config no longer has rooms or slots that its board uses ({place}):\n");
    for o in orphans {
        let what = match &o.session {
            Some((id, title)) => format!("session {id} \"{title}\""),
            None => "a lock".to_owned(),
        };
        let missing = match (
            grid.slot(&o.cell.slot).is_none(),
            grid.room(&o.cell.room).is_none(),
        ) {
            (true, true) => "neither the slot nor the room is in the config",
            (true, false) => "the slot is not in the config",
            _ => "the room is not in the config",
        };
        let when = if o.current {
            "sits in"
        } else {
            "was put in (by a change the journal still holds)"
        };
        let _ = writeln!(
            m,
            "  - {what} {when} slot \"{}\", room \"{}\": {missing}",
            o.cell.slot, o.cell.room
        );
    }
    m.push_str(
        "Nothing was changed on disk. To fix it, either put these rooms and slots back in the \
         config with the same ids, or start once with the previous config, move or remove these \
         sessions (and unlock these cells), stop the server cleanly (it then writes a snapshot), \
         and change the config again.",
    );
    m
}

#[cfg(test)]
mod tests;
