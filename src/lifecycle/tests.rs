//! The lifecycle's questions on small events: upcoming, live and ended at
//! given instants, and what a config would orphan.

use super::*;
use crate::board::{
    Actor, Command, Description, Host, Limits, ParticipantId, Role, RoomId, SlotId, Tags, Title,
};
use crate::config::{Config, Overrides};

fn event(tz: &str, days: &[(&str, &[(&str, &str)])]) -> EventConfig {
    let hash = crate::auth::hash_secret("organiser-secret");
    let mut text = format!(
        "[[events]]\nslug = \"camp\"\ntitle = \"Camp\"\ntimezone = \"{tz}\"\n\
         organiser_token_hash = \"{hash}\"\n\
         [[events.rooms]]\nid = \"amphi\"\nname = \"Amphi\"\ncapacity = 10\n"
    );
    let mut n = 0;
    for (date, slots) in days {
        let _ = writeln!(text, "[[events.days]]\ndate = \"{date}\"\nslots = [");
        for (start, end) in *slots {
            let _ = writeln!(
                text,
                "  {{ id = \"s{n}\", start = \"{start}\", end = \"{end}\" }},"
            );
            n += 1;
        }
        text.push_str("]\n");
    }
    let config = Config::from_toml_str(&text, "t.toml", &Overrides::default()).unwrap();
    config.events.into_iter().next().unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn live_from_midnight_of_the_first_day_to_the_end_of_the_last_slot_in_paris() {
    // Paris is UTC+1 in December.
    let e = event(
        "Europe/Paris",
        &[
            ("2026-12-06", &[("10:00", "16:00")]),
            // Days in any order: the first is the earliest.
            ("2026-12-05", &[("09:30", "10:15"), ("17:00", "17:45")]),
        ],
    );
    let board = Board::new(e.grid());
    let at = |s: &str| state(&e, &board, ts(s));
    assert_eq!(at("2026-11-01T00:00:00Z"), State::Upcoming);
    assert_eq!(at("2026-12-04T22:59:59Z"), State::Upcoming);
    assert_eq!(at("2026-12-04T23:00:00Z"), State::Live);
    assert_eq!(at("2026-12-05T20:00:00Z"), State::Live, "the night between");
    assert_eq!(at("2026-12-06T14:59:59Z"), State::Live);
    assert_eq!(at("2026-12-06T15:00:00Z"), State::Ended);
    assert_eq!(at("2030-01-01T00:00:00Z"), State::Ended);
    assert_eq!(starts_at(&e), Some(ts("2026-12-04T23:00:00Z")));
    assert_eq!(ends_at(&e), Some(ts("2026-12-06T15:00:00Z")));
}

#[test]
fn the_timezone_is_the_events() {
    let e = event("America/New_York", &[("2026-12-05", &[("09:00", "18:00")])]);
    // New York is UTC-5 in December.
    assert_eq!(starts_at(&e), Some(ts("2026-12-05T05:00:00Z")));
    assert_eq!(ends_at(&e), Some(ts("2026-12-05T23:00:00Z")));
    assert_eq!(
        state_of(&e, false, ts("2026-12-05T04:59:59Z")),
        State::Upcoming
    );
    assert_eq!(state_of(&e, false, ts("2026-12-05T22:59:59Z")), State::Live);
    assert_eq!(
        state_of(&e, false, ts("2026-12-05T23:00:00Z")),
        State::Ended
    );
}

#[test]
fn a_day_when_the_clocks_go_back_is_25_hours_long() {
    // 2026-10-25: Paris goes from UTC+2 to UTC+1 at 03:00.
    let e = event("Europe/Paris", &[("2026-10-25", &[("01:00", "23:30")])]);
    assert_eq!(starts_at(&e), Some(ts("2026-10-24T22:00:00Z")), "UTC+2");
    assert_eq!(ends_at(&e), Some(ts("2026-10-25T22:30:00Z")), "UTC+1");
    assert_eq!(
        state_of(&e, false, ts("2026-10-24T21:59:59Z")),
        State::Upcoming
    );
    assert_eq!(state_of(&e, false, ts("2026-10-24T22:00:00Z")), State::Live);
    assert_eq!(state_of(&e, false, ts("2026-10-25T22:29:59Z")), State::Live);
    assert_eq!(
        state_of(&e, false, ts("2026-10-25T22:30:00Z")),
        State::Ended
    );
}

#[test]
fn a_slot_ending_in_the_spring_gap_ends_when_the_clocks_say_so() {
    // 2026-03-29: Paris jumps from 02:00 to 03:00; "02:30" does not
    // exist and is read as 03:30 (UTC+2), i.e. 01:30 UTC.
    let e = event("Europe/Paris", &[("2026-03-29", &[("01:00", "02:30")])]);
    assert_eq!(starts_at(&e), Some(ts("2026-03-28T23:00:00Z")), "UTC+1");
    assert_eq!(ends_at(&e), Some(ts("2026-03-29T01:30:00Z")));
    assert_eq!(state_of(&e, false, ts("2026-03-29T01:29:59Z")), State::Live);
    assert_eq!(
        state_of(&e, false, ts("2026-03-29T01:30:00Z")),
        State::Ended
    );
}

#[test]
fn closed_for_good_is_ended_whatever_the_clock() {
    let e = event("Europe/Paris", &[("2026-12-05", &[("09:30", "10:15")])]);
    let mut board = Board::new(e.grid());
    let before = ts("2026-01-01T00:00:00Z");
    assert_eq!(state(&e, &board, before), State::Upcoming);
    let orga = Actor {
        id: ParticipantId::from("p_orga"),
        role: Role::Organiser,
    };
    board.execute(&orga, &Command::End).unwrap();
    assert_eq!(state(&e, &board, before), State::Ended);
    assert_eq!(state_of(&e, true, before), State::Ended);
}

#[test]
fn the_ended_reject_points_at_the_archive() {
    let r = Rejection::new(RejectCode::Ended, "ended");
    let r = with_archive_link(r, "barcamp-brest");
    assert_eq!(
        r.message,
        "This event has ended; its programme is in the archive: /archive/barcamp-brest"
    );
    let other = with_archive_link(Rejection::new(RejectCode::Taken, "taken"), "x");
    assert_eq!(other.message, "taken");
}

#[test]
fn a_session_in_a_room_the_grid_lacks_is_an_orphan_named_in_the_message() {
    let e = event("Europe/Paris", &[("2026-12-05", &[("09:30", "10:15")])]);
    let mut wide = e.grid();
    wide.rooms.push(crate::board::Room {
        id: RoomId::from("atelier"),
        name: "Atelier".into(),
        capacity: 5,
    });
    let mut board = Board::new(wide);
    let alice = Actor {
        id: ParticipantId::from("p_alice"),
        role: Role::Participant,
    };
    let limits = Limits::default();
    let cell = Cell {
        slot: SlotId::from("s0"),
        room: RoomId::from("atelier"),
    };
    let change = board
        .execute(
            &alice,
            &Command::Claim {
                cell: cell.clone(),
                title: Title::parse("Rust & WebSockets", &limits).unwrap(),
                host: Host::parse("Maël", &limits).unwrap(),
                description: Description::empty(),
                tags: Tags::default(),
            },
        )
        .unwrap();
    let record = Record {
        rev: 1,
        change,
        at: "2026-12-05T08:00:00Z".into(),
        by: Some(alice.id.clone()),
        req: None,
    };
    let grid = e.grid();
    let found = orphans_in(&grid, None, [record.clone()]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].cell, cell);
    assert!(found[0].current);
    let message = orphan_message("data/events/camp", &grid, &found);
    assert!(message.contains("\"Rust & WebSockets\""), "{message}");
    assert!(
        message.contains("the room is not in the config"),
        "{message}"
    );
    // The same change already in the snapshot: nothing left in the journal.
    let snapshot = board.state();
    assert_eq!(orphans_in(&grid, Some(snapshot), [record]).len(), 1);
    assert!(
        orphans_in(&grid, None, []).is_empty(),
        "an empty folder has none"
    );
}

#[test]
fn a_session_in_a_room_added_live_is_no_orphan_and_the_drift_is_named() {
    let e = event("Europe/Paris", &[("2026-12-05", &[("09:30", "10:15")])]);
    let mut board = Board::new(e.grid());
    let orga = Actor {
        id: ParticipantId::from("p_orga"),
        role: Role::Organiser,
    };
    let limits = Limits::default();
    let add = Command::Grid(crate::board::GridOp::AddRoom {
        room: crate::board::Room {
            id: RoomId::from("atelier"),
            name: "Atelier".into(),
            capacity: 5,
        },
    });
    let claim = Command::Claim {
        cell: Cell {
            slot: SlotId::from("s0"),
            room: RoomId::from("atelier"),
        },
        title: Title::parse("Rust & WebSockets", &limits).unwrap(),
        host: Host::parse("Maël", &limits).unwrap(),
        description: Description::empty(),
        tags: Tags::default(),
    };
    let records: Vec<Record> = [add, claim]
        .iter()
        .enumerate()
        .map(|(i, c)| Record {
            rev: i as u64 + 1,
            change: board.execute(&orga, c).unwrap(),
            at: "2026-12-05T08:00:00Z".into(),
            by: Some(orga.id.clone()),
            req: None,
        })
        .collect();
    let grid = e.grid();
    assert!(
        orphans_in(&grid, None, records.clone()).is_empty(),
        "journal"
    );
    assert!(
        orphans_in(&grid, Some(board.state()), []).is_empty(),
        "snapshot"
    );
    let warning = grid_drift("data/events/camp", &grid, board.grid()).unwrap();
    assert!(warning.contains("room \"atelier\" was added"), "{warning}");
    assert!(warning.contains("data/events/camp"), "{warning}");
    assert_eq!(grid_drift("x", &grid, &grid), None);
}
