//! The wall's pitch mode in a real browser: the wall open on the board, the
//! organiser opens the pitch queue and participants pitch (socket clients),
//! and the wall follows without a reload: pitch mode, the current pitch
//! large, the free cells losing the cell claimed from a pitch, back to the
//! board when the queue closes (a move and a removal of a waiting pitch
//! too); axe-core on the wall in pitch mode, and the mode fits a
//! projector's screen without scrolling, the longest texts included.

use serde_json::json;

use crate::harness::{self, Browser, Opts, WAIT};
use crate::kit::*;
use crate::pages::wait_conn;

/// Whether the wall shows the pitch mode (#pitch visible, the board not).
const PITCH_MODE: &str = "const p = document.getElementById('pitch'); \
    const m = document.querySelector('.wall-main'); \
    return !!p && p.getClientRects().length > 0 && m.getClientRects().length === 0 \
      && document.getElementById('wall').dataset.mode === 'pitch';";

/// Whether the wall shows the board.
const BOARD_MODE: &str = "const p = document.getElementById('pitch'); \
    const m = document.querySelector('.wall-main'); \
    return p.getClientRects().length === 0 && m.getClientRects().length > 0 \
      && document.getElementById('wall').dataset.mode === 'board';";

/// The rooms the free-cells list shows for a slot (null: the slot is not listed).
const FREE_ROOMS: &str = "const li = document.querySelector(`#pitch-free li[data-slot=\"${arguments[0]}\"]`); \
    return li ? Array.from(li.querySelectorAll('.free-room'), (r) => r.textContent) : null;";

/// The longest title (80) and host (60) a pitch may have, in long words.
const LONG_TITLE: &str =
    "Mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm Wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww";
const LONG_HOST: &str = "Wwwwwwwwwwwwwwwwwwwwwwwwwwwwww Mmmmmmmmmmmmmmmmmmmmmmmmmmmmm";

async fn current_title(wall: &Browser) -> String {
    let v = wall
        .js(
            "const t = document.querySelector('#pitch-current .pitch-title'); \
             const c = document.getElementById('pitch-current'); \
             return t && c.getClientRects().length > 0 ? t.textContent : '';",
            vec![],
        )
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wall_follows_the_pitch_queue_without_a_reload() {
    let Some(driver) = harness::driver("the_wall_follows_the_pitch_queue_without_a_reload").await
    else {
        return;
    };
    let camp = TestServer::start().await;
    let wall = driver.browser(Opts::wide()).await;
    wall.goto(&camp.http("/e/camp/wall")).await;
    wait_conn(&wall, &["live"], WAIT).await;
    wall.js("window.__notReloaded = true; return true;", vec![])
        .await;
    wall.wait_js("the board", WAIT, BOARD_MODE, vec![]).await;

    // The organiser opens the queue; a participant pitches.
    let mut org = camp.organiser().await;
    org.command(json!({"op":"pitch_open","open":true}))
        .await
        .expect_ack();
    wall.wait_js("pitch mode", WAIT, PITCH_MODE, vec![]).await;
    let mut mael = camp.participant().await;
    let rev = mael
        .command(json!({"op":"pitch","title":"Rust on the wall","host":"Maël"}))
        .await
        .expect_ack();
    let id = format!("q_{rev}");
    let mut zoe = camp.participant().await;
    zoe.command(json!({"op":"pitch","title":LONG_TITLE,"host":LONG_HOST}))
        .await
        .expect_ack();
    wall.wait_js(
        "both pitches waiting, in order",
        WAIT,
        "return Array.from(document.querySelectorAll('#pitch-queue li .pitch-title'), (t) => t.textContent).join('|') \
           === 'Rust on the wall|' + arguments[0];",
        vec![json!(LONG_TITLE)],
    )
    .await;
    assert_eq!(current_title(&wall).await, "", "nobody pitches yet");

    // A third pitch, moved to the head, then taken out: the wall follows.
    let order = "return Array.from(document.querySelectorAll('#pitch-queue li .pitch-title'), \
        (t) => t.textContent).join('|') === arguments[0];";
    let mut ana = camp.participant().await;
    let third = ana
        .command(json!({"op":"pitch","title":"Third","host":"Ana"}))
        .await
        .expect_ack();
    let third = format!("q_{third}");
    org.command(json!({"op":"pitch_move","pitch":third,"position":0}))
        .await
        .expect_ack();
    let moved = format!("Third|Rust on the wall|{LONG_TITLE}");
    wall.wait_js("the moved pitch first", WAIT, order, vec![json!(moved)])
        .await;
    org.command(json!({"op":"unpitch","pitch":third}))
        .await
        .expect_ack();
    let back = format!("Rust on the wall|{LONG_TITLE}");
    wall.wait_js("the pitch taken out", WAIT, order, vec![json!(back)])
        .await;

    // The organiser calls the next: it is the current pitch, large.
    org.command(json!({"op":"pitch_next"})).await.expect_ack();
    wall.wait_js(
        "the current pitch",
        WAIT,
        "const t = document.querySelector('#pitch-current .pitch-title'); \
         return !!t && t.textContent === 'Rust on the wall' \
           && document.getElementById('pitch-current').getClientRects().length > 0;",
        vec![],
    )
    .await;
    let big = wall
        .js(
            "const t = document.querySelector('#pitch-current .pitch-title'); \
             const q = document.querySelector('#pitch-queue .pitch-title'); \
             return [parseFloat(getComputedStyle(t).fontSize), parseFloat(getComputedStyle(q).fontSize), innerHeight];",
            vec![],
        )
        .await;
    let (now_px, next_px, h) = (
        big[0].as_f64().unwrap(),
        big[1].as_f64().unwrap(),
        big[2].as_f64().unwrap(),
    );
    assert!(
        now_px >= h * 0.06,
        "the current pitch is large: {now_px}px of {h}px"
    );
    assert!(
        now_px > next_px * 1.8,
        "larger than the next ones: {now_px} vs {next_px}"
    );
    // For review: the pitch mode as the projector shows it.
    let shot = harness::screenshot_dir().join("wall-pitch-1920x1080.png");
    wall.save_screenshot(&shot).await;
    let free = wall
        .wait_js("free cells", WAIT, FREE_ROOMS, vec![json!("sat-0930")])
        .await;
    assert!(free.as_array().unwrap().contains(&json!("Amphi")), "{free}");

    // The participant claims from the pitch: the wall's free cells lose it.
    mael.command(
        Cmd::claim("sat-0930", "amphi", "Rust on the wall", "Maël").with("pitch", id.as_str()),
    )
    .await
    .expect_ack();
    wall.wait_js(
        "Amphi at 09:30 no longer free",
        WAIT,
        &format!("const r = (() => {{ {FREE_ROOMS} }})(); return !!r && !r.includes('Amphi') && r.includes('Ouessant');"),
        vec![json!("sat-0930")],
    )
    .await;
    wall.wait_js(
        "nobody pitching after the claim",
        WAIT,
        "return document.getElementById('pitch-current').getClientRects().length === 0 \
           && document.getElementById('pitch-idle').getClientRects().length > 0;",
        vec![],
    )
    .await;

    // The longest texts a pitch may hold pitch now: the projector still
    // shows it all without scrolling, at both sizes.
    org.command(json!({"op":"pitch_next"})).await.expect_ack();
    wall.wait_js(
        "the long pitch, current",
        WAIT,
        "const t = document.querySelector('#pitch-current .pitch-title'); return !!t && t.textContent === arguments[0];",
        vec![json!(LONG_TITLE)],
    )
    .await;
    for (w, h) in [(1920, 1080), (1280, 720)] {
        wall.set_viewport(w, h).await;
        let fits = wall
            .js(
                "const d = document.documentElement; \
                 return d.scrollHeight <= innerHeight + 1 && d.scrollWidth <= innerWidth + 1;",
                vec![],
            )
            .await;
        assert_eq!(fits, true, "pitch mode fits {w}x{h}");
        let shot = harness::screenshot_dir().join(format!("wall-pitch-long-{w}x{h}.png"));
        wall.save_screenshot(&shot).await;
    }

    // axe on the wall in pitch mode.
    if let Some(axe) = harness::axe_source("the_wall_follows_the_pitch_queue_without_a_reload") {
        let found = wall.axe(&axe).await;
        let bad: Vec<String> = found
            .iter()
            .filter(|v| v.impact == "serious" || v.impact == "critical")
            .map(|v| v.to_string())
            .collect();
        assert!(
            bad.is_empty(),
            "axe on the wall in pitch mode:\n{}",
            bad.join("\n")
        );
    }

    // The organiser closes the queue: the board, with the session.
    org.command(json!({"op":"pitch_open","open":false}))
        .await
        .expect_ack();
    wall.wait_js("the board again", WAIT, BOARD_MODE, vec![])
        .await;
    wall.wait_js(
        "the session on the board",
        WAIT,
        "const c = document.querySelector('td[data-slot=\"sat-0930\"][data-room=\"amphi\"] .session-title'); \
         return !!c && c.textContent === 'Rust on the wall';",
        vec![],
    )
    .await;
    let same = wall
        .js("return window.__notReloaded === true;", vec![])
        .await;
    assert_eq!(same, true, "the wall followed without a reload");
}
