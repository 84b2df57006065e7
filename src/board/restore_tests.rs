//! Restoring a released session and rebuilding a board from its snapshot:
//! the checks that keep ids and cells consistent across both.

use super::*;

fn board() -> Board {
    Board::new(Grid {
        rooms: vec![Room {
            id: RoomId::from("amphi"),
            name: "Amphi".into(),
            capacity: 100,
        }],
        slots: vec![
            Slot {
                id: SlotId::from("a"),
                day: "2026-12-05".parse().unwrap(),
                start: "09:30".parse().unwrap(),
                end: "10:15".parse().unwrap(),
            },
            Slot {
                id: SlotId::from("b"),
                day: "2026-12-05".parse().unwrap(),
                start: "10:30".parse().unwrap(),
                end: "11:15".parse().unwrap(),
            },
        ],
    })
}

fn who(id: &str, role: Role) -> Actor {
    Actor {
        id: ParticipantId::from(id),
        role,
    }
}

fn claim(b: &mut Board, by: &Actor, slot: &str) -> Session {
    let limits = Limits::default();
    let change = b
        .execute(
            by,
            &Command::Claim {
                cell: cell(&SlotId::from(slot), &RoomId::from("amphi")),
                title: Title::parse("Rust", &limits).unwrap(),
                host: Host::parse("Maël", &limits).unwrap(),
                description: Description::empty(),
                tags: Tags::default(),
            },
        )
        .unwrap();
    match change {
        Change::Claimed { session, .. } => session,
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_organiser_puts_a_released_session_back_as_it_was_without_its_votes() {
    let (alice, orga) = (
        who("p_alice", Role::Participant),
        who("p_orga", Role::Organiser),
    );
    let mut b = board();
    let s = claim(&mut b, &alice, "a");
    b.execute(
        &orga,
        &Command::Vote {
            session: s.id.clone(),
            on: true,
        },
    )
    .unwrap();
    let before = b.session(&s.id).unwrap().clone();
    b.execute(
        &orga,
        &Command::Release {
            session: s.id.clone(),
        },
    )
    .unwrap();
    let restore = Command::Restore {
        session: Box::new(before.clone()),
    };
    assert_eq!(
        b.decide(&alice, &restore).unwrap_err().code,
        RejectCode::Forbidden
    );
    let change = b.execute(&orga, &restore).unwrap();
    let back = b.session(&s.id).unwrap();
    assert_eq!(
        back,
        &Session {
            votes: 0,
            ..before.clone()
        }
    );
    assert_eq!(back.owner, alice.id);
    assert!(matches!(change, Change::Claimed { .. }));
    // A board replayed from the same changes agrees.
    let state = b.state();
    assert!(Board::restore(b.grid().clone(), state).is_ok());
    assert_eq!(
        b.decide(&orga, &restore).unwrap_err().code,
        RejectCode::Invalid,
        "it is on the board again"
    );
}

#[test]
fn a_restore_needs_a_free_unlocked_cell_and_a_known_id() {
    let (alice, orga) = (
        who("p_alice", Role::Participant),
        who("p_orga", Role::Organiser),
    );
    let mut b = board();
    let s = claim(&mut b, &alice, "a");
    b.execute(
        &orga,
        &Command::Release {
            session: s.id.clone(),
        },
    )
    .unwrap();
    claim(&mut b, &alice, "a");
    let restore = Command::Restore {
        session: Box::new(s.clone()),
    };
    assert_eq!(
        b.decide(&orga, &restore).unwrap_err().code,
        RejectCode::Taken
    );
    let unknown = Session {
        id: SessionId::from("s_99"),
        slot: SlotId::from("b"),
        ..s.clone()
    };
    let r = b.decide(
        &orga,
        &Command::Restore {
            session: Box::new(unknown),
        },
    );
    assert_eq!(r.unwrap_err().code, RejectCode::Invalid);
    b.execute(
        &orga,
        &Command::Lock {
            cell: cell(&SlotId::from("b"), &RoomId::from("amphi")),
        },
    )
    .unwrap();
    let elsewhere = Session {
        slot: SlotId::from("b"),
        ..s
    };
    let r = b.decide(
        &orga,
        &Command::Restore {
            session: Box::new(elsewhere),
        },
    );
    assert_eq!(r.unwrap_err().code, RejectCode::Locked);
}
