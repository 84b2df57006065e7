//! Tests of the phone view against a real config: the core's schedule agrees
//! with the config's own slot times, and the page names what the core says.

use jiff::Timestamp;

use super::*;
use crate::board::schedule::Phase;
use crate::config::{Config, Overrides};

const CONFIG: &str = r#"
[server]
public_url = "http://x.test"
[[events]]
slug = "camp"
title = "Camp"
timezone = "Europe/Paris"
organiser_token_hash = "sha256:6dc943766c1c854e0621c272083187f7:42a2aa3221640da8a41625d7449bee969e545d02fc438d7ca2c13fabbd9a12c8"
[[events.rooms]]
id = "big"
name = "Big"
capacity = 100
[[events.rooms]]
id = "small"
name = "Small"
capacity = 2
[[events.days]]
date = "2026-12-05"
slots = [
  { id = "a", start = "09:30", end = "10:15" },
  { id = "b", start = "10:30", end = "11:15" },
]
[[events.days]]
date = "2027-03-28"
slots = [
  { id = "dst", start = "02:30", end = "03:30" },
]
"#;

fn event() -> EventConfig {
    Config::from_toml_str(CONFIG, "t.toml", &Overrides::default())
        .unwrap()
        .events
        .remove(0)
}

#[test]
fn the_core_places_slots_as_the_config_does() {
    let e = event();
    let board = Board::new(e.grid());
    let s = schedule(&e, &board);
    // Including a start in the night the clocks go forward.
    for slot in &board.grid().slots {
        let config = e
            .slot_times(slot.id.as_str())
            .map(|(a, b)| (a.timestamp(), b.timestamp()));
        assert_eq!(s.times_of(&slot.id), config, "{}", slot.id);
    }
}

#[test]
fn the_page_marks_the_running_slot_and_jumps_to_it() {
    let e = event();
    let board = Board::new(e.grid());
    let me = ParticipantId("p_1".into());
    let reqs = crate::views::FormReqs::new("f-t".into());
    let limits = Limits::default();
    // 09:45 in Paris in December is 08:45 UTC: slot a is on.
    let now: Timestamp = "2026-12-05T08:45:00Z".parse().unwrap();
    let view = View {
        lang: Lang::En,
        event: &e,
        board: &board,
        me: &me,
        device_url: "http://x.test/e/camp/me?l=p_0.1.2.3".into(),
        limits: &limits,
        now,
        notice: None,
        claim: None,
        host: None,
        reqs: &reqs,
    };
    assert_eq!(
        schedule(&e, &board).clock(now).phase(&"a".into()),
        Phase::Now
    );
    let html = page(&view).into_string();
    assert!(
        html.contains(r#"<tr id="slot-a" class="slot now""#),
        "{html}"
    );
    assert!(html.contains(r##"<a id="jump-now" href="#slot-a">Jump to now</a>"##));
    assert!(
        html.contains(r#"<div class="qr" data-src="/e/camp/me/qr.svg?l=p_0.1.2.3""#)
            && html.contains(r#"<a class="qr-link" href="/e/camp/me/qr.svg?l=p_0.1.2.3">"#),
        "the device's QR code, fetched when opened: {html}"
    );
}
