//! The writer of tests/data/format-v2/: the frozen folder of the data format
//! of issue 10 (journal format 2 with a CRC on every line, the `removed` and
//! `restored` changes, and `organiser-sessions.json`), made by this build's
//! real server and not by hand, so that every later build can be held to
//! the bytes it wrote. It runs only when asked, once:
//!
//! ```text
//! SLOTBOARD_WRITE_FIXTURE=tests/data/format-v2 cargo test --test it write_format_v2 -- --ignored
//! ```
//!
//! and refuses a folder that already holds events: a frozen format is never
//! regenerated, a new one gets a new folder. tests/it/format.rs reads what it
//! wrote. The server runs on a [`ManualClock`] from [`START`] and every
//! participant on a fixed token, so the changes, their times and their
//! `req`s come out the same each run; only the organisers' session cookies
//! (and so `organiser-sessions.json`) are random.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use tokio::net::TcpListener;

use crate::kit::*;

/// The manual clock's time when the writer starts; each change comes one
/// minute after the one before.
pub const START: &str = "2037-11-28T09:00:00Z";

/// The config the folder is written with (and read with: its copy is the
/// fixture's `config.toml`). The organiser secret is the test suite's, with
/// the salt of format-v1's config so that both folders agree.
pub const CONFIG: &str = r#"# The config the format-v2 fixture was written with (data_dir is given
# by the test). Dates are far in the future so the clock never ends "camp".
[server]
bind = "127.0.0.1:0"
public_url = "http://barcamp.test"
data_dir = "data"
snapshot_every = 6

[[events]]
slug = "camp"
title = "Format Camp 2"
timezone = "Europe/Paris"
organiser_token_hash = "sha256:b63626d0041ebafd0da269f702805b5b:89e986e54f6c641673c22559c70da7e64b918629602662150eab90902e492061"

[[events.rooms]]
id = "amphi"
name = "Amphi"
capacity = 100

[[events.rooms]]
id = "ouessant"
name = "Ouessant"
capacity = 30

[[events.rooms]]
id = "brehat"
name = "Bréhat"
capacity = 20

[[events.rooms]]
id = "sein"
name = "Sein"
capacity = 10

[[events.days]]
date = "2037-12-05"
slots = [
  { id = "sat-0930", start = "09:30", end = "10:15" },
  { id = "sat-1030", start = "10:30", end = "11:15" },
  { id = "sat-1130", start = "11:30", end = "12:15" },
]

[[events]]
slug = "closed"
title = "Closed Camp 2"
timezone = "Europe/Paris"
organiser_token_hash = "sha256:b63626d0041ebafd0da269f702805b5b:89e986e54f6c641673c22559c70da7e64b918629602662150eab90902e492061"

[[events.rooms]]
id = "amphi"
name = "Amphi"
capacity = 100

[[events.days]]
date = "2037-12-06"
slots = [
  { id = "sun-0930", start = "09:30", end = "10:15" },
]
"#;

/// The file of the fixture that keeps the organiser cookies the writer got,
/// as `Cookie` pairs: made before "log out everywhere", logged out alone,
/// and still logged in.
pub const COOKIES: &str = "organiser-cookies.json";

/// A fixed participant token (22 to 128 characters of `[A-Za-z0-9_-]`).
fn token(name: &str) -> String {
    format!("format-v2-{name:-<16}-0000")
}

/// The config of `text`, on `data`.
pub fn config_on(text: &str, data: &Path) -> Config {
    let overrides = Overrides {
        data_dir: Some(data.to_owned()),
        ..Default::default()
    };
    Config::from_toml_str(text, "config.toml", &overrides).expect("the fixture's config")
}

/// The real server on `data`, on `clock`.
pub async fn start_on(text: &str, data: &Path, clock: Arc<ManualClock>) -> anyhow::Result<Server> {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sources = Sources {
        clock,
        ..Sources::default()
    };
    Server::start_with(config_on(text, data), listener, sources).await
}

/// The writer's side of the server: a wall that sees every change, and the
/// rev each command must land on.
struct Script {
    addr: std::net::SocketAddr,
    clock: Arc<ManualClock>,
    wall: Client,
    rev: u64,
}

impl Script {
    /// One minute later, `cmd` from `who`: acked at the next rev, its event.
    async fn run(&mut self, who: &mut Client, cmd: Cmd) -> Value {
        self.clock.advance(SignedDuration::from_secs(60));
        let a = who.command(cmd.clone()).await;
        assert!(a.is_ack(), "{cmd} -> {:?}", a.raw());
        self.rev += 1;
        assert_eq!(a.expect_ack(), self.rev, "{cmd}");
        self.wall.expect_event_rev(self.rev).await
    }

    /// A claim; the new session's id.
    async fn claim(
        &mut self,
        who: &mut Client,
        cell: (&str, &str),
        title: &str,
        host: &str,
    ) -> String {
        let e = self.run(who, Cmd::claim(cell.0, cell.1, title, host)).await;
        e["change"]["session"]["id"].as_str().unwrap().to_owned()
    }

    /// The admin page's undo button (asking for JSON): the last organiser
    /// change taken back, at the next rev; its event.
    async fn undo(&mut self, cookie: &str) -> Value {
        self.clock.advance(SignedDuration::from_secs(60));
        let r = request(&self.addr, "/e/camp/admin/undo")
            .cookie(Some(cookie))
            .accept("application/json")
            .lang("en")
            .post_form(&[])
            .await;
        let answer: Value = r.json().await.unwrap();
        assert_eq!(answer["code"], "undone", "{answer}");
        self.rev += 1;
        assert_eq!(answer["rev"], self.rev, "{answer}");
        self.wall.expect_event_rev(self.rev).await
    }
}

/// A login on the admin form from the browser of `token`: its `Cookie` header.
async fn login(addr: &std::net::SocketAddr, token: &str) -> String {
    let browser = format!("slotboard_token={token}");
    let r = request(addr, "/e/camp/admin/login")
        .cookie(Some(&browser))
        .lang("en")
        .post_form(&[("secret", ORGANISER)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = cookie_pair(&set_cookies(&r), "slotboard_organiser").expect("a session");
    format!("{session}; {browser}")
}

/// POSTs a logout form (`logout` or `logout-everywhere`) with `cookie`.
async fn log_out(addr: &std::net::SocketAddr, cookie: &str, op: &str) {
    let r = request(addr, &format!("/e/camp/admin/{op}"))
        .cookie(Some(cookie))
        .lang("en")
        .post_form(&[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{op}");
}

/// Whether the admin page lets `cookie` in (and not the login form).
pub async fn admits(addr: &std::net::SocketAddr, slug: &str, cookie: &str) -> bool {
    let (status, page) = request(addr, &format!("/e/{slug}/admin"))
        .cookie(Some(cookie))
        .lang("en")
        .page()
        .await;
    assert_eq!(status, StatusCode::OK);
    !page.contains(r#"id="login""#)
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

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

#[tokio::test]
#[ignore = "writes the frozen folder; run with SLOTBOARD_WRITE_FIXTURE=tests/data/format-v2"]
async fn write_format_v2() {
    let out = PathBuf::from(
        std::env::var_os("SLOTBOARD_WRITE_FIXTURE")
            .expect("SLOTBOARD_WRITE_FIXTURE names the folder to write"),
    );
    assert!(
        !out.join("events").exists(),
        "{} already holds a fixture: a frozen format is never regenerated",
        out.display()
    );
    let data = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(START.parse::<Timestamp>().unwrap());
    let server = start_on(CONFIG, data.path(), clock.clone()).await.unwrap();
    let addr = server.addr();
    let ws = |slug: &str| format!("ws://{addr}/e/{slug}/ws");
    let join = |slug: &str, who: &str| {
        let url = ws(slug);
        let hello = Cmd::hello().token(&token(who));
        async move { Client::join(&url, hello).await }
    };
    let mut alice = join("camp", "alice").await;
    let mut bob = join("camp", "bob").await;
    let mut carol = join("camp", "carol").await;
    let mut mallory = join("camp", "mallory").await;
    let mut yann = join("camp", "yann").await;
    let mut orga = Client::join(
        &ws("camp"),
        Cmd::hello_organiser().token(&token("organiser")),
    )
    .await;
    let wall = Client::join(&ws("camp"), Cmd::hello_viewer()).await;
    let mut s = Script {
        addr,
        clock: clock.clone(),
        wall,
        rev: 0,
    };
    let browser = token("browser");
    let cookie = login(&addr, &browser).await;

    // Revs 1-6 (the first sealed segment): what participants do.
    let rust = s
        .claim(
            &mut alice,
            ("sat-0930", "amphi"),
            "Rust & WebSockets",
            "Maël",
        )
        .await;
    let cafe = s
        .claim(&mut bob, ("sat-0930", "ouessant"), "Café breton", "Bob")
        .await;
    s.run(&mut carol, Cmd::vote(&rust, true)).await;
    s.run(
        &mut alice,
        Cmd::edit(&rust)
            .host("Maël & Nolwenn")
            .description("Tokio, axum, et un peu de maud")
            .tags(&["rust", "web"]),
    )
    .await;
    s.run(&mut bob, Cmd::move_to(&cafe, "sat-1030", "brehat"))
        .await;
    s.run(&mut orga, Cmd::swap(&rust, &cafe)).await;

    // Revs 7-12: the organiser's board.
    s.run(&mut orga, Cmd::lock("sat-1130", "sein")).await;
    s.run(&mut orga, Cmd::unlock("sat-1130", "sein")).await;
    s.run(&mut orga, Cmd::set_open(false)).await;
    s.run(&mut orga, Cmd::set_open(true)).await;
    s.run(&mut orga, Cmd::announce("Déjeuner à midi, crêpes en bas"))
        .await;
    s.run(&mut orga, Cmd::release(&cafe)).await;

    // Revs 13-18: an undone release, and a bulk removal undone.
    assert_eq!(s.undo(&cookie).await["change"]["kind"], "claimed");
    let spam = s
        .claim(&mut mallory, ("sat-1130", "amphi"), "Free crypto", "M")
        .await;
    s.claim(&mut mallory, ("sat-1130", "ouessant"), "Free crypto 2", "M")
        .await;
    s.run(&mut carol, Cmd::vote(&spam, true)).await;
    let e = s
        .run(
            &mut orga,
            Cmd::unknown_op("remove_by_owner").with("owner", mallory.id.as_str()),
        )
        .await;
    assert_eq!(e["change"]["kind"], "removed");
    let e = s.undo(&cookie).await;
    assert_eq!(e["change"]["kind"], "restored");
    assert!(e["change"]["voters"].is_object(), "{e}");

    // Revs 19-22, the live journal after the snapshot at 18.
    let since = s.rev + 1;
    s.claim(&mut yann, ("sat-1130", "brehat"), "Spam 3", "Y")
        .await;
    let e = s
        .run(
            &mut orga,
            Cmd::unknown_op("remove_claims_since").with("rev", since),
        )
        .await;
    assert_eq!(e["change"]["kind"], "removed");
    s.run(&mut orga, Cmd::announce("")).await;
    s.run(&mut carol, Cmd::vote(&rust, false)).await;
    assert_eq!(s.rev, 22);

    // Organiser sessions: one made before "log out everywhere", one logged
    // out alone after it, one still logged in.
    let before = cookie;
    log_out(&addr, &before, "logout-everywhere").await;
    let logged_out = login(&addr, &browser).await;
    log_out(&addr, &logged_out, "logout").await;
    let logged_in = login(&addr, &browser).await;
    assert!(!admits(&addr, "camp", &before).await);
    assert!(!admits(&addr, "camp", &logged_out).await);
    assert!(admits(&addr, "camp", &logged_in).await);

    // The ended event: three changes in its journal, the last one `end`.
    let mut dana = join("closed", "dana").await;
    let mut erwan = join("closed", "erwan").await;
    let mut closer = Client::join(
        &ws("closed"),
        Cmd::hello_organiser().token(&token("organiser")),
    )
    .await;
    clock.advance(SignedDuration::from_secs(60));
    let a = dana
        .command(Cmd::claim(
            "sun-0930",
            "amphi",
            "Le dernier atelier",
            "Dana",
        ))
        .await;
    assert_eq!(a.expect_ack(), 1);
    let e = dana.expect_event_rev(1).await;
    let last_one = e["change"]["session"]["id"].as_str().unwrap().to_owned();
    clock.advance(SignedDuration::from_secs(60));
    assert_eq!(
        erwan.command(Cmd::vote(&last_one, true)).await.expect_ack(),
        2
    );
    clock.advance(SignedDuration::from_secs(60));
    assert_eq!(closer.command(Cmd::end()).await.expect_ack(), 3);

    // Copied while the server runs, as a crash leaves it.
    let events = data.path().join("events");
    for (slug, rev) in [("camp", 22), ("closed", 3)] {
        let journal = events.join(slug).join("journal.jsonl");
        let line = format!("\"rev\":{rev},");
        wait_until(&format!("{slug} journals rev {rev}"), PATIENCE, || {
            let journal = journal.clone();
            let line = line.clone();
            async move { std::fs::read_to_string(&journal).is_ok_and(|t| t.contains(&line)) }
        })
        .await;
    }
    assert!(events.join("camp/organiser-sessions.json").exists());
    std::fs::create_dir_all(&out).unwrap();
    copy_dir(&events, &out.join("events"));
    std::fs::write(out.join("config.toml"), CONFIG).unwrap();
    let board = get_json(&addr, "/e/camp/board.json").await;
    assert_eq!(board["rev"], 22);
    std::fs::write(out.join("board.json"), pretty(&board)).unwrap();
    let closed = get_json(&addr, "/e/closed/board.json").await;
    assert_eq!(closed["event"]["ended"], true);
    std::fs::write(out.join("board-closed.json"), pretty(&closed)).unwrap();
    let cookies = json!({
        "read_at": (START.parse::<Timestamp>().unwrap() + SignedDuration::from_hours(2)).to_string(),
        "before_log_out_everywhere": before,
        "logged_out": logged_out,
        "logged_in": logged_in,
    });
    std::fs::write(out.join(COOKIES), pretty(&cookies)).unwrap();
    server.shutdown().await.unwrap();
}
