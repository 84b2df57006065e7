//! The archive: a played event written to `{data_dir}/archive/camp/`, its
//! files compared with the live board, replayed, written twice, written into
//! a broken folder, and served on `/archive` (also once the event has left
//! the config).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use slotboard::board::{
    Actor, Board, Cell, Command, Description, Host, Limits, ParticipantId, Role, RoomId, SlotId,
    Tags, Title,
};
use slotboard::config::{Config, Overrides};
use slotboard::hub::{Answer, EventHandle, HubOptions};
use slotboard::record::Record;
use slotboard::server::Server;
use slotboard::store::EventStore;
use slotboard::store::archive::{self, FILES};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::kit::*;

/// Claims, edits, moves, a swap, votes, a release, a lock and an
/// announcement, by two participants and an organiser. With
/// `snapshot_every = 3` the history spans several sealed segments and the
/// journal.
async fn play(camp: &TestServer) {
    let mut ann = camp.participant().await;
    let mut bob = camp.participant().await;
    let mut org = camp.organiser().await;
    let a1 = ann.claim_ok("sat-0930", "amphi", "Rust for BarCamps").await;
    let a2 = ann.claim_ok("sat-1030", "sein", "Breton cider").await;
    let b1 = bob.claim_ok("sat-0930", "brehat", "Home-made CRDTs").await;
    let b2 = bob
        .claim_ok("sat-1130", "ouessant", "Short-lived talk")
        .await;
    ann.command(Cmd::edit(&a1).host("Anne & Maël").tags(&["rust", "web"]))
        .await
        .expect_ack();
    ann.command(Cmd::move_to(&a2, "sat-1130", "amphi"))
        .await
        .expect_ack();
    bob.command(Cmd::vote(&a1, true)).await.expect_ack();
    ann.command(Cmd::vote(&b1, true)).await.expect_ack();
    org.command(Cmd::vote(&a1, true)).await.expect_ack();
    org.command(Cmd::swap(&a1, &b1)).await.expect_ack();
    bob.command(Cmd::release(&b2)).await.expect_ack();
    org.command(Cmd::lock("sat-1030", "amphi"))
        .await
        .expect_ack();
    org.command(Cmd::announce("Lunch at 12:30 <b>upstairs</b>"))
        .await
        .expect_ack();
    bob.command(Cmd::vote(&a1, false)).await.expect_ack();
}

fn camp_config(camp: &TestServer) -> Config {
    camp.config()
}

/// Every file of an archive folder, by name.
fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

async fn live_board_json(camp: &TestServer) -> String {
    let (status, body) = http_get(camp, "/e/camp/board.json").await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Replays `history.jsonl` onto an empty board of the event's grid.
fn replay(config: &Config, history: &[u8]) -> Board {
    let event = config.event("camp").unwrap();
    let mut board = Board::new(event.grid());
    let text = std::str::from_utf8(history).unwrap();
    for (i, line) in text.lines().enumerate() {
        let record: Record = serde_json::from_str(line).expect("a history line is a Record");
        assert_eq!(record.rev, i as u64 + 1, "revs follow each other: {line}");
        assert!(!record.at.is_empty(), "each change has its time: {line}");
        board.apply(&record.change).expect("the change applies");
    }
    board
}

#[tokio::test]
async fn a_played_event_archives_its_final_board_and_its_whole_history() {
    let camp = TestServer::start_with("snapshot_every = 3").await;
    play(&camp).await;
    let live = live_board_json(&camp).await;
    let config = camp_config(&camp);
    let event = config.event("camp").unwrap();
    let sealed = std::fs::read_dir(camp.event_dir().join("history"))
        .unwrap()
        .count();
    assert!(
        sealed >= 2,
        "the history spans sealed segments and the journal"
    );

    let dir = archive::write_from_disk(camp.data.path(), event, &config.server.public_url)
        .expect("archived");
    assert_eq!(dir, camp.data.path().join("archive").join("camp"));
    let files = files_of(&dir);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    let mut want: Vec<&str> = FILES.iter().map(|(n, _)| *n).collect();
    want.sort_unstable();
    assert_eq!(names, want, "exactly the seven files");
    for (name, bytes) in &files {
        assert!(!bytes.is_empty(), "{name} is empty");
    }

    // board.json is the final live state, byte for byte.
    assert_eq!(std::str::from_utf8(&files["board.json"]).unwrap(), live);

    // Replaying the history rebuilds that same board.
    let board = replay(&config, &files["history.jsonl"]);
    assert_eq!(slotboard::export::board_json(event, &board), live);
    let history = std::str::from_utf8(&files["history.jsonl"]).unwrap();
    let revs = history.lines().count() as u64;
    let live_json: serde_json::Value = serde_json::from_str(&live).unwrap();
    assert_eq!(live_json["rev"], revs, "every change, none more");

    // Only public ids: no request id, no token of anyone.
    assert!(!history.contains("\"req\""), "{history}");
    let welcome = fresh_welcome(&camp).await;
    assert!(welcome["you"]["token"].is_string());
    for file in files.values() {
        let text = String::from_utf8_lossy(file);
        assert!(!text.contains("\"token\""), "{text}");
    }
    assert!(leftovers(&camp.data.path().join("archive")).is_empty());

    // The live board goes on after the archive.
    let mut late = camp.participant().await;
    late.claim_ok("sat-1130", "sein", "After the archive").await;
}

#[tokio::test]
async fn archiving_twice_gives_byte_identical_files() {
    let camp = TestServer::start_with("snapshot_every = 4").await;
    play(&camp).await;
    let config = camp_config(&camp);
    let event = config.event("camp").unwrap();
    let url = &config.server.public_url;
    let dir = archive::write_from_disk(camp.data.path(), event, url).unwrap();
    let first = files_of(&dir);
    let again = archive::write_from_disk(camp.data.path(), event, url).unwrap();
    assert_eq!(again, dir);
    let second = files_of(&dir);
    assert_eq!(first.len(), FILES.len());
    for (name, bytes) in &first {
        assert!(
            second[name] == *bytes,
            "{name} changed between two archives"
        );
    }
    assert!(leftovers(&camp.data.path().join("archive")).is_empty());

    // `export` writes the very same files into any folder.
    let out = tempfile::tempdir().unwrap();
    let (board, history) = archive::board_from_disk(camp.data.path(), event).unwrap();
    let json = slotboard::export::board_json(event, &board);
    archive::export(out.path(), event, &board, &json, &history, url).unwrap();
    assert_eq!(files_of(out.path()), first);
}

/// A hub of the test event on `data`, outside any server: the path the
/// lifecycle takes when an event ends (`hub::archiving::archive_event`).
fn spawn_hub(data: &Path) -> (Config, EventHandle) {
    let text = config_text(data, "snapshot_every = 2");
    let config = Config::from_toml_str(&text, "test.toml", &Overrides::default()).unwrap();
    let event = config.event("camp").unwrap().clone();
    let (store, loaded) =
        EventStore::open(&data.join("events").join("camp"), event.grid()).unwrap();
    let handle = EventHandle::spawn(Arc::new(event), store, loaded, HubOptions::default());
    (config, handle)
}

fn claim(slot: &str, room: &str, title: &str) -> Command {
    let l = Limits::default();
    Command::Claim {
        cell: Cell {
            slot: SlotId(slot.into()),
            room: RoomId(room.into()),
        },
        title: Title::parse(title, &l).unwrap(),
        host: Host::parse("Maël", &l).unwrap(),
        description: Description::empty(),
        tags: Tags::default(),
    }
}

fn person(i: u32) -> Actor {
    Actor {
        id: ParticipantId(format!("p_{i}")),
        role: Role::Participant,
    }
}

#[tokio::test]
async fn a_running_event_is_archived_from_its_hub_and_a_broken_disk_stops_nothing() {
    let data = tempfile::tempdir().unwrap();
    let (config, hub) = spawn_hub(data.path());
    let url = config.server.public_url.clone();
    for (i, (slot, room)) in [
        ("sat-0930", "amphi"),
        ("sat-1030", "sein"),
        ("sat-1130", "brehat"),
    ]
    .into_iter()
    .enumerate()
    {
        let answer = hub
            .command(
                person(i as u32),
                Some(format!("r{i}")),
                claim(slot, room, "Talk"),
            )
            .await;
        assert!(matches!(answer, Answer::Ack { .. }), "{answer:?}");
    }
    let snap = hub.snapshot().await.unwrap();
    let dir = slotboard::hub::archiving::archive_event(&hub, data.path(), &url)
        .await
        .expect("archived");
    let good = files_of(&dir);
    assert_eq!(good["board.json"], snap.json.as_bytes());
    // The hub's archive and the one rebuilt from disk are the same files.
    let event = config.event("camp").unwrap();
    let other = tempfile::tempdir().unwrap();
    archive::export_from_disk(other.path(), data.path(), event, &url).unwrap();
    assert_eq!(files_of(other.path()), good);

    // A second data folder whose archive folder is a regular file: the
    // archive fails with the path and the cause...
    let broken = tempfile::tempdir().unwrap();
    let (_, hub2) = spawn_hub(broken.path());
    let answer = hub2
        .command(person(9), None, claim("sat-0930", "amphi", "Before"))
        .await;
    assert!(matches!(answer, Answer::Ack { .. }), "{answer:?}");
    let blocker = broken.path().join("archive");
    std::fs::write(&blocker, "not a folder").unwrap();
    let err = slotboard::hub::archiving::archive_event(&hub2, broken.path(), &url)
        .await
        .expect_err("cannot archive into a file");
    let message = err.to_string();
    assert!(
        message.contains(&blocker.display().to_string()),
        "the error names the path: {message}"
    );
    assert!(message.contains("cannot create"), "{message}");
    // ...the live board keeps taking claims...
    let answer = hub2
        .command(person(10), None, claim("sat-1030", "amphi", "After"))
        .await;
    assert!(matches!(answer, Answer::Ack { .. }), "{answer:?}");
    // ...and the first event's archive was never touched.
    assert_eq!(files_of(&dir), good);

    // Once the disk is repaired, the same call works.
    std::fs::remove_file(&blocker).unwrap();
    let dir2 = slotboard::hub::archiving::archive_event(&hub2, broken.path(), &url)
        .await
        .unwrap();
    assert!(dir2.join("board.json").is_file());
    hub.shutdown().await;
    hub2.shutdown().await;
}

#[tokio::test]
async fn the_live_server_keeps_taking_claims_when_its_archive_folder_is_broken() {
    let camp = TestServer::start().await;
    let mut ann = camp.participant().await;
    ann.claim_ok("sat-0930", "amphi", "Before").await;
    let blocker = camp.data.path().join("archive");
    std::fs::write(&blocker, "not a folder").unwrap();
    let config = camp_config(&camp);
    let err = archive::write_from_disk(
        camp.data.path(),
        config.event("camp").unwrap(),
        &config.server.public_url,
    )
    .expect_err("cannot archive into a file");
    assert!(
        err.to_string().contains(&blocker.display().to_string()),
        "{err}"
    );
    ann.claim_ok("sat-1030", "amphi", "After").await;
    let (status, _) = http_get(&camp, "/archive").await;
    assert_eq!(status, 200, "the archive page copes with a broken folder");
}

/// GET through a raw socket, so that no client tidies `..` away.
async fn raw_get(addr: std::net::SocketAddr, path: &str) -> u16 {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: barcamp.test\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out);
    text.split(' ').nth(1).unwrap().parse().unwrap()
}

/// The archive's pages and files on a server at `base`.
async fn check_served(base: &str, dir: &Path) {
    let page = get(base, "/archive?lang=en").await;
    assert_eq!(page.status(), 200);
    let text = page.text().await.unwrap();
    assert!(text.contains("Archive of past events"), "{text}");
    assert!(text.contains("Test Camp"), "{text}");
    assert!(text.contains("href=\"/archive/camp\""), "{text}");
    assert!(text.contains("2037-12-05"), "{text}");
    let fr = get(base, "/archive?lang=fr").await.text().await.unwrap();
    assert!(fr.contains("Archives des événements passés"), "{fr}");

    let page = get(base, "/archive/camp?lang=en").await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let text = page.text().await.unwrap();
    for title in ["Rust for BarCamps", "Breton cider", "Home-made CRDTs"] {
        assert!(text.contains(title), "{title} in {text}");
    }
    assert!(!text.contains("Short-lived talk"), "released: {text}");
    assert!(
        text.contains("Lunch at 12:30 &lt;b&gt;upstairs&lt;/b&gt;"),
        "the announcement, escaped: {text}"
    );
    assert!(!text.contains("<style"), "no inline style under the CSP");
    assert!(!text.contains("<script"), "no script");
    for (name, _) in FILES {
        assert!(text.contains(&format!("/archive/camp/{name}")), "{name}");
    }

    for (name, content_type) in FILES {
        let r = get(base, &format!("/archive/camp/{name}")).await;
        assert_eq!(r.status(), 200, "{name}");
        assert_eq!(r.headers()["content-type"], content_type, "{name}");
        let body = r.bytes().await.unwrap();
        assert!(
            body == std::fs::read(dir.join(name)).unwrap(),
            "{name} is served as it is on disk"
        );
    }
}

#[tokio::test]
async fn archived_events_are_served_also_after_they_leave_the_config() {
    let camp = TestServer::start().await;
    play(&camp).await;
    let config = camp_config(&camp);
    let dir = archive::write_from_disk(
        camp.data.path(),
        config.event("camp").unwrap(),
        &config.server.public_url,
    )
    .unwrap();
    check_served(&camp.http(""), &dir).await;

    // Nothing but the seven files, whatever the path says.
    for path in [
        "/archive/camp/snapshot.json",
        "/archive/camp/journal.jsonl",
        "/archive/camp/..%2F..%2Fevents%2Fcamp%2Fjournal.jsonl",
        "/archive/..%2Fevents%2Fcamp/journal.jsonl",
        "/archive/nope",
        "/archive/nope/board.json",
        "/archive/.camp.tmp-1/board.json",
        "/archive/camp/board.json/x",
    ] {
        let r = get(&camp.http(""), path).await;
        assert_eq!(r.status(), 404, "{path}");
    }
    for path in [
        "/archive/camp/../../etc/passwd",
        "/archive/camp/../../../../../../etc/passwd",
        "/archive/../events/camp/journal.jsonl",
        "/archive/camp/..%2f..%2f..%2fetc%2fpasswd",
        "/archive/camp/%2e%2e",
        "/archive/%2e%2e/events",
    ] {
        assert_eq!(raw_get(camp.addr, path).await, 404, "{path}");
    }

    // Another config on the same data folder: the event is gone from it,
    // its archive is not.
    let text = config_text(camp.data.path(), "").replace(
        "slug = \"camp\"\ntitle = \"Test Camp\"",
        "slug = \"next\"\ntitle = \"Next Camp\"",
    );
    assert!(text.contains("slug = \"next\""));
    let next = Config::from_toml_str(&text, "next.toml", &Overrides::default()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server::start(next, listener).await.unwrap();
    let base = format!("http://{}", server.addr());
    assert_eq!(get(&base, "/e/camp").await.status(), 404);
    check_served(&base, &dir).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_list_skips_temporary_folders() {
    let camp = TestServer::start().await;
    let mut ann = camp.participant().await;
    ann.claim_ok("sat-0930", "amphi", "Kept").await;
    let config = camp_config(&camp);
    let event = config.event("camp").unwrap();
    let dir = archive::write_from_disk(camp.data.path(), event, &config.server.public_url).unwrap();
    // A temporary folder left by a crash is not an archive.
    let stale: PathBuf = camp.data.path().join("archive").join(".camp.tmp-crashed");
    std::fs::create_dir(&stale).unwrap();
    std::fs::copy(dir.join("board.json"), stale.join("board.json")).unwrap();
    let listed = archive::list(camp.data.path());
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].slug, "camp");
    assert_eq!(listed[0].title, "Test Camp");
    assert_eq!(listed[0].sessions, 1);
}
