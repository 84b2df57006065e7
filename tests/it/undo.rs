//! Undo seen from outside, beyond tests/it/admin.rs: what it remembers lives
//! with each running event (not in the process), a clean restart starts it
//! afresh, the lock exception of `board::undo` end to end, and the page's
//! one table of change words agreeing with what the server renders.

use reqwest::StatusCode;
use serde_json::Value;

use crate::kit::*;

/// Logs in on the admin form; the Cookie header of the organiser's browser.
async fn organiser_cookie(camp: &TestServer) -> String {
    organiser_login(camp).await.cookie
}

/// Posts an admin action asking for JSON; its answer.
async fn act(camp: &TestServer, cookie: &str, op: &str, body: &str) -> Value {
    let fields: Vec<(&str, &str)> = body
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let r = request(camp, &format!("/e/camp/admin/{op}"))
        .cookie(Some(cookie))
        .accept("application/json")
        .post_form(&fields)
        .await;
    r.json().await.unwrap()
}

async fn hint(camp: &TestServer, cookie: &str) -> Value {
    let r = request(camp, "/e/camp/admin/undo")
        .cookie(Some(cookie))
        .lang("en")
        .get()
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

const LOCK: &str = "slot=sat-1130&room=sein";

#[tokio::test]
async fn two_servers_in_one_process_keep_their_own_undo() {
    let (one, two) = (TestServer::start().await, TestServer::start().await);
    let (c1, c2) = (organiser_cookie(&one).await, organiser_cookie(&two).await);
    assert_eq!(act(&one, &c1, "lock", LOCK).await["type"], "ack");
    assert_eq!(act(&two, &c2, "lock", LOCK).await["type"], "ack");
    let undone = act(&one, &c1, "undo", "").await;
    assert_eq!(undone["code"], "undone", "{undone}");
    assert_eq!(undone["undone"], 1);
    assert_eq!(hint(&one, &c1).await["target"], Value::Null);
    let other = hint(&two, &c2).await;
    assert_eq!(
        other["target"], 1,
        "the other server's lock is still to undo"
    );
    assert_eq!(other["undos"], serde_json::json!([]), "{other}");
    assert_eq!(act(&two, &c2, "undo", "").await["undone"], 1);
}

#[tokio::test]
async fn a_clean_restart_starts_undo_afresh() {
    let mut camp = TestServer::start().await;
    let cookie = organiser_cookie(&camp).await;
    assert_eq!(act(&camp, &cookie, "lock", LOCK).await["type"], "ack");
    camp.restart().await;
    let cookie = organiser_cookie(&camp).await;
    // The shutdown's snapshot covers the lock: the hub holds no change of
    // before the restart, so there is nothing undo could take back.
    let h = hint(&camp, &cookie).await;
    assert_eq!(h["rev"], 1);
    assert_eq!(h["target"], Value::Null, "{h}");
    let r = act(&camp, &cookie, "undo", "").await;
    assert_eq!(r["code"], "nothing_to_undo", "{r}");
    // What is done after the restart is undone as usual.
    assert_eq!(act(&camp, &cookie, "unlock", LOCK).await["type"], "ack");
    assert_eq!(act(&camp, &cookie, "undo", "").await["undone"], 2);
}

#[tokio::test]
async fn a_lock_keeps_a_moved_session_from_coming_back() {
    let camp = TestServer::start().await;
    let cookie = organiser_cookie(&camp).await;
    let mut alice = camp.participant().await;
    let s = alice.claim_ok("sat-0930", "amphi", "Rust").await;
    let cell = "slot=sat-0930&room=amphi";
    assert_eq!(act(&camp, &cookie, "lock", cell).await["type"], "ack");
    let to = format!("session={s}&slot=sat-1030&room=sein");
    assert_eq!(act(&camp, &cookie, "move", &to).await["type"], "ack");
    let before = fresh_welcome(&camp).await;
    let r = act(&camp, &cookie, "undo", "").await;
    assert_eq!(r["type"], "reject", "{r}");
    assert_eq!(r["code"], "locked", "the lock refuses the way back: {r}");
    let after = fresh_welcome(&camp).await;
    assert_eq!(after["rev"], before["rev"], "nothing changed");
    assert_eq!(hint(&camp, &cookie).await["target"], 3, "still the move");
}

#[tokio::test]
async fn the_page_hands_its_script_the_table_the_server_renders_with() {
    let camp = TestServer::start().await;
    let cookie = organiser_cookie(&camp).await;
    assert_eq!(act(&camp, &cookie, "lock", LOCK).await["type"], "ack");
    let (_, page) = request(&camp, "/e/camp/admin")
        .cookie(Some(&cookie))
        .lang("en")
        .page()
        .await;
    let start = page.find(r#"id="admin-data""#).expect("the data block");
    let json = &page[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    let data: Value = serde_json::from_str(json).expect("JSON");
    let rows = data["strings"]["changes"]["rows"].as_array().unwrap();
    let locked = rows.iter().find(|r| r["kind"] == "locked").unwrap();
    assert_eq!(locked["text"], "locked {cell}");
    let opened: Vec<&Value> = rows.iter().filter(|r| r["kind"] == "opened").collect();
    assert_eq!(opened.len(), 2, "one row per way it reads");
    assert_eq!(opened[0]["field"], "open");
    // The server fills the same row for the log and for the undo hint.
    let h = hint(&camp, &cookie).await;
    let what = h["hint"].as_str().unwrap();
    assert!(what.starts_with("locked Sein, "), "{what}");
    assert!(
        page.contains(&format!(r#"<span class="what">{what}</span>"#)),
        "the audit line says the same: {what}"
    );
}
