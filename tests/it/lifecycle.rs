//! Events and their lifecycle, through the real server: several events in one
//! config, upcoming / live / ended from their dates (relative to now, in the
//! event's timezone), the organiser's `end`, the pages and `/` of ended
//! events, isolation between events, and config changes that would orphan a
//! board.
//!
//! "Now" is a fixed instant on a [`ManualClock`] that every server here runs
//! on, and "today" is computed from it: on the system's clock a test started
//! just before midnight in Paris would build yesterday's events and be
//! served tomorrow's verdicts. A test that needs time to pass moves the
//! clock.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION};
use serde_json::{Value, json};
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use tokio::net::TcpListener;

use crate::kit::*;

const TZ: &str = "Europe/Paris";

/// The instant every server of this file starts at: a Saturday noon in
/// Paris, far from midnight on either side.
fn now() -> Timestamp {
    jiff::civil::date(2037, 6, 6)
        .at(12, 0, 0, 0)
        .in_tz(TZ)
        .unwrap()
        .timestamp()
}

/// Today in the events' timezone, at [`now`].
fn today() -> Date {
    now().to_zoned(jiff::tz::TimeZone::get(TZ).unwrap()).date()
}

/// A server's sources with this clock (and the usual random ids).
fn on(clock: &Arc<ManualClock>) -> Sources {
    Sources {
        clock: clock.clone(),
        ..Sources::default()
    }
}

/// One `[[events]]` table: two rooms (`amphi`, `atelier`) unless `rooms`
/// says otherwise, and the given days with two slots each.
#[derive(Clone)]
struct Ev {
    slug: &'static str,
    title: &'static str,
    days: Vec<Date>,
    rooms: Vec<&'static str>,
}

impl Ev {
    /// Ended: its only day was yesterday.
    fn past(slug: &'static str, title: &'static str) -> Ev {
        Ev::on(slug, title, vec![today().yesterday().unwrap()])
    }

    /// Live: today and tomorrow (live from 00:00 today to 10:45 tomorrow,
    /// whatever the time of the test).
    fn live(slug: &'static str, title: &'static str) -> Ev {
        Ev::on(slug, title, vec![today(), today().tomorrow().unwrap()])
    }

    /// Upcoming: in a month.
    fn upcoming(slug: &'static str, title: &'static str) -> Ev {
        Ev::on(slug, title, vec![today().checked_add(30.days()).unwrap()])
    }

    fn on(slug: &'static str, title: &'static str, days: Vec<Date>) -> Ev {
        Ev {
            slug,
            title,
            days,
            rooms: vec!["amphi", "atelier"],
        }
    }

    fn toml(&self) -> String {
        let hash = slotboard::auth::hash_secret(ORGANISER);
        let mut t = format!(
            "\n[[events]]\nslug = \"{}\"\ntitle = \"{}\"\ntimezone = \"{TZ}\"\norganiser_token_hash = \"{hash}\"\n",
            self.slug, self.title
        );
        for r in &self.rooms {
            t.push_str(&format!(
                "\n[[events.rooms]]\nid = \"{r}\"\nname = \"Room {r}\"\ncapacity = 30\n"
            ));
        }
        for (i, d) in self.days.iter().enumerate() {
            t.push_str(&format!(
                "\n[[events.days]]\ndate = \"{d}\"\nslots = [\n  \
                 {{ id = \"d{i}-0930\", start = \"09:30\", end = \"10:15\" }},\n  \
                 {{ id = \"d{i}-1030\", start = \"10:30\", end = \"10:45\" }},\n]\n"
            ));
        }
        t
    }
}

fn config_of(data: &Path, events: &[Ev]) -> Config {
    let mut text = format!(
        "[server]\nbind = \"127.0.0.1:0\"\npublic_url = \"http://barcamp.test\"\ndata_dir = \"{}\"\n",
        data.display().to_string().replace('\\', "/")
    );
    for e in events {
        text.push_str(&e.toml());
    }
    Config::from_toml_str(&text, "lifecycle.toml", &Overrides::default())
        .unwrap_or_else(|e| panic!("test config: {e}\n{text}"))
}

impl Base for Venue {
    fn url(&self, path: &str) -> String {
        self.http(path)
    }
}

/// A server over several events, on its own data folder and its own clock
/// (standing at [`now`] until a test moves it).
struct Venue {
    server: Option<Server>,
    addr: std::net::SocketAddr,
    data: tempfile::TempDir,
    clock: Arc<ManualClock>,
}

impl Venue {
    async fn start(events: &[Ev]) -> Venue {
        let data = tempfile::tempdir().unwrap();
        let clock = ManualClock::at(now());
        let server = try_start(data.path(), events, &clock)
            .await
            .expect("server starts");
        Venue {
            addr: server.addr(),
            server: Some(server),
            data,
            clock,
        }
    }

    /// A clean shutdown, then the server with `events` on the same data
    /// (and the same clock).
    async fn restart(&mut self, events: &[Ev]) {
        self.stop().await;
        let server = try_start(self.data.path(), events, &self.clock)
            .await
            .expect("server starts again");
        self.addr = server.addr();
        self.server = Some(server);
    }

    async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.expect("clean shutdown");
        }
    }

    fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn event_dir(&self, slug: &str) -> PathBuf {
        self.data.path().join("events").join(slug)
    }

    async fn join(&self, slug: &str, hello: impl Into<Value>) -> Client {
        Client::join(&format!("ws://{}/e/{slug}/ws", self.addr), hello).await
    }

    async fn participant(&self, slug: &str) -> Client {
        self.join(slug, Cmd::hello()).await
    }

    async fn organiser(&self, slug: &str) -> Client {
        self.join(slug, Cmd::hello_organiser()).await
    }

    async fn board(&self, slug: &str) -> Value {
        let (status, body) = request(self, &format!("/e/{slug}/board.json"))
            .cookie(None)
            .lang("en")
            .page()
            .await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Logs in on the admin page; returns the organiser's Cookie header.
    async fn admin_cookie(&self, slug: &str) -> String {
        let r = post_form(
            self,
            &format!("/e/{slug}/admin/login"),
            &[("secret", ORGANISER)],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303, "login");
        set_cookies(&r)
            .iter()
            .map(|c| c.split(';').next().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Waits until the event's archive is on disk and served.
    async fn expect_archive(&self, slug: &str) {
        let file = self
            .data
            .path()
            .join("archive")
            .join(slug)
            .join("board.json");
        wait_until(
            &format!("the archive of {slug} at {}", file.display()),
            PATIENCE,
            || async { file.exists() },
        )
        .await;
        let archived: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(archived["event"]["ended"], true, "{archived}");
        let (status, body) = request(self, &format!("/archive/{slug}"))
            .cookie(None)
            .lang("en")
            .page()
            .await;
        assert_eq!(status, 200, "/archive/{slug}: {body}");
    }
}

async fn try_start(data: &Path, events: &[Ev], clock: &Arc<ManualClock>) -> anyhow::Result<Server> {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    Server::start_with(config_of(data, events), listener, on(clock)).await
}

/// The `<p id="ended" ...>` tag of a page, and whether it is shown.
fn ended_banner(body: &str) -> Option<bool> {
    let at = body.find("id=\"ended\"")?;
    let start = body[..at].rfind('<')?;
    let end = at + body[at..].find('>')?;
    Some(!body[start..end].contains("hidden"))
}

// ---------------------------------------------------------------------------

#[tokio::test]
async fn an_event_whose_last_slot_has_passed_refuses_claims_with_ended() {
    let venue = Venue::start(&[Ev::past("past", "Yesterday Camp")]).await;
    let mut phone = venue.participant("past").await;
    let a = phone.claim("d0-0930", "amphi", "Too late").await;
    assert_reject(&a, "ended");
    assert_eq!(
        a["message"],
        "This event has ended; its programme is in the archive: /archive/past"
    );
    // The clock's end is one change in the history, by nobody.
    let board = venue.board("past").await;
    assert_eq!(board["event"]["ended"], true, "{board}");
    assert_eq!(board["rev"], 1);
    assert_eq!(board["sessions"], json!([]));
    let journal = std::fs::read_to_string(venue.event_dir("past").join("journal.jsonl")).unwrap();
    let line: Value = serde_json::from_str(change_lines(&journal)[0]).unwrap();
    assert_eq!(line["change"], json!({"kind":"ended"}), "{journal}");
    assert!(line.get("by").is_none_or(Value::is_null), "{line}");
    // Organisers too, and every command.
    let mut orga = venue.organiser("past").await;
    assert_eq!(orga.welcome["event"]["ended"], true);
    for cmd in [
        Cmd::claim("d0-1030", "atelier", "Orga", "Orga"),
        Cmd::set_open(false),
        Cmd::lock("d0-1030", "atelier"),
        Cmd::announce("hello"),
        Cmd::end(),
    ] {
        assert_reject(&orga.command(cmd).await, "ended");
    }
    venue.expect_archive("past").await;

    // After a restart it stays ended (one end, not two), and an archive that
    // went missing is written again.
    let mut venue = venue;
    std::fs::remove_dir_all(venue.data.path().join("archive").join("past")).unwrap();
    venue.restart(&[Ev::past("past", "Yesterday Camp")]).await;
    let board = venue.board("past").await;
    assert_eq!(
        (board["rev"].clone(), board["event"]["ended"].clone()),
        (json!(1), json!(true))
    );
    venue.expect_archive("past").await;
}

#[tokio::test]
async fn an_upcoming_event_takes_claims_before_the_day() {
    let venue = Venue::start(&[Ev::upcoming("soon", "Next Month Camp")]).await;
    let mut phone = venue.participant("soon").await;
    assert_eq!(phone.welcome["event"]["ended"], false);
    phone.claim_ok("d0-0930", "amphi", "Preparing early").await;
    let board = venue.board("soon").await;
    assert_eq!(board["event"]["ended"], false);
    assert_eq!(board["sessions"][0]["title"], "Preparing early");
}

#[tokio::test]
async fn the_organisers_end_is_broadcast_and_then_everything_is_refused() {
    let venue = Venue::start(&[Ev::live("today", "Today Camp")]).await;
    let mut phone = venue.participant("today").await;
    let mut wall = venue.join("today", Cmd::hello_viewer()).await;
    phone.claim_ok("d0-0930", "amphi", "Before the end").await;
    // A participant (or the wall) cannot end it.
    assert_reject(&phone.command(Cmd::end()).await, "forbidden");
    assert_reject(&wall.command(Cmd::end()).await, "forbidden");

    let mut orga = venue.organiser("today").await;
    let a = orga.command(Cmd::end()).await;
    assert_eq!(a.expect_ack(), 2);
    // (The phone read its own claim's event already.)
    assert_eq!(wall.expect_event_rev(1).await["change"]["kind"], "claimed");
    for c in [&mut phone, &mut wall] {
        let e = c.expect_event_rev(2).await;
        assert_eq!(e["change"], json!({"kind":"ended"}));
        assert_eq!(e["by"], orga.id);
    }
    assert_reject(
        &phone.claim("d0-1030", "atelier", "After the end").await,
        "ended",
    );
    let s = venue.board("today").await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_reject(&phone.command(Cmd::vote(&s, true)).await, "ended");
    assert_reject(&orga.command(Cmd::release(&s)).await, "ended");
    assert_reject(&orga.command(Cmd::end()).await, "ended");
    let board = venue.board("today").await;
    assert_eq!(board["rev"], 2);
    assert_eq!(board["event"]["ended"], true);
    // A new connection learns it from its welcome.
    let late = venue.participant("today").await;
    assert_eq!(late.welcome["event"]["ended"], true);
    venue.expect_archive("today").await;
}

#[tokio::test]
async fn a_live_event_ends_when_the_clock_passes_its_last_slot() {
    let venue = Venue::start(&[Ev::live("today", "Today Camp")]).await;
    let mut phone = venue.participant("today").await;
    let s = phone.claim_ok("d0-0930", "amphi", "Before the end").await;

    // A minute before the last slot ends (10:45 tomorrow): still live.
    let last_end = today()
        .tomorrow()
        .unwrap()
        .at(10, 45, 0, 0)
        .in_tz(TZ)
        .unwrap()
        .timestamp();
    venue
        .clock
        .set(last_end.checked_sub(SignedDuration::from_mins(1)).unwrap());
    let a = phone.command(Cmd::edit(&s).title("Last minute")).await;
    assert_eq!(a.expect_ack(), 2);
    assert_eq!(venue.board("today").await["event"]["ended"], false);

    // The minute passes: the next command finds the event ended, whose end
    // goes first in the history, by nobody.
    venue.clock.advance(SignedDuration::from_mins(1));
    let a = phone.claim("d1-1030", "atelier", "Too late").await;
    a.expect_reject("ended");
    assert_eq!(phone.expect_event_rev(2).await["change"]["kind"], "edited");
    let e = phone.expect_event_rev(3).await;
    assert_eq!(e["change"], json!({"kind":"ended"}), "{e}");
    assert!(e.get("by").is_none_or(Value::is_null), "{e}");
    let board = venue.board("today").await;
    assert_eq!(
        (board["rev"].clone(), board["event"]["ended"].clone()),
        (json!(3), json!(true))
    );
    venue.expect_archive("today").await;
}

#[tokio::test]
async fn the_admin_form_asks_for_the_events_name_before_closing_it() {
    let venue = Venue::start(&[Ev::live("today", "Today Camp")]).await;
    let cookie = venue.admin_cookie("today").await;
    let (_, page) = request(&venue, "/e/today/admin")
        .cookie(Some(&cookie))
        .lang("en")
        .page()
        .await;
    assert!(page.contains("action=\"/e/today/admin/end\""), "{page}");
    assert!(page.contains("Close the event for good"), "{page}");
    assert_eq!(ended_banner(&page), Some(false), "hidden while it runs");

    let post = |confirm: &'static str| {
        http_client()
            .post(venue.http("/e/today/admin/end"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(COOKIE, cookie.clone())
            .body(format!("req=end-{confirm}&confirm={confirm}"))
            .send()
    };
    for wrong in ["", "yes", "other"] {
        let r = post(wrong).await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            r.headers()[LOCATION].to_str().unwrap(),
            "/e/today/admin?notice=confirm_end"
        );
    }
    assert_eq!(venue.board("today").await["event"]["ended"], false);
    // Without the organiser's cookie: nothing.
    let r = http_client()
        .post(venue.http("/e/today/admin/end"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("req=x&confirm=today")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(venue.board("today").await["event"]["ended"], false);

    let r = post("today").await.unwrap();
    assert_eq!(
        r.headers()[LOCATION].to_str().unwrap(),
        "/e/today/admin?notice=ack"
    );
    assert_eq!(venue.board("today").await["event"]["ended"], true);
    // Browsable under /archive at once (as soon as the files are written).
    venue.expect_archive("today").await;
    let (_, page) = request(&venue, "/e/today/admin")
        .cookie(Some(&cookie))
        .lang("en")
        .page()
        .await;
    assert!(
        !page.contains("action=\"/e/today/admin/end\""),
        "no second close"
    );
    assert!(page.contains("closed the event for good"), "audit line");
}

#[tokio::test]
async fn the_pages_of_an_ended_event_say_so_and_link_to_the_archive() {
    let venue = Venue::start(&[
        Ev::past("past", "Yesterday Camp"),
        Ev::live("today", "Today Camp"),
    ])
    .await;
    let cookie = venue.admin_cookie("past").await;
    for (lang, words) in [
        ("en", "This event has ended"),
        ("fr", "Cet événement est terminé"),
    ] {
        for path in ["/e/past", "/e/past/wall", "/e/past/admin"] {
            let (status, body) = request(&venue, path)
                .cookie(Some(&cookie))
                .lang(lang)
                .page()
                .await;
            assert_eq!(status, 200, "{path}");
            assert_eq!(ended_banner(&body), Some(true), "{path}: {body}");
            assert!(body.contains(words), "{path} ({lang})");
            assert!(body.contains("href=\"/archive/past\""), "{path}");
        }
    }
    let cookie = venue.admin_cookie("today").await;
    for path in ["/e/today", "/e/today/wall", "/e/today/admin"] {
        let (_, body) = request(&venue, path)
            .cookie(Some(&cookie))
            .lang("en")
            .page()
            .await;
        assert_eq!(
            ended_banner(&body),
            Some(false),
            "{path}: hidden while live"
        );
    }
    // Nobody wrote to "past": its hub's clock ended and archived it alone.
    venue.expect_archive("past").await;
    assert_eq!(venue.board("past").await["rev"], 1);
}

/// The headings of `/` and the events under each, in order.
fn sections(body: &str, headings: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for h in headings {
        let Some(at) = body.find(&format!(">{h}</h3>")) else {
            continue;
        };
        let rest = &body[at..];
        let list = &rest[..rest.find("</ul>").unwrap()];
        let slugs = list
            .split("data-slug=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_owned())
            .collect();
        out.push((h.to_string(), slugs));
    }
    out
}

#[tokio::test]
async fn the_index_lists_live_upcoming_and_past_events_in_both_languages() {
    let venue = Venue::start(&[
        Ev::upcoming("soon", "Next Month Camp"),
        Ev::past("past", "Yesterday Camp"),
        Ev::live("today", "Today Camp"),
    ])
    .await;
    let (status, body) = request(&venue, "/").cookie(None).lang("en").page().await;
    assert_eq!(status, 200);
    let got = sections(&body, &["Live now", "Coming up", "Past events"]);
    let want = [
        ("Live now", vec!["today"]),
        ("Coming up", vec!["soon"]),
        ("Past events", vec!["past"]),
    ]
    .map(|(h, s)| (h.to_owned(), s.iter().map(|s| s.to_string()).collect()));
    assert_eq!(got, want, "{body}");
    assert!(body.contains("href=\"/e/today\""));
    assert!(body.contains("href=\"/e/soon\""));
    assert!(
        body.contains("href=\"/archive/past\""),
        "past ones go to the archive"
    );
    assert!(!body.contains("href=\"/e/past\""));
    let (_, fr) = request(&venue, "/?lang=fr")
        .cookie(None)
        .lang("fr")
        .page()
        .await;
    let got = sections(&fr, &["En ce moment", "À venir", "Événements passés"]);
    assert_eq!(got.len(), 3, "{fr}");

    // An organiser's end moves an event to the past at once.
    let mut orga = venue.organiser("today").await;
    orga.command(Cmd::end()).await.expect_ack();
    let (_, body) = request(&venue, "/").cookie(None).lang("en").page().await;
    let got = sections(&body, &["Live now", "Coming up", "Past events"]);
    assert_eq!(got.len(), 2, "no live event left: {body}");
    assert_eq!(got[1].1.len(), 2, "{body}");
}

#[tokio::test]
async fn the_shipped_config_lists_its_two_events_where_the_clock_puts_them() {
    let data = tempfile::tempdir().unwrap();
    let overrides = Overrides {
        data_dir: Some(data.path().to_owned()),
        ..Overrides::default()
    };
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml");
    let config = Config::load(Path::new(shipped), &overrides).unwrap();
    assert_eq!(config.events.len(), 2, "the demo holds two events");
    // A fixed instant, on the server's clock too, so that the expected
    // headings and the served ones are read at the same moment: the first
    // day of the demo's first event, at noon (it is live, the other one is
    // wherever its dates put it).
    let now = config.events[0].days[0]
        .date
        .at(12, 0, 0, 0)
        .in_tz(TZ)
        .unwrap()
        .timestamp();
    let heading = |s: slotboard::lifecycle::State| match s {
        slotboard::lifecycle::State::Live => "Live now",
        slotboard::lifecycle::State::Upcoming => "Coming up",
        slotboard::lifecycle::State::Ended => "Past events",
    };
    let expected: Vec<(String, &str)> = config
        .events
        .iter()
        .map(|e| {
            let state = slotboard::lifecycle::state_of(e, false, now);
            (e.slug.clone(), heading(state))
        })
        .collect();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server::start_with(config, listener, on(&ManualClock::at(now)))
        .await
        .unwrap();
    let r = http_client()
        .get(format!("http://{}/", server.addr()))
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    let got = sections(&body, &["Live now", "Coming up", "Past events"]);
    for (slug, heading) in expected {
        assert!(
            got.iter().any(|(h, s)| h == heading && s.contains(&slug)),
            "{slug} under {heading}: {got:?}"
        );
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn one_event_alone_is_where_slash_goes() {
    let venue = Venue::start(&[Ev::past("past", "Yesterday Camp")]).await;
    let r = http_client().get(venue.http("/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()[LOCATION], "/e/past");
}

#[tokio::test]
async fn two_events_are_isolated() {
    let venue = Venue::start(&[
        Ev::live("rennes", "Rennes Camp"),
        Ev::live("brest", "Brest Camp"),
    ])
    .await;
    let mut rennes = venue.participant("rennes").await;
    let mut brest = venue.participant("brest").await;
    let mut brest_wall = venue.join("brest", Cmd::hello_viewer()).await;
    // The same cell, both ids the same: two boards, no conflict.
    rennes.claim_ok("d0-0930", "amphi", "Rust à Rennes").await;
    let a = brest.claim("d0-0930", "amphi", "Rust à Brest").await;
    assert_eq!(a.expect_ack(), 1, "Brest's first change");
    // The first event Brest's clients see is Brest's own claim.
    let e = brest_wall.expect_event_rev(1).await;
    assert_eq!(e["change"]["session"]["title"], "Rust à Brest");
    assert_eq!(brest_wall.unread_events(), 0);
    // Ending one leaves the other running.
    let mut orga = venue.organiser("rennes").await;
    orga.command(Cmd::end()).await.expect_ack();
    brest
        .claim("d0-1030", "amphi", "Still open")
        .await
        .expect_ack();
    let e = brest_wall.expect_event_rev(2).await;
    assert_eq!(e["change"]["session"]["title"], "Still open");
    assert_eq!(brest_wall.unread_events(), 0, "no Rennes event on Brest");

    let (r, b) = (venue.board("rennes").await, venue.board("brest").await);
    let titles = |v: &Value| -> Vec<String> {
        v["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles(&r), ["Rust à Rennes"]);
    assert_eq!(titles(&b), ["Rust à Brest", "Still open"]);
    assert_eq!(
        (r["event"]["ended"].clone(), b["event"]["ended"].clone()),
        (json!(true), json!(false))
    );
    assert!(venue.event_dir("rennes").is_dir() && venue.event_dir("brest").is_dir());
}

#[tokio::test]
async fn removing_an_event_from_the_config_keeps_its_data() {
    let rennes = Ev::live("rennes", "Rennes Camp");
    let brest = Ev::live("brest", "Brest Camp");
    let mut venue = Venue::start(&[rennes.clone(), brest.clone()]).await;
    let mut phone = venue.participant("brest").await;
    phone.claim_ok("d0-0930", "amphi", "Kept").await;
    phone.leave().await;
    venue.restart(std::slice::from_ref(&rennes)).await;
    let (status, _) = request(&venue, "/e/brest")
        .cookie(None)
        .lang("en")
        .page()
        .await;
    assert_eq!(status, 404, "brest is not served any more");
    assert!(venue.event_dir("brest").join("snapshot.json").is_file());
    venue.restart(&[rennes, brest]).await;
    assert_eq!(venue.board("brest").await["sessions"][0]["title"], "Kept");
}

/// Starts a server over `atelier`, claims a session there, and returns the
/// venue without that room. `clean`: stopped cleanly (the session is in the
/// snapshot); else left running (the session is only in the journal).
async fn session_in_a_room_to_remove(clean: bool) -> (Venue, Ev) {
    let full = Ev::live("camp", "Camp");
    let mut venue = Venue::start(std::slice::from_ref(&full)).await;
    let mut phone = venue.participant("camp").await;
    phone.claim_ok("d1-1030", "atelier", "Café & Rust").await;
    let dir = venue.event_dir("camp");
    if clean {
        phone.leave().await;
        venue.stop().await;
        assert!(
            std::fs::read_to_string(dir.join("snapshot.json"))
                .unwrap()
                .contains("Café & Rust")
        );
        assert_eq!(std::fs::read(dir.join("journal.jsonl")).unwrap(), b"");
    } else {
        // Like a crash: the hub never writes its snapshot.
        std::mem::forget(venue.server.take());
        std::mem::forget(phone);
        assert!(!dir.join("snapshot.json").exists());
        assert!(
            std::fs::read_to_string(dir.join("journal.jsonl"))
                .unwrap()
                .contains("Café & Rust")
        );
    }
    let fewer = Ev {
        rooms: vec!["amphi"],
        ..full
    };
    (venue, fewer)
}

async fn expect_refused_naming_the_session(venue: &Venue, fewer: &Ev) {
    let dir = venue.event_dir("camp");
    let files = |d: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<_> = ["journal.jsonl", "snapshot.json"]
            .iter()
            .map(|f| (d.join(f), std::fs::read(d.join(f)).unwrap_or_default()))
            .collect();
        v.sort();
        v
    };
    let before = files(&dir);
    let err = try_start(venue.data.path(), std::slice::from_ref(fewer), &venue.clock)
        .await
        .err()
        .expect("the start is refused");
    let message = format!("{err:#}");
    for part in [
        "camp",
        "s_1",
        "\"Café & Rust\"",
        "slot \"d1-1030\"",
        "room \"atelier\"",
        "the room is not in the config",
        "put these rooms and slots back in the config",
        "move or remove these sessions",
    ] {
        assert!(message.contains(part), "{part:?} is not in: {message}");
    }
    assert_eq!(files(&dir), before, "nothing changed on disk");
}

#[tokio::test]
async fn removing_a_room_that_holds_a_session_stops_the_start_from_the_journal() {
    let (venue, fewer) = session_in_a_room_to_remove(false).await;
    expect_refused_naming_the_session(&venue, &fewer).await;
}

#[tokio::test]
async fn removing_a_room_that_holds_a_session_stops_the_start_from_the_snapshot() {
    let (mut venue, fewer) = session_in_a_room_to_remove(true).await;
    expect_refused_naming_the_session(&venue, &fewer).await;
    // Putting the room back is the fix.
    let full = Ev {
        rooms: vec!["amphi", "atelier"],
        ..fewer
    };
    venue.restart(&[full]).await;
    assert_eq!(
        venue.board("camp").await["sessions"][0]["title"],
        "Café & Rust"
    );
}
