//! The disk of one event: what `open` finds after a clean run, a crash in the
//! middle of a write, a crash between a snapshot and the journal's seal, and
//! files that were damaged by something else than this server.

use std::fs::OpenOptions;

use super::*;
use crate::board::{
    Actor, Cell, Change, Command, Description, Host, Limits, Role, Room, RoomId, SessionId, Slot,
    SlotId, Tags, Title,
};

// ---------------------------------------------------------------- helpers --

fn grid() -> Grid {
    let room = |id: &str, capacity| Room {
        id: RoomId::from(id),
        name: id.to_uppercase(),
        capacity,
    };
    let slot = |id: &str, start: &str, end: &str| Slot {
        id: SlotId::from(id),
        day: "2026-12-05".parse().unwrap(),
        start: start.parse().unwrap(),
        end: end.parse().unwrap(),
    };
    Grid {
        rooms: vec![room("amphi", 120), room("salle-a", 30)],
        slots: vec![
            slot("sat-0930", "09:30", "10:15"),
            slot("sat-1030", "10:30", "11:15"),
            slot("sat-1130", "11:30", "12:15"),
        ],
    }
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

fn cell(slot: &str, room: &str) -> Cell {
    Cell {
        slot: SlotId::from(slot),
        room: RoomId::from(room),
    }
}

fn claim(slot: &str, room: &str, title: &str) -> Command {
    let l = Limits::default();
    Command::Claim {
        cell: cell(slot, room),
        title: Title::parse(title, &l).unwrap(),
        host: Host::parse("Maël", &l).unwrap(),
        description: Description::empty(),
        tags: Tags::default(),
    }
}

fn retitle(session: &str, title: &str) -> Command {
    Command::Edit {
        session: SessionId::from(session),
        title: Some(Title::parse(title, &Limits::default()).unwrap()),
        host: None,
        description: None,
        tags: None,
    }
}

/// A board and the records of every change made to it, as the hub makes them.
struct Story {
    board: Board,
    records: Vec<Record>,
}

impl Story {
    fn new() -> Story {
        Story {
            board: Board::new(grid()),
            records: Vec::new(),
        }
    }

    /// Executes an accepted command and keeps its record; returns the change.
    fn run(&mut self, who: &Actor, req: &str, command: Command) -> Change {
        let change = self
            .board
            .execute(who, &command)
            .unwrap_or_else(|r| panic!("{req} must be accepted: {r:?}"));
        self.records.push(Record {
            rev: self.board.rev(),
            change: change.clone(),
            at: format!("2026-12-05T09:{:02}:00Z", self.board.rev() % 60),
            by: Some(who.id.clone()),
            req: Some(req.to_owned()),
        });
        change
    }

    /// A morning of seven changes of every common kind.
    fn morning() -> Story {
        let mut s = Story::new();
        s.run(
            &alice(),
            "a-1",
            claim("sat-0930", "amphi", "Rust & WebSockets"),
        );
        s.run(
            &bob(),
            "b-1",
            claim("sat-1030", "amphi", "Crêpes as a service"),
        );
        s.run(&alice(), "a-2", retitle("s_1", "Rust, WebSockets & fsync"));
        s.run(
            &bob(),
            "b-2",
            Command::Vote {
                session: SessionId::from("s_1"),
                on: true,
            },
        );
        s.run(
            &orga(),
            "o-1",
            Command::Lock {
                cell: cell("sat-1130", "salle-a"),
            },
        );
        s.run(
            &alice(),
            "a-3",
            Command::Move {
                session: SessionId::from("s_1"),
                to: cell("sat-1130", "amphi"),
            },
        );
        s.run(
            &bob(),
            "b-3",
            claim("sat-0930", "salle-a", "Breton for hackers"),
        );
        s
    }

    /// The board after the first `n` changes.
    fn board_at(&self, n: usize) -> Board {
        let mut b = Board::new(grid());
        for r in &self.records[..n] {
            b.apply(&r.change).unwrap();
        }
        b
    }

    /// Journal lines (each with its `\n`) of records `from..to` (0-based).
    fn lines(&self, range: std::ops::Range<usize>) -> String {
        self.records[range]
            .iter()
            .map(|r| r.to_line() + "\n")
            .collect()
    }

    fn acked(&self, range: std::ops::Range<usize>) -> Vec<AckedReq> {
        self.records[range]
            .iter()
            .map(|r| AckedReq {
                by: r.by.clone().unwrap(),
                req: r.req.clone().unwrap(),
                rev: r.rev,
            })
            .collect()
    }
}

fn open(dir: &Path) -> (EventStore, Loaded) {
    match EventStore::open(dir, grid()) {
        Ok(opened) => opened,
        Err(e) => panic!("{} must open: {e}", dir.display()),
    }
}

fn open_err(dir: &Path) -> StoreError {
    match EventStore::open(dir, grid()) {
        Ok((_, loaded)) => panic!(
            "{} must not open, but it did at rev {}",
            dir.display(),
            loaded.board.rev()
        ),
        Err(e) => e,
    }
}

fn journal(dir: &Path) -> PathBuf {
    dir.join("journal.jsonl")
}

fn append_raw(path: &Path, bytes: &[u8]) {
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(bytes).unwrap();
}

/// The names of the files (not folders) in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A journal as this build writes it: the header, then `lines`.
fn with_header(lines: &str) -> String {
    format!("{}{lines}", journal::HEADER)
}

/// The change lines of a journal or a segment: every line after the header.
fn lines_of(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let body = text
        .strip_prefix(journal::HEADER)
        .unwrap_or_else(|| panic!("{} starts with the format header: {text}", path.display()));
    body.lines().map(str::to_owned).collect()
}

/// Asserts an error is `Corrupt` at `line` of the journal and that its
/// message says so to a person.
fn assert_corrupt_at(err: &StoreError, dir: &Path, line: usize) {
    match err {
        StoreError::Corrupt { path, line: l, .. } => {
            assert_eq!(path, &journal(dir), "the error names the journal");
            assert_eq!(*l, line, "the error names the bad line: {err}");
        }
        other => panic!("expected a corrupt journal at line {line}, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains(&journal(dir).display().to_string()),
        "the message names the file: {text}"
    );
    assert!(
        text.contains(&format!("line {line}")),
        "the message names the line: {text}"
    );
}

// ------------------------------------------------------------------ tests --

#[test]
fn an_empty_folder_opens_at_rev_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("events").join("camp");
    let (store, loaded) = open(&dir);
    assert_eq!(loaded.board.rev(), 0);
    assert_eq!(loaded.board, Board::new(grid()));
    assert!(loaded.recent.is_empty());
    assert!(loaded.acked.is_empty());
    assert!(!loaded.torn);
    assert_eq!(store.journal_len(), 0);
    assert!(dir.join("history").is_dir(), "history/ is made at once");
    assert!(!dir.join("snapshot.json").exists());
}

#[test]
fn appended_records_come_back_on_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let n = story.records.len();
    {
        let (mut store, _) = open(tmp.path());
        // Two group commits, as two batches of the hub would write them.
        store.append(story.lines(0..3).as_bytes()).unwrap();
        store.append(story.lines(3..n).as_bytes()).unwrap();
        assert_eq!(
            store.journal_len(),
            with_header(&story.lines(0..n)).len() as u64
        );
    }
    let (store, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board, "replay rebuilds the same board");
    assert_eq!(loaded.board.rev(), n as u64);
    assert!(!loaded.torn);
    let expected: Vec<(u64, String)> = story
        .records
        .iter()
        .map(|r| (r.rev, r.to_frame()))
        .collect();
    assert_eq!(
        loaded.recent, expected,
        "recent holds every change's frame, in order"
    );
    assert_eq!(loaded.acked, story.acked(0..n));
    assert_eq!(
        store.journal_len(),
        with_header(&story.lines(0..n)).len() as u64
    );
    assert_eq!(
        fs::read_to_string(journal(tmp.path())).unwrap(),
        with_header(&story.lines(0..n)),
        "reopening changes nothing"
    );
}

#[test]
fn records_without_a_req_are_replayed_but_not_remembered_as_acked() {
    let tmp = tempfile::tempdir().unwrap();
    let mut story = Story::morning();
    story.records[1].req = None;
    story.records[2].by = None;
    let n = story.records.len();
    append_raw(&journal(tmp.path()), story.lines(0..n).as_bytes());
    let (_, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board);
    let acked: Vec<u64> = loaded.acked.iter().map(|a| a.rev).collect();
    assert_eq!(acked, vec![1, 4, 5, 6, 7]);
}

#[test]
fn a_torn_last_line_is_cut_and_the_journal_carries_on_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let full = story.lines(0..5);
    append_raw(&journal(tmp.path()), full.as_bytes());
    // The crash came in the middle of writing record 6.
    let sixth = story.lines(5..6);
    append_raw(&journal(tmp.path()), &sixth.as_bytes()[..sixth.len() / 2]);

    let (mut store, loaded) = open(tmp.path());
    assert!(loaded.torn, "the torn line is reported");
    assert_eq!(loaded.board, story.board_at(5));
    assert_eq!(loaded.recent.len(), 5);
    assert_eq!(loaded.acked, story.acked(0..5));
    assert_eq!(
        fs::read(journal(tmp.path())).unwrap(),
        full.as_bytes(),
        "the file is cut to its last full line"
    );
    assert_eq!(store.journal_len(), full.len() as u64);

    // Record 6 is written again (its client never got an ack and retried).
    store.append(story.lines(5..7).as_bytes()).unwrap();
    drop(store);
    let (_, loaded) = open(tmp.path());
    assert!(!loaded.torn, "the next start is clean");
    assert_eq!(loaded.board, story.board);
    assert_eq!(
        fs::read_to_string(journal(tmp.path())).unwrap(),
        story.lines(0..7)
    );
}

#[test]
fn a_whole_record_without_its_newline_was_never_acked_and_is_cut() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    append_raw(&journal(tmp.path()), story.lines(0..2).as_bytes());
    // The hub writes "line\n" in one go and acks after the fsync: a line
    // without its newline did not make it.
    append_raw(&journal(tmp.path()), story.records[2].to_line().as_bytes());
    let (_, loaded) = open(tmp.path());
    assert!(loaded.torn);
    assert_eq!(loaded.board, story.board_at(2));
    assert_eq!(
        fs::read_to_string(journal(tmp.path())).unwrap(),
        story.lines(0..2)
    );
}

#[test]
fn a_journal_that_is_only_a_torn_line_opens_empty() {
    let tmp = tempfile::tempdir().unwrap();
    append_raw(&journal(tmp.path()), br#"{"type":"event","rev":1,"chan"#);
    let (store, loaded) = open(tmp.path());
    assert!(loaded.torn);
    assert_eq!(loaded.board.rev(), 0);
    assert_eq!(store.journal_len(), 0);
    assert_eq!(fs::read(journal(tmp.path())).unwrap(), b"");
}

/// Writes records 1, `middle`, 3.. and checks `open` refuses at line 2
/// without touching a byte.
fn check_corrupt_middle(middle: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let n = story.records.len();
    let text = format!("{}{middle}\n{}", story.lines(0..1), story.lines(2..n));
    fs::write(journal(tmp.path()), &text).unwrap();
    let before = names(tmp.path());

    let err = open_err(tmp.path());
    assert_corrupt_at(&err, tmp.path(), 2);
    assert_eq!(
        fs::read_to_string(journal(tmp.path())).unwrap(),
        text,
        "the journal is left byte for byte as it was"
    );
    assert_eq!(names(tmp.path()), before, "no file was added or removed");
}

#[test]
fn a_garbage_line_in_the_middle_stops_the_open() {
    check_corrupt_middle("this is not json at all");
    check_corrupt_middle(r#"{"type":"event","rev":2,"change":{"kind":"nonsense"},"at":"x"}"#);
    check_corrupt_middle("\u{0}\u{0}\u{0}\u{0}");
}

#[test]
fn a_rev_gap_in_the_middle_stops_the_open() {
    let story = Story::morning();
    // Valid JSON, valid change, but rev 5 right after rev 1.
    let mut skipped = story.records[1].clone();
    skipped.rev = 5;
    check_corrupt_middle(&skipped.to_line());
}

#[test]
fn a_change_that_does_not_fit_the_board_stops_the_open() {
    let story = Story::morning();
    // Rev 2 claims the very cell that rev 1 took.
    let mut clash = story.records[1].clone();
    let Change::Claimed { session, .. } = &mut clash.change else {
        panic!("record 2 is a claim");
    };
    session.slot = SlotId::from("sat-0930");
    session.room = RoomId::from("amphi");
    check_corrupt_middle(&clash.to_line());

    // An edit of a session that does not exist.
    let mut ghost = story.records[2].clone();
    ghost.rev = 2;
    let Change::Edited { session } = &mut ghost.change else {
        panic!("record 3 is an edit");
    };
    session.id = SessionId::from("s_404");
    check_corrupt_middle(&ghost.to_line());

    // A claim of a room that the grid does not have.
    let mut nowhere = story.records[1].clone();
    let Change::Claimed { session, .. } = &mut nowhere.change else {
        panic!("record 2 is a claim");
    };
    session.room = RoomId::from("attic");
    check_corrupt_middle(&nowhere.to_line());
}

#[test]
fn a_rev_going_backwards_in_the_middle_stops_the_open() {
    // Records 1, 2, then a second, different "rev 2", then 3..: this file was
    // not written by one writer in rev order. Skipping lines is only right
    // for the lines a snapshot already holds, at the head of the journal.
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let n = story.records.len();
    let mut twin = story.records[1].clone();
    twin.req = Some("someone-else".into());
    let Change::Claimed { session, .. } = &mut twin.change else {
        panic!("record 2 is a claim");
    };
    session.title = Title::parse("A different talk", &Limits::default()).unwrap();
    let text = format!(
        "{}{}\n{}",
        story.lines(0..2),
        twin.to_line(),
        story.lines(2..n)
    );
    fs::write(journal(tmp.path()), &text).unwrap();

    // BUG: `open` skips any line whose rev is <= the board's rev, wherever it
    // is, so a duplicated or out-of-order rev in the middle of the journal is
    // silently dropped (here: a second rev 2 with another title) instead of
    // stopping start-up as corruption.
    let err = open_err(tmp.path());
    assert_corrupt_at(&err, tmp.path(), 3);
    assert_eq!(fs::read_to_string(journal(tmp.path())).unwrap(), text);
}

#[test]
fn a_corrupt_middle_line_wins_over_a_torn_tail_and_nothing_is_cut() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let text = format!(
        "{}garbage\n{}{}",
        story.lines(0..1),
        story.lines(2..4),
        &story.records[4].to_line()[..20]
    );
    fs::write(journal(tmp.path()), &text).unwrap();
    let err = open_err(tmp.path());
    assert_corrupt_at(&err, tmp.path(), 2);
    assert_eq!(
        fs::read_to_string(journal(tmp.path())).unwrap(),
        text,
        "not even the torn tail is cut when start-up is refused"
    );
}

#[test]
fn a_corrupt_snapshot_stops_the_open_and_touches_nothing() {
    let story = Story::morning();
    let n = story.records.len();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"{\"board\": definitely not".to_vec()),
        ("empty", Vec::new()),
        (
            // Valid JSON of the wrong shape.
            "wrong shape",
            br#"{"rev":3,"sessions":[]}"#.to_vec(),
        ),
        (
            // Well-formed, but a session in a room the grid does not have.
            "foreign",
            {
                let mut state = story.board.state();
                state.sessions[0].room = RoomId::from("attic");
                serde_json::to_vec(&SnapshotFile {
                    format: SNAPSHOT_FORMAT,
                    board: state,
                    acked: Vec::new(),
                })
                .unwrap()
            },
        ),
    ];
    for (what, snapshot) in cases {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("snapshot.json"), &snapshot).unwrap();
        // A journal with a torn tail: it must not be cut either.
        let journal_text = format!("{}{{\"type\":\"ev", story.lines(0..n));
        fs::write(journal(tmp.path()), &journal_text).unwrap();
        let before = names(tmp.path());

        let err = open_err(tmp.path());
        match &err {
            StoreError::Snapshot { path, .. } => {
                assert_eq!(path, &tmp.path().join("snapshot.json"), "{what}")
            }
            other => panic!("{what}: expected a snapshot error, got {other:?}"),
        }
        assert!(
            err.to_string().contains("snapshot.json"),
            "{what}: the message names the file: {err}"
        );
        assert_eq!(
            fs::read(tmp.path().join("snapshot.json")).unwrap(),
            snapshot,
            "{what}: snapshot untouched"
        );
        assert_eq!(
            fs::read_to_string(journal(tmp.path())).unwrap(),
            journal_text,
            "{what}: journal untouched"
        );
        assert_eq!(
            names(tmp.path()),
            before,
            "{what}: no file added or removed"
        );
    }
}

#[test]
fn a_snapshot_seals_the_journal_into_history_and_replay_continues_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let n = story.records.len();
    {
        let (mut store, _) = open(tmp.path());
        store.append(story.lines(0..2).as_bytes()).unwrap();
        store.append(story.lines(2..4).as_bytes()).unwrap();
        store
            .snapshot(&story.board_at(4), story.acked(0..4))
            .unwrap();
        assert_eq!(store.journal_len(), 0, "a fresh journal after the seal");
        store.append(story.lines(4..n).as_bytes()).unwrap();

        let files = store.history_files().unwrap();
        assert_eq!(
            files,
            vec![
                tmp.path().join("history").join("000000000001.jsonl"),
                journal(tmp.path())
            ]
        );
    }
    assert_eq!(names(&tmp.path().join("history")), ["000000000001.jsonl"]);
    assert!(
        !names(tmp.path()).iter().any(|f| f.ends_with(".tmp")),
        "no temporary file is left: {:?}",
        names(tmp.path())
    );

    let (store, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board);
    assert!(!loaded.torn);
    let recent: Vec<u64> = loaded.recent.iter().map(|(r, _)| *r).collect();
    assert_eq!(
        recent,
        (5..=n as u64).collect::<Vec<_>>(),
        "recent is after the snapshot"
    );
    assert_eq!(
        loaded.acked,
        story.acked(0..n),
        "acks come from the snapshot and then the journal"
    );

    // The sealed segment and the journal, read in order, are every change.
    let mut all = Vec::new();
    for f in store.history_files().unwrap() {
        all.extend(lines_of(&f));
    }
    let expected: Vec<String> = story.records.iter().map(Record::to_line).collect();
    assert_eq!(
        all, expected,
        "history + journal = changes 1..={n}, in order"
    );
}

#[test]
fn two_snapshots_make_two_segments_named_by_their_first_rev() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let (mut store, _) = open(tmp.path());
    store.append(story.lines(0..3).as_bytes()).unwrap();
    store
        .snapshot(&story.board_at(3), story.acked(0..3))
        .unwrap();
    store.append(story.lines(3..6).as_bytes()).unwrap();
    store
        .snapshot(&story.board_at(6), story.acked(0..6))
        .unwrap();
    // Nothing new: a snapshot still rewrites snapshot.json but seals nothing.
    store
        .snapshot(&story.board_at(6), story.acked(0..6))
        .unwrap();
    store.append(story.lines(6..7).as_bytes()).unwrap();
    drop(store);

    assert_eq!(
        names(&tmp.path().join("history")),
        ["000000000001.jsonl", "000000000004.jsonl"]
    );
    assert_eq!(
        lines_of(&tmp.path().join("history").join("000000000004.jsonl")),
        story
            .lines(3..6)
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    );
    let (_, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board);
}

#[test]
fn a_crash_between_snapshot_and_seal_replays_only_what_follows_the_snapshot() {
    // The snapshot at rev 4 was renamed into place, then the process died
    // before the journal (still holding 1..=7) was sealed.
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let n = story.records.len();
    let snapshot = serde_json::to_vec(&SnapshotFile {
        format: SNAPSHOT_FORMAT,
        board: story.board_at(4).state(),
        acked: story.acked(0..4),
    })
    .unwrap();
    fs::write(tmp.path().join("snapshot.json"), &snapshot).unwrap();
    fs::write(journal(tmp.path()), story.lines(0..n)).unwrap();

    let (mut store, loaded) = open(tmp.path());
    assert_eq!(
        loaded.board, story.board,
        "lines 1..=4 are skipped, 5.. applied"
    );
    assert!(!loaded.torn);
    let recent: Vec<u64> = loaded.recent.iter().map(|(r, _)| *r).collect();
    assert_eq!(recent, vec![5, 6, 7]);
    assert_eq!(
        loaded.acked,
        story.acked(0..n),
        "no ack is remembered twice"
    );
    assert_eq!(
        fs::read_to_string(journal(tmp.path())).unwrap(),
        story.lines(0..n),
        "open does not rewrite the journal"
    );

    // The next snapshot seals the whole journal, from its first line.
    store.snapshot(&story.board, story.acked(0..n)).unwrap();
    drop(store);
    assert_eq!(names(&tmp.path().join("history")), ["000000000001.jsonl"]);
    let (_, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board);
    assert!(loaded.recent.is_empty());
}

#[test]
fn a_snapshot_ahead_of_an_empty_journal_is_the_board() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    {
        let (mut store, _) = open(tmp.path());
        store.snapshot(&story.board, story.acked(0..7)).unwrap();
    }
    let (_, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board);
    assert_eq!(loaded.acked, story.acked(0..7));
    assert!(loaded.recent.is_empty());
}

#[test]
fn write_atomic_replaces_the_file_and_leaves_no_temporary() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("snapshot.json");
    write_atomic(&path, b"first").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"first");
    write_atomic(&path, b"second, longer than the first").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"second, longer than the first");
    write_atomic(&path, b"3").unwrap();
    assert_eq!(
        fs::read(&path).unwrap(),
        b"3",
        "a shorter file leaves no tail"
    );
    assert_eq!(names(tmp.path()), ["snapshot.json"]);
}

#[test]
fn write_atomic_into_a_missing_folder_fails_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("nope").join("snapshot.json");
    assert!(write_atomic(&path, b"x").is_err());
    assert!(names(tmp.path()).is_empty());
}

#[test]
fn write_atomic_over_a_folder_fails_and_cleans_its_temporary() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("snapshot.json");
    fs::create_dir(&path).unwrap();
    fs::write(path.join("inside"), b"keep").unwrap();
    assert!(
        write_atomic(&path, b"x").is_err(),
        "a file cannot replace a folder"
    );
    assert!(names(tmp.path()).is_empty(), "no temporary is left");
    assert!(path.is_dir());
    assert_eq!(fs::read(path.join("inside")).unwrap(), b"keep");
}

// --------------------------------------------------- formats and fixture --

/// `tests/data/{version}/`: a frozen data folder (see its README):
/// `format-v1` was written before formats were numbered, `format-v2` with
/// checksummed journals, `removed`/`restored` and organiser logouts.
fn fixture_of(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(version)
}

/// A copy of the fixture's folder of `slug`, so nothing touches the original.
fn fixture_copy(slug: &str) -> (tempfile::TempDir, PathBuf, crate::config::EventConfig) {
    fixture_copy_of("format-v1", slug)
}

/// [`fixture_copy`] of the frozen folder of `version`.
fn fixture_copy_of(
    version: &str,
    slug: &str,
) -> (tempfile::TempDir, PathBuf, crate::config::EventConfig) {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(slug);
    copy(&fixture_of(version).join("events").join(slug), &dir);
    let text = fs::read_to_string(fixture_of(version).join("config.toml")).unwrap();
    let overrides = crate::config::Overrides {
        data_dir: Some(tmp.path().to_owned()),
        ..Default::default()
    };
    let config = crate::config::Config::from_toml_str(&text, "config.toml", &overrides).unwrap();
    let event = config.events.into_iter().find(|e| e.slug == slug).unwrap();
    (tmp, dir, event)
}

/// The board's persisted state against the fixture's `board.json` (which
/// also carries the grid and the event's head, not the store's business).
fn assert_board_is(board: &Board, file: &str) {
    assert_board_is_of("format-v1", board, file)
}

/// [`assert_board_is`] against the `file` of the frozen folder of `version`.
fn assert_board_is_of(version: &str, board: &Board, file: &str) {
    let text = fs::read_to_string(fixture_of(version).join(file)).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
    let state = serde_json::to_value(board.state()).unwrap();
    let by_id = |v: &serde_json::Value| {
        let mut s = v.as_array().unwrap().clone();
        s.sort_by_key(|s| s["id"].as_str().unwrap().to_owned());
        s
    };
    assert_eq!(state["rev"], expected["rev"], "{file}: rev");
    assert_eq!(state["open"], expected["event"]["open"], "{file}: open");
    assert_eq!(
        board.is_ended(),
        expected["event"]["ended"] == true,
        "{file}"
    );
    assert_eq!(state["announcement"], expected["announcement"], "{file}");
    assert_eq!(state["locks"], expected["locks"], "{file}: locks");
    assert_eq!(
        by_id(&state["sessions"]),
        by_id(&expected["sessions"]),
        "{file}: sessions"
    );
}

#[test]
fn the_frozen_format_v1_folder_replays_to_the_same_board() {
    let (_tmp, dir, event) = fixture_copy("camp");
    let before = fs::read(journal(&dir)).unwrap();
    let (mut store, loaded) = EventStore::open(&dir, event.grid()).unwrap();
    assert_board_is(&loaded.board, "board.json");
    assert!(!loaded.torn);
    let recent: Vec<u64> = loaded.recent.iter().map(|(r, _)| *r).collect();
    assert_eq!(recent, [19, 20], "the journal after the snapshot at 18");
    assert_eq!(loaded.acked.last().map(|a| a.rev), Some(20));
    assert_eq!(
        fs::read(journal(&dir)).unwrap(),
        before,
        "opening reads only"
    );

    // The whole history, sealed segments and journal, through the same reader.
    let history = archive::read_history(&dir, None).unwrap();
    assert_eq!(
        history.iter().map(|r| r.rev).collect::<Vec<_>>(),
        (1..=20).collect::<Vec<_>>()
    );
    let mut replayed = Board::new(event.grid());
    for r in &history {
        replayed.apply(&r.change).unwrap();
    }
    assert_eq!(replayed, loaded.board);

    // The next snapshot seals the headerless journal under its first rev.
    store.snapshot(&loaded.board, loaded.acked.clone()).unwrap();
    assert_eq!(
        names(&dir.join("history")),
        [
            "000000000001.jsonl",
            "000000000007.jsonl",
            "000000000013.jsonl",
            "000000000019.jsonl"
        ]
    );
    let snapshot = fs::read_to_string(dir.join("snapshot.json")).unwrap();
    assert!(snapshot.starts_with(r#"{"format":1,"#), "{snapshot}");
}

#[test]
fn the_frozen_ended_event_replays_from_its_journal_alone() {
    let (_tmp, dir, event) = fixture_copy("closed");
    assert!(!dir.join("snapshot.json").exists());
    let (_, loaded) = EventStore::open(&dir, event.grid()).unwrap();
    assert_board_is(&loaded.board, "board-closed.json");
    assert!(loaded.board.is_ended());
}

#[test]
fn the_frozen_format_v2_folder_replays_to_the_same_boards() {
    let (_tmp, dir, event) = fixture_copy_of("format-v2", "camp");
    let before = fs::read(journal(&dir)).unwrap();
    let (mut store, loaded) = EventStore::open(&dir, event.grid()).unwrap();
    assert_board_is_of("format-v2", &loaded.board, "board.json");
    assert!(!loaded.torn);
    let recent: Vec<u64> = loaded.recent.iter().map(|(r, _)| *r).collect();
    assert_eq!(
        recent,
        [19, 20, 21, 22],
        "the journal after the snapshot at 18"
    );
    assert_eq!(
        fs::read(journal(&dir)).unwrap(),
        before,
        "opening reads only"
    );

    // Every line checksummed; removed and restored replay the same.
    let history = archive::read_history(&dir, None).unwrap();
    assert_eq!(
        history.iter().map(|r| r.rev).collect::<Vec<_>>(),
        (1..=22).collect::<Vec<_>>()
    );
    let kinds: Vec<String> = history
        .iter()
        .map(|r| serde_json::to_value(&r.change).unwrap()["kind"].to_string())
        .collect();
    for kind in [r#""removed""#, r#""restored""#] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    let mut replayed = Board::new(event.grid());
    for r in &history {
        replayed.apply(&r.change).unwrap();
    }
    assert_eq!(replayed, loaded.board);

    // The next snapshot seals the journal of format 2 under its first rev.
    store.snapshot(&loaded.board, loaded.acked.clone()).unwrap();
    assert_eq!(
        names(&dir.join("history")),
        [
            "000000000001.jsonl",
            "000000000007.jsonl",
            "000000000013.jsonl",
            "000000000019.jsonl"
        ]
    );
    let sealed = fs::read_to_string(dir.join("history/000000000019.jsonl")).unwrap();
    assert_eq!(sealed.as_bytes(), &before[..], "sealed as it was");

    // The book of organiser sessions reads: one "log out everywhere", one
    // session logged out alone.
    let book = super::sessions::load(&dir).unwrap();
    assert_eq!(book.generation, 1);
    assert_eq!(book.revoked.len(), 1);

    let (_tmp, dir, event) = fixture_copy_of("format-v2", "closed");
    let (_, loaded) = EventStore::open(&dir, event.grid()).unwrap();
    assert_board_is_of("format-v2", &loaded.board, "board-closed.json");
    assert!(loaded.board.is_ended());
}

#[test]
fn a_new_journal_starts_with_its_format_and_an_empty_one_stays_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let (mut store, _) = open(tmp.path());
    assert_eq!(fs::read(journal(tmp.path())).unwrap(), b"");
    store.append(story.lines(0..2).as_bytes()).unwrap();
    store.append(story.lines(2..3).as_bytes()).unwrap();
    assert_eq!(
        fs::read_to_string(journal(tmp.path())).unwrap(),
        with_header(&story.lines(0..3)),
        "one header, before the first change only"
    );
    store
        .snapshot(&story.board_at(3), story.acked(0..3))
        .unwrap();
    assert_eq!(fs::read(journal(tmp.path())).unwrap(), b"");
    assert!(
        fs::read_to_string(tmp.path().join("history/000000000001.jsonl"))
            .unwrap()
            .starts_with(journal::HEADER),
        "a sealed segment keeps its journal's header"
    );
    store.append(story.lines(3..7).as_bytes()).unwrap();
    drop(store);
    let (_, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board);
    let history = archive::read_history(tmp.path(), None).unwrap();
    assert_eq!(history, story.records);
}

#[test]
fn a_header_whose_first_change_was_torn_is_cut_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let line = story.lines(0..1);
    fs::write(
        journal(tmp.path()),
        format!("{}{}", journal::HEADER, &line[..line.len() / 2]),
    )
    .unwrap();
    let (mut store, loaded) = open(tmp.path());
    assert!(loaded.torn);
    assert_eq!(loaded.board.rev(), 0);
    assert_eq!(store.journal_len(), 0);
    assert_eq!(fs::read(journal(tmp.path())).unwrap(), b"");
    store.append(line.as_bytes()).unwrap();
    assert_eq!(lines_of(&journal(tmp.path())), [line.trim_end()]);
}

#[test]
fn a_corrupt_line_after_the_header_is_named_by_its_line_in_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let text = format!(
        "{}{}not json\n{}",
        journal::HEADER,
        story.lines(0..1),
        story.lines(1..2)
    );
    fs::write(journal(tmp.path()), &text).unwrap();
    let err = open_err(tmp.path());
    assert_corrupt_at(&err, tmp.path(), 3);
    assert_eq!(fs::read_to_string(journal(tmp.path())).unwrap(), text);
}

/// Asserts the error refuses a newer `format`, naming the file, the format
/// and the fix.
fn assert_newer(err: &StoreError, file: &Path, format: u64) {
    assert!(
        matches!(err, StoreError::NewerFormat { path, format: f, .. } if path == file && *f == format),
        "{err:?}"
    );
    let text = err.to_string();
    for words in [
        &file.display().to_string()[..],
        &format!("data format {format}")[..],
        "written by a newer slotboard",
        "run that version or newer",
    ] {
        assert!(text.contains(words), "{words:?} in: {text}");
    }
}

#[test]
fn a_journal_of_a_newer_format_is_refused_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    // A later format may add to its header and change its lines.
    let text = "{\"format\":3,\"event\":\"camp\"}\n{\"rev\":1,\"what\":\"new\"}\n{\"to";
    fs::write(journal(tmp.path()), text).unwrap();
    let err = open_err(tmp.path());
    assert_newer(&err, &journal(tmp.path()), 3);
    assert_eq!(fs::read_to_string(journal(tmp.path())).unwrap(), text);

    match archive::read_history(tmp.path(), None) {
        Err(archive::ArchiveError::History { path, why }) => {
            assert_eq!(path, journal(tmp.path()));
            assert!(why.contains("written by a newer slotboard"), "{why}");
        }
        other => panic!("the archive refuses it too: {other:?}"),
    }
}

#[test]
fn a_snapshot_of_a_newer_format_is_refused_even_if_it_would_not_parse() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snapshot.json");
    let text = r#"{"format":2,"boards":{"camp":{}}}"#;
    fs::write(&snap, text).unwrap();
    let err = open_err(tmp.path());
    assert_newer(&err, &snap, 2);
    assert_eq!(fs::read_to_string(&snap).unwrap(), text);
}

#[test]
fn a_snapshot_without_a_format_is_format_one() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let mut snapshot = serde_json::to_value(SnapshotFile {
        format: SNAPSHOT_FORMAT,
        board: story.board.state(),
        acked: story.acked(0..7),
    })
    .unwrap();
    snapshot.as_object_mut().unwrap().remove("format");
    fs::write(tmp.path().join("snapshot.json"), snapshot.to_string()).unwrap();
    let (_, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board);
}

mod integrity;
