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
        assert!(ra.is_disjoint(&rc), "two pages never share a req");
    }
    // Two fetches of one revision by one reader get fresh reqs too.
    let once = assert_unique_reqs(&bob.get(&camp, "/e/camp").await.body);
    let again = assert_unique_reqs(&bob.get(&camp, "/e/camp").await.body);
    assert!(once.is_disjoint(&again));
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
