//! The grid changes on the day: the organisers' commands that add, edit and
//! remove rooms and slots, and shift a day's slots, and the rules that judge
//! them.
//!
//! Its own file because these rules are about the shape of the wall (ids,
//! names, capacities, times, overlaps) and not about sessions; they meet the
//! sessions in one place only: a room or slot that still holds a session or
//! a lock cannot go. Every accepted op is one [`Change::Grid`] carrying the
//! whole grid after it, in display order (rooms as listed, slots by day and
//! start), so that a client, a replay and an undo all simply replace the grid.

use jiff::civil::{Date, Time};

use super::{Board, Cell, Change, Grid, RejectCode, Rejection, Room, RoomId, Slot, SlotId};

/// The most minutes a shift moves slots, either way.
pub const MAX_SHIFT: i32 = 240;
/// The largest capacity of a room.
pub const MAX_CAPACITY: u32 = 100_000;
/// The longest room name, in characters.
pub const MAX_ROOM_NAME: usize = 40;
/// The longest room or slot id.
pub const MAX_ID: usize = 32;

/// A change of the grid, as an organiser asks it (texts not yet judged:
/// [`Board::decide`] says what is wrong with them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridOp {
    AddRoom {
        room: Room,
    },
    EditRoom {
        id: RoomId,
        name: Option<String>,
        capacity: Option<u32>,
    },
    RemoveRoom {
        id: RoomId,
    },
    AddSlot {
        slot: Slot,
    },
    EditSlot {
        id: SlotId,
        start: Option<Time>,
        end: Option<Time>,
    },
    RemoveSlot {
        id: SlotId,
    },
    /// Every slot of `from`'s day starting at or after it moves by `minutes`.
    ShiftSlots {
        from: SlotId,
        minutes: i32,
    },
    /// Not on the wire: puts back a whole grid (the undo of a grid change).
    SetGrid {
        grid: Grid,
    },
}

impl GridOp {
    /// The protocol's name for this op.
    pub fn op(&self) -> &'static str {
        match self {
            GridOp::AddRoom { .. } => "add_room",
            GridOp::EditRoom { .. } => "edit_room",
            GridOp::RemoveRoom { .. } => "remove_room",
            GridOp::AddSlot { .. } => "add_slot",
            GridOp::EditSlot { .. } => "edit_slot",
            GridOp::RemoveSlot { .. } => "remove_slot",
            GridOp::ShiftSlots { .. } => "shift_slots",
            GridOp::SetGrid { .. } => "set_grid",
        }
    }
}

/// Reads `HH:MM` (two digits each, 00:00 to 23:59), or says what to write.
pub fn parse_hhmm(field: &str, text: &str) -> Result<Time, String> {
    super::read_hhmm(text).ok_or_else(|| {
        format!("{field} must be a time HH:MM between 00:00 and 23:59, not {text:?}")
    })
}

/// Reads a day `YYYY-MM-DD`, or says what to write.
pub fn parse_day(text: &str) -> Result<Date, String> {
    super::read_day(text).ok_or_else(|| format!("day must be a date YYYY-MM-DD, not {text:?}"))
}

fn minutes(t: Time) -> i32 {
    i32::from(t.hour()) * 60 + i32::from(t.minute())
}

fn at_minutes(m: i32) -> Option<Time> {
    if !(0..24 * 60).contains(&m) {
        return None;
    }
    Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).ok()
}

fn invalid(message: impl Into<String>) -> Rejection {
    Rejection::new(RejectCode::Invalid, message)
}

fn check_id(what: &str, id: &str) -> Result<(), Rejection> {
    let fine = (1..=MAX_ID).contains(&id.len())
        && id
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if fine {
        Ok(())
    } else {
        Err(invalid(format!(
            "a {what} id is 1 to {MAX_ID} characters of a-z, 0-9 and -, not {id:?}"
        )))
    }
}

fn check_name(name: &str) -> Result<(), Rejection> {
    let count = name.chars().count();
    if name.trim() != name || !(1..=MAX_ROOM_NAME).contains(&count) {
        return Err(invalid(format!(
            "a room name is 1 to {MAX_ROOM_NAME} characters, without spaces around it"
        )));
    }
    if let Some(why) = super::line_problem(name).or_else(|| super::invisible_problem(name)) {
        return Err(invalid(format!("the room name {why}")));
    }
    Ok(())
}

fn check_capacity(capacity: u32) -> Result<(), Rejection> {
    if capacity > MAX_CAPACITY {
        return Err(invalid(format!(
            "a room's capacity is 0 to {MAX_CAPACITY}, not {capacity}"
        )));
    }
    Ok(())
}

fn check_times(id: &SlotId, start: Time, end: Time) -> Result<(), Rejection> {
    if start >= end {
        return Err(invalid(format!(
            "slot {id} must start before it ends (and not cross midnight): {} to {}",
            super::hhmm(start),
            super::hhmm(end)
        )));
    }
    Ok(())
}

/// The first two slots of `day` that overlap, if any.
fn overlap(grid: &Grid, day: Date) -> Option<(&Slot, &Slot)> {
    let mut of_day: Vec<&Slot> = grid.slots.iter().filter(|s| s.day == day).collect();
    of_day.sort_by_key(|s| (s.start, s.end));
    of_day
        .windows(2)
        .find(|w| w[1].start < w[0].end)
        .map(|w| (w[0], w[1]))
}

fn check_no_overlap(grid: &Grid, day: Date) -> Result<(), Rejection> {
    match overlap(grid, day) {
        Some((a, b)) => Err(invalid(format!(
            "slot {} ({}-{}) would overlap slot {} ({}-{}) on {day}",
            b.id,
            super::hhmm(b.start),
            super::hhmm(b.end),
            a.id,
            super::hhmm(a.start),
            super::hhmm(a.end)
        ))),
        None => Ok(()),
    }
}

/// Slots in display order: by day, then start (stable for equal keys).
pub(super) fn in_display_order(mut grid: Grid) -> Grid {
    grid.slots.sort_by_key(|s| (s.day, s.start));
    grid
}

impl Board {
    /// Decides a grid op (the caller checked that the actor is an organiser).
    pub(super) fn decide_grid(&self, op: &GridOp) -> Result<Change, Rejection> {
        let mut next = self.grid.clone();
        match op {
            GridOp::AddRoom { room } => {
                check_id("room", room.id.as_str())?;
                if self.grid.room(&room.id).is_some() {
                    return Err(invalid(format!("there is already a room {}", room.id)));
                }
                check_name(&room.name)?;
                check_capacity(room.capacity)?;
                next.rooms.push(room.clone());
            }
            GridOp::EditRoom { id, name, capacity } => {
                let Some(at) = self.grid.rooms.iter().position(|r| &r.id == id) else {
                    return Err(no_room(id));
                };
                if name.is_none() && capacity.is_none() {
                    return Err(invalid("nothing to edit: give a name or a capacity"));
                }
                if let Some(n) = name {
                    check_name(n)?;
                    next.rooms[at].name = n.clone();
                }
                if let Some(c) = capacity {
                    check_capacity(*c)?;
                    next.rooms[at].capacity = *c;
                }
                if next == self.grid {
                    return Err(invalid(format!("room {id} is already so")));
                }
            }
            GridOp::RemoveRoom { id } => {
                if self.grid.room(id).is_none() {
                    return Err(no_room(id));
                }
                self.check_empty(|c| &c.room == id, &format!("room {id}"))?;
                next.rooms.retain(|r| &r.id != id);
            }
            GridOp::AddSlot { slot } => {
                check_id("slot", slot.id.as_str())?;
                if self.grid.slot(&slot.id).is_some() {
                    return Err(invalid(format!("there is already a slot {}", slot.id)));
                }
                check_times(&slot.id, slot.start, slot.end)?;
                next.slots.push(slot.clone());
                check_no_overlap(&next, slot.day)?;
            }
            GridOp::EditSlot { id, start, end } => {
                let Some(at) = self.grid.slots.iter().position(|s| &s.id == id) else {
                    return Err(no_slot(id));
                };
                if start.is_none() && end.is_none() {
                    return Err(invalid("nothing to edit: give a start or an end"));
                }
                let s = &mut next.slots[at];
                s.start = start.unwrap_or(s.start);
                s.end = end.unwrap_or(s.end);
                let (day, start, end) = (s.day, s.start, s.end);
                check_times(id, start, end)?;
                if next == self.grid {
                    return Err(invalid(format!("slot {id} already has these times")));
                }
                check_no_overlap(&next, day)?;
            }
            GridOp::RemoveSlot { id } => {
                if self.grid.slot(id).is_none() {
                    return Err(no_slot(id));
                }
                self.check_empty(|c| &c.slot == id, &format!("slot {id}"))?;
                next.slots.retain(|s| &s.id != id);
            }
            GridOp::ShiftSlots { from, minutes: by } => {
                let Some(first) = self.grid.slot(from) else {
                    return Err(no_slot(from));
                };
                if *by == 0 || by.abs() > MAX_SHIFT {
                    return Err(invalid(format!(
                        "minutes must be between -{MAX_SHIFT} and {MAX_SHIFT}, and not 0"
                    )));
                }
                let (day, from_start) = (first.day, first.start);
                for s in next
                    .slots
                    .iter_mut()
                    .filter(|s| s.day == day && s.start >= from_start)
                {
                    let moved = at_minutes(minutes(s.start) + by)
                        .zip(at_minutes(minutes(s.end) + by))
                        .filter(|(a, b)| a < b);
                    let Some((start, end)) = moved else {
                        return Err(invalid(format!(
                            "slot {} would cross midnight: a shift stays within its day",
                            s.id
                        )));
                    };
                    s.start = start;
                    s.end = end;
                }
                check_no_overlap(&next, day)?;
            }
            GridOp::SetGrid { grid } => {
                self.check_fits(grid)?;
                // As it was, in its order.
                return Ok(Change::Grid {
                    rooms: grid.rooms.clone(),
                    slots: grid.slots.clone(),
                });
            }
        }
        let next = in_display_order(next);
        Ok(Change::Grid {
            rooms: next.rooms,
            slots: next.slots,
        })
    }

    /// Refuses while a session or a lock sits in a cell `gone` takes away,
    /// naming the sessions.
    fn check_empty(&self, gone: impl Fn(&Cell) -> bool, what: &str) -> Result<(), Rejection> {
        let held: Vec<String> = self
            .sessions
            .values()
            .filter(|s| gone(&s.cell()))
            .map(|s| format!("{} {:?}", s.id, s.title.as_str()))
            .collect();
        if !held.is_empty() {
            return Err(invalid(format!(
                "{what} still holds {}; move or release them first",
                held.join(", ")
            )));
        }
        let locks = self.locks.iter().filter(|c| gone(c)).count();
        if locks > 0 {
            return Err(invalid(format!(
                "{what} still has {locks} locked cell(s); unlock them first"
            )));
        }
        Ok(())
    }

    /// Refuses a whole grid that would leave a session or a lock outside it.
    fn check_fits(&self, grid: &Grid) -> Result<(), Rejection> {
        let out = |c: &Cell| !grid.has_cell(c);
        self.check_empty(out, "the grid being put back lacks a cell that")
    }
}

/// Whether `grid` can be the grid of a board holding sessions and locks in
/// `cells`: unique ids, and every cell on it. What `apply` checks of a
/// journal's `grid` change.
pub(super) fn grid_problem<'a>(
    grid: &Grid,
    mut cells: impl Iterator<Item = &'a Cell>,
) -> Option<String> {
    let mut rooms = std::collections::BTreeSet::new();
    if let Some(r) = grid.rooms.iter().find(|r| !rooms.insert(&r.id)) {
        return Some(format!("room {} appears twice in the grid", r.id));
    }
    let mut slots = std::collections::BTreeSet::new();
    if let Some(s) = grid.slots.iter().find(|s| !slots.insert(&s.id)) {
        return Some(format!("slot {} appears twice in the grid", s.id));
    }
    cells
        .find(|c| !grid.has_cell(c))
        .map(|c| format!("the new grid has no cell {}/{}", c.slot, c.room))
}

fn no_room(id: &RoomId) -> Rejection {
    Rejection::new(
        RejectCode::NotFound,
        format!("there is no room {:?} on this board", id.as_str()),
    )
}

fn no_slot(id: &SlotId) -> Rejection {
    Rejection::new(
        RejectCode::NotFound,
        format!("there is no slot {:?} on this board", id.as_str()),
    )
}
