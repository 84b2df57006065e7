//! Organiser sessions against a guesser and a copied cookie (issue 10): the
//! failure budget that the login form and the socket's organiser `hello`
//! share per address and event, and logouts that the server remembers.
//!
//! Every server here runs on a [`ManualClock`], so a backoff ends when the
//! test moves the clock, never by waiting.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, RETRY_AFTER};
use serde_json::Value;
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::kit::*;

/// A camp on a manual clock; the same data folder across restarts.
struct Camp {
    server: Option<Server>,
    addr: std::net::SocketAddr,
    data: tempfile::TempDir,
    clock: Arc<ManualClock>,
    /// Written once: each `config_text` salts the secret afresh, and a new
    /// salt would end every session by itself.
    text: String,
}

impl Base for Camp {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Camp {
    async fn start(extra: &'static str) -> Camp {
        let now: Timestamp = "2037-06-06T10:00:00Z".parse().unwrap();
        let data = tempfile::tempdir().unwrap();
        let text = config_text(data.path(), extra);
        let mut camp = Camp {
            server: None,
            addr: "127.0.0.1:0".parse().unwrap(),
            data,
            clock: ManualClock::at(now),
            text,
        };
        camp.boot().await;
        camp
    }

    async fn boot(&mut self) {
        let config = Config::from_toml_str(&self.text, "test.toml", &Overrides::default()).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sources = Sources {
            clock: self.clock.clone(),
            ..Sources::default()
        };
        let server = Server::start_with(config, listener, sources).await.unwrap();
        self.addr = server.addr();
        self.server = Some(server);
    }

    async fn restart(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.unwrap();
        }
        self.boot().await;
    }

    fn ws_url(&self) -> String {
        format!("ws://{}/e/camp/ws", self.addr)
    }

    fn advance(&self, secs: i64) {
        self.clock.advance(SignedDuration::from_secs(secs));
    }

    /// A login from `from` (an `X-Forwarded-For` address, or the test's own).
    async fn login(&self, secret: &str, from: Option<&str>, json: bool) -> reqwest::Response {
        let mut r = http_client()
            .post(self.url("/e/camp/admin/login"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT_LANGUAGE, "en")
            .body(form_body(&[("secret", secret)]));
        if let Some(ip) = from {
            r = r.header("x-forwarded-for", ip);
        }
        if json {
            r = r.header(ACCEPT, "application/json");
        }
        r.send().await.unwrap()
    }

    /// Logs in with the right secret and returns the session cookie pair.
    async fn session(&self) -> String {
        let r = self.login(ORGANISER, None, false).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        cookie_pair(&set_cookies(&r), "slotboard_organiser").expect("a session cookie")
    }

    /// Posts an admin form with `cookie`, asking for JSON: its status.
    async fn act(&self, cookie: &str, path: &str, fields: &[(&str, &str)]) -> StatusCode {
        http_client()
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .header(COOKIE, cookie)
            .body(form_body(fields))
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Whether `cookie` may still announce (200) or is refused (401).
    async fn announce(&self, cookie: &str, text: &str) -> StatusCode {
        self.act(cookie, "/e/camp/admin/announce", &[("text", text)])
            .await
    }

    /// A socket with `cookie`, not greeted yet, from `from` if given.
    async fn socket(&self, cookie: Option<&str>, from: Option<&str>) -> Client {
        let mut req = ws_request(&self.ws_url());
        if let Some(c) = cookie {
            req.headers_mut()
                .insert("cookie", HeaderValue::from_str(c).unwrap());
        }
        if let Some(ip) = from {
            req.headers_mut()
                .insert("x-forwarded-for", HeaderValue::from_str(ip).unwrap());
        }
        Client::connect_request(req).await.expect("upgrade")
    }
}

/// The hello's refusal: an `error` frame `forbidden`; its message.
async fn refused_hello(c: &mut Client, hello: Cmd) -> String {
    c.send(hello).await;
    let e = c.expect_error().await;
    assert_eq!(e["code"], "forbidden", "{e}");
    e["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn fifty_parallel_wrong_logins_check_only_the_free_ones_and_the_right_secret_waits_too() {
    let camp = Arc::new(Camp::start("").await);
    let start = Instant::now();
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..50 {
        let camp = camp.clone();
        guesses.spawn(async move {
            let r = camp
                .login(&format!("guess-number-{i:04}"), None, false)
                .await;
            (r.status(), header(&r, RETRY_AFTER), r.text().await.unwrap())
        });
    }
    let (mut checked, mut waited) = (0, 0);
    while let Some(answer) = guesses.join_next().await {
        let (status, retry, body) = answer.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                waited += 1;
                assert_eq!(retry, "1", "the first backoff is a second");
                assert!(body.contains("was not checked"), "{body}");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(
        (checked, waited),
        (5, 45),
        "only the free attempts are checked"
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );

    // During the backoff the right secret is refused too, at once, and
    // says so in French and as JSON.
    let t = Instant::now();
    let r = camp.login(ORGANISER, None, false).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        t.elapsed() < Duration::from_millis(400),
        "{:?}",
        t.elapsed()
    );
    assert!(
        set_cookies(&r)
            .iter()
            .all(|c| !c.starts_with("slotboard_organiser="))
    );
    let fr = http_client()
        .post(camp.url("/e/camp/admin/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT_LANGUAGE, "fr")
        .body(form_body(&[("secret", ORGANISER)]))
        .send()
        .await
        .unwrap();
    assert_eq!(fr.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = fr.text().await.unwrap();
    assert!(
        body.contains("Trop d&#39;essais") || body.contains("Trop d'essais"),
        "{body}"
    );
    let r = camp.login(ORGANISER, None, true).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "too_many_attempts", "{v}");
    assert_eq!(v["retry_after"], 1, "{v}");

    // Once the backoff is over, the right secret logs in, and the count
    // starts afresh.
    camp.advance(1);
    let r = camp.login(ORGANISER, None, false).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for i in 0..5 {
        let r = camp.login(&format!("again-{i}"), None, false).await;
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {i} is free again"
        );
    }
    let r = camp.login(ORGANISER, None, false).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_backoff_doubles_with_each_failure() {
    let camp = Camp::start("").await;
    for i in 0..5 {
        camp.login(&format!("wrong-{i}"), None, false).await;
    }
    for want in ["1", "2", "4", "8"] {
        let r = camp.login("still-wrong", None, false).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&r, RETRY_AFTER), want);
        camp.advance(want.parse().unwrap());
        let r = camp.login("still-wrong", None, false).await;
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "checked once the backoff is over"
        );
    }
}

#[tokio::test]
async fn the_socket_and_the_form_share_the_budget() {
    let camp = Camp::start("").await;
    let mut c = camp.socket(None, None).await;
    for i in 0..5 {
        let m = refused_hello(&mut c, Cmd::hello().organiser(&format!("wrong-{i}"))).await;
        assert!(m.contains("not right"), "{m}");
    }
    // The form is refused for the socket's failures...
    let r = camp.login(ORGANISER, None, false).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // ... and the socket too, the right secret included, saying when.
    let m = refused_hello(&mut c, Cmd::hello_organiser()).await;
    assert!(m.contains("retry in 1 s"), "{m}");
    camp.advance(1);
    let welcome = c.hello(Cmd::hello_organiser()).await;
    assert_eq!(welcome["you"]["role"], "organiser", "{welcome}");
    // A success forgets the count, for the form as well.
    let r = camp.login(ORGANISER, None, false).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn another_address_behind_the_trusted_proxy_is_not_blocked() {
    let camp = Camp::start(r#"trusted_proxies = ["127.0.0.1"]"#).await;
    let guesser = Some("203.0.113.5");
    for i in 0..5 {
        let r = camp.login(&format!("wrong-{i}"), guesser, false).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = camp.login(ORGANISER, guesser, false).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let mut c = camp.socket(None, guesser).await;
    let m = refused_hello(&mut c, Cmd::hello_organiser()).await;
    assert!(m.contains("retry in"), "{m}");

    let organiser = Some("203.0.113.6");
    let r = camp.login(ORGANISER, organiser, false).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "another address logs in");
    let mut c = camp.socket(None, organiser).await;
    let welcome = c.hello(Cmd::hello_organiser()).await;
    assert_eq!(welcome["you"]["role"], "organiser");
}

#[tokio::test]
async fn a_copied_cookie_is_refused_after_logout_on_forms_and_on_the_socket() {
    let camp = Camp::start("").await;
    let cookie = camp.session().await;
    let copy = cookie.clone();
    assert_eq!(camp.announce(&copy, "Lunch at noon").await, StatusCode::OK);
    let mut open = camp.socket(Some(&copy), None).await;
    let welcome = open.hello(Cmd::hello().role("organiser")).await;
    assert_eq!(welcome["you"]["role"], "organiser");

    let r = http_client()
        .post(camp.url("/e/camp/admin/logout"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The socket that joined on the cookie is closed...
    let close = open.expect_close().await;
    assert_eq!(close_code(&close), 1008, "{close:?}");
    // ... the forms refuse the copy ...
    assert_eq!(
        camp.announce(&copy, "Go home").await,
        StatusCode::UNAUTHORIZED
    );
    let (status, page) = request(&camp, "/e/camp/admin")
        .cookie(Some(&copy))
        .lang("en")
        .page()
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="login""#), "the login page again");
    // ... and so does a new socket.
    let mut again = camp.socket(Some(&copy), None).await;
    refused_hello(&mut again, Cmd::hello().role("organiser")).await;
    // A new login works.
    let fresh = camp.session().await;
    assert_eq!(camp.announce(&fresh, "Back").await, StatusCode::OK);
}

#[tokio::test]
async fn log_out_everywhere_refuses_every_earlier_cookie_and_survives_a_restart() {
    let mut camp = Camp::start("").await;
    let laptop = camp.session().await;
    let phone = camp.session().await;
    let mut open = camp.socket(Some(&phone), None).await;
    open.hello(Cmd::hello().role("organiser")).await;
    // An organiser who proved the secret itself rests on no cookie.
    let mut by_secret = camp.socket(None, None).await;
    by_secret.hello(Cmd::hello_organiser()).await;

    // Not logged in: nothing happens.
    assert_eq!(
        camp.act(
            "slotboard_organiser=forged",
            "/e/camp/admin/logout-everywhere",
            &[]
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(camp.announce(&phone, "still here").await, StatusCode::OK);

    let r = http_client()
        .post(camp.url("/e/camp/admin/logout-everywhere"))
        .header(COOKIE, &laptop)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(close_code(&open.expect_close().await), 1008);
    for earlier in [&laptop, &phone] {
        assert_eq!(
            camp.announce(earlier, "Go home").await,
            StatusCode::UNAUTHORIZED
        );
    }
    let mut again = camp.socket(Some(&phone), None).await;
    refused_hello(&mut again, Cmd::hello().role("organiser")).await;
    by_secret.send(Cmd::announce("by secret").req("r1")).await;
    by_secret.answer("r1").await.expect_ack();

    // A new login works; a later single logout is remembered too.
    let new = camp.session().await;
    let logged_out = camp.session().await;
    assert_eq!(camp.announce(&new, "New session").await, StatusCode::OK);
    let r = http_client()
        .post(camp.url("/e/camp/admin/logout"))
        .header(COOKIE, &logged_out)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(camp.event_dir().join("organiser-sessions.json").exists());

    by_secret.leave().await;
    camp.restart().await;
    for earlier in [&laptop, &phone, &logged_out] {
        assert_eq!(
            camp.announce(earlier, "After restart").await,
            StatusCode::UNAUTHORIZED,
            "{earlier}"
        );
    }
    assert_eq!(camp.announce(&new, "Still mine").await, StatusCode::OK);
}

impl Camp {
    fn event_dir(&self) -> std::path::PathBuf {
        self.data.path().join("events").join("camp")
    }
}
