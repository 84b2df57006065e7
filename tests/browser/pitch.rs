//! The pitch queue on a phone in a real browser: it pitches with the form
//! (sent on the socket), follows its place live as others pitch and are
//! called, says "you're on" when the organiser calls it, claims from its
//! pitch in one tap and sees the session on its board, all without a
//! reload; axe-core finds nothing serious on the phone with the section
//! shown (screenshot under target/screenshots/ for review). The admin
//! page's queue follows pitches live and reorders on the socket, and axe
//! finds nothing serious on it either.

use serde_json::json;

use crate::harness::{self, Browser, Opts, WAIT};
use crate::kit::*;
use crate::pages::wait_conn;

/// Waits until `#pitch-place` says the sentence `key` of `#pitch-data`.
async fn wait_place(b: &Browser, key: &str) {
    b.wait_js(
        &format!("#pitch-place to say {key}"),
        WAIT,
        "const w = document.getElementById('pitch-wait'); \
         const s = JSON.parse(document.getElementById('pitch-data').textContent); \
         return !!w && !w.hidden && \
           document.getElementById('pitch-place').textContent === s[arguments[0]];",
        vec![json!(key)],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_pitches_is_called_and_claims_from_its_pitch() {
    let test = "a_phone_pitches_is_called_and_claims_from_its_pitch";
    let Some(driver) = harness::driver(test).await else {
        return;
    };
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    let mut bob = camp.participant().await;

    let b = driver.browser(Opts::phone()).await;
    b.goto(&camp.http("/e/camp")).await;
    wait_conn(&b, &["live"], WAIT).await;
    let hidden = b
        .js("return document.getElementById('pitch').hidden;", vec![])
        .await;
    assert_eq!(hidden, true, "a closed queue is not shown");
    b.js("window.__notReloaded = true; return true;", vec![])
        .await;

    // The organiser opens the queue and Bob pitches: the phone offers the form.
    org.command(json!({"op":"pitch_open","open":true}))
        .await
        .expect_ack();
    bob.command(json!({"op":"pitch","title":"Go","host":"Bob"}))
        .await
        .expect_ack();
    let title = b.wait_visible("#pitch-title-in", WAIT).await;
    b.fill(&title, "Rust au navigateur").await;
    let host = b.find("#pitch-host-in").await;
    b.fill(&host, "Alice").await;
    let go = b.find("#pitch-form button[type=submit]").await;
    b.click(&go).await;
    wait_place(&b, "one").await;

    // Bob is called: she is next; then she is, and is on.
    org.command(json!({"op":"pitch_next"})).await.expect_ack();
    wait_place(&b, "next").await;
    org.command(json!({"op":"pitch_next"})).await.expect_ack();
    let first = b
        .wait_visible("#pitch-on form.pitch-claim button", WAIT)
        .await;
    let on = b.text(&b.find("#pitch-on").await).await;
    assert!(on.contains("You're on!"), "{on}");
    let hidden = b
        .js(
            "return document.getElementById('pitch-wait').hidden;",
            vec![],
        )
        .await;
    assert_eq!(hidden, true);

    // For review, and axe on the phone with the section shown.
    b.js(
        "document.getElementById('pitch').scrollIntoView(); return true;",
        vec![],
    )
    .await;
    let shot = harness::screenshot_dir().join("phone-pitch-on-390x844.png");
    b.save_screenshot(&shot).await;
    if let Some(axe) = harness::axe_source(test) {
        let serious: Vec<String> = b
            .axe(&axe)
            .await
            .into_iter()
            .inspect(|v| eprintln!("axe phone pitch: [{}] {}", v.impact, v.id))
            .filter(|v| v.impact == "serious" || v.impact == "critical")
            .map(|v| v.to_string())
            .collect();
        assert!(serious.is_empty(), "axe-core: {}", serious.join("\n"));
    }

    // One tap claims the first suggested cell from the pitch.
    let form = b
        .js(
            "const f = document.querySelector('#pitch-on form.pitch-claim'); \
             return [f.dataset.slot, f.dataset.room, f.elements.pitch.value];",
            vec![],
        )
        .await;
    let (slot, room) = (form[0].as_str().unwrap(), form[1].as_str().unwrap());
    b.click(&first).await;
    b.wait_js(
        "the claimed session in its cell",
        WAIT,
        "const td = document.querySelector( \
           'td[data-slot=\"' + arguments[0] + '\"][data-room=\"' + arguments[1] + '\"]'); \
         return !!td && td.textContent.includes('Rust au navigateur') && \
           document.getElementById('pitch-on').hidden;",
        vec![json!(slot), json!(room)],
    )
    .await;
    let board: serde_json::Value = request(&camp, "/e/camp/board.json")
        .get()
        .await
        .json()
        .await
        .unwrap();
    assert!(
        board["pitches"]["current"].is_null(),
        "{}",
        board["pitches"]
    );
    assert_eq!(board["sessions"][0]["title"], "Rust au navigateur");
    assert_eq!(board["sessions"][0]["host"], "Alice");
    let kept = b.js("return window.__notReloaded === true;", vec![]).await;
    assert_eq!(kept, true, "the phone followed without a reload");
}

/// Waits until `#pitch-list` lists these pitch ids, in this order.
async fn wait_list(b: &Browser, ids: &[&str]) {
    b.wait_js(
        &format!("#pitch-list to be {ids:?}"),
        WAIT,
        "return Array.from(document.querySelectorAll('#pitch-list li')) \
           .map((li) => li.dataset.pitch).join(',') === arguments[0];",
        vec![json!(ids.join(","))],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_queue_follows_pitches_and_reorders_on_the_socket() {
    let Some(driver) = harness::driver("admin_pitch_queue_live").await else {
        return;
    };
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    org.command(json!({"op":"pitch_open","open":true}))
        .await
        .expect_ack();
    let admin = driver.browser(Opts::wide()).await;
    crate::pages::organiser_page(&admin, &camp, "#pitch-queue").await;
    admin
        .js("window.__notReloaded = true; return true;", vec![])
        .await;

    // Two pitches arrive: the list shows them live, in order.
    let mut a = camp.participant().await;
    let mut b = camp.participant().await;
    let ra = a
        .command(json!({"op":"pitch","title":"Rust","host":"Alice"}))
        .await
        .expect_ack();
    let rb = b
        .command(json!({"op":"pitch","title":"Go","host":"Bob"}))
        .await
        .expect_ack();
    let (qa, qb) = (format!("q_{ra}"), format!("q_{rb}"));
    wait_list(&admin, &[&qa, &qb]).await;

    // "Move up" on Bob's, sent by admin.js on the socket: b, a.
    let up = admin
        .find(&format!(
            "#pitch-list li[data-pitch=\"{qb}\"] form[data-op=\"pitch_move\"] button"
        ))
        .await;
    admin.click(&up).await;
    wait_list(&admin, &[&qb, &qa]).await;
    // Call the next: Bob is pitching, with the show-of-hands button.
    let next = admin.find("form[data-op=\"pitch_next\"] button").await;
    admin.click(&next).await;
    admin
        .wait_js(
            "Bob pitching now",
            WAIT,
            "const c = document.getElementById('pitch-current'); \
             return !!c && c.dataset.pitch === arguments[0] && \
               !!c.querySelector('form[data-op=\"pitch_hands\"]');",
            vec![json!(qb)],
        )
        .await;
    let kept = admin
        .js("return window.__notReloaded === true;", vec![])
        .await;
    assert_eq!(kept, true, "the admin page followed without a reload");

    // axe on the admin page with someone pitching and someone waiting.
    if let Some(axe) = harness::axe_source("admin_pitch_queue_live") {
        let serious: Vec<String> = admin
            .axe(&axe)
            .await
            .into_iter()
            .inspect(|v| eprintln!("axe admin pitch: [{}] {}", v.impact, v.id))
            .filter(|v| v.impact == "serious" || v.impact == "critical")
            .map(|v| v.to_string())
            .collect();
        assert!(serious.is_empty(), "axe-core: {}", serious.join("\n"));
    }
}
