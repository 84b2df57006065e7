//! The pitch queue through the socket: every op and who may send it, the
//! changes everyone sees, a claim made from a pitch (the `claimed` carries
//! it and the queue no longer has it), a closed queue, `pitches` in
//! `welcome` and `board.json`, and a kill -9 mid-queue that replays it.

use serde_json::{Value, json};

use crate::kit::*;

fn pitch(title: &str, host: &str) -> Value {
    json!({"op":"pitch","title":title,"host":host})
}

fn ids(pitches: &Value) -> Vec<String> {
    pitches["queue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Opens the queue; returns its rev.
async fn open(org: &mut Client) -> u64 {
    org.command(json!({"op":"pitch_open","open":true}))
        .await
        .expect_ack()
}

/// Queues a pitch; returns its id, read from the change everyone sees.
async fn queued(c: &mut Client, wall: &mut Client, title: &str) -> String {
    let rev = c.command(pitch(title, "Maël")).await.expect_ack();
    let e = wall.expect_event_rev(rev).await;
    assert_eq!(e["change"]["kind"], "pitch_queued", "{e}");
    assert_eq!(e["change"]["pitch"]["title"], title);
    assert_eq!(e["change"]["pitch"]["owner"], c.id);
    e["change"]["pitch"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_fresh_queue_is_closed_and_absent_from_welcome_and_board_json() {
    let camp = TestServer::start().await;
    // Closed and empty: absent, so boards that never used it keep their bytes.
    let w = fresh_welcome(&camp).await;
    assert!(w.get("pitches").is_none(), "{w}");
    assert!(board_json(&camp).await.get("pitches").is_none());
    let mut alice = camp.participant().await;
    alice
        .command(pitch("Rust", "Maël"))
        .await
        .expect_reject("closed");
}

#[tokio::test]
async fn every_pitch_op_and_who_may_send_it() {
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    let mut wall = camp.viewer().await;
    let mut alice = camp.participant().await;
    let mut bob = camp.participant().await;
    // Organisers only: open, call, move; a participant gets `forbidden`.
    for op in [
        json!({"op":"pitch_open","open":true}),
        json!({"op":"pitch_next"}),
        json!({"op":"pitch_move","pitch":"q_1","position":0}),
    ] {
        alice.command(op.clone()).await.expect_reject("forbidden");
    }
    wall.command(pitch("Wall", "Wall"))
        .await
        .expect_reject("forbidden");
    let rev = open(&mut org).await;
    assert_eq!(
        wall.expect_event_rev(rev).await["change"],
        json!({"kind":"pitch_opened","open":true})
    );
    let a = queued(&mut alice, &mut wall, "Rust & WebSockets").await;
    let b = queued(&mut bob, &mut wall, "Go").await;
    assert_eq!(a, "q_2");
    // One waiting pitch each; texts under the limits of title and host.
    alice
        .command(pitch("Again", "Maël"))
        .await
        .expect_reject("invalid");
    let mut carol = camp.participant().await;
    for bad in [
        pitch("", "Carol"),
        pitch(&"t".repeat(81), "Carol"),
        pitch("Zig", &"h".repeat(61)),
        pitch("Zig\u{7}", "Carol"),
    ] {
        carol.command(bad).await.expect_reject("invalid");
    }
    let c = queued(&mut carol, &mut wall, "Zig").await;
    // Reorder: out of range is `invalid`, unknown is `not_found`.
    org.command(json!({"op":"pitch_move","pitch":c,"position":3}))
        .await
        .expect_reject("invalid");
    org.command(json!({"op":"pitch_move","pitch":"q_99","position":0}))
        .await
        .expect_reject("not_found");
    let rev = org
        .command(json!({"op":"pitch_move","pitch":c,"position":0}))
        .await
        .expect_ack();
    assert_eq!(
        wall.expect_event_rev(rev).await["change"],
        json!({"kind":"pitch_moved","pitch":c,"position":0})
    );
    let w = fresh_welcome(&camp).await;
    assert_eq!(ids(&w["pitches"]), [c.as_str(), a.as_str(), b.as_str()]);
    assert_eq!(w["pitches"]["open"], true);
    assert_eq!(w["pitches"]["queue"][1]["title"], "Rust & WebSockets");
    assert_eq!(board_json(&camp).await["pitches"], w["pitches"]);
    // Only its owner or an organiser takes a pitch out.
    alice
        .command(json!({"op":"unpitch","pitch":b}))
        .await
        .expect_reject("forbidden");
    let rev = bob
        .command(json!({"op":"unpitch","pitch":b}))
        .await
        .expect_ack();
    assert_eq!(
        wall.expect_event_rev(rev).await["change"],
        json!({"kind":"pitch_removed","pitch":b})
    );
    bob.command(json!({"op":"unpitch","pitch":b}))
        .await
        .expect_reject("not_found");
    // Next: the head becomes current, then the previous one leaves.
    let rev = org.command(json!({"op":"pitch_next"})).await.expect_ack();
    assert_eq!(
        wall.expect_event_rev(rev).await["change"],
        json!({"kind":"pitch_called","pitch":c})
    );
    let w = fresh_welcome(&camp).await;
    assert_eq!(w["pitches"]["current"]["id"], c);
    assert_eq!(w["pitches"]["current"]["title"], "Zig");
    assert_eq!(ids(&w["pitches"]), [a.as_str()]);
    org.command(json!({"op":"unpitch","pitch":a}))
        .await
        .expect_ack();
    org.command(json!({"op":"pitch_next"})).await.expect_ack();
    wall.expect_event_rev(rev + 1).await;
    let e = wall.expect_event_rev(rev + 2).await;
    assert_eq!(e["change"], json!({"kind":"pitch_called","pitch":null}));
    org.command(json!({"op":"pitch_next"}))
        .await
        .expect_reject("invalid");
    // Closing the queue refuses new pitches with `closed`.
    org.command(json!({"op":"pitch_open","open":false}))
        .await
        .expect_ack();
    carol
        .command(pitch("Later", "Carol"))
        .await
        .expect_reject("closed");
    assert!(board_json(&camp).await.get("pitches").is_none());
}

#[tokio::test]
async fn a_claim_from_a_pitch_carries_it_and_empties_its_place() {
    let camp = TestServer::start().await;
    let mut org = camp.organiser().await;
    let mut wall = camp.viewer().await;
    let mut alice = camp.participant().await;
    let mut bob = camp.participant().await;
    wall.expect_event_rev(open(&mut org).await).await;
    let a = queued(&mut alice, &mut wall, "Rust").await;
    let b = queued(&mut bob, &mut wall, "Go").await;
    let rev = org.command(json!({"op":"pitch_next"})).await.expect_ack();
    wall.expect_event_rev(rev).await;
    let from = |pitch: &str, slot: &str| {
        Cmd::claim(slot, "amphi", "Rust", "Maël").with("pitch", pitch.to_owned())
    };
    // Someone else's pitch is not yours to claim from; an unknown one is gone.
    bob.command(from(&a, "sat-0930"))
        .await
        .expect_reject("forbidden");
    alice
        .command(from("q_99", "sat-0930"))
        .await
        .expect_reject("not_found");
    let rev = alice.command(from(&a, "sat-0930")).await.expect_ack();
    let e = wall.expect_event_rev(rev).await;
    assert_eq!(e["change"]["kind"], "claimed");
    assert_eq!(e["change"]["pitch"], a);
    assert_eq!(e["change"]["session"]["owner"], alice.id);
    let w = fresh_welcome(&camp).await;
    assert_eq!(w["pitches"]["current"], Value::Null, "no longer current");
    assert_eq!(ids(&w["pitches"]), [b.as_str()]);
    // An organiser claims from a waiting pitch; a claim's own rules still hold.
    org.command(from(&b, "sat-0930"))
        .await
        .expect_reject("taken");
    let rev = org.command(from(&b, "sat-1030")).await.expect_ack();
    assert_eq!(wall.expect_event_rev(rev).await["change"]["pitch"], b);
    assert!(ids(&board_json(&camp).await["pitches"]).is_empty());
    // A plain claim carries no `pitch`.
    let rev = bob
        .command(Cmd::claim("sat-1130", "amphi", "Plain", "Bob"))
        .await
        .expect_ack();
    assert!(
        wall.expect_event_rev(rev).await["change"]
            .get("pitch")
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_queue_replays_it_from_the_journal() {
    let site = Site::new("", "");
    let server = site.start(&[], None).await;
    let mut org = Client::join(&server.ws_url(), Cmd::hello_organiser()).await;
    let mut alice = Client::join(&server.ws_url(), Cmd::hello()).await;
    let mut bob = Client::join(&server.ws_url(), Cmd::hello()).await;
    let mut carol = Client::join(&server.ws_url(), Cmd::hello()).await;
    open(&mut org).await;
    for (c, t) in [(&mut alice, "Rust"), (&mut bob, "Go"), (&mut carol, "Zig")] {
        c.command(pitch(t, "Maël")).await.expect_ack();
    }
    org.command(json!({"op":"pitch_next"})).await.expect_ack();
    org.command(json!({"op":"pitch_move","pitch":"q_4","position":0}))
        .await
        .expect_ack();
    let before = Client::join(&server.ws_url(), Cmd::hello_viewer())
        .await
        .welcome;
    assert_eq!(before["pitches"]["current"]["id"], "q_2");
    assert_eq!(ids(&before["pitches"]), ["q_4", "q_3"]);
    server.kill();
    let server = site.start(&[], None).await;
    let after = Client::join(&server.ws_url(), Cmd::hello_viewer())
        .await
        .welcome;
    assert_eq!(after["rev"], before["rev"]);
    assert_eq!(after["pitches"], before["pitches"]);
    // The replayed queue keeps its rules: alice's next pitch id follows rev.
    let mut alice = Client::join(&server.ws_url(), Cmd::hello().token(&alice.token)).await;
    alice.use_new_reqs();
    let rev = alice.command(pitch("Again", "Maël")).await.expect_ack();
    let w = Client::join(&server.ws_url(), Cmd::hello_viewer())
        .await
        .welcome;
    assert_eq!(ids(&w["pitches"]), ["q_4", "q_3", &format!("q_{rev}")]);
    server.kill();
}

/// A logged-in organiser browser without JavaScript, in English.
async fn organiser_nojs(camp: &TestServer) -> NoJs {
    let mut b = NoJs::new();
    b.lang = Some("en");
    let got = b
        .post(camp, "/e/camp/admin/login", &[("secret", ORGANISER)])
        .await;
    assert_eq!(got.status, 303, "{}", got.body);
    b
}

/// Posts an admin form and returns the notice code of its 303.
async fn admin_form(b: &mut NoJs, camp: &TestServer, op: &str, fields: &[(&str, &str)]) -> String {
    let got = b.post(camp, &format!("/e/camp/admin/{op}"), fields).await;
    assert_eq!(got.status, 303, "{op}: {}", got.body);
    let to = got.location.expect("a Location");
    to.split("notice=").nth(1).unwrap_or_default().to_owned()
}

/// Posts a phone form and returns the notice code of its 303.
async fn phone_form(b: &mut NoJs, camp: &TestServer, op: &str, fields: &[(&str, &str)]) -> String {
    let got = b.post(camp, &format!("/e/camp/{op}"), fields).await;
    assert_eq!(got.status, 303, "{op}: {}", got.body);
    let to = got.location.expect("a Location");
    assert!(to.starts_with("/e/camp?notice="), "{to}");
    let code = to["/e/camp?notice=".len()..].split('&').next().unwrap();
    code.to_owned()
}

#[tokio::test]
async fn the_whole_queue_works_through_forms_without_javascript() {
    let camp = TestServer::start().await;
    let mut org = organiser_nojs(&camp).await;
    let mut alice = NoJs::new();
    let mut bob = NoJs::new();
    let fields = [("title", "Rust sans JS"), ("host", "Alice")];
    assert_eq!(
        phone_form(&mut alice, &camp, "pitch", &fields).await,
        "closed"
    );
    assert_eq!(
        admin_form(&mut org, &camp, "pitch_open", &[("open", "true")]).await,
        "ack"
    );
    assert_eq!(phone_form(&mut alice, &camp, "pitch", &fields).await, "ack");
    let b_fields = [("title", "Go"), ("host", "Bob")];
    assert_eq!(phone_form(&mut bob, &camp, "pitch", &b_fields).await, "ack");
    let q = board_json(&camp).await["pitches"].clone();
    assert_eq!(q["queue"][0]["owner"], alice.token_id());
    assert_eq!(q["queue"][0]["title"], "Rust sans JS");
    let (a, b) = (
        q["queue"][0]["id"].as_str().unwrap().to_owned(),
        q["queue"][1]["id"].as_str().unwrap().to_owned(),
    );
    // A participant's form of an organiser's op is refused.
    let refused = alice.post(&camp, "/e/camp/admin/pitch_next", &[]).await;
    assert_ne!(refused.status, 200);
    assert_eq!(
        ids(&board_json(&camp).await["pitches"]),
        [a.as_str(), b.as_str()]
    );
    // Reorder (position as digits), call, take out.
    let mv = [("pitch", b.as_str()), ("position", "0")];
    assert_eq!(admin_form(&mut org, &camp, "pitch_move", &mv).await, "ack");
    assert_eq!(
        ids(&board_json(&camp).await["pitches"]),
        [b.as_str(), a.as_str()]
    );
    assert_eq!(admin_form(&mut org, &camp, "pitch_next", &[]).await, "ack");
    assert_eq!(board_json(&camp).await["pitches"]["current"]["id"], b);
    // Bob's pitch is not Alice's to take out; her own is.
    let not_hers = [("pitch", b.as_str())];
    assert_eq!(
        phone_form(&mut alice, &camp, "unpitch", &not_hers).await,
        "forbidden"
    );
    let hers = [("pitch", a.as_str())];
    assert_eq!(phone_form(&mut alice, &camp, "unpitch", &hers).await, "ack");
    // The claim form filled in from a pitch carries it; the current one leaves.
    let claim = [
        ("slot", "sat-0930"),
        ("room", "amphi"),
        ("title", "Go"),
        ("host", "Bob"),
        ("pitch", b.as_str()),
    ];
    assert_eq!(phone_form(&mut bob, &camp, "claim", &claim).await, "ack");
    let board = board_json(&camp).await;
    assert!(board.get("pitches").is_none_or(|p| p["current"].is_null()));
    assert_eq!(board["sessions"][0]["title"], "Go");
    // An organiser takes a pitch out by form too; an empty `pitch` field
    // of a claim form is a plain claim.
    assert_eq!(phone_form(&mut alice, &camp, "pitch", &fields).await, "ack");
    let a2 = board_json(&camp).await["pitches"]["queue"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = [("pitch", a2.as_str())];
    assert_eq!(admin_form(&mut org, &camp, "unpitch", &out).await, "ack");
    let plain = [
        ("slot", "sat-1030"),
        ("room", "amphi"),
        ("title", "Plain"),
        ("host", "Alice"),
        ("pitch", ""),
    ];
    assert_eq!(phone_form(&mut alice, &camp, "claim", &plain).await, "ack");
    assert_eq!(
        admin_form(&mut org, &camp, "pitch_open", &[("open", "false")]).await,
        "ack"
    );
    assert!(board_json(&camp).await.get("pitches").is_none());
}

#[tokio::test]
async fn pitches_from_one_address_draw_on_its_rate_of_claims() {
    // 1 a minute: no token comes back while the test runs.
    let camp = TestServer::start_with("ip_claims_per_minute = 1\nip_claim_burst = 3").await;
    let mut org = camp.organiser().await;
    open(&mut org).await;
    for i in 0..3 {
        let mut c = camp.participant().await;
        c.command(pitch(&format!("Fresh {i}"), "Lou"))
            .await
            .expect_ack();
    }
    // A fourth fresh identity from the same address fills no more of the queue.
    let mut fourth = camp.participant().await;
    fourth
        .command(pitch("One too many", "Lou"))
        .await
        .expect_reject("rate_limited");
    assert_eq!(
        board_json(&camp).await["pitches"]["queue"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Organisers never draw.
    org.command(pitch("Orga", "Orga")).await.expect_ack();
}

/// Posts an admin action asking for JSON; its answer.
async fn admin_json(camp: &TestServer, cookie: &str, op: &str, fields: &[(&str, &str)]) -> Value {
    request(camp, &format!("/e/camp/admin/{op}"))
        .cookie(Some(cookie))
        .accept("application/json")
        .post_form(fields)
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn undo_puts_a_moved_pitch_back_and_walks_past_calls() {
    let camp = TestServer::start().await;
    let cookie = organiser_login(&camp).await.cookie;
    let ack = |v: Value| assert_eq!(v["type"], "ack", "{v}");
    ack(admin_json(
        &camp,
        &cookie,
        "lock",
        &[("slot", "sat-1130"), ("room", "sein")],
    )
    .await);
    ack(admin_json(&camp, &cookie, "pitch_open", &[("open", "true")]).await);
    let mut people = Vec::new();
    for t in ["Rust", "Go", "Zig"] {
        let mut c = camp.participant().await;
        c.command(pitch(t, "Maël")).await.expect_ack();
        people.push(c);
    }
    // q_3, q_4, q_5: q_5 to the front, then undo puts it back last.
    ack(admin_json(
        &camp,
        &cookie,
        "pitch_move",
        &[("pitch", "q_5"), ("position", "0")],
    )
    .await);
    let undone = admin_json(&camp, &cookie, "undo", &[]).await;
    assert_eq!(undone["code"], "undone", "{undone}");
    assert_eq!(
        ids(&board_json(&camp).await["pitches"]),
        ["q_3", "q_4", "q_5"]
    );
    // A call of the next pitch is not what undo takes back: the next undo
    // goes past it to the opening of the queue, then to the lock.
    ack(admin_json(&camp, &cookie, "pitch_next", &[]).await);
    let undone = admin_json(&camp, &cookie, "undo", &[]).await;
    assert_eq!(undone["code"], "undone", "{undone}");
    let board = board_json(&camp).await;
    assert_eq!(board["pitches"]["open"], false, "the opening was undone");
    assert_eq!(board["pitches"]["current"]["id"], "q_3", "the call stays");
    let undone = admin_json(&camp, &cookie, "undo", &[]).await;
    assert_eq!(undone["code"], "undone", "{undone}");
    assert_eq!(board_json(&camp).await["locks"], serde_json::json!([]));
}
