//! "My day" and the phone's links in a real browser: a phone claims a session with the page's
//! form, opens My day from the board, sees it there, asks for its calendar
//! address (a webcal link and a QR code), and axe-core finds nothing serious
//! on the page, at phone and desktop sizes.

use crate::harness::{self, Opts, WAIT};
use crate::kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_day_shows_my_session_and_gives_a_calendar_address() {
    let Some(driver) =
        harness::driver("my_day_shows_my_session_and_gives_a_calendar_address").await
    else {
        return;
    };
    let Some(axe) = harness::axe_source("my_day_shows_my_session_and_gives_a_calendar_address")
    else {
        return;
    };
    let camp = TestServer::start().await;
    let b = driver.browser(Opts::phone()).await;
    b.goto(&camp.http("/e/camp/claim?slot=sat-1030&room=sein"))
        .await;
    let title = b.wait_for("#claim-title", WAIT).await;
    b.fill(&title, "Mon atelier").await;
    let host = b.find("#claim-host").await;
    b.fill(&host, "Maël").await;
    let send = b.find("#claim-form button[type=\"submit\"]").await;
    b.click(&send).await;
    b.wait_for("[data-mine]", WAIT).await;

    let link = b.wait_for("#my-day-link", WAIT).await;
    b.click(&link).await;
    let item = b.wait_for("#my-sessions li[data-session]", WAIT).await;
    assert!(b.text(&item).await.contains("Mon atelier"));
    let ask = b.find("#feed form button[type=\"submit\"]").await;
    b.click(&ask).await;
    let feed = b.wait_for("#feed-link", WAIT).await;
    assert!(
        b.attr(&feed, "href")
            .await
            .unwrap_or_default()
            .starts_with("webcal://")
    );
    b.wait_for("#feed figure.qr svg", WAIT).await;

    let mut problems = Vec::new();
    for (w, h) in [(390, 844), (1920, 1080)] {
        b.set_viewport(w, h).await;
        let shot = harness::screenshot_dir().join(format!("my-day-{w}x{h}.png"));
        b.save_screenshot(&shot).await;
        for v in b.axe(&axe).await {
            eprintln!("axe my day {w}x{h}: [{}] {}", v.impact, v.id);
            if v.impact == "serious" || v.impact == "critical" {
                problems.push(format!("my day at {w}x{h}:\n{v}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "axe-core found:\n{}",
        problems.join("\n")
    );
}

/// With JavaScript the phone draws its own claim and edit forms: both carry
/// the link fields, so links are added when claiming and changed later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_s_own_forms_add_and_change_links() {
    use crate::pages::{fill_claim_form, open_claim_form, submit_button, wait_conn};
    let Some(driver) = harness::driver("the_phone_s_own_forms_add_and_change_links").await else {
        return;
    };
    let camp = TestServer::start().await;
    let b = driver.browser(Opts::phone()).await;
    b.goto(&camp.http("/e/camp")).await;
    wait_conn(&b, &["live"], WAIT).await;
    open_claim_form(&b, "sat-0930", "amphi").await;
    fill_claim_form(&b, "Avec des liens", "Maël").await;
    let url = b.find("#claim-link1-url").await;
    b.fill(&url, "https://notes.example/rust").await;
    let label = b.find("#claim-link1-label").await;
    b.fill(&label, "Notes").await;
    let submit = submit_button(&b, "form#claim-form").await;
    b.click(&submit).await;
    // Read in the page itself: phone.js may draw "my sessions" again (the
    // change, then its hints) between finding the link and reading it.
    b.wait_js(
        "the link in my sessions",
        WAIT,
        "const a = document.querySelector('[data-mine] ul.links a'); \
         return !!a && a.textContent === 'Notes' && a.rel === 'nofollow noopener ugc';",
        vec![],
    )
    .await;

    // The edit form (drawn by phone.js) holds the link, and changes it.
    let summary = b.find("[data-mine] details.edit summary").await;
    b.click(&summary).await;
    let edit_label = b
        .wait_visible("[data-mine] details.edit input[name=link1_label]", WAIT)
        .await;
    let now = b
        .js("return document.querySelector('[data-mine] details.edit input[name=link1_url]').value;", vec![])
        .await;
    assert_eq!(now, "https://notes.example/rust");
    b.fill(&edit_label, "Slides").await;
    let save = b.find("[data-mine] details.edit button[type=submit]").await;
    b.click(&save).await;
    b.wait_js(
        "the new label",
        WAIT,
        "const a = document.querySelector('[data-mine] ul.links a'); return !!a && a.textContent === 'Slides';",
        vec![],
    )
    .await;
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(
        board["sessions"][0]["links"][0]["label"], "Slides",
        "{board}"
    );
}
