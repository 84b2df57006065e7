//! Property tests: random BarCamp mornings on a small wall.
//!
//! Four participants, one organiser and the wall send up to 200 random
//! commands to a 3 x 3 board, so collisions are frequent. Commands aim at
//! existing sessions, at random ids (`s_1`..`s_60`, mostly gone or never
//! claimed), and at cells inside and outside the grid. After every step the
//! board's invariants are checked, the accepted change is checked against who
//! sent it, and a replica rebuilt only from the (JSON round-tripped) accepted
//! changes, as well as a board restored from a snapshot, must equal the live
//! one.
//!
//! `PROPTEST_CASES=2000 cargo test --lib board::proptests` runs a deeper search.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;

use super::*;

const SLOTS: [&str; 3] = ["sat-0930", "sat-1030", "sat-1130"];
const ROOMS: [&str; 3] = ["amphi", "salle-a", "salle-b"];
/// Index 3 of a cell coordinate is outside the grid.
const NO_SLOT: &str = "sun-0930";
const NO_ROOM: &str = "cellar";

const TITLES: [&str; 4] = ["Rust & WebSockets", "Go", "Zig", "Café 🦀"];
const HOSTS: [&str; 3] = ["Alice", "Bob", "Maël"];
const DESCRIPTIONS: [&str; 2] = ["", "Bring a laptop\nand coffee"];
const TAGS: [&[&str]; 3] = [&[], &["rust"], &["rust", "web"]];
const ANNOUNCEMENTS: [&str; 3] = ["", "Lunch at 12:30", "Coffee in the hall"];

fn grid() -> Grid {
    Grid {
        rooms: ROOMS
            .iter()
            .enumerate()
            .map(|(i, id)| Room {
                id: RoomId::from(*id),
                name: id.to_uppercase(),
                capacity: 20 * (i as u32 + 1),
            })
            .collect(),
        slots: SLOTS
            .iter()
            .map(|id| Slot {
                id: SlotId::from(*id),
                day: "2026-12-05".parse().unwrap(),
                start: (id[4..6].to_owned() + ":" + &id[6..]).parse().unwrap(),
                end: "12:15".parse().unwrap(),
            })
            .collect(),
    }
}

fn grid_cells() -> Vec<Cell> {
    SLOTS
        .iter()
        .flat_map(|s| ROOMS.iter().map(move |r| cell(s, r)))
        .collect()
}

fn cell(slot: &str, room: &str) -> Cell {
    Cell {
        slot: SlotId::from(slot),
        room: RoomId::from(room),
    }
}

/// p_0..p_3 are participants, p_orga the organiser, p_wall the wall.
fn actors() -> Vec<Actor> {
    let mut v: Vec<Actor> = (0..4)
        .map(|i| Actor {
            id: ParticipantId(format!("p_{i}")),
            role: Role::Participant,
        })
        .collect();
    v.push(Actor {
        id: ParticipantId::from("p_orga"),
        role: Role::Organiser,
    });
    v.push(Actor {
        id: ParticipantId::from("p_wall"),
        role: Role::Viewer,
    });
    v
}

const ORGA: usize = 4;
const WALL: usize = 5;

/// Which session a command aims at.
#[derive(Debug, Clone)]
enum Target {
    /// One of the sender's own sessions, if they have any.
    Own(Index),
    /// One of the sessions on the board when the command is sent.
    Existing(Index),
    /// `s_{n}`: usually released or never claimed.
    Raw(u32),
}

#[derive(Debug, Clone)]
enum Op {
    Claim {
        cell: (usize, usize),
        title: usize,
        host: usize,
        description: usize,
        tags: usize,
    },
    Edit {
        session: Target,
        title: Option<usize>,
        host: Option<usize>,
        description: Option<usize>,
        tags: Option<usize>,
    },
    Release {
        session: Target,
    },
    Move {
        session: Target,
        to: (usize, usize),
    },
    Swap {
        a: Target,
        b: Target,
    },
    Lock {
        cell: (usize, usize),
    },
    Unlock {
        cell: (usize, usize),
        /// Most of the time, one of the cells locked when it is sent.
        locked: Option<Index>,
    },
    SetOpen {
        open: bool,
    },
    Announce {
        text: usize,
    },
    Vote {
        session: Target,
        on: bool,
    },
    /// Everything one actor made, in one change.
    RemoveByOwner {
        owner: usize,
    },
    /// Every claim of the last `back` revs, in one change.
    RemoveSince {
        back: u64,
    },
    /// Close the event for good (rare: everything after it is refused).
    End,
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        3 => any::<Index>().prop_map(Target::Own),
        3 => any::<Index>().prop_map(Target::Existing),
        1 => (1u32..=60).prop_map(Target::Raw),
    ]
}

fn coord() -> impl Strategy<Value = usize> {
    prop_oneof![12 => 0usize..3, 1 => Just(3usize)]
}

fn cell_at() -> impl Strategy<Value = (usize, usize)> {
    (coord(), coord())
}

/// The ops, weighted; `organiser_ops` weighs swap, lock, unlock, set_open
/// and announce (participants send them too, rarely, to be told no).
fn op(organiser_ops: u32) -> impl Strategy<Value = Op> {
    let w = organiser_ops;
    prop_oneof![
        8 => (cell_at(), 0..TITLES.len(), 0..HOSTS.len(), 0..DESCRIPTIONS.len(), 0..TAGS.len())
            .prop_map(|(cell, title, host, description, tags)| Op::Claim {
                cell, title, host, description, tags,
            }),
        3 => (
            target(),
            proptest::option::of(0..TITLES.len()),
            proptest::option::of(0..HOSTS.len()),
            proptest::option::weighted(0.3, 0..DESCRIPTIONS.len()),
            proptest::option::weighted(0.3, 0..TAGS.len()),
        )
            .prop_map(|(session, title, host, description, tags)| Op::Edit {
                session, title, host, description, tags,
            }),
        3 => target().prop_map(|session| Op::Release { session }),
        4 => (target(), cell_at()).prop_map(|(session, to)| Op::Move { session, to }),
        6 => (target(), prop_oneof![2 => Just(true), 1 => Just(false)])
            .prop_map(|(session, on)| Op::Vote { session, on }),
        2 * w => (target(), target()).prop_map(|(a, b)| Op::Swap { a, b }),
        w => cell_at().prop_map(|cell| Op::Lock { cell }),
        w => (cell_at(), proptest::option::weighted(0.7, any::<Index>()))
            .prop_map(|(cell, locked)| Op::Unlock { cell, locked }),
        w => prop_oneof![2 => Just(true), 1 => Just(false)].prop_map(|open| Op::SetOpen { open }),
        w => (0..ANNOUNCEMENTS.len()).prop_map(|text| Op::Announce { text }),
        w => (0usize..=WALL).prop_map(|owner| Op::RemoveByOwner { owner }),
        w => (0u64..12).prop_map(|back| Op::RemoveSince { back }),
    ]
}

/// (actor index, op): participants most often, the wall now and then.
fn step() -> impl Strategy<Value = (usize, Op)> {
    prop_oneof![
        80 => (0usize..4, op(1)),
        30 => (Just(ORGA), op(4)),
        10 => (Just(WALL), op(2)),
        // About a third of the mornings end before their last step.
        1 => (0usize..=WALL, Just(Op::End)),
    ]
}

fn steps() -> impl Strategy<Value = Vec<(usize, Op)>> {
    prop::collection::vec(step(), 1..=200)
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    ProptestConfig {
        cases,
        // Only src/board/{tests,proptests}.rs belong to these tests; print the
        // minimal failing sequence instead of writing a regressions file.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Turns a generated op from `actor` into a command against the board as it is now.
fn command(board: &Board, actor: &Actor, op: &Op) -> Command {
    let limits = Limits::default();
    let ids: Vec<SessionId> = board.sessions().map(|s| s.id.clone()).collect();
    let own: Vec<SessionId> = board
        .sessions()
        .filter(|s| s.owner == actor.id)
        .map(|s| s.id.clone())
        .collect();
    let session = |t: &Target| match t {
        Target::Own(i) if !own.is_empty() => i.get(&own).clone(),
        Target::Own(i) | Target::Existing(i) if !ids.is_empty() => i.get(&ids).clone(),
        Target::Own(i) | Target::Existing(i) => SessionId(format!("s_{}", i.index(60) + 1)),
        Target::Raw(n) => SessionId(format!("s_{n}")),
    };
    let at = |(s, r): (usize, usize)| {
        cell(
            SLOTS.get(s).unwrap_or(&NO_SLOT),
            ROOMS.get(r).unwrap_or(&NO_ROOM),
        )
    };
    let title = |i: usize| Title::parse(TITLES[i], &limits).unwrap();
    let host = |i: usize| Host::parse(HOSTS[i], &limits).unwrap();
    let description = |i: usize| Description::parse(DESCRIPTIONS[i], &limits).unwrap();
    let tags = |i: usize| Tags::parse(TAGS[i], &limits).unwrap();
    match op {
        Op::Claim {
            cell,
            title: t,
            host: h,
            description: d,
            tags: g,
        } => Command::Claim {
            cell: at(*cell),
            title: title(*t),
            host: host(*h),
            description: description(*d),
            tags: tags(*g),
        },
        Op::Edit {
            session: s,
            title: t,
            host: h,
            description: d,
            tags: g,
        } => Command::Edit {
            session: session(s),
            title: t.map(title),
            host: h.map(host),
            description: d.map(description),
            tags: g.map(tags),
        },
        Op::Release { session: s } => Command::Release {
            session: session(s),
        },
        Op::Move { session: s, to } => Command::Move {
            session: session(s),
            to: at(*to),
        },
        Op::Swap { a, b } => Command::Swap {
            a: session(a),
            b: session(b),
        },
        Op::Lock { cell } => Command::Lock { cell: at(*cell) },
        Op::Unlock { cell, locked } => {
            let locks: Vec<&Cell> = board.locks().collect();
            Command::Unlock {
                cell: match locked {
                    Some(i) if !locks.is_empty() => (*i.get(&locks)).clone(),
                    _ => at(*cell),
                },
            }
        }
        Op::SetOpen { open } => Command::SetOpen { open: *open },
        Op::Announce { text } => Command::Announce {
            text: Announcement::parse(ANNOUNCEMENTS[*text], &limits).unwrap(),
        },
        Op::Vote { session: s, on } => Command::Vote {
            session: session(s),
            on: *on,
        },
        Op::RemoveByOwner { owner } => Command::RemoveByOwner {
            owner: actors()[*owner].id.clone(),
        },
        Op::RemoveSince { back } => Command::RemoveClaimsSince {
            rev: board.rev().saturating_sub(*back),
        },
        Op::End => Command::End,
    }
}

/// One session per cell, every session in exactly one cell of the grid, and
/// the cell index agrees with the sessions.
fn check_cells(board: &Board) -> Result<(), TestCaseError> {
    let grid = grid();
    let mut seen = BTreeSet::new();
    for s in board.sessions() {
        prop_assert!(
            grid.slot(&s.slot).is_some() && grid.room(&s.room).is_some(),
            "{} sits outside the grid, in {}/{}",
            s.id,
            s.slot,
            s.room
        );
        prop_assert!(seen.insert(s.cell()), "two sessions in {:?}", s.cell());
        prop_assert_eq!(board.session_at(&s.cell()).map(|x| &x.id), Some(&s.id));
        prop_assert_eq!(board.session(&s.id), Some(s));
    }
    let mut occupied = 0;
    for c in grid_cells() {
        if let Some(s) = board.session_at(&c) {
            occupied += 1;
            prop_assert_eq!(s.cell(), c, "the cell index points at a session elsewhere");
        }
    }
    prop_assert_eq!(occupied, board.sessions().count());
    for c in [cell(NO_SLOT, ROOMS[0]), cell(SLOTS[0], NO_ROOM)] {
        prop_assert!(board.session_at(&c).is_none());
        prop_assert!(!board.is_locked(&c));
    }
    prop_assert!(board.locks().all(|c| grid_cells().contains(c)));
    Ok(())
}

/// The accepted change is one this actor was allowed to cause, on the board
/// as it was before.
fn check_permitted(before: &Board, actor: &Actor, change: &Change) -> Result<(), TestCaseError> {
    let organiser = actor.role == Role::Organiser;
    prop_assert!(
        actor.role != Role::Viewer,
        "the wall changed the board: {:?}",
        change
    );
    let owner_or_organiser = |id: &SessionId, needs_open: bool| -> Result<(), TestCaseError> {
        let old = before.session(id);
        prop_assert!(old.is_some(), "{:?} changed unknown session {}", change, id);
        let old = old.unwrap();
        prop_assert!(
            organiser || (old.owner == actor.id && (!needs_open || before.is_open())),
            "{} (owned by {}) changed by {} ({:?}), board open: {}: {:?}",
            id,
            old.owner,
            actor.id,
            actor.role,
            before.is_open(),
            change
        );
        Ok(())
    };
    let free = |c: &Cell| -> Result<(), TestCaseError> {
        prop_assert!(grid_cells().contains(c), "{:?} is outside the grid", c);
        prop_assert!(before.session_at(c).is_none(), "{:?} was taken", c);
        prop_assert!(!before.is_locked(c), "{:?} was locked", c);
        Ok(())
    };
    match change {
        Change::Claimed { session, .. } => {
            prop_assert_eq!(&session.owner, &actor.id);
            prop_assert_eq!(&session.id.0, &format!("s_{}", before.rev() + 1));
            prop_assert!(before.session(&session.id).is_none());
            prop_assert_eq!(session.votes, 0);
            prop_assert!(before.is_open(), "claimed while closed");
            free(&session.cell())?;
        }
        Change::Edited { session } => {
            owner_or_organiser(&session.id, false)?;
            let old = before.session(&session.id).unwrap();
            prop_assert_eq!(&session.owner, &old.owner);
            prop_assert_eq!(session.cell(), old.cell());
            prop_assert_eq!(session.votes, old.votes);
        }
        Change::Released { session } => owner_or_organiser(session, true)?,
        Change::Moved {
            session,
            slot,
            room,
        } => {
            owner_or_organiser(session, true)?;
            free(&Cell {
                slot: slot.clone(),
                room: room.clone(),
            })?;
        }
        Change::Swapped { a, b } => {
            prop_assert!(organiser, "swap by {:?}", actor);
            prop_assert!(a != b);
            prop_assert!(before.session(a).is_some() && before.session(b).is_some());
        }
        Change::Locked { slot, room } | Change::Unlocked { slot, room } => {
            prop_assert!(organiser, "lock/unlock by {:?}", actor);
            let c = cell(slot.as_str(), room.as_str());
            prop_assert!(grid_cells().contains(&c));
            let want_locked = matches!(change, Change::Unlocked { .. });
            prop_assert_eq!(
                before.is_locked(&c),
                want_locked,
                "{:?} changes nothing",
                change
            );
        }
        Change::Opened { open } => {
            prop_assert!(organiser, "open/close by {:?}", actor);
            prop_assert_ne!(*open, before.is_open());
        }
        Change::Announced { text } => {
            prop_assert!(organiser, "announcement by {:?}", actor);
            prop_assert_ne!(text.as_str(), before.announcement().unwrap_or(""));
        }
        Change::Ended {} => {
            prop_assert!(organiser, "end by {:?}", actor);
        }
        Change::Grid { .. } => {
            prop_assert!(organiser, "grid change by {:?}", actor);
        }
        // The queue's own rules are tested in `pitch_tests.rs`.
        Change::PitchQueued { .. }
        | Change::PitchRemoved { .. }
        | Change::PitchCalled { .. }
        | Change::PitchMoved { .. }
        | Change::PitchOpened { .. }
        | Change::PitchHands { .. } => {}
        Change::Removed { sessions } => {
            prop_assert!(organiser, "bulk removal by {:?}", actor);
            prop_assert!(!sessions.is_empty());
            for id in sessions {
                prop_assert!(before.session(id).is_some());
            }
        }
        Change::Restored { sessions, .. } => {
            prop_assert!(organiser, "restoration by {:?}", actor);
            for s in sessions {
                prop_assert!(before.session(&s.id).is_none());
                free(&s.cell())?;
            }
        }
        Change::Voted {
            session,
            voter,
            on,
            votes,
        } => {
            prop_assert_eq!(voter, &actor.id);
            let old = before.session(session);
            prop_assert!(old.is_some());
            let old = old.unwrap().votes;
            prop_assert_eq!(
                Some(*votes),
                if *on {
                    old.checked_add(1)
                } else {
                    old.checked_sub(1)
                }
            );
        }
    }
    Ok(())
}

/// What the change did, seen from outside.
fn check_effect(before: &Board, after: &Board, change: &Change) -> Result<(), TestCaseError> {
    match change {
        Change::Claimed { session, .. } => {
            prop_assert_eq!(after.session_at(&session.cell()), Some(session))
        }
        Change::Edited { session } => prop_assert_eq!(after.session(&session.id), Some(session)),
        Change::Released { session } => {
            prop_assert!(after.session(session).is_none());
            let old = before.session(session).unwrap();
            prop_assert!(after.session_at(&old.cell()).is_none());
        }
        Change::Moved {
            session,
            slot,
            room,
        } => {
            let old = before.session(session).unwrap();
            let new = after.session(session).unwrap();
            prop_assert_eq!((&new.slot, &new.room), (slot, room));
            prop_assert!(after.session_at(&old.cell()).is_none());
            prop_assert_eq!(
                (&new.title, &new.owner, new.votes),
                (&old.title, &old.owner, old.votes)
            );
        }
        Change::Swapped { a, b } => {
            let (ba, bb) = (before.session(a).unwrap(), before.session(b).unwrap());
            prop_assert_eq!(after.session(a).unwrap().cell(), bb.cell());
            prop_assert_eq!(after.session(b).unwrap().cell(), ba.cell());
        }
        Change::Locked { slot, room } => {
            prop_assert!(after.is_locked(&cell(slot.as_str(), room.as_str())))
        }
        Change::Unlocked { slot, room } => {
            prop_assert!(!after.is_locked(&cell(slot.as_str(), room.as_str())))
        }
        Change::Opened { open } => prop_assert_eq!(after.is_open(), *open),
        Change::Announced { text } => {
            prop_assert_eq!(
                after.announcement(),
                (!text.is_empty()).then_some(text.as_str())
            )
        }
        Change::Voted { session, votes, .. } => {
            prop_assert_eq!(after.session(session).unwrap().votes, *votes)
        }
        Change::Ended {} => prop_assert!(after.is_ended() && !before.is_ended()),
        Change::Grid { rooms, slots } => {
            prop_assert_eq!(&after.grid().rooms, rooms);
            prop_assert_eq!(&after.grid().slots, slots);
        }
        Change::Removed { sessions } => {
            for id in sessions {
                prop_assert!(after.session(id).is_none());
                let old = before.session(id).unwrap();
                prop_assert!(after.session_at(&old.cell()).is_none());
            }
        }
        Change::Restored { sessions, .. } => {
            for s in sessions {
                prop_assert_eq!(after.session_at(&s.cell()), Some(s));
            }
        }
        Change::PitchQueued { .. }
        | Change::PitchRemoved { .. }
        | Change::PitchCalled { .. }
        | Change::PitchMoved { .. }
        | Change::PitchOpened { .. }
        | Change::PitchHands { .. } => {}
    }
    Ok(())
}

/// What the test knows independently of the board.
#[derive(Default)]
struct Model {
    owners: BTreeMap<SessionId, ParticipantId>,
    voters: BTreeMap<SessionId, BTreeSet<ParticipantId>>,
}

impl Model {
    fn record(&mut self, change: &Change) {
        match change {
            Change::Claimed { session, .. } => {
                self.owners
                    .insert(session.id.clone(), session.owner.clone());
            }
            Change::Released { session } => {
                self.voters.remove(session);
            }
            Change::Removed { sessions } => {
                for id in sessions {
                    self.voters.remove(id);
                }
            }
            Change::Restored { voters, .. } => {
                self.voters.extend(voters.clone());
            }
            Change::Voted {
                session, voter, on, ..
            } => {
                let set = self.voters.entry(session.clone()).or_default();
                if *on {
                    set.insert(voter.clone());
                } else {
                    set.remove(voter);
                }
            }
            _ => {}
        }
    }

    fn check(&self, board: &Board, actors: &[Actor]) -> Result<(), TestCaseError> {
        for s in board.sessions() {
            prop_assert_eq!(
                Some(&s.owner),
                self.owners.get(&s.id),
                "the owner of {} changed",
                s.id
            );
            let voters = self.voters.get(&s.id).map_or(0, BTreeSet::len);
            prop_assert_eq!(s.votes as usize, voters, "votes of {}", s.id);
        }
        for a in actors {
            let on_board: BTreeSet<&SessionId> = board.votes_of(&a.id).collect();
            let known: BTreeSet<&SessionId> = self
                .voters
                .iter()
                .filter(|(id, v)| v.contains(&a.id) && board.session(id).is_some())
                .map(|(id, _)| id)
                .collect();
            prop_assert_eq!(on_board, known, "votes of {}", a.id);
        }
        Ok(())
    }
}

/// Plays the steps on a fresh board, checking everything after each one, and
/// hands every accepted change to `each`. Returns the accepted changes.
fn play(
    steps: &[(usize, Op)],
    mut each: impl FnMut(&Change) -> Result<(), TestCaseError>,
) -> Result<(Board, Vec<Change>), TestCaseError> {
    let actors = actors();
    let mut board = Board::new(grid());
    let mut replica = Board::new(grid());
    let mut model = Model::default();
    let mut accepted = Vec::new();
    for (who, op) in steps {
        let actor = &actors[*who];
        let command = command(&board, actor, op);
        let before = board.clone();
        let decided = board.decide(actor, &command);
        prop_assert_eq!(&board, &before, "decide changed the board");
        let result = board.execute(actor, &command);
        prop_assert_eq!(&result, &decided, "execute differs from decide");
        match result {
            Ok(change) => {
                prop_assert!(!before.is_ended(), "{:?} after the end", change);
                prop_assert_eq!(board.rev(), before.rev() + 1);
                check_permitted(&before, actor, &change)?;
                check_effect(&before, &board, &change)?;
                model.record(&change);
                // The replica only ever sees what a journal would hold.
                let line = serde_json::to_string(&change).unwrap();
                let read: Change = serde_json::from_str(&line).unwrap();
                replica
                    .apply(&read)
                    .map_err(|e| TestCaseError::fail(format!("replay of {line}: {e}")))?;
                each(&change)?;
                accepted.push(change);
            }
            Err(rejection) => {
                prop_assert_eq!(&board, &before, "a rejection changed the board");
                prop_assert_eq!(board.rev(), before.rev());
                if before.is_ended() {
                    prop_assert_eq!(rejection.code, RejectCode::Ended);
                } else if actor.role == Role::Viewer {
                    prop_assert_eq!(rejection.code, RejectCode::Forbidden);
                }
                prop_assert_eq!(
                    rejection.session.is_some(),
                    rejection.code == RejectCode::Taken,
                    "{:?}",
                    rejection
                );
            }
        }
        prop_assert_eq!(board.rev(), accepted.len() as u64);
        check_cells(&board)?;
        model.check(&board, &actors)?;
        prop_assert_eq!(&replica, &board, "replaying the accepted changes differs");
        let restored = Board::restore(grid(), board.state());
        prop_assert_eq!(restored.as_ref(), Ok(&board), "restore(state) differs");
    }
    // And once more from scratch, as at start-up.
    let mut replayed = Board::new(grid());
    for change in &accepted {
        replayed
            .apply(change)
            .map_err(|e| TestCaseError::fail(format!("replay of {change:?}: {e}")))?;
    }
    prop_assert_eq!(&replayed, &board);
    Ok((board, accepted))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_mornings_keep_the_board_sound(steps in steps()) {
        play(&steps, |_| Ok(()))?;
    }

    #[test]
    fn every_accepted_change_survives_json(steps in steps()) {
        let (board, _) = play(&steps, |change| {
            let text = serde_json::to_string(change).unwrap();
            let back: Change = serde_json::from_str(&text)
                .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(&back, change);
            let value = serde_json::to_value(change).unwrap();
            let kind = value["kind"].as_str().unwrap_or_default().to_owned();
            prop_assert!(
                [
                    "claimed", "edited", "released", "moved", "swapped", "locked",
                    "unlocked", "opened", "announced", "voted", "ended", "removed", "restored",
                ]
                .contains(&kind.as_str()),
                "{}", text
            );
            prop_assert_eq!(serde_json::from_value::<Change>(value).unwrap(), back);
            Ok(())
        })?;
        // The snapshot survives JSON too.
        let state = board.state();
        let text = serde_json::to_string(&state).unwrap();
        let back: BoardState = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &state);
        let restored = Board::restore(grid(), back);
        prop_assert_eq!(restored.as_ref(), Ok(&board));
    }

}
