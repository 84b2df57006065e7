//! The rules of the board, one BarCamp morning at a time.
//!
//! The wall has three rooms (`amphi`, `salle-a`, `salle-b`) and three slots
//! (`sat-0930`, `sat-1030`, `sat-1130`). Alice and Bob are participants, Orga
//! holds the organiser secret, and the wall in the hall is a viewer.

use serde_json::json;

use super::*;

// ---------------------------------------------------------------- helpers --

fn limits() -> Limits {
    Limits::default()
}

fn title(s: &str) -> Title {
    Title::parse(s, &limits()).unwrap()
}

fn host(s: &str) -> Host {
    Host::parse(s, &limits()).unwrap()
}

fn tags(t: &[&str]) -> Tags {
    Tags::parse(t, &limits()).unwrap()
}

fn grid() -> Grid {
    let room = |id: &str, name: &str, capacity| Room {
        id: RoomId::from(id),
        name: name.into(),
        capacity,
    };
    let slot = |id: &str, start: &str, end: &str| Slot {
        id: SlotId::from(id),
        day: "2026-12-05".parse().unwrap(),
        start: start.parse().unwrap(),
        end: end.parse().unwrap(),
    };
    Grid {
        rooms: vec![
            room("amphi", "Amphi", 120),
            room("salle-a", "Salle A", 30),
            room("salle-b", "Salle B", 20),
        ],
        slots: vec![
            slot("sat-0930", "09:30", "10:15"),
            slot("sat-1030", "10:30", "11:15"),
            slot("sat-1130", "11:30", "12:15"),
        ],
    }
}

/// A fresh, open board: 3 rooms by 3 slots.
fn board() -> Board {
    Board::new(grid())
}

fn actor(id: &str, role: Role) -> Actor {
    Actor {
        id: ParticipantId::from(id),
        role,
    }
}

fn alice() -> Actor {
    actor("p_alice", Role::Participant)
}

fn bob() -> Actor {
    actor("p_bob", Role::Participant)
}

fn orga() -> Actor {
    actor("p_orga", Role::Organiser)
}

fn wall() -> Actor {
    actor("p_wall", Role::Viewer)
}

fn at(slot: &str, room: &str) -> Cell {
    Cell {
        slot: SlotId::from(slot),
        room: RoomId::from(room),
    }
}

fn sid(s: &str) -> SessionId {
    SessionId::from(s)
}

fn claim_cmd(slot: &str, room: &str, t: &str) -> Command {
    Command::Claim {
        cell: at(slot, room),
        title: title(t),
        host: host("Maël"),
        description: Description::empty(),
        tags: Tags::default(),
    }
}

/// `actor` claims the cell and gets the new session's id.
fn claim(
    board: &mut Board,
    actor: &Actor,
    slot: &str,
    room: &str,
    t: &str,
) -> Result<SessionId, Rejection> {
    match board.execute(actor, &claim_cmd(slot, room, t))? {
        Change::Claimed { session, .. } => Ok(session.id),
        other => panic!("a claim produced {other:?}"),
    }
}

fn edit_title(session: &SessionId, t: &str) -> Command {
    Command::Edit {
        session: session.clone(),
        title: Some(title(t)),
        host: None,
        description: None,
        tags: None,
    }
}

fn release(session: &SessionId) -> Command {
    Command::Release {
        session: session.clone(),
    }
}

fn move_to(session: &SessionId, slot: &str, room: &str) -> Command {
    Command::Move {
        session: session.clone(),
        to: at(slot, room),
    }
}

fn swap(a: &SessionId, b: &SessionId) -> Command {
    Command::Swap {
        a: a.clone(),
        b: b.clone(),
    }
}

fn lock(slot: &str, room: &str) -> Command {
    Command::Lock {
        cell: at(slot, room),
    }
}

fn unlock(slot: &str, room: &str) -> Command {
    Command::Unlock {
        cell: at(slot, room),
    }
}

fn set_open(open: bool) -> Command {
    Command::SetOpen { open }
}

fn announce(text: &str) -> Command {
    Command::Announce {
        text: Announcement::parse(text, &limits()).unwrap(),
    }
}

fn vote(session: &SessionId, on: bool) -> Command {
    Command::Vote {
        session: session.clone(),
        on,
    }
}

/// Runs a command that must be accepted; checks that it adds exactly 1 to `rev`.
fn ok(board: &mut Board, actor: &Actor, command: Command) -> Change {
    let rev = board.rev();
    let change = board
        .execute(actor, &command)
        .unwrap_or_else(|r| panic!("{} by {} refused: {r:?}", command.op(), actor.id));
    assert_eq!(board.rev(), rev + 1, "an accepted change adds 1 to rev");
    change
}

/// Runs a command that must be refused; checks that the board did not move at all.
fn refused(board: &mut Board, actor: &Actor, command: Command) -> Rejection {
    let before = board.clone();
    let rejection = match board.execute(actor, &command) {
        Ok(change) => panic!("{} by {} accepted: {change:?}", command.op(), actor.id),
        Err(r) => r,
    };
    assert_eq!(*board, before, "a rejection leaves the board untouched");
    assert!(
        !rejection.message.is_empty(),
        "a rejection tells people why"
    );
    rejection
}

fn code(board: &mut Board, actor: &Actor, command: Command) -> RejectCode {
    refused(board, actor, command).code
}

fn votes(board: &Board, s: &SessionId) -> u32 {
    board.session(s).expect("session exists").votes
}

// ------------------------------------------------------------------ claim --

#[test]
fn alice_claims_a_free_cell() {
    let mut b = board();
    let change = ok(
        &mut b,
        &alice(),
        Command::Claim {
            cell: at("sat-0930", "amphi"),
            title: title("  Rust & WebSockets "),
            host: host("Alice"),
            description: Description::parse("Live coding", &limits()).unwrap(),
            tags: tags(&["rust", "web"]),
        },
    );
    let Change::Claimed { session, .. } = change else {
        panic!("expected claimed, got {change:?}");
    };
    assert_eq!(session.id, sid("s_1"));
    assert_eq!(session.cell(), at("sat-0930", "amphi"));
    assert_eq!(session.title.as_str(), "Rust & WebSockets");
    assert_eq!(session.host.as_str(), "Alice");
    assert_eq!(session.description.as_str(), "Live coding");
    assert_eq!(session.tags, tags(&["rust", "web"]));
    assert_eq!(session.owner, alice().id);
    assert_eq!(session.votes, 0);
    assert_eq!(b.session_at(&at("sat-0930", "amphi")), Some(&session));
    assert_eq!(b.session(&sid("s_1")), Some(&session));
    assert_eq!(b.sessions().count(), 1);
}

#[test]
fn bob_finds_the_cell_taken_and_learns_by_whom() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust & WebSockets").unwrap();
    let r = refused(&mut b, &bob(), claim_cmd("sat-0930", "amphi", "Elixir"));
    assert_eq!(r.code, RejectCode::Taken);
    assert_eq!(r.session, Some(s.clone()));
    assert!(r.message.contains("Rust & WebSockets"), "{}", r.message);
    // Alice herself cannot double-book her own cell either.
    let r = refused(&mut b, &alice(), claim_cmd("sat-0930", "amphi", "Again"));
    assert_eq!((r.code, r.session), (RejectCode::Taken, Some(s)));
    // Nor can an organiser claim over her.
    assert_eq!(
        code(&mut b, &orga(), claim_cmd("sat-0930", "amphi", "Keynote")),
        RejectCode::Taken
    );
}

#[test]
fn other_rejections_carry_no_session() {
    let mut b = board();
    ok(&mut b, &orga(), lock("sat-0930", "amphi"));
    let r = refused(&mut b, &alice(), claim_cmd("sat-0930", "amphi", "x"));
    assert_eq!((r.code, r.session), (RejectCode::Locked, None));
}

#[test]
fn nobody_claims_while_the_board_is_closed() {
    let mut b = board();
    ok(&mut b, &orga(), set_open(false));
    assert!(!b.is_open());
    assert_eq!(
        code(
            &mut b,
            &alice(),
            claim_cmd("sat-0930", "amphi", "Late idea")
        ),
        RejectCode::Closed
    );
    ok(&mut b, &orga(), set_open(true));
    claim(&mut b, &alice(), "sat-0930", "amphi", "Late idea").unwrap();
}

#[test]
fn a_locked_cell_cannot_be_claimed_even_by_organisers() {
    let mut b = board();
    ok(&mut b, &orga(), lock("sat-0930", "amphi"));
    assert!(b.is_locked(&at("sat-0930", "amphi")));
    assert_eq!(
        code(&mut b, &alice(), claim_cmd("sat-0930", "amphi", "x")),
        RejectCode::Locked
    );
    assert_eq!(
        code(&mut b, &orga(), claim_cmd("sat-0930", "amphi", "Keynote")),
        RejectCode::Locked
    );
    // The neighbours are still free.
    claim(&mut b, &alice(), "sat-0930", "salle-a", "x").unwrap();
}

#[test]
fn unknown_slots_and_rooms_are_not_found() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    for (slot, room) in [("sun-0930", "amphi"), ("sat-0930", "cellar"), ("", "")] {
        assert_eq!(
            code(&mut b, &alice(), claim_cmd(slot, room, "x")),
            RejectCode::NotFound
        );
        assert_eq!(
            code(&mut b, &alice(), move_to(&s, slot, room)),
            RejectCode::NotFound
        );
        assert_eq!(
            code(&mut b, &orga(), lock(slot, room)),
            RejectCode::NotFound
        );
        assert_eq!(
            code(&mut b, &orga(), unlock(slot, room)),
            RejectCode::NotFound
        );
    }
    let r = refused(&mut b, &alice(), claim_cmd("sat-0930", "cellar", "x"));
    assert!(r.message.contains("cellar"), "{}", r.message);
    let r = refused(&mut b, &alice(), claim_cmd("sun-0930", "amphi", "x"));
    assert!(r.message.contains("sun-0930"), "{}", r.message);
}

#[test]
fn the_wall_can_only_watch() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let t = claim(&mut b, &bob(), "sat-1030", "amphi", "Go").unwrap();
    ok(&mut b, &orga(), lock("sat-1130", "amphi"));
    let commands = [
        claim_cmd("sat-0930", "salle-a", "Wall talk"),
        edit_title(&s, "Hacked"),
        release(&s),
        move_to(&s, "sat-1130", "salle-b"),
        swap(&s, &t),
        lock("sat-0930", "salle-b"),
        unlock("sat-1130", "amphi"),
        set_open(false),
        announce("Free beer"),
        vote(&s, true),
    ];
    for command in commands {
        let op = command.op();
        assert_eq!(
            code(&mut b, &wall(), command),
            RejectCode::Forbidden,
            "{op}"
        );
    }
    // Even a wall whose id happens to be the owner's is only a viewer.
    let alice_on_the_wall = actor("p_alice", Role::Viewer);
    assert_eq!(
        code(&mut b, &alice_on_the_wall, edit_title(&s, "x")),
        RejectCode::Forbidden
    );
}

// ------------------------------------------------------------------- edit --

#[test]
fn alice_edits_her_session_even_when_the_board_is_closed() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let change = ok(&mut b, &alice(), edit_title(&s, "Rust & WebSockets"));
    let Change::Edited { session } = change else {
        panic!("{change:?}")
    };
    assert_eq!(session.title.as_str(), "Rust & WebSockets");
    assert_eq!(session.host.as_str(), "Maël", "untouched fields stay");
    assert_eq!(b.session(&s), Some(&session));

    ok(&mut b, &orga(), set_open(false));
    ok(
        &mut b,
        &alice(),
        Command::Edit {
            session: s.clone(),
            title: None,
            host: Some(host("Alice & Bob")),
            description: Some(Description::parse("Bring a laptop", &limits()).unwrap()),
            tags: Some(tags(&["rust"])),
        },
    );
    let now = b.session(&s).unwrap();
    assert_eq!(now.title.as_str(), "Rust & WebSockets");
    assert_eq!(now.host.as_str(), "Alice & Bob");
    assert_eq!(now.description.as_str(), "Bring a laptop");
    assert_eq!(now.tags, tags(&["rust"]));
    assert_eq!(now.cell(), at("sat-0930", "amphi"));
    assert_eq!(now.owner, alice().id);
}

#[test]
fn bob_cannot_edit_alices_session() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(
        code(&mut b, &bob(), edit_title(&s, "Bob's now")),
        RejectCode::Forbidden
    );
    assert_eq!(b.session(&s).unwrap().title.as_str(), "Rust");
}

#[test]
fn organisers_edit_any_session_and_the_owner_stays() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &orga(), edit_title(&s, "Rust (fixed typo)"));
    let now = b.session(&s).unwrap();
    assert_eq!(now.title.as_str(), "Rust (fixed typo)");
    assert_eq!(now.owner, alice().id);
    // and Alice still owns it.
    ok(&mut b, &alice(), edit_title(&s, "Rust"));
}

#[test]
fn an_edit_with_nothing_in_it_is_invalid() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let empty = Command::Edit {
        session: s.clone(),
        title: None,
        host: None,
        description: None,
        tags: None,
    };
    assert_eq!(code(&mut b, &alice(), empty.clone()), RejectCode::Invalid);
    assert_eq!(code(&mut b, &orga(), empty.clone()), RejectCode::Invalid);
    // Someone else's empty edit is first of all not theirs to make.
    assert_eq!(code(&mut b, &bob(), empty), RejectCode::Forbidden);
}

#[test]
fn commands_on_unknown_sessions_are_not_found() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let ghost = sid("s_99");
    assert_eq!(
        code(&mut b, &orga(), edit_title(&ghost, "x")),
        RejectCode::NotFound
    );
    assert_eq!(code(&mut b, &orga(), release(&ghost)), RejectCode::NotFound);
    assert_eq!(
        code(&mut b, &orga(), move_to(&ghost, "sat-1030", "amphi")),
        RejectCode::NotFound
    );
    assert_eq!(
        code(&mut b, &orga(), swap(&s, &ghost)),
        RejectCode::NotFound
    );
    assert_eq!(
        code(&mut b, &orga(), swap(&ghost, &s)),
        RejectCode::NotFound
    );
    assert_eq!(
        code(&mut b, &bob(), vote(&ghost, true)),
        RejectCode::NotFound
    );
    assert_eq!(
        code(&mut b, &bob(), vote(&ghost, false)),
        RejectCode::NotFound
    );
    let r = refused(&mut b, &bob(), vote(&ghost, true));
    assert!(r.message.contains("s_99"), "{}", r.message);
}

// ---------------------------------------------------------------- release --

#[test]
fn alice_releases_her_session_while_the_board_is_open() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(
        ok(&mut b, &alice(), release(&s)),
        Change::Released { session: s.clone() }
    );
    assert_eq!(b.session(&s), None);
    assert_eq!(b.session_at(&at("sat-0930", "amphi")), None);
    assert_eq!(b.sessions().count(), 0);
    // The cell is free again, and the id is not reused.
    let again = claim(&mut b, &bob(), "sat-0930", "amphi", "Go").unwrap();
    assert_ne!(again, s);
    assert_eq!(code(&mut b, &alice(), release(&s)), RejectCode::NotFound);
}

#[test]
fn bob_cannot_release_alices_session() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(code(&mut b, &bob(), release(&s)), RejectCode::Forbidden);
    ok(&mut b, &orga(), set_open(false));
    assert_eq!(code(&mut b, &bob(), release(&s)), RejectCode::Forbidden);
}

#[test]
fn once_closed_only_organisers_release() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &orga(), set_open(false));
    assert_eq!(code(&mut b, &alice(), release(&s)), RejectCode::Closed);
    ok(&mut b, &orga(), release(&s));
    assert_eq!(b.session(&s), None);
    assert_eq!(b.session_at(&at("sat-0930", "amphi")), None);
}

#[test]
fn releasing_a_session_takes_its_votes_with_it() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let keep = claim(&mut b, &alice(), "sat-1030", "amphi", "More Rust").unwrap();
    ok(&mut b, &bob(), vote(&s, true));
    ok(&mut b, &bob(), vote(&keep, true));
    ok(&mut b, &orga(), vote(&s, true));
    ok(&mut b, &alice(), release(&s));
    assert_eq!(b.votes_of(&bob().id).collect::<Vec<_>>(), [&keep]);
    assert_eq!(b.votes_of(&orga().id).count(), 0);
    assert!(!b.state().voters.contains_key(&s));
    // The next session in that cell starts from zero.
    let next = claim(&mut b, &bob(), "sat-0930", "amphi", "Go").unwrap();
    assert_eq!(votes(&b, &next), 0);
    assert_eq!(votes(&b, &keep), 1);
}

// ------------------------------------------------------------------- move --

#[test]
fn alice_moves_her_session_to_a_free_cell() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &bob(), vote(&s, true));
    assert_eq!(
        ok(&mut b, &alice(), move_to(&s, "sat-1130", "salle-b")),
        Change::Moved {
            session: s.clone(),
            slot: SlotId::from("sat-1130"),
            room: RoomId::from("salle-b"),
        }
    );
    assert_eq!(b.session_at(&at("sat-0930", "amphi")), None);
    let moved = b.session_at(&at("sat-1130", "salle-b")).unwrap();
    assert_eq!(moved.id, s);
    assert_eq!(moved.cell(), at("sat-1130", "salle-b"));
    assert_eq!(moved.title.as_str(), "Rust");
    assert_eq!(moved.votes, 1, "votes follow the session");
    // The old cell is free for someone else.
    claim(&mut b, &bob(), "sat-0930", "amphi", "Go").unwrap();
}

#[test]
fn moving_into_a_taken_cell_is_refused() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let t = claim(&mut b, &bob(), "sat-1030", "amphi", "Go").unwrap();
    let r = refused(&mut b, &alice(), move_to(&s, "sat-1030", "amphi"));
    assert_eq!((r.code, r.session), (RejectCode::Taken, Some(t.clone())));
    assert!(r.message.contains("Go"), "{}", r.message);
    assert_eq!(
        code(&mut b, &orga(), move_to(&s, "sat-1030", "amphi")),
        RejectCode::Taken
    );
    // Alice's own second session is in the way too.
    claim(&mut b, &alice(), "sat-1130", "amphi", "Rust II").unwrap();
    assert_eq!(
        code(&mut b, &alice(), move_to(&s, "sat-1130", "amphi")),
        RejectCode::Taken
    );
}

#[test]
fn moving_into_a_locked_cell_is_refused_even_for_organisers() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &orga(), lock("sat-1030", "amphi"));
    assert_eq!(
        code(&mut b, &alice(), move_to(&s, "sat-1030", "amphi")),
        RejectCode::Locked
    );
    assert_eq!(
        code(&mut b, &orga(), move_to(&s, "sat-1030", "amphi")),
        RejectCode::Locked
    );
}

#[test]
fn moving_to_where_it_already_is_is_invalid() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(
        code(&mut b, &alice(), move_to(&s, "sat-0930", "amphi")),
        RejectCode::Invalid
    );
    assert_eq!(
        code(&mut b, &orga(), move_to(&s, "sat-0930", "amphi")),
        RejectCode::Invalid
    );
    // A locked cell the session already sits in is still just "already there".
    ok(&mut b, &orga(), lock("sat-0930", "amphi"));
    assert_eq!(
        code(&mut b, &alice(), move_to(&s, "sat-0930", "amphi")),
        RejectCode::Invalid
    );
}

#[test]
fn only_the_owner_or_an_organiser_moves_a_session() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(
        code(&mut b, &bob(), move_to(&s, "sat-1030", "amphi")),
        RejectCode::Forbidden
    );
    ok(&mut b, &orga(), move_to(&s, "sat-1030", "amphi"));
    assert_eq!(b.session(&s).unwrap().owner, alice().id);
}

#[test]
fn once_closed_only_organisers_move() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &orga(), set_open(false));
    assert_eq!(
        code(&mut b, &alice(), move_to(&s, "sat-1030", "amphi")),
        RejectCode::Closed
    );
    assert_eq!(
        code(&mut b, &bob(), move_to(&s, "sat-1030", "amphi")),
        RejectCode::Forbidden
    );
    ok(&mut b, &orga(), move_to(&s, "sat-1030", "amphi"));
    assert_eq!(b.session(&s).unwrap().cell(), at("sat-1030", "amphi"));
}

// ------------------------------------------------------------------- swap --

#[test]
fn organisers_swap_two_sessions() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let t = claim(&mut b, &bob(), "sat-1130", "salle-b", "Go").unwrap();
    ok(&mut b, &bob(), vote(&s, true));
    assert_eq!(
        ok(&mut b, &orga(), swap(&s, &t)),
        Change::Swapped {
            a: s.clone(),
            b: t.clone()
        }
    );
    assert_eq!(b.session_at(&at("sat-0930", "amphi")).unwrap().id, t);
    assert_eq!(b.session_at(&at("sat-1130", "salle-b")).unwrap().id, s);
    assert_eq!(b.session(&s).unwrap().cell(), at("sat-1130", "salle-b"));
    assert_eq!(b.session(&t).unwrap().cell(), at("sat-0930", "amphi"));
    assert_eq!(b.session(&s).unwrap().owner, alice().id);
    assert_eq!(b.session(&s).unwrap().votes, 1);
    assert_eq!(b.session(&t).unwrap().title.as_str(), "Go");
    assert_eq!(b.sessions().count(), 2);
    // Swapping back restores the original placement, even when the board is closed.
    ok(&mut b, &orga(), set_open(false));
    ok(&mut b, &orga(), swap(&t, &s));
    assert_eq!(b.session_at(&at("sat-0930", "amphi")).unwrap().id, s);
    assert_eq!(b.session_at(&at("sat-1130", "salle-b")).unwrap().id, t);
}

#[test]
fn participants_cannot_swap_even_their_own_sessions() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let t = claim(&mut b, &alice(), "sat-1030", "amphi", "More Rust").unwrap();
    assert_eq!(code(&mut b, &alice(), swap(&s, &t)), RejectCode::Forbidden);
    assert_eq!(code(&mut b, &bob(), swap(&s, &t)), RejectCode::Forbidden);
}

#[test]
fn a_session_cannot_swap_with_itself() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(code(&mut b, &orga(), swap(&s, &s)), RejectCode::Invalid);
}

// ------------------------------------------------------------ lock/unlock --

#[test]
fn organisers_lock_and_unlock_cells() {
    let mut b = board();
    assert_eq!(
        ok(&mut b, &orga(), lock("sat-0930", "amphi")),
        Change::Locked {
            slot: SlotId::from("sat-0930"),
            room: RoomId::from("amphi"),
        }
    );
    assert_eq!(b.locks().collect::<Vec<_>>(), [&at("sat-0930", "amphi")]);
    assert_eq!(
        code(&mut b, &orga(), lock("sat-0930", "amphi")),
        RejectCode::Invalid
    );
    assert_eq!(
        ok(&mut b, &orga(), unlock("sat-0930", "amphi")),
        Change::Unlocked {
            slot: SlotId::from("sat-0930"),
            room: RoomId::from("amphi"),
        }
    );
    assert!(!b.is_locked(&at("sat-0930", "amphi")));
    assert_eq!(
        code(&mut b, &orga(), unlock("sat-0930", "amphi")),
        RejectCode::Invalid
    );
    claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
}

#[test]
fn participants_cannot_lock_or_unlock() {
    let mut b = board();
    assert_eq!(
        code(&mut b, &alice(), lock("sat-0930", "amphi")),
        RejectCode::Forbidden
    );
    ok(&mut b, &orga(), lock("sat-0930", "amphi"));
    assert_eq!(
        code(&mut b, &alice(), unlock("sat-0930", "amphi")),
        RejectCode::Forbidden
    );
}

#[test]
fn locking_a_taken_cell_keeps_its_session() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &orga(), lock("sat-0930", "amphi"));
    assert_eq!(b.session_at(&at("sat-0930", "amphi")).unwrap().id, s);
    // Once it leaves, nobody else can take the cell.
    ok(&mut b, &alice(), move_to(&s, "sat-1030", "amphi"));
    assert_eq!(
        code(&mut b, &bob(), claim_cmd("sat-0930", "amphi", "Go")),
        RejectCode::Locked
    );
}

// ---------------------------------------------------------- open/announce --

#[test]
fn organisers_open_and_close_the_board() {
    let mut b = board();
    assert!(b.is_open(), "a new board is open");
    assert_eq!(
        code(&mut b, &orga(), set_open(true)),
        RejectCode::Invalid,
        "already open"
    );
    assert_eq!(
        code(&mut b, &alice(), set_open(false)),
        RejectCode::Forbidden
    );
    assert_eq!(
        ok(&mut b, &orga(), set_open(false)),
        Change::Opened { open: false }
    );
    assert!(!b.is_open());
    assert_eq!(
        code(&mut b, &orga(), set_open(false)),
        RejectCode::Invalid,
        "already closed"
    );
    assert_eq!(
        code(&mut b, &alice(), set_open(true)),
        RejectCode::Forbidden
    );
    ok(&mut b, &orga(), set_open(true));
    assert!(b.is_open());
}

#[test]
fn organisers_post_and_clear_the_announcement() {
    let mut b = board();
    assert_eq!(b.announcement(), None);
    assert_eq!(
        code(&mut b, &orga(), announce("")),
        RejectCode::Invalid,
        "nothing to clear"
    );
    assert_eq!(
        ok(&mut b, &orga(), announce("  Lunch at 12:30 in the hall ")),
        Change::Announced {
            text: "Lunch at 12:30 in the hall".into()
        }
    );
    assert_eq!(b.announcement(), Some("Lunch at 12:30 in the hall"));
    assert_eq!(
        code(&mut b, &orga(), announce("Lunch at 12:30 in the hall")),
        RejectCode::Invalid
    );
    ok(&mut b, &orga(), announce("Lunch at 13:00"));
    assert_eq!(b.announcement(), Some("Lunch at 13:00"));
    assert_eq!(
        ok(&mut b, &orga(), announce("")),
        Change::Announced { text: "".into() }
    );
    assert_eq!(b.announcement(), None);
    assert_eq!(b.state().announcement, None);
    assert_eq!(
        code(&mut b, &alice(), announce("Free beer")),
        RejectCode::Forbidden
    );
}

// ------------------------------------------------------------------ votes --

#[test]
fn votes_count_the_people_who_want_to_attend() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(
        ok(&mut b, &bob(), vote(&s, true)),
        Change::Voted {
            session: s.clone(),
            votes: 1,
            voter: bob().id,
            on: true,
        }
    );
    ok(&mut b, &alice(), vote(&s, true));
    ok(&mut b, &orga(), vote(&s, true));
    assert_eq!(votes(&b, &s), 3);
    assert_eq!(b.votes_of(&bob().id).collect::<Vec<_>>(), [&s]);
    assert_eq!(
        ok(&mut b, &bob(), vote(&s, false)),
        Change::Voted {
            session: s.clone(),
            votes: 2,
            voter: bob().id,
            on: false,
        }
    );
    assert_eq!(votes(&b, &s), 2);
    assert_eq!(b.votes_of(&bob().id).count(), 0);
    // Bob changes his mind again.
    ok(&mut b, &bob(), vote(&s, true));
    assert_eq!(votes(&b, &s), 3);
}

#[test]
fn one_vote_each() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &bob(), vote(&s, true));
    assert_eq!(code(&mut b, &bob(), vote(&s, true)), RejectCode::Invalid);
    assert_eq!(votes(&b, &s), 1);
}

#[test]
fn taking_back_a_vote_never_given_is_invalid() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(code(&mut b, &bob(), vote(&s, false)), RejectCode::Invalid);
    ok(&mut b, &alice(), vote(&s, true));
    assert_eq!(
        code(&mut b, &bob(), vote(&s, false)),
        RejectCode::Invalid,
        "Alice's vote is not Bob's to take back"
    );
    assert_eq!(votes(&b, &s), 1);
}

#[test]
fn votes_stay_open_when_the_board_is_closed() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &orga(), set_open(false));
    ok(&mut b, &bob(), vote(&s, true));
    assert_eq!(votes(&b, &s), 1);
}

// --------------------------------------------------------- ids, revisions --

#[test]
fn session_ids_are_unique_and_name_their_revision() {
    let mut b = board();
    let s1 = claim(&mut b, &alice(), "sat-0930", "amphi", "A").unwrap();
    ok(&mut b, &orga(), announce("Welcome!"));
    let s3 = claim(&mut b, &bob(), "sat-0930", "salle-a", "B").unwrap();
    ok(&mut b, &alice(), release(&s1));
    let s5 = claim(&mut b, &bob(), "sat-0930", "amphi", "C").unwrap();
    assert_eq!([s1, s3, s5], [sid("s_1"), sid("s_3"), sid("s_5")]);
    assert_eq!(b.rev(), 5);
}

#[test]
fn rev_counts_accepted_changes_only() {
    let mut b = board();
    assert_eq!(b.rev(), 0);
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(b.rev(), 1);
    refused(&mut b, &bob(), claim_cmd("sat-0930", "amphi", "Go"));
    refused(&mut b, &bob(), release(&s));
    refused(&mut b, &wall(), vote(&s, true));
    refused(&mut b, &orga(), set_open(true));
    assert_eq!(b.rev(), 1);
    ok(&mut b, &bob(), vote(&s, true));
    ok(&mut b, &orga(), set_open(false));
    ok(&mut b, &orga(), lock("sat-1130", "salle-b"));
    assert_eq!(b.rev(), 4);
}

#[test]
fn decide_does_not_change_the_board() {
    let b = {
        let mut b = board();
        claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
        b
    };
    let before = b.clone();
    let change = b
        .decide(&bob(), &claim_cmd("sat-1030", "amphi", "Go"))
        .unwrap();
    assert_eq!(b, before);
    // The decided change applies, and only then does the board move.
    let mut b = b;
    b.apply(&change).unwrap();
    assert_eq!(b.rev(), 2);
    assert_eq!(
        b.session_at(&at("sat-1030", "amphi"))
            .unwrap()
            .title
            .as_str(),
        "Go"
    );
}

// ------------------------------------------------------------------ apply --

/// A board with Alice's `s_1` at 09:30 in the amphi, voted for by Bob.
fn morning() -> (Board, SessionId) {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &bob(), vote(&s, true));
    (b, s)
}

fn session_in(id: &str, slot: &str, room: &str, owner: &Actor) -> Session {
    Session {
        id: sid(id),
        slot: SlotId::from(slot),
        room: RoomId::from(room),
        title: title("Injected"),
        host: host("Mallory"),
        description: Description::empty(),
        tags: Tags::default(),
        owner: owner.id.clone(),
        votes: 0,
        links: Links::default(),
    }
}

fn does_not_fit(board: &mut Board, change: Change) -> Inconsistent {
    let before = board.clone();
    let err = board
        .apply(&change)
        .expect_err(&format!("{change:?} should not fit"));
    assert_eq!(*board, before, "a change that does not fit changes nothing");
    err
}

#[test]
fn apply_refuses_a_claim_into_a_taken_cell() {
    let (mut b, _) = morning();
    does_not_fit(
        &mut b,
        Change::Claimed {
            session: session_in("s_9", "sat-0930", "amphi", &bob()),
            pitch: None,
        },
    );
}

#[test]
fn apply_refuses_claims_that_do_not_fit() {
    let (mut b, s) = morning();
    // Outside the grid.
    does_not_fit(
        &mut b,
        Change::Claimed {
            session: session_in("s_9", "sun-0930", "amphi", &bob()),
            pitch: None,
        },
    );
    // An id that already exists, in a free cell.
    does_not_fit(
        &mut b,
        Change::Claimed {
            session: session_in(s.as_str(), "sat-1030", "amphi", &bob()),
            pitch: None,
        },
    );
    // A new session that already has votes.
    let mut voted = session_in("s_9", "sat-1030", "amphi", &bob());
    voted.votes = 3;
    does_not_fit(
        &mut b,
        Change::Claimed {
            session: voted,
            pitch: None,
        },
    );
}

#[test]
fn apply_refuses_changes_to_unknown_sessions() {
    let (mut b, s) = morning();
    let ghost = sid("s_99");
    let ghost_session = session_in("s_99", "sat-1030", "amphi", &alice());
    for change in [
        Change::Edited {
            session: ghost_session,
        },
        Change::Released {
            session: ghost.clone(),
        },
        Change::Moved {
            session: ghost.clone(),
            slot: SlotId::from("sat-1030"),
            room: RoomId::from("amphi"),
        },
        Change::Swapped {
            a: s.clone(),
            b: ghost.clone(),
        },
        Change::Swapped {
            a: ghost.clone(),
            b: s.clone(),
        },
        Change::Voted {
            session: ghost.clone(),
            votes: 1,
            voter: alice().id,
            on: true,
        },
    ] {
        let err = does_not_fit(&mut b, change);
        assert!(err.to_string().contains("s_99"), "{err}");
    }
}

#[test]
fn apply_refuses_vote_counts_that_do_not_add_up() {
    let (mut b, s) = morning();
    let bad = |votes, voter: &Actor, on| Change::Voted {
        session: s.clone(),
        votes,
        voter: voter.id.clone(),
        on,
    };
    does_not_fit(&mut b, bad(5, &alice(), true)); // should be 2
    does_not_fit(&mut b, bad(1, &alice(), true)); // unchanged count
    does_not_fit(&mut b, bad(2, &bob(), true)); // Bob already voted
    does_not_fit(&mut b, bad(0, &alice(), false)); // Alice never voted
    does_not_fit(&mut b, bad(1, &bob(), false)); // should be 0
    // The right ones fit.
    b.apply(&bad(2, &alice(), true)).unwrap();
    b.apply(&bad(1, &bob(), false)).unwrap();
    assert_eq!(votes(&b, &s), 1);
    assert_eq!(b.rev(), 4);
}

#[test]
fn apply_refuses_moves_and_swaps_that_break_the_grid() {
    let (mut b, s) = morning();
    let t = claim(&mut b, &bob(), "sat-1030", "amphi", "Go").unwrap();
    let to = |slot: &str, room: &str| Change::Moved {
        session: s.clone(),
        slot: SlotId::from(slot),
        room: RoomId::from(room),
    };
    does_not_fit(&mut b, to("sat-1030", "amphi")); // Bob's cell
    does_not_fit(&mut b, to("sat-0930", "amphi")); // its own cell
    does_not_fit(&mut b, to("sat-0930", "cellar")); // no such room
    does_not_fit(
        &mut b,
        Change::Swapped {
            a: t.clone(),
            b: t.clone(),
        },
    );
    does_not_fit(
        &mut b,
        Change::Locked {
            slot: SlotId::from("sun-0930"),
            room: RoomId::from("amphi"),
        },
    );
    does_not_fit(
        &mut b,
        Change::Unlocked {
            slot: SlotId::from("sat-0930"),
            room: RoomId::from("cellar"),
        },
    );
}

#[test]
fn apply_refuses_edits_that_change_more_than_texts() {
    let (mut b, s) = morning();
    let current = b.session(&s).unwrap().clone();
    let mut stolen = current.clone();
    stolen.owner = bob().id;
    does_not_fit(&mut b, Change::Edited { session: stolen });
    let mut moved = current.clone();
    moved.slot = SlotId::from("sat-1130");
    does_not_fit(&mut b, Change::Edited { session: moved });
    let mut stuffed = current.clone();
    stuffed.votes = 100;
    does_not_fit(&mut b, Change::Edited { session: stuffed });
    let mut retitled = current;
    retitled.title = title("Rust, retitled");
    b.apply(&Change::Edited { session: retitled }).unwrap();
    assert_eq!(b.session(&s).unwrap().title.as_str(), "Rust, retitled");
}

#[test]
fn replaying_the_changes_rebuilds_the_board() {
    let mut b = board();
    let mut journal = Vec::new();
    let mut run = |b: &mut Board, actor: &Actor, command: Command| {
        journal.push(ok(b, actor, command));
    };
    run(&mut b, &alice(), claim_cmd("sat-0930", "amphi", "Rust"));
    run(&mut b, &bob(), claim_cmd("sat-0930", "salle-a", "Go"));
    run(&mut b, &bob(), vote(&sid("s_1"), true));
    run(&mut b, &alice(), vote(&sid("s_2"), true));
    run(&mut b, &orga(), swap(&sid("s_1"), &sid("s_2")));
    run(&mut b, &orga(), lock("sat-1130", "amphi"));
    run(
        &mut b,
        &alice(),
        move_to(&sid("s_1"), "sat-1030", "salle-b"),
    );
    run(&mut b, &bob(), edit_title(&sid("s_2"), "Go, fast"));
    run(&mut b, &orga(), announce("Coffee!"));
    run(&mut b, &alice(), vote(&sid("s_2"), false));
    run(&mut b, &bob(), release(&sid("s_2")));
    run(&mut b, &orga(), set_open(false));

    let mut replayed = board();
    for change in &journal {
        replayed.apply(change).unwrap();
    }
    assert_eq!(replayed, b);
    assert_eq!(replayed.rev(), journal.len() as u64);
}

// -------------------------------------------------------- state / restore --

/// A board with a bit of everything in it.
fn busy_board() -> Board {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let t = claim(&mut b, &bob(), "sat-1030", "salle-a", "Go").unwrap();
    claim(&mut b, &bob(), "sat-1130", "salle-b", "Zig").unwrap();
    ok(&mut b, &bob(), vote(&s, true));
    ok(&mut b, &orga(), vote(&s, true));
    ok(&mut b, &alice(), vote(&t, true));
    ok(&mut b, &orga(), lock("sat-0930", "salle-b"));
    ok(&mut b, &orga(), announce("Lunch at 12:30"));
    ok(&mut b, &orga(), set_open(false));
    b
}

#[test]
fn state_then_restore_gives_back_the_same_board() {
    let b = busy_board();
    let state = b.state();
    assert_eq!(state.rev, b.rev());
    assert!(!state.open);
    assert_eq!(state.sessions.len(), 3);
    assert_eq!(state.locks, [at("sat-0930", "salle-b")]);
    let restored = Board::restore(grid(), state.clone()).unwrap();
    assert_eq!(restored, b);
    // And through JSON, as a snapshot file would.
    let json = serde_json::to_string(&state).unwrap();
    let back: BoardState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, state);
    assert_eq!(Board::restore(grid(), back).unwrap(), b);
    // An empty board too.
    assert_eq!(Board::restore(grid(), board().state()).unwrap(), board());
}

#[test]
fn a_restored_board_keeps_going() {
    let b = busy_board();
    let mut restored = Board::restore(grid(), b.state()).unwrap();
    let mut live = b;
    for board in [&mut live, &mut restored] {
        ok(board, &orga(), set_open(true));
        claim(board, &alice(), "sat-1030", "amphi", "After lunch").unwrap();
        ok(board, &alice(), vote(&sid("s_1"), true));
    }
    assert_eq!(restored, live);
}

#[test]
fn restore_refuses_a_session_the_grid_has_no_cell_for() {
    let mut state = busy_board().state();
    state.sessions[1].room = RoomId::from("salle-c");
    let id = state.sessions[1].id.clone();
    let err = Board::restore(grid(), state).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(id.as_str()), "{msg}");
    assert!(msg.contains("salle-c"), "{msg}");

    // The same board, read with a config that dropped a slot.
    let state = busy_board().state();
    let mut smaller = grid();
    smaller.slots.retain(|s| s.id.as_str() != "sat-1130");
    let err = Board::restore(smaller, state).unwrap_err();
    assert!(err.to_string().contains("sat-1130"), "{err}");
}

#[test]
fn restore_refuses_two_sessions_in_one_cell() {
    let mut state = busy_board().state();
    state.sessions[1].slot = state.sessions[0].slot.clone();
    state.sessions[1].room = state.sessions[0].room.clone();
    assert!(Board::restore(grid(), state).is_err());
}

#[test]
fn restore_refuses_votes_that_do_not_add_up() {
    let b = busy_board();
    let mut state = b.state();
    state.sessions[0].votes += 1;
    assert!(Board::restore(grid(), state).is_err());

    let mut state = b.state();
    state
        .voters
        .insert(sid("s_99"), [bob().id].into_iter().collect());
    let err = Board::restore(grid(), state).unwrap_err();
    assert!(err.to_string().contains("s_99"), "{err}");
}

// BUG (src/board/mod.rs, `Board::restore`): a snapshot whose session says
// `votes: 2` but which lists no voters for it is accepted. The restored board
// breaks "votes = number of voters", and its next vote makes `execute` panic:
// `decide` counts from `session.votes` (2 -> 3), `check_applicable` from the
// voter set (0 -> 1), so the decided change does not apply and `execute`
// hits its `expect`. Expected: `restore` returns `Err(Inconsistent)`.
#[test]
fn bug_restore_accepts_votes_without_voters() {
    let mut state = board().state();
    let mut s = session_in("s_1", "sat-0930", "amphi", &alice());
    s.votes = 2;
    state.rev = 1;
    state.sessions.push(s);
    let restored = Board::restore(grid(), state);
    assert!(
        restored.is_err(),
        "restore accepted a session with 2 votes and no voters"
    );
}

// BUG (src/board/mod.rs, `Board::restore`): a snapshot listing the same
// session id twice, in two different cells, is accepted. Both cells end up in
// the cell index pointing at one session, which sits in only one of them:
// `session_at(09:30 amphi)` answers a session whose own cell is 10:30 amphi,
// and 09:30 amphi can never be claimed again. Expected: `Err(Inconsistent)`.
#[test]
fn bug_restore_accepts_one_session_id_in_two_cells() {
    let mut state = board().state();
    state.rev = 1;
    state
        .sessions
        .push(session_in("s_1", "sat-0930", "amphi", &alice()));
    state
        .sessions
        .push(session_in("s_1", "sat-1030", "amphi", &alice()));
    let restored = Board::restore(grid(), state);
    if let Ok(b) = &restored {
        let phantom = b.session_at(&at("sat-0930", "amphi")).unwrap();
        assert_eq!(phantom.cell(), at("sat-1030", "amphi"), "the phantom cell");
    }
    assert!(
        restored.is_err(),
        "restore accepted session s_1 in two cells"
    );
}

// BUG (src/board/mod.rs, `Board::restore`): its doc says it checks that the
// snapshot fits the grid, but a lock on a cell the grid lacks is accepted. It
// then shows in `locks()` (and so in `welcome.locks`) and can never be
// unlocked, since `unlock` answers not_found for that cell.
// Expected: `Err(Inconsistent)` naming the cell.
#[test]
fn bug_restore_accepts_a_lock_outside_the_grid() {
    let mut state = board().state();
    state.locks.push(at("sat-0930", "cellar"));
    let restored = Board::restore(grid(), state);
    assert!(
        restored.is_err(),
        "restore accepted a lock on sat-0930/cellar, which the grid lacks"
    );
}

// BUG (src/board/mod.rs, `Board::restore` with `decide`): new ids are
// `s_{rev + 1}`, but restore does not check that no session id is ahead of the
// snapshot's `rev`. A snapshot at rev 0 holding `s_1` is accepted, and the
// next claim decides a new session `s_1`, which `apply` refuses ("session s_1
// exists"), so `execute` panics ("a change decided by this board applies to
// it"). Expected: either `restore` refuses the snapshot, or the claim is
// accepted with a fresh id; never a panic.
#[test]
fn bug_restore_accepts_a_session_id_from_the_future() {
    let mut state = board().state();
    state
        .sessions
        .push(session_in("s_1", "sat-0930", "amphi", &alice()));
    if let Ok(mut b) = Board::restore(grid(), state) {
        let s = claim(&mut b, &bob(), "sat-1030", "amphi", "Go").unwrap();
        assert_ne!(s, sid("s_1"));
        assert_eq!(b.sessions().count(), 2);
    }
}

// ------------------------------------------------------------------- JSON --

fn wire(change: &Change) -> serde_json::Value {
    let value = serde_json::to_value(change).unwrap();
    let back: Change = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(&back, change, "JSON round trip");
    let text = serde_json::to_string(change).unwrap();
    assert_eq!(&serde_json::from_str::<Change>(&text).unwrap(), change);
    value
}

#[test]
fn changes_look_like_the_protocol_says() {
    let mut b = board();
    let claimed = ok(
        &mut b,
        &alice(),
        claim_cmd("sat-0930", "amphi", "Rust & WebSockets"),
    );
    assert_eq!(
        wire(&claimed),
        json!({"kind": "claimed", "session": {
            "id": "s_1", "slot": "sat-0930", "room": "amphi",
            "title": "Rust & WebSockets", "host": "Maël", "description": "",
            "tags": [], "owner": "p_alice", "votes": 0}})
    );
    let edited = ok(
        &mut b,
        &alice(),
        Command::Edit {
            session: sid("s_1"),
            title: None,
            host: None,
            description: None,
            tags: Some(tags(&["rust", "web"])),
        },
    );
    assert_eq!(
        wire(&edited),
        json!({"kind": "edited", "session": {
            "id": "s_1", "slot": "sat-0930", "room": "amphi",
            "title": "Rust & WebSockets", "host": "Maël", "description": "",
            "tags": ["rust", "web"], "owner": "p_alice", "votes": 0}})
    );
    let voted = ok(&mut b, &bob(), vote(&sid("s_1"), true));
    // `voter` and `on` are the board's additive extension of `{session, votes}`.
    assert_eq!(
        wire(&voted),
        json!({"kind": "voted", "session": "s_1", "votes": 1, "voter": "p_bob", "on": true})
    );
    let moved = ok(
        &mut b,
        &alice(),
        move_to(&sid("s_1"), "sat-1030", "salle-a"),
    );
    assert_eq!(
        wire(&moved),
        json!({"kind": "moved", "session": "s_1", "slot": "sat-1030", "room": "salle-a"})
    );
    claim(&mut b, &bob(), "sat-0930", "amphi", "Go").unwrap();
    let swapped = ok(&mut b, &orga(), swap(&sid("s_1"), &sid("s_5")));
    assert_eq!(
        wire(&swapped),
        json!({"kind": "swapped", "a": "s_1", "b": "s_5"})
    );
    let locked = ok(&mut b, &orga(), lock("sat-1130", "amphi"));
    assert_eq!(
        wire(&locked),
        json!({"kind": "locked", "slot": "sat-1130", "room": "amphi"})
    );
    let unlocked = ok(&mut b, &orga(), unlock("sat-1130", "amphi"));
    assert_eq!(
        wire(&unlocked),
        json!({"kind": "unlocked", "slot": "sat-1130", "room": "amphi"})
    );
    let opened = ok(&mut b, &orga(), set_open(false));
    assert_eq!(wire(&opened), json!({"kind": "opened", "open": false}));
    let announced = ok(&mut b, &orga(), announce("Lunch at 12:30"));
    assert_eq!(
        wire(&announced),
        json!({"kind": "announced", "text": "Lunch at 12:30"})
    );
    let cleared = ok(&mut b, &orga(), announce(""));
    assert_eq!(wire(&cleared), json!({"kind": "announced", "text": ""}));
    let released = ok(&mut b, &orga(), release(&sid("s_1")));
    assert_eq!(
        wire(&released),
        json!({"kind": "released", "session": "s_1"})
    );
}

#[test]
fn the_protocols_own_example_session_parses() {
    let change: Change = serde_json::from_value(json!({"kind": "claimed", "session": {
        "id": "s_81c2", "slot": "sat-0930", "room": "amphi",
        "title": "Rust & WebSockets", "host": "Maël", "description": "",
        "tags": ["rust"], "owner": "p_3f9a", "votes": 3}}))
    .unwrap();
    let Change::Claimed { session, .. } = &change else {
        panic!("{change:?}")
    };
    assert_eq!(session.id, sid("s_81c2"));
    assert_eq!(session.votes, 3);
    assert_eq!(session.tags, tags(&["rust"]));
    wire(&change);
}

#[test]
fn unknown_change_kinds_do_not_parse() {
    assert!(serde_json::from_value::<Change>(json!({"kind": "exploded"})).is_err());
    assert!(serde_json::from_value::<Change>(json!({"session": "s_1"})).is_err());
    assert!(serde_json::from_value::<Change>(json!({"kind": "released"})).is_err());
}

#[test]
fn rejections_and_roles_speak_the_protocols_words() {
    let codes = [
        (RejectCode::Taken, "taken"),
        (RejectCode::Locked, "locked"),
        (RejectCode::Closed, "closed"),
        (RejectCode::Forbidden, "forbidden"),
        (RejectCode::NotFound, "not_found"),
        (RejectCode::Invalid, "invalid"),
        (RejectCode::RateLimited, "rate_limited"),
        (RejectCode::Unsupported, "unsupported"),
        (RejectCode::Unavailable, "unavailable"),
        (RejectCode::Ended, "ended"),
    ];
    for (code, word) in codes {
        assert_eq!(code.as_str(), word);
        assert_eq!(serde_json::to_value(code).unwrap(), json!(word));
        assert_eq!(
            serde_json::from_value::<RejectCode>(json!(word)).unwrap(),
            code
        );
    }
    for (role, word) in [
        (Role::Participant, "participant"),
        (Role::Organiser, "organiser"),
        (Role::Viewer, "viewer"),
    ] {
        assert_eq!(serde_json::to_value(role).unwrap(), json!(word));
    }

    let mut b = board();
    claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    let taken = refused(&mut b, &bob(), claim_cmd("sat-0930", "amphi", "Go"));
    let v = serde_json::to_value(&taken).unwrap();
    assert_eq!(v["code"], json!("taken"));
    assert_eq!(v["session"], json!("s_1"));
    let closed = Rejection::new(RejectCode::Closed, "closed");
    assert_eq!(
        serde_json::to_value(&closed).unwrap(),
        json!({"code": "closed", "message": "closed"}),
        "no session key unless taken"
    );
}

#[test]
fn command_names_are_the_protocols_ops() {
    let s = sid("s_1");
    let ops: Vec<&str> = [
        claim_cmd("sat-0930", "amphi", "x"),
        edit_title(&s, "x"),
        release(&s),
        move_to(&s, "sat-0930", "amphi"),
        swap(&s, &s),
        lock("sat-0930", "amphi"),
        unlock("sat-0930", "amphi"),
        set_open(true),
        announce("x"),
        vote(&s, true),
    ]
    .iter()
    .map(Command::op)
    .collect();
    assert_eq!(
        ops,
        [
            "claim", "edit", "release", "move", "swap", "lock", "unlock", "set_open", "announce",
            "vote"
        ]
    );
}

// -------------------------------------------------------------------- end --

#[test]
fn only_an_organiser_ends_the_event_and_then_every_command_is_refused() {
    let mut b = board();
    let s = claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    assert_eq!(code(&mut b, &alice(), Command::End), RejectCode::Forbidden);
    assert_eq!(code(&mut b, &wall(), Command::End), RejectCode::Forbidden);
    assert!(!b.is_ended());
    let change = ok(&mut b, &orga(), Command::End);
    assert_eq!(change, Change::Ended {});
    assert_eq!(
        serde_json::to_value(&change).unwrap(),
        json!({"kind": "ended"})
    );
    assert!(b.is_ended());
    for (who, command) in [
        (alice(), claim_cmd("sat-1030", "amphi", "Late")),
        (alice(), edit_title(&s, "Rust 2")),
        (alice(), vote(&s, true)),
        (alice(), release(&s)),
        (orga(), move_to(&s, "sat-1030", "amphi")),
        (orga(), lock("sat-1030", "amphi")),
        (orga(), set_open(false)),
        (orga(), announce("Bye")),
        (orga(), Command::End),
        (wall(), Command::End),
    ] {
        let r = refused(&mut b, &who, command);
        assert_eq!(r.code, RejectCode::Ended, "{r:?}");
        assert!(r.message.contains("ended"), "{r:?}");
    }
}

#[test]
fn nothing_applies_after_the_end_and_the_end_survives_a_snapshot() {
    let mut b = board();
    claim(&mut b, &alice(), "sat-0930", "amphi", "Rust").unwrap();
    ok(&mut b, &orga(), Command::End);
    // A journal that goes on after the end does not fit.
    assert!(b.apply(&Change::Opened { open: false }).is_err());
    assert!(b.apply(&Change::Ended {}).is_err());
    let state = b.state();
    assert!(state.ended);
    let text = serde_json::to_string(&state).unwrap();
    let back: BoardState = serde_json::from_str(&text).unwrap();
    let restored = Board::restore(grid(), back).unwrap();
    assert!(restored.is_ended());
    assert_eq!(restored, b);
    // Snapshots written before the end existed read as not ended, and a
    // board that is not ended does not write the field at all.
    let old = serde_json::to_value(board().state()).unwrap();
    assert!(!old.as_object().unwrap().contains_key("ended"), "{old}");
    let read: BoardState = serde_json::from_value(old).unwrap();
    assert!(!read.ended);
}

#[test]
fn every_reject_code_is_listed_once_under_its_wire_name() {
    let names: std::collections::BTreeSet<&str> =
        RejectCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(names.len(), RejectCode::ALL.len(), "no code twice");
    for code in RejectCode::ALL {
        assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
    }
}
