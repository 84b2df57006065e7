//! The pitch queue on plain boards: each op and its permissions, a claim
//! made from a pitch, the replay checks, snapshots, and a property test that
//! replaying any sequence of pitch and session changes (JSON round-tripped)
//! rebuilds the same board, as does restoring its snapshot.

use proptest::prelude::*;
use proptest::sample::Index;

use super::fixtures::{grid_of, orga, who};
use super::*;

fn grid() -> Grid {
    grid_of(&["a", "b"])
}

fn alice() -> Actor {
    who("p_alice", Role::Participant)
}

fn bob() -> Actor {
    who("p_bob", Role::Participant)
}

fn pitch(title: &str) -> Command {
    let l = Limits::default();
    Command::Pitch(PitchOp::Pitch {
        title: Title::parse(title, &l).unwrap(),
        host: Host::parse("Maël", &l).unwrap(),
    })
}

fn claim(slot: &str, room: &str) -> Command {
    let l = Limits::default();
    Command::Claim {
        cell: Cell {
            slot: SlotId::from(slot),
            room: RoomId::from(room),
        },
        title: Title::parse("Rust", &l).unwrap(),
        host: Host::parse("Maël", &l).unwrap(),
        description: Description::empty(),
        tags: Tags::default(),
    }
}

fn open_board() -> Board {
    let mut b = Board::new(grid());
    b.execute(&orga(), &Command::Pitch(PitchOp::Open { open: true }))
        .unwrap();
    b
}

fn queued(b: &mut Board, by: &Actor, title: &str) -> PitchId {
    match b.execute(by, &pitch(title)).unwrap() {
        Change::PitchQueued { pitch } => pitch.id,
        other => panic!("{other:?}"),
    }
}

fn code(b: &Board, by: &Actor, c: &Command) -> RejectCode {
    b.decide(by, c).unwrap_err().code
}

fn ids(b: &Board) -> Vec<&str> {
    b.pitches().queue.iter().map(|p| p.id.as_str()).collect()
}

#[test]
fn a_fresh_queue_is_closed_and_refuses_pitches_with_closed() {
    let b = Board::new(grid());
    assert!(b.pitches().is_empty());
    assert_eq!(code(&b, &alice(), &pitch("Rust")), RejectCode::Closed);
    assert!(b.state().pitches.is_none(), "absent from the snapshot");
}

#[test]
fn pitches_join_the_end_one_waiting_each() {
    let mut b = open_board();
    let a = queued(&mut b, &alice(), "Rust");
    let q = queued(&mut b, &bob(), "Go");
    assert_eq!(a.as_str(), "q_2");
    assert_eq!(ids(&b), ["q_2", "q_3"]);
    assert_eq!(b.pitches().queue[0].owner, alice().id);
    assert_eq!(code(&b, &alice(), &pitch("Zig")), RejectCode::Invalid);
    assert_eq!(
        code(&b, &who("p_wall", Role::Viewer), &pitch("Zig")),
        RejectCode::Forbidden
    );
    assert_eq!(b.pitches().position(&q), Some(1));
}

#[test]
fn organiser_ops_are_forbidden_to_participants() {
    let mut b = open_board();
    let a = queued(&mut b, &alice(), "Rust");
    queued(&mut b, &bob(), "Go");
    for c in [
        Command::Pitch(PitchOp::Next),
        Command::Pitch(PitchOp::Open { open: false }),
        Command::Pitch(PitchOp::Move {
            pitch: a.clone(),
            position: 1,
        }),
    ] {
        assert_eq!(code(&b, &alice(), &c), RejectCode::Forbidden, "{c:?}");
    }
    let unpitch = Command::Pitch(PitchOp::Unpitch { pitch: a.clone() });
    assert_eq!(code(&b, &bob(), &unpitch), RejectCode::Forbidden);
    b.execute(&alice(), &unpitch).unwrap();
    assert_eq!(ids(&b), ["q_3"]);
    assert_eq!(code(&b, &alice(), &unpitch), RejectCode::NotFound);
}

#[test]
fn next_calls_the_head_and_the_previous_current_leaves() {
    let mut b = open_board();
    let a = queued(&mut b, &alice(), "Rust");
    let q = queued(&mut b, &bob(), "Go");
    let next = Command::Pitch(PitchOp::Next);
    assert_eq!(
        b.execute(&orga(), &next).unwrap(),
        Change::PitchCalled {
            pitch: Some(a.clone())
        }
    );
    assert_eq!(b.pitches().current.as_ref().unwrap().id, a);
    // Alice is on, so she may pitch again while she speaks.
    queued(&mut b, &alice(), "Zig");
    b.execute(&orga(), &next).unwrap();
    assert_eq!(b.pitches().current.as_ref().unwrap().id, q);
    assert!(b.pitches().find(&a).is_none());
    b.execute(&orga(), &next).unwrap();
    assert_eq!(
        b.execute(&orga(), &next).unwrap(),
        Change::PitchCalled { pitch: None }
    );
    assert!(b.pitches().current.is_none());
    assert_eq!(code(&b, &orga(), &next), RejectCode::Invalid);
}

#[test]
fn move_reorders_and_checks_the_position() {
    let mut b = open_board();
    let a = queued(&mut b, &alice(), "Rust");
    queued(&mut b, &bob(), "Go");
    queued(&mut b, &who("p_carol", Role::Participant), "Zig");
    let mv = |pitch: &PitchId, position| {
        Command::Pitch(PitchOp::Move {
            pitch: pitch.clone(),
            position,
        })
    };
    b.execute(&orga(), &mv(&a, 2)).unwrap();
    assert_eq!(ids(&b), ["q_3", "q_4", "q_2"]);
    assert_eq!(code(&b, &orga(), &mv(&a, 3)), RejectCode::Invalid);
    assert_eq!(code(&b, &orga(), &mv(&a, 2)), RejectCode::Invalid);
    assert_eq!(
        code(&b, &orga(), &mv(&PitchId::from("q_99"), 0)),
        RejectCode::NotFound
    );
}

#[test]
fn a_claim_from_a_pitch_carries_it_and_takes_it_out() {
    let mut b = open_board();
    let a = queued(&mut b, &alice(), "Rust");
    let q = queued(&mut b, &bob(), "Go");
    b.execute(&orga(), &Command::Pitch(PitchOp::Next)).unwrap();
    let from = |pitch: &PitchId, slot| Command::ClaimPitch {
        pitch: pitch.clone(),
        claim: Box::new(claim(slot, "amphi")),
    };
    assert_eq!(code(&b, &bob(), &from(&a, "a")), RejectCode::Forbidden);
    assert_eq!(
        code(&b, &alice(), &from(&PitchId::from("q_9"), "a")),
        RejectCode::NotFound
    );
    let change = b.execute(&alice(), &from(&a, "a")).unwrap();
    let Change::Claimed { pitch, .. } = &change else {
        panic!("{change:?}")
    };
    assert_eq!(pitch.as_ref(), Some(&a));
    assert!(b.pitches().current.is_none());
    // The cell is taken now: the claim's rules still hold, and the pitch stays.
    assert_eq!(code(&b, &orga(), &from(&q, "a")), RejectCode::Taken);
    // An organiser claims from anyone's waiting pitch.
    b.execute(&orga(), &from(&q, "b")).unwrap();
    assert!(b.pitches().queue.is_empty());
    let json = serde_json::to_value(&change).unwrap();
    assert_eq!(json["kind"], "claimed");
    assert_eq!(json["pitch"], "q_2");
}

#[test]
fn a_plain_claimed_has_no_pitch_field() {
    let mut b = Board::new(grid());
    let c = b.execute(&alice(), &claim("a", "amphi")).unwrap();
    assert!(serde_json::to_value(&c).unwrap().get("pitch").is_none());
}

#[test]
fn apply_refuses_pitch_changes_that_do_not_fit() {
    let mut b = open_board();
    queued(&mut b, &alice(), "Rust");
    let rev = b.rev();
    for bad in [
        Change::PitchRemoved {
            pitch: PitchId::from("q_9"),
        },
        Change::PitchCalled { pitch: None },
        Change::PitchCalled {
            pitch: Some(PitchId::from("q_9")),
        },
        Change::PitchMoved {
            pitch: PitchId::from("q_2"),
            position: 1,
        },
        Change::PitchQueued {
            pitch: b.pitches().queue[0].clone(),
        },
    ] {
        let before = b.clone();
        assert!(b.apply(&bad).is_err(), "{bad:?}");
        assert_eq!(b, before);
    }
    let mut claimed = Board::new(grid())
        .decide(&alice(), &claim("a", "amphi"))
        .unwrap();
    if let Change::Claimed { pitch, .. } = &mut claimed {
        *pitch = Some(PitchId::from("q_9"));
    }
    assert!(b.apply(&claimed).is_err());
    assert_eq!(b.rev(), rev);
}

#[test]
fn snapshots_keep_the_queue_and_refuse_foreign_ids() {
    let mut b = open_board();
    queued(&mut b, &alice(), "Rust");
    queued(&mut b, &bob(), "Go");
    b.execute(&orga(), &Command::Pitch(PitchOp::Next)).unwrap();
    let state = b.state();
    assert!(state.pitches.is_some());
    let json = serde_json::to_string(&state).unwrap();
    let back: BoardState = serde_json::from_str(&json).unwrap();
    assert_eq!(Board::restore(grid(), back).unwrap(), b);
    let mut future = b.state();
    future.pitches.as_mut().unwrap().queue[0].id = PitchId::from("q_99");
    assert!(Board::restore(grid(), future).is_err());
    let mut twice = b.state();
    let p = twice.pitches.as_ref().unwrap().queue[0].clone();
    twice.pitches.as_mut().unwrap().queue.push(p);
    assert!(Board::restore(grid(), twice).is_err());
    // A snapshot without the key (older ones) reads as a closed, empty queue.
    let mut old: serde_json::Value = serde_json::to_value(Board::new(grid()).state()).unwrap();
    assert!(old.get("pitches").is_none());
    old.as_object_mut().unwrap().remove("pitches");
    let read: BoardState = serde_json::from_value(old).unwrap();
    assert!(Board::restore(grid(), read).unwrap().pitches().is_empty());
}

#[test]
fn undo_reopens_and_reorders_walks_past_calls_and_never_gives_back_a_pitch() {
    use super::undo::{Undo, inverse, is_moderation};
    let mut b = open_board();
    let a = queued(&mut b, &alice(), "Rust");
    queued(&mut b, &bob(), "Go");
    let before = b.clone();
    let mv = b
        .execute(
            &orga(),
            &Command::Pitch(PitchOp::Move {
                pitch: a.clone(),
                position: 1,
            }),
        )
        .unwrap();
    let back = inverse(&before, &mv).unwrap();
    b.execute(&orga(), &back).unwrap();
    assert_eq!(b.pitches(), before.pitches());
    let close = Change::PitchOpened { open: false };
    assert_eq!(
        inverse(&b, &close),
        Some(Command::Pitch(PitchOp::Open { open: true }))
    );
    let called = Change::PitchCalled {
        pitch: Some(a.clone()),
    };
    assert_eq!(Undo::of(&b, Some(&orga().id), &called), Undo::Skip);
    let taken_out = Change::PitchRemoved { pitch: a.clone() };
    assert_eq!(Undo::of(&b, Some(&orga().id), &taken_out), Undo::Never);
    let own = Change::PitchRemoved { pitch: a.clone() };
    assert!(!is_moderation(&b, Some(&alice().id), &own));
    assert!(is_moderation(&b, Some(&orga().id), &own));
    assert!(!is_moderation(
        &b,
        Some(&alice().id),
        &Change::PitchQueued {
            pitch: b.pitches().queue[0].clone()
        }
    ));
}

#[derive(Debug, Clone)]
enum Op {
    Pitch(usize),
    Unpitch(Index),
    Next,
    Move(Index, usize),
    Open(bool),
    Claim(usize, usize),
    ClaimFrom(Index, usize, usize),
    Release(Index),
    Hands(Index, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize).prop_map(Op::Pitch),
        1 => any::<Index>().prop_map(Op::Unpitch),
        2 => Just(Op::Next),
        1 => (any::<Index>(), 0..4usize).prop_map(|(i, p)| Op::Move(i, p)),
        1 => any::<bool>().prop_map(Op::Open),
        1 => (0..2usize, 0..2usize).prop_map(|(s, r)| Op::Claim(s, r)),
        2 => (any::<Index>(), 0..2usize, 0..2usize).prop_map(|(i, s, r)| Op::ClaimFrom(i, s, r)),
        1 => any::<Index>().prop_map(Op::Release),
        2 => (any::<Index>(), any::<bool>()).prop_map(|(i, big)| Op::Hands(i, big)),
    ]
}

/// A pitch of the board, waiting or current (or an unknown id).
fn some_pitch(b: &Board, i: &Index) -> PitchId {
    let all: Vec<&Pitch> = b
        .pitches()
        .current
        .iter()
        .chain(&b.pitches().queue)
        .collect();
    if all.is_empty() {
        PitchId::from("q_1")
    } else {
        all[i.index(all.len())].id.clone()
    }
}

fn command(b: &Board, op: &Op) -> Command {
    const SLOTS: [&str; 2] = ["a", "b"];
    const ROOMS: [&str; 2] = ["amphi", "sein"];
    match op {
        Op::Pitch(t) => pitch(["Rust", "Go", "Zig"][*t]),
        Op::Unpitch(i) => Command::Pitch(PitchOp::Unpitch {
            pitch: some_pitch(b, i),
        }),
        Op::Next => Command::Pitch(PitchOp::Next),
        Op::Move(i, position) => Command::Pitch(PitchOp::Move {
            pitch: some_pitch(b, i),
            position: *position,
        }),
        Op::Open(open) => Command::Pitch(PitchOp::Open { open: *open }),
        Op::Claim(s, r) => claim(SLOTS[*s], ROOMS[*r]),
        Op::ClaimFrom(i, s, r) => Command::ClaimPitch {
            pitch: some_pitch(b, i),
            claim: Box::new(claim(SLOTS[*s], ROOMS[*r])),
        },
        Op::Hands(i, big) => Command::Pitch(PitchOp::Hands {
            pitch: some_pitch(b, i),
            big: *big,
        }),
        Op::Release(i) => {
            let all: Vec<&Session> = b.sessions().collect();
            let session = if all.is_empty() {
                SessionId::from("s_1")
            } else {
                all[i.index(all.len())].id.clone()
            };
            Command::Release { session }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn replaying_pitch_and_session_changes_rebuilds_the_board(
        steps in prop::collection::vec((0..4usize, op()), 0..80)
    ) {
        let actors = [alice(), bob(), who("p_carol", Role::Participant), orga()];
        let mut live = Board::new(grid());
        let mut replica = Board::new(grid());
        for (who, op) in &steps {
            let c = command(&live, op);
            let Ok(change) = live.execute(&actors[*who], &c) else { continue };
            let line = serde_json::to_string(&change).unwrap();
            let read: Change = serde_json::from_str(&line).unwrap();
            prop_assert_eq!(&read, &change);
            replica.apply(&read).unwrap();
            prop_assert_eq!(&replica, &live);
            // No participant ever has two pitches waiting; no id twice.
            let q = live.pitches();
            prop_assert!(q.problem(live.rev()).is_none());
            let owners: std::collections::BTreeSet<_> = q.queue.iter().map(|p| &p.owner).collect();
            prop_assert_eq!(owners.len(), q.queue.len());
        }
        let snap: BoardState =
            serde_json::from_str(&serde_json::to_string(&live.state()).unwrap()).unwrap();
        prop_assert_eq!(Board::restore(grid(), snap).unwrap(), live);
    }
}

#[test]
fn place_of_says_on_or_how_many_wait_before() {
    let mut b = open_board();
    assert_eq!(b.pitches().place_of(&alice().id), None);
    queued(&mut b, &alice(), "Rust");
    queued(&mut b, &bob(), "Go");
    let place = |b: &Board, a: &Actor| b.pitches().place_of(&a.id).map(|(_, p)| p);
    assert_eq!(place(&b, &alice()), Some(Place::Waiting { before: 0 }));
    assert_eq!(place(&b, &bob()), Some(Place::Waiting { before: 1 }));
    b.execute(&orga(), &Command::Pitch(PitchOp::Next)).unwrap();
    assert_eq!(place(&b, &alice()), Some(Place::On));
    assert_eq!(place(&b, &bob()), Some(Place::Waiting { before: 0 }));
    // On and waiting again: the pitch being given comes first.
    let again = queued(&mut b, &alice(), "Rust 2");
    let (p, on) = b.pitches().place_of(&alice().id).unwrap();
    assert_eq!((on, p.title.as_str()), (Place::On, "Rust"));
    assert_ne!(p.id, again);
}

#[test]
fn pitch_cells_skip_taken_and_past_and_put_big_rooms_first_on_a_big_show() {
    let mut g = grid();
    g.rooms[1].capacity = 50;
    let mut b = Board::new(g);
    b.execute(&alice(), &claim("b", "amphi")).unwrap();
    let all = |_: &SlotId| true;
    let names = |cells: Vec<Cell>| {
        cells
            .iter()
            .map(|c| format!("{}/{}", c.slot, c.room))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(pitch_cells(&b, false, all)),
        ["a/amphi", "a/sein", "b/sein"]
    );
    assert_eq!(
        names(pitch_cells(&b, true, all)),
        ["a/sein", "b/sein", "a/amphi"]
    );
    let later = |s: &SlotId| s.as_str() != "a";
    assert_eq!(names(pitch_cells(&b, false, later)), ["b/sein"]);
}

#[test]
fn a_show_of_hands_is_for_the_current_pitch_by_organisers_and_replays() {
    let mut b = open_board();
    let a = queued(&mut b, &alice(), "Rust");
    let hands = |big| {
        Command::Pitch(PitchOp::Hands {
            pitch: a.clone(),
            big,
        })
    };
    assert_eq!(code(&b, &orga(), &hands(true)), RejectCode::NotFound);
    b.execute(&orga(), &Command::Pitch(PitchOp::Next)).unwrap();
    assert_eq!(code(&b, &alice(), &hands(true)), RejectCode::Forbidden);
    assert_eq!(code(&b, &orga(), &hands(false)), RejectCode::Invalid);
    let change = b.execute(&orga(), &hands(true)).unwrap();
    let wire = serde_json::to_value(&change).unwrap();
    assert_eq!(
        wire,
        serde_json::json!({"kind": "pitch_hands", "pitch": a.as_str(), "big": true})
    );
    assert!(b.pitches().current.as_ref().unwrap().big);
    assert_eq!(code(&b, &orga(), &hands(true)), RejectCode::Invalid);
    // A pitch without a noted show of hands writes no `big`.
    let fresh = queued(&mut b, &bob(), "Go");
    let json = serde_json::to_value(b.pitches().find(&fresh).unwrap()).unwrap();
    assert!(json.get("big").is_none(), "{json}");
    // Replayed from its JSON, on a board where it is not current, it is refused.
    let replayed: Change = serde_json::from_value(wire).unwrap();
    let mut other = open_board();
    assert!(other.apply(&replayed).is_err());
}
