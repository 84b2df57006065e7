//! The bulk removal rules and their undo on plain boards.

use serde_json::json;

use super::*;
use crate::board::fixtures::{self, at, orga, vote, who};
use crate::board::undo::Undo;
use crate::board::{Actor, Cell, Command, Grid, Role};

fn grid() -> Grid {
    fixtures::grid_of(&["a", "b", "c"])
}

fn claim(b: &mut Board, by: &Actor, c: Cell) -> SessionId {
    fixtures::claim(b, by, c, "Rust", "Maël")
}

/// Mallory claims three cells, Alice one; Bob votes for two of Mallory's.
fn flooded() -> (Board, Vec<SessionId>, SessionId) {
    let mut b = Board::new(grid());
    let mallory = who("p_mallory", Role::Participant);
    let alice = who("p_alice", Role::Participant);
    let bob = who("p_bob", Role::Participant);
    let m1 = claim(&mut b, &mallory, at("a", "amphi"));
    let a1 = claim(&mut b, &alice, at("a", "sein"));
    let m2 = claim(&mut b, &mallory, at("b", "amphi"));
    let m3 = claim(&mut b, &mallory, at("c", "sein"));
    vote(&mut b, &bob, &m1);
    vote(&mut b, &bob, &m3);
    vote(&mut b, &alice, &m3);
    (b, vec![m1, m2, m3], a1)
}

#[test]
fn remove_by_owner_takes_every_session_of_one_person_in_one_change() {
    let (mut b, mine, alice) = flooded();
    let rev = b.rev();
    let command = Command::RemoveByOwner {
        owner: ParticipantId::from("p_mallory"),
    };
    let change = b.execute(&orga(), &command).unwrap();
    assert_eq!(
        change,
        Change::Removed {
            sessions: mine.clone()
        }
    );
    assert_eq!(b.rev(), rev + 1, "one change");
    for id in &mine {
        assert!(b.session(id).is_none());
        assert_eq!(b.voters_of(id).count(), 0);
    }
    assert!(b.session(&alice).is_some(), "others are untouched");
    assert_eq!(b.session_at(&at("a", "amphi")), None);
    assert_eq!(b.votes_of(&ParticipantId::from("p_bob")).count(), 0);
}

#[test]
fn only_organisers_remove_in_bulk_and_nothing_to_remove_is_said() {
    let (b, _, _) = flooded();
    let by_owner = Command::RemoveByOwner {
        owner: ParticipantId::from("p_mallory"),
    };
    let since = Command::RemoveClaimsSince { rev: 1 };
    for command in [&by_owner, &since] {
        for actor in [
            who("p_mallory", Role::Participant),
            who("p_wall", Role::Viewer),
        ] {
            let r = b.decide(&actor, command).unwrap_err();
            assert_eq!(r.code, RejectCode::Forbidden, "{command:?} by {actor:?}");
        }
    }
    let nobody = Command::RemoveByOwner {
        owner: ParticipantId::from("p_nobody"),
    };
    let r = b.decide(&orga(), &nobody).unwrap_err();
    assert_eq!(r.code, RejectCode::NotFound);
    assert!(r.message.contains("p_nobody"), "{}", r.message);
    for rev in [0, b.rev() + 1] {
        let r = b
            .decide(&orga(), &Command::RemoveClaimsSince { rev })
            .unwrap_err();
        assert_eq!(r.code, RejectCode::Invalid, "rev {rev}: {}", r.message);
    }
    // Votes are not claims: since the last vote, nothing was claimed.
    let r = b
        .decide(&orga(), &Command::RemoveClaimsSince { rev: b.rev() })
        .unwrap_err();
    assert_eq!(r.code, RejectCode::NotFound);
    assert!(r.message.contains("at or after rev"), "{}", r.message);
}

#[test]
fn remove_claims_since_takes_only_the_later_claims() {
    let (mut b, mine, alice) = flooded();
    // Claims at revs 1 (m1), 2 (alice), 3 (m2), 4 (m3).
    let change = b
        .execute(&orga(), &Command::RemoveClaimsSince { rev: 3 })
        .unwrap();
    assert_eq!(
        change,
        Change::Removed {
            sessions: vec![mine[1].clone(), mine[2].clone()]
        }
    );
    assert!(b.session(&mine[0]).is_some());
    assert!(b.session(&alice).is_some());
}

#[test]
fn undo_puts_every_session_back_as_it_was_votes_included() {
    let (mut b, _, _) = flooded();
    let before = b.clone();
    let command = Command::RemoveByOwner {
        owner: ParticipantId::from("p_mallory"),
    };
    let change = b.execute(&orga(), &command).unwrap();
    let Undo::Inverse(back) = Undo::of(&before, Some(&orga().id), &change) else {
        panic!("a bulk removal is undoable");
    };
    let restored = b.execute(&orga(), &back).unwrap();
    assert!(matches!(&restored, Change::Restored { sessions, .. } if sessions.len() == 3));
    let mut expected = before.state();
    expected.rev += 2;
    assert_eq!(
        b.state(),
        expected,
        "votes, voters, owners and cells are back"
    );
    // The restoration is not itself an action for undo to take back.
    assert_eq!(Undo::of(&b, Some(&orga().id), &restored), Undo::Skip);
}

#[test]
fn undo_is_refused_whole_when_a_cell_was_taken_since() {
    let (mut b, mine, _) = flooded();
    let before = b.clone();
    let command = Command::RemoveByOwner {
        owner: ParticipantId::from("p_mallory"),
    };
    let change = b.execute(&orga(), &command).unwrap();
    let Undo::Inverse(back) = Undo::of(&before, Some(&orga().id), &change) else {
        panic!("a bulk removal is undoable");
    };
    let carol = who("p_carol", Role::Participant);
    claim(&mut b, &carol, at("b", "amphi"));
    let after = b.clone();
    let r = b.execute(&orga(), &back).unwrap_err();
    assert_eq!(r.code, RejectCode::Taken);
    assert!(r.message.contains(mine[1].as_str()), "{}", r.message);
    assert!(r.message.contains("slot b / room amphi"), "{}", r.message);
    assert_eq!(b, after, "nothing was put back");
}

#[test]
fn a_journal_line_that_does_not_fit_is_inconsistent() {
    let (b, mine, alice) = flooded();
    let bad = [
        Change::Removed { sessions: vec![] },
        Change::Removed {
            sessions: vec![SessionId::from("s_99")],
        },
        Change::Removed {
            sessions: vec![mine[0].clone(), mine[0].clone()],
        },
        Change::Restored {
            sessions: vec![b.session(&alice).unwrap().clone()],
            voters: BTreeMap::new(),
        },
    ];
    for change in bad {
        let mut copy = b.clone();
        assert!(copy.apply(&change).is_err(), "{change:?}");
        assert_eq!(copy, b, "nothing changed for {change:?}");
    }
    // A restored session counts as many votes as it lists voters.
    let mut gone = b.clone();
    let m3 = b.session(&mine[2]).unwrap().clone();
    gone.apply(&Change::Removed {
        sessions: vec![m3.id.clone()],
    })
    .unwrap();
    let short = Change::Restored {
        sessions: vec![m3.clone()],
        voters: BTreeMap::new(),
    };
    assert!(gone.clone().apply(&short).is_err());
    let whole = Change::Restored {
        sessions: vec![m3.clone()],
        voters: BTreeMap::from([(m3.id.clone(), b.voters_of(&m3.id).cloned().collect())]),
    };
    gone.apply(&whole).unwrap();
    assert_eq!(gone.session(&m3.id), Some(&m3));
}

#[test]
fn the_new_kinds_read_and_write_as_documented() {
    let removed = Change::Removed {
        sessions: vec![SessionId::from("s_1"), SessionId::from("s_3")],
    };
    assert_eq!(
        serde_json::to_value(&removed).unwrap(),
        json!({"kind": "removed", "sessions": ["s_1", "s_3"]})
    );
    let (b, mine, _) = flooded();
    let s = b.session(&mine[1]).unwrap().clone();
    let restored = Change::Restored {
        sessions: vec![s],
        voters: BTreeMap::new(),
    };
    let v = serde_json::to_value(&restored).unwrap();
    assert_eq!(v["kind"], "restored");
    assert_eq!(v["sessions"][0]["id"], mine[1].as_str());
    assert!(v.get("voters").is_none(), "absent when nobody voted");
    let back: Change = serde_json::from_value(v).unwrap();
    assert_eq!(back, restored);
}
