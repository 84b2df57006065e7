//! Device links through the real server: a link only asks, the same-origin
//! POST switches, and a used, expired, tampered, malformed or old raw-token
//! link is refused with a page that says to ask for a new one, changing
//! nothing. Expiry is moved with a `ManualClock`, never waited for.

use jiff::SignedDuration;
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use slotboard::web::device_link::LINK_SECS;
use tokio::net::TcpListener;

use crate::kit::*;

const ORIGIN: &str = "http://barcamp.test";

/// The device link shown on a phone page (its `href`).
pub fn device_link(body: &str) -> String {
    let at = body
        .find("href=\"http://barcamp.test/e/camp/me?l=")
        .expect("a device link on the page")
        + "href=\"".len();
    let end = body[at..].find('"').expect("the link ends");
    body[at..at + end].to_owned()
}

fn path_of(link: &str) -> &str {
    link.trim_start_matches(ORIGIN)
}

/// The value of the hidden field `name` of the question page's form.
fn hidden(body: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&key)
        .unwrap_or_else(|| panic!("no {name}: {body}"))
        + key.len();
    let end = body[at..].find('"').unwrap();
    body[at..at + end].to_owned()
}

/// Posts the question page's form, as the browser would.
pub async fn confirm(who: &mut NoJs, base: &(impl Base + ?Sized), body: &str) -> Got {
    assert!(body.contains("action=\"/e/camp/me\""), "{body}");
    let (l, req) = (hidden(body, "l"), hidden(body, "req"));
    who.post(base, "/e/camp/me", &[("l", &l), ("req", &req)])
        .await
}

fn problem(body: &str) -> &str {
    let key = "data-problem=\"";
    let at = body
        .find(key)
        .unwrap_or_else(|| panic!("a refusal: {body}"))
        + key.len();
    &body[at..at + body[at..].find('"').unwrap()]
}

fn assert_refused(got: &Got, status: u16, what: &str) {
    assert_eq!(got.status, status, "{what}: {}", got.body);
    assert_eq!(problem(&got.body), what);
    assert!(
        got.body.contains("Ask for a new link") || got.body.contains("Demandez un nouveau lien"),
        "{}",
        got.body
    );
    assert!(
        got.set_cookies
            .iter()
            .all(|c| !c.starts_with("slotboard_token")),
        "a refusal sets no identity"
    );
}

#[tokio::test]
async fn opening_a_link_asks_and_switches_nothing() {
    let camp = TestServer::start().await;
    let mut laptop = NoJs::new();
    let page = laptop.get(&camp, "/e/camp").await;
    let link = device_link(&page.body);
    assert!(!link.contains(&laptop.token()), "no token in the link");

    // The phone has an identity of its own, with one session.
    let mut phone = NoJs::new();
    phone.lang = Some("en");
    phone
        .submit(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-0930"),
                ("room", "amphi"),
                ("title", "Mine"),
                ("host", "Ana"),
            ],
        )
        .await;
    let before = phone.token();
    let asked = phone.get(&camp, path_of(&link)).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(asked.set_cookies.is_empty(), "asking sets no cookie");
    assert_eq!(phone.token(), before);
    let short = &laptop.token_id()[..8];
    assert!(asked.body.contains(short), "names who: {}", asked.body);
    assert!(asked.body.contains("(1 session)"), "{}", asked.body);
    assert!(asked.body.contains("method=\"post\""));
    assert!(asked.body.contains("href=\"/e/camp\""), "a cancel link");
    // Asking twice is still asking; the link stays good.
    let again = phone.get(&camp, path_of(&link)).await;
    assert_eq!(again.status, 200);

    // In French too.
    let mut fr = NoJs::new();
    fr.lang = Some("fr");
    let asked_fr = fr.get(&camp, path_of(&link)).await;
    assert!(asked_fr.body.contains("Utiliser cet appareil en tant que"));
    assert!(fr.cookies.is_empty());
}

#[tokio::test]
async fn the_post_switches_once_and_a_second_use_is_refused() {
    let camp = TestServer::start().await;
    let mut laptop = NoJs::new();
    let page = laptop.get(&camp, "/e/camp").await;
    let link = device_link(&page.body);
    let token = laptop.token();

    let mut phone = NoJs::new();
    let asked = phone.get(&camp, path_of(&link)).await;
    let done = confirm(&mut phone, &camp, &asked.body).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some("/e/camp?notice=device#notice")
    );
    assert_eq!(phone.token(), token);
    // The same browser posting again (a double submit) lands on the board.
    let twice = confirm(&mut phone, &camp, &asked.body).await;
    assert_eq!(twice.status, 303);

    // Anyone else holding the same link now is refused.
    let mut thief = NoJs::new();
    let got = thief.get(&camp, path_of(&link)).await;
    assert_refused(&got, 410, "used");
    let got = confirm(&mut thief, &camp, &asked.body).await;
    assert_refused(&got, 410, "used");
    assert!(thief.cookies.is_empty());
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let text = config_text(data.path(), "");
    let config = Config::from_toml_str(&text, "test.toml", &Overrides::default()).unwrap();
    let clock = ManualClock::at("2037-12-05T08:00:00Z".parse().unwrap());
    let sources = Sources {
        clock: clock.clone(),
        ..Sources::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server::start_with(config, listener, sources).await.unwrap();
    let base = server.addr();

    let mut laptop = NoJs::new();
    let link = device_link(&laptop.get(&base, "/e/camp").await.body);
    let mut phone = NoJs::new();
    let asked = phone.get(&base, path_of(&link)).await;
    assert_eq!(asked.status, 200, "fresh, it asks");

    clock.advance(SignedDuration::from_secs(LINK_SECS));
    let got = phone.get(&base, path_of(&link)).await;
    assert_refused(&got, 410, "expired");
    let got = confirm(&mut phone, &base, &asked.body).await;
    assert_refused(&got, 410, "expired");
    assert!(phone.cookies.is_empty());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_tampered_or_malformed_link_is_refused() {
    let camp = TestServer::start().await;
    let mut laptop = NoJs::new();
    let link = device_link(&laptop.get(&camp, "/e/camp").await.body);
    let l = link.split_once("?l=").unwrap().1.to_owned();
    let parts: Vec<&str> = l.split('.').collect();
    assert_eq!(parts.len(), 4, "{l}");

    let flip = |s: &str| {
        let last = if s.ends_with('0') { '1' } else { '0' };
        format!("{}{last}", &s[..s.len() - 1])
    };
    let tampered = [
        // The signature changed.
        format!("{}.{}.{}.{}", parts[0], parts[1], parts[2], flip(parts[3])),
        // A later expiry under the old signature.
        format!("{}.{}9.{}.{}", parts[0], parts[1], parts[2], parts[3]),
        // Another participant's id.
        format!("{}.{}.{}.{}", flip(parts[0]), parts[1], parts[2], parts[3]),
    ];
    let mut stranger = NoJs::new();
    for t in &tampered {
        let got = stranger.get(&camp, &format!("/e/camp/me?l={t}")).await;
        assert_refused(&got, 403, "forged");
        let got = stranger.post(&camp, "/e/camp/me", &[("l", t)]).await;
        assert_refused(&got, 403, "forged");
    }
    for bad in ["", "x", "a.b.c.d", "%00%ff", &"9".repeat(5000)] {
        let got = stranger.get(&camp, &format!("/e/camp/me?l={bad}")).await;
        assert_refused(&got, 400, "malformed");
    }
    let got = stranger.get(&camp, "/e/camp/me").await;
    assert_refused(&got, 400, "malformed");
    let got = stranger.post(&camp, "/e/camp/me", &[]).await;
    assert_refused(&got, 400, "malformed");
    assert!(stranger.cookies.is_empty());

    // From another site, even a good link switches nothing.
    let r = http_client()
        .post(camp.http("/e/camp/me"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[("l", &l)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(set_cookies(&r).is_empty());
    // ... and the link is still good for its owner's other device.
    let mut phone = NoJs::new();
    let asked = phone.get(&camp, path_of(&link)).await;
    assert_eq!(asked.status, 200);
}

#[tokio::test]
async fn the_old_raw_token_link_is_refused() {
    let camp = TestServer::start().await;
    let mut laptop = NoJs::new();
    laptop.get(&camp, "/e/camp").await;
    let token = laptop.token();
    let mut phone = NoJs::new();
    phone.lang = Some("fr");
    let got = phone.get(&camp, &format!("/e/camp/me?t={token}")).await;
    assert_refused(&got, 400, "rawtoken");
    assert!(got.body.contains("ancien type de lien"), "{}", got.body);
    assert!(!got.body.contains(&token), "the token is not echoed");
    assert!(phone.cookies.is_empty(), "the phone keeps its own identity");
}
