//! The data format, held still: the folders of tests/data/format-v1 (written
//! by the server before formats were numbered) and tests/data/format-v2
//! (journal format 2 with checksummed lines, bulk removal and its undo, the
//! book of organiser sessions; written by tests/it/format_v2_fixture.rs) must
//! start today's server on the very boards they served then, and go on from
//! there; `slotboard archive` must archive them. A folder that a newer
//! slotboard wrote must stop the start with words that say what to do.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::Value;
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::Server;
use tokio::net::TcpListener;

use crate::format_v2_fixture::{COOKIES, admits, start_on};
use crate::kit::*;

/// The folder of each frozen format.
const V1: &str = "tests/data/format-v1";
const V2: &str = "tests/data/format-v2";

fn fixture_of(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(version)
}

fn fixture() -> PathBuf {
    fixture_of(V1)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A data folder holding a copy of the fixture's events.
fn data_copy() -> tempfile::TempDir {
    data_copy_of(V1)
}

fn data_copy_of(version: &str) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    copy_dir(
        &fixture_of(version).join("events"),
        &data.path().join("events"),
    );
    data
}

/// The fixture's config, on `data`.
fn config(data: &Path) -> Config {
    let text = std::fs::read_to_string(fixture().join("config.toml")).unwrap();
    let overrides = Overrides {
        data_dir: Some(data.to_owned()),
        ..Default::default()
    };
    Config::from_toml_str(&text, "config.toml", &overrides).expect("the fixture's config")
}

async fn start(data: &Path) -> anyhow::Result<Server> {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    Server::start(config(data), listener).await
}

async fn board(server: &Server, slug: &str) -> Value {
    let url = format!("http://{}/e/{slug}/board.json", server.addr());
    let r = reqwest::get(url).await.expect("GET board.json");
    assert_eq!(r.status(), 200);
    r.json().await.expect("board.json is JSON")
}

fn expected(file: &str) -> Value {
    expected_of(V1, file)
}

fn expected_of(version: &str, file: &str) -> Value {
    let text = std::fs::read_to_string(fixture_of(version).join(file)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn the_frozen_v1_folder_starts_on_the_same_boards_and_goes_on() {
    let data = data_copy();
    let server = start(data.path()).await.expect("the v1 folder opens");
    assert_eq!(board(&server, "camp").await, expected("board.json"));
    assert_eq!(
        board(&server, "closed").await,
        expected("board-closed.json")
    );

    // The next change continues the history at rev + 1.
    let ws = format!("ws://{}/e/camp/ws", server.addr());
    let mut phone = Client::join(&ws, Cmd::hello()).await;
    assert_eq!(phone.welcome["rev"], 20);
    let a = phone.claim("sat-1130", "amphi", "After the freeze").await;
    a.expect_ack();
    assert_eq!(a["rev"], 21, "{a}");
    phone.expect_event_rev(21).await;
    phone.leave().await;

    // A clean stop seals the old journal; the folder opens again at 21.
    server.shutdown().await.unwrap();
    let server = start(data.path()).await.expect("the folder opens again");
    let now = board(&server, "camp").await;
    assert_eq!(now["rev"], 21);
    let sessions = now["sessions"].as_array().unwrap();
    for s in expected("board.json")["sessions"].as_array().unwrap() {
        assert!(sessions.contains(s), "{s} is still on the board: {now}");
    }
    assert!(
        sessions.iter().any(|s| s["title"] == "After the freeze"),
        "{now}"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_folder_written_by_a_newer_slotboard_stops_the_start_saying_so() {
    // This build writes journals of format 2 (checksummed lines) and
    // snapshots of format 1: one past each is newer.
    for (file, format, text) in [
        (
            "journal.jsonl",
            3,
            "{\"format\":3}\n{\"type\":\"event\",\"rev\":21,\"v3\":true}\n",
        ),
        ("snapshot.json", 2, "{\"format\":2,\"board\":{\"v2\":true}}"),
    ] {
        let data = data_copy();
        let path = data.path().join("events/camp").join(file);
        std::fs::write(&path, text).unwrap();
        let err = match start(data.path()).await {
            Ok(_) => panic!("a {file} of format {format} must not open"),
            Err(e) => format!("{e:#}"),
        };
        for words in [
            &path.display().to_string()[..],
            &format!("data format {format}")[..],
            "written by a newer slotboard",
            "run that version or newer",
        ] {
            assert!(err.contains(words), "{words:?} in: {err}");
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "{file} is left as it was"
        );
    }
}

/// The v2 folder's server, on a manual clock at the time its README names
/// (`read_at` of its cookies: no organiser session has expired by then).
async fn start_v2(data: &Path) -> anyhow::Result<Server> {
    let cookies = expected_of(V2, COOKIES);
    let read_at: Timestamp = cookies["read_at"].as_str().unwrap().parse().unwrap();
    let text = std::fs::read_to_string(fixture_of(V2).join("config.toml")).unwrap();
    start_on(&text, data, ManualClock::at(read_at)).await
}

/// The organiser cookies the v2 writer kept: revoked by "log out
/// everywhere" and by a logout stay refused; the third is still admitted.
async fn assert_v2_sessions(server: &Server) {
    let cookies = expected_of(V2, COOKIES);
    let cookie = |name: &str| cookies[name].as_str().unwrap().to_owned();
    let addr = server.addr();
    for revoked in ["before_log_out_everywhere", "logged_out"] {
        assert!(!admits(&addr, "camp", &cookie(revoked)).await, "{revoked}");
    }
    assert!(admits(&addr, "camp", &cookie("logged_in")).await);
}

#[tokio::test]
async fn the_frozen_v2_folder_starts_on_the_same_boards_keeps_its_logouts_and_goes_on() {
    let data = data_copy_of(V2);
    let server = start_v2(data.path()).await.expect("the v2 folder opens");
    assert_eq!(board(&server, "camp").await, expected_of(V2, "board.json"));
    assert_eq!(
        board(&server, "closed").await,
        expected_of(V2, "board-closed.json")
    );
    assert_v2_sessions(&server).await;

    // The next change continues the history at rev + 1.
    let ws = format!("ws://{}/e/camp/ws", server.addr());
    let mut phone = Client::join(&ws, Cmd::hello()).await;
    assert_eq!(phone.welcome["rev"], 22);
    let a = phone.claim("sat-0930", "sein", "After the freeze").await;
    a.expect_ack();
    assert_eq!(a["rev"], 23, "{a}");
    phone.expect_event_rev(23).await;
    phone.leave().await;
    let journal = data.path().join("events/camp/journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    let last = change_lines(&text).pop().unwrap().to_owned();
    assert!(last.contains(r#""rev":23,"#), "{last}");

    // A clean stop seals the old journal; the folder opens again at 23,
    // with the same logouts.
    server.shutdown().await.unwrap();
    let server = start_v2(data.path()).await.expect("the folder opens again");
    let now = board(&server, "camp").await;
    assert_eq!(now["rev"], 23);
    let sessions = now["sessions"].as_array().unwrap();
    for s in expected_of(V2, "board.json")["sessions"]
        .as_array()
        .unwrap()
    {
        assert!(sessions.contains(s), "{s} is still on the board: {now}");
    }
    assert!(
        sessions.iter().any(|s| s["title"] == "After the freeze"),
        "{now}"
    );
    assert_eq!(
        board(&server, "closed").await,
        expected_of(V2, "board-closed.json")
    );
    assert_v2_sessions(&server).await;
    server.shutdown().await.unwrap();
}

#[test]
fn slotboard_archive_archives_every_frozen_folder() {
    for version in [V1, V2] {
        let data = data_copy_of(version);
        let config = fixture_of(version).join("config.toml");
        for (slug, file) in [("camp", "board.json"), ("closed", "board-closed.json")] {
            let out = slotboard_command()
                .args(["archive", slug, "--config"])
                .arg(&config)
                .arg("--data-dir")
                .arg(data.path())
                .output()
                .expect("the slotboard binary runs");
            let said = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{version} {slug}: {said}");
            let dir = data.path().join("archive").join(slug);
            let text = std::fs::read_to_string(dir.join("board.json")).unwrap();
            let archived: Value = serde_json::from_str(&text).unwrap();
            let want = expected_of(version, file);
            assert_eq!(archived["rev"], want["rev"], "{version} {slug}");
            assert_eq!(archived["sessions"], want["sessions"], "{version} {slug}");
            let history = std::fs::read_to_string(dir.join("history.jsonl")).unwrap();
            let revs = want["rev"].as_u64().unwrap() as usize;
            assert_eq!(history.lines().count(), revs, "{version} {slug}");
        }
    }
}
