//! The actor of one event, over a real store in a temporary folder: group
//! commit, joins that fit exactly between two revisions, resumes, idempotent
//! requests, snapshots and restarts.
//!
//! The tests run on a current-thread runtime: commands submitted without an
//! `.await` on their answer in between are all queued before the actor runs,
//! so they make one batch.

use std::fs;
use std::path::Path;

use serde_json::Value;

use super::handle::gone;
use super::*;
use crate::board::{
    Cell, Description, Host, Limits, RejectCode, Role, RoomId, SessionId, SlotId, Tags, Title,
};
use crate::config::{Config, EventConfig, Overrides};
use crate::record::Record;
use crate::store::EventStore;

// ---------------------------------------------------------------- helpers --

const ROOMS: usize = 10;
const SLOTS: usize = 6;

/// One event of 10 rooms x 6 slots: 60 cells.
fn event_config() -> Arc<EventConfig> {
    let mut toml = String::from(
        "[[events]]\nslug = \"camp\"\ntitle = \"Test Camp\"\ntimezone = \"Europe/Paris\"\n",
    );
    for r in 0..ROOMS {
        toml.push_str(&format!(
            "\n[[events.rooms]]\nid = \"room-{r}\"\nname = \"Room {r}\"\ncapacity = 20\n"
        ));
    }
    toml.push_str("\n[[events.days]]\ndate = \"2037-12-05\"\nslots = [\n");
    for s in 0..SLOTS {
        let h = 9 + s;
        toml.push_str(&format!(
            "  {{ id = \"slot-{s}\", start = \"{h:02}:00\", end = \"{h:02}:45\" }},\n"
        ));
    }
    toml.push_str("]\n");
    let overrides = Overrides {
        organiser_token: Some("x".repeat(16)),
        ..Default::default()
    };
    let config = Config::from_toml_str(&toml, "hub-test.toml", &overrides).expect("test config");
    Arc::new(config.events[0].clone())
}

fn cell(i: usize) -> Cell {
    Cell {
        slot: SlotId(format!("slot-{}", i / ROOMS)),
        room: RoomId(format!("room-{}", i % ROOMS)),
    }
}

fn person(i: usize) -> Actor {
    Actor {
        id: ParticipantId(format!("p_{i}")),
        role: Role::Participant,
    }
}

fn claim(i: usize) -> Command {
    let l = Limits::default();
    Command::Claim {
        cell: cell(i),
        title: Title::parse(&format!("Talk {i}"), &l).unwrap(),
        host: Host::parse("Maël", &l).unwrap(),
        description: Description::empty(),
        tags: Tags::default(),
    }
}

fn release(session: &str) -> Command {
    Command::Release {
        session: SessionId::from(session),
    }
}

fn options() -> HubOptions {
    HubOptions::default()
}

/// Opens the store in `dir` and starts the event's actor over it.
fn spawn(dir: &Path, options: HubOptions) -> EventHandle {
    let config = event_config();
    let (store, loaded) = EventStore::open(dir, config.grid()).expect("the store opens");
    EventHandle::spawn(config, store, loaded, options)
}

fn ack(rev: u64) -> Answer {
    Answer::Ack { rev }
}

fn req(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// The change lines of a journal or a sealed segment: every line after its
/// format header.
fn change_lines(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let body = text.strip_prefix(crate::store::HEADER).unwrap_or(&text);
    body.lines().map(str::to_owned).collect()
}

/// The journal's lines, parsed.
fn journal(dir: &Path) -> Vec<Value> {
    change_lines(&dir.join("journal.jsonl"))
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn revs_of(lines: &[Value]) -> Vec<u64> {
    lines.iter().map(|l| l["rev"].as_u64().unwrap()).collect()
}

/// The next `event` frame on a receiver (presence frames are skipped).
async fn next_event(rx: &mut broadcast::Receiver<Frame>) -> (u64, Value) {
    loop {
        let frame = rx.recv().await.expect("the broadcast goes on");
        if let Some(rev) = frame.rev {
            let v: Value = serde_json::from_str(frame.text()).unwrap();
            assert_eq!(v["type"], "event");
            assert_eq!(v["rev"], rev, "the frame's rev is the one it carries");
            return (rev, v);
        }
    }
}

fn welcome(joined: Joined) -> (Arc<Snapshot>, broadcast::Receiver<Frame>) {
    match joined {
        Joined::Welcome { snapshot, rx } => (snapshot, rx),
        Joined::Resumed { since, rev, .. } => {
            panic!("expected a welcome, got resumed since {since} at rev {rev}")
        }
    }
}

/// A wall joins afresh: its welcome and its receiver.
async fn wall_joins(handle: &EventHandle) -> (Arc<Snapshot>, broadcast::Receiver<Frame>) {
    welcome(
        handle
            .join(None, ParticipantId::from("p_wall"))
            .await
            .unwrap(),
    )
}

struct Resumed {
    since: u64,
    rev: u64,
    missed: Vec<Frame>,
    rx: broadcast::Receiver<Frame>,
}

fn resumed(joined: Joined) -> Resumed {
    match joined {
        Joined::Resumed {
            since,
            rev,
            missed,
            rx,
            ..
        } => Resumed {
            since,
            rev,
            missed,
            rx,
        },
        Joined::Welcome { snapshot, .. } => {
            panic!(
                "expected resumed, got a welcome at rev {}",
                snapshot.board.rev()
            )
        }
    }
}

/// Submits `n` claims from `n` people without waiting, then waits for all.
async fn claims(handle: &EventHandle, range: std::ops::Range<usize>) -> Vec<Answer> {
    let mut pending = Vec::new();
    for i in range {
        pending.push(
            handle
                .submit(person(i), req(&format!("c-{i}")), claim(i))
                .await,
        );
    }
    let mut answers = Vec::new();
    for rx in pending {
        answers.push(rx.await.expect("every command is answered"));
    }
    answers
}

// ------------------------------------------------------------------ tests --

#[tokio::test(flavor = "current_thread")]
async fn a_burst_of_fifty_claims_is_acked_in_submission_order() {
    let tmp = tempfile::tempdir().unwrap();
    let handle = spawn(tmp.path(), options());
    let (_, mut wall) = wall_joins(&handle).await;

    let answers = claims(&handle, 0..50).await;
    let expected: Vec<Answer> = (1..=50).map(ack).collect();
    assert_eq!(
        answers, expected,
        "acks carry revs 1..=50 in submission order"
    );

    // On disk, before anyone was told: one line per change, in rev order,
    // each with who sent it and its req.
    let lines = journal(tmp.path());
    assert_eq!(revs_of(&lines), (1..=50).collect::<Vec<_>>());
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["by"], format!("p_{i}"));
        assert_eq!(l["req"], format!("c-{i}"));
        assert_eq!(l["change"]["kind"], "claimed");
        assert_eq!(l["change"]["session"]["room"], cell(i).room.0);
    }
    // The same bytes go to the journal and to every client; the journal
    // line adds only the req at the end.
    let lines = change_lines(&tmp.path().join("journal.jsonl"));
    for (i, line) in lines.iter().enumerate() {
        let frame = wall.recv().await.unwrap();
        let req = format!("c-{i}");
        assert_eq!(Record::line_from_frame(frame.text(), Some(&req)), *line);
    }
    // Group commit: the fifty changes shared fsyncs.
    let stats = handle.stats();
    assert_eq!(stats.changes, 50);
    assert!(
        stats.appends < stats.changes,
        "a burst shares fsyncs: {stats:?}"
    );
    let snap = handle.snapshot().await.unwrap();
    assert_eq!(snap.board.rev(), 50);
    assert_eq!(snap.board.sessions().count(), 50);
}

#[tokio::test(flavor = "current_thread")]
async fn a_welcome_after_a_batch_is_followed_by_exactly_the_next_event() {
    let tmp = tempfile::tempdir().unwrap();
    let handle = spawn(tmp.path(), options());
    let answers = claims(&handle, 0..20).await;
    assert_eq!(answers.last(), Some(&ack(20)));

    let (snapshot, mut rx) = wall_joins(&handle).await;
    assert_eq!(snapshot.board.rev(), 20, "the welcome is at the last ack");
    let state: Value = serde_json::from_str(&snapshot.json).unwrap();
    assert_eq!(state["rev"], 20);
    assert_eq!(state["sessions"].as_array().unwrap().len(), 20);
    assert_eq!(state["event"]["slug"], "camp");

    assert_eq!(
        handle.command(person(20), req("c-20"), claim(20)).await,
        ack(21)
    );
    let (rev, event) = next_event(&mut rx).await;
    assert_eq!(rev, 21, "no gap and no overlap after the welcome");
    assert_eq!(event["change"]["session"]["title"], "Talk 20");
    assert!(rx.try_recv().is_err(), "nothing else is pending");
}

#[tokio::test(flavor = "current_thread")]
async fn a_join_queued_behind_a_batch_sees_the_whole_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let handle = spawn(tmp.path(), options());
    let (_, mut early) = wall_joins(&handle).await;

    // Ten claims and a join, all queued before the actor runs.
    let mut pending = Vec::new();
    for i in 0..10 {
        pending.push(
            handle
                .submit(person(i), req(&format!("c-{i}")), claim(i))
                .await,
        );
    }
    let (snapshot, mut late) = wall_joins(&handle).await;
    assert_eq!(
        snapshot.board.rev(),
        10,
        "the join is served after the batch"
    );
    for (i, rx) in pending.into_iter().enumerate() {
        assert_eq!(rx.await.unwrap(), ack(i as u64 + 1));
    }

    assert_eq!(
        handle.command(person(10), req("c-10"), claim(10)).await,
        ack(11)
    );
    assert_eq!(next_event(&mut late).await.0, 11);
    for rev in 1..=11 {
        assert_eq!(next_event(&mut early).await.0, rev, "gap-free for everyone");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_resume_gets_exactly_the_missed_frames() {
    let tmp = tempfile::tempdir().unwrap();
    let handle = spawn(tmp.path(), options());
    claims(&handle, 0..50).await;
    let lines = change_lines(&tmp.path().join("journal.jsonl"));

    let mut r = resumed(
        handle
            .join(Some(45), ParticipantId::from("p_wall"))
            .await
            .unwrap(),
    );
    assert_eq!((r.since, r.rev), (45, 50));
    let missed: Vec<&str> = r.missed.iter().map(Frame::text).collect();
    let frames: Vec<String> = lines[45..50]
        .iter()
        .map(|l| serde_json::from_str::<Record>(l).unwrap().to_frame())
        .collect();
    assert_eq!(
        missed,
        frames.iter().map(String::as_str).collect::<Vec<_>>()
    );

    let all = resumed(
        handle
            .join(Some(0), ParticipantId::from("p_wall"))
            .await
            .unwrap(),
    );
    assert_eq!(all.missed.len(), 50, "since 0 is every change");

    let none = resumed(
        handle
            .join(Some(50), ParticipantId::from("p_wall"))
            .await
            .unwrap(),
    );
    assert_eq!((none.since, none.rev), (50, 50));
    assert!(
        none.missed.is_empty(),
        "an up-to-date client misses nothing"
    );

    let (future, _) = welcome(
        handle
            .join(Some(51), ParticipantId::from("p_wall"))
            .await
            .unwrap(),
    );
    assert_eq!(
        future.board.rev(),
        50,
        "a rev from the future gets the full state"
    );

    assert_eq!(
        handle.command(person(50), req("c-50"), claim(50)).await,
        ack(51)
    );
    assert_eq!(next_event(&mut r.rx).await.0, 51, "and then what follows");
}

#[tokio::test(flavor = "current_thread")]
async fn a_resume_from_beyond_the_window_gets_a_welcome() {
    let tmp = tempfile::tempdir().unwrap();
    let handle = spawn(
        tmp.path(),
        HubOptions {
            resume_window: 10,
            ..options()
        },
    );
    claims(&handle, 0..30).await;
    let (snapshot, _) = welcome(
        handle
            .join(Some(19), ParticipantId::from("p_wall"))
            .await
            .unwrap(),
    );
    assert_eq!(snapshot.board.rev(), 30);
    let r = resumed(
        handle
            .join(Some(20), ParticipantId::from("p_wall"))
            .await
            .unwrap(),
    );
    assert_eq!(r.missed.len(), 10, "the window holds the last 10 changes");
    let first: Value = serde_json::from_str(r.missed[0].text()).unwrap();
    assert_eq!(first["rev"], 21);
}

#[tokio::test(flavor = "current_thread")]
async fn the_same_req_twice_in_one_batch_is_one_change_with_one_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let handle = spawn(tmp.path(), options());
    let first = handle.submit(person(1), req("r-1"), claim(1)).await;
    // The retry even says something else: it is the same request all the same.
    let again = handle.submit(person(1), req("r-1"), claim(2)).await;
    assert_eq!(first.await.unwrap(), ack(1));
    assert_eq!(again.await.unwrap(), ack(1));
    assert_eq!(revs_of(&journal(tmp.path())), vec![1]);
    assert_eq!(handle.snapshot().await.unwrap().board.rev(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn the_same_req_across_batches_is_answered_with_its_first_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let handle = spawn(tmp.path(), options());
    assert_eq!(
        handle.command(person(1), req("r-1"), claim(1)).await,
        ack(1)
    );
    assert_eq!(
        handle.command(person(1), req("r-1"), claim(1)).await,
        ack(1)
    );
    assert_eq!(
        handle.command(person(1), req("r-1"), claim(3)).await,
        ack(1)
    );

    // Another participant's "r-1" is another request.
    assert_eq!(
        handle.command(person(2), req("r-1"), claim(2)).await,
        ack(2)
    );

    // A refusal is a first answer too.
    let taken = handle.command(person(3), req("t-1"), claim(1)).await;
    let Answer::Reject(r) = &taken else {
        panic!("cell 1 is taken: {taken:?}")
    };
    assert_eq!(r.code, RejectCode::Taken);
    assert_eq!(
        handle.command(person(1), req("rel"), release("s_1")).await,
        ack(3)
    );
    assert_eq!(
        handle.command(person(3), req("t-1"), claim(1)).await,
        taken,
        "the retry gets the first answer, even though the cell is free now"
    );
    // Without a req, nothing is remembered.
    assert_eq!(handle.command(person(3), None, claim(1)).await, ack(4));

    assert_eq!(revs_of(&journal(tmp.path())), vec![1, 2, 3, 4]);
}

/// Waits until the actor has finished everything before this call (its
/// batches are handled one after the other, snapshot included).
async fn settle(handle: &EventHandle) {
    handle.snapshot().await.expect("the actor runs");
}

fn history(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("history"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn segment_revs(dir: &Path, name: &str) -> Vec<u64> {
    change_lines(&dir.join("history").join(name))
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["rev"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn every_snapshot_every_changes_the_journal_is_sealed_and_a_restart_continues() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = HubOptions {
        snapshot_every: 5,
        ..options()
    };
    let handle = spawn(tmp.path(), opts.clone());
    for i in 0..5 {
        let a = handle
            .command(person(i), req(&format!("c-{i}")), claim(i))
            .await;
        assert_eq!(a, ack(i as u64 + 1));
    }
    settle(&handle).await;
    assert_eq!(history(tmp.path()), ["000000000001.jsonl"]);
    assert_eq!(
        segment_revs(tmp.path(), "000000000001.jsonl"),
        vec![1, 2, 3, 4, 5]
    );
    assert!(
        journal(tmp.path()).is_empty(),
        "a fresh journal after the seal"
    );
    assert!(tmp.path().join("snapshot.json").exists());

    for i in 5..7 {
        let a = handle
            .command(person(i), req(&format!("c-{i}")), claim(i))
            .await;
        assert_eq!(a, ack(i as u64 + 1));
    }
    assert_eq!(revs_of(&journal(tmp.path())), vec![6, 7]);

    handle.shutdown().await;
    assert_eq!(
        handle.command(person(9), req("late"), claim(9)).await,
        Answer::Reject(gone()),
        "a stopped actor refuses, it does not hang"
    );

    let handle = spawn(tmp.path(), opts);
    let snap = handle.snapshot().await.unwrap();
    assert_eq!(snap.board.rev(), 7);
    // Old requests are still answered with their first ack.
    assert_eq!(
        handle.command(person(2), req("c-2"), claim(2)).await,
        ack(3)
    );
    assert_eq!(
        handle.command(person(6), req("c-6"), claim(6)).await,
        ack(7)
    );
    // And revs carry on without a gap.
    let (_, mut rx) = wall_joins(&handle).await;
    assert_eq!(
        handle.command(person(7), req("c-7"), claim(7)).await,
        ack(8)
    );
    assert_eq!(next_event(&mut rx).await.0, 8);

    let mut all = Vec::new();
    for seg in history(tmp.path()) {
        all.extend(segment_revs(tmp.path(), &seg));
    }
    all.extend(revs_of(&journal(tmp.path())));
    assert_eq!(
        all,
        (1..=8).collect::<Vec<_>>(),
        "history + journal = every change"
    );
}

#[test]
fn after_a_crash_the_journal_alone_keeps_acks_and_revs() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = HubOptions {
        snapshot_every: 5,
        ..options()
    };
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };

    // First life: 7 changes (a snapshot at 5), then the process dies: the
    // runtime is dropped with the actor in it, no final snapshot.
    let rt = runtime();
    rt.block_on(async {
        let handle = spawn(tmp.path(), opts.clone());
        for i in 0..7 {
            let a = handle
                .command(person(i), req(&format!("c-{i}")), claim(i))
                .await;
            assert_eq!(a, ack(i as u64 + 1));
        }
        settle(&handle).await;
    });
    drop(rt);
    assert_eq!(revs_of(&journal(tmp.path())), vec![6, 7]);

    // Second life.
    let rt = runtime();
    rt.block_on(async {
        let handle = spawn(tmp.path(), opts.clone());
        assert_eq!(handle.snapshot().await.unwrap().board.rev(), 7);
        // From the snapshot's acks, and from the journal's lines.
        assert_eq!(
            handle.command(person(3), req("c-3"), claim(3)).await,
            ack(4)
        );
        assert_eq!(
            handle.command(person(6), req("c-6"), claim(6)).await,
            ack(7)
        );
        // A client that saw rev 5 resumes from what the journal holds.
        let r = resumed(
            handle
                .join(Some(5), ParticipantId::from("p_wall"))
                .await
                .unwrap(),
        );
        let missed: Vec<u64> = r
            .missed
            .iter()
            .map(|t| {
                serde_json::from_str::<Value>(t.text()).unwrap()["rev"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(missed, vec![6, 7]);
        assert_eq!(
            handle.command(person(7), req("c-7"), claim(7)).await,
            ack(8)
        );
    });
}

#[tokio::test(flavor = "current_thread")]
async fn nothing_is_told_before_it_is_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let handle = spawn(tmp.path(), options());
    let (_, mut wall) = wall_joins(&handle).await;
    for i in 0..20 {
        let rx = handle
            .submit(person(i), req(&format!("c-{i}")), claim(i))
            .await;
        // The broadcast comes first or with the answer: either way the line
        // is already in the journal when anyone hears of it.
        let (rev, _) = next_event(&mut wall).await;
        assert_eq!(revs_of(&journal(tmp.path())).last(), Some(&rev));
        assert_eq!(rx.await.unwrap(), ack(rev));
        assert_eq!(revs_of(&journal(tmp.path())).len() as u64, rev);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_snapshot_that_cannot_seal_the_journal_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = HubOptions {
        snapshot_every: 5,
        ..options()
    };
    let handle = spawn(tmp.path(), opts.clone());
    claims(&handle, 0..5).await;
    settle(&handle).await;
    assert_eq!(history(tmp.path()), ["000000000001.jsonl"]);

    // The next segment's name is taken by a folder: every seal from now on
    // fails after snapshot.json was written (a live "crash between the
    // snapshot and the seal").
    let blocker = tmp.path().join("history").join("000000000006.jsonl");
    fs::create_dir(&blocker).unwrap();
    fs::write(blocker.join("keep"), b"x").unwrap();
    for i in 5..12 {
        let a = handle
            .command(person(i), req(&format!("c-{i}")), claim(i))
            .await;
        assert_eq!(a, ack(i as u64 + 1));
    }
    settle(&handle).await;
    assert!(
        handle.healthy(),
        "a failed snapshot is not a failed journal"
    );
    assert_eq!(revs_of(&journal(tmp.path())), (6..=12).collect::<Vec<_>>());
    handle.shutdown().await;

    let handle = spawn(tmp.path(), opts);
    assert_eq!(handle.snapshot().await.unwrap().board.rev(), 12);
    assert_eq!(
        handle.command(person(8), req("c-8"), claim(8)).await,
        ack(9)
    );
    assert_eq!(
        handle.command(person(12), req("c-12"), claim(12)).await,
        ack(13)
    );
}
