//! HTTP beside the socket: pages, exports, health, and the WebSocket upgrade's
//! Origin and cookie rules.

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, http::HeaderValue};

use crate::kit::*;

/// A page as a browser gets it: status, headers and body.
async fn fetch(camp: &TestServer, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = http_client().get(camp.http(path));
    if let Some(c) = cookie {
        req = req.header(reqwest::header::COOKIE, c);
    }
    req.send().await.expect("GET")
}

fn content_type(r: &reqwest::Response) -> String {
    r.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The `Set-Cookie` headers of a response that set `slotboard_token`.
fn token_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|c| c.starts_with("slotboard_token="))
        .map(str::to_owned)
        .collect()
}

/// An upgrade request to the camp's socket with these extra headers.
fn upgrade_with(
    camp: &TestServer,
    headers: &[(&'static str, String)],
) -> tungstenite::handshake::client::Request {
    let mut req = ws_request(&camp.ws_url());
    for (name, value) in headers {
        req.headers_mut()
            .insert(*name, HeaderValue::from_str(value).expect("header value"));
    }
    req
}

/// Upgrades with an `Origin` and says hello; returns the status of a refused
/// upgrade, or `None` when the board answered with a welcome.
async fn connect_from(camp: &TestServer, origin: Option<&str>) -> Option<u16> {
    let headers: Vec<_> = origin
        .map(|o| ("origin", o.to_owned()))
        .into_iter()
        .collect();
    match Client::connect_request(upgrade_with(camp, &headers)).await {
        Ok(mut c) => {
            let w = c.hello(Cmd::hello()).await;
            assert_eq!(w["type"], "welcome");
            None
        }
        Err(tungstenite::Error::Http(response)) => Some(response.status().as_u16()),
        Err(e) => panic!("origin {origin:?}: unexpected upgrade error {e}"),
    }
}

#[tokio::test]
async fn the_root_redirects_to_the_only_event() {
    let camp = TestServer::start().await;
    let r = fetch(&camp, "/", None).await;
    assert!(
        [303, 307, 308].contains(&r.status().as_u16()),
        "a redirect: {}",
        r.status()
    );
    assert_eq!(r.headers()[reqwest::header::LOCATION], "/e/camp");
}

#[tokio::test]
async fn the_phone_page_shows_the_grid_with_every_title_escaped() {
    let camp = TestServer::start().await;
    let mut mallory = camp.participant().await;
    mallory
        .claim_ok("sat-0930", "amphi", "<img src=x onerror=alert(1)>")
        .await;
    mallory
        .claim_ok("sat-1030", "brehat", "Rust & WebSockets")
        .await;

    let r = fetch(&camp, "/e/camp", None).await;
    assert_eq!(r.status(), 200);
    assert!(
        content_type(&r).starts_with("text/html"),
        "{}",
        content_type(&r)
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("Test Camp"));
    for room in ["Amphi", "Ouessant", "Bréhat", "Sein"] {
        assert!(html.contains(room), "the grid shows room {room}");
    }
    assert!(
        html.contains("09:30") && html.contains("11:30"),
        "the grid shows the slots"
    );
    assert!(html.contains("&lt;img"), "the title is there, escaped");
    assert!(
        !html.contains("<img src=x"),
        "no markup from a title: {html}"
    );
    assert!(html.contains("Rust &amp; WebSockets"));
}

#[tokio::test]
async fn the_phone_page_gives_a_first_time_visitor_an_httponly_token_cookie() {
    let camp = TestServer::start().await;
    let r = fetch(&camp, "/e/camp", None).await;
    assert_eq!(r.status(), 200);
    let cookies = token_cookies(&r);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let cookie = &cookies[0];
    let attributes: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attributes.contains(&"httponly".to_owned()), "{cookie}");
    assert!(attributes.contains(&"path=/".to_owned()), "{cookie}");
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("slotboard_token=")
        .unwrap();
    assert!(slotboard::auth::valid_token(token), "{token}");
    assert!(token.len() >= 32, "at least 128 bits: {token}");

    // Coming back with it, the phone keeps its token.
    let again = fetch(&camp, "/e/camp", Some(&format!("slotboard_token={token}"))).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        token_cookies(&again),
        Vec::<String>::new(),
        "no new token for a known phone"
    );

    // Two first-time visitors get two different tokens.
    let other = fetch(&camp, "/e/camp", None).await;
    assert_ne!(token_cookies(&other), cookies);
}

#[tokio::test]
async fn the_wall_page_renders_the_grid() {
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    alice.claim_ok("sat-1130", "sein", "Crêpes & Rust").await;
    let r = fetch(&camp, "/e/camp/wall", None).await;
    assert_eq!(r.status(), 200);
    assert!(content_type(&r).starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(html.contains("Test Camp"));
    assert!(html.contains("Crêpes &amp; Rust"), "{html}");
    assert!(html.contains("Bréhat"));
}

#[tokio::test]
async fn unknown_events_and_pages_are_404_pages_that_say_what_to_fix() {
    let camp = TestServer::start().await;
    for path in [
        "/e/nope",
        "/e/nope/wall",
        "/e/nope/board.json",
        "/e/nope/schedule.ics",
    ] {
        let r = fetch(&camp, path, None).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(
            content_type(&r).starts_with("text/html"),
            "{path}: {}",
            content_type(&r)
        );
        let html = r.text().await.unwrap();
        assert!(
            html.contains("nope"),
            "{path} names the event it did not find: {html}"
        );
        assert!(
            html.contains("Check the address"),
            "{path} says what to fix: {html}"
        );
        assert!(
            html.contains("href=\"/\""),
            "{path} links to the events: {html}"
        );
    }
    for path in ["/nope", "/e/camp/nope", "/assets/nope.css"] {
        let r = fetch(&camp, path, None).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(content_type(&r).starts_with("text/html"), "{path}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("no page at this address")
                || html.contains("pas de page à cette adresse"),
            "{path}: {html}"
        );
        assert!(
            html.contains("href=\"/\""),
            "{path} links to the events: {html}"
        );
    }
}

#[tokio::test]
async fn healthz_is_ok() {
    let camp = TestServer::start().await;
    let (status, body) = http_get(&camp, "/healthz").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn board_json_is_the_welcome_without_type_protocol_and_you() {
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    let mut alice = camp.participant().await;
    let mut bob = camp.participant().await;
    let s = alice.claim_ok("sat-0930", "amphi", "Rust").await;
    bob.claim_ok("sat-1030", "sein", "Go").await;
    bob.command(Cmd::vote(&s, true)).await.expect_ack();
    for cmd in [
        Cmd::lock("sat-1130", "brehat"),
        Cmd::announce("Lunch at noon"),
        Cmd::set_open(false),
    ] {
        org.command(cmd).await.expect_ack();
    }

    let r = fetch(&camp, "/e/camp/board.json", None).await;
    assert_eq!(r.status(), 200);
    assert!(
        content_type(&r).starts_with("application/json"),
        "{}",
        content_type(&r)
    );
    let board: Value = r.json().await.unwrap();
    assert_eq!(board["rev"], 6);

    for welcome in [fresh_welcome(&camp).await, camp.participant().await.welcome] {
        let mut w = welcome.clone();
        let obj = w.as_object_mut().unwrap();
        assert_eq!(obj.remove("type"), Some(json!("welcome")));
        assert_eq!(obj.remove("protocol"), Some(json!(1)));
        assert!(obj.remove("you").is_some());
        assert_eq!(
            w, board,
            "board.json is the welcome without type, protocol and you"
        );
    }
    assert!(board.get("you").is_none());
    assert_eq!(board["event"]["open"], false);
    assert_eq!(board["announcement"], "Lunch at noon");
    assert_eq!(board["locks"], json!([{"slot":"sat-1130","room":"brehat"}]));
    assert_eq!(board["sessions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn schedule_ics_has_one_event_per_session_in_the_event_timezone() {
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    alice
        .claim_ok("sat-0930", "amphi", "Rust & WebSockets")
        .await;
    alice
        .claim_ok("sat-1130", "brehat", "Crêpes, a workshop; bring flour")
        .await;
    let gone = alice.claim_ok("sat-1030", "sein", "Cancelled").await;
    alice.command(Cmd::release(&gone)).await.expect_ack();

    let r = fetch(&camp, "/e/camp/schedule.ics", None).await;
    assert_eq!(r.status(), 200);
    assert!(
        content_type(&r).starts_with("text/calendar"),
        "{}",
        content_type(&r)
    );
    let body = r.text().await.unwrap();
    let unfolded = icalendar::parser::unfold(&body);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(events.len(), 2, "one VEVENT per session: {body}");

    let text = |c: &icalendar::parser::Component, name: &str| {
        c.find_prop(name)
            .map(|p| p.val.clone().unescape_text().as_str().to_owned())
            .unwrap_or_else(|| panic!("{name} missing: {body}"))
    };
    let tzid = |c: &icalendar::parser::Component, name: &str| {
        let p = c
            .find_prop(name)
            .unwrap_or_else(|| panic!("{name} missing"));
        p.params
            .iter()
            .find(|p| p.key == "TZID")
            .and_then(|p| p.val.as_ref())
            .map(|v| v.as_str().to_owned())
    };
    let expected = [
        (
            "Rust & WebSockets",
            "20371205T093000",
            "20371205T101500",
            "Amphi",
        ),
        (
            "Crêpes, a workshop; bring flour",
            "20371205T113000",
            "20371205T121500",
            "Bréhat",
        ),
    ];
    for (summary, start, end, location) in expected {
        let e = events
            .iter()
            .find(|e| text(e, "SUMMARY") == summary)
            .unwrap_or_else(|| panic!("no VEVENT for {summary}: {body}"));
        assert_eq!(
            tzid(e, "DTSTART").as_deref(),
            Some("Europe/Paris"),
            "{body}"
        );
        assert_eq!(e.find_prop("DTSTART").unwrap().val.as_str(), start);
        assert_eq!(tzid(e, "DTEND").as_deref(), Some("Europe/Paris"), "{body}");
        assert_eq!(e.find_prop("DTEND").unwrap().val.as_str(), end);
        assert_eq!(text(e, "LOCATION"), location);
        assert!(!text(e, "UID").is_empty());
    }
    let uids: std::collections::HashSet<_> = events.iter().map(|e| text(e, "UID")).collect();
    assert_eq!(uids.len(), 2, "UIDs are unique");
    assert!(
        !body.contains("Cancelled"),
        "a released session is not in the schedule"
    );
}

#[tokio::test]
async fn a_foreign_origin_is_refused_at_the_upgrade_with_403() {
    let camp = TestServer::start().await;
    for origin in [
        "https://evil.example",
        "null",
        "http://barcamp.test.evil.example",
        "http://127.0.0.1:1",
    ] {
        assert_eq!(
            connect_from(&camp, Some(origin)).await,
            Some(403),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn the_pages_own_origin_the_public_url_and_no_origin_may_connect() {
    let camp = TestServer::start().await;
    let own = format!("http://{}", camp.addr);
    for origin in [
        Some(own.as_str()),
        Some("http://barcamp.test"),
        Some("HTTP://BarCamp.test"),
        None,
    ] {
        assert_eq!(connect_from(&camp, origin).await, None, "{origin:?}");
    }
}

#[tokio::test]
async fn an_allowed_origin_from_the_config_may_connect() {
    let camp = TestServer::start_with("allowed_origins = [\"https://camp.example\"]").await;
    assert_eq!(
        connect_from(&camp, Some("https://camp.example")).await,
        None
    );
    assert_eq!(
        connect_from(&camp, Some("https://evil.example")).await,
        Some(403)
    );
}

#[tokio::test]
async fn the_token_cookie_is_the_sockets_identity() {
    let camp = TestServer::start().await;
    let token = slotboard::auth::new_token();
    let req = upgrade_with(&camp, &[("cookie", format!("slotboard_token={token}"))]);
    let mut phone = Client::connect_request(req).await.expect("upgrade");
    let w = phone
        // A `null` token is no token: the cookie's is the identity.
        .hello(Cmd::hello().with("token", Value::Null))
        .await;
    assert_eq!(w["you"]["id"], slotboard::auth::public_id(&token).as_str());
    assert!(
        w["you"].get("token").is_none(),
        "no new token for a cookie: {w}"
    );
    let s = phone.claim_ok("sat-0930", "amphi", "By cookie").await;
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["sessions"][0]["id"], s.as_str());
    assert_eq!(
        board["sessions"][0]["owner"],
        slotboard::auth::public_id(&token).as_str()
    );
}

#[tokio::test]
async fn the_phone_pages_cookie_carries_over_to_the_socket() {
    let camp = TestServer::start().await;
    let r = fetch(&camp, "/e/camp", None).await;
    let cookie = token_cookies(&r)[0].split(';').next().unwrap().to_owned();
    let token = cookie.strip_prefix("slotboard_token=").unwrap().to_owned();
    let origin = format!("http://{}", camp.addr);
    let req = upgrade_with(&camp, &[("cookie", cookie), ("origin", origin)]);
    let mut phone = Client::connect_request(req).await.expect("upgrade");
    let w = phone.hello(Cmd::hello()).await;
    assert_eq!(w["you"]["id"], slotboard::auth::public_id(&token).as_str());
}

// RFC 5545 section 3.2.19: "An individual VTIMEZONE calendar component MUST
// be specified for each unique TZID parameter value specified in the
// iCalendar object". Its offsets must be the zone's: CET (+0100) in December.
#[tokio::test]
async fn schedule_ics_declares_the_timezone_its_times_use() {
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    alice.claim_ok("sat-0930", "amphi", "Rust").await;
    let (status, body) = http_get(&camp, "/e/camp/schedule.ics").await;
    assert_eq!(status, 200);
    let unfolded = icalendar::parser::unfold(&body);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar");
    let zones: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name == "VTIMEZONE")
        .filter_map(|c| c.find_prop("TZID").map(|p| p.val.as_str().to_owned()))
        .collect();
    assert_eq!(
        zones,
        ["Europe/Paris"],
        "one VTIMEZONE per TZID used: {body}"
    );
    let vtz = cal
        .components
        .iter()
        .find(|c| c.name == "VTIMEZONE")
        .unwrap();
    let winter = vtz
        .components
        .iter()
        .filter(|o| o.name == "STANDARD")
        .filter_map(|o| {
            Some((
                o.find_prop("DTSTART")?.val.as_str(),
                o.find_prop("TZOFFSETTO")?.val.as_str(),
            ))
        })
        .collect::<Vec<_>>();
    assert!(
        winter.contains(&("20371025T030000", "+0100")),
        "the change to CET before the event: {winter:?}"
    );
    assert!(vtz.find_prop("UID").is_none(), "a VTIMEZONE has no UID");
}

/// Sends `head` (an HTTP/1.1 request without its final blank line) to the
/// server as it is, and returns the response's status and body.
async fn raw_request(camp: &TestServer, head: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = camp
        .http("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let request = format!("{head}Host: {addr}\r\nConnection: Upgrade, close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

#[tokio::test]
async fn a_plain_get_of_the_socket_says_it_is_a_websocket() {
    let camp = TestServer::start().await;
    let (status, body) = http_get(&camp, "/e/camp/ws").await;
    assert_eq!(status, 426, "{body}");
    assert!(body.contains("WebSocket"), "{body}");
}

#[tokio::test]
async fn a_malformed_upgrade_gets_a_400_that_says_what_to_fix() {
    let camp = TestServer::start().await;
    let key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    let cases = [
        (
            format!(
                "GET /e/camp/ws HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\n{key}"
            ),
            "version 13",
        ),
        (
            "GET /e/camp/ws HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                .to_owned(),
            "Sec-WebSocket-Key",
        ),
        (
            "GET /e/camp/ws HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n"
                .to_owned(),
            "Sec-WebSocket-Key",
        ),
        (
            format!(
                "POST /e/camp/ws HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n{key}Content-Length: 0\r\n"
            ),
            "GET",
        ),
    ];
    for (head, hint) in cases {
        let (status, body) = raw_request(&camp, &head).await;
        if head.starts_with("POST") {
            // The route only has GET: the router answers before the upgrade.
            assert_eq!(status, 405, "{head}: {body}");
            continue;
        }
        assert_eq!(status, 400, "{head}: {body}");
        assert!(body.contains(hint), "{head}: {body}");
    }
    // The server is still fine.
    let mut c = camp.participant().await;
    c.claim_ok("sat-0930", "amphi", "Still here").await;
}
