//! The wall (projector) page through the real server: the DOM contract of
//! its cells, the QR code, the announcement, now/next from the clock, paging.

use jiff::ToSpan;
use jiff::civil::Time;
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use tokio::net::TcpListener;

use crate::kit::*;

/// The wall's HTML, in a language.
async fn wall(base: &str, slug: &str, lang: &str) -> String {
    let r = http_client()
        .get(format!("{base}/e/{slug}/wall?lang={lang}"))
        .send()
        .await
        .expect("GET the wall");
    assert_eq!(r.status().as_u16(), 200);
    r.text().await.expect("body")
}

async fn camp_wall(camp: &TestServer) -> String {
    wall(&camp.http(""), "camp", "en").await
}

/// The `<td>` of a cell, whole.
fn cell<'a>(html: &'a str, slot: &str, room: &str) -> &'a str {
    let open = format!("<td data-slot=\"{slot}\" data-room=\"{room}\"");
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no cell {slot}/{room} on the wall"));
    assert_eq!(
        html.matches(&open).count(),
        1,
        "the cell {slot}/{room} is on the wall exactly once"
    );
    let len = html[start..].find("</td>").expect("a closed cell") + "</td>".len();
    &html[start..start + len]
}

/// The element that starts with `open` (e.g. `<div id="x"`), up to `close`.
fn element<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open} on the wall"));
    let len = html[start..].find(close).expect("closed") + close.len();
    &html[start..start + len]
}

#[tokio::test]
async fn the_wall_shows_claims_locks_and_free_cells_with_the_dom_contract() {
    let camp = TestServer::start().await;
    let mut mael = camp.participant().await;
    let id = mael
        .claim_ok("sat-0930", "amphi", "Rust & WebSockets")
        .await;
    let mut org = camp.organiser().await;
    let a = org.command(Cmd::lock("sat-1030", "sein")).await;
    a.expect_ack();

    let html = camp_wall(&camp).await;
    assert!(html.contains("id=\"wall\""), "#wall root");
    assert!(html.contains("/assets/wall.js"), "the live script");
    assert!(html.contains("/assets/live.js"));

    let taken = cell(&html, "sat-0930", "amphi");
    assert!(taken.contains("data-state=\"taken\""), "{taken}");
    assert!(taken.contains(&format!("data-session=\"{id}\"")), "{taken}");
    assert!(
        taken.contains("<span class=\"session-title\">Rust &amp; WebSockets</span>"),
        "the title is text in .session-title: {taken}"
    );
    assert!(taken.contains("Maël"), "the host shows: {taken}");

    let locked = cell(&html, "sat-1030", "sein");
    assert!(locked.contains("data-state=\"locked\""), "{locked}");
    assert!(locked.contains("Locked"), "a locked cell says so in words");
    let free = cell(&html, "sat-1130", "brehat");
    assert!(free.contains("data-state=\"free\""), "{free}");
    assert!(!free.contains("data-session"), "{free}");
    assert!(free.contains("Free"), "a free cell says so in words");
    // Every cell of the day, each once.
    for slot in ["sat-0930", "sat-1030", "sat-1130"] {
        for room in ["amphi", "ouessant", "brehat", "sein"] {
            cell(&html, slot, room);
        }
    }

    // The connection indicator, the stale warning (hidden until the JS says
    // otherwise), presence and the last change.
    let conn = element(&html, "<p id=\"conn\"", "</p>");
    assert!(conn.contains("data-status=\"connecting\""), "{conn}");
    assert!(conn.contains("Connecting"), "a visible label: {conn}");
    let stale = element(&html, "<div id=\"stale\"", ">");
    assert!(
        stale.contains(" hidden"),
        "#stale is hidden at first: {stale}"
    );
    let presence = element(&html, "<span id=\"presence\">", "</span>");
    let n: usize = presence
        .trim_start_matches("<span id=\"presence\">")
        .trim_end_matches("</span>")
        .parse()
        .expect("#presence holds the count");
    assert!(n >= 2, "two sockets are open: {presence}");
}

#[tokio::test]
async fn the_last_change_is_shown_in_the_event_timezone() {
    let camp = TestServer::start().await;
    let html = camp_wall(&camp).await;
    let none = element(&html, "<time id=\"last-change\"", "</time>");
    assert!(none.contains("—"), "no change yet: {none}");

    let mut viewer = camp.viewer().await;
    let mut mael = camp.participant().await;
    mael.claim_ok("sat-0930", "amphi", "Une session").await;
    let event = viewer.expect_event_rev(1).await;
    let at: jiff::Timestamp = event["at"].as_str().unwrap().parse().unwrap();
    let hhmm = at
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .strftime("%H:%M")
        .to_string();

    let html = camp_wall(&camp).await;
    let last = element(&html, "<time id=\"last-change\"", "</time>");
    assert!(
        last.contains(&format!(">{hhmm}</time>")),
        "{last} shows {hhmm}"
    );
    assert!(last.contains(&format!("datetime=\"{at}\"")), "{last}");

    // A restart snapshots and seals the journal: the time is still known.
    drop((viewer, mael));
    let mut camp = camp;
    camp.restart().await;
    let html = camp_wall(&camp).await;
    let last = element(&html, "<time id=\"last-change\"", "</time>");
    assert!(
        last.contains(&format!(">{hhmm}</time>")),
        "after a restart: {last}"
    );
}

#[tokio::test]
async fn the_qr_code_and_the_short_url_lead_to_the_phone_view() {
    let camp = TestServer::start().await;
    let html = camp_wall(&camp).await;
    let qr = element(&html, "<div id=\"qr\"", "</div>");
    assert!(qr.contains("<svg"), "an inline SVG: {qr}");
    assert!(qr.contains("viewBox="), "it scales: {qr}");
    let expected = slotboard::views::wall::qr_svg("http://barcamp.test/e/camp").unwrap();
    assert!(
        qr.contains(&expected),
        "the QR code encodes the phone view's URL"
    );
    assert!(!html.contains("<?xml"), "no XML declaration inside HTML");

    let url = element(&html, "<p class=\"short-url\">", "</p>");
    let text = url
        .trim_start_matches("<p class=\"short-url\">")
        .trim_end_matches("</p>")
        .replace("<wbr>", "");
    assert_eq!(text, "http://barcamp.test/e/camp");
}

#[tokio::test]
async fn the_announcement_is_a_banner_and_stays_text() {
    let camp = TestServer::start().await;
    let html = camp_wall(&camp).await;
    let banner = element(&html, "<div id=\"announcement\"", ">");
    assert!(banner.contains(" hidden"), "no announcement, no banner");

    let mut org = camp.organiser().await;
    let text = "<img src=x onerror=alert(1)>";
    let a = org.command(Cmd::announce(text)).await;
    a.expect_ack();
    let html = camp_wall(&camp).await;
    let banner = element(&html, "<div id=\"announcement\"", "</div>");
    assert!(!banner.contains(" hidden"), "shown: {banner}");
    assert!(
        banner.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "escaped: {banner}"
    );
    assert!(!html.contains("<img"), "no element made of the text");
}

#[tokio::test]
async fn the_wall_speaks_french_and_english() {
    let camp = TestServer::start().await;
    let base = camp.http("");
    let en = wall(&base, "camp", "en").await;
    let fr = wall(&base, "camp", "fr").await;
    assert!(en.contains("<html lang=\"en\""));
    assert!(fr.contains("<html lang=\"fr\""));
    assert!(en.contains("Saturday 5 December") && en.contains(">Free<"));
    assert!(fr.contains("samedi 5 décembre") && fr.contains(">Libre<"));
    assert!(
        en.contains("Next") && fr.contains("Ensuite"),
        "the first slot to come is next"
    );
    for html in [&en, &fr] {
        for landmark in ["<main", "<header", "<footer", "<aside"] {
            assert!(html.contains(landmark), "{landmark}");
        }
    }
}

// ---------------------------------------------------------------------------
// Events of our own making: today's date, more rooms than fit.

/// A running server on a config of the test's own.
struct Custom {
    server: Server,
    _data: tempfile::TempDir,
}

impl Custom {
    async fn start(rooms: usize, days: &[(String, Vec<(String, String)>)]) -> Custom {
        Custom::start_at(rooms, days, None).await
    }

    /// [`Custom::start`] on a clock standing at `now` (the system's if none).
    async fn start_at(
        rooms: usize,
        days: &[(String, Vec<(String, String)>)],
        now: Option<jiff::Timestamp>,
    ) -> Custom {
        let data = tempfile::tempdir().expect("temp dir");
        let mut text = format!(
            r#"
[server]
bind = "127.0.0.1:0"
public_url = "http://barcamp.test"
data_dir = "{data}"

[[events]]
slug = "big"
title = "Big Camp"
timezone = "Europe/Paris"
organiser_token_hash = "{hash}"
"#,
            data = data.path().display().to_string().replace('\\', "/"),
            hash = slotboard::auth::hash_secret(ORGANISER),
        );
        for r in 0..rooms {
            text.push_str(&format!(
                "\n[[events.rooms]]\nid = \"r{r}\"\nname = \"Room {r}\"\ncapacity = 20\n"
            ));
        }
        let mut n = 0;
        for (date, slots) in days {
            text.push_str(&format!(
                "\n[[events.days]]\ndate = \"{date}\"\nslots = [\n"
            ));
            for (start, end) in slots {
                text.push_str(&format!(
                    "  {{ id = \"s{n}\", start = \"{start}\", end = \"{end}\" }},\n"
                ));
                n += 1;
            }
            text.push_str("]\n");
        }
        let config = Config::from_toml_str(&text, "wall-test.toml", &Overrides::default())
            .unwrap_or_else(|e| panic!("test config: {e}\n{text}"));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut sources = Sources::default();
        if let Some(now) = now {
            sources.clock = ManualClock::at(now);
        }
        let server = Server::start_with(config, listener, sources)
            .await
            .expect("server starts");
        Custom {
            server,
            _data: data,
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.server.addr())
    }
}

fn hhmm(t: Time) -> String {
    t.strftime("%H:%M").to_string()
}

#[tokio::test]
async fn the_slot_running_now_in_paris_is_marked_now_and_the_one_after_next() {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    // The server's clock is set, not read: 10:05 in Paris on a day of the
    // event, so the test means the same at any hour it runs.
    let now = jiff::civil::date(2037, 6, 6)
        .at(10, 5, 0, 0)
        .to_zoned(paris.clone())
        .unwrap();
    let t = now.time();
    let minute = Time::new(t.hour(), t.minute(), 0, 0).unwrap();
    let start = if minute >= Time::constant(0, 10, 0, 0) {
        minute.checked_sub(10.minutes()).unwrap()
    } else {
        Time::midnight()
    };
    let end = if minute < Time::constant(23, 30, 0, 0) {
        minute.checked_add(20.minutes()).unwrap()
    } else {
        Time::constant(23, 59, 0, 0)
    };
    let mut slots = Vec::new();
    let mut past = None;
    if start >= Time::constant(0, 30, 0, 0) {
        slots.push((
            hhmm(start.checked_sub(30.minutes()).unwrap()),
            hhmm(start.checked_sub(20.minutes()).unwrap()),
        ));
        past = Some("s0".to_owned());
    }
    let now_id = format!("s{}", slots.len());
    slots.push((hhmm(start), hhmm(end)));
    let mut next = None;
    if end < Time::constant(23, 0, 0, 0) {
        next = Some(format!("s{}", slots.len()));
        slots.push((
            hhmm(end.checked_add(10.minutes()).unwrap()),
            hhmm(end.checked_add(40.minutes()).unwrap()),
        ));
    }
    let today = now.date().to_string();
    let yesterday = now.date().yesterday().unwrap().to_string();
    let days = vec![
        (yesterday, vec![("10:00".to_owned(), "11:00".to_owned())]),
        (today.clone(), slots),
    ];
    // Ids: "s0" is yesterday's slot; today's start at "s1".
    let shift = |id: String| format!("s{}", id[1..].parse::<usize>().unwrap() + 1);
    let now_id = shift(now_id);
    let next = next.map(shift);
    let past = past.map(shift);

    let camp = Custom::start_at(2, &days, Some(now.timestamp())).await;
    let html = wall(&camp.base(), "big", "en").await;

    // Today is the day shown; yesterday's is there but hidden.
    let today_section = element(
        &html,
        &format!("<section class=\"day\" data-day=\"{today}\""),
        ">",
    );
    assert!(!today_section.contains(" hidden"), "{today_section}");
    let other = element(&html, "<section class=\"day\"", ">");
    assert!(other.contains(" hidden"), "yesterday is hidden: {other}");

    for room in ["r0", "r1"] {
        let c = cell(&html, &now_id, room);
        assert!(c.contains(" data-now"), "the running slot is now: {c}");
        assert!(!c.contains(" data-next"), "{c}");
    }
    let row = element(
        &html,
        &format!("<tr class=\"phase-now\" data-row=\"{now_id}\""),
        "</th>",
    );
    assert!(row.contains(">Now<"), "a label in words: {row}");
    assert!(row.contains("aria-current=\"time\""), "{row}");
    if let Some(next) = next {
        let c = cell(&html, &next, "r0");
        assert!(c.contains(" data-next") && !c.contains(" data-now"), "{c}");
        let row = element(
            &html,
            &format!("<tr class=\"phase-next\" data-row=\"{next}\""),
            "</th>",
        );
        assert!(row.contains(">Next<"), "{row}");
    }
    if let Some(past) = past {
        let c = cell(&html, &past, "r0");
        assert!(!c.contains(" data-now") && !c.contains(" data-next"), "{c}");
        assert!(html.contains(&format!("<tr class=\"phase-past\" data-row=\"{past}\"")));
    }
    assert_eq!(html.matches(" data-now").count(), 2, "one row is now");

    // French labels too.
    let fr = wall(&camp.base(), "big", "fr").await;
    assert!(fr.contains(">Maintenant<"));

    // The JS gets every slot's instants, so it needs no timezone logic.
    let (s, e) = (
        now.date()
            .to_datetime(start)
            .to_zoned(paris.clone())
            .unwrap(),
        now.date().to_datetime(end).to_zoned(paris).unwrap(),
    );
    assert!(html.contains(&format!(
        "\"id\":\"{now_id}\",\"day\":\"{today}\",\"start\":\"{}\",\"end\":\"{}\"",
        s.timestamp(),
        e.timestamp()
    )));
    camp.server.shutdown().await.expect("clean shutdown");
}

#[tokio::test]
async fn more_rooms_and_slots_than_fit_make_pages() {
    let slots: Vec<(String, String)> = (0..10)
        .map(|h| (format!("{:02}:00", 8 + h), format!("{:02}:45", 8 + h)))
        .collect();
    let camp = Custom::start(9, &[("2037-12-05".to_owned(), slots)]).await;
    let html = wall(&camp.base(), "big", "en").await;
    // 9 rooms by 10 slots: 2 x 2 pages of at most 6 rooms and 8 slots.
    for p in 1..=4 {
        assert!(
            html.contains(&format!("<p class=\"page-indicator\">Page {p}/4</p>")),
            "page {p}/4 is announced"
        );
    }
    assert!(!html.contains("Page 5/4"));
    for s in 0..10 {
        for r in 0..9 {
            cell(&html, &format!("s{s}"), &format!("r{r}"));
        }
    }
    assert!(
        html.contains("\"rotate_ms\":10000"),
        "the JS rotates the pages"
    );
    camp.server.shutdown().await.expect("clean shutdown");

    // The demo's size (6 rooms, 7 slots) fits on one page.
    let slots: Vec<(String, String)> = (0..7)
        .map(|h| (format!("{:02}:00", 8 + h), format!("{:02}:45", 8 + h)))
        .collect();
    let camp = Custom::start(6, &[("2037-12-05".to_owned(), slots)]).await;
    let html = wall(&camp.base(), "big", "en").await;
    assert!(!html.contains("page-indicator"), "one page, no indicator");
    camp.server.shutdown().await.expect("clean shutdown");
}
