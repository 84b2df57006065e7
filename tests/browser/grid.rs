//! The grid changed on the day in a real browser: the organiser delays the
//! afternoon by 15 minutes with the admin page's button, and the wall's
//! times change without a reload (the same document, its marker kept).

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
    admin.goto(&camp.http("/e/camp/admin")).await;
    let secret = admin
        .wait_for("form#login input[name=\"secret\"]", WAIT)
        .await;
    admin.fill(&secret, ORGANISER).await;
    let submit = admin.find("form#login button[type=\"submit\"]").await;
    admin.click(&submit).await;
    admin.wait_for("#admin-grid", WAIT).await;
    admin
        .wait_js(
            "#conn to be live",
            WAIT,
            "return document.querySelector('#conn').dataset.status === 'live';",
            vec![],
        )
        .await;
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
