//! The wall's pitch mode at render time, through the real server: while
//! the pitch queue is open the wall shows who is pitching now, who is next
//! and the free cells by slot instead of the board; closed, the board.

use serde_json::json;

use crate::kit::*;

async fn wall(camp: &TestServer, lang: &str) -> String {
    let r = request(camp, &format!("/e/camp/wall?lang={lang}"))
        .get()
        .await;
    assert_eq!(r.status().as_u16(), 200);
    r.text().await.expect("body")
}

/// The element that starts with `open`, up to the first `close` after it.
fn element<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open} on the wall"));
    let len = html[start..].find(close).expect("closed") + close.len();
    &html[start..start + len]
}

/// The free-cells item of a slot (its rooms), whole.
fn free_item<'a>(html: &'a str, slot: &str) -> Option<&'a str> {
    let list = element(html, "<ul id=\"pitch-free\"", "</ul>");
    let open = format!("<li data-slot=\"{slot}\"");
    let start = list.find(&open)?;
    let len = list[start..].find("</li>").expect("closed") + "</li>".len();
    Some(&list[start..start + len])
}

async fn pitch(c: &mut Client, title: &str, host: &str) -> u64 {
    c.command(json!({"op":"pitch","title":title,"host":host}))
        .await
        .expect_ack()
}

#[tokio::test]
async fn a_closed_queue_leaves_the_wall_on_the_board() {
    let camp = TestServer::start().await;
    let html = wall(&camp, "en").await;
    assert!(html.contains("data-mode=\"board\""), "board mode");
    let section = element(&html, "<main id=\"pitch\"", ">");
    assert!(
        section.contains(" hidden"),
        "the pitch mode is hidden: {section}"
    );
    let main = element(&html, "<main class=\"wall-main\"", ">");
    assert!(!main.contains("hidden"), "the board shows: {main}");
    // Its cells are there as ever.
    assert!(html.contains("<td data-slot=\"sat-0930\" data-room=\"amphi\""));
}

#[tokio::test]
async fn an_open_queue_puts_the_wall_in_pitch_mode_with_now_next_and_free_cells() {
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    org.command(json!({"op":"pitch_open","open":true}))
        .await
        .expect_ack();

    // Open but nobody yet: pitch mode, nobody pitching, nobody waiting.
    let html = wall(&camp, "en").await;
    assert!(html.contains("data-mode=\"pitch\""), "pitch mode");
    let section = element(&html, "<main id=\"pitch\"", ">");
    assert!(!section.contains("hidden"), "{section}");
    let main = element(&html, "<main class=\"wall-main\"", ">");
    assert!(main.contains("hidden"), "the board is hidden: {main}");
    assert!(element(&html, "<p id=\"pitch-current\"", ">").contains("hidden"));
    assert!(!element(&html, "<p id=\"pitch-idle\"", ">").contains("hidden"));
    assert!(!element(&html, "<p id=\"pitch-empty\"", ">").contains("hidden"));

    let mut people = Vec::new();
    for (i, title) in ["Rust & WebSockets", "Elm", "Zig", "Gleam", "OCaml", "Nim"]
        .iter()
        .enumerate()
    {
        let mut c = camp.participant().await;
        pitch(&mut c, title, &format!("Host {i}")).await;
        people.push(c);
    }
    org.command(json!({"op":"pitch_next"})).await.expect_ack();
    let mut bob = people.remove(1);
    let elm = bob
        .command(Cmd::claim("sat-0930", "ouessant", "x", "y"))
        .await;
    elm.expect_ack(); // a plain claim too takes a free cell
    let html = wall(&camp, "en").await;

    let current = element(&html, "<p id=\"pitch-current\"", "</p>");
    assert!(!current.contains("hidden"), "{current}");
    assert!(
        current.contains("<span class=\"pitch-title\">Rust &amp; WebSockets</span>"),
        "the current pitch, its title: {current}"
    );
    assert!(current.contains("Host 0"), "and its host: {current}");
    assert!(element(&html, "<p id=\"pitch-idle\"", ">").contains("hidden"));

    // The next few (4), in order, then how many more.
    let queue = element(&html, "<ol id=\"pitch-queue\"", "</ol>");
    let at = |t: &str| {
        queue
            .find(t)
            .unwrap_or_else(|| panic!("{t} waits: {queue}"))
    };
    assert!(
        at(">Elm<") < at(">Zig<") && at(">Zig<") < at(">Gleam<") && at(">Gleam<") < at(">OCaml<")
    );
    assert!(!queue.contains("Nim"), "only the next four: {queue}");
    assert_eq!(queue.matches("<li ").count(), 4);
    let more = element(&html, "<p id=\"pitch-more\"", "</p>");
    assert!(
        !more.contains("hidden") && more.contains("+ 1 more waiting"),
        "{more}"
    );

    // The free cells, by slot, in time order; the taken one is not there.
    let first = free_item(&html, "sat-0930").expect("the first slot has free rooms");
    for room in ["Amphi", "Bréhat", "Sein"] {
        assert!(first.contains(&format!(">{room}<")), "{room} free: {first}");
    }
    assert!(!first.contains("Ouessant"), "taken: {first}");
    assert!(first.contains("09:30–10:15"), "{first}");
    let list = element(&html, "<ul id=\"pitch-free\"", "</ul>");
    assert!(list.find("sat-0930").unwrap() < list.find("sat-1030").unwrap());

    // A claim from the current pitch: it leaves, the cell is no longer free.
    let mut alice = people.remove(0);
    let w = fresh_welcome(&camp).await;
    let current_id = w["pitches"]["current"]["id"].as_str().unwrap().to_owned();
    alice
        .command(
            Cmd::claim("sat-0930", "amphi", "Rust & WebSockets", "Host 0")
                .with("pitch", current_id.as_str()),
        )
        .await
        .expect_ack();
    let html = wall(&camp, "fr").await;
    assert!(element(&html, "<p id=\"pitch-current\"", ">").contains("hidden"));
    let first = free_item(&html, "sat-0930").unwrap();
    assert!(
        !first.contains("Amphi") && first.contains("Bréhat"),
        "{first}"
    );
    assert!(
        html.contains("Créneaux libres") && html.contains("Pitch en cours"),
        "FR"
    );

    // Closed: back to the board.
    org.command(json!({"op":"pitch_open","open":false}))
        .await
        .expect_ack();
    let html = wall(&camp, "en").await;
    assert!(html.contains("data-mode=\"board\""));
    assert!(!element(&html, "<main class=\"wall-main\"", ">").contains("hidden"));
}

#[tokio::test]
async fn a_full_board_says_no_free_slot_is_left() {
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    org.command(json!({"op":"pitch_open","open":true}))
        .await
        .expect_ack();
    for slot in SLOTS {
        for room in ROOMS {
            org.command(Cmd::lock(slot, room)).await.expect_ack();
        }
    }
    let html = wall(&camp, "en").await;
    assert!(free_item(&html, "sat-0930").is_none());
    let full = element(&html, "<p id=\"pitch-full\"", "</p>");
    assert!(
        !full.contains("hidden") && full.contains("No free slot left."),
        "{full}"
    );
}

#[tokio::test]
async fn on_an_event_of_several_days_the_free_cells_name_their_day() {
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    org.command(json!({"op":"pitch_open","open":true}))
        .await
        .expect_ack();
    org.command(json!({"op":"add_slot","slot":{"id":"sun-0930","day":"2037-12-06","start":"09:30","end":"10:15"}}))
        .await
        .expect_ack();
    for room in ROOMS {
        for slot in &SLOTS[..2] {
            org.command(Cmd::lock(slot, room)).await.expect_ack();
        }
    }
    let html = wall(&camp, "en").await;
    let sat = free_item(&html, "sat-1130").expect("Saturday's last slot is free");
    assert!(sat.contains("Sat 5 Dec 11:30–12:15"), "{sat}");
    let sun = free_item(&html, "sun-0930").expect("Sunday's slot is free");
    assert!(sun.contains("Sun 6 Dec 09:30–10:15"), "{sun}");
    assert!(
        free_item(&html, "sat-0930").is_none(),
        "locked cells are not free"
    );
}
