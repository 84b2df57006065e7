//! The plain boards the core's unit tests build: a grid of two rooms, cells,
//! actors and the commands that fill a board, written once for every test
//! file of `board` (tests only).

use super::{
    Actor, Board, Cell, Change, Command, Description, Grid, Host, Limits, ParticipantId, Role,
    Room, RoomId, SessionId, Slot, SlotId, Tags, Title,
};

/// Rooms `amphi` and `sein` (10 seats each) and the slots `(id, start)` of
/// 2026-12-05, each 45 minutes long.
pub fn grid_at(slots: &[(&str, &str)]) -> Grid {
    Grid {
        rooms: ["amphi", "sein"]
            .iter()
            .map(|id| Room {
                id: RoomId::from(*id),
                name: id.to_uppercase(),
                capacity: 10,
            })
            .collect(),
        slots: slots
            .iter()
            .map(|(id, start)| {
                let start: jiff::civil::Time = start.parse().unwrap();
                Slot {
                    id: SlotId::from(*id),
                    day: "2026-12-05".parse().unwrap(),
                    start,
                    end: start + jiff::Span::new().minutes(45),
                }
            })
            .collect(),
    }
}

/// The same rooms, and slots that all run 09:30-10:15 (tests where time
/// does not matter).
pub fn grid_of(slots: &[&str]) -> Grid {
    let at: Vec<(&str, &str)> = slots.iter().map(|s| (*s, "09:30")).collect();
    grid_at(&at)
}

pub fn at(slot: &str, room: &str) -> Cell {
    Cell {
        slot: SlotId::from(slot),
        room: RoomId::from(room),
    }
}

pub fn who(id: &str, role: Role) -> Actor {
    Actor {
        id: ParticipantId::from(id),
        role,
    }
}

pub fn participant(id: &str) -> Actor {
    who(id, Role::Participant)
}

pub fn orga() -> Actor {
    who("p_orga", Role::Organiser)
}

/// A claim of `cell` with this title and host.
pub fn claim_cmd(cell: Cell, title: &str, host: &str) -> Command {
    let limits = Limits::default();
    Command::Claim {
        cell,
        title: Title::parse(title, &limits).unwrap(),
        host: Host::parse(host, &limits).unwrap(),
        description: Description::empty(),
        tags: Tags::default(),
    }
}

/// Claims `cell` on `b` as `by`; the new session's id.
pub fn claim(b: &mut Board, by: &Actor, cell: Cell, title: &str, host: &str) -> SessionId {
    match b.execute(by, &claim_cmd(cell, title, host)).unwrap() {
        Change::Claimed { session, .. } => session.id,
        other => panic!("{other:?}"),
    }
}

/// `by` says they want to attend `session`.
pub fn vote(b: &mut Board, by: &Actor, session: &SessionId) {
    let command = Command::Vote {
        session: session.clone(),
        on: true,
    };
    b.execute(by, &command).unwrap();
}
