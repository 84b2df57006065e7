//! Upcoming/live/ended on `/` follows the live grid: an event whose
//! organisers added a day past its config's days is still live on that day
//! (before, `/` read only config.toml and listed it as past while its board
//! ran). On a [`ManualClock`], no wall clock.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use tokio::net::TcpListener;

use crate::kit::*;

const TZ: &str = "Europe/Paris";

fn config(data: &std::path::Path) -> Config {
    let hash = slotboard::auth::hash_secret(ORGANISER);
    let mut text = format!(
        "[server]\nbind = \"127.0.0.1:0\"\npublic_url = \"http://barcamp.test\"\ndata_dir = \"{}\"\n",
        toml_path(data)
    );
    for (slug, day) in [("camp", "2037-06-06"), ("later", "2037-09-01")] {
        text.push_str(&format!(
            "\n[[events]]\nslug = \"{slug}\"\ntitle = \"{slug}\"\ntimezone = \"{TZ}\"\n\
             organiser_token_hash = \"{hash}\"\n\n[[events.rooms]]\nid = \"amphi\"\nname = \"Amphi\"\ncapacity = 30\n\n\
             [[events.days]]\ndate = \"{day}\"\nslots = [ {{ id = \"d0-0930\", start = \"09:30\", end = \"10:15\" }} ]\n"
        ));
    }
    Config::from_toml_str(&text, "index_state.toml", &Overrides::default()).unwrap()
}

/// The heading of `/` (in English) under which `slug` is listed.
fn listed_under(body: &str, slug: &str) -> String {
    let at = body
        .find(&format!("data-slug=\"{slug}\""))
        .unwrap_or_else(|| panic!("{slug} not on /: {body}"));
    let h = body[..at].rfind("</h3>").expect("a heading before it");
    let open = body[..h].rfind('>').unwrap();
    body[open + 1..h].to_owned()
}

#[tokio::test]
async fn an_event_extended_by_a_day_is_still_live_on_the_index() {
    let at = |day: &str, h: i8| -> Timestamp {
        let d: jiff::civil::Date = day.parse().unwrap();
        d.at(h, 0, 0, 0).in_tz(TZ).unwrap().timestamp()
    };
    let clock = ManualClock::at(at("2037-06-06", 9));
    let data = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sources = Sources {
        clock: clock.clone(),
        ..Sources::default()
    };
    let server = Server::start_with(config(data.path()), listener, sources)
        .await
        .unwrap();
    let base = format!("http://{}", server.addr());
    let index = || async {
        let (status, body) = request(&base, "/").cookie(None).lang("en").page().await;
        assert_eq!(status, 200);
        body
    };
    assert_eq!(listed_under(&index().await, "camp"), "Live now");

    // The organisers add a second day, past the config's only one.
    let mut orga = Client::join(
        &format!("ws://{}/e/camp/ws", server.addr()),
        Cmd::hello_organiser(),
    )
    .await;
    orga.command(json!({"op":"add_slot","slot":{"id":"d1-0930","day":"2037-06-07","start":"09:30","end":"10:15"}}))
        .await
        .expect_ack();

    // The next morning: config.toml's day is over, the live grid's is not.
    clock.set(at("2037-06-07", 9));
    assert_eq!(listed_under(&index().await, "camp"), "Live now");
    assert_eq!(listed_under(&index().await, "later"), "Coming up");
    // And once its last slot has passed, it is past.
    clock.advance(SignedDuration::from_hours(2));
    wait_until("camp to be listed as past", PATIENCE, || async {
        listed_under(&index().await, "camp") == "Past events"
    })
    .await;
    server.shutdown().await.unwrap();
}
