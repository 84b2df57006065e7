//! Bulk removal on the organiser page in a real browser: the owner on each
//! session, "remove everything p_… made" sent on the live socket by
//! admin.js, the audit log's new lines in the server's words, the undo
//! button putting it all back, and the wall following every step through
//! live.js.

use serde_json::json;

use crate::harness::{self, Browser, Opts, WAIT};
use crate::kit::*;

async fn wait(b: &Browser, what: &str, script: &str, args: Vec<serde_json::Value>) {
    b.wait_js(what, WAIT, script, args).await;
}

async fn wall_state(b: &Browser, slot: &str, room: &str, state: &str) {
    wait(
        b,
        &format!("wall cell {slot}/{room} to be {state}"),
        "return Array.from(document.querySelectorAll(\
           `[data-slot=\"${arguments[0]}\"][data-room=\"${arguments[1]}\"][data-state]`))\
           .some((c) => c.getAttribute('data-state') === arguments[2]);",
        vec![json!(slot), json!(room), json!(state)],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organiser_removes_everything_one_person_made_and_puts_it_back_live() {
    let Some(driver) = harness::driver("bulk_removal_live").await else {
        return;
    };
    let camp = TestServer::start().await;
    let mut mallory = camp.participant().await;
    let mut alice = camp.participant().await;
    mallory.claim_ok("sat-0930", "amphi", "Spam one").await;
    alice.claim_ok("sat-0930", "sein", "Rust").await;
    mallory.claim_ok("sat-1030", "amphi", "Spam two").await;
    let short = slotboard::board::labels::short_id(&mallory.id).to_owned();

    let wall = driver.browser(Opts::wide()).await;
    wall.goto(&camp.http("/e/camp/wall")).await;
    wall_state(&wall, "sat-0930", "amphi", "taken").await;

    let admin = driver.browser(Opts::wide()).await;
    crate::pages::organiser_page(&admin, &camp, "#owner-list").await;
    let owner_tag = admin
        .find("td[data-slot=\"sat-0930\"][data-room=\"amphi\"] .owner")
        .await;
    assert_eq!(admin.text(&owner_tag).await, short);

    let button = admin
        .find(&format!(
            "#owner-list li[data-owner=\"{}\"] button",
            mallory.id
        ))
        .await;
    assert_eq!(
        admin.text(&button).await,
        format!("Remove everything {short} made (2 sessions)")
    );
    admin.click(&button).await;
    wait(
        &admin,
        "the owner list to keep only Alice",
        "return document.querySelectorAll('#owner-list li').length === 1 \
           && document.querySelector('#audit li .what').textContent \
              === 'removed 2 sessions at once: “Spam one”, “Spam two”';",
        vec![],
    )
    .await;
    wall_state(&wall, "sat-0930", "amphi", "free").await;
    wall_state(&wall, "sat-1030", "amphi", "free").await;
    wall_state(&wall, "sat-0930", "sein", "taken").await;
    wait(
        &admin,
        "the undo hint to offer the removal back",
        "return document.querySelector('#undo-hint').textContent.includes('removed 2 sessions');",
        vec![],
    )
    .await;

    let undo = admin.find("#undo").await;
    admin.click(&undo).await;
    wait(
        &admin,
        "both sessions back on the admin page",
        "return document.querySelectorAll('#owner-list li').length === 2 \
           && document.querySelector('#audit li .what').textContent \
              === 'put back 2 sessions: “Spam one”, “Spam two”';",
        vec![],
    )
    .await;
    wall_state(&wall, "sat-0930", "amphi", "taken").await;
    wall_state(&wall, "sat-1030", "amphi", "taken").await;

    // A claim's live line offers "undo every claim since this one".
    let mut carol = camp.participant().await;
    carol.claim_ok("sat-1130", "brehat", "Late").await;
    wait(
        &admin,
        "the claim's line with its form",
        "const li = document.querySelector('#audit li'); \
         return !!li && !!li.querySelector('form[data-op=\"remove_claims_since\"]');",
        vec![],
    )
    .await;
    let since = admin
        .find("#audit li form[data-op=\"remove_claims_since\"] button")
        .await;
    admin.click(&since).await;
    wall_state(&wall, "sat-1130", "brehat", "free").await;
    wall_state(&wall, "sat-0930", "amphi", "taken").await;
}
