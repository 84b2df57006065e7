//! The venue's page in a real browser (issue 11): the venue manager logs in
//! on `/admin`, fills "Create an event", previews it (the suggested slug
//! and every slot), creates it, and reads the organisers' secret off the
//! page (with its QR code and, with JavaScript, its Copy button); after a
//! restart the organisers log in with that secret in a fresh browser and
//! see their grid. axe-core checks the login, the venue's page and the
//! page of the new event. Without JavaScript the same form creates too.

use crate::harness::{self, Browser, Opts, WAIT};
use crate::kit::*;

const VENUE: &str = "the-venue-secret-of-browsers";

async fn venue_camp() -> TestServer {
    TestServer::start_with(&format!(
        "venue_token_hash = \"{}\"",
        slotboard::auth::hash_secret(VENUE)
    ))
    .await
}

/// The serious or critical axe violations of the current page, in words
/// (every violation is printed on stderr for the log).
async fn axe_problems(b: &Browser, axe: Option<&str>, name: &str) -> Vec<String> {
    let Some(axe) = axe else {
        return vec![];
    };
    let found = b.axe(axe).await;
    eprintln!("axe {name}: {} violation(s)", found.len());
    found
        .into_iter()
        .inspect(|v| eprintln!("axe {name}: [{}] {}", v.impact, v.id))
        .filter(|v| v.impact == "serious" || v.impact == "critical")
        .map(|v| format!("{name}:\n{v}"))
        .collect()
}

/// Logs in on `/admin` with the venue's secret, until the creation form.
async fn venue_login(b: &Browser, camp: &TestServer) {
    b.goto(&camp.http("/admin")).await;
    let secret = b.wait_for("form#login input[name=\"secret\"]", WAIT).await;
    b.fill(&secret, VENUE).await;
    let submit = b.find("form#login button[type=\"submit\"]").await;
    b.click(&submit).await;
    b.wait_for("form#create", WAIT).await;
}

/// Fills "Create an event": a title (the slug left to be suggested), two
/// days, two rooms, a morning of three 45-minute slots with no lunch.
async fn fill_create(b: &Browser) {
    for (id, value) in [
        ("title", "BarCamp Brest 2037"),
        ("days", "2037-06-12, 2037-06-13"),
        ("rooms", "Amphi, 80\nCafétéria, 20"),
        ("first_start", "09:30"),
        ("last_end", "12:30"),
        ("slot_minutes", "45"),
        ("break_minutes", "15"),
    ] {
        let field = b.find(&format!("form#create #{id}")).await;
        b.fill(&field, value).await;
    }
    let lunch = b.find("form#create #lunch_start").await;
    lunch.el.clear().await.expect("clear the lunch");
    let generate = b.find("form#create #grid-generate").await;
    b.click(&generate).await;
}

async fn click_action(b: &Browser, action: &str) {
    let button = b
        .find(&format!(
            "form#create button[name=\"action\"][value=\"{action}\"]"
        ))
        .await;
    b.click(&button).await;
}

/// The organisers' secret as the page shows it.
async fn shown_secret(b: &Browser) -> String {
    let field = b.wait_for("#organiser-secret", WAIT).await;
    let secret = b
        .js(
            "return document.querySelector('#organiser-secret').value;",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        secret.chars().count() >= 16,
        "a secret in {}: {secret:?}",
        field.what
    );
    secret
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_venue_creates_an_event_and_its_organisers_log_in_after_a_restart() {
    let Some(driver) = harness::driver("venue_creates_in_chromium").await else {
        return;
    };
    let axe = harness::axe_source("venue_creates_in_chromium");
    let axe = axe.as_deref();
    let mut camp = venue_camp().await;
    let mut problems = Vec::new();

    let venue = driver.browser(Opts::wide()).await;
    venue.goto(&camp.http("/admin")).await;
    venue.wait_for("form#login", WAIT).await;
    problems.extend(axe_problems(&venue, axe, "venue login").await);
    venue_login(&venue, &camp).await;
    problems.extend(axe_problems(&venue, axe, "venue page").await);
    venue.set_viewport(390, 844).await;
    problems.extend(axe_problems(&venue, axe, "venue page on a phone").await);
    venue.set_viewport(1920, 1080).await;

    fill_create(&venue).await;
    click_action(&venue, "preview").await;
    let preview = venue.wait_for("#preview", WAIT).await;
    let text = venue.text(&preview).await;
    assert!(text.contains("/e/barcamp-brest-2037"), "the slug: {text}");
    assert!(
        text.contains("09:30–10:15 · 10:30–11:15 · 11:30–12:15"),
        "the slots: {text}"
    );
    assert!(text.contains("cafeteria"), "the room ids: {text}");
    assert!(
        !camp.data.path().join("venue/events").exists(),
        "a preview creates nothing"
    );
    problems.extend(axe_problems(&venue, axe, "venue preview").await);

    // The form came back as typed: "Create" makes what was previewed.
    let title = venue.find("form#create #title").await;
    assert_eq!(
        venue.attr(&title, "value").await.as_deref(),
        Some("BarCamp Brest 2037")
    );
    click_action(&venue, "create").await;
    let secret = shown_secret(&venue).await;
    venue.wait_for("figure.qr svg", WAIT).await;
    let copy = venue.wait_visible("#copy-secret", WAIT).await;
    venue.click(&copy).await;
    venue
        .wait_js(
            "the Copy button to say it copied",
            WAIT,
            "return document.querySelector('#copy-secret').textContent === 'Copied';",
            vec![],
        )
        .await;
    problems.extend(axe_problems(&venue, axe, "created page").await);
    drop(venue);

    camp.restart().await;

    let org = driver.browser(Opts::wide()).await;
    org.goto(&camp.http("/e/barcamp-brest-2037/admin")).await;
    let field = org
        .wait_for("form#login input[name=\"secret\"]", WAIT)
        .await;
    org.fill(&field, &secret).await;
    let submit = org.find("form#login button[type=\"submit\"]").await;
    org.click(&submit).await;
    let grid = org.wait_for("#admin-grid", WAIT).await;
    let text = org.text(&grid).await;
    assert!(
        text.contains("Amphi") && text.contains("Cafétéria"),
        "the created rooms: {text}"
    );
    org.wait_js(
        "the admin page to be live",
        WAIT,
        "return document.querySelector('#conn').dataset.status === 'live';",
        vec![],
    )
    .await;
    let board = get_json(&camp, "/e/barcamp-brest-2037/board.json").await;
    assert_eq!(board["slots"].as_array().unwrap().len(), 6, "{board}");

    assert!(
        problems.is_empty(),
        "axe-core found {} serious or critical violation(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_venue_s_form_creates_too() {
    let Some(driver) = harness::driver("venue_creates_without_js").await else {
        return;
    };
    let camp = venue_camp().await;
    let venue = driver.browser(Opts::phone().no_js()).await;
    venue_login(&venue, &camp).await;
    // The events table scrolls on its own: the page is no wider than the
    // phone (else it zooms out, and a tap misses the button it aimed at).
    let width = venue
        .js("return document.documentElement.scrollWidth;", vec![])
        .await;
    assert!(
        width.as_u64().is_some_and(|w| w <= 390),
        "the venue's page is {width} px wide on a 390 px phone"
    );
    fill_create(&venue).await;
    click_action(&venue, "preview").await;
    let preview = venue.wait_for("#preview", WAIT).await;
    assert!(venue.text(&preview).await.contains("/e/barcamp-brest-2037"));
    click_action(&venue, "create").await;
    let secret = shown_secret(&venue).await;
    venue.wait_for("figure.qr svg", WAIT).await;
    let copy = venue.find("#copy-secret").await;
    assert!(
        !venue.displayed(&copy).await,
        "no Copy button without JavaScript: the field is there to select"
    );

    // The organisers log in without JavaScript too.
    venue.goto(&camp.http("/e/barcamp-brest-2037/admin")).await;
    let field = venue
        .wait_for("form#login input[name=\"secret\"]", WAIT)
        .await;
    venue.fill(&field, &secret).await;
    let submit = venue.find("form#login button[type=\"submit\"]").await;
    venue.click(&submit).await;
    let grid = venue.wait_for("#admin-grid", WAIT).await;
    assert!(venue.text(&grid).await.contains("Cafétéria"));
    let board = get_json(&camp, "/e/barcamp-brest-2037/board.json").await;
    assert_eq!(board["rooms"].as_array().unwrap().len(), 2, "{board}");
}
