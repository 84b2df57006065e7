//! The exports of one small, played BarCamp: two days, three rooms.

use serde_json::Value;

use super::*;
use crate::board::{
    Actor, Cell, Command, Description, Host, Limits, ParticipantId, Role, RoomId, SessionId,
    SlotId, Tags, Title,
};
use crate::config::{Config, Overrides};
use crate::i18n::Lang;

const URL: &str = "https://camp.example";

fn event() -> EventConfig {
    let hash = crate::auth::hash_secret("secret");
    let text = format!(
        r#"
[[events]]
slug = "camp"
title = "Camp <b>&</b> Co"
timezone = "Europe/Paris"
languages = ["fr", "en"]
organiser_token_hash = "{hash}"
rooms = [
  {{ id = "amphi", name = "Amphi", capacity = 100 }},
  {{ id = "a", name = "Salle \"A\"", capacity = 30 }},
  {{ id = "b", name = "Bréhat", capacity = 20 }},
]
[[events.days]]
date = "2026-12-05"
slots = [
  {{ id = "sat-0930", start = "09:30", end = "10:15" }},
  {{ id = "sat-1030", start = "10:30", end = "11:45" }},
]
[[events.days]]
date = "2026-12-06"
slots = [
  {{ id = "sun-1000", start = "10:00", end = "10:45" }},
]
"#
    );
    let config = Config::from_toml_str(&text, "test.toml", &Overrides::default()).unwrap();
    config.events.into_iter().next().unwrap()
}

fn claim(
    board: &mut Board,
    who: &str,
    slot: &str,
    room: &str,
    title: &str,
    desc: &str,
) -> SessionId {
    let l = Limits::default();
    let actor = Actor {
        id: ParticipantId::from(who),
        role: Role::Participant,
    };
    let change = board
        .execute(
            &actor,
            &Command::Claim {
                cell: Cell {
                    slot: SlotId::from(slot),
                    room: RoomId::from(room),
                },
                title: Title::parse(title, &l).unwrap(),
                host: Host::parse(&format!("{who} <host>"), &l).unwrap(),
                description: Description::parse(desc, &l).unwrap(),
                tags: Tags::parse(&["rust", "web, dev"], &l).unwrap(),
            },
        )
        .unwrap();
    match change {
        crate::board::Change::Claimed { session, .. } => session.id.clone(),
        other => panic!("not a claim: {other:?}"),
    }
}

/// Three sessions over two days, one with every character that needs
/// escaping somewhere.
fn played() -> (EventConfig, Board) {
    let event = event();
    let mut board = Board::new(event.grid());
    claim(
        &mut board,
        "p_alice",
        "sat-1030",
        "b",
        "Rust, \"fast\" & <safe>",
        "Line one\nline two; with <img src=x onerror=alert(1)>",
    );
    claim(&mut board, "p_bob", "sat-0930", "a", "Crêpes", "");
    claim(
        &mut board,
        "p_carol",
        "sun-1000",
        "amphi",
        "<img src=x onerror=alert(1)>",
        "a, b",
    );
    (event, board)
}

#[test]
fn every_export_is_the_same_bytes_for_the_same_board() {
    let (event, board) = played();
    let (_, again) = played();
    let at: jiff::Timestamp = "2026-12-06T18:00:00Z".parse().unwrap();
    assert_eq!(
        ics(&event, &board, URL, Some(at)),
        ics(&event, &again, URL, Some(at))
    );
    assert_eq!(
        ics(&event, &board, URL, None),
        ics(&event, &again, URL, None)
    );
    assert_eq!(csv(&event, &board), csv(&event, &again));
    assert_eq!(frab_xml(&event, &board, URL), frab_xml(&event, &again, URL));
    assert_eq!(
        frab_json(&event, &board, URL),
        frab_json(&event, &again, URL)
    );
    for lang in Lang::ALL {
        assert_eq!(
            static_html(&event, &board, lang),
            static_html(&event, &again, lang)
        );
    }
}

#[test]
fn ics_stamps_with_the_given_time_or_the_first_slot() {
    let (event, board) = played();
    let at: jiff::Timestamp = "2026-12-06T18:00:00Z".parse().unwrap();
    let text = ics(&event, &board, URL, Some(at));
    assert_eq!(
        text.matches("DTSTAMP:20261206T180000Z").count(),
        3,
        "{text}"
    );
    let text = ics(&event, &board, URL, None);
    // 09:30 in Paris in December is 08:30 UTC.
    assert_eq!(
        text.matches("DTSTAMP:20261205T083000Z").count(),
        3,
        "{text}"
    );
    let unfolded = icalendar::parser::unfold(&text);
    let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
    let summaries: Vec<String> = cal
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .map(|c| {
            c.find_prop("SUMMARY")
                .unwrap()
                .val
                .clone()
                .unescape_text()
                .as_str()
                .to_owned()
        })
        .collect();
    assert_eq!(summaries.len(), 3);
    assert!(summaries.contains(&"Rust, \"fast\" & <safe>".to_owned()));
}

#[test]
fn one_session_ics_has_one_vevent_and_unknown_is_none() {
    let (event, board) = played();
    let id = board.sessions().next().unwrap().id.clone();
    let text = ics_session(&event, &board, &id, URL, None).unwrap();
    let unfolded = icalendar::parser::unfold(&text);
    let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
    let events: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(events.len(), 1, "{text}");
    assert_eq!(
        events[0].find_prop("UID").unwrap().val.as_str(),
        format!("camp-{id}@slotboard")
    );
    assert!(text.contains("BEGIN:VTIMEZONE"), "{text}");
    assert!(ics_session(&event, &board, &SessionId::from("s_999"), URL, None).is_none());
}

#[test]
fn csv_has_a_header_and_one_quoted_row_per_session_in_programme_order() {
    let (event, board) = played();
    let text = csv(&event, &board);
    assert!(text.starts_with(
        "day,start,end,room_id,room,title,host,description,tags,votes,session_id\r\n"
    ));
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let cols = |r: &::csv::StringRecord| r.iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        cols(&rows[0]),
        [
            "2026-12-05",
            "09:30",
            "10:15",
            "a",
            "Salle \"A\"",
            "Crêpes",
            "p_bob <host>",
            "",
            "rust, web, dev",
            "0",
            "s_2"
        ]
    );
    assert_eq!(cols(&rows[1])[5], "Rust, \"fast\" & <safe>");
    assert_eq!(
        cols(&rows[1])[7],
        "Line one\nline two; with <img src=x onerror=alert(1)>"
    );
    assert_eq!(cols(&rows[2])[0], "2026-12-06");
}

#[test]
fn guids_are_uuid_shaped_stable_and_distinct() {
    let (_, board) = played();
    let ids: Vec<String> = board.sessions().map(|s| frab::guid("camp", s)).collect();
    for g in &ids {
        let parts: Vec<usize> = g.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{g}");
        assert!(g.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert_eq!(&g[14..15], "5", "version 5: {g}");
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    let again: Vec<String> = board.sessions().map(|s| frab::guid("camp", s)).collect();
    assert_eq!(ids, again);
    let other: Vec<String> = board.sessions().map(|s| frab::guid("other", s)).collect();
    assert_ne!(ids, other, "another event's sessions get other guids");
}

#[test]
fn frab_xml_carries_every_session_with_frab_times() {
    let (event, board) = played();
    let xml = frab_xml(&event, &board, URL);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert_eq!(xml.matches("<event ").count(), 3, "{xml}");
    assert!(xml.contains("<acronym>camp</acronym>"));
    assert!(
        xml.contains("<title>Camp &lt;b&gt;&amp;&lt;/b&gt; Co</title>"),
        "{xml}"
    );
    assert!(
        xml.contains("<date>2026-12-05T10:30:00+01:00</date>"),
        "{xml}"
    );
    assert!(xml.contains("<duration>01:15</duration>"), "{xml}");
    assert!(
        xml.contains("<timeslot_duration>00:45</timeslot_duration>"),
        "{xml}"
    );
    assert!(xml.contains(r#"<day index="2" date="2026-12-06" start="2026-12-06T10:00:00+01:00" end="2026-12-06T10:45:00+01:00">"#), "{xml}");
    assert!(!xml.contains("<img"), "escaped: {xml}");
    // Every room on every day, in the config's order.
    assert_eq!(xml.matches("<room name=").count(), 6, "{xml}");
    // Read it back: well-formed, and the titles come back as they were.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut titles = Vec::new();
    let mut in_title = false;
    let mut depth = 0;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                in_title = e.name().as_ref() == b"title" && depth == 5;
                if in_title {
                    titles.push(String::new());
                }
            }
            quick_xml::events::Event::Text(t) if in_title => {
                titles.last_mut().unwrap().push_str(&t.decode().unwrap());
            }
            quick_xml::events::Event::GeneralRef(r) if in_title => {
                let name = String::from_utf8(r.to_vec()).unwrap();
                let ch = match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                };
                titles.last_mut().unwrap().push_str(ch);
            }
            quick_xml::events::Event::End(_) => {
                depth -= 1;
                in_title = false;
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert!(
        titles.iter().any(|t| t == "<img src=x onerror=alert(1)>"),
        "{titles:?}"
    );
}

#[test]
fn frab_json_carries_every_session_with_rooms_in_order() {
    let (event, board) = played();
    let v: Value = serde_json::from_str(&frab_json(&event, &board, URL)).unwrap();
    let c = &v["schedule"]["conference"];
    assert_eq!(c["acronym"], "camp");
    assert_eq!(c["daysCount"], 2);
    assert_eq!(c["time_zone_name"], "Europe/Paris");
    assert_eq!(v["schedule"]["base_url"], "https://camp.example/e/camp");
    let day = &c["days"][0];
    let rooms: Vec<&String> = day["rooms"].as_object().unwrap().keys().collect();
    // serde_json's map sorts its keys when read back; the count is what matters here.
    assert_eq!(rooms.len(), 3);
    let text = frab_json(&event, &board, URL);
    let amphi = text.find("\"Amphi\": [").unwrap();
    let salle = text.find("\"Salle \\\"A\\\"\": [").unwrap();
    assert!(amphi < salle, "rooms keep the config's order");
    let mut titles = Vec::new();
    for d in c["days"].as_array().unwrap() {
        for (room, events) in d["rooms"].as_object().unwrap() {
            for e in events.as_array().unwrap() {
                assert_eq!(&e["room"], room);
                titles.push(e["title"].as_str().unwrap().to_owned());
            }
        }
    }
    titles.sort();
    assert_eq!(
        titles,
        [
            "<img src=x onerror=alert(1)>",
            "Crêpes",
            "Rust, \"fast\" & <safe>"
        ]
    );
    let rust = c["days"][0]["rooms"]["Bréhat"][0].clone();
    assert_eq!(rust["start"], "10:30");
    assert_eq!(rust["duration"], "01:15");
    assert_eq!(rust["date"], "2026-12-05T10:30:00+01:00");
    assert_eq!(rust["persons"][0]["public_name"], "p_alice <host>");
    assert_eq!(rust["tags"], serde_json::json!(["rust", "web, dev"]));
}

#[test]
fn static_html_is_self_contained_escaped_and_in_the_asked_language() {
    let (event, board) = played();
    let fr = static_html(&event, &board, Lang::Fr);
    let en = static_html(&event, &board, Lang::En);
    for html in [&fr, &en] {
        assert!(!html.contains("<script"), "no script");
        assert!(!html.contains("<img"), "escaped");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("src=\""), "nothing loaded: {html}");
        assert!(!html.contains("href=\""), "no link out: {html}");
        assert!(!html.contains("<link"), "no stylesheet out");
        assert!(html.contains("<style>"));
        for s in board.sessions() {
            let title = maud::html! { (s.title.as_str()) }.into_string();
            assert!(html.contains(&title), "{title} listed");
        }
        assert_eq!(html.matches("<section class=\"day\"").count(), 2);
    }
    assert!(fr.contains("<html lang=\"fr\">"));
    assert!(fr.contains("samedi 5 décembre 2026"), "{fr}");
    assert!(en.contains("Saturday 5 December 2026"), "{en}");
    assert!(en.contains("Sunday 6 December 2026"), "{en}");
}

#[test]
fn an_empty_board_still_exports() {
    let event = event();
    let board = Board::new(event.grid());
    assert!(ics(&event, &board, URL, None).contains("BEGIN:VCALENDAR"));
    assert_eq!(csv(&event, &board).lines().count(), 1);
    assert_eq!(frab_xml(&event, &board, URL).matches("<day ").count(), 2);
    let v: Value = serde_json::from_str(&frab_json(&event, &board, URL)).unwrap();
    assert_eq!(
        v["schedule"]["conference"]["days"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(static_html(&event, &board, Lang::En).contains("0 sessions"));
}
