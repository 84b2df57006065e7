//! Flooding (issue 10): one person, or one address, cannot fill the board.
//!
//! Through the real server: the cap of sessions per participant on the
//! socket and through the no-JS forms (organisers are not capped), the form
//! routes held to the socket's rates (per participant token, per IP), fresh
//! identities from one address limited, and an honest venue behind one NAT
//! not refused.

use crate::kit::*;

/// The cap the tests set (the default's value, named so the test says it).
const CAP: &str = "max_sessions_per_participant = 2";

#[tokio::test]
async fn a_participant_holds_at_most_the_cap_through_the_socket() {
    let camp = TestServer::start_with(CAP).await;
    let mut me = camp.participant().await;
    let (s0, r0) = cell(0);
    let (s1, r1) = cell(1);
    let (s2, r2) = cell(2);
    let first = me.claim_ok(s0, r0, "One").await;
    me.claim_ok(s1, r1, "Two").await;
    let a = me.claim(s2, r2, "Three").await;
    a.expect_reject("session_limit");
    let raw = a.raw();
    assert_eq!(raw["held"], 2, "{raw}");
    assert_eq!(raw["max"], 2, "{raw}");
    let message = raw["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("You already hold 2 sessions") && message.contains("Release one first"),
        "{message}"
    );
    // The same person on another socket is the same participant.
    let mut again = camp.same_person(&me).await;
    again.use_new_reqs();
    again
        .claim(s2, r2, "Three again")
        .await
        .expect_reject("session_limit");
    // Releasing one makes room for one.
    me.command(Cmd::release(&first)).await.expect_ack();
    me.claim_ok(s2, r2, "Three").await;
    // Someone else is not held by my count.
    let mut other = camp.participant().await;
    let (s3, r3) = cell(3);
    other.claim_ok(s3, r3, "Theirs").await;
}

#[tokio::test]
async fn an_organiser_is_not_capped() {
    let camp = TestServer::start_with(CAP).await;
    let mut orga = camp.organiser().await;
    for i in 0..5 {
        let (slot, room) = cell(i);
        orga.claim_ok(slot, room, &format!("Orga {i}")).await;
    }
}

#[tokio::test]
async fn a_participant_holds_at_most_the_cap_through_the_forms() {
    let camp = TestServer::start_with(CAP).await;
    let mut browser = NoJs::new();
    browser.get(&camp, "/e/camp").await;
    for i in 0..2 {
        let (slot, room) = cell(i);
        let req = format!("f-cap-{i}");
        let fields = [
            ("slot", slot),
            ("room", room),
            ("title", "Mine"),
            ("host", "Lou"),
            ("req", req.as_str()),
        ];
        let page = browser.submit(&camp, "/e/camp/claim", &fields).await.body;
        assert!(page.contains("data-code=\"ack\""), "claim {i} is taken");
    }
    let (slot, room) = cell(2);
    let fields = [
        ("slot", slot),
        ("room", room),
        ("title", "One too many"),
        ("host", "Lou"),
        ("req", "f-cap-2"),
    ];
    let page = browser.submit(&camp, "/e/camp/claim", &fields).await.body;
    assert!(
        page.contains("data-code=\"session_limit\""),
        "the notice says the limit"
    );
    assert!(
        page.contains("You already hold 2 sessions") || page.contains("Vous tenez déjà 2 sessions"),
        "the notice says the count"
    );
    // In French too, whatever the server's own message says.
    browser.lang = Some("fr");
    let fields = [
        ("slot", slot),
        ("room", room),
        ("title", "Encore une"),
        ("host", "Lou"),
        ("req", "f-cap-3"),
    ];
    let page = browser.submit(&camp, "/e/camp/claim", &fields).await.body;
    assert!(page.contains("Vous tenez déjà 2 sessions"), "{page}");
    // The claim page itself says so before the form is filled in.
    let got = browser
        .get(&camp, &format!("/e/camp/claim?slot={slot}&room={room}"))
        .await;
    assert!(got.body.contains("data-code=\"session_limit\""));
    let board = fresh_welcome(&camp).await;
    let sessions = board["sessions"].as_array().map_or(0, Vec::len);
    assert_eq!(sessions, 2, "nothing past the cap reached the board");
}
