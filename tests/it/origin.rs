//! Forms from another site, through the real server: every state-changing
//! POST checks `Origin` (or, without it, `Referer`) with the WebSocket's one
//! rule, and a foreign one is answered 403 with nothing applied.
//!
//! The attack of issue 10: a page on a sibling site posts the admin's
//! announce form with the organiser's cookie, and the wall reads "The
//! BarCamp is cancelled, go home". These tests post as that page would, and
//! as the board's own page and a script without either header do.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, ORIGIN, REFERER};
use serde_json::Value;

use crate::kit::*;

const ATTACK: &str = "The BarCamp is cancelled, go home";

/// Where a form claims to come from.
#[derive(Clone, Copy)]
enum Sent<'a> {
    Origin(&'a str),
    Referer(&'a str),
    Nowhere,
}

/// POSTs a form with a cookie, a language and the header `from` says.
async fn post(
    camp: &TestServer,
    path: &str,
    cookie: Option<&str>,
    from: Sent<'_>,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut r = http_client()
        .post(camp.http(path))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT_LANGUAGE, "en")
        .body(form_body(fields));
    if let Some(c) = cookie {
        r = r.header(COOKIE, c);
    }
    r = match from {
        Sent::Origin(o) => r.header(ORIGIN, o),
        Sent::Referer(u) => r.header(REFERER, u),
        Sent::Nowhere => r,
    };
    r.send().await.expect("POST")
}

/// The board's own origin, as a browser on its page would send it.
fn own(camp: &TestServer) -> String {
    format!("http://{}", camp.addr)
}

async fn announcement(camp: &TestServer) -> Value {
    get_json(camp, "/e/camp/board.json").await["announcement"].clone()
}

async fn sessions(camp: &TestServer) -> usize {
    get_json(camp, "/e/camp/board.json").await["sessions"]
        .as_array()
        .map_or(0, Vec::len)
}

/// A refused form: 403, the page that says why, no cookie set.
async fn assert_refused_page(r: reqwest::Response) {
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(set_cookies(&r).is_empty(), "{:?}", set_cookies(&r));
    let body = r.text().await.unwrap();
    assert!(body.contains("Sent from another site"), "{body}");
    assert!(body.contains("nothing was applied"), "{body}");
}

#[tokio::test]
async fn a_foreign_origin_admin_announce_is_refused_and_the_board_is_unchanged() {
    let camp = TestServer::start().await;
    let o = organiser_login(&camp).await;
    for evil in [
        "https://evil.example",
        "http://barcamp.test.evil.example",
        "https://sub.barcamp.test",
        "null",
    ] {
        let r = post(
            &camp,
            "/e/camp/admin/announce",
            Some(&o.cookie),
            Sent::Origin(evil),
            &[("text", ATTACK)],
        )
        .await;
        assert_refused_page(r).await;
    }
    assert_eq!(announcement(&camp).await, Value::Null);
    // The same refusal as JSON for a client that asks for it.
    let r = http_client()
        .post(camp.http("/e/camp/admin/announce"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT, "application/json")
        .header(COOKIE, &o.cookie)
        .header(ORIGIN, "https://evil.example")
        .body(form_body(&[("text", ATTACK)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], "reject");
    assert_eq!(v["code"], "forbidden");
    assert_eq!(announcement(&camp).await, Value::Null);
}

#[tokio::test]
async fn the_refusal_page_is_in_the_persons_language() {
    let camp = TestServer::start().await;
    let r = http_client()
        .post(camp.http("/e/camp/claim"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT_LANGUAGE, "fr")
        .header(ORIGIN, "https://evil.example")
        .body(form_body(&[("slot", "sat-0930"), ("room", "amphi")]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body = r.text().await.unwrap();
    assert!(body.contains("Envoyé depuis un autre site"), "{body}");
    assert!(body.contains("rien n'a été appliqué"), "{body}");
}

#[tokio::test]
async fn same_origin_and_header_less_admin_posts_work() {
    let camp = TestServer::start().await;
    let o = organiser_login(&camp).await;
    let own = own(&camp);
    for (from, text) in [
        (Sent::Origin(&own), "Lunch at noon"),
        (Sent::Origin("http://barcamp.test"), "Lunch at one"),
        (Sent::Referer(&format!("{own}/e/camp/admin")), "Coffee"),
        (Sent::Nowhere, "Tea"),
    ] {
        let r = post(
            &camp,
            "/e/camp/admin/announce",
            Some(&o.cookie),
            from,
            &[("text", text)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{text}");
        assert_eq!(announcement(&camp).await, text);
    }
}

#[tokio::test]
async fn a_foreign_referer_without_origin_is_refused() {
    let camp = TestServer::start().await;
    let o = organiser_login(&camp).await;
    for referer in [
        "https://evil.example/page.html",
        "https://evil.example",
        "not a url",
    ] {
        let r = post(
            &camp,
            "/e/camp/admin/announce",
            Some(&o.cookie),
            Sent::Referer(referer),
            &[("text", ATTACK)],
        )
        .await;
        assert_refused_page(r).await;
    }
    // The Origin decides when both are there.
    let r = post(
        &camp,
        "/e/camp/admin/announce",
        Some(&o.cookie),
        Sent::Origin("https://evil.example"),
        &[("text", ATTACK)],
    )
    .await;
    assert_refused_page(r).await;
    assert_eq!(announcement(&camp).await, Value::Null);
}

#[tokio::test]
async fn a_foreign_phone_claim_is_refused_and_a_same_origin_one_works() {
    let camp = TestServer::start().await;
    let claim = |title: &'static str| {
        [
            ("slot", "sat-0930"),
            ("room", "amphi"),
            ("title", title),
            ("host", "Eve"),
        ]
    };
    for from in [
        Sent::Origin("https://evil.example"),
        Sent::Referer("https://evil.example/sticker"),
    ] {
        let r = post(&camp, "/e/camp/claim", None, from, &claim(ATTACK)).await;
        assert_refused_page(r).await;
    }
    for op in ["edit", "release", "move", "vote"] {
        let r = post(
            &camp,
            &format!("/e/camp/{op}"),
            None,
            Sent::Origin("https://evil.example"),
            &[("session", "s1")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{op}");
    }
    assert_eq!(sessions(&camp).await, 0);

    let own = own(&camp);
    let r = post(
        &camp,
        "/e/camp/claim",
        None,
        Sent::Origin(&own),
        &claim("Rust"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(sessions(&camp).await, 1);
    let r = post(
        &camp,
        "/e/camp/claim",
        None,
        Sent::Nowhere,
        &[
            ("slot", "sat-1030"),
            ("room", "amphi"),
            ("title", "Elm"),
            ("host", "Ana"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(sessions(&camp).await, 2);
}

#[tokio::test]
async fn a_foreign_login_and_logout_are_refused() {
    let camp = TestServer::start().await;
    let r = post(
        &camp,
        "/e/camp/admin/login",
        None,
        Sent::Origin("https://evil.example"),
        &[("secret", ORGANISER)],
    )
    .await;
    assert_refused_page(r).await;
    let r = post(
        &camp,
        "/e/camp/admin/login",
        None,
        Sent::Referer("https://evil.example/login"),
        &[("secret", ORGANISER)],
    )
    .await;
    assert_refused_page(r).await;

    // From the board's own page, the login sets the organiser's cookie.
    let own = own(&camp);
    let r = post(
        &camp,
        "/e/camp/admin/login",
        None,
        Sent::Origin(&own),
        &[("secret", ORGANISER)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = set_cookies(&r);
    let session = cookie_pair(&set, "slotboard_organiser").expect("organiser cookie");

    // A foreign page cannot log the organiser out (the cookie stays).
    let r = post(
        &camp,
        "/e/camp/admin/logout",
        Some(&session),
        Sent::Origin("https://evil.example"),
        &[],
    )
    .await;
    assert_refused_page(r).await;
    let r = post(
        &camp,
        "/e/camp/admin/logout",
        Some(&session),
        Sent::Origin(&own),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_allowed_origin_from_the_config_may_post() {
    let camp = TestServer::start_with("allowed_origins = [\"https://camp.example\"]").await;
    let o = organiser_login(&camp).await;
    let r = post(
        &camp,
        "/e/camp/admin/announce",
        Some(&o.cookie),
        Sent::Origin("https://camp.example"),
        &[("text", "Welcome")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(announcement(&camp).await, "Welcome");
}

#[tokio::test]
async fn pages_still_open_from_a_foreign_link() {
    let camp = TestServer::start().await;
    let r = http_client()
        .get(camp.http("/e/camp"))
        .header(REFERER, "https://evil.example/")
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
