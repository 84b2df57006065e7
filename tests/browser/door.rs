//! A room's door sign in a real browser: it follows a move without a
//! reload (the session leaves the room, the sign offers the free cell and
//! its QR code), it shows the right content without JavaScript, and axe-core
//! finds nothing serious on it, in portrait and landscape (screenshots under
//! target/screenshots/ for review).

use serde_json::json;

use crate::harness::{self, Browser, Opts, WAIT};
use crate::kit::*;
use crate::pages::wait_conn;

/// Waits until the sign's line `which` (`now`, `next`) is in `state`, and,
/// when `title` is given, shows it.
async fn wait_line(b: &Browser, which: &str, state: &str, title: Option<&str>) {
    b.wait_js(
        &format!("#door-{which} to be {state} {title:?}"),
        WAIT,
        "const s = document.getElementById('door-' + arguments[0]); \
         if (!s || s.getAttribute('data-state') !== arguments[1]) return false; \
         const t = s.querySelector('.door-title'); \
         return arguments[2] === null || (!!t && t.textContent === arguments[2]);",
        vec![json!(which), json!(state), json!(title)],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_door_sign_follows_a_move() {
    let Some(driver) = harness::driver("a_door_sign_follows_a_move").await else {
        return;
    };
    // The test camp's day is to come: nothing runs now, sat-0930 is next.
    let camp = TestServer::start().await;
    let mut p = camp.participant().await;
    let alpha = p.claim_ok("sat-0930", "amphi", "Alpha").await;

    let sign = driver.browser(Opts::wide()).await;
    sign.goto(&camp.http("/e/camp/room/amphi")).await;
    wait_conn(&sign, &["live"], WAIT).await;
    wait_line(&sign, "next", "taken", Some("Alpha")).await;
    wait_line(&sign, "now", "none", None).await;
    let hidden = sign
        .js(
            "return document.getElementById('door-claim').hidden;",
            vec![],
        )
        .await;
    assert_eq!(hidden, true, "nothing free: no code");
    sign.js("window.__notReloaded = true; return true;", vec![])
        .await;

    // An organiser moves Alpha to another room: the sign offers the cell.
    let mut org = camp.organiser().await;
    org.command(Cmd::move_to(&alpha, "sat-0930", "ouessant"))
        .await
        .expect_ack();
    wait_line(&sign, "next", "free", None).await;
    sign.wait_js(
        "the claim code of sat-0930/amphi",
        WAIT,
        "const a = document.getElementById('door-claim'); \
         const u = document.getElementById('door-url'); \
         return !!a && !a.hidden && a.dataset.slot === 'sat-0930' \
           && !!document.querySelector('#door-qr svg') \
           && u.textContent === arguments[0];",
        vec![json!(
            "http://barcamp.test/e/camp/claim?slot=sat-0930&room=amphi#claim-form"
        )],
    )
    .await;

    // Someone claims it back: the code goes, the session shows.
    p.claim_ok("sat-0930", "amphi", "Gamma").await;
    wait_line(&sign, "next", "taken", Some("Gamma")).await;
    let hidden = sign
        .js(
            "return document.getElementById('door-claim').hidden;",
            vec![],
        )
        .await;
    assert_eq!(hidden, true);
    let kept = sign
        .js("return window.__notReloaded === true;", vec![])
        .await;
    assert_eq!(kept, true, "the sign followed without a reload");

    // Without JavaScript the sign shows the same, rendered by the server.
    let nojs = driver.browser(Opts::phone().no_js()).await;
    nojs.goto(&camp.http("/e/camp/room/amphi")).await;
    let title = nojs.find("#door-next .door-title").await;
    assert_eq!(nojs.text(&title).await, "Gamma");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_nothing_serious_on_a_door_sign() {
    let Some(driver) = harness::driver("axe_finds_nothing_serious_on_a_door_sign").await else {
        return;
    };
    let Some(axe) = harness::axe_source("axe_finds_nothing_serious_on_a_door_sign") else {
        return;
    };
    let camp = TestServer::start().await;
    let mut p = camp.participant().await;
    p.claim_ok("sat-0930", "amphi", "Alpha").await;
    let b = driver.browser(Opts::phone()).await;
    let mut problems = Vec::new();
    for (w, h) in [(390, 844), (1920, 1080)] {
        b.set_viewport(w, h).await;
        // A taken sign and a free one (with its QR code).
        for room in ["amphi", "ouessant"] {
            b.goto(&camp.http(&format!("/e/camp/room/{room}"))).await;
            wait_conn(&b, &["live"], WAIT).await;
            // For review, beside the other pages' screenshots.
            let shot = harness::screenshot_dir().join(format!("door-{room}-{w}x{h}.png"));
            b.save_screenshot(&shot).await;
            for v in b.axe(&axe).await {
                eprintln!("axe door {room} {w}x{h}: [{}] {}", v.impact, v.id);
                if v.impact == "serious" || v.impact == "critical" {
                    problems.push(format!("door {room} at {w}x{h}:\n{v}"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "axe-core found {} serious or critical violation(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
