//! The schedule questions every page asks of a board, answered once, here:
//! where a slot stands against the clock (past, now, next, later), which free
//! cells to offer when the wanted one is taken, and which bigger room to offer
//! a crowded session.
//!
//! Why in the core: the phone, the wall, the no-JS forms and the socket's
//! `reject` frame all need the same answers, and each page used to carry its
//! own copy (in Rust and again in JS) that could drift. Here they are pure
//! functions of the board, the event's timezone and an instant handed in by
//! the caller: no clock, no IO, so they are unit and property tested, and the
//! pages' scripts only look up what the server computed.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::Serialize;

use super::{Board, Cell, Room, Session, Slot, SlotId};

/// At most this many alternatives are offered for a taken cell.
pub const MAX_ALTERNATIVES: usize = 4;

/// Where a slot stands against the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Over: it has ended.
    Past,
    /// Running: it has started and not ended.
    Now,
    /// The first one to start after the instant.
    Next,
    /// Later than the next one.
    Later,
}

impl Phase {
    /// `past`, `now`, `next`, `later`: the class and data the pages use.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Past => "past",
            Phase::Now => "now",
            Phase::Next => "next",
            Phase::Later => "later",
        }
    }
}

/// When a slot starts and ends, in `tz`. A time in a daylight-saving gap
/// moves forward, as clocks do. `None` only for a day at the very edge of
/// the calendar (year 9999) that no instant can hold.
pub fn slot_instants(slot: &Slot, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
    let at = |time: Time| -> Option<Timestamp> {
        let zoned = slot.day.to_datetime(time).to_zoned(tz.clone()).ok()?;
        Some(zoned.timestamp())
    };
    Some((at(slot.start)?, at(slot.end)?))
}

/// The phase of each slot, given as `[start, end)` instants in any order
/// (`None`: no known times, always [`Phase::Later`]), at `at`.
pub fn phases(times: &[Option<(Timestamp, Timestamp)>], at: Timestamp) -> Vec<Phase> {
    let next = times
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.map(|t| (i, t)))
        .filter(|(_, (start, _))| *start > at)
        .min_by_key(|(i, (start, _))| (*start, *i))
        .map(|(i, _)| i);
    times
        .iter()
        .enumerate()
        .map(|(i, t)| match t {
            Some((_, end)) if *end <= at => Phase::Past,
            Some((start, _)) if *start <= at => Phase::Now,
            Some(_) if Some(i) == next => Phase::Next,
            _ => Phase::Later,
        })
        .collect()
}

/// The slot "jump to now" goes to: the first running one, else the next.
pub fn target(phases: &[Phase]) -> Option<usize> {
    phases
        .iter()
        .position(|p| *p == Phase::Now)
        .or_else(|| phases.iter().position(|p| *p == Phase::Next))
}

/// Which of the days to show: `today`, else the first one to come, else the
/// last one. `None` only when there are no days.
pub fn day_to_show(days: &[Date], today: Date) -> Option<usize> {
    if let Some(i) = days.iter().position(|d| *d == today) {
        return Some(i);
    }
    let upcoming = days
        .iter()
        .enumerate()
        .filter(|(_, d)| **d > today)
        .min_by_key(|(_, d)| **d)
        .map(|(i, _)| i);
    upcoming.or_else(|| {
        days.iter()
            .enumerate()
            .max_by_key(|(_, d)| **d)
            .map(|(i, _)| i)
    })
}

/// An event's slots (in the grid's order) and days, placed in its timezone:
/// the one model of "where are we in the programme" for every page.
#[derive(Debug, Clone)]
pub struct Schedule {
    ids: Vec<SlotId>,
    times: Vec<Option<(Timestamp, Timestamp)>>,
    days: Vec<Date>,
    tz: TimeZone,
}

/// Where the programme stands at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    ids: Vec<SlotId>,
    phases: Vec<Phase>,
}

impl Clock {
    /// The phase of `slot` (an unknown slot is [`Phase::Later`]).
    pub fn phase(&self, slot: &SlotId) -> Phase {
        self.ids
            .iter()
            .position(|id| id == slot)
            .map_or(Phase::Later, |i| self.phases[i])
    }

    /// The first slot running now, if any.
    pub fn now(&self) -> Option<&SlotId> {
        self.first(Phase::Now)
    }

    /// The next slot to start, if any.
    pub fn next(&self) -> Option<&SlotId> {
        self.first(Phase::Next)
    }

    /// Where "jump to now" goes: the running slot, else the next.
    pub fn target(&self) -> Option<&SlotId> {
        target(&self.phases).map(|i| &self.ids[i])
    }

    /// The phases, in the schedule's slot order.
    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    fn first(&self, phase: Phase) -> Option<&SlotId> {
        let i = self.phases.iter().position(|p| *p == phase)?;
        Some(&self.ids[i])
    }
}

/// From `from` on (until the next step), these are the phases of the slots,
/// the slot "jump to now" goes to, and the day to show. A page's script
/// finds the last step that has begun and shows it: it computes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `None` for the first step: since ever.
    pub from: Option<Timestamp>,
    /// In the schedule's slot order.
    pub phases: Vec<Phase>,
    /// An index into the slots.
    pub target: Option<usize>,
    /// An index into the days.
    pub day: Option<usize>,
}

impl Schedule {
    /// The slots of a grid (in its order) and the days to show, sorted and
    /// without repeats, in `tz`.
    pub fn new(slots: &[Slot], days: impl IntoIterator<Item = Date>, tz: TimeZone) -> Schedule {
        let mut days: Vec<Date> = days.into_iter().collect();
        days.sort();
        days.dedup();
        Schedule {
            ids: slots.iter().map(|s| s.id.clone()).collect(),
            times: slots.iter().map(|s| slot_instants(s, &tz)).collect(),
            days,
            tz,
        }
    }

    /// The days, in order.
    pub fn days(&self) -> &[Date] {
        &self.days
    }

    /// When the slot at `index` starts and ends.
    pub fn times(&self, index: usize) -> Option<(Timestamp, Timestamp)> {
        self.times.get(index).copied().flatten()
    }

    /// When `slot` starts and ends.
    pub fn times_of(&self, slot: &SlotId) -> Option<(Timestamp, Timestamp)> {
        let i = self.ids.iter().position(|id| id == slot)?;
        self.times(i)
    }

    /// Where the programme stands at `at`.
    pub fn clock(&self, at: Timestamp) -> Clock {
        Clock {
            ids: self.ids.clone(),
            phases: phases(&self.times, at),
        }
    }

    /// When `date` begins (its first instant) in the event's timezone.
    pub fn start_of(&self, date: Date) -> Option<Timestamp> {
        Some(date.to_zoned(self.tz.clone()).ok()?.timestamp())
    }

    /// The date of `at` in the event's timezone.
    pub fn date_at(&self, at: Timestamp) -> Date {
        at.to_zoned(self.tz.clone()).date()
    }

    /// The day to show at `at` (an index into [`Schedule::days`]).
    pub fn day_at(&self, at: Timestamp) -> Option<usize> {
        day_to_show(&self.days, at.to_zoned(self.tz.clone()).date())
    }

    /// Every change of phase, target or day, in time order: the step at any
    /// instant is the last one whose `from` has passed.
    pub fn timeline(&self) -> Vec<Step> {
        let mut bounds: Vec<Timestamp> = self
            .times
            .iter()
            .flatten()
            .flat_map(|(a, b)| [*a, *b])
            .chain(
                self.days
                    .iter()
                    .filter_map(|d| Some(d.to_zoned(self.tz.clone()).ok()?.timestamp())),
            )
            .collect();
        bounds.sort();
        bounds.dedup();
        let step = |from: Option<Timestamp>| {
            let at = from.unwrap_or(Timestamp::MIN);
            let phases = phases(&self.times, at);
            Step {
                from,
                target: target(&phases),
                phases,
                day: self.day_at(at),
            }
        };
        let mut steps = vec![step(None)];
        for b in bounds {
            let s = step(Some(b));
            let last = steps.last().expect("the first step is there");
            if (&s.phases, s.target, s.day) != (&last.phases, last.target, last.day) {
                steps.push(s);
            }
        }
        steps
    }
}

/// The step of a timeline at `at`.
pub fn step_at(steps: &[Step], at: Timestamp) -> Option<&Step> {
    steps
        .iter()
        .rev()
        .find(|s| s.from.is_none_or(|from| from <= at))
}

/// Whether anyone may claim or move a session into this cell.
pub fn is_free(board: &Board, cell: &Cell) -> bool {
    board.session_at(cell).is_none() && !board.is_locked(cell)
}

/// The free, unlocked cells to offer instead of `cell` (PROTOCOL.md,
/// "Alternatives on `taken`"), nearest first: the same slot in another room
/// of at least the capacity of the room asked for (in the grid's order),
/// then the same room in the following slots; at most [`MAX_ALTERNATIVES`].
/// Whoever wanted a room that size is not offered a smaller one.
pub fn alternatives(board: &Board, cell: &Cell) -> Vec<Cell> {
    let seats = board.grid().room(&cell.room).map_or(0, |r| r.capacity);
    alternatives_seating(board, cell, seats)
}

/// [`alternatives`] among the rooms that seat at least `seats`.
pub fn alternatives_seating(board: &Board, cell: &Cell, seats: u32) -> Vec<Cell> {
    let grid = board.grid();
    let Some(at) = grid.slots.iter().position(|s| s.id == cell.slot) else {
        return Vec::new();
    };
    let same_slot = grid
        .rooms
        .iter()
        .filter(|r| r.id != cell.room && r.capacity >= seats)
        .map(|r| Cell {
            slot: cell.slot.clone(),
            room: r.id.clone(),
        });
    let same_room = grid.slots[at + 1..].iter().map(|s| Cell {
        slot: s.id.clone(),
        room: cell.room.clone(),
    });
    same_slot
        .chain(same_room)
        .filter(|c| is_free(board, c))
        .take(MAX_ALTERNATIVES)
        .collect()
}

/// When more people want to attend a session than its room holds, a free
/// room of the same slot that holds more: the smallest that holds them all,
/// else the biggest.
pub fn bigger_room<'a>(board: &'a Board, s: &Session) -> Option<&'a Room> {
    let grid = board.grid();
    let here = grid.room(&s.room)?;
    if s.votes <= here.capacity {
        return None;
    }
    let mut bigger: Vec<&Room> = grid
        .rooms
        .iter()
        .filter(|r| r.capacity > here.capacity)
        .filter(|r| {
            is_free(
                board,
                &Cell {
                    slot: s.slot.clone(),
                    room: r.id.clone(),
                },
            )
        })
        .collect();
    bigger.sort_by_key(|r| r.capacity);
    bigger
        .iter()
        .find(|r| r.capacity >= s.votes)
        .or(bigger.last())
        .copied()
}

/// Every free cell of the board, slot by slot, rooms in order: where a
/// session may move.
pub fn free_cells(board: &Board) -> Vec<Cell> {
    let grid = board.grid();
    grid.slots
        .iter()
        .flat_map(|slot| {
            grid.rooms.iter().map(move |r| Cell {
                slot: slot.id.clone(),
                room: r.id.clone(),
            })
        })
        .filter(|c| is_free(board, c))
        .collect()
}
