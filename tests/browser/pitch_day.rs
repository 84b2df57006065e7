//! The opening of a BarCamp, end to end in Chromium (issue 12): a phone
//! pitches, the wall switches to its pitch mode and shows it waiting, the
//! organiser calls it and the wall shows it large as the current pitch, the
//! phone claims from its pitch in one tap, and when the organiser closes the
//! queue the wall is the board again, with the session in its cell. Two
//! browsers, no reload; the organiser is a socket client.

use serde_json::json;

use crate::harness::{self, Opts, WAIT};
use crate::kit::*;
use crate::pages::wait_conn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pitch_goes_from_the_phone_to_the_wall_and_onto_the_board() {
    let Some(driver) =
        harness::driver("a_pitch_goes_from_the_phone_to_the_wall_and_onto_the_board").await
    else {
        return;
    };
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    org.command(json!({"op":"pitch_open","open":true}))
        .await
        .expect_ack();

    let wall = driver.browser(Opts::wide()).await;
    wall.goto(&camp.http("/e/camp/wall")).await;
    wait_conn(&wall, &["live"], WAIT).await;
    wall.wait_js(
        "the wall in pitch mode",
        WAIT,
        "return document.getElementById('wall').dataset.mode === 'pitch';",
        vec![],
    )
    .await;
    wall.js("window.__same = true; return true;", vec![]).await;
    let join = "return Array.from(document.querySelectorAll('.join-text'), (p) => getComputedStyle(p).display === 'none' ? '' : p.textContent).join('');";
    let said = wall.js(join, vec![]).await;
    assert_eq!(
        said, "Join the pitch queue from your phone:",
        "the join line says what the phone is for"
    );

    let phone = driver.browser(Opts::phone()).await;
    phone.goto(&camp.http("/e/camp")).await;
    wait_conn(&phone, &["live"], WAIT).await;
    let title = phone.wait_visible("#pitch-title-in", WAIT).await;
    phone.fill(&title, "Cidre et WebSockets").await;
    let host = phone.find("#pitch-host-in").await;
    phone.fill(&host, "Gwen").await;
    let go = phone.find("#pitch-form button[type=submit]").await;
    phone.click(&go).await;

    // The wall lists it waiting, then large once called.
    wall.wait_js(
        "the pitch waiting on the wall",
        WAIT,
        "return Array.from(document.querySelectorAll('#pitch-queue li .pitch-title'), (t) => t.textContent).includes('Cidre et WebSockets');",
        vec![],
    )
    .await;
    org.command(json!({"op":"pitch_next"})).await.expect_ack();
    wall.wait_js(
        "the pitch current on the wall",
        WAIT,
        "const t = document.querySelector('#pitch-current .pitch-title'); \
         return !!t && t.textContent === 'Cidre et WebSockets' \
           && document.getElementById('pitch-current').getClientRects().length > 0;",
        vec![],
    )
    .await;

    // The phone is on, and claims from its pitch in one tap.
    let first = phone
        .wait_visible("#pitch-on form.pitch-claim button", WAIT)
        .await;
    let cell = phone
        .js(
            "const f = document.querySelector('#pitch-on form.pitch-claim'); return [f.dataset.slot, f.dataset.room];",
            vec![],
        )
        .await;
    let (slot, room) = (
        cell[0].as_str().unwrap().to_owned(),
        cell[1].as_str().unwrap().to_owned(),
    );
    phone.click(&first).await;
    phone
        .wait_js(
            "the session in its cell on the phone",
            WAIT,
            "const td = document.querySelector('td[data-slot=\"' + arguments[0] + '\"][data-room=\"' + arguments[1] + '\"]'); \
             return !!td && td.textContent.includes('Cidre et WebSockets');",
            vec![json!(slot), json!(room)],
        )
        .await;

    // The queue closes: the wall is the board again, with the session.
    org.command(json!({"op":"pitch_open","open":false}))
        .await
        .expect_ack();
    wall.wait_js(
        "the board on the wall, with the session",
        WAIT,
        "const w = document.getElementById('wall'); \
         return w.dataset.mode === 'board' && document.getElementById('pitch').hidden \
           && document.querySelector('.wall-main').textContent.includes('Cidre et WebSockets');",
        vec![],
    )
    .await;
    let said = wall.js(join, vec![]).await;
    assert_eq!(said, "Claim a slot from your phone:");
    let same = wall.js("return window.__same === true;", vec![]).await;
    assert_eq!(same, true, "the wall followed without a reload");
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["sessions"][0]["title"], "Cidre et WebSockets");
    assert_eq!(board["sessions"][0]["slot"], slot.as_str());
}
