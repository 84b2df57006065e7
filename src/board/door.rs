//! What a room's door sign shows at an instant: the session in the room now
//! and the next one, or the free (or locked) cell of that slot.
//!
//! Why in the core, beside the [`Schedule`]: "which slot is running and
//! which comes next" is the schedule's question, already answered for the
//! wall and the phone; the sign asks it for one room. The page renders the
//! sign at its instant, and its script follows the clock by looking up the
//! [`door_timeline`] (from each instant on, the slot shown as "now" and the
//! one shown as "next"): it computes no phase of its own.

use jiff::Timestamp;

use super::schedule::{Phase, Schedule};
use super::{Board, Cell, RoomId, Session, Slot};

/// What is in a room during one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occupant<'a> {
    /// A session is held there.
    Session(&'a Session),
    /// Nobody holds it, and it is not locked: anyone may claim it.
    Free,
    /// Organisers locked it.
    Locked,
}

/// One line of a door sign: a slot of the room and what is in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoorCell<'a> {
    pub slot: &'a Slot,
    pub occupant: Occupant<'a>,
}

/// The door sign of a room at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoorSign<'a> {
    /// The slot running now, if any.
    pub now: Option<DoorCell<'a>>,
    /// The next slot to start, if any.
    pub next: Option<DoorCell<'a>>,
    /// The next slot is on another day than the instant (the sign says
    /// which day).
    pub next_another_day: bool,
}

impl DoorSign<'_> {
    /// The cell the sign offers to claim: the free one now, else the free
    /// one next. `None` when neither is free.
    pub fn claimable(&self) -> Option<&DoorCell<'_>> {
        [&self.now, &self.next]
            .into_iter()
            .flatten()
            .find(|c| c.occupant == Occupant::Free)
    }
}

/// From `from` on (until the next step), the sign shows the slot at index
/// `now` (into the grid's slots) as running and `next` as the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoorStep {
    /// `None` for the first step: since ever.
    pub from: Option<Timestamp>,
    pub now: Option<usize>,
    pub next: Option<usize>,
    /// The slot `next` is on another day than the instants of this step.
    pub next_another_day: bool,
}

/// What is in `room` during `slot`.
pub fn occupant<'a>(board: &'a Board, room: &RoomId, slot: &Slot) -> Occupant<'a> {
    let cell = Cell {
        slot: slot.id.clone(),
        room: room.clone(),
    };
    match board.session_at(&cell) {
        Some(s) => Occupant::Session(s),
        None if board.is_locked(&cell) => Occupant::Locked,
        None => Occupant::Free,
    }
}

/// The sign of `room` at `at`, with `schedule` made of the board's grid
/// (`Schedule::new(&board.grid().slots, ..)`). `None` for a room the board
/// does not have.
pub fn door_sign<'a>(
    board: &'a Board,
    schedule: &Schedule,
    room: &RoomId,
    at: Timestamp,
) -> Option<DoorSign<'a>> {
    board.grid().room(room)?;
    let clock = schedule.clock(at);
    let slots = &board.grid().slots;
    let line = |i: Option<usize>| {
        let slot = &slots[i?];
        Some(DoorCell {
            slot,
            occupant: occupant(board, room, slot),
        })
    };
    let next = line(first(clock.phases(), Phase::Next));
    Some(DoorSign {
        now: line(first(clock.phases(), Phase::Now)),
        next_another_day: next.is_some_and(|c| c.slot.day != schedule.date_at(at)),
        next,
    })
}

/// Every change of the slots a sign shows, in time order: the step at any
/// instant is the last one whose `from` has passed (the same steps as the
/// schedule's timeline, without those that change nothing on a sign).
pub fn door_timeline(board: &Board, schedule: &Schedule) -> Vec<DoorStep> {
    let slots = &board.grid().slots;
    // What a sign shows changes only at a slot's start or end, or at the
    // midnight of a day of the event (where "another day" turns into
    // "today"): between two of these bounds it is the same.
    let mut bounds: Vec<Timestamp> = (0..slots.len())
        .filter_map(|i| schedule.times(i))
        .flat_map(|(start, end)| [start, end])
        .chain(schedule.days().iter().filter_map(|d| schedule.start_of(*d)))
        .collect();
    bounds.sort();
    bounds.dedup();
    let step = |from: Option<Timestamp>| {
        let at = from.unwrap_or(Timestamp::MIN);
        let clock = schedule.clock(at);
        let next = first(clock.phases(), Phase::Next);
        DoorStep {
            from,
            now: first(clock.phases(), Phase::Now),
            next,
            next_another_day: next
                .and_then(|i| slots.get(i))
                .is_some_and(|slot| slot.day != schedule.date_at(at)),
        }
    };
    let shown = |d: &DoorStep| (d.now, d.next, d.next_another_day);
    let mut steps = vec![step(None)];
    for b in bounds {
        let s = step(Some(b));
        if steps.last().is_none_or(|l| shown(l) != shown(&s)) {
            steps.push(s);
        }
    }
    steps
}

/// The door step of a timeline at `at`.
pub fn door_step_at(steps: &[DoorStep], at: Timestamp) -> Option<&DoorStep> {
    steps
        .iter()
        .rev()
        .find(|s| s.from.is_none_or(|from| from <= at))
}

fn first(phases: &[Phase], phase: Phase) -> Option<usize> {
    phases.iter().position(|p| *p == phase)
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::board::{
        Actor, Command, Description, Grid, Host, Limits, ParticipantId, Role, Room, Tags, Title,
    };

    fn slot(id: &str, day: &str, start: &str, end: &str) -> Slot {
        Slot {
            id: id.into(),
            day: day.parse().unwrap(),
            start: start.parse().unwrap(),
            end: end.parse().unwrap(),
        }
    }

    /// Two rooms; slots a, b, c on the 5th, d on the 6th (Paris).
    fn grid() -> Grid {
        let room = |id: &str| Room {
            id: id.into(),
            name: id.to_uppercase(),
            capacity: 10,
        };
        Grid {
            rooms: vec![room("big"), room("mid")],
            slots: vec![
                slot("a", "2026-12-05", "09:30", "10:15"),
                slot("b", "2026-12-05", "10:30", "11:15"),
                slot("c", "2026-12-05", "11:30", "12:15"),
                slot("d", "2026-12-06", "09:30", "10:15"),
            ],
        }
    }

    fn schedule(board: &Board) -> Schedule {
        let g = board.grid();
        Schedule::new(&g.slots, g.days(), TimeZone::get("Europe/Paris").unwrap())
    }

    fn cell(slot: &str, room: &str) -> Cell {
        Cell {
            slot: slot.into(),
            room: room.into(),
        }
    }

    fn actor(role: Role) -> Actor {
        Actor {
            id: ParticipantId("p_1".into()),
            role,
        }
    }

    fn claim(board: &mut Board, c: Cell, title: &str) {
        let l = Limits::default();
        board
            .execute(
                &actor(Role::Participant),
                &Command::Claim {
                    cell: c,
                    title: Title::parse(title, &l).unwrap(),
                    host: Host::parse("Maël", &l).unwrap(),
                    description: Description::empty(),
                    tags: Tags::parse::<&str>(&[], &l).unwrap(),
                },
            )
            .unwrap();
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn title<'a>(c: &Option<DoorCell<'a>>) -> Option<(&'a str, &'a str)> {
        match c.map(|c| (c.slot.id.as_str(), c.occupant)) {
            Some((slot, Occupant::Session(s))) => Some((slot, s.title.as_str())),
            _ => None,
        }
    }

    #[test]
    fn the_sign_shows_the_session_now_and_the_next_one() {
        let mut board = Board::new(grid());
        claim(&mut board, cell("a", "big"), "Alpha");
        claim(&mut board, cell("b", "big"), "Beta");
        let s = schedule(&board);
        // 09:40 in Paris (08:40 UTC): a runs, b is next.
        let sign = door_sign(&board, &s, &"big".into(), ts("2026-12-05T08:40:00Z")).unwrap();
        assert_eq!(title(&sign.now), Some(("a", "Alpha")));
        assert_eq!(title(&sign.next), Some(("b", "Beta")));
        assert_eq!(sign.claimable(), None, "nothing free to offer");

        // Between a and b: nothing runs, b is next.
        let sign = door_sign(&board, &s, &"big".into(), ts("2026-12-05T09:20:00Z")).unwrap();
        assert_eq!(sign.now, None);
        assert_eq!(title(&sign.next), Some(("b", "Beta")));
    }

    #[test]
    fn a_free_cell_is_offered_and_a_locked_one_is_not() {
        let mut board = Board::new(grid());
        board
            .execute(
                &actor(Role::Organiser),
                &Command::Lock {
                    cell: cell("b", "mid"),
                },
            )
            .unwrap();
        let s = schedule(&board);
        let sign = door_sign(&board, &s, &"mid".into(), ts("2026-12-05T08:40:00Z")).unwrap();
        assert_eq!(sign.now.unwrap().occupant, Occupant::Free);
        assert_eq!(sign.next.unwrap().occupant, Occupant::Locked);
        assert_eq!(sign.claimable().unwrap().slot.id.as_str(), "a");

        // Before b, only b's locked cell and a's past: at 10:20 nothing runs.
        let sign = door_sign(&board, &s, &"mid".into(), ts("2026-12-05T09:20:00Z")).unwrap();
        assert_eq!(sign.claimable(), None);
    }

    #[test]
    fn after_the_last_slot_of_a_day_the_next_is_the_next_day_and_then_nothing() {
        let board = Board::new(grid());
        let s = schedule(&board);
        let sign = door_sign(&board, &s, &"big".into(), ts("2026-12-05T18:00:00Z")).unwrap();
        assert_eq!(sign.now, None);
        assert_eq!(sign.next.unwrap().slot.id.as_str(), "d");
        assert!(sign.next_another_day, "tomorrow's slot says its day");
        let sign = door_sign(&board, &s, &"big".into(), ts("2026-12-06T07:00:00Z")).unwrap();
        assert!(!sign.next_another_day, "on its day it does not");
        let sign = door_sign(&board, &s, &"big".into(), ts("2026-12-07T18:00:00Z")).unwrap();
        assert_eq!((sign.now, sign.next), (None, None));
    }

    #[test]
    fn an_unknown_room_has_no_sign() {
        let board = Board::new(grid());
        let s = schedule(&board);
        assert_eq!(
            door_sign(&board, &s, &"attic".into(), ts("2026-12-05T08:40:00Z")),
            None
        );
    }

    #[test]
    fn the_timeline_has_the_steps_of_a_sign_and_no_repeats() {
        let board = Board::new(grid());
        let steps = door_timeline(&board, &schedule(&board));
        let shown: Vec<(Option<usize>, Option<usize>, bool)> = steps
            .iter()
            .map(|s| (s.now, s.next, s.next_another_day))
            .collect();
        assert_eq!(
            shown,
            vec![
                (None, Some(0), true),
                (None, Some(0), false),
                (Some(0), Some(1), false),
                (None, Some(1), false),
                (Some(1), Some(2), false),
                (None, Some(2), false),
                (Some(2), Some(3), true),
                (None, Some(3), true),
                (None, Some(3), false),
                (Some(3), None, false),
                (None, None, false),
            ]
        );
        assert_eq!(steps[0].from, None);
        assert_eq!(steps[1].from, Some(ts("2026-12-04T23:00:00Z")), "midnight");
        assert_eq!(steps[2].from, Some(ts("2026-12-05T08:30:00Z")));
    }

    proptest! {
        /// The step a script looks up agrees with the sign the server
        /// renders, at any instant.
        #[test]
        fn the_timeline_agrees_with_the_sign(minutes in 0i64..(4 * 24 * 60)) {
            let board = Board::new(grid());
            let s = schedule(&board);
            let steps = door_timeline(&board, &s);
            let at = ts("2026-12-04T12:00:00Z")
                .checked_add(jiff::SignedDuration::from_mins(minutes))
                .unwrap();
            let sign = door_sign(&board, &s, &"big".into(), at).unwrap();
            let step = door_step_at(&steps, at).unwrap();
            let index = |c: Option<DoorCell<'_>>| {
                c.map(|c| board.grid().slots.iter().position(|x| x.id == c.slot.id).unwrap())
            };
            prop_assert_eq!(
                (step.now, step.next, step.next_another_day),
                (index(sign.now), index(sign.next), sign.next_another_day)
            );
        }
    }
}
