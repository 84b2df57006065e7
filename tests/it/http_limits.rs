//! The HTTP limits of issue 10, through the real server: a form body over
//! 16 KiB is answered 413 with a page (or JSON) that says so, on every kind
//! of form route; an event name that is no event of ours is a 404 on every
//! route under `/e/{event}`, whatever it holds (CR/LF made a 500); and the
//! frames before `hello` draw on the connection's budget from the first one.

use std::time::Instant;

use serde_json::json;

use crate::kit::*;

/// The server's limit on a form body (`web::form_body::FORM_BODY_LIMIT`).
const LIMIT: usize = 16 * 1024;

/// `fields` with a `lang` field (which no form reads) padded so the body is
/// exactly `total` bytes.
fn padded(fields: &[(&str, &str)], total: usize) -> Vec<(String, String)> {
    let mut with: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    with.push(("lang".into(), String::new()));
    let borrowed: Vec<(&str, &str)> = with.iter().map(|(k, v)| (&**k, &**v)).collect();
    let base = form_body(&borrowed).len();
    assert!(base <= total, "the fields alone are {base} bytes");
    with.last_mut().unwrap().1 = "a".repeat(total - base);
    with
}

/// POSTs `fields` padded to `total` bytes, with `cookie` and `accept`.
async fn post_sized(
    camp: &TestServer,
    path: &str,
    cookie: Option<&str>,
    accept: Option<&str>,
    fields: &[(&str, &str)],
    total: usize,
) -> reqwest::Response {
    let fields = padded(fields, total);
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (&**k, &**v)).collect();
    assert_eq!(form_body(&borrowed).len(), total);
    let mut req = request(camp, path).cookie(cookie).lang("en");
    if let Some(a) = accept {
        req = req.accept(a);
    }
    req.post_form(&borrowed).await
}

/// A 413 page in English that says how much a form takes.
async fn assert_too_large_page(r: reqwest::Response) {
    assert_eq!(r.status(), 413);
    assert!(header(&r, reqwest::header::CONTENT_TYPE).starts_with("text/html"));
    let body = r.text().await.unwrap();
    assert!(body.contains("Too large"), "{body}");
    assert!(body.contains("16 KiB"), "{body}");
    assert!(body.contains("nothing was applied"), "{body}");
}

#[tokio::test]
async fn a_phone_form_over_16_kib_is_413_and_one_just_under_is_applied() {
    let camp = TestServer::start().await;
    let mut phone = NoJs::new();
    phone.get(&camp, "/e/camp").await;
    let cookie = phone.cookie_header();
    let claim = [
        ("slot", "sat-0930"),
        ("room", "amphi"),
        ("title", "Rust"),
        ("host", "Maël"),
        ("req", "f-big"),
    ];
    let over = post_sized(
        &camp,
        "/e/camp/claim",
        Some(&cookie),
        None,
        &claim,
        LIMIT + 1,
    )
    .await;
    assert_too_large_page(over).await;
    // Nothing was applied: the board is empty.
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["rev"], 0, "{board}");

    let under = post_sized(&camp, "/e/camp/claim", Some(&cookie), None, &claim, LIMIT).await;
    assert_eq!(under.status(), 303);
    let to = header(&under, reqwest::header::LOCATION);
    assert!(to.starts_with("/e/camp?notice=ack&op=claim"), "{to}");
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["rev"], 1, "{board}");

    // The French page for a French browser.
    let fields = padded(&claim, LIMIT + 1);
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (&**k, &**v)).collect();
    let fr = request(&camp, "/e/camp/vote")
        .lang("fr")
        .post_form(&borrowed)
        .await;
    assert_eq!(fr.status(), 413);
    assert!(fr.text().await.unwrap().contains("Trop long"));
}

#[tokio::test]
async fn an_admin_form_over_16_kib_is_413_as_a_page_or_as_json() {
    let camp = TestServer::start().await;
    let org = organiser_login(&camp).await;
    let lock = [("slot", "sat-0930"), ("room", "amphi"), ("req", "a-1")];
    let path = "/e/camp/admin/lock";
    let over = post_sized(&camp, path, Some(&org.cookie), None, &lock, LIMIT + 1).await;
    assert_too_large_page(over).await;
    let json_over = post_sized(
        &camp,
        path,
        Some(&org.cookie),
        Some("application/json"),
        &lock,
        LIMIT + 1,
    )
    .await;
    assert_eq!(json_over.status(), 413);
    let body: serde_json::Value = json_over.json().await.unwrap();
    assert_eq!(body["type"], "reject");
    assert_eq!(body["code"], "too_large");
    assert_eq!(get_json(&camp, "/e/camp/board.json").await["rev"], 0);

    let under = post_sized(
        &camp,
        path,
        Some(&org.cookie),
        Some("application/json"),
        &lock,
        LIMIT,
    )
    .await;
    assert_eq!(under.status(), 200);
    let body: serde_json::Value = under.json().await.unwrap();
    assert_eq!(body["type"], "ack", "{body}");
    assert_eq!(get_json(&camp, "/e/camp/board.json").await["rev"], 1);
}

#[tokio::test]
async fn a_login_over_16_kib_is_413_and_one_just_under_logs_in() {
    let camp = TestServer::start().await;
    let secret = [("secret", ORGANISER)];
    let path = "/e/camp/admin/login";
    let over = post_sized(&camp, path, None, None, &secret, LIMIT + 1).await;
    let set = set_cookies(&over);
    assert!(cookie_pair(&set, "slotboard_organiser").is_none());
    assert_too_large_page(over).await;

    let under = post_sized(&camp, path, None, None, &secret, LIMIT).await;
    assert_eq!(under.status(), 303);
    let set = set_cookies(&under);
    assert!(
        cookie_pair(&set, "slotboard_organiser").is_some(),
        "{set:?}"
    );
}

/// Names that are no event: control characters, a CR/LF, bytes that are not
/// UTF-8, markup, the known name in capitals, a very long one.
fn odd_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "x%0d%0a",
        "x%0D%0ASet-Cookie:%20a=b",
        "%0a",
        "x%00",
        "%ff%fe",
        "%c3",
        "x%20y",
        "%22%3Cscript%3E",
        "x%09",
        "x%7f",
        "CAMP",
        "camp%0a",
        "nope",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    names.push("x".repeat(2000));
    names
}

const GETS: &[&str] = &[
    "",
    "/wall",
    "/admin",
    "/admin/login",
    "/admin/logout",
    "/admin/undo",
    "/admin/lock",
    "/claim?slot=sat-0930&room=amphi",
    "/me?t=abcdefghijklmnopqrstuvwxyz",
    "/me?l=p_0.1.2.3",
    "/hints",
    "/board.json",
    "/schedule.ics",
    "/schedule.csv",
    "/schedule.xml",
    "/schedule.json",
    "/s/s_1.ics",
    "/ws",
    "/no-such-page",
];

const POSTS: &[&str] = &[
    "/claim",
    "/me",
    "/edit",
    "/release",
    "/move",
    "/vote",
    "/admin/login",
    "/admin/logout",
    "/admin/undo",
    "/admin/lock",
    "/admin/announce",
];

async fn assert_no_event(r: reqwest::Response, what: &str) {
    assert_eq!(r.status(), 404, "{what}");
    let body = r.text().await.unwrap();
    assert!(body.contains("There is no event called"), "{what}: {body}");
}

#[tokio::test]
async fn an_unknown_or_odd_event_name_is_404_on_every_route() {
    let camp = TestServer::start().await;
    let org = organiser_login(&camp).await;
    let client = http_client();
    for name in odd_names() {
        for route in GETS {
            let path = format!("/e/{name}{route}");
            let r = request(&camp, &path).cookie(Some(&org.cookie)).get().await;
            assert_no_event(r, &format!("GET {path}")).await;
        }
        for route in POSTS {
            let path = format!("/e/{name}{route}");
            let r = request(&camp, &path)
                .cookie(Some(&org.cookie))
                .post_form(&[
                    ("secret", ORGANISER),
                    ("slot", "sat-0930"),
                    ("room", "amphi"),
                ])
                .await;
            assert_no_event(r, &format!("POST {path}")).await;
        }
        // Another method, and an upgrade to the socket.
        let path = format!("/e/{name}/admin/login");
        let r = client.put(camp.http(&path)).send().await.unwrap();
        assert_no_event(r, &format!("PUT {path}")).await;
        let r = client
            .get(camp.http(&format!("/e/{name}/ws")))
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
            .send()
            .await
            .unwrap();
        assert_no_event(r, &format!("upgrade /e/{name}/ws")).await;
    }
    // The real event is still served, on the same routes.
    assert_eq!(http_get(&camp, "/e/camp").await.0, 200);
    assert_eq!(http_get(&camp, "/e/camp/wall").await.0, 200);
    let (status, _) = request(&camp, "/e/camp/admin/login").page().await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn junk_before_hello_is_rate_limited_and_hello_still_joins() {
    // A small budget, so the count is exact whatever the machine's speed:
    // 5 frames at once, then 1 a second.
    let camp = TestServer::start_with("commands_per_sec = 1\ncommand_burst = 5").await;
    let mut c = Client::connect(&camp.ws_url()).await;
    let started = Instant::now();
    const JUNK: usize = 200;
    for i in 0..JUNK {
        if i % 2 == 0 {
            c.send_text("this is not JSON").await;
        } else {
            c.send(json!({"op": "claim", "req": format!("early-{i}")}))
                .await;
        }
    }
    c.send(Cmd::hello()).await;
    let mut answered = 0;
    let mut rate_limited = 0;
    let welcome = loop {
        let frame = c.next_other().await;
        match (frame["type"].as_str(), frame["code"].as_str()) {
            (Some("welcome"), _) => break frame,
            (Some("error"), Some("bad_json" | "no_hello")) => answered += 1,
            (Some("error"), Some("rate_limited")) => rate_limited += 1,
            _ => panic!("unexpected frame before welcome: {frame}"),
        }
    };
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(rate_limited, 1, "told once that the rest are dropped");
    // The burst, and at most what the rate refilled while the junk came.
    let most = 5 + elapsed.ceil() as usize;
    assert!(
        (5..=most).contains(&answered),
        "{answered} of {JUNK} junk frames answered in {elapsed:.2}s (burst 5, 1/s)"
    );
    assert!(welcome["you"]["id"].as_str().is_some());
    assert!(c.unread_events() == 0);
}
