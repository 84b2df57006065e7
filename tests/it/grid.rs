//! The grid changed on the day, through the socket: every op and who may
//! send it, one `grid` change per op carrying the whole grid, a delayed
//! afternoon that keeps its sessions, board.json and schedule.ics that
//! follow, and a restart that replays the changes (the config's grid is
//! only the starting one).

use serde_json::{Value, json};

use crate::kit::*;

fn slot_ids(grid_holder: &Value) -> Vec<String> {
    grid_holder["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

fn slot<'a>(holder: &'a Value, id: &str) -> &'a Value {
    holder["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no slot {id} in {holder}"))
}

#[tokio::test]
async fn every_grid_op_is_one_grid_change_seen_by_everyone() {
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    let mut wall = camp.viewer().await;
    let ops = [
        json!({"op":"add_room","room":{"id":"cafeteria","name":"Cafétéria","capacity":40}}),
        json!({"op":"edit_room","room":"cafeteria","name":"Cafét'","capacity":45}),
        json!({"op":"add_slot","slot":{"id":"sat-1400","day":"2037-12-05","start":"14:00","end":"14:45"}}),
        json!({"op":"edit_slot","slot":"sat-1400","end":"14:50"}),
        json!({"op":"add_slot","slot":{"id":"sun-0930","day":"2037-12-06","start":"09:30","end":"10:15"}}),
        json!({"op":"shift_slots","from":"sat-1130","minutes":15}),
        json!({"op":"remove_slot","slot":"sun-0930"}),
        json!({"op":"remove_room","room":"cafeteria"}),
    ];
    for (i, op) in ops.iter().enumerate() {
        let rev = org.command(op.clone()).await.expect_ack();
        assert_eq!(rev, i as u64 + 1);
        let e = wall.expect_event_rev(rev).await;
        assert_eq!(e["change"]["kind"], "grid", "{e}");
        assert!(e["change"]["rooms"].is_array() && e["change"]["slots"].is_array());
        if i == 1 {
            let room = &e["change"]["rooms"][4];
            assert_eq!(
                room,
                &json!({"id":"cafeteria","name":"Cafét'","capacity":45})
            );
        }
        if i == 4 {
            assert_eq!(
                slot_ids(&e["change"]),
                ["sat-0930", "sat-1030", "sat-1130", "sat-1400", "sun-0930"],
                "a new day comes last, in display order"
            );
        }
    }
    let w = fresh_welcome(&camp).await;
    assert_eq!(w["rooms"].as_array().unwrap().len(), 4);
    assert_eq!(slot(&w, "sat-1130")["start"], "11:45");
    assert_eq!(slot(&w, "sat-1400")["start"], "14:15");
    assert_eq!(slot(&w, "sat-1400")["end"], "15:05");
}

#[tokio::test]
async fn only_organisers_change_the_grid() {
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    let mut wall = camp.raw().await;
    wall.hello(Cmd::hello_viewer()).await;
    for op in [
        json!({"op":"add_room","room":{"id":"x","name":"X","capacity":1}}),
        json!({"op":"shift_slots","from":"sat-1030","minutes":15}),
        json!({"op":"remove_slot","slot":"sat-0930"}),
    ] {
        alice.command(op.clone()).await.expect_reject("forbidden");
        wall.command(op).await.expect_reject("forbidden");
    }
    assert_eq!(fresh_welcome(&camp).await["rev"], 0);
}

#[tokio::test]
async fn bad_grid_ops_say_what_to_fix() {
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    for (op, code, words) in [
        (
            json!({"op":"add_room","room":{"id":"Big Room","name":"X","capacity":1}}),
            "invalid",
            "a-z",
        ),
        (
            json!({"op":"add_room","room":{"id":"amphi","name":"X","capacity":1}}),
            "invalid",
            "already",
        ),
        (
            json!({"op":"add_room","room":{"id":"x","name":"X","capacity":100001}}),
            "invalid",
            "100000",
        ),
        (
            json!({"op":"add_slot","slot":{"id":"x","day":"2037-12-05","start":"10:00","end":"10:45"}}),
            "invalid",
            "overlap",
        ),
        (
            json!({"op":"add_slot","slot":{"id":"x","day":"2037-12-05","start":"25:00","end":"26:00"}}),
            "invalid",
            "HH:MM",
        ),
        (
            json!({"op":"edit_slot","slot":"sat-0930","start":"10:20"}),
            "invalid",
            "start before",
        ),
        (
            json!({"op":"shift_slots","from":"sat-1030","minutes":-30}),
            "invalid",
            "overlap",
        ),
        (
            json!({"op":"shift_slots","from":"sat-1030","minutes":0}),
            "invalid",
            "not 0",
        ),
        (
            json!({"op":"shift_slots","from":"sat-1130","minutes":241}),
            "invalid",
            "240",
        ),
        (
            json!({"op":"shift_slots","from":"nope","minutes":5}),
            "not_found",
            "nope",
        ),
        (
            json!({"op":"edit_room","room":"nope","name":"N"}),
            "not_found",
            "nope",
        ),
    ] {
        let a = org.command(op.clone()).await;
        a.expect_reject(code);
        let raw = a.raw().to_string();
        assert!(raw.contains(words), "{words:?} missing for {op}: {raw}");
    }
    assert_eq!(
        fresh_welcome(&camp).await["rev"],
        0,
        "nothing was journaled"
    );
}

#[tokio::test]
async fn a_room_or_slot_with_a_session_stays_and_the_reject_names_it() {
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    let mut org = camp.organiser().await;
    let s = alice
        .claim_ok("sat-1030", "sein", "Rust & WebSockets")
        .await;
    for op in [
        json!({"op":"remove_room","room":"sein"}),
        json!({"op":"remove_slot","slot":"sat-1030"}),
    ] {
        let a = org.command(op).await;
        a.expect_reject("invalid");
        let raw = a.raw().to_string();
        assert!(
            raw.contains(&s) && raw.contains("Rust & WebSockets"),
            "{raw}"
        );
    }
    org.command(Cmd::lock("sat-0930", "brehat"))
        .await
        .expect_ack();
    org.command(json!({"op":"remove_room","room":"brehat"}))
        .await
        .expect_reject("invalid");
}

#[tokio::test]
async fn a_delayed_afternoon_keeps_its_sessions_and_the_exports_follow() {
    let camp = TestServer::start().await;
    let mut alice = camp.participant().await;
    let mut org = camp.organiser().await;
    let s = alice.claim_ok("sat-1130", "amphi", "Lunch talk").await;
    let before = request(&camp, "/e/camp/schedule.ics")
        .get()
        .await
        .text()
        .await
        .unwrap();
    assert!(before.contains("T113000"), "{before}");
    org.command(json!({"op":"shift_slots","from":"sat-1030","minutes":15}))
        .await
        .expect_ack();
    let board = board_json(&camp).await;
    assert_eq!(
        slot(&board, "sat-0930")["start"],
        "09:30",
        "before the shift"
    );
    assert_eq!(slot(&board, "sat-1030")["start"], "10:45");
    assert_eq!(slot(&board, "sat-1130")["start"], "11:45");
    let session = board["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == s.as_str())
        .unwrap();
    assert_eq!(session["slot"], "sat-1130", "the session kept its slot");
    let ics = request(&camp, "/e/camp/schedule.ics")
        .get()
        .await
        .text()
        .await
        .unwrap();
    assert!(ics.contains("T114500") && !ics.contains("T113000"), "{ics}");
}

#[tokio::test]
async fn a_restart_replays_the_grid_changes_from_journal_and_snapshot() {
    let mut camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    let mut alice = camp.participant().await;
    org.command(
        json!({"op":"add_room","room":{"id":"cafeteria","name":"Cafétéria","capacity":40}}),
    )
    .await
    .expect_ack();
    let s = alice
        .claim_ok("sat-1130", "cafeteria", "In the new room")
        .await;
    org.command(json!({"op":"shift_slots","from":"sat-1130","minutes":10}))
        .await
        .expect_ack();
    let before = board_json(&camp).await;
    drop((org, alice));
    // A clean restart writes a snapshot: the live grid must be in it.
    camp.restart().await;
    let after = board_json(&camp).await;
    assert_eq!(after["rooms"], before["rooms"]);
    assert_eq!(after["slots"], before["slots"]);
    assert!(after.to_string().contains(&s));
    let snap = std::fs::read_to_string(camp.event_dir().join("snapshot.json")).unwrap();
    assert!(
        snap.contains("cafeteria"),
        "the snapshot carries the live grid"
    );
    // And more changes after the restart replay on top of it.
    let mut org = camp.organiser().await;
    org.command(json!({"op":"edit_room","room":"cafeteria","capacity":50}))
        .await
        .expect_ack();
    let want = board_json(&camp).await;
    drop(org);
    camp.restart().await;
    assert_eq!(board_json(&camp).await["rooms"], want["rooms"]);
}

#[tokio::test]
async fn undo_puts_the_grid_back() {
    let camp = TestServer::start().await;
    let org = organiser_login(&camp).await;
    let mut sock = camp.organiser().await;
    sock.command(json!({"op":"shift_slots","from":"sat-1030","minutes":15}))
        .await
        .expect_ack();
    let r = request(&camp, "/e/camp/admin/undo")
        .cookie(Some(&org.cookie))
        .accept("application/json")
        .post_form(&[])
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "undone", "{v}");
    assert_eq!(slot(&board_json(&camp).await, "sat-1030")["start"], "10:30");
}

#[tokio::test]
async fn the_admin_page_delays_from_a_slot_with_a_plain_form() {
    let camp = TestServer::start().await;
    let org = organiser_login(&camp).await;
    let page = request(&camp, "/e/camp/admin")
        .cookie(Some(&org.cookie))
        .lang("en")
        .get()
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("action=\"/e/camp/admin/shift_slots\"")
            && page.contains("name=\"minutes\" value=\"15\"")
            && page.contains("name=\"minutes\" value=\"-5\""),
        "the delay buttons are forms"
    );
    let r = request(&camp, "/e/camp/admin/shift_slots")
        .cookie(Some(&org.cookie))
        .lang("en")
        .post_form(&[("from", "sat-1030"), ("minutes", "15")])
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.ends_with("notice=ack"), "{to}");
    let board = board_json(&camp).await;
    assert_eq!(slot(&board, "sat-1030")["start"], "10:45");
    assert_eq!(slot(&board, "sat-1130")["start"], "11:45");
    // The page now shows the new times.
    let page = request(&camp, "/e/camp/admin")
        .cookie(Some(&org.cookie))
        .lang("en")
        .get()
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("10:45–11:30"),
        "the admin grid shows the delay"
    );
    let wall = request(&camp, "/e/camp/wall")
        .get()
        .await
        .text()
        .await
        .unwrap();
    assert!(wall.contains("10:45"), "the wall shows the delay");
    // Without a login: no change.
    let r = request(&camp, "/e/camp/admin/shift_slots")
        .cookie(None)
        .accept("application/json")
        .post_form(&[("from", "sat-1030"), ("minutes", "5")])
        .await;
    assert!(r.status().is_client_error(), "{}", r.status());
}

#[tokio::test]
async fn check_config_warns_when_the_live_grid_differs_and_still_says_ok() {
    let mut camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    org.command(json!({"op":"shift_slots","from":"sat-1130","minutes":15}))
        .await
        .expect_ack();
    org.command(
        json!({"op":"add_room","room":{"id":"cafeteria","name":"Cafétéria","capacity":40}}),
    )
    .await
    .expect_ack();
    drop(org);
    camp.stop().await;
    let path = camp.data.path().join("slotboard.toml");
    std::fs::write(&path, config_text(camp.data.path(), "")).unwrap();
    let out = slotboard_command()
        .args(["check-config", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "a warning, not a failure: {err}");
    for part in [
        "warning",
        "\"cafeteria\" was added",
        "\"sat-1130\" is 2037-12-05 11:30-12:15 in the config, 2037-12-05 11:45-12:30 live",
        "the live grid is used",
    ] {
        assert!(err.contains(part), "{part:?} missing from: {err}");
    }
    // And the server starts on the live grid (a session in the new room too).
    camp.start_again().await;
    let w = fresh_welcome(&camp).await;
    assert_eq!(w["rooms"].as_array().unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_after_grid_changes_replays_them_from_the_journal() {
    let site = Site::new("", "");
    let server = site.start(&[], None).await;
    let mut org = Client::join(&server.ws_url(), Cmd::hello_organiser()).await;
    let mut alice = Client::join(&server.ws_url(), Cmd::hello()).await;
    org.command(
        json!({"op":"add_room","room":{"id":"cafeteria","name":"Cafétéria","capacity":40}}),
    )
    .await
    .expect_ack();
    let s = alice
        .claim_ok("sat-1130", "cafeteria", "Seventh room")
        .await;
    org.command(json!({"op":"shift_slots","from":"sat-1030","minutes":15}))
        .await
        .expect_ack();
    server.kill();
    assert!(
        !site.event_dir().join("snapshot.json").exists()
            || !std::fs::read_to_string(site.event_dir().join("snapshot.json"))
                .unwrap()
                .contains("cafeteria"),
        "the grid changes are only in the journal"
    );
    let server = site.start(&[], None).await;
    let w = Client::join(&server.ws_url(), Cmd::hello_viewer())
        .await
        .welcome;
    assert_eq!(w["rev"], 3);
    assert_eq!(w["rooms"][4]["id"], "cafeteria");
    assert_eq!(slot(&w, "sat-1130")["start"], "11:45");
    assert!(w["sessions"].to_string().contains(&s));
    server.kill();
}

#[tokio::test]
async fn a_refused_form_claim_in_a_room_added_live_keeps_its_cell() {
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    let op = json!({"op":"add_room","room":{"id":"cafeteria","name":"Cafétéria","capacity":40}});
    org.command(op).await.expect_ack();
    let claim = |title: &'static str| {
        [
            ("slot", "sat-0930"),
            ("room", "cafeteria"),
            ("title", title),
            ("host", "Lou"),
        ]
    };
    let mut first = NoJs::new();
    let got = first.post(&camp, "/e/camp/claim", &claim("Au café")).await;
    assert!(got.location.unwrap_or_default().contains("notice=ack"));
    // Taken: the page goes back to that cell, which only the live grid has.
    let mut second = NoJs::new();
    let got = second
        .post(&camp, "/e/camp/claim", &claim("Moi aussi"))
        .await;
    let to = got.location.expect("a redirect with the notice");
    assert!(to.contains("notice=taken"), "{to}");
    assert!(
        to.contains("room=cafeteria") && to.contains("slot=sat-0930"),
        "{to}"
    );
}

#[tokio::test]
async fn a_bad_delay_form_says_what_to_fix_and_changes_nothing() {
    let camp = TestServer::start().await;
    let org = organiser_login(&camp).await;
    let before = board_json(&camp).await;
    for (from, minutes) in [
        ("sat-1030", "abc"),
        ("sat-1030", "0"),
        ("sat-1030", "999"),
        ("nowhere", "15"),
        ("", "15"),
    ] {
        let r = request(&camp, "/e/camp/admin/shift_slots")
            .cookie(Some(&org.cookie))
            .accept("application/json")
            .post_form(&[("from", from), ("minutes", minutes)])
            .await;
        let status = r.status();
        let body: Value = r.json().await.expect("a JSON answer");
        assert!(
            status.is_client_error(),
            "{from} {minutes}: {status} {body}"
        );
        assert_eq!(body["type"], "reject", "{body}");
        assert!(
            ["invalid", "not_found"].contains(&body["code"].as_str().unwrap_or("")),
            "{body}"
        );
        assert!(!body["message"].as_str().unwrap_or("").is_empty(), "{body}");
        // The no-JS page gets a notice instead.
        let r = request(&camp, "/e/camp/admin/shift_slots")
            .cookie(Some(&org.cookie))
            .lang("en")
            .post_form(&[("from", from), ("minutes", minutes)])
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(!to.contains("notice=ack"), "{to}");
    }
    let after = board_json(&camp).await;
    assert_eq!(after["slots"], before["slots"], "nothing moved");
    assert_eq!(after["rev"], before["rev"]);
}
