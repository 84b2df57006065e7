//! Reload without a restart (issue 11): a new config taken by a running
//! server, in process through `Server::reload` / `reload_from` (what SIGHUP
//! calls; the binary's own SIGHUP is tested in tests/cli.rs). New events
//! open and take sockets, a broken file or an orphaning grid is refused with
//! the message of start-up and changes nothing, live settings apply to the
//! next socket, the rest is named as needing a restart, and the sockets open
//! across a reload keep receiving and sending.

use slotboard::config::{Config, Overrides};
use slotboard::server::{ReloadError, Server};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::kit::*;

/// The organiser secret's hash as the file has it: the same text at every
/// reload (`hash_secret` salts anew each time, which is another secret's
/// hash as far as a reload can tell).
fn hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| slotboard::auth::hash_secret(ORGANISER))
}

/// A second event, for the reloads that add one.
fn fair() -> String {
    let hash = hash();
    format!(
        r#"
[[events]]
slug = "fair"
title = "Winter Fair"
timezone = "Europe/Paris"
organiser_token_hash = "{hash}"

[[events.rooms]]
id = "hall"
name = "Hall"
capacity = 50

[[events.days]]
date = "2037-12-06"
slots = [{{ id = "sun-1000", start = "10:00", end = "10:45" }}]
"#
    )
}

/// The test camp in process, with its config file on disk.
struct Camp {
    dir: tempfile::TempDir,
    server: Server,
}

impl Camp {
    async fn start() -> Camp {
        let dir = tempfile::tempdir().unwrap();
        let text = camp_text(dir.path(), "");
        std::fs::write(dir.path().join("config.toml"), &text).unwrap();
        let config = parse(&text).expect("the test config loads");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Server::start(config, listener).await.expect("starts");
        Camp { dir, server }
    }

    /// The test camp's config text with `extra_server` in `[server]`.
    fn text(&self, extra_server: &str) -> String {
        camp_text(self.dir.path(), extra_server)
    }

    fn file(&self) -> std::path::PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Writes `text` as the config file and reloads it, as SIGHUP does.
    async fn reload_text(&self, text: &str) -> Result<slotboard::config::Diff, ReloadError> {
        std::fs::write(self.file(), text).unwrap();
        self.server
            .reload_from(&self.file(), &Overrides::default())
            .await
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr())
    }

    fn ws(&self, slug: &str) -> String {
        format!("ws://{}/e/{slug}/ws", self.server.addr())
    }
}

/// The kit's test camp with the one [`hash`] of its secret.
fn camp_text(dir: &std::path::Path, extra_server: &str) -> String {
    let text = config_text(&dir.join("data"), extra_server);
    let line = text
        .lines()
        .find(|l| l.starts_with("organiser_token_hash"))
        .expect("the test camp has a hash")
        .to_owned();
    text.replace(&line, &format!("organiser_token_hash = \"{}\"", hash()))
}

fn parse(text: &str) -> Result<Config, slotboard::config::ConfigError> {
    Config::from_toml_str(text, "config.toml", &Overrides::default())
}

#[tokio::test]
async fn a_new_event_appears_on_the_index_and_takes_sockets() {
    let camp = Camp::start().await;
    // One event: `/` goes straight to it.
    let (status, _) = http_get(&camp.url(""), "/e/fair").await;
    assert_eq!(status, 404, "no fair before the reload");

    let diff = camp
        .reload_text(&(camp.text("") + &fair()))
        .await
        .expect("a new event reloads");
    assert_eq!(diff.added, ["fair"]);
    assert!(diff.restart.is_empty(), "{diff:?}");

    let (status, index) = http_get(&camp.url(""), "/").await;
    assert_eq!(status, 200);
    assert!(
        index.contains("Winter Fair") && index.contains("/e/fair"),
        "{index}"
    );
    assert!(
        index.contains("Test Camp"),
        "the running event stays listed"
    );
    let (status, page) = http_get(&camp.url(""), "/e/fair").await;
    assert_eq!(status, 200, "{page}");

    let mut phone = Client::join(&camp.ws("fair"), Cmd::hello()).await;
    phone.claim_ok("sun-1000", "hall", "Rust on the farm").await;
    // Its organiser secret works on the socket of the new event.
    let mut organiser = Client::join(&camp.ws("fair"), Cmd::hello_organiser()).await;
    organiser
        .command(Cmd::announce("Soup at noon"))
        .await
        .expect_ack();

    // The admin login of the new event: its session book was opened too, so
    // the cookie it sets lets the organiser in.
    let r = request(&camp.url(""), "/e/fair/admin/login")
        .cookie(None)
        .lang("en")
        .post_form(&[("secret", ORGANISER)])
        .await;
    assert_eq!(r.status(), 303);
    let session = cookie_pair(&set_cookies(&r), "slotboard_organiser").expect("a session");
    let (status, admin) = request(&camp.url(""), "/e/fair/admin")
        .cookie(Some(&session))
        .lang("en")
        .page()
        .await;
    assert_eq!(status, 200, "{admin}");
    assert!(admin.contains("Winter Fair") && admin.contains("Soup at noon"));

    // A second reload of the same file opens nothing twice.
    let again = camp
        .server
        .reload_from(&camp.file(), &Overrides::default())
        .await
        .unwrap();
    assert!(again.added.is_empty(), "{again:?}");
    phone
        .claim("sun-1000", "hall", "Taken")
        .await
        .expect_reject("taken");
}

#[tokio::test]
async fn a_broken_file_is_refused_with_the_start_up_message_and_the_config_stays() {
    let camp = Camp::start().await;
    let mut phone = Client::join(&camp.ws("camp"), Cmd::hello()).await;
    let broken = camp.text("") + &fair() + "\n[[events]]\nslug = \"Not A Slug\"\n";
    let refused = camp.reload_text(&broken).await.expect_err("refused");
    let at_start = Config::load(&camp.file(), &Overrides::default()).expect_err("start refuses it");
    assert!(matches!(refused, ReloadError::Config(_)), "{refused:?}");
    assert_eq!(refused.to_string(), at_start.to_string());

    // Nothing of it was taken: not the fair before the broken part either.
    let (status, _) = http_get(&camp.url(""), "/e/fair").await;
    assert_eq!(status, 404);
    let (cell_slot, cell_room) = cell(0);
    phone.claim_ok(cell_slot, cell_room, "Still here").await;

    // Syntax errors too, with the toml crate's line and column.
    let refused = camp.reload_text("[server\n").await.expect_err("refused");
    let at_start = Config::load(&camp.file(), &Overrides::default()).unwrap_err();
    assert_eq!(refused.to_string(), at_start.to_string());
    assert!(
        refused
            .to_string()
            .starts_with(&camp.file().display().to_string())
    );

    // And a good file after it is taken.
    let diff = camp.reload_text(&(camp.text("") + &fair())).await.unwrap();
    assert_eq!(diff.added, ["fair"]);
}

#[tokio::test]
async fn sockets_open_across_a_reload_keep_receiving_and_sending() {
    let camp = Camp::start().await;
    let mut phone = Client::join(&camp.ws("camp"), Cmd::hello()).await;
    let mut wall = Client::join(&camp.ws("camp"), Cmd::hello_viewer()).await;
    let mut organiser = Client::join(&camp.ws("camp"), Cmd::hello_organiser()).await;

    let text = camp.text("ping_interval_secs = 30\nsnapshot_every = 10") + &fair();
    camp.reload_text(&text).await.unwrap();

    let (slot, room) = cell(1);
    let id = phone.claim_ok(slot, room, "After the reload").await;
    let seen = wall.expect_event().await;
    assert_eq!(seen["change"]["session"]["id"], id.as_str());
    organiser
        .command(Cmd::announce("Lunch moves"))
        .await
        .expect_ack();
    let announced = phone.expect_event().await;
    assert_eq!(announced["change"]["kind"], "announced", "{announced}");
    // And a socket opened after it joins the same board.
    let mut late = Client::join(&camp.ws("camp"), Cmd::hello()).await;
    late.claim(slot, room, "Same cell")
        .await
        .expect_reject("taken");
}

#[tokio::test]
async fn live_settings_apply_to_the_next_socket() {
    let camp = Camp::start().await;
    let origin = "https://barcamp.example";
    let upgrade = |url: &str| {
        let mut req = ws_request(url);
        req.headers_mut()
            .insert("origin", HeaderValue::from_static(origin));
        Client::connect_request(req)
    };
    assert!(
        upgrade(&camp.ws("camp")).await.is_err(),
        "a foreign origin is refused before the reload"
    );
    let mut before = Client::join(&camp.ws("camp"), Cmd::hello()).await;

    let extra = format!("allowed_origins = [\"{origin}\"]\n\n[limits]\ntitle = 12");
    let diff = camp.reload_text(&camp.text(&extra)).await.unwrap();
    assert_eq!(diff.live, ["server.allowed_origins", "limits.title"]);
    assert!(diff.restart.is_empty(), "{diff:?}");

    let mut after = upgrade(&camp.ws("camp"))
        .await
        .expect("the new origin is allowed");
    after.hello(Cmd::hello()).await;
    let (slot, room) = cell(2);
    after
        .claim(slot, room, "A title longer than twelve")
        .await
        .expect_reject("invalid");
    after.claim_ok(slot, room, "Short one").await;
    // The socket opened before keeps the limits it opened with.
    let (slot, room) = cell(3);
    before
        .claim_ok(slot, room, "A title longer than twelve")
        .await;
}

#[tokio::test]
async fn settings_that_need_a_restart_are_named_and_keep_their_running_value() {
    let camp = Camp::start().await;
    let text = camp
        .text("snapshot_every = 10\nlisten_backlog = 16")
        .replace("\"http://barcamp.test\"", "\"http://other.test\"")
        .replace("title = \"Test Camp\"", "title = \"Renamed Camp\"");
    let diff = camp.reload_text(&text).await.unwrap();
    assert_eq!(
        diff.restart,
        [
            "server.public_url",
            "server.snapshot_every",
            "server.listen_backlog",
            "events[camp].title",
        ]
    );
    assert!(diff.live.is_empty() && diff.added.is_empty(), "{diff:?}");
    let (_, page) = http_get(&camp.url(""), "/e/camp").await;
    assert!(page.contains("Test Camp") && !page.contains("Renamed Camp"));

    // An event gone from the file keeps running until a restart.
    let only_fair = camp.text("").split("[[events]]").next().unwrap().to_owned() + &fair();
    let diff = camp.reload_text(&only_fair).await.unwrap();
    assert_eq!(diff.removed, ["camp"]);
    let mut phone = Client::join(&camp.ws("camp"), Cmd::hello()).await;
    let (slot, room) = cell(0);
    phone.claim_ok(slot, room, "Still running").await;
}

#[tokio::test]
async fn a_grid_change_keeps_the_running_grid_and_one_that_orphans_is_refused() {
    let camp = Camp::start().await;
    let mut phone = Client::join(&camp.ws("camp"), Cmd::hello()).await;
    let id = phone.claim_ok("sat-1130", "sein", "Late talk").await;

    // A slot more: said, not applied (the running grid stays).
    let more = camp.text("").replace(
        "{ id = \"sat-1130\"",
        "{ id = \"sat-1400\", start = \"14:00\", end = \"14:45\" },\n  { id = \"sat-1130\"",
    );
    let diff = camp.reload_text(&more).await.unwrap();
    assert_eq!(diff.grid, ["camp"]);
    phone
        .claim("sat-1400", "sein", "New slot")
        .await
        .expect_reject("not_found");

    // Without the slot that holds a session: refused as start-up would.
    let fewer = camp.text("").replace(
        "  { id = \"sat-1130\", start = \"11:30\", end = \"12:15\" },\n",
        "",
    );
    let refused = camp.reload_text(&fewer).await.expect_err("refused");
    let message = refused.to_string();
    assert!(matches!(refused, ReloadError::Refused(_)));
    assert!(
        message.contains("cannot open the data of event \"camp\""),
        "{message}"
    );
    assert!(
        message.contains(&id) && message.contains("Late talk"),
        "{message}"
    );
    // The same words start-up would stop with, on the same data.
    camp.server.shutdown().await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let Err(at_start) = Server::start(parse(&fewer).unwrap(), listener).await else {
        panic!("start-up takes a config that orphans a session");
    };
    assert_eq!(message, format!("{at_start:#}"));
}

/// The binary itself: SIGHUP with a new event, then with a broken file, a
/// socket open all along.
#[tokio::test]
async fn sighup_reloads_the_running_binary() {
    let site = Site::new("", "");
    let running = site.start(&[], None).await;
    let mut phone = Client::join(&running.ws_url(), Cmd::hello()).await;
    let text = std::fs::read_to_string(site.config()).unwrap();

    std::fs::write(site.config(), text.clone() + &fair()).unwrap();
    running.hangup();
    let fair_page = running.url("/e/fair");
    wait_until("the new event to answer after SIGHUP", PATIENCE, || async {
        http_get(&fair_page, "").await.0 == 200
    })
    .await;
    let fair_ws = running.ws_url().replace("/e/camp/", "/e/fair/");
    let mut visitor = Client::join(&fair_ws, Cmd::hello()).await;
    visitor
        .claim_ok("sun-1000", "hall", "Came with the reload")
        .await;

    // A broken file: logged with the words start-up prints, nothing changes.
    std::fs::write(site.config(), text + "\n[server]\n").unwrap();
    running.hangup();
    let at_start = slotboard_command()
        .args(["check-config", "--config"])
        .arg(site.config())
        .output()
        .unwrap();
    let message = String::from_utf8_lossy(&at_start.stderr).trim().to_owned();
    assert!(!message.is_empty() && !at_start.status.success());
    wait_until("the refusal in the log", PATIENCE, || async {
        running.log_text().contains("reload refused")
    })
    .await;
    let log = running.log_text();
    assert!(
        log.contains(&message),
        "the log says {log}\nstart-up says {message}"
    );

    let (slot, room) = cell(0);
    phone.claim_ok(slot, room, "Open across both").await;
    assert_eq!(http_get(&fair_page, "").await.0, 200);
    running.terminate();
}

#[tokio::test]
async fn events_created_on_the_venue_s_page_stay_across_a_reload_and_keep_their_slug() {
    let camp = Camp::start().await;
    let venue = "a-venue-secret-for-reloads";
    let line = format!(
        "venue_token_hash = \"{}\"",
        slotboard::auth::hash_secret(venue)
    );
    // The venue's secret is a live key: the page opens without a restart.
    let diff = camp.reload_text(&camp.text(&line)).await.expect("reloads");
    assert_eq!(diff.live, ["server.venue"], "{diff:?}");
    let table = serde_json::json!({
        "slug": "fair", "title": "Winter Fair", "timezone": "Europe/Paris",
        "rooms": [{"id": "hall", "name": "Hall", "capacity": 50}],
        "days": [{"date": "2037-12-06", "slots": [{"id": "sun-1000", "start": "10:00", "end": "10:45"}]}]
    });
    let r = http_client()
        .post(camp.url("/admin/events"))
        .header("authorization", format!("Bearer {venue}"))
        .header("content-type", "application/json")
        .body(table.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let mut phone = Client::join(&camp.ws("fair"), Cmd::hello()).await;

    // The file does not hold it, and a reload keeps it running and listed.
    let diff = camp.reload_text(&camp.text(&line)).await.expect("reloads");
    assert!(diff.removed.is_empty() && diff.added.is_empty(), "{diff:?}");
    let id = phone.claim_ok("sun-1000", "hall", "Still here").await;
    let (_, index) = http_get(&camp.url(""), "/").await;
    assert!(index.contains("/e/fair"), "{index}");

    // The file taking its slug is refused whole, naming both.
    let e = camp
        .reload_text(&(camp.text(&line) + &fair()))
        .await
        .expect_err("a slug of both is refused");
    let text = e.to_string();
    assert!(
        text.contains("\"fair\" is defined twice") && text.contains("fair.json"),
        "{text}"
    );
    phone.command(Cmd::release(&id)).await.expect_ack();
}
