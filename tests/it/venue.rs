//! The venue's events over HTTP (issue 11): `/admin` with the venue's
//! secret, and its JSON API. A created event is on disk before it is
//! answered, live at once (board, socket, organiser login with the secret
//! shown once), listed on `/`, still there after a restart; bad input gets
//! a 4xx naming the field, and nothing is created; a slug of both the file
//! and the venue stops the start; the venue ends and hides events.

use serde_json::{Value, json};

use crate::kit::*;

const VENUE: &str = "the-venue-secret-of-tests";

fn venue_line() -> String {
    format!(
        "venue_token_hash = \"{}\"",
        slotboard::auth::hash_secret(VENUE)
    )
}

async fn venue_camp() -> TestServer {
    TestServer::start_with(&venue_line()).await
}

/// A new event's JSON, as a script sends it.
fn brest(slug: &str) -> Value {
    json!({
        "slug": slug,
        "title": "BarCamp Brest 2037",
        "timezone": "Europe/Paris",
        "languages": ["fr", "en"],
        "rooms": [
            {"id": "amphi", "name": "Amphi", "capacity": 80},
            {"id": "cafet", "name": "Cafétéria", "capacity": 20}
        ],
        "days": [{"date": "2037-06-12", "slots": [
            {"id": "d1-0930", "start": "09:30", "end": "10:15"},
            {"id": "d1-1030", "start": "10:30", "end": "11:15"}
        ]}]
    })
}

async fn api(
    camp: &TestServer,
    method: reqwest::Method,
    path: &str,
    secret: Option<&str>,
    body: Option<String>,
) -> (u16, Value) {
    let mut r = http_client().request(method, camp.http(path));
    if let Some(s) = secret {
        r = r.header("authorization", format!("Bearer {s}"));
    }
    if let Some(b) = body {
        r = r.header("content-type", "application/json").body(b);
    }
    let r = r.send().await.expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert_ne!(status, 500, "{text}");
    let v = serde_json::from_str(&text).unwrap_or_else(|_| json!({"text": text}));
    (status, v)
}

async fn create(camp: &TestServer, body: &Value) -> (u16, Value) {
    api(
        camp,
        reqwest::Method::POST,
        "/admin/events",
        Some(VENUE),
        Some(body.to_string()),
    )
    .await
}

/// Logs in on `/e/{slug}/admin` with `secret`: whether it was let in.
async fn organiser_can_log_in(camp: &TestServer, slug: &str, secret: &str) -> bool {
    let r = request(camp, &format!("/e/{slug}/admin/login"))
        .post_form(&[("secret", secret)])
        .await;
    r.status().as_u16() == 303
}

#[tokio::test]
async fn a_script_creates_an_event_that_is_live_at_once_and_survives_a_restart() {
    let mut camp = venue_camp().await;
    let (status, body) = create(&camp, &brest("brest-2037")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["slug"], "brest-2037");
    let secret = body["organiser_secret"].as_str().unwrap().to_owned();
    assert!(secret.chars().count() >= 16, "{secret}");

    // On disk, with the hash only.
    let file = camp.data.path().join("venue/events/brest-2037.json");
    let stored = std::fs::read_to_string(&file).expect("the created event's file");
    assert!(
        !stored.contains(&secret) && stored.contains("sha256:"),
        "{stored}"
    );

    // Live at once: its board, its socket, its organisers' login, `/`.
    assert_eq!(http_get(&camp, "/e/brest-2037").await.0, 200);
    let ws = format!("ws://{}/e/brest-2037/ws", camp.addr);
    let mut organiser = Client::join(&ws, Cmd::hello().organiser(&secret)).await;
    organiser
        .command(Cmd::claim("d1-0930", "cafet", "Opening", "Venue"))
        .await
        .expect_ack();
    assert!(organiser_can_log_in(&camp, "brest-2037", &secret).await);
    assert!(!organiser_can_log_in(&camp, "brest-2037", ORGANISER).await);
    let (_, index) = http_get(&camp, "/").await;
    assert!(
        index.contains("/e/brest-2037") && index.contains("/e/camp"),
        "{index}"
    );
    let (status, list) = api(
        &camp,
        reqwest::Method::GET,
        "/admin/events",
        Some(VENUE),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let row = (list["events"].as_array().unwrap().iter())
        .find(|e| e["slug"] == "brest-2037")
        .expect("listed");
    assert_eq!(row["defined"], "created");
    assert_eq!(row["state"], "upcoming");
    let camp_row = (list["events"].as_array().unwrap().iter())
        .find(|e| e["slug"] == "camp")
        .unwrap();
    assert_eq!(camp_row["defined"], "config");
    organiser.leave().await;

    camp.restart().await;
    assert!(organiser_can_log_in(&camp, "brest-2037", &secret).await);
    let board = get_json(&camp, "/e/brest-2037/board.json").await;
    assert_eq!(board["sessions"].as_array().unwrap().len(), 1, "{board}");
    let (_, index) = http_get(&camp, "/").await;
    assert!(index.contains("/e/brest-2037"), "{index}");
}

#[tokio::test]
async fn without_the_venue_secret_nothing_is_created() {
    let camp = venue_camp().await;
    let body = brest("nope").to_string();
    let post = reqwest::Method::POST;
    let (status, v) = api(
        &camp,
        post.clone(),
        "/admin/events",
        None,
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 401, "{v}");
    let (status, _) = api(&camp, post, "/admin/events", Some(ORGANISER), Some(body)).await;
    assert_eq!(status, 401, "an organiser's secret is not the venue's");
    let (status, _) = api(&camp, reqwest::Method::GET, "/admin/events", None, None).await;
    assert_eq!(status, 401);
    assert!(!camp.data.path().join("venue/events/nope.json").exists());
    assert_eq!(http_get(&camp, "/e/nope").await.0, 404);

    // A server without a venue secret says how to set one.
    let plain = TestServer::start().await;
    let (status, page) = http_get(&plain, "/admin").await;
    assert_eq!(status, 403);
    assert!(page.contains("SLOTBOARD_VENUE_TOKEN"), "{page}");
    let (status, v) = api(
        &plain,
        reqwest::Method::POST,
        "/admin/events",
        Some(VENUE),
        Some(brest("x").to_string()),
    )
    .await;
    assert_eq!((status, v["code"].as_str()), (403, Some("venue_off")));
}

#[tokio::test]
async fn bad_input_names_the_field_and_creates_nothing() {
    let camp = venue_camp().await;
    let mut cases: Vec<(Value, u16, &str)> = Vec::new();
    let mut v = brest("bad-1");
    v["title"] = json!("  ");
    cases.push((v, 400, "title"));
    let mut v = brest("bad-2");
    v["days"][0]["slots"][1]["end"] = json!("10:00");
    cases.push((v, 400, "days[0].slots[1].end"));
    let mut v = brest("bad-3");
    v["days"][0]["slots"][1]["start"] = json!("10:00");
    cases.push((v, 400, "days[0].slots[1]"));
    let mut v = brest("bad-4");
    v["rooms"][1]["id"] = json!("amphi");
    cases.push((v, 400, "rooms[1].id"));
    let mut v = brest("bad-5");
    v["organiser_token_hash"] = json!(slotboard::auth::hash_secret("x".repeat(16).as_str()));
    cases.push((v, 400, "organiser_token_hash"));
    let mut v = brest("bad-6");
    v["colour"] = json!("red");
    cases.push((v, 400, "colour"));
    let mut v = brest("Bad 7");
    v["timezone"] = json!("Europe/Paris");
    cases.push((v, 400, "slug"));
    let mut v = brest("bad-8");
    v["timezone"] = json!("Mars/Olympus");
    cases.push((v, 400, "timezone"));
    let mut v = brest("bad-9");
    v["rooms"][0]["name"] = json!("Amphi\u{2028}B");
    cases.push((v, 400, "rooms[0].name"));
    cases.push((brest("camp"), 409, "slug"));
    for (body, want, field) in &cases {
        let (status, v) = create(&camp, body).await;
        assert_eq!(status, *want, "{body}: {v}");
        assert_eq!(v["field"].as_str(), Some(*field), "{body}: {v}");
        assert!(!v["error"].as_str().unwrap_or_default().is_empty(), "{v}");
    }
    // Not JSON, too large.
    let post = reqwest::Method::POST;
    let (status, v) = api(
        &camp,
        post.clone(),
        "/admin/events",
        Some(VENUE),
        Some("{".into()),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    let huge = json!({"slug": "huge", "title": "x".repeat(70_000)}).to_string();
    let (status, _) = api(&camp, post, "/admin/events", Some(VENUE), Some(huge)).await;
    assert_eq!(status, 413);
    let made = std::fs::read_dir(camp.data.path().join("venue/events"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(made, 0, "nothing was written");
    let (_, list) = api(
        &camp,
        reqwest::Method::GET,
        "/admin/events",
        Some(VENUE),
        None,
    )
    .await;
    assert_eq!(list["events"].as_array().unwrap().len(), 1, "{list}");
    // The board still takes claims.
    camp.participant()
        .await
        .claim("sat-0930", "amphi", "Still here")
        .await
        .expect_ack();
}

#[tokio::test]
async fn the_venue_s_form_previews_creates_and_shows_the_secret_once() {
    let camp = venue_camp().await;
    let mut venue = NoJs::new();
    venue.lang = Some("en");
    let got = venue.get(&camp, "/admin").await;
    assert!(got.body.contains("action=\"/admin/login\""), "{}", got.body);
    let wrong = venue
        .post(&camp, "/admin/login", &[("secret", ORGANISER)])
        .await;
    assert_eq!(wrong.status, 401);
    let ok = venue
        .post(&camp, "/admin/login", &[("secret", VENUE)])
        .await;
    assert_eq!(ok.status, 303);
    let cookie = ok
        .set_cookies
        .iter()
        .find(|c| c.starts_with("slotboard_venue="))
        .expect("the venue's cookie");
    let lower = cookie.to_ascii_lowercase();
    assert!(
        lower.contains("httponly")
            && lower.contains("samesite=strict")
            && lower.contains("path=/admin"),
        "{cookie}"
    );
    let page = venue.get(&camp, "/admin").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-slug=\"camp\""), "{}", page.body);

    let mut form = vec![
        ("title", "BarCamp Brest 2037"),
        ("slug", ""),
        ("timezone", "Europe/Paris"),
        ("languages", "fr,en"),
        ("days", "2037-06-12, 2037-06-13"),
        ("rooms", "Amphi, 80\nCafétéria, 20"),
        ("grid", "generate"),
        ("first_start", "09:30"),
        ("last_end", "12:30"),
        ("slot_minutes", "45"),
        ("break_minutes", "15"),
        ("lunch_start", ""),
        ("lunch_minutes", ""),
        ("action", "preview"),
    ];
    let preview = venue.post(&camp, "/admin/events", &form).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains("/e/barcamp-brest-2037"),
        "the slug is suggested"
    );
    assert!(
        preview
            .body
            .contains("09:30–10:15 · 10:30–11:15 · 11:30–12:15"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("cafeteria"), "room ids are made");
    assert!(
        !camp.data.path().join("venue/events").exists(),
        "a preview creates nothing"
    );

    // A bad field is named and the form keeps what was typed.
    form[4] = ("days", "12/06/2037");
    let bad = venue.post(&camp, "/admin/events", &form).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"days-error\""), "{}", bad.body);
    assert!(bad.body.contains("value=\"BarCamp Brest 2037\""));
    form[4] = ("days", "2037-06-12, 2037-06-13");

    form[13] = ("action", "create");
    let made = venue.post(&camp, "/admin/events", &form).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let secret = made
        .body
        .split("id=\"organiser-secret\"")
        .nth(1)
        .and_then(|s| s.split("value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("the secret is shown")
        .to_owned();
    assert!(made.body.contains("<svg"), "a QR code");
    assert!(
        made.body
            .contains("http://barcamp.test/e/barcamp-brest-2037/admin")
    );
    assert!(organiser_can_log_in(&camp, "barcamp-brest-2037", &secret).await);
    let board = get_json(&camp, "/e/barcamp-brest-2037/board.json").await;
    assert_eq!(board["slots"].as_array().unwrap().len(), 6, "{board}");
    // Shown once: the venue's page does not show it again.
    let page = venue.get(&camp, "/admin").await;
    assert!(!page.body.contains(&secret));
    assert!(page.body.contains("data-slug=\"barcamp-brest-2037\""));
    // The same again is a slug taken.
    let again = venue.post(&camp, "/admin/events", &form).await;
    assert_eq!(again.status, 409);

    // Copying an earlier event's rooms and times.
    let copy = [
        ("title", "Camp bis"),
        ("days", "2037-12-12"),
        ("rooms", ""),
        ("grid", "copy"),
        ("from", "camp"),
        ("action", "create"),
    ];
    let made = venue.post(&camp, "/admin/events", &copy).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let board = get_json(&camp, "/e/camp-bis/board.json").await;
    assert_eq!(board["rooms"].as_array().unwrap().len(), 4, "{board}");
    assert_eq!(board["slots"][0]["start"], "09:30", "{board}");

    // Logged out, the cookie opens nothing.
    let copied = venue.cookie_header();
    venue.post(&camp, "/admin/logout", &[]).await;
    let r = request(&camp, "/admin/events")
        .cookie(Some(&copied))
        .post_form(&[
            ("title", "x"),
            ("days", "2037-01-01"),
            ("rooms", "A"),
            ("action", "create"),
        ])
        .await;
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn the_venue_hides_and_ends_events() {
    let camp = venue_camp().await;
    let (status, _) = create(&camp, &brest("brest-2037")).await;
    assert_eq!(status, 201);
    let mut venue = NoJs::new();
    assert_eq!(
        venue
            .post(&camp, "/admin/login", &[("secret", VENUE)])
            .await
            .status,
        303
    );

    let hidden = venue
        .post(
            &camp,
            "/admin/events/brest-2037/hide",
            &[("hidden", "true")],
        )
        .await;
    assert_eq!(hidden.status, 303);
    let (_, index) = http_get(&camp, "/").await;
    assert!(
        !index.contains("/e/brest-2037") && index.contains("/e/camp"),
        "{index}"
    );
    assert_eq!(
        http_get(&camp, "/e/brest-2037").await.0,
        200,
        "hidden, not gone"
    );
    let stored = std::fs::read_to_string(camp.data.path().join("venue/hidden.json")).unwrap();
    assert!(stored.contains("brest-2037"));
    let bad = venue
        .post(
            &camp,
            "/admin/events/brest-2037/hide",
            &[("hidden", "maybe")],
        )
        .await;
    assert_eq!(bad.status, 400);
    // A form gets the venue's page saying what to send, as for every other
    // refusal (it had answered JSON), and nothing changed.
    assert!(bad.body.contains("<!DOCTYPE html>"), "{}", bad.body);
    assert!(bad.body.contains("send true or false"), "{}", bad.body);
    assert_eq!(
        std::fs::read_to_string(camp.data.path().join("venue/hidden.json")).unwrap(),
        stored
    );
    let none = venue.post(&camp, "/admin/events/nope/hide", &[]).await;
    assert_eq!(none.status, 404);

    // Ending asks for the name typed.
    let unconfirmed = venue
        .post(&camp, "/admin/events/camp/end", &[("confirm", "cmap")])
        .await;
    assert_eq!(unconfirmed.status, 400);
    let mut phone = camp.participant().await;
    let ended = venue
        .post(&camp, "/admin/events/camp/end", &[("confirm", "camp")])
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    let change = phone.expect_event().await;
    assert_eq!(change["change"]["kind"], "ended", "{change}");
    phone
        .claim("sat-0930", "amphi", "Too late")
        .await
        .expect_reject("ended");
    let archive = camp.data.path().join("archive/camp");
    wait_until("the ended event is archived", PATIENCE, || {
        let done = archive.join("board.json").exists();
        async move { done }
    })
    .await;
    let (_, list) = api(
        &camp,
        reqwest::Method::GET,
        "/admin/events",
        Some(VENUE),
        None,
    )
    .await;
    let row = (list["events"].as_array().unwrap().iter())
        .find(|e| e["slug"] == "camp")
        .unwrap();
    assert_eq!(row["state"], "ended");
    // The JSON API ends too, and says when there is nothing to end.
    let post = reqwest::Method::POST;
    let (status, v) = api(
        &camp,
        post.clone(),
        "/admin/events/brest-2037/end",
        Some(VENUE),
        None,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = api(
        &camp,
        post,
        "/admin/events/brest-2037/end",
        Some(VENUE),
        None,
    )
    .await;
    assert_eq!(status, 409, "{v}");
}

#[tokio::test]
async fn a_slug_of_both_the_file_and_the_venue_stops_the_start() {
    let mut camp = venue_camp().await;
    let (status, _) = create(&camp, &brest("brest-2037")).await;
    assert_eq!(status, 201);
    camp.stop().await;
    let text = config_text(camp.data.path(), &venue_line())
        + &format!(
            "\n[[events]]\nslug = \"brest-2037\"\ntitle = \"Twice\"\ntimezone = \"UTC\"\n\
             organiser_token_hash = \"{}\"\n[[events.rooms]]\nid = \"r\"\nname = \"R\"\ncapacity = 1\n\
             [[events.days]]\ndate = \"2037-06-12\"\nslots = [{{ id = \"s\", start = \"09:00\", end = \"10:00\" }}]\n",
            slotboard::auth::hash_secret(ORGANISER)
        );
    let config =
        slotboard::config::Config::from_toml_str(&text, "config.toml", &Default::default())
            .expect("the file alone is valid");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let e = match slotboard::server::Server::start(config, listener).await {
        Ok(_) => panic!("a slug defined twice must stop the start"),
        Err(e) => format!("{e:#}"),
    };
    assert!(e.contains("\"brest-2037\" is defined twice"), "{e}");
    assert!(
        e.contains("config.toml (events[1])") && e.contains("brest-2037.json"),
        "{e}"
    );
}
