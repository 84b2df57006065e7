//! The demo event through the real server on a [`ManualClock`]: live at any
//! hour of any date, seeded with sample sessions, taking claims, kept on a
//! restart the same day and started afresh the next; the real events beside
//! it untouched, and no demo when the config has none.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde_json::Value;
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use tokio::net::TcpListener;

use crate::kit::{Client, Cmd, config_text, request};

/// The demo's table, after the test camp of the kit.
fn demo_table(rooms: &[&str]) -> String {
    let hash = slotboard::auth::hash_secret(crate::kit::ORGANISER);
    let mut t = format!(
        "\n[demo]\nslug = \"demo\"\ntitle = \"Démo · demo\"\ntimezone = \"Europe/Paris\"\n\
         organiser_token_hash = \"{hash}\"\n"
    );
    for r in rooms {
        t.push_str(&format!(
            "[[demo.rooms]]\nid = \"{r}\"\nname = \"{r}\"\ncapacity = 20\n"
        ));
    }
    t
}

const ROOMS: [&str; 3] = ["amphi", "atelier", "jardin"];

fn config(data: &Path, demo: Option<&[&str]>) -> Config {
    let mut text = config_text(data, "");
    if let Some(rooms) = demo {
        text.push_str(&demo_table(rooms));
    }
    Config::from_toml_str(&text, "demo.toml", &Overrides::default()).expect("the config")
}

fn paris(civil: &str) -> Timestamp {
    civil
        .parse::<DateTime>()
        .unwrap()
        .to_zoned(TimeZone::get("Europe/Paris").unwrap())
        .unwrap()
        .timestamp()
}

async fn start(config: Config, clock: &Arc<ManualClock>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    Server::start_with(
        config,
        listener,
        Sources {
            clock: clock.clone(),
            ..Sources::default()
        },
    )
    .await
    .expect("the server starts")
}

async fn board_json(server: &Server, slug: &str) -> Value {
    let (status, body) = request(&server.addr(), &format!("/e/{slug}/board.json"))
        .page()
        .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn ws(server: &Server) -> String {
    format!("ws://{}/e/demo/ws", server.addr())
}

/// The slot id of `hours` after the hour of `civil` (Paris), as the demo
/// names it.
fn slot_after(civil: &str, hours: usize) -> String {
    let hour: usize = civil[11..13].parse().unwrap();
    let i = hour + hours;
    format!("d{}-{:02}00", i / 24 + 1, i % 24)
}

/// Checks that the demo is live at `civil`: today's and tomorrow's slots,
/// the current hour `now` on the wall and the next one `next`, the sample
/// sessions there, and a claim acked.
async fn live_at(server: &Server, civil: &str) {
    let board = board_json(server, "demo").await;
    let today = &civil[..10];
    let slots = board["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 48, "two days of 24 hours");
    assert_eq!(slots[0]["day"], today, "{}", slots[0]);
    assert_eq!(slots[0]["id"], "d1-0000");
    let sessions = board["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), slotboard::demo::SAMPLES.len(), "{board}");
    let now_slot = slot_after(civil, 0);
    assert!(
        sessions.iter().any(|s| s["slot"] == now_slot.as_str()),
        "a sample session is on now: {board}"
    );
    assert_eq!(board["event"]["ended"], false);
    assert!(
        board["announcement"]
            .as_str()
            .unwrap()
            .contains("This is a demo")
    );

    let (status, wall) = request(&server.addr(), "/e/demo/wall").page().await;
    assert_eq!(status, 200);
    assert!(
        wall.contains(&format!("<tr class=\"phase-now\" data-row=\"{now_slot}\"")),
        "{now_slot} is now on the wall at {civil}"
    );
    let next = slot_after(civil, 1);
    assert!(
        wall.contains(&format!("<tr class=\"phase-next\" data-row=\"{next}\"")),
        "{next} is next on the wall at {civil}"
    );

    // A participant claims beside the samples: the last sample's hour has a
    // free first room.
    let mut p = Client::join(&ws(server), Cmd::hello()).await;
    let answer = p.claim(&slot_after(civil, 3), "amphi", "Ma session").await;
    assert_eq!(answer["type"], "ack", "{answer}");
}

#[tokio::test]
async fn the_demo_is_live_at_any_hour_with_samples_and_takes_claims() {
    for civil in [
        "2026-12-02T00:30",
        "2026-12-02T12:00",
        "2026-12-02T23:50",
        "2026-03-29T03:30",
    ] {
        let data = tempfile::tempdir().unwrap();
        let clock = ManualClock::at(paris(civil));
        let server = start(config(data.path(), Some(&ROOMS)), &clock).await;
        live_at(&server, civil).await;
        server.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn a_restart_keeps_the_demo_s_claims_and_the_next_day_starts_it_afresh() {
    let data = tempfile::tempdir().unwrap();
    let civil = "2026-12-02T10:15";
    let clock = ManualClock::at(paris(civil));
    let server = start(config(data.path(), Some(&ROOMS)), &clock).await;
    live_at(&server, civil).await;
    server.shutdown().await.unwrap();

    // The same day: the claim is still there, nothing seeded twice.
    let server = start(config(data.path(), Some(&ROOMS)), &clock).await;
    let board = board_json(&server, "demo").await;
    let sessions = board["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), slotboard::demo::SAMPLES.len() + 1);
    assert!(sessions.iter().any(|s| s["title"] == "Ma session"));
    server.shutdown().await.unwrap();

    // The next day, on the same folder: today's slots, the samples again.
    let next = "2026-12-03T10:15";
    clock.set(paris(next));
    let server = start(config(data.path(), Some(&ROOMS)), &clock).await;
    live_at(&server, next).await;
    let board = board_json(&server, "demo").await;
    assert_eq!(
        board["sessions"].as_array().unwrap().len(),
        slotboard::demo::SAMPLES.len() + 1,
        "the samples and today's claim, not yesterday's: {board}"
    );
    server.shutdown().await.unwrap();

    // Three days later, after the demo ended while nobody ran it.
    clock.set(paris("2026-12-06T16:40"));
    let server = start(config(data.path(), Some(&ROOMS)), &clock).await;
    live_at(&server, "2026-12-06T16:40").await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn edited_rooms_or_a_foreign_folder_never_stop_the_start() {
    let data = tempfile::tempdir().unwrap();
    let civil = "2026-12-02T14:05";
    let clock = ManualClock::at(paris(civil));
    let server = start(config(data.path(), Some(&ROOMS)), &clock).await;
    let mut p = Client::join(&ws(&server), Cmd::hello()).await;
    let a = p.claim(&slot_after(civil, 5), "jardin", "Au jardin").await;
    assert_eq!(a["type"], "ack", "{a}");
    server.shutdown().await.unwrap();

    // The same day with the room that held a session gone: the orphan
    // check would stop a real event; the demo starts afresh.
    let server = start(config(data.path(), Some(&ROOMS[..2])), &clock).await;
    let board = board_json(&server, "demo").await;
    assert!(
        !board.to_string().contains("Au jardin"),
        "the demo was reset: {board}"
    );
    assert!(!board["sessions"].as_array().unwrap().is_empty());
    server.shutdown().await.unwrap();

    // A folder without the demo's marker in its place is moved aside, not
    // deleted.
    let dir = data.path().join("events").join("demo");
    std::fs::remove_file(dir.join(slotboard::demo::MARKER)).unwrap();
    std::fs::write(dir.join("keep-me"), b"x").unwrap();
    let server = start(config(data.path(), Some(&ROOMS)), &clock).await;
    live_at(&server, civil).await;
    let aside: Vec<_> = std::fs::read_dir(data.path().join("demo-replaced"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(aside[0].join("keep-me").exists());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_real_events_are_untouched_and_the_home_page_lists_the_demo() {
    let data = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(paris("2026-12-02T12:00"));

    // Without the demo: the real camp as it always was, and no demo.
    let server = start(config(data.path(), None), &clock).await;
    let alone = board_json(&server, "camp").await;
    let (status, _) = request(&server.addr(), "/e/demo/board.json").page().await;
    assert_eq!(status, 404, "demo off: no demo event");
    let (_, home) = request(&server.addr(), "/").page().await;
    assert!(!home.contains("/e/demo"), "{home}");
    server.shutdown().await.unwrap();
    assert!(!data.path().join("events").join("demo").exists());

    // With it: the camp's board and folder are the same.
    let journal = std::fs::read(data.path().join("events/camp/journal.jsonl")).unwrap();
    let server = start(config(data.path(), Some(&ROOMS)), &clock).await;
    assert_eq!(board_json(&server, "camp").await, alone);
    let (_, home) = request(&server.addr(), "/").page().await;
    assert!(home.contains("/e/demo"), "{home}");
    assert!(home.contains("/e/camp"), "{home}");
    server.shutdown().await.unwrap();
    assert_eq!(
        std::fs::read(data.path().join("events/camp/journal.jsonl")).unwrap(),
        journal
    );
}

#[tokio::test]
async fn the_shipped_config_has_a_demo_with_the_secret_the_readme_gives() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml");
    let shipped = Config::load(&path, &Overrides::default()).expect("config.toml loads");
    assert_eq!(shipped.events.len(), 2, "the real events, without the demo");
    let demo = shipped
        .demo
        .as_ref()
        .expect("the shipped config runs the demo");
    assert_eq!(demo.slug, "demo");
    assert!(demo.days.is_empty(), "no days until the server's clock");
    assert!(demo.organiser().verify("demo-organiser-slotboard"));
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("demo-organiser-slotboard"));
    let live = shipped.with_demo_days(paris("2026-12-02T12:00"));
    assert_eq!(live.events.len(), 3);
    let demo = live.event("demo").unwrap();
    assert_eq!(demo.grid().slots.len(), 48);
    // The real events keep their dates.
    let rennes = live.event("barcamp-rennes").unwrap();
    assert_eq!(rennes.days[0].date.to_string(), "2026-12-05");
}

#[tokio::test]
async fn a_reload_keeps_the_running_demo_and_a_demo_turned_on_waits_for_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(paris("2026-12-02T12:00"));
    // One text parsed twice: each config text hashes the secret anew.
    let mut text = config_text(data.path(), "");
    text.push_str(&demo_table(&ROOMS));
    let parse = |t: &str| Config::from_toml_str(t, "demo.toml", &Overrides::default()).unwrap();
    let server = start(parse(&text), &clock).await;
    let before = board_json(&server, "demo").await;
    // The next day, the same file: the demo keeps the days it started on
    // (its folder was fitted to them), nothing is reported as changed.
    clock.advance(jiff::SignedDuration::from_hours(24));
    let diff = server
        .reload(parse(&text))
        .await
        .expect("the same file reloads");
    assert!(diff.removed.is_empty() && diff.grid.is_empty(), "{diff:?}");
    assert!(diff.restart.is_empty() && diff.added.is_empty(), "{diff:?}");
    assert_eq!(board_json(&server, "demo").await["slots"], before["slots"]);
    server.shutdown().await.unwrap();

    // Off at start, on in the file: named as waiting for a restart.
    let other = tempfile::tempdir().unwrap();
    let text = config_text(other.path(), "");
    let server = start(parse(&text), &clock).await;
    let diff = server
        .reload(parse(&format!("{text}{}", demo_table(&ROOMS))))
        .await
        .expect("reloads");
    assert!(
        diff.restart.contains(&"demo.enabled".to_owned()),
        "{diff:?}"
    );
    assert!(diff.added.is_empty(), "{diff:?}");
    let (status, _) = request(&server.addr(), "/e/demo/board.json").page().await;
    assert_eq!(status, 404, "the demo waits for the restart");
    server.shutdown().await.unwrap();
}
