//! Frame decoding plus command apply, with the board's invariants checked
//! after every step. Shared by the fuzz targets (`fuzz/fuzz_targets/`) and
//! the regression tests (`tests/it/fuzz_regressions.rs`, which include this
//! file), so a corpus file or a crash found by the fuzzer replays the same
//! way under `cargo test`.
//!
//! Input format, for both targets: lines separated by `\n`; each line is a
//! control byte followed by one text frame (non-UTF-8 bytes are replaced, as
//! `String::from_utf8_lossy` does). The control byte's bits 0-1 name the
//! actor (0 participant A, 1 participant B, 2 organiser, 3 viewer: the digits
//! `0` to `3`); on the first line, its bits 2-3 choose the board to start
//! from (0 the seeded open board: `0`-`3`; 1 the same, closed: `4`-`7`;
//! 2 an empty board: `8`, `9`, `:`, `;`; 3 the seeded board, ended: `<`,
//! `=`, `>`, `?`). [`run_frame`] takes the whole rest of the input as the
//! frame (newlines included); [`run_sequence`] applies every line in turn.

use std::collections::BTreeSet;

use serde_json::Value;
use slotboard::board::{
    Actor, Board, BoardState, Change, Command, Grid, Limits, ParticipantId, RejectCode, Role, Room,
    RoomId, Slot, SlotId,
};
use slotboard::web::protocol::{self, Incoming, MAX_REQ, Outgoing, Refusal};

/// One frame: the first byte picks the actor and the start board, the rest
/// is the frame's text. Says whether the board accepted a change.
pub fn run_frame(data: &[u8]) -> bool {
    let Some((&control, frame)) = data.split_first() else {
        return false;
    };
    let limits = Limits::default();
    let mut board = start_board(control);
    check_board(&board);
    let text = String::from_utf8_lossy(frame);
    step(&mut board, &actor(control), &text, &limits).is_some()
}

/// Many frames on one board, one a line (see the module doc); then the
/// accepted changes, through JSON as the journal stores them, must rebuild
/// the same board from the same start. Returns how many were accepted.
pub fn run_sequence(data: &[u8]) -> usize {
    let Some(&first) = data.first() else {
        return 0;
    };
    let limits = Limits::default();
    let start = start_board(first);
    check_board(&start);
    let mut board = start.clone();
    let mut journal = Vec::new();
    for line in data.split(|&b| b == b'\n') {
        let Some((&control, frame)) = line.split_first() else {
            continue;
        };
        let text = String::from_utf8_lossy(frame);
        if let Some(change) = step(&mut board, &actor(control), &text, &limits) {
            journal.push(serde_json::to_string(&change).expect("a change serializes"));
        }
    }
    assert_eq!(
        board.rev(),
        start.rev() + journal.len() as u64,
        "rev grows by exactly one per accepted change"
    );
    let mut replayed = start;
    for line in &journal {
        let change: Change = serde_json::from_str(line).expect("a journal line reads back");
        replayed
            .apply(&change)
            .expect("a journaled change replays on the board it was made on");
    }
    assert_eq!(replayed, board, "replaying the journal rebuilds the board");
    journal.len()
}

const ROOMS: [&str; 2] = ["amphi", "salle-2"];
const SLOTS: [(&str, &str, &str); 3] = [
    ("sat-0930", "09:30", "10:15"),
    ("sat-1030", "10:30", "11:15"),
    ("sat-1130", "11:30", "12:15"),
];

/// Two rooms by three slots: small, so that cells collide often.
fn grid() -> Grid {
    Grid {
        rooms: ROOMS
            .iter()
            .map(|id| Room {
                id: RoomId((*id).into()),
                name: id.to_uppercase(),
                capacity: 30,
            })
            .collect(),
        slots: SLOTS
            .iter()
            .map(|(id, start, end)| Slot {
                id: SlotId((*id).into()),
                day: "2026-12-05".parse().expect("a date"),
                start: start.parse().expect("a time"),
                end: end.parse().expect("a time"),
            })
            .collect(),
    }
}

fn actor(control: u8) -> Actor {
    let (id, role) = match control & 3 {
        0 => ("p_00000000000000a1", Role::Participant),
        1 => ("p_00000000000000b2", Role::Participant),
        2 => ("p_00000000000000c3", Role::Organiser),
        _ => ("p_00000000000000d4", Role::Viewer),
    };
    Actor {
        id: ParticipantId(id.into()),
        role,
    }
}

/// The board a run starts from, built through the same parser: two sessions
/// (`s_1` by A in sat-0930/amphi, `s_2` by B in sat-0930/salle-2), a lock on
/// sat-1130/salle-2, B's vote for `s_1` and an announcement (rev 5).
fn start_board(control: u8) -> Board {
    let mut board = Board::new(grid());
    let variant = (control >> 2) & 3;
    if variant == 2 {
        return board;
    }
    let mut frames = vec![
        (
            0,
            r#"{"op":"claim","req":"s1","slot":"sat-0930","room":"amphi","title":"Rust & WebSockets","host":"Maël","tags":["rust"]}"#,
        ),
        (
            1,
            r#"{"op":"claim","req":"s2","slot":"sat-0930","room":"salle-2","title":"Jardinage urbain","host":"Inès","description":"Des graines\net des pots"}"#,
        ),
        (
            2,
            r#"{"op":"lock","req":"s3","slot":"sat-1130","room":"salle-2"}"#,
        ),
        (1, r#"{"op":"vote","req":"s4","session":"s_1","on":true}"#),
        (2, r#"{"op":"announce","req":"s5","text":"Lunch at 12:30"}"#),
    ];
    match variant {
        1 => frames.push((2, r#"{"op":"set_open","req":"s6","open":false}"#)),
        3 => frames.push((2, r#"{"op":"end","req":"s6"}"#)),
        _ => {}
    }
    for (who, frame) in frames {
        let Ok(Incoming::Command { command, .. }) = protocol::parse(frame, &Limits::default())
        else {
            panic!("setup frame {frame} parses");
        };
        board
            .execute(&actor(who), &command)
            .unwrap_or_else(|r| panic!("setup frame {frame} applies: {r:?}"));
    }
    board
}

/// Parses one frame and, for a command, executes it and checks what that did.
/// Returns the accepted change.
fn step(board: &mut Board, who: &Actor, text: &str, limits: &Limits) -> Option<Change> {
    let (req, command) = match protocol::parse(text, limits) {
        Ok(Incoming::Hello(_)) => return None,
        Ok(Incoming::Command { req, command }) => (req, command),
        Err(refusal) => {
            check_refusal(&refusal);
            return None;
        }
    };
    check_req(&req);
    check_texts(&command, limits);
    let before = board.clone();
    let state_before = board.state();
    let result = board.execute(who, &command);
    match &result {
        Ok(change) => {
            assert!(!before.is_ended(), "an ended board accepted {change:?}");
            assert_ne!(who.role, Role::Viewer, "a viewer changed the board");
            assert_eq!(
                board.rev(),
                before.rev() + 1,
                "an accepted change adds exactly 1 to rev"
            );
            if let Change::Claimed { session, .. } = change {
                assert_eq!(session.id.as_str(), format!("s_{}", board.rev()));
                assert_eq!(session.owner, who.id);
            }
            // `decide` is pure and `execute` is `decide` then `apply`.
            assert_eq!(before.decide(who, &command).as_ref(), Ok(change));
            // The change as the journal and the wire hold it replays to the
            // same board.
            let json = serde_json::to_string(change).expect("a change serializes");
            let back: Change = serde_json::from_str(&json).expect("a change reads back");
            assert_eq!(&back, change, "a change survives its JSON form");
            let mut replay = before.clone();
            replay
                .apply(&back)
                .expect("a decided change applies to the board it was decided on");
            assert_eq!(&replay, board, "replay differs from execute");
        }
        Err(rejection) => {
            assert_eq!(board.state(), state_before, "a rejection changed the state");
            assert_eq!(*board, before, "a rejection changed the board");
            if before.is_ended() {
                assert_eq!(rejection.code, RejectCode::Ended);
            } else if who.role == Role::Viewer {
                assert_eq!(rejection.code, RejectCode::Forbidden);
            }
            assert!(!rejection.message.is_empty());
            let frame = protocol::reject_text(&req, rejection);
            let v: Value = serde_json::from_str(&frame).expect("a reject frame is JSON");
            assert_eq!(v["type"], "reject");
            assert_eq!(v["req"].as_str(), Some(req.as_str()));
        }
    }
    check_board(board);
    result.ok()
}

fn check_req(req: &str) {
    let n = req.chars().count();
    assert!((1..=MAX_REQ).contains(&n), "req of {n} characters accepted");
}

fn check_refusal(refusal: &Refusal) {
    let text = match refusal {
        Refusal::Error { code, message } => {
            assert!(!message.is_empty());
            Outgoing::Error {
                code: *code,
                message,
            }
            .to_text()
        }
        Refusal::Reject { req, rejection } => {
            check_req(req);
            assert!(matches!(
                rejection.code,
                RejectCode::Invalid | RejectCode::Unsupported
            ));
            protocol::reject_text(req, rejection)
        }
    };
    let v: Value = serde_json::from_str(&text).expect("an answer frame is JSON");
    assert!(v["type"] == "error" || v["type"] == "reject");
}

/// What the parser lets through obeys the protocol's text rules.
fn check_texts(command: &Command, limits: &Limits) {
    fn line(field: &str, s: &str, min: usize, max: usize) {
        let n = s.chars().count();
        assert!((min..=max).contains(&n), "{field} of {n} characters: {s:?}");
        assert_eq!(s.trim(), s, "{field} is not trimmed: {s:?}");
        assert!(!s.chars().any(forbidden), "{field} holds a control: {s:?}");
    }
    fn forbidden(c: char) -> bool {
        c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    }
    let description = |d: &str| {
        assert!(d.chars().count() <= limits.description);
        assert!(!d.chars().any(|c| c != '\n' && forbidden(c)), "{d:?}");
    };
    let tags = |t: &slotboard::board::Tags| {
        let all: Vec<&str> = t.iter().map(|t| t.as_str()).collect();
        assert!(all.len() <= limits.tags);
        let unique: BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(unique.len(), all.len(), "a tag kept twice: {all:?}");
        for tag in all {
            line("tag", tag, 1, limits.tag);
        }
    };
    match command {
        Command::Claim {
            title,
            host,
            description: d,
            tags: t,
            ..
        } => {
            line("title", title.as_str(), 1, limits.title);
            line("host", host.as_str(), 1, limits.host);
            description(d.as_str());
            tags(t);
        }
        Command::Edit {
            title,
            host,
            description: d,
            tags: t,
            ..
        } => {
            if let Some(title) = title {
                line("title", title.as_str(), 1, limits.title);
            }
            if let Some(host) = host {
                line("host", host.as_str(), 1, limits.host);
            }
            if let Some(d) = d {
                description(d.as_str());
            }
            if let Some(t) = t {
                tags(t);
            }
        }
        Command::Announce { text } => line("announcement", text.as_str(), 0, limits.announcement),
        Command::Restore { .. } => panic!("restore is not a wire command"),
        Command::Pitch(slotboard::board::PitchOp::Pitch { title, host }) => {
            line("title", title.as_str(), 1, limits.title);
            line("host", host.as_str(), 1, limits.host);
        }
        Command::ClaimPitch { claim, .. } => check_texts(claim, limits),
        _ => {}
    }
}

/// The invariants of any board: one session per cell, every session and lock
/// on the grid, vote counts that match the voters, ids never from beyond
/// `rev`, and a snapshot (through JSON) that restores the very same board.
fn check_board(board: &Board) {
    let grid = board.grid();
    let mut cells = BTreeSet::new();
    for s in board.sessions() {
        let cell = s.cell();
        assert!(grid.room(&s.room).is_some() && grid.slot(&s.slot).is_some());
        assert!(cells.insert(cell.clone()), "two sessions in {cell:?}");
        assert_eq!(
            board.session_at(&cell).map(|x| &x.id),
            Some(&s.id),
            "the cell index disagrees for {}",
            s.id
        );
        let n: u64 =
            s.id.as_str()
                .strip_prefix("s_")
                .and_then(|n| n.parse().ok())
                .expect("session ids are s_<rev>");
        assert!((1..=board.rev()).contains(&n), "{} beyond rev", s.id);
    }
    for cell in board.locks() {
        assert!(grid.room(&cell.room).is_some() && grid.slot(&cell.slot).is_some());
    }
    let state = board.state();
    for (id, voters) in &state.voters {
        let s = board
            .session(id)
            .expect("votes only for sessions on the board");
        assert_eq!(s.votes as usize, voters.len(), "vote count of {id}");
        assert!(!voters.is_empty());
    }
    for s in board.sessions() {
        if !state.voters.contains_key(&s.id) {
            assert_eq!(s.votes, 0, "{} counts votes nobody gave", s.id);
        }
    }
    let json = serde_json::to_string(&state).expect("a snapshot serializes");
    let back: BoardState = serde_json::from_str(&json).expect("a snapshot reads back");
    let restored = Board::restore(grid.clone(), back).expect("a snapshot restores");
    assert_eq!(&restored, board, "a snapshot restores a different board");
}
