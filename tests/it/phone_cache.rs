//! The phone page's tables are rendered once per revision, language and
//! step of the clock and shared by their readers (issue 12, the opening
//! rush): through the real server, each reader still gets their own page
//! ("yours", the voted state, a fresh `req` per form), a change or the
//! clock's next step is seen at the next fetch, and a claim form stays the
//! reader's own.

use std::collections::HashSet;

use jiff::Timestamp;
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use tokio::net::TcpListener;

use crate::kit::*;

const BADGE: &str = r#"<span class="badge">yours</span>"#;
const PRESSED: &str = r#"aria-pressed="true""#;

/// Every `req` of a page.
fn reqs(html: &str) -> Vec<String> {
    html.split(r#"name="req" value=""#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

fn assert_unique_reqs(page: &str) -> HashSet<String> {
    let all = reqs(page);
    let set: HashSet<String> = all.iter().cloned().collect();
    assert!(!all.is_empty(), "the page has forms");
    assert_eq!(set.len(), all.len(), "no two forms share a req: {all:?}");
    set
}

/// The id of the session in `cell` as the page shows it.
fn session_in(page: &str, cell: (&str, &str)) -> String {
    let at = format!(
        r#"data-slot="{}" data-room="{}" data-state="taken" data-session=""#,
        cell.0, cell.1
    );
    let rest = &page[page.find(&at).expect("the session's cell") + at.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn readers_of_one_revision_share_the_tables_but_not_their_parts() {
    let camp = TestServer::start().await;
    let (mut alice, mut bob, mut carol) = (NoJs::new(), NoJs::new(), NoJs::new());
    for b in [&mut alice, &mut bob, &mut carol] {
        b.lang = Some("en");
    }
    alice.get(&camp, "/e/camp").await;
    let fields = [
        ("slot", "sat-1030"),
        ("room", "amphi"),
        ("title", "Caching <pages>"),
        ("host", "Alice"),
        ("req", "f-a-1"),
    ];
    let page = alice.submit(&camp, "/e/camp/claim", &fields).await.body;
    let id = session_in(&page, ("sat-1030", "amphi"));
    bob.get(&camp, "/e/camp").await;
    bob.submit(
        &camp,
        "/e/camp/vote",
        &[("session", &id), ("on", "true"), ("req", "f-b-1")],
    )
    .await;
    // One revision from here on: each reader's page, twice.
    for _ in 0..2 {
        let a = alice.get(&camp, "/e/camp").await.body;
        let b = bob.get(&camp, "/e/camp").await.body;
        let c = carol.get(&camp, "/e/camp").await.body;
        assert_eq!(a.matches(BADGE).count(), 1, "Alice's session is hers");
        assert_eq!(b.matches(BADGE).count() + c.matches(BADGE).count(), 0);
        assert_eq!(b.matches(PRESSED).count(), 1, "Bob wants to go");
        assert_eq!(a.matches(PRESSED).count() + c.matches(PRESSED).count(), 0);
        assert!(
            b.contains(r#"name="on" value="false""#),
            "Bob's form takes it back"
        );
        assert!(c.contains(r#"name="on" value="true""#));
        assert!(a.contains("Caching &lt;pages&gt;") && c.contains("Caching &lt;pages&gt;"));
        let (ra, rc) = (assert_unique_reqs(&a), assert_unique_reqs(&c));
        // The tables' vote forms are the same for every reader of the
        // revision (their req names it and the session: the hub keeps
        // answers per participant); the page's other forms are its own.
        let vote_req = ra.iter().find(|r| r.starts_with('v')).expect("a vote form");
        assert!(vote_req.ends_with(&format!("-{id}")), "{vote_req}");
        assert!(rc.contains(vote_req));
        let own = |set: &HashSet<String>| -> HashSet<String> {
            set.iter()
                .filter(|r| !r.starts_with('v'))
                .cloned()
                .collect()
        };
        assert!(!own(&ra).is_empty());
        assert!(
            own(&ra).is_disjoint(&own(&rc)),
            "two pages never share their own reqs"
        );
    }
    // Two fetches of one revision by one reader: the same vote form, fresh
    // reqs for the rest.
    let once = assert_unique_reqs(&bob.get(&camp, "/e/camp").await.body);
    let again = assert_unique_reqs(&bob.get(&camp, "/e/camp").await.body);
    assert_eq!(
        once.iter()
            .filter(|r| r.starts_with('v'))
            .collect::<HashSet<_>>(),
        again
            .iter()
            .filter(|r| r.starts_with('v'))
            .collect::<HashSet<_>>()
    );
    assert_eq!(once.intersection(&again).count(), 1, "{once:?} {again:?}");
    // A change is a new revision: the next page shows it.
    bob.submit(
        &camp,
        "/e/camp/vote",
        &[("session", &id), ("on", "false"), ("req", "f-b-2")],
    )
    .await;
    let b = bob.get(&camp, "/e/camp").await.body;
    assert_eq!(b.matches(PRESSED).count(), 0, "Bob no longer wants to go");
    assert!(
        b.contains(r#"<span class="count">0</span>"#),
        "the count follows"
    );
    // The claim form is the reader's own page; the next plain page is not.
    let form = carol
        .get(&camp, "/e/camp/claim?slot=sat-0930&room=sein")
        .await
        .body;
    assert!(form.contains(r#"id="claim-form""#));
    let plain = alice.get(&camp, "/e/camp").await.body;
    assert!(!plain.contains(r#"id="claim-form""#));
    assert!(plain.contains(BADGE));
    // French is another shared part.
    carol.lang = Some("fr");
    let fr = carol.get(&camp, "/e/camp").await.body;
    assert!(fr.contains("J'y vais") && !fr.contains("I want to go"));
    alice.lang = Some("fr");
    assert!(alice.get(&camp, "/e/camp").await.body.contains("la vôtre"));
}

/// The vote form's `req` as Carol's page has it for `session`.
fn vote_req_of(page: &str, session: &str) -> String {
    let at = format!(
        r#"name="session" value="{session}"><input type="hidden" name="on" value="true"><input type="hidden" name="req" value=""#
    );
    let rest = &page[page.find(&at).expect("the vote form") + at.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_vote_form_sent_twice_counts_once_and_each_reader_counts() {
    let camp = TestServer::start().await;
    let (mut alice, mut bob, mut carol) = (NoJs::new(), NoJs::new(), NoJs::new());
    alice.get(&camp, "/e/camp").await;
    let fields = [
        ("slot", "sat-1030"),
        ("room", "amphi"),
        ("title", "Idempotence"),
        ("host", "Alice"),
        ("req", "f-a-1"),
    ];
    let page = alice.submit(&camp, "/e/camp/claim", &fields).await.body;
    let id = session_in(&page, ("sat-1030", "amphi"));
    let page = bob.get(&camp, "/e/camp").await.body;
    let req = vote_req_of(&page, &id);
    let form = [
        ("session", id.as_str()),
        ("on", "true"),
        ("req", req.as_str()),
    ];
    // Bob taps twice (or sends the form again from the back button): the
    // second is answered as the first, not refused as a second vote.
    let first = bob.submit(&camp, "/e/camp/vote", &form).await.body;
    let second = bob.submit(&camp, "/e/camp/vote", &form).await.body;
    assert!(!second.contains("already want"), "{second}");
    for p in [&first, &second] {
        assert_eq!(p.matches(PRESSED).count(), 1);
        assert!(p.contains(r#"<span class="count">1</span>"#));
    }
    // A vote form with another req is a second vote, and says so.
    let other = [("session", id.as_str()), ("on", "true"), ("req", "f-b-9")];
    let refused = bob.submit(&camp, "/e/camp/vote", &other).await.body;
    assert!(refused.contains("already want"), "{refused}");
    // Carol's page of that same revision has the same form: her vote is hers.
    carol.get(&camp, "/e/camp").await;
    let after = carol.submit(&camp, "/e/camp/vote", &form).await.body;
    assert!(after.contains(r#"<span class="count">2</span>"#), "{after}");
}

#[tokio::test]
async fn the_tables_follow_the_clock_with_no_change_on_the_board() {
    let data = tempfile::tempdir().unwrap();
    let text = config_text(data.path(), "");
    let config = Config::from_toml_str(&text, "test.toml", &Overrides::default()).unwrap();
    // 08:00 in Paris: the first slot (09:30) is next.
    let clock = ManualClock::at("2037-12-05T07:00:00Z".parse::<Timestamp>().unwrap());
    let sources = Sources {
        clock: clock.clone(),
        ..Sources::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server::start_with(config, listener, sources).await.unwrap();
    let base = server.addr();
    let mut phone = NoJs::new();
    let before = phone.get(&base, "/e/camp").await.body;
    assert!(
        before.contains(r#"<tr id="slot-sat-0930" class="slot next""#),
        "{before}"
    );
    // 09:45 in Paris: the first slot is on, the second next.
    clock.set("2037-12-05T08:45:00Z".parse().unwrap());
    let during = phone.get(&base, "/e/camp").await.body;
    assert!(during.contains(r#"<tr id="slot-sat-0930" class="slot now""#));
    assert!(during.contains(r#"<tr id="slot-sat-1030" class="slot next""#));
}

/// The page without what is fresh per request (the device link, the reqs
/// of the forms outside the tables): the tables and the board's data.
fn shared_parts(page: &str) -> (&str, &str) {
    let tables = &page[page.find(r#"<section class="day""#).expect("tables")
        ..page.find(r#"<div id="notice""#).expect("the notice")];
    let data = &page[page.find(r#""slots":"#).expect("the board's data")..];
    (tables, data)
}

fn decoded(coding: &str, body: &[u8]) -> String {
    use std::io::Read as _;
    let mut out = Vec::new();
    match coding {
        "br" => brotli::BrotliDecompress(&mut &body[..], &mut out).expect("brotli"),
        "gzip" => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .expect("gzip");
        }
        _ => out = body.to_vec(),
    }
    String::from_utf8(out).expect("UTF-8")
}

#[tokio::test]
async fn a_compressed_page_is_the_readers_page_for_newcomers_and_owners() {
    let camp = TestServer::start().await;
    let mut alice = NoJs::new();
    alice.get(&camp, "/e/camp").await;
    let fields = [
        ("slot", "sat-1030"),
        ("room", "amphi"),
        ("title", "Zipped <pages> & \"quotes\""),
        ("host", "Alice"),
        ("req", "f-a-1"),
    ];
    alice.submit(&camp, "/e/camp/claim", &fields).await;
    let client = reqwest::Client::new();
    for cookie in [None, Some(alice.cookie_header())] {
        let get = |accept: Option<&str>| {
            let mut r = client.get(camp.url("/e/camp"));
            if let Some(a) = accept {
                r = r.header("accept-encoding", a);
            }
            if let Some(c) = &cookie {
                r = r.header("cookie", c);
            }
            r.send()
        };
        let plain = get(None).await.unwrap();
        assert!(plain.headers().get("content-encoding").is_none());
        let plain = plain.text().await.unwrap();
        for (accept, coding) in [
            ("gzip, deflate, br", "br"),
            ("br;q=0, gzip", "gzip"),
            ("identity", ""),
        ] {
            let r = get(Some(accept)).await.unwrap();
            assert_eq!(r.status(), 200);
            let h = |n: &str| {
                r.headers()
                    .get(n)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            assert_eq!(h("content-encoding"), coding, "{accept}");
            assert_eq!(h("cache-control"), "no-store");
            if !coding.is_empty() {
                assert_eq!(h("vary"), "accept-encoding");
            }
            if cookie.is_none() {
                assert!(
                    h("set-cookie").contains("slotboard_token="),
                    "a newcomer gets a token"
                );
            }
            let body = r.bytes().await.unwrap();
            let page = decoded(coding, &body);
            assert_eq!(shared_parts(&page), shared_parts(&plain), "{accept}");
            assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>"));
            assert_eq!(
                page.contains(r#"<span class="badge">"#),
                cookie.is_some(),
                "Alice's page says her session is hers, a newcomer's does not"
            );
            assert!(page.contains("Zipped &lt;pages&gt; &amp; &quot;quotes&quot;"));
        }
    }
}
