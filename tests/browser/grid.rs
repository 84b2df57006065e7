//! The grid changed on the day in a real browser: the organiser delays the
//! afternoon by 15 minutes with the admin page's button, and the wall's
//! times change without a reload (the same document, its marker kept); the
//! phone follows a new room and a delay the same way.

use serde_json::json;

use crate::harness::{self, Opts, WAIT};
use crate::kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organiser_delays_the_afternoon_and_the_wall_follows_without_a_reload() {
    let Some(driver) = harness::driver("grid_delay_live").await else {
        return;
    };
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    alice.claim_ok("sat-1130", "amphi", "After the delay").await;

    let wall = driver.browser(Opts::wide()).await;
    wall.goto(&camp.http("/e/camp/wall")).await;
    wall.wait_js(
        "the wall's row of 10:30",
        WAIT,
        "return !!document.querySelector('tr[data-row=\"sat-1030\"] .slot-start');",
        vec![],
    )
    .await;
    wall.js("window.__sameDocument = 'yes'; return true;", vec![])
        .await;

    let admin = driver.browser(Opts::wide()).await;
    crate::pages::organiser_page(&admin, &camp, "#admin-grid").await;
    let button = admin
        .js_elem(
            "the +15 button of 10:30",
            "return Array.from(document.querySelectorAll('form[data-op=\"shift_slots\"]'))\
               .find((f) => f.elements.from.value === 'sat-1030' && f.elements.minutes.value === '15')\
               .querySelector('button');",
            vec![],
        )
        .await
        .expect("the delay button");
    admin.click(&button).await;

    wall.wait_js(
        "the wall to show 10:45 and 11:45, in the same document",
        WAIT,
        "const t = (id) => document.querySelector(`tr[data-row=\"${id}\"] .slot-start`).textContent; \
         return t('sat-1030') === '10:45' && t('sat-1130') === '11:45' && t('sat-0930') === '09:30' \
           && window.__sameDocument === 'yes';",
        vec![],
    )
    .await;
    wall.wait_js(
        "the session to stay in its (delayed) slot",
        WAIT,
        "const td = document.querySelector('td[data-slot=\"sat-1130\"][data-room=\"amphi\"]'); \
         return !!td && td.dataset.state === 'taken';",
        vec![],
    )
    .await;
    admin
        .wait_js(
            "the admin grid to show the new times, and the log to say it",
            WAIT,
            "return document.querySelector('#admin-grid').textContent.includes('10:45–11:30') \
               && document.querySelector('#audit li .what').textContent === 'changed the rooms and slots';",
            vec![],
        )
        .await;
    let board = get_json(&camp, "/e/camp/board.json").await;
    let starts: Vec<_> = board["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].clone())
        .collect();
    assert_eq!(starts, [json!("09:30"), json!("10:45"), json!("11:45")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_shows_a_new_room_and_a_delay_without_a_reload() {
    let Some(driver) = harness::driver("grid_phone_live").await else {
        return;
    };
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    alice.claim_ok("sat-1130", "amphi", "After the delay").await;

    let phone = driver.browser(Opts::phone()).await;
    phone.goto(&camp.http("/e/camp")).await;
    phone
        .wait_js(
            "the phone to be live",
            WAIT,
            "return document.querySelector('#conn').dataset.status === 'live';",
            vec![],
        )
        .await;
    phone
        .js("window.__sameDocument = 'yes'; return true;", vec![])
        .await;

    let mut org = camp.organiser().await;
    org.command(
        json!({"op":"add_room","room":{"id":"cafeteria","name":"Cafétéria","capacity":40}}),
    )
    .await
    .expect_ack();
    phone
        .wait_js(
            "the phone to show the new room's cells, in the same document",
            WAIT,
            "return document.querySelectorAll('td[data-room=\"cafeteria\"]').length === 3 \
               && document.querySelector('#board').textContent.includes('Cafétéria') \
               && window.__sameDocument === 'yes';",
            vec![],
        )
        .await;

    org.command(json!({"op":"shift_slots","from":"sat-1030","minutes":15}))
        .await
        .expect_ack();
    phone
        .wait_js(
            "the phone to show 10:45 and 11:45, its session kept, in the same document",
            WAIT,
            "const t = (id) => document.querySelector(`#slot-${id} .time`).textContent; \
             const td = document.querySelector('td[data-slot=\"sat-1130\"][data-room=\"amphi\"]'); \
             return t('sat-1030') === '10:45–11:30' && t('sat-1130') === '11:45–12:30' \
               && t('sat-0930') === '09:30–10:15' && !!td && td.dataset.state === 'taken' \
               && td.textContent.includes('After the delay') && window.__sameDocument === 'yes';",
            vec![],
        )
        .await;

    // A free cell of the new room still opens the claim form, live.
    let claim = phone
        .js_elem(
            "the claim link of the new room at 09:30",
            "return document.querySelector('td[data-slot=\"sat-0930\"][data-room=\"cafeteria\"] a.claim');",
            vec![],
        )
        .await
        .expect("a claim link in the new room");
    phone.click(&claim).await;
    phone
        .wait_for("td[data-room=\"cafeteria\"] #claim-form", WAIT)
        .await;
}
