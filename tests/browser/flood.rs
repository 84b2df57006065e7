//! The session cap in a real browser (issue 10): the phone's script shows
//! the server's counts in the page's words, from the reject's `held` and
//! `max`, in English and in French.

use crate::harness::{self, Opts, WAIT};
use crate::kit::*;
use crate::pages::{
    fill_claim_form, open_claim_form, submit_button, wait_conn, wait_notice, wait_title,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_says_how_many_sessions_it_holds_at_the_cap() {
    let Some(driver) =
        harness::driver("the_phone_says_how_many_sessions_it_holds_at_the_cap").await
    else {
        return;
    };
    let camp = TestServer::start_with("max_sessions_per_participant = 1").await;
    for (lang, said) in [
        (
            "en",
            "You already hold 1 session, the most one person may hold here (1).",
        ),
        (
            "fr",
            "Vous tenez déjà 1 session, le maximum pour une personne ici (1).",
        ),
    ] {
        let phone = driver
            .browser(Opts {
                lang: lang.into(),
                ..Opts::phone()
            })
            .await;
        phone.goto(&camp.http("/e/camp")).await;
        wait_conn(&phone, &["live"], WAIT).await;
        let row = if lang == "en" { 0 } else { 1 };
        let (slot, room) = cell(row * 4);
        open_claim_form(&phone, slot, room).await;
        fill_claim_form(&phone, "Ma première", "Lou").await;
        phone
            .click(&submit_button(&phone, "form#claim-form").await)
            .await;
        wait_title(&phone, slot, room, "Ma première", WAIT).await;
        let (slot, room) = cell(row * 4 + 1);
        open_claim_form(&phone, slot, room).await;
        fill_claim_form(&phone, "Une de trop", "Lou").await;
        phone
            .click(&submit_button(&phone, "form#claim-form").await)
            .await;
        // The first claim's notice may still be up: wait for the next one.
        let deadline = std::time::Instant::now() + WAIT;
        let (code, text) = loop {
            let (code, text) = wait_notice(&phone).await;
            if code != "ack" || std::time::Instant::now() > deadline {
                break (code, text);
            }
            tokio::task::yield_now().await;
        };
        assert_eq!(code, "session_limit", "{text}");
        assert!(text.contains(said), "{lang}: {text}");
    }
}
