//! Protocol v1 through the real server: the core of PROTOCOL.md.

use serde_json::json;

use crate::kit::*;

#[tokio::test]
async fn a_newcomer_gets_the_whole_board_and_a_token() {
    let camp = TestServer::start().await;
    let c = camp.participant().await;
    let w = &c.welcome;
    assert_eq!(w["type"], "welcome");
    assert_eq!(w["protocol"], 1);
    assert_eq!(w["rev"], 0);
    assert_eq!(w["event"]["slug"], "camp");
    assert_eq!(w["event"]["timezone"], "Europe/Paris");
    assert_eq!(w["event"]["open"], true);
    assert_eq!(w["rooms"].as_array().unwrap().len(), 4);
    assert_eq!(
        w["slots"][0],
        json!({"id":"sat-0930","day":"2037-12-05","start":"09:30","end":"10:15"})
    );
    assert_eq!(w["sessions"], json!([]));
    assert_eq!(w["locks"], json!([]));
    assert_eq!(w["announcement"], json!(null));
    assert_eq!(w["you"]["role"], "participant");
    assert!(c.token.len() >= 32, "a token of at least 128 bits");
    assert!(c.id.starts_with("p_"));
    assert!(
        !c.id.contains(&c.token),
        "the public id does not reveal the token"
    );
}

#[tokio::test]
async fn a_claim_is_acked_and_broadcast_to_everyone() {
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    let mut wall = camp.viewer().await;
    let answer = alice.claim("sat-0930", "amphi", "Rust & WebSockets").await;
    answer.expect_ack();
    assert_eq!(answer["rev"], 1);
    let e = wall.expect_event_rev(1).await;
    assert_eq!(e["change"]["kind"], "claimed");
    let s = &e["change"]["session"];
    assert_eq!(s["title"], "Rust & WebSockets");
    assert_eq!(s["slot"], "sat-0930");
    assert_eq!(s["room"], "amphi");
    assert_eq!(s["owner"], alice.id.as_str());
    assert_eq!(s["votes"], 0);
    assert!(
        !e.to_string().contains(&alice.token),
        "tokens are never broadcast"
    );
}

#[tokio::test]
async fn forty_phones_race_for_one_cell_and_exactly_one_wins() {
    let camp = TestServer::start().await;
    let mut phones = Vec::new();
    for _ in 0..40 {
        phones.push(camp.participant().await);
    }
    // Everyone sends before anyone reads an answer.
    let mut reqs = Vec::new();
    for (i, p) in phones.iter_mut().enumerate() {
        let req = format!("race-{i}");
        p.send(Cmd::claim("sat-1030", "amphi", &format!("Talk {i}"), "Someone").req(&req))
            .await;
        reqs.push(req);
    }
    let mut acks = 0;
    let mut taken = 0;
    for (p, req) in phones.iter_mut().zip(&reqs) {
        let a = p.answer(req).await;
        match a["type"].as_str() {
            Some("ack") => acks += 1,
            _ => {
                assert_reject(&a, "taken");
                assert!(a["session"].is_string(), "taken names the winner: {a}");
                taken += 1;
            }
        }
    }
    assert_eq!((acks, taken), (1, 39));
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["rev"], 1);
    assert_eq!(board["sessions"].as_array().unwrap().len(), 1);
}
