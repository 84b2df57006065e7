//! The data format, held still: the folder of tests/data/format-v1 (written by
//! the server before formats were numbered) must start today's server on the
//! very board it served then, and go on from there. A folder that a newer
//! slotboard wrote must stop the start with words that say what to do.

use std::path::{Path, PathBuf};

use serde_json::Value;
use slotboard::config::{Config, Overrides};
use slotboard::server::Server;
use tokio::net::TcpListener;

use crate::kit::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/format-v1")
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
    let data = tempfile::tempdir().unwrap();
    copy_dir(&fixture().join("events"), &data.path().join("events"));
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
    let text = std::fs::read_to_string(fixture().join(file)).unwrap();
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
