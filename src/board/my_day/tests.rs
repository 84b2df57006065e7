//! My day's rules on plain boards.

use super::*;
use crate::board::Command;
use crate::board::fixtures::{at, claim, grid_at, orga, participant as who, vote};

fn grid() -> crate::board::Grid {
    grid_at(&[("a", "09:30"), ("b", "10:30"), ("c", "11:30")])
}

#[test]
fn my_day_is_in_time_order_with_its_clashes_named() {
    let mut b = Board::new(grid());
    let (me, bob) = (who("p_me"), who("p_bob"));
    let late = claim(&mut b, &me, at("c", "amphi"), "Mine, late", "Me");
    let hosted = claim(&mut b, &me, at("a", "sein"), "Mine", "Me");
    let want_a = claim(&mut b, &bob, at("a", "amphi"), "Bob's", "Bob");
    let want_b1 = claim(&mut b, &bob, at("b", "amphi"), "B1", "Bob");
    let want_b2 = claim(&mut b, &who("p_cat"), at("b", "sein"), "B2", "Cat");
    let other = claim(&mut b, &bob, at("c", "sein"), "Not mine", "Bob");
    for s in [&want_a, &want_b1, &want_b2] {
        vote(&mut b, &me, s);
    }
    vote(&mut b, &bob, &other);
    let day = my_day(&b, &me.id);
    let ids: Vec<&SessionId> = day.iter().map(|e| &e.session.id).collect();
    assert_eq!(ids, [&want_a, &hosted, &want_b1, &want_b2, &late]);
    let kinds: Vec<Option<Clash>> = day.iter().map(|e| e.clash.as_ref().map(|c| c.0)).collect();
    assert_eq!(
        kinds,
        [
            Some(Clash::HostAndWanted),
            Some(Clash::HostAndWanted),
            Some(Clash::TwoWanted),
            Some(Clash::TwoWanted),
            None
        ]
    );
    assert_eq!(day[0].clash.as_ref().unwrap().1, [&hosted]);
    assert_eq!(day[1].why, Why::Host);
    assert_eq!(day[0].why, Why::Attend);
    assert!(my_day(&b, &ParticipantId::from("p_nobody")).is_empty());
}

#[test]
fn what_moved_or_was_cancelled_since_is_named() {
    let mut b = Board::new(grid());
    let me = who("p_me");
    let kept = claim(&mut b, &me, at("a", "amphi"), "Kept", "Me");
    let moved = claim(&mut b, &me, at("b", "amphi"), "Moved", "Me");
    let gone = claim(&mut b, &me, at("c", "amphi"), "Gone", "Me");
    let seen: Vec<(SessionId, Cell)> = my_day(&b, &me.id)
        .iter()
        .map(|e| (e.session.id.clone(), e.session.cell()))
        .collect();
    let organiser = orga();
    let to = at("b", "sein");
    let command = Command::Move {
        session: moved.clone(),
        to: to.clone(),
    };
    b.execute(&organiser, &command).unwrap();
    b.execute(
        &me,
        &Command::Release {
            session: gone.clone(),
        },
    )
    .unwrap();
    let changes = since(&b, &seen);
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(
        matches!(&changes[0], Since::Moved { session, from } if session.id == moved && *from == at("b", "amphi"))
    );
    assert!(
        matches!(&changes[1], Since::Cancelled { id, was } if *id == gone && *was == at("c", "amphi"))
    );
    assert!(since(&b, &[(kept, at("a", "amphi"))]).is_empty());
}

#[test]
fn a_host_name_twice_in_a_slot_is_a_warning_both_ways() {
    let mut b = Board::new(grid());
    let one = claim(&mut b, &who("p_1"), at("a", "amphi"), "One", "Maël");
    let two = claim(&mut b, &who("p_2"), at("a", "sein"), "Two", " maël ");
    let three = claim(&mut b, &who("p_3"), at("b", "sein"), "Three", "Maël");
    let clashes = host_clashes(&b);
    assert_eq!(clashes.get(&one), Some(&two));
    assert_eq!(clashes.get(&two), Some(&one));
    assert_eq!(clashes.get(&three), None, "another slot is no clash");
    assert_eq!(
        host_clash_at(&b, &at("b", "amphi"), "MAËL").map(|s| &s.id),
        Some(&three)
    );
    assert!(host_clash_at(&b, &at("c", "amphi"), "Maël").is_none());
}
