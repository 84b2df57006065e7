//! The grid changed on the day: every op, every refusal, and a property test
//! that any mix of grid and session changes replays (and restores from a
//! snapshot) to the same board with no session or lock outside the grid.
//!
//! The wall is two rooms by three slots on 2026-12-05 (09:30, 10:30, 14:00).

use proptest::prelude::*;

use super::grid_ops::{parse_day, parse_hhmm};
use super::*;

fn t(s: &str) -> jiff::civil::Time {
    s.parse().unwrap()
}

fn room(id: &str, name: &str, capacity: u32) -> Room {
    Room {
        id: RoomId::from(id),
        name: name.into(),
        capacity,
    }
}

fn slot(id: &str, day: &str, start: &str, end: &str) -> Slot {
    Slot {
        id: SlotId::from(id),
        day: day.parse().unwrap(),
        start: t(start),
        end: t(end),
    }
}

fn grid() -> Grid {
    Grid {
        rooms: vec![room("amphi", "Amphi", 100), room("sein", "Sein", 10)],
        slots: vec![
            slot("s0930", "2026-12-05", "09:30", "10:15"),
            slot("s1030", "2026-12-05", "10:30", "11:15"),
            slot("s1400", "2026-12-05", "14:00", "14:45"),
        ],
    }
}

fn orga() -> Actor {
    Actor {
        id: ParticipantId::from("p_orga"),
        role: Role::Organiser,
    }
}

fn alice() -> Actor {
    Actor {
        id: ParticipantId::from("p_alice"),
        role: Role::Participant,
    }
}

fn claim(b: &mut Board, slot: &str, room: &str) -> SessionId {
    let limits = Limits::default();
    let cmd = Command::Claim {
        cell: Cell {
            slot: SlotId::from(slot),
            room: RoomId::from(room),
        },
        title: Title::parse("Rust & WebSockets", &limits).unwrap(),
        host: Host::parse("Maël", &limits).unwrap(),
        description: Description::empty(),
        tags: Tags::default(),
    };
    match b.execute(&alice(), &cmd).unwrap() {
        Change::Claimed { session, .. } => session.id,
        other => panic!("{other:?}"),
    }
}

fn run(b: &mut Board, op: GridOp) -> Result<Grid, Rejection> {
    match b.execute(&orga(), &Command::Grid(op))? {
        Change::Grid { rooms, slots } => Ok(Grid { rooms, slots }),
        other => panic!("{other:?}"),
    }
}

fn refused(b: &mut Board, op: GridOp) -> Rejection {
    let before = b.clone();
    let r = run(b, op).unwrap_err();
    assert_eq!(b, &before, "a refusal changes nothing");
    r
}

fn shift(from: &str, minutes: i32) -> GridOp {
    GridOp::ShiftSlots {
        from: SlotId::from(from),
        minutes,
    }
}

#[test]
fn only_organisers_change_the_grid() {
    let b = Board::new(grid());
    let r = b
        .decide(&alice(), &Command::Grid(shift("s1400", 15)))
        .unwrap_err();
    assert_eq!(r.code, RejectCode::Forbidden);
}

#[test]
fn a_room_is_added_renamed_resized_and_removed() {
    let mut b = Board::new(grid());
    let g = run(
        &mut b,
        GridOp::AddRoom {
            room: room("cafeteria", "Cafétéria", 40),
        },
    )
    .unwrap();
    assert_eq!(g.rooms.last().unwrap().id.as_str(), "cafeteria");
    assert_eq!(b.grid(), &g);
    assert!(b.grid_changed());
    let g = run(
        &mut b,
        GridOp::EditRoom {
            id: RoomId::from("cafeteria"),
            name: Some("Cafét'".into()),
            capacity: Some(0),
        },
    )
    .unwrap();
    assert_eq!(g.rooms[2], room("cafeteria", "Cafét'", 0));
    run(
        &mut b,
        GridOp::RemoveRoom {
            id: RoomId::from("cafeteria"),
        },
    )
    .unwrap();
    assert_eq!(b.grid().rooms, grid().rooms);
}

#[test]
fn bad_rooms_are_refused_with_what_to_fix() {
    let mut b = Board::new(grid());
    for (r, want) in [
        (room("Amphi 2", "A", 1), "a-z"),
        (room(&"x".repeat(33), "A", 1), "1 to 32"),
        (room("amphi", "A", 1), "already"),
        (room("new", "", 1), "1 to 40"),
        (room("new", &"n".repeat(41), 1), "1 to 40"),
        (room("new", " Pad", 1), "spaces"),
        (room("new", "New", 100_001), "100000"),
    ] {
        let e = refused(&mut b, GridOp::AddRoom { room: r });
        assert_eq!(e.code, RejectCode::Invalid);
        assert!(e.message.contains(want), "{want:?} not in {}", e.message);
    }
    let e = refused(
        &mut b,
        GridOp::EditRoom {
            id: RoomId::from("cellar"),
            name: Some("C".into()),
            capacity: None,
        },
    );
    assert_eq!(e.code, RejectCode::NotFound);
    let e = refused(
        &mut b,
        GridOp::EditRoom {
            id: RoomId::from("sein"),
            name: None,
            capacity: None,
        },
    );
    assert!(e.message.contains("nothing to edit"));
}

#[test]
fn a_room_or_slot_holding_a_session_or_lock_stays_and_the_message_names_it() {
    let mut b = Board::new(grid());
    let s = claim(&mut b, "s1030", "sein");
    let e = refused(
        &mut b,
        GridOp::RemoveRoom {
            id: RoomId::from("sein"),
        },
    );
    assert_eq!(e.code, RejectCode::Invalid);
    assert!(e.message.contains(s.as_str()) && e.message.contains("Rust & WebSockets"));
    let e = refused(
        &mut b,
        GridOp::RemoveSlot {
            id: SlotId::from("s1030"),
        },
    );
    assert!(e.message.contains(s.as_str()), "{}", e.message);
    let lock = Cell {
        slot: SlotId::from("s0930"),
        room: RoomId::from("amphi"),
    };
    b.execute(&orga(), &Command::Lock { cell: lock }).unwrap();
    let e = refused(
        &mut b,
        GridOp::RemoveSlot {
            id: SlotId::from("s0930"),
        },
    );
    assert!(e.message.contains("locked"), "{}", e.message);
    run(
        &mut b,
        GridOp::RemoveSlot {
            id: SlotId::from("s1400"),
        },
    )
    .unwrap();
}

#[test]
fn a_slot_on_a_new_day_adds_the_day_and_slots_stay_in_display_order() {
    let mut b = Board::new(grid());
    let g = run(
        &mut b,
        GridOp::AddSlot {
            slot: slot("sun-0900", "2026-12-06", "09:00", "09:45"),
        },
    )
    .unwrap();
    assert_eq!(g.slots.last().unwrap().id.as_str(), "sun-0900");
    let g = run(
        &mut b,
        GridOp::AddSlot {
            slot: slot("s1200", "2026-12-05", "12:00", "12:45"),
        },
    )
    .unwrap();
    let ids: Vec<&str> = g.slots.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["s0930", "s1030", "s1200", "s1400", "sun-0900"]);
}

#[test]
fn slots_do_not_overlap_nor_run_backwards() {
    let mut b = Board::new(grid());
    for (s, want) in [
        (slot("x", "2026-12-05", "10:00", "10:45"), "overlap"),
        (slot("x", "2026-12-05", "11:00", "11:00"), "start before"),
        (slot("x", "2026-12-05", "16:00", "15:00"), "start before"),
        (slot("s1400", "2026-12-07", "16:00", "17:00"), "already"),
        (slot("X", "2026-12-07", "16:00", "17:00"), "a-z"),
    ] {
        let e = refused(&mut b, GridOp::AddSlot { slot: s });
        assert!(e.message.contains(want), "{want:?} not in {}", e.message);
    }
    let e = refused(
        &mut b,
        GridOp::EditSlot {
            id: SlotId::from("s1030"),
            start: None,
            end: Some(t("14:30")),
        },
    );
    assert!(e.message.contains("overlap"), "{}", e.message);
    let g = run(
        &mut b,
        GridOp::EditSlot {
            id: SlotId::from("s1030"),
            start: Some(t("10:20")),
            end: None,
        },
    )
    .unwrap();
    assert_eq!(g.slots[1], slot("s1030", "2026-12-05", "10:20", "11:15"));
}

#[test]
fn a_delay_moves_the_afternoon_and_keeps_its_sessions() {
    let mut b = Board::new(grid());
    let s = claim(&mut b, "s1400", "amphi");
    let g = run(&mut b, shift("s1030", 15)).unwrap();
    assert_eq!(g.slots[0], slot("s0930", "2026-12-05", "09:30", "10:15"));
    assert_eq!(g.slots[1], slot("s1030", "2026-12-05", "10:45", "11:30"));
    assert_eq!(g.slots[2], slot("s1400", "2026-12-05", "14:15", "15:00"));
    assert_eq!(b.session(&s).unwrap().slot.as_str(), "s1400");
    // Back by 15: to where it was.
    run(&mut b, shift("s1030", -15)).unwrap();
    assert_eq!(b.grid(), &grid());
}

#[test]
fn a_shift_stays_within_its_day_and_after_the_slot_before() {
    let mut b = Board::new(grid());
    run(
        &mut b,
        GridOp::AddSlot {
            slot: slot("late", "2026-12-05", "21:00", "21:45"),
        },
    )
    .unwrap();
    run(
        &mut b,
        GridOp::AddSlot {
            slot: slot("early", "2026-12-05", "02:00", "02:45"),
        },
    )
    .unwrap();
    for (op, want) in [
        (shift("s1030", -30), "overlap"),
        (shift("s1400", 140), "midnight"),
        (shift("early", -150), "midnight"),
        (shift("s1400", 241), "-240"),
        (shift("s1400", 0), "not 0"),
    ] {
        let e = refused(&mut b, op);
        assert!(e.message.contains(want), "{want:?} not in {}", e.message);
    }
    let e = refused(&mut b, shift("nope", 5));
    assert_eq!(e.code, RejectCode::NotFound);
    // 21:00 + 120 = 23:00 (to 23:45): fine.
    run(&mut b, shift("s1400", 120)).unwrap_or_else(|e| panic!("{e:?}"));
}

#[test]
fn undo_puts_the_grid_back_unless_a_session_sits_in_what_would_vanish() {
    let mut b = Board::new(grid());
    let before = b.clone();
    let change = b
        .execute(
            &orga(),
            &Command::Grid(GridOp::AddRoom {
                room: room("cafe", "Café", 40),
            }),
        )
        .unwrap();
    let undo::Undo::Inverse(back) = undo::Undo::of(&before, Some(&orga().id), &change) else {
        panic!("a grid change is undone");
    };
    let mut tried = b.clone();
    tried.execute(&orga(), &back).unwrap();
    assert_eq!(tried.grid(), before.grid());
    claim(&mut b, "s0930", "cafe");
    let e = b.decide(&orga(), &back).unwrap_err();
    assert!(e.message.contains("s_"), "{}", e.message);
}

#[test]
fn the_snapshot_carries_the_live_grid_only_once_it_changed() {
    let mut b = Board::new(grid());
    assert_eq!(b.state().grid, None, "the config's grid is not state");
    let json = serde_json::to_value(b.state()).unwrap();
    assert!(json.get("grid").is_none());
    run(&mut b, shift("s1400", 10)).unwrap();
    let state = b.state();
    assert_eq!(state.grid.as_ref(), Some(b.grid()));
    let back = Board::restore(grid(), state).unwrap();
    assert_eq!(back, b);
}

#[test]
fn the_wire_texts_of_days_and_times() {
    assert_eq!(parse_hhmm("start", "09:05").unwrap(), t("09:05"));
    for bad in ["9:05", "24:00", "09:60", "0905", "09:05:00", "ab:cd"] {
        assert!(parse_hhmm("start", bad).is_err(), "{bad}");
    }
    assert!(parse_day("2026-12-05").is_ok());
    for bad in ["2026-13-01", "2026-2-1", "05/12/2026"] {
        assert!(parse_day(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_journal_grid_that_leaves_a_session_outside_does_not_apply() {
    let mut b = Board::new(grid());
    claim(&mut b, "s1030", "sein");
    let mut g = grid();
    g.rooms.pop();
    let before = b.clone();
    assert!(
        b.apply(&Change::Grid {
            rooms: g.rooms,
            slots: g.slots
        })
        .is_err()
    );
    assert_eq!(b, before);
}

// ------------------------------------------------------------- property --

#[derive(Debug, Clone)]
enum Step {
    Claim(usize, usize),
    Release(usize),
    Move(usize, usize, usize),
    Lock(usize, usize),
    Grid(GridOp),
}

const SLOT_IDS: [&str; 5] = ["s0930", "s1030", "s1400", "n1", "n2"];
const ROOM_IDS: [&str; 4] = ["amphi", "sein", "n1", "n2"];

fn grid_op() -> impl Strategy<Value = GridOp> {
    let slot_id = (0..SLOT_IDS.len()).prop_map(|i| SlotId::from(SLOT_IDS[i]));
    let room_id = (0..ROOM_IDS.len()).prop_map(|i| RoomId::from(ROOM_IDS[i]));
    prop_oneof![
        (room_id.clone(), 0u32..50).prop_map(|(id, capacity)| GridOp::AddRoom {
            room: Room {
                name: id.as_str().to_uppercase(),
                id,
                capacity,
            }
        }),
        (room_id.clone(), 0u32..50).prop_map(|(id, c)| GridOp::EditRoom {
            id,
            name: None,
            capacity: Some(c)
        }),
        room_id.prop_map(|id| GridOp::RemoveRoom { id }),
        (slot_id.clone(), 0i8..2, 8i8..20).prop_map(|(id, d, h)| GridOp::AddSlot {
            slot: Slot {
                id,
                day: jiff::civil::date(2026, 12, 5 + d),
                start: jiff::civil::time(h, 0, 0, 0),
                end: jiff::civil::time(h, 45, 0, 0),
            }
        }),
        slot_id.clone().prop_map(|id| GridOp::RemoveSlot { id }),
        (slot_id, -60i32..60).prop_map(|(from, minutes)| GridOp::ShiftSlots { from, minutes }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..SLOT_IDS.len(), 0..ROOM_IDS.len()).prop_map(|(s, r)| Step::Claim(s, r)),
        (0usize..8).prop_map(Step::Release),
        (0usize..8, 0..SLOT_IDS.len(), 0..ROOM_IDS.len()).prop_map(|(i, s, r)| Step::Move(i, s, r)),
        (0..SLOT_IDS.len(), 0..ROOM_IDS.len()).prop_map(|(s, r)| Step::Lock(s, r)),
        grid_op().prop_map(Step::Grid),
        grid_op().prop_map(Step::Grid),
    ]
}

fn cell_of(s: usize, r: usize) -> Cell {
    Cell {
        slot: SlotId::from(SLOT_IDS[s]),
        room: RoomId::from(ROOM_IDS[r]),
    }
}

fn command(b: &Board, step: &Step) -> Command {
    let nth = |i: usize| {
        let ids: Vec<SessionId> = b.sessions().map(|s| s.id.clone()).collect();
        ids.get(i % ids.len().max(1))
            .cloned()
            .unwrap_or(SessionId::from("s_0"))
    };
    let limits = Limits::default();
    match step {
        Step::Claim(s, r) => Command::Claim {
            cell: cell_of(*s, *r),
            title: Title::parse("T", &limits).unwrap(),
            host: Host::parse("H", &limits).unwrap(),
            description: Description::empty(),
            tags: Tags::default(),
        },
        Step::Release(i) => Command::Release { session: nth(*i) },
        Step::Move(i, s, r) => Command::Move {
            session: nth(*i),
            to: cell_of(*s, *r),
        },
        Step::Lock(s, r) => Command::Lock {
            cell: cell_of(*s, *r),
        },
        Step::Grid(op) => Command::Grid(op.clone()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn any_mix_of_grid_and_session_changes_replays_to_the_same_board(
        steps in proptest::collection::vec(step(), 1..60)
    ) {
        let mut live = Board::new(grid());
        let mut log = Vec::new();
        for step in &steps {
            let cmd = command(&live, step);
            if let Ok(change) = live.execute(&orga(), &cmd) {
                let line = serde_json::to_string(&change).unwrap();
                log.push(serde_json::from_str::<Change>(&line).unwrap());
            }
            let g = live.grid();
            for s in live.sessions() {
                prop_assert!(g.has_cell(&s.cell()), "{} orphaned", s.id);
            }
            for c in live.locks() {
                prop_assert!(g.has_cell(c), "lock {:?} orphaned", c);
            }
            for day in g.slots.iter().map(|s| s.day) {
                let mut of_day: Vec<&Slot> = g.slots.iter().filter(|s| s.day == day).collect();
                of_day.sort_by_key(|s| s.start);
                for w in of_day.windows(2) {
                    prop_assert!(w[0].end <= w[1].start, "overlap {:?}", w);
                }
            }
        }
        let mut replica = Board::new(grid());
        for c in &log {
            replica.apply(c).unwrap();
        }
        prop_assert_eq!(&replica, &live);
        let json = serde_json::to_string(&live.state()).unwrap();
        let restored = Board::restore(grid(), serde_json::from_str(&json).unwrap()).unwrap();
        prop_assert_eq!(&restored, &live);
    }
}
