//! Tests of the schedule questions and labels: examples first, then
//! properties over random boards and instants (the timeline a page's script
//! looks up must agree with the clock at every instant; alternatives are
//! always free, unlocked, near and few).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use proptest::prelude::*;

use super::labels::*;
use super::schedule::*;
use super::*;
use crate::i18n::Lang;

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn slot(id: &str, day: &str, start: &str, end: &str) -> Slot {
    Slot {
        id: id.into(),
        day: day.parse().unwrap(),
        start: start.parse().unwrap(),
        end: end.parse().unwrap(),
    }
}

fn room(id: &str, capacity: u32) -> Room {
    Room {
        id: id.into(),
        name: id.to_uppercase(),
        capacity,
    }
}

/// Big (100), mid (30), small (2); slots a, b, c on the 5th, d on the 6th.
fn grid() -> Grid {
    Grid {
        rooms: vec![room("big", 100), room("mid", 30), room("small", 2)],
        slots: vec![
            slot("a", "2026-12-05", "09:30", "10:15"),
            slot("b", "2026-12-05", "10:30", "11:15"),
            slot("c", "2026-12-05", "11:30", "12:15"),
            slot("d", "2026-12-06", "09:30", "10:15"),
        ],
    }
}

fn cell(slot: &str, room: &str) -> Cell {
    Cell {
        slot: slot.into(),
        room: room.into(),
    }
}

fn participant(who: &str) -> Actor {
    Actor {
        id: ParticipantId(who.into()),
        role: Role::Participant,
    }
}

fn claim(board: &mut Board, who: &str, c: Cell) -> Result<Change, Rejection> {
    let l = Limits::default();
    board.execute(
        &participant(who),
        &Command::Claim {
            cell: c,
            title: Title::parse("T", &l).unwrap(),
            host: Host::parse("H", &l).unwrap(),
            description: Description::empty(),
            tags: Tags::parse::<&str>(&[], &l).unwrap(),
        },
    )
}

fn lock(board: &mut Board, c: Cell) {
    let organiser = Actor {
        id: ParticipantId("p_org".into()),
        role: Role::Organiser,
    };
    board
        .execute(&organiser, &Command::Lock { cell: c })
        .unwrap();
}

fn schedule() -> Schedule {
    let g = grid();
    let days = g.slots.iter().map(|s| s.day);
    Schedule::new(&g.slots, days.collect::<Vec<_>>(), paris())
}

#[test]
fn slots_are_placed_in_the_event_timezone() {
    let s = slot("a", "2026-12-05", "09:30", "10:15");
    // Paris is UTC+1 in December.
    assert_eq!(
        slot_instants(&s, &paris()),
        Some((ts("2026-12-05T08:30:00Z"), ts("2026-12-05T09:15:00Z")))
    );
    // Past the last instant there is: 9999-12-31 23:00 in Paris.
    assert_eq!(
        slot_instants(&slot("x", "9999-12-31", "23:00", "23:30"), &paris()),
        None
    );
    // A day or a time that does not read never becomes a slot: it is
    // refused where it is read, once.
    for (day, start) in [("2026-12-05", "9h30"), ("someday", "09:30")] {
        let json = serde_json::json!({ "id": "x", "day": day, "start": start, "end": "10:00" });
        assert!(
            serde_json::from_value::<Slot>(json).is_err(),
            "{day} {start}"
        );
    }
}

#[test]
fn the_running_slot_is_now_and_the_first_to_come_is_next() {
    use Phase::*;
    let s = schedule();
    let at = |t: &str| s.clock(ts(t)).phases().to_vec();
    assert_eq!(at("2026-12-05T08:45:00Z"), vec![Now, Next, Later, Later]);
    // In a break: nothing now, the next one is next, "jump to now" goes there.
    assert_eq!(at("2026-12-05T09:20:00Z"), vec![Past, Next, Later, Later]);
    assert_eq!(
        s.clock(ts("2026-12-05T09:20:00Z")).target(),
        Some(&"b".into())
    );
    assert_eq!(s.clock(ts("2026-12-05T09:20:00Z")).now(), None);
    // A slot is over exactly at its end, and running exactly at its start.
    assert_eq!(at("2026-12-05T09:30:00Z"), vec![Past, Now, Next, Later]);
    // Overnight, the next day's first slot is next.
    assert_eq!(at("2026-12-05T22:00:00Z"), vec![Past, Past, Past, Next]);
    let after = s.clock(ts("2027-01-01T00:00:00Z"));
    assert_eq!(after.phases(), &[Past, Past, Past, Past]);
    assert_eq!(after.target(), None);
    assert_eq!(after.phase(&"nope".into()), Later);
}

#[test]
fn unknown_times_are_always_later() {
    let times = [
        None,
        Some((ts("2026-12-05T08:30:00Z"), ts("2026-12-05T09:15:00Z"))),
    ];
    assert_eq!(
        phases(&times, ts("2026-12-05T08:00:00Z")),
        vec![Phase::Later, Phase::Next]
    );
}

#[test]
fn today_then_the_next_day_to_come_then_the_last() {
    let d = |s: &str| s.parse::<Date>().unwrap();
    let days = [d("2026-12-05"), d("2026-12-06")];
    assert_eq!(day_to_show(&days, d("2026-12-05")), Some(0));
    assert_eq!(day_to_show(&days, d("2026-12-06")), Some(1));
    assert_eq!(day_to_show(&days, d("2026-11-01")), Some(0));
    assert_eq!(day_to_show(&days, d("2027-01-01")), Some(1));
    let gap = [d("2026-12-05"), d("2026-12-08")];
    assert_eq!(day_to_show(&gap, d("2026-12-06")), Some(1));
    assert_eq!(day_to_show(&[], d("2026-12-06")), None);
    // The wall turns to the second day at midnight in Paris, not in UTC.
    let s = schedule();
    assert_eq!(s.day_at(ts("2026-12-05T22:59:00Z")), Some(0));
    assert_eq!(s.day_at(ts("2026-12-05T23:00:00Z")), Some(1));
}

#[test]
fn the_timeline_steps_at_each_boundary() {
    let s = schedule();
    let steps = s.timeline();
    assert_eq!(steps[0].from, None);
    assert_eq!(steps[0].target, Some(0));
    assert_eq!(steps[0].day, Some(0));
    let from: Vec<Timestamp> = steps.iter().filter_map(|s| s.from).collect();
    assert!(from.windows(2).all(|w| w[0] < w[1]), "in time order");
    assert!(from.contains(&ts("2026-12-05T08:30:00Z")), "a starts");
    assert!(
        from.contains(&ts("2026-12-05T23:00:00Z")),
        "midnight in Paris"
    );
    // The step at an instant is the clock at that instant.
    let at = ts("2026-12-05T10:40:00Z");
    let step = step_at(&steps, at).unwrap();
    assert_eq!(step.phases, s.clock(at).phases());
}

#[test]
fn alternatives_are_the_same_slot_then_the_same_room_in_the_next_slots() {
    let mut board = Board::new(grid());
    claim(&mut board, "p_1", cell("a", "big")).unwrap();
    claim(&mut board, "p_1", cell("a", "mid")).unwrap();
    assert_eq!(
        alternatives_seating(&board, &cell("a", "big"), 0),
        vec![
            cell("a", "small"),
            cell("b", "big"),
            cell("c", "big"),
            cell("d", "big")
        ]
    );
    // At most four, skipping what is taken or locked.
    claim(&mut board, "p_1", cell("c", "big")).unwrap();
    lock(&mut board, cell("b", "big"));
    assert_eq!(
        alternatives_seating(&board, &cell("a", "big"), 0),
        vec![cell("a", "small"), cell("d", "big")]
    );
    // A room too small for the seats asked for is not offered.
    assert_eq!(
        alternatives_seating(&board, &cell("a", "big"), 3),
        vec![cell("d", "big")]
    );
    assert!(alternatives_seating(&board, &cell("zz", "big"), 0).is_empty());
}

#[test]
fn a_taken_claim_carries_its_alternatives() {
    let mut board = Board::new(grid());
    claim(&mut board, "p_1", cell("d", "mid")).unwrap();
    let r = claim(&mut board, "p_2", cell("d", "mid")).unwrap_err();
    assert_eq!(r.code, RejectCode::Taken);
    // Whoever asked for a room of 30 seats is not offered one of 2; the
    // last slot has no next one in the same room.
    assert_eq!(r.alternatives, vec![cell("d", "big")]);
    assert_eq!(r.alternatives, alternatives(&board, &cell("d", "mid")));
    lock(&mut board, cell("a", "small"));
    let r = claim(&mut board, "p_2", cell("a", "small")).unwrap_err();
    assert_eq!(r.code, RejectCode::Locked);
    assert_eq!(r.alternatives.len(), 4);
    // Other refusals carry none.
    let r = claim(&mut board, "p_2", cell("zz", "mid")).unwrap_err();
    assert!(r.alternatives.is_empty());
}

#[test]
fn a_crowded_session_is_offered_the_smallest_room_that_fits() {
    let mut board = Board::new(grid());
    claim(&mut board, "p_1", cell("a", "small")).unwrap();
    let id = SessionId(format!("s_{}", board.rev()));
    for voter in ["p_2", "p_3", "p_4"] {
        board
            .execute(
                &participant(voter),
                &Command::Vote {
                    session: id.clone(),
                    on: true,
                },
            )
            .unwrap();
    }
    let s = board.session(&id).unwrap().clone();
    assert_eq!(bigger_room(&board, &s).map(|r| r.id.as_str()), Some("mid"));
    claim(&mut board, "p_1", cell("a", "mid")).unwrap();
    assert_eq!(bigger_room(&board, &s).map(|r| r.id.as_str()), Some("big"));
    claim(&mut board, "p_1", cell("a", "big")).unwrap();
    assert_eq!(bigger_room(&board, &s), None);
}

#[test]
fn labels_in_both_languages() {
    let g = grid();
    let day = jiff::civil::date(2026, 12, 5);
    assert_eq!(day_label(Lang::Fr, day), "samedi 5 décembre");
    assert_eq!(day_label(Lang::En, day), "Saturday 5 December");
    assert_eq!(day_short(Lang::Fr, day), "sam. 5 déc.");
    assert_eq!(slot_short(Lang::Fr, &g, &"a".into()), "sam. 09:30");
    assert_eq!(slot_short(Lang::En, &g, &"d".into()), "Sun 09:30");
    assert_eq!(
        cell_short(Lang::En, &g, &cell("a", "mid")),
        "MID · Sat 09:30"
    );
    assert_eq!(
        cell_label(Lang::En, &g, &cell("a", "mid")),
        "MID, Sat 5 Dec 09:30"
    );
    assert_eq!(seats(Lang::Fr, 1), " 1 place");
    assert_eq!(seats(Lang::En, 30), " 30 seats");
    let one_day = Grid {
        slots: g.slots[..1].to_vec(),
        ..g
    };
    assert_eq!(slot_short(Lang::Fr, &one_day, &"a".into()), "09:30");
}

/// Cells as (slot index, room index) over the test grid.
fn cells() -> impl Strategy<Value = Vec<(usize, usize)>> {
    proptest::collection::vec((0..4usize, 0..3usize), 0..12)
}

proptest! {
    #[test]
    fn the_timeline_agrees_with_the_clock(minutes in -600i64..3000) {
        let s = schedule();
        let steps = s.timeline();
        let at = ts("2026-12-05T06:00:00Z") + jiff::SignedDuration::from_mins(minutes);
        let step = step_at(&steps, at).unwrap();
        let clock = s.clock(at);
        prop_assert_eq!(&step.phases[..], clock.phases());
        let target = step.target.map(|i| grid().slots[i].id.clone());
        prop_assert_eq!(target.as_ref(), clock.target());
        prop_assert_eq!(step.day, s.day_at(at));
        // At most one slot is next, and the next starts after every running one.
        prop_assert!(clock.phases().iter().filter(|p| **p == Phase::Next).count() <= 1);
    }

    #[test]
    fn alternatives_are_free_near_and_few(
        taken in cells(),
        locked in cells(),
        wanted in (0..4usize, 0..3usize),
        seats in 0u32..120,
    ) {
        let g = grid();
        let at = |(s, r): (usize, usize)| cell(g.slots[s].id.as_str(), g.rooms[r].id.as_str());
        let mut board = Board::new(g.clone());
        for c in &taken {
            let _ = claim(&mut board, "p_1", at(*c));
        }
        for c in &locked {
            if is_free(&board, &at(*c)) {
                lock(&mut board, at(*c));
            }
        }
        let wanted = at(wanted);
        let alts = alternatives_seating(&board, &wanted, seats);
        prop_assert!(alts.len() <= MAX_ALTERNATIVES);
        let index = |c: &Cell| g.slots.iter().position(|s| s.id == c.slot).unwrap();
        let mut seen_next_slot = false;
        for c in &alts {
            prop_assert!(c != &wanted);
            prop_assert!(is_free(&board, c));
            if c.slot == wanted.slot {
                prop_assert!(!seen_next_slot, "the same slot comes first");
                prop_assert!(g.room(&c.room).unwrap().capacity >= seats);
            } else {
                seen_next_slot = true;
                prop_assert_eq!(&c.room, &wanted.room);
                prop_assert!(index(c) > index(&wanted));
            }
        }
    }
}
