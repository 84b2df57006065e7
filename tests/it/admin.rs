//! The organiser view through the real server: login, the moderation forms,
//! the socket's organiser role from the login cookie, undo and the audit log.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, COOKIE, LOCATION};
use serde_json::{Value, json};

use crate::kit::*;

/// Posts an admin form and returns the notice code it redirects with.
async fn act(camp: &TestServer, o: &Organiser, op: &str, pairs: &[(&str, &str)]) -> String {
    let r = request(camp, &format!("/e/camp/admin/{op}"))
        .cookie(Some(&o.cookie))
        .lang("en")
        .post_form(pairs)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{op}");
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let code = to
        .split_once("?notice=")
        .unwrap_or_else(|| panic!("{op}: redirected to {to}"))
        .1;
    assert!(to.starts_with("/e/camp/admin?"), "{to}");
    code.to_owned()
}

async fn undo(camp: &TestServer, o: &Organiser) -> String {
    act(camp, o, "undo", &[]).await
}

fn session_at<'a>(welcome: &'a Value, slot: &str, room: &str) -> Option<&'a Value> {
    welcome["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slot"] == slot && s["room"] == room)
}

#[tokio::test]
async fn the_admin_page_asks_for_the_secret_first() {
    let camp = TestServer::start().await;
    let (status, body) = request(&camp, "/e/camp/admin")
        .cookie(None)
        .lang("en")
        .page()
        .await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"id="login""#), "{body}");
    assert!(body.contains(r#"name="secret""#));
    assert!(body.contains(r#"action="/e/camp/admin/login""#));
    assert!(!body.contains("move-form"), "no board before login");
}

#[tokio::test]
async fn a_wrong_secret_waits_says_so_and_sets_nothing() {
    let camp = TestServer::start().await;
    let start = Instant::now();
    let r = request(&camp, "/e/camp/admin/login")
        .cookie(None)
        .lang("en")
        .post_form(&[("secret", "test-organiser-secreT")])
        .await;
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "a short delay"
    );
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let set = set_cookies(&r);
    assert!(
        cookie_pair(&set, "slotboard_organiser").is_none(),
        "{set:?}"
    );
    let body = r.text().await.unwrap();
    assert!(body.contains("This is not the organiser secret."), "{body}");
    assert!(body.contains(r#"id="login""#));

    let fr = http_client()
        .post(camp.http("/e/camp/admin/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header(ACCEPT_LANGUAGE, "fr")
        .body("secret=nope")
        .send()
        .await
        .unwrap();
    assert_eq!(fr.status(), StatusCode::UNAUTHORIZED);
    let body = fr.text().await.unwrap();
    assert!(
        body.contains("Ce n&#39;est pas le secret des organisateurs.")
            || body.contains("Ce n'est pas le secret des organisateurs."),
        "{body}"
    );
}

#[tokio::test]
async fn the_right_secret_sets_a_strict_http_only_cookie_for_the_event() {
    let camp = TestServer::start().await;
    let r = request(&camp, "/e/camp/admin/login")
        .cookie(None)
        .lang("en")
        .post_form(&[("secret", ORGANISER)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/e/camp/admin");
    let set = set_cookies(&r);
    let cookie = set
        .iter()
        .find(|c| c.starts_with("slotboard_organiser="))
        .expect("the organiser cookie");
    let attrs: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attrs.contains(&"httponly".into()), "{cookie}");
    assert!(attrs.contains(&"samesite=strict".into()), "{cookie}");
    assert!(attrs.contains(&"path=/e/camp".into()), "{cookie}");
    assert!(
        !attrs.contains(&"secure".into()),
        "the test server's public URL is http: {cookie}"
    );

    let o = organiser_login(&camp).await;
    let (status, body) = request(&camp, "/e/camp/admin")
        .cookie(Some(&o.cookie))
        .lang("en")
        .page()
        .await;
    assert_eq!(status, 200);
    for id in [
        "move-form",
        "swap-form",
        "open-form",
        "announce-form",
        r#"id="audit""#,
        r#"id="undo""#,
        r#"id="logout""#,
        r#"data-action="lock""#,
        r#"id="conn""#,
        r#"id="announcement""#,
    ] {
        assert!(body.contains(id), "{id} is on the page");
    }
    assert!(!body.contains(r#"id="login""#));
}

#[tokio::test]
async fn without_the_cookie_no_form_is_applied() {
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    let s = alice.claim_ok("sat-0930", "amphi", "Rust").await;
    let forged = "slotboard_organiser=1700000000.00.deadbeef";
    for cookie in [None, Some(forged)] {
        for (op, pairs) in [
            ("lock", vec![("slot", "sat-1030"), ("room", "amphi")]),
            ("release", vec![("session", s.as_str())]),
            ("open", vec![("open", "false")]),
            ("announce", vec![("text", "spam")]),
            (
                "move",
                vec![
                    ("session", s.as_str()),
                    ("slot", "sat-1130"),
                    ("room", "sein"),
                ],
            ),
            ("undo", vec![]),
        ] {
            let r = request(&camp, &format!("/e/camp/admin/{op}"))
                .cookie(cookie)
                .lang("en")
                .post_form(&pairs)
                .await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{op} with {cookie:?}");
            let body = r.text().await.unwrap();
            assert!(body.contains(r#"id="login""#), "{op}: the login form");
        }
    }
    let json = http_client()
        .post(camp.http("/e/camp/admin/undo"))
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(fresh_welcome(&camp).await["rev"], 1, "nothing was applied");
}

#[tokio::test]
async fn a_socket_with_the_login_cookie_is_an_organiser() {
    let camp = TestServer::start().await;
    let o = organiser_login(&camp).await;
    let mut req = ws_request(&camp.ws_url());
    req.headers_mut()
        .insert("cookie", o.cookie.parse().unwrap());
    let mut c = Client::connect_request(req).await.expect("upgrade");
    let welcome = c.hello(Cmd::hello().role("organiser")).await;
    assert_eq!(welcome["you"]["role"], "organiser", "{welcome}");
    assert_eq!(welcome["you"]["id"], o.id, "the same id as the forms");
    let a = c.command(Cmd::lock("sat-0930", "sein")).await;
    a.expect_ack();

    let mut stranger = camp.raw().await;
    stranger.send(Cmd::hello().role("organiser")).await;
    let e = stranger.expect_error().await;
    assert_eq!(e["code"], "forbidden", "{e}");
}

#[tokio::test]
async fn every_form_applies_its_command_and_everyone_sees_it() {
    let camp = TestServer::start().await;
    let o = organiser_login(&camp).await;
    let mut alice = camp.participant().await;
    let a = alice.claim_ok("sat-0930", "amphi", "Rust").await;
    let b = alice.claim_ok("sat-1030", "ouessant", "Elm").await;
    let mut wall = camp.viewer().await;
    let mut rev = 2;
    let mut expect = async |wall: &mut Client, kind: &str| {
        rev += 1;
        let e = wall.expect_event_rev(rev).await;
        assert_eq!(e["change"]["kind"], kind, "{e}");
        assert_eq!(e["by"], o.id.as_str(), "{e}");
        e
    };

    let cell = [("slot", "sat-1130"), ("room", "sein")];
    assert_eq!(act(&camp, &o, "lock", &cell).await, "ack");
    expect(&mut wall, "locked").await;
    assert_eq!(act(&camp, &o, "lock", &cell).await, "invalid", "twice");
    assert_eq!(act(&camp, &o, "unlock", &cell).await, "ack");
    expect(&mut wall, "unlocked").await;

    let to = [
        ("session", a.as_str()),
        ("slot", "sat-1130"),
        ("room", "brehat"),
        ("req", "f-move-1"),
    ];
    assert_eq!(act(&camp, &o, "move", &to).await, "ack");
    let e = expect(&mut wall, "moved").await;
    assert_eq!(e["change"]["room"], "brehat");
    assert_eq!(
        act(&camp, &o, "move", &to).await,
        "ack",
        "a resubmitted form is answered once"
    );
    let taken = [
        ("session", b.as_str()),
        ("slot", "sat-1130"),
        ("room", "brehat"),
    ];
    assert_eq!(act(&camp, &o, "move", &taken).await, "taken");

    assert_eq!(
        act(&camp, &o, "swap", &[("a", a.as_str()), ("b", b.as_str())]).await,
        "ack"
    );
    expect(&mut wall, "swapped").await;

    assert_eq!(act(&camp, &o, "open", &[("open", "false")]).await, "ack");
    let e = expect(&mut wall, "opened").await;
    assert_eq!(e["change"]["open"], false);
    assert_eq!(act(&camp, &o, "open", &[("open", "true")]).await, "ack");
    expect(&mut wall, "opened").await;

    assert_eq!(
        act(&camp, &o, "announce", &[("text", "Lunch <b>now</b>")]).await,
        "ack"
    );
    let e = expect(&mut wall, "announced").await;
    assert_eq!(e["change"]["text"], "Lunch <b>now</b>");
    assert_eq!(
        act(&camp, &o, "announce", &[("text", "x"), ("clear", "1")]).await,
        "ack"
    );
    let e = expect(&mut wall, "announced").await;
    assert_eq!(e["change"]["text"], "", "the clear button empties it");

    assert_eq!(
        act(&camp, &o, "release", &[("session", b.as_str())]).await,
        "ack"
    );
    expect(&mut wall, "released").await;
    assert_eq!(
        act(&camp, &o, "release", &[("session", b.as_str())]).await,
        "not_found"
    );

    let (_, page) = request(&camp, "/e/camp/admin?notice=taken")
        .cookie(Some(&o.cookie))
        .lang("en")
        .page()
        .await;
    assert!(page.contains(r#"data-code="taken""#), "the notice is shown");
    assert!(page.contains("That cell is taken"));
}

/// Does something, undoes it, and checks the undo is one more change that
/// puts the board back as it was.
async fn undo_restores(
    camp: &TestServer,
    o: &Organiser,
    wall: &mut Client,
    op: &str,
    pairs: &[(&str, &str)],
    inverse_kind: &str,
) -> Value {
    let before = fresh_welcome(camp).await;
    let rev = before["rev"].as_u64().unwrap();
    assert_eq!(act(camp, o, op, pairs).await, "ack", "{op}");
    wall.expect_event_rev(rev + 1).await;
    assert_eq!(undo(camp, o).await, "undone", "undo of {op}");
    let e = wall.expect_event_rev(rev + 2).await;
    assert_eq!(e["change"]["kind"], inverse_kind, "{op}: {e}");
    assert_eq!(e["by"], o.id.as_str());
    let after = fresh_welcome(camp).await;
    for key in ["locks", "announcement", "event"] {
        assert_eq!(after[key], before[key], "{op}: {key} is back");
    }
    let sessions = |w: &Value| {
        let mut v: Vec<Value> = w["sessions"].as_array().unwrap().clone();
        v.sort_by_key(|s| s["id"].as_str().unwrap().to_owned());
        v
    };
    assert_eq!(
        sessions(&after),
        sessions(&before),
        "{op}: the sessions are back"
    );
    e
}

#[tokio::test]
async fn undo_puts_back_each_kind_of_moderation() {
    let camp = TestServer::start().await;
    let o = organiser_login(&camp).await;
    let mut alice = camp.participant().await;
    let a = alice.claim_ok("sat-0930", "amphi", "Rust").await;
    let b = alice.claim_ok("sat-1030", "ouessant", "Elm").await;
    let mut wall = camp.viewer().await;
    assert_eq!(
        undo(&camp, &o).await,
        "nothing_to_undo",
        "claims are not moderation"
    );

    let cell = [("slot", "sat-1130"), ("room", "sein")];
    undo_restores(&camp, &o, &mut wall, "lock", &cell, "unlocked").await;
    assert_eq!(act(&camp, &o, "lock", &cell).await, "ack");
    wall.expect_event().await;
    undo_restores(&camp, &o, &mut wall, "unlock", &cell, "locked").await;

    let to = [
        ("session", a.as_str()),
        ("slot", "sat-1130"),
        ("room", "brehat"),
    ];
    let e = undo_restores(&camp, &o, &mut wall, "move", &to, "moved").await;
    assert_eq!(e["change"]["slot"], "sat-0930");
    assert_eq!(e["change"]["room"], "amphi");

    let pair = [("a", a.as_str()), ("b", b.as_str())];
    undo_restores(&camp, &o, &mut wall, "swap", &pair, "swapped").await;

    undo_restores(&camp, &o, &mut wall, "open", &[("open", "false")], "opened").await;

    assert_eq!(
        act(&camp, &o, "announce", &[("text", "Coffee")]).await,
        "ack"
    );
    wall.expect_event().await;
    let e = undo_restores(
        &camp,
        &o,
        &mut wall,
        "announce",
        &[("text", "Lunch")],
        "announced",
    )
    .await;
    assert_eq!(
        e["change"]["text"], "Coffee",
        "the previous text comes back"
    );

    let e = undo_restores(
        &camp,
        &o,
        &mut wall,
        "release",
        &[("session", b.as_str())],
        "claimed",
    )
    .await;
    let back = &e["change"]["session"];
    assert_eq!(back["id"], b.as_str(), "the same session id");
    assert_eq!(back["owner"], alice.id.as_str(), "the same owner");
    assert_eq!(back["title"], "Elm");
    assert_eq!(back["slot"], "sat-1030");
    let a2 = alice.command(Cmd::edit(&b).title("Elm, still mine")).await;
    assert_eq!(a2["type"], "ack", "the owner still owns it: {a2}");
    wall.expect_event().await;

    // Undo walks back in time, over what is left: the "Coffee"
    // announcement, then the second lock; it never undoes an undo.
    let rev = fresh_welcome(&camp).await["rev"].as_u64().unwrap();
    assert_eq!(undo(&camp, &o).await, "undone");
    let e = wall.expect_event_rev(rev + 1).await;
    assert_eq!(e["change"], json!({"kind":"announced","text":""}), "{e}");
    assert_eq!(undo(&camp, &o).await, "undone");
    let e = wall.expect_event_rev(rev + 2).await;
    assert_eq!(e["change"]["kind"], "unlocked", "{e}");
    assert_eq!(undo(&camp, &o).await, "nothing_to_undo");
    let after = fresh_welcome(&camp).await;
    assert_eq!(after["rev"], rev + 2, "a refused undo changes nothing");
    assert_eq!(after["locks"], json!([]));
    assert_eq!(after["announcement"], Value::Null);
}

#[tokio::test]
async fn undo_skips_what_participants_did_to_their_own_sessions() {
    let camp = TestServer::start().await;
    let o = organiser_login(&camp).await;
    let mut alice = camp.participant().await;
    let a = alice.claim_ok("sat-0930", "amphi", "Rust").await;
    assert_eq!(
        act(&camp, &o, "lock", &[("slot", "sat-1130"), ("room", "sein")]).await,
        "ack"
    );
    let m = alice.command(Cmd::move_to(&a, "sat-1030", "amphi")).await;
    m.expect_ack();
    let mut wall = camp.viewer().await;
    let rev = wall.welcome["rev"].as_u64().unwrap();
    let r = http_client()
        .post(camp.http("/e/camp/admin/undo"))
        .header(COOKIE, &o.cookie)
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let j: Value = r.json().await.unwrap();
    assert_eq!(j["type"], "ack", "{j}");
    assert_eq!(
        j["undone"], 2,
        "the organiser's lock, not alice's move: {j}"
    );
    assert_eq!(j["rev"], rev + 1);
    let e = wall.expect_event_rev(rev + 1).await;
    assert_eq!(e["change"]["kind"], "unlocked");
    assert!(
        session_at(&fresh_welcome(&camp).await, "sat-1030", "amphi").is_some(),
        "alice's move stays"
    );
}

#[tokio::test]
async fn logout_removes_the_cookie() {
    let camp = TestServer::start().await;
    let o = organiser_login(&camp).await;
    let r = request(&camp, "/e/camp/admin/logout")
        .cookie(Some(&o.cookie))
        .lang("en")
        .post_form(&[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = set_cookies(&r);
    let gone = set
        .iter()
        .find(|c| c.starts_with("slotboard_organiser="))
        .expect("the cookie is replaced");
    let lower = gone.to_ascii_lowercase();
    assert!(gone.starts_with("slotboard_organiser=;"), "{gone}");
    assert!(
        lower.contains("max-age=0") || lower.contains("expires="),
        "{gone}"
    );
    assert!(lower.contains("path=/e/camp"), "{gone}");
}

#[tokio::test]
async fn the_audit_log_says_who_did_what_and_escapes_titles() {
    let camp = TestServer::start().await;
    let o = organiser_login(&camp).await;
    let mut mallory = camp.participant().await;
    let s = mallory
        .claim_ok("sat-0930", "amphi", "<img src=x onerror=alert(1)>")
        .await;
    assert_eq!(
        act(
            &camp,
            &o,
            "move",
            &[("session", &s), ("slot", "sat-1130"), ("room", "sein")]
        )
        .await,
        "ack"
    );
    assert_eq!(undo(&camp, &o).await, "undone");
    let (status, page) = request(&camp, "/e/camp/admin")
        .cookie(Some(&o.cookie))
        .lang("en")
        .page()
        .await;
    assert_eq!(status, 200);
    let audit = &page[page.find(r#"<ol id="audit""#).expect("the log")..];
    let audit = &audit[..audit.find("</ol>").unwrap()];
    let lines: Vec<&str> = audit.split("<li ").skip(1).collect();
    assert_eq!(lines.len(), 3, "{audit}");
    assert!(
        lines[0].contains(r#"data-rev="3""#),
        "newest first: {audit}"
    );
    assert!(lines[0].contains(&o.id) && lines[0].contains("(undo)"));
    assert!(
        lines[1].contains("moved") && lines[1].contains("Sein"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(&mallory.id) && lines[2].contains("claimed"));
    assert!(lines[2].contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.contains("<img src=x"), "never as HTML");
    assert!(
        lines[2].contains(r#"datetime=""#) && lines[2].contains("</time>"),
        "when"
    );
}
