//! The schedule in formats other programs read.
//!
//! Every export is a pure function of the event's config and a board (plus,
//! where a format needs one, the public URL, the time of the last change or a
//! language): the same board gives the same bytes, byte for byte. None of
//! them reads the clock, so the archive can write them again and get the same
//! files, and the live routes serve exactly what the archive will keep.
//!
//! - [`ics`], [`ics_session`]: iCalendar, with a `VTIMEZONE`.
//! - [`csv()`]: one row per session, for spreadsheets.
//! - [`frab_xml`], [`frab_json`]: the frab/pretalx `schedule.xml` and
//!   `schedule.json` that conference apps (Giggity, ConfClerk, ...) read.
//! - [`static_html`]: a static, self-contained, printable programme.
//! - [`state`]: `board.json`, the state of `welcome`, and `presence`.
//! - [`archived`]: an archive's `board.json` as it is read back.

pub mod archived;
mod csv;
mod frab;
mod html;
mod ics;
pub mod state;

pub use self::csv::csv;
pub use self::frab::{frab_json, frab_xml};
pub use self::html::static_html;
pub use self::ics::{ics, ics_of, ics_session};
pub use self::state::{EventHead, board_json, presence_json, state_json};

use jiff::Timestamp;
use jiff::Zoned;
use jiff::civil::Date;

use crate::board::{Board, Room, Session, Slot};
use crate::config::EventConfig;

/// One session where the programme puts it.
struct Placed<'a> {
    session: &'a Session,
    slot: &'a Slot,
    room: &'a Room,
    /// What the room is called in the exports (its name, made unique).
    room_label: &'a str,
    start: Zoned,
    end: Zoned,
}

/// The sessions of a board in programme order: by day, start, then the
/// rooms' order in the grid. A session whose slot or room the grid no
/// longer knows is left out (the board refuses such a state at start).
fn programme<'a>(event: &EventConfig, board: &'a Board, labels: &'a [String]) -> Vec<Placed<'a>> {
    let grid = board.grid();
    let mut placed: Vec<(usize, Placed<'a>)> = board
        .sessions()
        .filter_map(|session| {
            let slot = grid.slot(&session.slot)?;
            let index = grid.rooms.iter().position(|r| r.id == session.room)?;
            let (start, end) = slot_times(event, slot)?;
            Some((
                index,
                Placed {
                    session,
                    slot,
                    room: &grid.rooms[index],
                    room_label: labels[index].as_str(),
                    start,
                    end,
                },
            ))
        })
        .collect();
    placed.sort_by(|(ra, a), (rb, b)| {
        (a.slot.day, a.slot.start, ra, &a.session.id).cmp(&(
            b.slot.day,
            b.slot.start,
            rb,
            &b.session.id,
        ))
    });
    placed.into_iter().map(|(_, p)| p).collect()
}

/// The rooms' names as the exports show them, in the grid's order: a name
/// that two rooms share gets the room's id after it, so that formats keyed
/// by room name (`schedule.json`) never merge two rooms.
fn room_labels(board: &Board) -> Vec<String> {
    let rooms = &board.grid().rooms;
    rooms
        .iter()
        .map(|r| {
            if rooms.iter().filter(|o| o.name == r.name).count() > 1 {
                format!("{} ({})", r.name, r.id)
            } else {
                r.name.clone()
            }
        })
        .collect()
}

/// The days of the event, by date, each with its slots in order.
fn days(board: &Board) -> Vec<(Date, Vec<&Slot>)> {
    let mut days: Vec<(Date, Vec<&Slot>)> = Vec::new();
    let mut slots: Vec<&Slot> = board.grid().slots.iter().collect();
    slots.sort_by(|a, b| (a.day, a.start, &a.id).cmp(&(b.day, b.start, &b.id)));
    for slot in slots {
        match days.last_mut() {
            Some((day, list)) if *day == slot.day => list.push(slot),
            _ => days.push((slot.day, vec![slot])),
        }
    }
    days
}

/// The time an export says it was made, when the caller has none (no change
/// yet, or a live export): the start of the event's first slot, so that the
/// same board always gives the same bytes.
fn default_stamp(event: &EventConfig, board: &Board) -> Timestamp {
    board
        .grid()
        .slots
        .iter()
        .filter_map(|s| slot_times(event, s))
        .map(|(start, _)| start.timestamp())
        .min()
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// When a slot of the board starts and ends in the event's timezone: the
/// board's grid (changed on the day, perhaps), not the config's. A time in a
/// daylight-saving gap is moved forward, as clocks do.
fn slot_times(event: &EventConfig, slot: &Slot) -> Option<(Zoned, Zoned)> {
    let at = |t| slot.day.to_datetime(t).to_zoned(event.tz()).ok();
    Some((at(slot.start)?, at(slot.end)?))
}

/// `HH:MM` of a duration in minutes (`00:45`, `01:30`).
fn hh_mm(minutes: i64) -> String {
    let minutes = minutes.max(0);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Whole minutes from `start` to `end`.
fn minutes_between(start: &Zoned, end: &Zoned) -> i64 {
    (end.timestamp().as_second() - start.timestamp().as_second()) / 60
}

/// `2026-12-05T09:30:00+01:00`.
fn rfc3339_local(t: &Zoned) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The event's first language, `fr` or `en`.
fn first_language(event: &EventConfig) -> &str {
    event.languages.first().map_or("fr", String::as_str)
}

/// The tags of a session, joined with `", "`.
fn tags_joined(session: &Session) -> String {
    session
        .tags
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
