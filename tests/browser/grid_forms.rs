//! An open admin tab follows another organiser's grid change in its
//! "Change the grid" forms too (`#grid-edit`, refreshed by admin.js's
//! `regrid` with the grid), not only in the grid: a room added elsewhere
//! gets its rename and remove forms without a reload.

use serde_json::json;

use crate::harness::{self, Opts, WAIT};
use crate::kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_admin_tab_s_grid_forms_follow_another_organiser_s_change() {
    let Some(driver) = harness::driver("grid_forms_follow").await else {
        return;
    };
    let camp = TestServer::start().await;
    let admin = driver.browser(Opts::wide()).await;
    crate::pages::organiser_page(&admin, &camp, "#grid-edit").await;
    admin
        .js("window.__sameDocument = 'yes'; return true;", vec![])
        .await;

    let mut org = camp.organiser().await;
    org.command(
        json!({"op":"add_room","room":{"id":"cafeteria","name":"Cafétéria","capacity":40}}),
    )
    .await
    .expect_ack();
    admin
        .wait_js(
            "the grid forms to hold the new room, in the same document",
            WAIT,
            "return !!document.querySelector('#grid-edit .grid-edit-row[data-room=\"cafeteria\"] input[name=\"name\"]') \
               && window.__sameDocument === 'yes';",
            vec![],
        )
        .await;
}
