//! The cap of sessions per participant (issue 10: one token claimed all 72
//! cells of the demo board): a participant holds at most the board's cap,
//! an organiser any number, and a replayed journal is never judged by it.

use super::*;

fn grid() -> Grid {
    let slot = |id: &str, start: &str| Slot {
        id: SlotId::from(id),
        day: "2026-12-05".parse().unwrap(),
        start: start.parse().unwrap(),
        end: "18:00".parse().unwrap(),
    };
    Grid {
        rooms: ["amphi", "salle-a", "salle-b"]
            .into_iter()
            .map(|id| Room {
                id: RoomId::from(id),
                name: id.into(),
                capacity: 10,
            })
            .collect(),
        slots: vec![slot("sat-0930", "09:30"), slot("sat-1030", "10:30")],
    }
}

fn claim(i: usize) -> Command {
    let limits = Limits::default();
    let cells: Vec<Cell> = grid()
        .slots
        .iter()
        .flat_map(|s| {
            grid().rooms.into_iter().map(move |r| Cell {
                slot: s.id.clone(),
                room: r.id,
            })
        })
        .collect();
    Command::Claim {
        cell: cells[i].clone(),
        title: Title::parse("Talk", &limits).unwrap(),
        host: Host::parse("Me", &limits).unwrap(),
        description: Description::parse("", &limits).unwrap(),
        tags: Tags::parse::<&str>(&[], &limits).unwrap(),
    }
}

fn who(id: &str, role: Role) -> Actor {
    Actor {
        id: ParticipantId::from(id),
        role,
    }
}

#[test]
fn a_participant_holds_at_most_the_cap_and_is_told_the_counts() {
    let mut b = Board::new(grid()).with_session_cap(Some(2));
    let alice = who("p_alice", Role::Participant);
    b.execute(&alice, &claim(0)).unwrap();
    b.execute(&alice, &claim(1)).unwrap();
    let r = b.decide(&alice, &claim(2)).unwrap_err();
    assert_eq!(r.code, RejectCode::SessionLimit);
    assert_eq!((r.held, r.max), (Some(2), Some(2)));
    assert!(
        r.message.contains("You already hold 2 sessions"),
        "{}",
        r.message
    );
    // Bob is not held by Alice's count; releasing one makes room again.
    b.execute(&who("p_bob", Role::Participant), &claim(2))
        .unwrap();
    let first = b
        .sessions()
        .find(|s| s.owner == alice.id)
        .unwrap()
        .id
        .clone();
    b.execute(&alice, &Command::Release { session: first })
        .unwrap();
    b.execute(&alice, &claim(3)).unwrap();
}

#[test]
fn organisers_and_uncapped_boards_are_not_held() {
    let mut b = Board::new(grid()).with_session_cap(Some(1));
    let orga = who("p_orga", Role::Organiser);
    for i in 0..4 {
        b.execute(&orga, &claim(i)).unwrap();
    }
    let mut free = Board::new(grid());
    let alice = who("p_alice", Role::Participant);
    for i in 0..4 {
        free.execute(&alice, &claim(i)).unwrap();
    }
    assert_eq!(free.held_by(&alice.id), 4);
}

#[test]
fn replay_is_not_judged_by_the_cap() {
    // A journal written before the cap (or under a higher one) still loads:
    // `apply` takes what `decide` once accepted.
    let mut before = Board::new(grid());
    let alice = who("p_alice", Role::Participant);
    let changes: Vec<Change> = (0..3)
        .map(|i| before.execute(&alice, &claim(i)).unwrap())
        .collect();
    let mut replayed = Board::new(grid()).with_session_cap(Some(2));
    for c in &changes {
        replayed.apply(c).unwrap();
    }
    assert_eq!(replayed.held_by(&alice.id), 3);
    let r = replayed.decide(&alice, &claim(3)).unwrap_err();
    assert_eq!((r.held, r.max), (Some(3), Some(2)));
}
