//! The door sign of a room (`/e/{event}/room/{room}`) through the real
//! server, on a clock the test sets: the session now and the next one, a
//! free cell with the QR code of its claim form, the clock moving on, an
//! unknown room, both languages, and the links from the wall and admin.

use std::sync::Arc;

use jiff::Timestamp;
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use tokio::net::TcpListener;

use crate::kit::*;

/// The test camp on a clock standing at `at` (Paris time, on its day).
struct Camp {
    server: Server,
    clock: Arc<ManualClock>,
    _data: tempfile::TempDir,
}

fn paris(hhmm: &str) -> Timestamp {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    format!("2037-12-05T{hhmm}")
        .parse::<jiff::civil::DateTime>()
        .unwrap()
        .to_zoned(tz)
        .unwrap()
        .timestamp()
}

impl Camp {
    async fn at(hhmm: &str) -> Camp {
        let data = tempfile::tempdir().unwrap();
        let text = config_text(data.path(), "");
        let config = Config::from_toml_str(&text, "door-test.toml", &Overrides::default())
            .expect("test config");
        let clock = ManualClock::at(paris(hhmm));
        let sources = Sources {
            clock: clock.clone(),
            ..Sources::default()
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Server::start_with(config, listener, sources)
            .await
            .expect("server starts");
        Camp {
            server,
            clock,
            _data: data,
        }
    }

    async fn participant(&self) -> Client {
        Client::join(
            &format!("ws://{}/e/camp/ws", self.server.addr()),
            Cmd::hello(),
        )
        .await
    }

    async fn organiser(&self) -> Client {
        Client::join(
            &format!("ws://{}/e/camp/ws", self.server.addr()),
            Cmd::hello_organiser(),
        )
        .await
    }

    /// The sign of `room`, in `lang`: its status and HTML.
    async fn sign(&self, room: &str, lang: &str) -> (u16, String) {
        let (status, body) = request(&self.server.addr(), &format!("/e/camp/room/{room}"))
            .lang(lang)
            .page()
            .await;
        (status.as_u16(), body)
    }

    async fn sign_ok(&self, room: &str, lang: &str) -> String {
        let (status, body) = self.sign(room, lang).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

/// The element that starts with `open`, up to `close`.
fn element<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open} on the sign"));
    let len = html[start..].find(close).expect("closed") + close.len();
    &html[start..start + len]
}

fn line<'a>(html: &'a str, which: &str) -> &'a str {
    element(html, &format!("<section id=\"door-{which}\""), "</section>")
}

fn claim_aside(html: &str) -> &str {
    element(html, "<aside id=\"door-claim\"", "</aside>")
}

#[tokio::test]
async fn the_sign_shows_the_session_now_and_the_next_one() {
    let camp = Camp::at("09:40").await;
    let mut mael = camp.participant().await;
    mael.claim_ok("sat-0930", "amphi", "Rust & WebSockets")
        .await;
    mael.claim_ok("sat-1030", "amphi", "Beta").await;

    let html = camp.sign_ok("amphi", "en").await;
    assert!(
        html.contains("<h1 class=\"door-room\">Amphi</h1>"),
        "{html}"
    );
    assert!(html.contains("/assets/door.js") && html.contains("/assets/live.js"));
    assert!(html.contains("/assets/door.css"));
    let now = line(&html, "now");
    assert!(now.contains("data-state=\"taken\""), "{now}");
    assert!(now.contains("data-slot=\"sat-0930\""), "{now}");
    assert!(now.contains(">Now<"), "{now}");
    assert!(now.contains("09:30–10:15"), "{now}");
    assert!(
        now.contains("<p class=\"door-title\">Rust &amp; WebSockets</p>"),
        "{now}"
    );
    assert!(now.contains("<p class=\"door-host\">Maël</p>"), "{now}");
    let next = line(&html, "next");
    assert!(next.contains("data-slot=\"sat-1030\""), "{next}");
    assert!(next.contains(">Next<") && next.contains(">Beta<"), "{next}");
    assert!(next.contains("10:30–11:15"), "{next}");
    let aside = claim_aside(&html);
    assert!(
        aside.starts_with("<aside id=\"door-claim\" class=\"door-claim\" hidden"),
        "nothing free, nothing offered: {aside}"
    );
    // The script's data: which slots are now and next from each instant on.
    let data = element(
        &html,
        "<script type=\"application/json\" id=\"door-data\">",
        "</script>",
    );
    assert!(data.contains("\"room\":\"amphi\""), "{data}");
    let at_0930 = paris("09:30").as_millisecond();
    assert!(
        data.contains(&format!(
            "{{\"from\":{at_0930},\"now\":0,\"next\":1,\"next_day\":false}}"
        )),
        "the step of sat-0930: {data}"
    );
    // No JS: it reloads itself.
    assert!(html.contains("<meta http-equiv=\"refresh\" content=\"60\">"));

    // The clock moves on: between two slots, nothing runs and Beta is next.
    camp.clock.set(paris("10:20"));
    let html = camp.sign_ok("amphi", "en").await;
    let now = line(&html, "now");
    assert!(now.contains("data-state=\"none\""), "{now}");
    assert!(now.contains("Nothing on right now"), "{now}");
    assert!(line(&html, "next").contains(">Beta<"));
    // The evening before: the next one says its day.
    camp.clock
        .set(paris("09:40") - jiff::SignedDuration::from_hours(12));
    let html = camp.sign_ok("amphi", "en").await;
    let next = line(&html, "next");
    assert!(next.contains("Sat 5 Dec 09:30–10:15"), "{next}");
    assert!(next.contains(">Rust &amp; WebSockets<"), "{next}");
    // After the day: nothing more.
    camp.clock.set(paris("18:00"));
    let html = camp.sign_ok("amphi", "en").await;
    assert!(line(&html, "next").contains("Nothing more on the programme"));
}

#[tokio::test]
async fn a_free_cell_offers_the_qr_code_of_its_claim_form() {
    let camp = Camp::at("09:40").await;
    let html = camp.sign_ok("ouessant", "en").await;
    let now = line(&html, "now");
    assert!(now.contains("data-state=\"free\""), "{now}");
    assert!(now.contains("Free: claim it"), "{now}");
    let aside = claim_aside(&html);
    assert!(
        !aside[..aside.find('>').unwrap()].contains(" hidden"),
        "{aside}"
    );
    assert!(aside.contains("data-slot=\"sat-0930\""), "{aside}");
    let url = "http://barcamp.test/e/camp/claim?slot=sat-0930&room=ouessant#claim-form";
    assert!(
        aside.contains(&format!(
            "<p id=\"door-url\" class=\"door-url\">{}</p>",
            url.replace('&', "&amp;")
        )),
        "{aside}"
    );
    let qr = slotboard::views::qr::svg(url, None).unwrap();
    assert!(
        aside.contains(&qr),
        "the QR code is the claim URL's: {aside}"
    );

    // The code opens the phone's claim form of that cell.
    let path = url.trim_start_matches("http://barcamp.test");
    let path = &path[..path.find('#').unwrap()];
    let (status, form) = request(&camp.server.addr(), path).lang("en").page().await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("id=\"claim-form\""), "{form}");
    assert!(form.contains("value=\"sat-0930\"") && form.contains("value=\"ouessant\""));

    // Once taken now, the code is that of the next free cell.
    let mut mael = camp.participant().await;
    mael.claim_ok("sat-0930", "ouessant", "Alpha").await;
    let html = camp.sign_ok("ouessant", "en").await;
    let aside = claim_aside(&html);
    assert!(aside.contains("data-slot=\"sat-1030\""), "{aside}");
    assert!(aside.contains("slot=sat-1030&amp;room=ouessant"), "{aside}");
    // One code on the page (the script asks the page again for another);
    // the script has every cell's claim URL.
    assert_eq!(html.matches("<svg").count(), 1, "one QR code");
    assert!(
        html.contains("\"claim\":\"http://barcamp.test/e/camp/claim?slot=sat-1130\\u0026room=ouessant#claim-form\""),
        "{html}"
    );
}

#[tokio::test]
async fn a_locked_cell_is_not_offered() {
    let camp = Camp::at("09:40").await;
    let mut org = camp.organiser().await;
    org.command(Cmd::lock("sat-0930", "sein"))
        .await
        .expect_ack();
    org.command(Cmd::lock("sat-1030", "sein"))
        .await
        .expect_ack();
    let html = camp.sign_ok("sein", "en").await;
    assert!(line(&html, "now").contains("data-state=\"locked\""));
    assert!(line(&html, "next").contains("Not available"));
    assert!(claim_aside(&html).contains(" hidden"));
}

#[tokio::test]
async fn an_unknown_room_is_404_in_the_event_language() {
    let camp = Camp::at("09:40").await;
    let (status, en) = camp.sign("attic", "en").await;
    assert_eq!(status, 404, "{en}");
    assert!(en.contains("There is no room &quot;attic&quot;"), "{en}");
    let (status, fr) = camp.sign("attic", "fr").await;
    assert_eq!(status, 404);
    assert!(fr.contains("Il n'y a pas de salle"), "{fr}");
    // Whatever the name holds, it is text.
    let (status, odd) = camp.sign("%3Cb%3Ex%3C%2Fb%3E", "en").await;
    assert_eq!(status, 404);
    assert!(!odd.contains("<b>x</b>"), "{odd}");
    // An unknown event is the event's 404.
    let (status, _) = request(&camp.server.addr(), "/e/nope/room/amphi")
        .lang("en")
        .page()
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_sign_speaks_french() {
    let camp = Camp::at("09:40").await;
    let html = camp.sign_ok("brehat", "fr").await;
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(line(&html, "now").contains(">Maintenant<"));
    assert!(line(&html, "next").contains(">Ensuite<"));
    assert!(line(&html, "now").contains("Libre : proposez une session"));
    assert!(claim_aside(&html).contains("depuis votre téléphone"));
}

#[tokio::test]
async fn the_wall_and_admin_link_every_room_sign() {
    let camp = TestServer::start().await;
    let (status, wall) = request(&camp, "/e/camp/wall").lang("en").page().await;
    assert_eq!(status, 200);
    let org = organiser_login(&camp).await;
    let (status, admin) = request(&camp, "/e/camp/admin")
        .cookie(Some(&org.cookie))
        .lang("en")
        .page()
        .await;
    assert_eq!(status, 200, "{admin}");
    for room in ["amphi", "ouessant", "brehat", "sein"] {
        let href = format!("href=\"/e/camp/room/{room}\"");
        assert!(wall.contains(&href), "the wall links {room}'s sign");
        assert!(admin.contains(&href), "admin links {room}'s sign");
        // And the sign is there.
        let (status, _) = request(&camp, &format!("/e/camp/room/{room}")).page().await;
        assert_eq!(status, 200);
    }
}
