//! Links on a session, through the socket: what a link may be, claims and
//! edits that carry them (`[]` removes them), the exports and pages that show
//! them, and the links that come after the end: the owner's and the
//! organisers' links-only edits are taken, journaled, and the archive is
//! written again with them; everything else is still refused `ended`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use slotboard::store::archive;

use crate::kit::*;

fn link(url: &str, label: &str) -> Value {
    json!({"url": url, "label": label})
}

fn claim_with(slot: &str, room: &str, title: &str, links: Value) -> Cmd {
    Cmd::claim(slot, room, title, "Maël").with("links", links)
}

/// The links of session `id` on the live board, as board.json says them
/// (`Null` when it has none).
async fn links_of(camp: &TestServer, id: &str) -> Value {
    let board = get_json(camp, "/e/camp/board.json").await;
    let s = board["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no session {id} in {board}"));
    s["links"].clone()
}

fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_link_that_is_not_an_http_url_on_a_host_is_invalid() {
    let camp = TestServer::start().await;
    let mut ann = camp.participant().await;
    let long = format!("https://notes.example/{}", "a".repeat(501 - 22));
    assert_eq!(long.chars().count(), 501);
    let four = json!([
        link("https://a.example/", ""),
        link("https://b.example/", ""),
        link("https://c.example/", ""),
        link("https://d.example/", "")
    ]);
    for (links, why) in [
        (json!([link("javascript:alert(1)", "x")]), "scheme"),
        (
            json!([link("data:text/html,<script>x</script>", "")]),
            "scheme",
        ),
        (json!([link("https://", "")]), "absolute"),
        (json!([link("notes.example/rust", "")]), "absolute"),
        (json!([link(&long, "")]), "501 characters"),
        (four, "4 links"),
        (json!([link("https://notes.example/\u{7}", "")]), "control"),
        (
            json!([link("https://notes.example/", "two\nlines")]),
            "control",
        ),
        (json!([{"label": "no url"}]), "url"),
        (json!("https://notes.example/"), "sequence"),
    ] {
        let a = ann
            .command(claim_with("sat-0930", "amphi", "Rust", links.clone()))
            .await;
        a.expect_reject("invalid");
        assert!(
            a.raw()["message"].as_str().unwrap().contains(why),
            "{links}: {}",
            a.raw()
        );
    }
    let a = ann.claim_ok("sat-0930", "amphi", "Rust").await;
    ann.command(Cmd::edit(&a).with("links", json!([link("javascript:alert(1)", "")])))
        .await
        .expect_reject("invalid");
    // Nothing of it reached the board: one claim, no links.
    assert_eq!(get_json(&camp, "/e/camp/board.json").await["rev"], 1);
    assert_eq!(links_of(&camp, &a).await, Value::Null);
}

#[tokio::test]
async fn claim_and_edit_carry_links_and_an_empty_list_removes_them() {
    let camp = TestServer::start().await;
    let mut ann = camp.participant().await;
    let mut bob = camp.participant().await;
    let notes = json!([link(" https://Pad.Example/p/rust ", " Notes ")]);
    let a = ann
        .command(claim_with("sat-0930", "amphi", "Rust", notes))
        .await;
    let rev = a.expect_ack();
    let e = bob.expect_event_rev(rev).await;
    let want = json!([link("https://pad.example/p/rust", "Notes")]);
    assert_eq!(e["change"]["session"]["links"], want, "{e}");
    let s = e["change"]["session"]["id"].as_str().unwrap().to_owned();
    assert_eq!(links_of(&camp, &s).await, want);
    // A fresh welcome carries them too.
    assert_eq!(fresh_welcome(&camp).await["sessions"][0]["links"], want);

    // An edit with links replaces them; one without keeps them.
    let two = json!([
        link("https://slides.example/1", "Slides"),
        link("https://call.example/r", "")
    ]);
    ann.command(Cmd::edit(&s).with("links", two.clone()))
        .await
        .expect_ack();
    ann.command(Cmd::edit(&s).title("Rust, again"))
        .await
        .expect_ack();
    assert_eq!(links_of(&camp, &s).await, two);
    // Bob does not own it.
    bob.command(Cmd::edit(&s).with("links", json!([])))
        .await
        .expect_reject("forbidden");
    // `[]` removes them: the session reads as one that never had any.
    ann.command(Cmd::edit(&s).with("links", json!([])))
        .await
        .expect_ack();
    assert_eq!(links_of(&camp, &s).await, Value::Null);
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert!(board["sessions"][0].get("links").is_none(), "{board}");
}

#[tokio::test]
async fn after_the_end_owner_and_organisers_edit_the_links_and_the_archive_follows() {
    let camp = TestServer::start().await;
    let mut ann = camp.participant().await;
    let mut bob = camp.participant().await;
    let mut org = camp.organiser().await;
    let s = ann.claim_ok("sat-0930", "amphi", "Rust").await;
    org.command(Cmd::end()).await.expect_ack();
    let dir = camp.data.path().join("archive").join("camp");
    let board_json = dir.join("board.json");
    let archived = || {
        let file = board_json.clone();
        async move {
            std::fs::read_to_string(&file)
                .ok()
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .unwrap_or(Value::Null)
        }
    };
    wait_until("the first archive", PATIENCE, || async {
        archived().await["event"]["ended"] == true
    })
    .await;

    // The owner adds the notes: taken, and the archive is written again.
    let notes = json!([link("https://pad.example/rust", "Notes")]);
    ann.command(Cmd::edit(&s).with("links", notes.clone()))
        .await
        .expect_ack();
    wait_until("the archive with the owner's notes", PATIENCE, || async {
        archived().await["sessions"][0]["links"] == notes
    })
    .await;
    // An organiser adds the slides.
    let both = json!([
        link("https://pad.example/rust", "Notes"),
        link("https://slides.example/rust", "Slides")
    ]);
    org.command(Cmd::edit(&s).with("links", both.clone()))
        .await
        .expect_ack();
    wait_until("the archive with the slides", PATIENCE, || async {
        archived().await["sessions"][0]["links"] == both
    })
    .await;
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(
        index.contains(r#"href="https://slides.example/rust" rel="nofollow noopener ugc""#),
        "{index}"
    );
    assert!(
        std::fs::read_to_string(dir.join("schedule.ics"))
            .unwrap()
            .contains("URL:https://pad.example/rust")
    );
    let history = std::fs::read_to_string(dir.join("history.jsonl")).unwrap();
    assert_eq!(history.lines().count(), 4, "{history}");

    // Anyone else, anything else: refused.
    bob.command(Cmd::edit(&s).with("links", json!([])))
        .await
        .expect_reject("forbidden");
    for cmd in [
        Cmd::edit(&s).title("Renamed"),
        Cmd::edit(&s).title("Renamed").with("links", json!([])),
        claim_with("sat-1030", "amphi", "Late", json!([])),
        Cmd::vote(&s, true),
        Cmd::release(&s),
    ] {
        ann.command(cmd.clone()).await.expect_reject("ended");
        org.command(cmd).await.expect_reject("ended");
    }

    // Written again with nothing changed: the same bytes.
    let before = files_of(&dir);
    let config = camp.config();
    let event = config.event("camp").unwrap();
    archive::write_from_disk(camp.data.path(), event, &config.server.public_url).unwrap();
    assert_eq!(files_of(&dir), before);
}

#[tokio::test]
async fn the_exports_carry_the_links() {
    let camp = TestServer::start().await;
    let mut ann = camp.participant().await;
    let links = json!([
        link("https://pad.example/rust", "Notes"),
        link("https://slides.example/rust?a=1&b=2", ""),
    ]);
    ann.command(claim_with("sat-0930", "amphi", "Rust", links))
        .await
        .expect_ack();
    ann.claim_ok("sat-1030", "amphi", "No links").await;

    let ics = http_get(&camp, "/e/camp/schedule.ics").await.1;
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains("URL:https://pad.example/rust\r\n"),
        "{ics}"
    );
    assert!(
        unfolded.contains("https://slides.example/rust?a=1&b=2"),
        "{ics}"
    );
    // A session without links keeps the event's page as its URL.
    assert!(unfolded.contains("URL:http"), "{ics}");

    let v = get_json(&camp, "/e/camp/schedule.json").await;
    let rooms = &v["schedule"]["conference"]["days"][0]["rooms"];
    let events: Vec<&Value> = rooms
        .as_object()
        .unwrap()
        .values()
        .flat_map(|r| r.as_array().unwrap())
        .collect();
    let rust = events.iter().find(|e| e["title"] == "Rust").unwrap();
    assert_eq!(
        rust["links"],
        json!([
            {"url": "https://pad.example/rust", "title": "Notes"},
            {"url": "https://slides.example/rust?a=1&b=2", "title": "https://slides.example/rust?a=1&b=2"}
        ])
    );
    let other = events.iter().find(|e| e["title"] == "No links").unwrap();
    assert_eq!(other["links"], json!([]));

    let xml = http_get(&camp, "/e/camp/schedule.xml").await.1;
    assert!(
        xml.contains(r#"<link href="https://pad.example/rust">Notes</link>"#),
        "{xml}"
    );
    assert!(
        xml.contains("https://slides.example/rust?a=1&amp;b=2"),
        "{xml}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schedule.xml");
    std::fs::write(&file, &xml).unwrap();
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/frab-schedule.xml.xsd"
    );
    match std::process::Command::new("xmllint")
        .args(["--noout", "--schema", schema])
        .arg(&file)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "schedule.xml with links does not validate:\n{}\n{xml}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::env::var_os("CI").is_none() => {
            eprintln!(
                "\n!!!!!!!! SKIPPED (no xmllint): schedule.xml with links not validated !!!!!!!!\n"
            );
        }
        Err(e) => panic!("xmllint is needed (apt-get install -y libxml2-utils): {e}"),
    }

    let csv = http_get(&camp, "/e/camp/schedule.csv").await.1;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let head = reader.headers().unwrap().clone();
    assert_eq!(head.iter().next_back(), Some("links"), "{csv}");
    assert_eq!(head.len(), 12);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cell = |title: &str| {
        let r = rows.iter().find(|r| &r[5] == title).unwrap();
        r[11].to_owned()
    };
    assert_eq!(
        cell("Rust"),
        "https://pad.example/rust https://slides.example/rust?a=1&b=2"
    );
    assert_eq!(cell("No links"), "");
}

#[tokio::test]
async fn the_phone_forms_take_links_and_the_pages_show_them() {
    let camp = TestServer::start().await;
    let mut b = NoJs::new();
    let page = b
        .get(&camp, "/e/camp/claim?slot=sat-0930&room=amphi")
        .await
        .body;
    assert!(
        page.contains(r#"name="link1_url""#),
        "the claim form offers links"
    );
    let page = b
        .submit(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-0930"),
                ("room", "amphi"),
                ("title", "Rust"),
                ("host", "Maël"),
                ("link1_url", "https://pad.example/rust"),
                ("link1_label", "Notes <b>"),
                ("link2_url", ""),
                ("link2_label", ""),
                ("req", "f-1"),
            ],
        )
        .await
        .body;
    let shown =
        r#"<a href="https://pad.example/rust" rel="nofollow noopener ugc">Notes &lt;b&gt;</a>"#;
    assert!(page.contains(shown), "{page}");
    // The edit form holds them; emptied, it removes them.
    assert!(
        page.contains(r#"value="https://pad.example/rust""#),
        "{page}"
    );
    let s = get_json(&camp, "/e/camp/board.json").await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let door = http_get(&camp, "/e/camp/room/amphi").await.1;
    assert!(door.contains(shown) || !door.contains("Rust"), "{door}");
    let bad = b
        .post(
            &camp,
            "/e/camp/edit",
            &[
                ("session", &s),
                ("link1_url", "javascript:alert(1)"),
                ("req", "f-2"),
            ],
        )
        .await;
    // Refused: the form's notice says why, the links stay.
    assert!(bad.location.unwrap_or_default().contains("notice="));
    assert_eq!(
        links_of(&camp, &s).await[0]["url"],
        "https://pad.example/rust"
    );
    b.submit(
        &camp,
        "/e/camp/edit",
        &[
            ("session", &s),
            ("link1_url", ""),
            ("link1_label", ""),
            ("req", "f-3"),
        ],
    )
    .await;
    assert_eq!(links_of(&camp, &s).await, Value::Null);
}
