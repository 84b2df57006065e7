//! The live exports of a played event: iCalendar (whole and per session),
//! CSV, frab/pretalx XML and JSON, and the static programme, checked with the
//! parsers and the schema that other programs use.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::kit::*;

const SCHEMA: &str = "/work/shared/schemas/frab-schedule.xml.xsd";

/// The schema as the repository keeps it, else the shared copy.
fn schema() -> String {
    let local = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/frab-schedule.xml.xsd"
    );
    if Path::new(local).exists() {
        local.to_owned()
    } else {
        SCHEMA.to_owned()
    }
}

/// A morning played: claims (one title with a comma and quotes, one that
/// tries to be HTML), a release, an organiser's move, votes. Returns the
/// titles of the sessions left on the board.
async fn play(camp: &TestServer) -> Vec<&'static str> {
    let mut alice = camp.participant().await;
    let mut bob = camp.participant().await;
    let mut org = camp.organiser().await;
    let quoted = "Crêpes, a \"workshop\"; bring flour";
    let html = "<img src=x onerror=alert(1)>";
    let a = alice
        .claim_ok("sat-0930", "amphi", "Rust & WebSockets")
        .await;
    let b = alice.claim_ok("sat-1130", "brehat", quoted).await;
    let c = bob.claim_ok("sat-1030", "sein", html).await;
    let gone = bob.claim_ok("sat-1030", "ouessant", "Cancelled").await;
    bob.command(Cmd::release(&gone)).await.expect_ack();
    org.command(Cmd::move_to(&c, "sat-0930", "ouessant"))
        .await
        .expect_ack();
    bob.command(Cmd::vote(&a, true)).await.expect_ack();
    org.command(Cmd::vote(&a, true)).await.expect_ack();
    alice.command(Cmd::vote(&b, true)).await.expect_ack();
    vec!["Rust & WebSockets", quoted, html]
}

/// GETs an export twice: it must be 200 with this type, and the same bytes.
async fn export(camp: &TestServer, path: &str, content_type: &str) -> String {
    let r = get(camp, path).await;
    assert_eq!(r.status(), 200, "{path}");
    assert!(
        header(&r, reqwest::header::CONTENT_TYPE).starts_with(content_type),
        "{path}: {}",
        header(&r, reqwest::header::CONTENT_TYPE)
    );
    let disposition = header(&r, reqwest::header::CONTENT_DISPOSITION);
    assert!(disposition.contains("filename=\""), "{path}: {disposition}");
    let first = r.text().await.unwrap();
    let second = get(camp, path).await.text().await.unwrap();
    assert_eq!(
        first, second,
        "{path}: two exports of the same board differ"
    );
    first
}

async fn live_sessions(camp: &TestServer) -> Vec<Value> {
    get_json(camp, "/e/camp/board.json").await["sessions"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn ics_has_every_session_at_its_local_time_and_one_per_session_file() {
    let camp = TestServer::start().await;
    play(&camp).await;
    let body = export(&camp, "/e/camp/schedule.ics", "text/calendar").await;
    let unfolded = icalendar::parser::unfold(&body);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    let sessions = live_sessions(&camp).await;
    assert_eq!(
        events.len(),
        sessions.len(),
        "one VEVENT per session: {body}"
    );
    let start_of = |slot: &str| match slot {
        "sat-0930" => "20371205T093000",
        "sat-1030" => "20371205T103000",
        "sat-1130" => "20371205T113000",
        other => panic!("slot {other}"),
    };
    for s in &sessions {
        let uid = format!("camp-{}@slotboard", s["id"].as_str().unwrap());
        let e = events
            .iter()
            .find(|e| e.find_prop("UID").is_some_and(|p| p.val.as_str() == uid))
            .unwrap_or_else(|| panic!("{uid} missing: {body}"));
        let start = e.find_prop("DTSTART").unwrap();
        assert_eq!(start.val.as_str(), start_of(s["slot"].as_str().unwrap()));
        let tzid = start.params.iter().find(|p| p.key == "TZID").unwrap();
        assert_eq!(tzid.val.as_ref().unwrap().as_str(), "Europe/Paris");
        assert_eq!(
            e.find_prop("SUMMARY")
                .unwrap()
                .val
                .clone()
                .unescape_text()
                .as_str(),
            s["title"].as_str().unwrap()
        );
        // Deterministic: no "now" in the file.
        assert!(e.find_prop("DTSTAMP").is_some());
    }

    // One session alone.
    for s in &sessions {
        let id = s["id"].as_str().unwrap();
        let one = export(&camp, &format!("/e/camp/s/{id}.ics"), "text/calendar").await;
        let unfolded = icalendar::parser::unfold(&one);
        let cal = icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar");
        let vevents: Vec<_> = cal
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert_eq!(vevents.len(), 1, "{one}");
        assert_eq!(
            vevents[0].find_prop("UID").unwrap().val.as_str(),
            format!("camp-{id}@slotboard")
        );
        assert_eq!(
            cal.components
                .iter()
                .filter(|c| c.name == "VTIMEZONE")
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn csv_has_one_escaped_row_per_session() {
    let camp = TestServer::start().await;
    let titles = play(&camp).await;
    let body = export(&camp, "/e/camp/schedule.csv", "text/csv").await;
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let head: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        head,
        [
            "day",
            "start",
            "end",
            "room_id",
            "room",
            "title",
            "host",
            "description",
            "tags",
            "votes",
            "session_id"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    let sessions = live_sessions(&camp).await;
    assert_eq!(rows.len(), sessions.len(), "{body}");
    let mut got: Vec<&str> = rows.iter().map(|r| &r[5]).collect();
    got.sort();
    let mut want = titles.clone();
    want.sort();
    assert_eq!(got, want);
    // The title with a comma and quotes is quoted, quotes doubled.
    assert!(
        body.contains("\"Crêpes, a \"\"workshop\"\"; bring flour\""),
        "{body}"
    );
    let rust = rows.iter().find(|r| &r[5] == "Rust & WebSockets").unwrap();
    assert_eq!(
        (&rust[0], &rust[1], &rust[2], &rust[3], &rust[4], &rust[9]),
        ("2037-12-05", "09:30", "10:15", "amphi", "Amphi", "2")
    );
    let moved = rows.iter().find(|r| &r[5] == titles[2]).unwrap();
    assert_eq!(
        (&moved[1], &moved[3]),
        ("09:30", "ouessant"),
        "the move shows"
    );
}

#[tokio::test]
async fn schedule_xml_validates_against_the_frab_schema_and_carries_every_session() {
    let camp = TestServer::start().await;
    let titles = play(&camp).await;
    let body = export(&camp, "/e/camp/schedule.xml", "application/xml").await;
    let sessions = live_sessions(&camp).await;
    assert_eq!(body.matches("<event ").count(), sessions.len(), "{body}");
    for s in &sessions {
        assert!(
            body.contains(&format!("<slug>camp-{}</slug>", s["id"].as_str().unwrap())),
            "{body}"
        );
    }
    assert!(body.contains("<title>Crêpes, a &quot;workshop&quot;; bring flour</title>"));
    assert!(
        body.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{body}"
    );
    assert!(!body.contains(titles[2]), "escaped");

    let schema = schema();
    assert!(
        Path::new(&schema).exists(),
        "the frab schema is missing: copy {SCHEMA} to tests/data/frab-schedule.xml.xsd"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schedule.xml");
    std::fs::write(&file, &body).unwrap();
    match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "schedule.xml does not validate against the frab schema:\n{}\n{body}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::env::var_os("CI").is_none() => {
            eprintln!(
                "\n!!!!!!!! SKIPPED (no xmllint): schedule.xml was not validated against {SCHEMA}; \
                 install it with `apt-get install -y libxml2-utils` !!!!!!!!\n"
            );
        }
        Err(e) => panic!(
            "xmllint is needed to validate schedule.xml (apt-get install -y libxml2-utils): {e}"
        ),
    }
}

#[tokio::test]
async fn schedule_json_carries_every_session() {
    let camp = TestServer::start().await;
    let titles = play(&camp).await;
    let body = export(&camp, "/e/camp/schedule.json", "application/json").await;
    let v: Value = serde_json::from_str(&body).expect("JSON");
    let c = &v["schedule"]["conference"];
    assert_eq!(c["acronym"], "camp");
    assert_eq!(c["title"], "Test Camp");
    assert_eq!(c["time_zone_name"], "Europe/Paris");
    assert_eq!(c["daysCount"], 1);
    assert_eq!(v["schedule"]["base_url"], "http://barcamp.test/e/camp");
    let mut got = Vec::new();
    for day in c["days"].as_array().unwrap() {
        for (room, events) in day["rooms"].as_object().unwrap() {
            for e in events.as_array().unwrap() {
                assert_eq!(&e["room"], room);
                got.push((
                    e["title"].as_str().unwrap().to_owned(),
                    e["date"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    got.sort();
    let mut want: Vec<(String, String)> = vec![
        (titles[0].into(), "2037-12-05T09:30:00+01:00".into()),
        (titles[1].into(), "2037-12-05T11:30:00+01:00".into()),
        (titles[2].into(), "2037-12-05T09:30:00+01:00".into()),
    ];
    want.sort();
    assert_eq!(got, want);
}

/// The static programme is a pure function of the board: the board as the
/// disk holds it after the event gives a page that lists every session,
/// escapes them and loads nothing; and the disk's board gives the same
/// exports, byte for byte, as the live routes did.
#[tokio::test]
async fn the_board_on_disk_gives_the_live_bytes_and_a_self_contained_programme() {
    let mut camp = TestServer::start().await;
    let titles = play(&camp).await;
    let url = "http://barcamp.test";
    let live_csv = export(&camp, "/e/camp/schedule.csv", "text/csv").await;
    let live_xml = export(&camp, "/e/camp/schedule.xml", "application/xml").await;
    let live_json = export(&camp, "/e/camp/schedule.json", "application/json").await;
    let live_ics = export(&camp, "/e/camp/schedule.ics", "text/calendar").await;
    camp.stop().await;

    let config = camp.config();
    let event = config.event("camp").unwrap();
    let (_, loaded) = slotboard::store::EventStore::open(&camp.event_dir(), event.grid())
        .expect("the event's folder opens");
    let board = loaded.board;
    assert_eq!(slotboard::export::csv(event, &board), live_csv);
    assert_eq!(slotboard::export::frab_xml(event, &board, url), live_xml);
    assert_eq!(slotboard::export::frab_json(event, &board, url), live_json);
    assert_eq!(slotboard::export::ics(event, &board, url, None), live_ics);

    for lang in slotboard::i18n::Lang::ALL {
        let html = slotboard::export::static_html(event, &board, lang);
        assert_eq!(html, slotboard::export::static_html(event, &board, lang));
        assert!(!html.to_ascii_lowercase().contains("<script"), "no script");
        for attr in ["src=\"", "href=\"", "src='", "href='", "url("] {
            assert!(!html.contains(attr), "loads nothing ({attr}): {html}");
        }
        assert!(!html.contains("<link"), "no external stylesheet");
        assert!(html.contains("<style>"), "the style is inline");
        assert!(!html.contains("<img"), "escaped: {html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        for t in &titles {
            let escaped = maud::html! { (t) }.into_string();
            assert!(html.contains(&escaped), "{t} listed: {html}");
        }
        assert!(html.contains("Amphi") && html.contains("Bréhat"));
    }
}

#[tokio::test]
async fn unknown_event_or_session_is_a_404_page() {
    let camp = TestServer::start().await;
    play(&camp).await;
    for path in [
        "/e/nope/schedule.csv",
        "/e/nope/schedule.xml",
        "/e/nope/schedule.json",
        "/e/nope/s/s_1.ics",
        "/e/camp/s/s_999.ics",
        "/e/camp/s/s_1",
        "/e/camp/s/%3Cscript%3E.ics",
    ] {
        let r = get(&camp, path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(
            header(&r, reqwest::header::CONTENT_TYPE).starts_with("text/html"),
            "{path}"
        );
        let body = r.text().await.unwrap();
        assert!(!body.contains("<script>"), "{path}: {body}");
    }
}
