//! Removing in bulk, through the real server: everything one person made
//! (`remove_by_owner`) and every claim since a line of the audit log
//! (`remove_claims_since`), each one change broadcast once, organisers only,
//! undone whole (votes included) by the undo button, replayed the same after
//! a restart and kept by the archive. Both through the socket and through
//! the admin page's forms without JavaScript.

use reqwest::StatusCode;
use serde_json::{Value, json};
use slotboard::board::Board;
use slotboard::record::Record;
use slotboard::store::archive;

use crate::kit::*;

/// Mallory claims two cells, Alice one; Bob wants to attend Mallory's first.
/// The ids of Mallory's sessions, Alice's, and Mallory's public id.
struct Flood {
    mallory: Client,
    alice: Client,
    bob: Client,
    mine: Vec<String>,
    hers: String,
}

async fn flood(camp: &TestServer) -> Flood {
    let mut mallory = camp.participant().await;
    let mut alice = camp.participant().await;
    let mut bob = camp.participant().await;
    let m1 = mallory.claim_ok("sat-0930", "amphi", "Free crypto").await;
    let hers = alice.claim_ok("sat-0930", "sein", "Rust").await;
    let m2 = mallory.claim_ok("sat-1030", "amphi", "Free crypto 2").await;
    bob.command(Cmd::vote(&m1, true)).await.expect_ack();
    Flood {
        mallory,
        alice,
        bob,
        mine: vec![m1, m2],
        hers,
    }
}

fn ids(board: &Value) -> Vec<String> {
    board["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Posts an admin form asking for JSON; its status and answer.
async fn act(camp: &TestServer, cookie: &str, op: &str, fields: &[(&str, &str)]) -> Value {
    let r = request(camp, &format!("/e/camp/admin/{op}"))
        .cookie(Some(cookie))
        .accept("application/json")
        .lang("en")
        .post_form(fields)
        .await;
    r.json().await.unwrap()
}

/// Posts an admin form as a browser without JS does; where it sends back to.
async fn post_form(camp: &TestServer, cookie: &str, op: &str, fields: &[(&str, &str)]) -> String {
    let r = request(camp, &format!("/e/camp/admin/{op}"))
        .cookie(Some(cookie))
        .lang("en")
        .post_form(fields)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{op}");
    r.headers()["location"].to_str().unwrap().to_owned()
}

async fn admin_page(camp: &TestServer, cookie: &str) -> String {
    let r = request(camp, "/e/camp/admin")
        .cookie(Some(cookie))
        .lang("en")
        .get()
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

/// The organiser's ops of this file (extensions of the protocol).
fn remove_by_owner(owner: &str) -> Cmd {
    Cmd::unknown_op("remove_by_owner").with("owner", owner)
}

fn remove_claims_since(rev: u64) -> Cmd {
    Cmd::unknown_op("remove_claims_since").with("rev", rev)
}

fn short(id: &str) -> &str {
    slotboard::board::labels::short_id(id)
}

#[tokio::test]
async fn everything_one_person_made_goes_in_one_change_and_comes_back_whole() {
    let camp = TestServer::start().await;
    let mut f = flood(&camp).await;
    let before = board_json(&camp).await;
    let mut wall = camp.viewer().await;
    let rev = before["rev"].as_u64().unwrap();

    // A participant, even the owner, may not remove in bulk.
    let owner = f.mallory.id.clone();
    for c in [&mut f.alice, &mut f.mallory] {
        c.command(remove_by_owner(&owner))
            .await
            .expect_reject("forbidden");
        c.command(remove_claims_since(1))
            .await
            .expect_reject("forbidden");
    }

    let mut orga = camp.organiser().await;
    let a = orga.command(remove_by_owner(&owner)).await;
    assert_eq!(a.expect_ack(), rev + 1, "one change, one rev");
    let e = wall.expect_event_rev(rev + 1).await;
    assert_eq!(
        e["change"],
        json!({"kind": "removed", "sessions": f.mine}),
        "{e}"
    );
    let after = board_json(&camp).await;
    assert_eq!(ids(&after), vec![f.hers.clone()], "Alice's session stays");
    assert_eq!(after["rev"], rev + 1);

    // Nothing left of that person: a clear not_found.
    let again = orga.command(remove_by_owner(&owner)).await;
    let r = again.expect_reject("not_found");
    assert!(
        r.raw()["message"].as_str().unwrap().contains(&owner),
        "{:?}",
        r.raw()
    );

    // Undo puts both back, with Bob's vote, in one change.
    let organiser = organiser_login(&camp).await;
    let undone = act(&camp, &organiser.cookie, "undo", &[]).await;
    assert_eq!(undone["code"], "undone", "{undone}");
    assert_eq!(undone["undone"], rev + 1);
    let e = wall.expect_event_rev(rev + 2).await;
    assert_eq!(e["change"]["kind"], "restored", "{e}");
    assert_eq!(e["change"]["sessions"].as_array().unwrap().len(), 2);
    let mut expected = before.clone();
    expected["rev"] = json!(rev + 2);
    assert_eq!(
        board_json(&camp).await,
        expected,
        "as it was, votes included"
    );
    // Bob's phone still knows he wants to attend.
    let bob = camp.same_person(&f.bob).await;
    assert_eq!(bob.welcome["you"]["votes"], json!([f.mine[0]]));
    assert_eq!(wall.unread_events(), 0, "each change broadcast once");
}

#[tokio::test]
async fn the_admin_page_shows_owners_and_removes_by_form_without_javascript() {
    let camp = TestServer::start().await;
    let f = flood(&camp).await;
    let organiser = organiser_login(&camp).await;
    let page = admin_page(&camp, &organiser.cookie).await;
    let m = short(&f.mallory.id);
    assert!(
        page.contains(&format!(
            r#"<span class="owner" title="{}">{m}</span>"#,
            f.mallory.id
        )),
        "the owner on each session"
    );
    let label = format!("Remove everything {m} made (2 sessions)");
    assert!(page.contains(&label), "{label}");
    assert!(page.contains(&format!(
        "Remove everything {} made (1 session)",
        short(&f.alice.id)
    )));

    let owner = f.mallory.id.clone();
    let to = post_form(
        &camp,
        &organiser.cookie,
        "remove_by_owner",
        &[("owner", &owner), ("req", "bulk-1")],
    )
    .await;
    assert_eq!(to, "/e/camp/admin?notice=ack");
    assert_eq!(ids(&board_json(&camp).await), vec![f.hers.clone()]);
    let page = admin_page(&camp, &organiser.cookie).await;
    assert!(!page.contains(&label), "the owner has nothing left");
    assert!(
        page.contains("Would undo: removed 2 sessions at once: “Free crypto”, “Free crypto 2”"),
        "the undo button offers to put them back"
    );
    // The owner's form sent again with a new req: nothing left, said so.
    let to = post_form(
        &camp,
        &organiser.cookie,
        "remove_by_owner",
        &[("owner", &owner)],
    )
    .await;
    assert_eq!(to, "/e/camp/admin?notice=nothing_to_remove");
    let r = request(&camp, &to)
        .cookie(Some(&organiser.cookie))
        .lang("en")
        .get()
        .await;
    let page = r.text().await.unwrap();
    assert!(
        page.contains(r#"data-code="nothing_to_remove""#),
        "the page says it in #notice"
    );
    // The same form again (a double submit) is answered once.
    let to = post_form(
        &camp,
        &organiser.cookie,
        "remove_by_owner",
        &[("owner", &owner), ("req", "bulk-1")],
    )
    .await;
    assert_eq!(to, "/e/camp/admin?notice=ack");
    assert_eq!(board_json(&camp).await["rev"], 5);

    let to = post_form(&camp, &organiser.cookie, "undo", &[]).await;
    assert_eq!(to, "/e/camp/admin?notice=undone");
    let board = board_json(&camp).await;
    assert_eq!(ids(&board).len(), 3);
    assert!(admin_page(&camp, &organiser.cookie).await.contains(&label));

    // Without the organiser cookie nothing is removed.
    let r = request(&camp, "/e/camp/admin/remove_by_owner")
        .cookie(Some(&format!("slotboard_token={}", f.mallory.token)))
        .post_form(&[("owner", owner.as_str())])
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(ids(&board_json(&camp).await).len(), 3);
}

#[tokio::test]
async fn undo_every_claim_since_removes_only_the_later_claims() {
    let camp = TestServer::start().await;
    let f = flood(&camp).await; // claims at revs 1 (Mallory), 2 (Alice), 3 (Mallory)
    let organiser = organiser_login(&camp).await;
    let page = admin_page(&camp, &organiser.cookie).await;
    assert_eq!(
        page.matches(r#"data-action="remove_claims_since""#).count(),
        3,
        "a form on each claim line"
    );
    assert!(page.contains(r#"name="rev" value="2""#));
    let r = act(
        &camp,
        &organiser.cookie,
        "remove_claims_since",
        &[("rev", "2")],
    )
    .await;
    assert_eq!(r["type"], "ack", "{r}");
    assert_eq!(ids(&board_json(&camp).await), vec![f.mine[0].clone()]);

    // Nothing claimed since the last change: said so, nothing changes.
    let rev = board_json(&camp).await["rev"].as_u64().unwrap();
    let r = act(
        &camp,
        &organiser.cookie,
        "remove_claims_since",
        &[("rev", &rev.to_string())],
    )
    .await;
    assert_eq!(r["code"], "not_found", "{r}");
    assert!(
        r["message"].as_str().unwrap().contains("at or after rev"),
        "{r}"
    );
    let r = act(
        &camp,
        &organiser.cookie,
        "remove_claims_since",
        &[("rev", "soon")],
    )
    .await;
    assert_eq!(r["code"], "invalid", "{r}");

    let undone = act(&camp, &organiser.cookie, "undo", &[]).await;
    assert_eq!(undone["code"], "undone", "{undone}");
    assert_eq!(ids(&board_json(&camp).await).len(), 3);
}

#[tokio::test]
async fn undo_is_refused_whole_when_a_cell_was_taken_since() {
    let camp = TestServer::start().await;
    let f = flood(&camp).await;
    let organiser = organiser_login(&camp).await;
    let owner = f.mallory.id.clone();
    let r = act(
        &camp,
        &organiser.cookie,
        "remove_by_owner",
        &[("owner", &owner)],
    )
    .await;
    assert_eq!(r["type"], "ack", "{r}");
    let mut carol = camp.participant().await;
    carol.claim_ok("sat-1030", "amphi", "Carol's").await;
    let before = board_json(&camp).await;
    let r = act(&camp, &organiser.cookie, "undo", &[]).await;
    assert_eq!(r["code"], "taken", "{r}");
    let message = r["message"].as_str().unwrap();
    assert!(
        message.contains(&f.mine[1]) && message.contains("sat-1030"),
        "says which: {message}"
    );
    assert_eq!(board_json(&camp).await, before, "nothing put back");
}

#[tokio::test]
async fn a_restart_replays_the_same_board_and_the_archive_keeps_both_changes() {
    let mut camp = TestServer::start().await;
    let f = flood(&camp).await;
    let organiser = organiser_login(&camp).await;
    let owner = f.mallory.id.clone();
    assert_eq!(
        act(
            &camp,
            &organiser.cookie,
            "remove_by_owner",
            &[("owner", &owner)]
        )
        .await["type"],
        "ack"
    );
    assert_eq!(
        act(&camp, &organiser.cookie, "undo", &[]).await["code"],
        "undone"
    );
    assert_eq!(
        act(
            &camp,
            &organiser.cookie,
            "remove_claims_since",
            &[("rev", "3")]
        )
        .await["type"],
        "ack"
    );
    let live = board_json(&camp).await;
    drop(f);
    camp.restart().await;
    assert_eq!(
        board_json(&camp).await,
        live,
        "the journal replays to the same board"
    );

    let config = camp.config();
    let event = config.event("camp").unwrap();
    let dir = archive::write_from_disk(camp.data.path(), event, &config.server.public_url)
        .expect("archived");
    let history = std::fs::read_to_string(dir.join("history.jsonl")).unwrap();
    let mut board = Board::new(event.grid());
    let mut kinds = Vec::new();
    for line in history.lines() {
        let record: Record = serde_json::from_str(line).unwrap();
        board.apply(&record.change).expect("the change applies");
        kinds.push(
            serde_json::to_value(&record.change).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(kinds[4..], ["removed", "restored", "removed"], "{kinds:?}");
    let archived: Value =
        serde_json::from_slice(&std::fs::read(dir.join("board.json")).unwrap()).unwrap();
    assert_eq!(archived, live);
    assert_eq!(board.rev(), live["rev"].as_u64().unwrap());
}
