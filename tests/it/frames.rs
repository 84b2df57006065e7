//! Every class of bad frame, answered as PROTOCOL.md says while the
//! connection lives: after each bad frame the same phone still gets a real
//! answer to a real command, and nobody else notices anything.

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::kit::*;

/// A camp whose rate limit leaves room for the many commands of one test:
/// each bad frame and each proof of life costs a token of the bucket.
async fn roomy_camp() -> TestServer {
    TestServer::start_with("commands_per_sec = 1000\ncommand_burst = 1000").await
}

/// A phone at the BarCamp with a session of its own (in `sat-0930`/`amphi`),
/// so it can prove at any time that its connection still works.
async fn phone_with_session(camp: &TestServer) -> (Client, String) {
    let mut phone = camp.participant().await;
    let session = phone
        .claim_ok("sat-0930", "amphi", "Rust & WebSockets")
        .await;
    (phone, session)
}

/// The connection still carries commands: an edit of the phone's own
/// session is acked.
async fn still_works(phone: &mut Client, session: &str) {
    let a = phone.command(Cmd::edit(session).title("Still here")).await;
    assert!(a.is_ack(), "the connection still works: {a}");
}

/// Sends a frame that must be answered with an `error` of this code, then
/// proves the connection lives.
async fn expect_error_then_alive(phone: &mut Client, session: &str, frame: &str, code: &str) {
    phone.send_text(frame).await;
    let e = phone.expect_error().await;
    assert_eq!(e["code"], code, "{frame:?} -> {e}");
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "an error says why: {e}"
    );
    still_works(phone, session).await;
}

/// Sends a command (with `req`) that must be rejected with this code, then
/// proves the connection lives. The frame is a [`Cmd`], or raw JSON when it is
/// deliberately malformed.
async fn expect_reject_then_alive(
    phone: &mut Client,
    session: &str,
    frame: impl Into<Value>,
    code: &str,
) {
    let frame: Value = frame.into();
    let req = frame["req"]
        .as_str()
        .expect("the frame has a req")
        .to_owned();
    phone.send(frame.clone()).await;
    let a = phone.answer(&req).await;
    assert_reject(&a, code);
    assert_eq!(a["req"], req.as_str(), "{frame} -> {a}");
    still_works(phone, session).await;
}

/// A claim frame of exactly `len` bytes (padded with JSON whitespace).
fn claim_frame_of_len(req: &str, len: usize) -> String {
    let base = Cmd::claim("sat-1030", "sein", "Big frame", "Anne")
        .req(req)
        .to_string();
    assert!(base.len() <= len);
    format!("{base}{}", " ".repeat(len - base.len()))
}

#[tokio::test]
async fn text_that_is_not_json_is_bad_json_and_the_phone_stays_connected() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    for frame in [
        "hello there",
        "{\"op\":\"claim\"",
        "",
        "{'op':'claim'}",
        "\u{feff}{}",
    ] {
        expect_error_then_alive(&mut phone, &s, frame, "bad_json").await;
    }
}

#[tokio::test]
async fn json_that_is_not_a_command_object_is_bad_json() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    for frame in [
        "[1,2]",
        "42",
        "\"claim\"",
        "null",
        "{}",
        r#"{"req":"no-op-1","slot":"sat-1030","room":"sein","title":"t","host":"h"}"#,
        r#"{"op":7,"req":"op-is-a-number"}"#,
        r#"{"op":null,"req":"op-is-null"}"#,
    ] {
        expect_error_then_alive(&mut phone, &s, frame, "bad_json").await;
    }
}

#[tokio::test]
async fn a_command_needs_a_req_of_1_to_64_characters() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    let vote = |req: Value| {
        // A well-formed vote but for its `req`, which is what is tested.
        let vote = Cmd::vote(&s, true);
        if req.is_null() {
            vote
        } else {
            vote.with("req", req)
        }
        .to_string()
    };
    for frame in [
        vote(Value::Null),
        vote(json!("")),
        vote(json!("r".repeat(65))),
        vote(json!(17)),
        r#"{"op":"vote","req":null,"session":"s_1","on":true}"#.to_string(),
    ] {
        expect_error_then_alive(&mut phone, &s, &frame, "bad_req").await;
    }
    // None of them was applied: no vote was counted.
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["sessions"][0]["votes"], 0, "{board}");

    // 64 characters, even multi-byte ones, is a fine req.
    for req in ["r".repeat(64), "é".repeat(64)] {
        phone.send(Cmd::edit(&s).req(&req).host("Anne")).await;
        phone.answer(&req).await.expect_ack();
    }
}

#[tokio::test]
async fn an_unknown_op_is_unsupported_with_its_req() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    for (i, op) in ["teleport", "CLAIM", "hello_again", ""]
        .into_iter()
        .enumerate()
    {
        let frame = Cmd::unknown_op(op)
            .req(&format!("unknown-{i}"))
            .with("session", s.as_str());
        expect_reject_then_alive(&mut phone, &s, frame, "unsupported").await;
    }
}

#[tokio::test]
async fn fields_of_the_wrong_type_are_invalid() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    // Raw JSON on purpose: a field of the wrong type is what a builder
    // cannot write, and what the parser must refuse.
    let frames = [
        json!({"op":"claim","req":"w-1","slot":930,"room":"sein","title":"t","host":"h"}),
        json!({"op":"claim","req":"w-2","slot":"sat-1030","room":["sein"],"title":"t","host":"h"}),
        json!({"op":"claim","req":"w-3","slot":"sat-1030","room":"sein","title":null,"host":"h"}),
        json!({"op":"claim","req":"w-4","slot":"sat-1030","room":"sein","title":"t","host":"h","tags":"rust"}),
        json!({"op":"claim","req":"w-5","slot":"sat-1030","room":"sein","title":"t","host":"h","tags":[1]}),
        json!({"op":"claim","req":"w-6","slot":"sat-1030","room":"sein","title":"t","host":"h","description":42}),
        json!({"op":"vote","req":"w-7","session":s,"on":"yes"}),
        json!({"op":"vote","req":"w-8","session":s,"on":1}),
        json!({"op":"set_open","req":"w-9","open":"false"}),
        json!({"op":"edit","req":"w-10","session":{"id":s},"title":"t"}),
        json!({"op":"announce","req":"w-11","text":false}),
    ];
    for frame in frames {
        expect_reject_then_alive(&mut phone, &s, frame, "invalid").await;
    }
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["sessions"].as_array().unwrap().len(), 1, "{board}");
}

#[tokio::test]
async fn missing_fields_are_invalid() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    // Raw JSON on purpose: each frame lacks a field its builder requires.
    let frames = [
        json!({"op":"claim","req":"m-1","room":"sein","title":"t","host":"h"}),
        json!({"op":"claim","req":"m-2","slot":"sat-1030","title":"t","host":"h"}),
        json!({"op":"claim","req":"m-3","slot":"sat-1030","room":"sein","host":"h"}),
        json!({"op":"claim","req":"m-4","slot":"sat-1030","room":"sein","title":"t"}),
        json!({"op":"edit","req":"m-5","title":"t"}),
        json!({"op":"release","req":"m-6"}),
        json!({"op":"move","req":"m-7","session":s,"slot":"sat-1030"}),
        json!({"op":"swap","req":"m-8","a":s}),
        json!({"op":"lock","req":"m-9","slot":"sat-1030"}),
        json!({"op":"unlock","req":"m-10","room":"sein"}),
        json!({"op":"set_open","req":"m-11"}),
        json!({"op":"announce","req":"m-12"}),
        json!({"op":"vote","req":"m-13","session":s}),
        json!({"op":"vote","req":"m-14","on":true}),
    ];
    for frame in frames {
        expect_reject_then_alive(&mut phone, &s, frame, "invalid").await;
    }
}

#[tokio::test]
async fn control_characters_in_title_host_and_tags_are_invalid() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    let claim = |req: &str, title: &str, host: &str, tags: &[&str]| {
        Cmd::claim("sat-1030", "sein", title, host)
            .req(req)
            .tags(tags)
    };
    let frames = [
        claim("c-1", "Bell\u{7}", "Anne", &[]),
        claim("c-2", "Two\nlines", "Anne", &[]),
        claim("c-3", "Nul\u{0}here", "Anne", &[]),
        claim("c-4", "Delete\u{7f}", "Anne", &[]),
        claim("c-5", "Next\u{85}line", "Anne", &[]),
        claim("c-6", "Escape \u{1b}[31mred", "Anne", &[]),
        claim("c-7", "Fine", "An\u{8}ne", &[]),
        claim("c-8", "Fine", "An\rne", &["x"]),
        claim("c-9", "Fine", "Anne", &["rust", "we\tb"]),
        claim("c-10", "Fine", "Anne", &["\u{1}"]),
        Cmd::edit(&s).req("c-11").title("Edited\u{7}"),
        Cmd::edit(&s).req("c-12").host("\u{1b}Anne"),
        Cmd::edit(&s).req("c-13").tags(&["ok", "b\u{0}d"]),
        Cmd::claim("sat-1030", "sein", "Fine", "Anne")
            .req("c-14")
            .description("colour \u{1b}[31m"),
        // Bidirectional overrides can make a wall lie (docs/protocol.md).
        claim("c-15", "evil\u{202E}txt.exe", "Anne", &[]),
    ];
    for frame in frames {
        expect_reject_then_alive(&mut phone, &s, frame, "invalid").await;
    }
    // Nothing of it reached the board.
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["sessions"].as_array().unwrap().len(), 1, "{board}");
    assert_eq!(board["sessions"][0]["title"], "Still here");
}

#[tokio::test]
async fn titles_are_counted_in_characters_80_fit_81_do_not() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    let claim = |req: &str, title: String| Cmd::claim("sat-1030", "sein", &title, "Maël").req(req);
    expect_reject_then_alive(&mut phone, &s, claim("t-81", "é".repeat(81)), "invalid").await;
    expect_reject_then_alive(&mut phone, &s, claim("t-81x", "x".repeat(81)), "invalid").await;

    // 80 two-byte characters (160 bytes), with blanks around that are trimmed.
    let eighty = "é".repeat(80);
    phone.send(claim("t-80", format!("  {eighty}  "))).await;
    let rev = phone.answer("t-80").await.expect_ack();
    let e = loop {
        let e = phone.expect_event().await;
        if e["rev"] == rev {
            break e;
        }
    };
    assert_eq!(e["change"]["session"]["title"], eighty.as_str());
}

#[tokio::test]
async fn a_title_or_host_of_only_blanks_is_invalid() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    let claim =
        |req: &str, title: &str, host: &str| Cmd::claim("sat-1030", "sein", title, host).req(req);
    for (i, blank) in ["", "   ", " \u{3000} ", "\u{a0}"].into_iter().enumerate() {
        let f = claim(&format!("b-title-{i}"), blank, "Anne");
        expect_reject_then_alive(&mut phone, &s, f, "invalid").await;
        let f = claim(&format!("b-host-{i}"), "A talk", blank);
        expect_reject_then_alive(&mut phone, &s, f, "invalid").await;
    }
    let f = Cmd::edit(&s).req("b-edit").title("    ");
    expect_reject_then_alive(&mut phone, &s, f, "invalid").await;
}

#[tokio::test]
async fn six_tags_are_invalid_five_are_fine() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    let claim = |req: &str, tags: &[&str]| {
        Cmd::claim("sat-1030", "sein", "Tags", "Anne")
            .req(req)
            .tags(tags)
    };
    let six = ["rust", "web", "async", "tokio", "axum", "serde"];
    expect_reject_then_alive(&mut phone, &s, claim("tags-6", &six), "invalid").await;
    let long = "x".repeat(25);
    expect_reject_then_alive(&mut phone, &s, claim("tags-long", &[&long]), "invalid").await;
    let f = Cmd::edit(&s)
        .req("tags-edit-6")
        .tags(&["a", "b", "c", "d", "e", "f"]);
    expect_reject_then_alive(&mut phone, &s, f, "invalid").await;

    let long_enough = "x".repeat(24);
    let five = ["rust", "web", "async", "tokio", &long_enough];
    phone.send(claim("tags-5", &five)).await;
    phone.answer("tags-5").await.expect_ack();
}

#[tokio::test]
async fn a_description_over_500_characters_is_invalid() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    let f = Cmd::edit(&s).req("d-501").description(&"ü".repeat(501));
    expect_reject_then_alive(&mut phone, &s, f, "invalid").await;
    let f = Cmd::claim("sat-1030", "sein", "Long", "Anne")
        .req("d-501c")
        .description(&"d".repeat(501));
    expect_reject_then_alive(&mut phone, &s, f, "invalid").await;

    let a = phone
        .command(Cmd::edit(&s).description(&"ü".repeat(500)))
        .await;
    assert!(a.is_ack(), "500 characters fit: {a}");
}

#[tokio::test]
async fn a_command_before_hello_is_no_hello_and_hello_still_works() {
    let camp = TestServer::start().await;
    let mut phone = camp.raw().await;
    phone
        .send(Cmd::claim("sat-0930", "amphi", "Too early", "Anne").req("early"))
        .await;
    let e = phone.expect_error().await;
    assert_eq!(e["code"], "no_hello", "{e}");
    // An unknown op before hello is no_hello too, not a reject.
    phone.send(Cmd::unknown_op("teleport").req("early-2")).await;
    assert_eq!(phone.expect_error().await["code"], "no_hello");

    let welcome = phone.hello(Cmd::hello()).await;
    assert_eq!(welcome["type"], "welcome");
    assert_eq!(welcome["rev"], 0, "the early claim was not applied");
    assert_eq!(welcome["sessions"], json!([]));
    let a = phone.claim("sat-0930", "amphi", "Now it works").await;
    assert_eq!(a.expect_ack(), 1);
}

#[tokio::test]
async fn a_second_hello_is_an_error_and_the_connection_lives() {
    let camp = roomy_camp().await;
    let (mut phone, s) = phone_with_session(&camp).await;
    phone.send(Cmd::hello_organiser()).await;
    let e = phone.expect_error().await;
    assert!(e["code"].is_string(), "{e}");
    still_works(&mut phone, &s).await;
    // The second hello did not make the phone an organiser.
    let a = phone.command(Cmd::lock("sat-1130", "sein")).await;
    assert_reject(&a, "forbidden");
}

#[tokio::test]
async fn hello_with_protocol_2_is_an_error_then_close_1002() {
    let camp = TestServer::start().await;
    let mut phone = camp.raw().await;
    phone.send(Cmd::hello().with("protocol", 2)).await;
    let e = phone.expect_error().await;
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains('1')),
        "{e}"
    );
    let close = phone.expect_close().await;
    assert_eq!(close_code(&close), 1002, "{close:?}");
}

#[tokio::test]
async fn a_text_frame_of_16_kib_is_fine_one_byte_more_closes_with_1009() {
    let camp = TestServer::start().await;
    let mut phone = camp.participant().await;
    phone
        .send_text(&claim_frame_of_len("exactly-16k", 16 * 1024))
        .await;
    let a = phone.answer("exactly-16k").await;
    assert!(a.is_ack(), "a frame of exactly 16 KiB is accepted: {a}");

    phone
        .send_text(&claim_frame_of_len("over-16k", 16 * 1024 + 1))
        .await;
    let close = phone.expect_close().await;
    assert_eq!(close_code(&close), 1009, "{close:?}");
}

#[tokio::test]
async fn a_huge_text_frame_closes_with_1009() {
    // Far over the limit, the server stops reading at the frame's header and
    // closes with 1009 at once; the close frame can lose the race against the
    // reset of the bytes still in flight. Either way the connection ends,
    // never with another code, and the board carries on.
    let camp = TestServer::start().await;
    let mut phone = camp.participant().await;
    phone
        .send_text(&claim_frame_of_len("huge", 256 * 1024))
        .await;
    let end = phone.expect_end().await;
    assert!(matches!(end, None | Some(1009)), "{end:?}");
    let mut other = camp.participant().await;
    other
        .claim("sat-0930", "amphi", "Still here")
        .await
        .expect_ack();
}

#[tokio::test]
async fn an_oversize_frame_before_hello_closes_with_1009() {
    let camp = TestServer::start().await;
    let mut phone = camp.raw().await;
    let hello = Cmd::hello().to_string();
    phone
        .send_text(&format!("{hello}{}", " ".repeat(17 * 1024)))
        .await;
    let close = phone.expect_close().await;
    assert_eq!(close_code(&close), 1009, "{close:?}");
}

#[tokio::test]
async fn a_binary_frame_closes_with_1003() {
    let camp = TestServer::start().await;
    let mut phone = camp.participant().await;
    let claim = Cmd::claim("sat-0930", "amphi", "Binary", "Anne").req("bin");
    phone
        .send_message(Message::binary(claim.to_string().into_bytes()))
        .await;
    let close = phone.expect_close().await;
    assert_eq!(close_code(&close), 1003, "{close:?}");
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["rev"], 0, "the binary claim was not applied");
}

#[tokio::test]
async fn a_binary_frame_before_hello_closes_with_1003() {
    let camp = TestServer::start().await;
    let mut phone = camp.raw().await;
    phone
        .send_message(Message::binary(
            b"{\"op\":\"hello\",\"protocol\":1}".to_vec(),
        ))
        .await;
    let close = phone.expect_close().await;
    assert_eq!(close_code(&close), 1003, "{close:?}");
}

#[tokio::test]
async fn bad_frames_do_not_break_the_board_for_others() {
    let camp = TestServer::start().await;
    let mut bystander = camp.participant().await;
    let (mut hostile, s) = phone_with_session(&camp).await;
    assert_eq!(
        bystander.expect_event_rev(1).await["change"]["kind"],
        "claimed"
    );

    // Junk that keeps the connection.
    for frame in [
        "not json".to_string(),
        "[]".to_string(),
        r#"{"op":"claim","slot":"sat-1030","room":"amphi","title":"t","host":"h"}"#.to_string(),
        r#"{"op":"teleport","req":"h-1"}"#.to_string(),
        r#"{"op":"claim","req":"h-2","slot":5,"room":"amphi","title":"t","host":"h"}"#.to_string(),
        r#"{"op":"claim","req":"h-3","room":"amphi","title":"t","host":"h"}"#.to_string(),
        Cmd::claim("sat-1030", "amphi", &"x".repeat(81), "h")
            .req("h-4")
            .to_string(),
        Cmd::hello().to_string(),
    ] {
        hostile.send_text(&frame).await;
    }
    still_works(&mut hostile, &s).await;

    // Junk that ends connections.
    let mut binary = camp.participant().await;
    binary.send_message(Message::binary(vec![0u8; 64])).await;
    assert_eq!(close_code(&binary.expect_close().await), 1003);
    let mut big = camp.participant().await;
    big.send_text(&claim_frame_of_len("big", 40 * 1024)).await;
    assert_eq!(close_code(&big.expect_close().await), 1009);
    let mut future = camp.raw().await;
    future.send(Cmd::hello().with("protocol", 2)).await;
    assert_eq!(close_code(&future.expect_close().await), 1002);

    // The bystander saw exactly the one legitimate edit, and claims fine.
    let e = bystander.expect_event_rev(2).await;
    assert_eq!(e["change"]["kind"], "edited");
    let a = bystander.claim("sat-1030", "amphi", "Unbothered").await;
    assert_eq!(a.expect_ack(), 3);
    bystander.expect_event_rev(3).await;
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["rev"], 3);
    assert_eq!(board["sessions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_flood_of_commands_is_rate_limited_but_answered_and_the_connection_lives() {
    let camp = TestServer::start_with("commands_per_sec = 1\ncommand_burst = 3").await;
    let mut phone = camp.participant().await;
    let cells = [
        ("sat-0930", "amphi"),
        ("sat-0930", "ouessant"),
        ("sat-0930", "brehat"),
        ("sat-0930", "sein"),
        ("sat-1030", "amphi"),
        ("sat-1030", "ouessant"),
        ("sat-1030", "brehat"),
        ("sat-1030", "sein"),
        ("sat-1130", "amphi"),
        ("sat-1130", "ouessant"),
    ];
    // Ten commands at once, before reading any answer.
    let mut reqs = Vec::new();
    for (i, (slot, room)) in cells.into_iter().enumerate() {
        let req = format!("flood-{i}");
        phone
            .send(Cmd::claim(slot, room, &format!("Talk {i}"), "Anne").req(&req))
            .await;
        reqs.push(req);
    }
    let mut answers = Vec::new();
    for req in &reqs {
        let a = phone.answer(req).await;
        assert_eq!(a["req"], req.as_str());
        answers.push(a);
    }
    for a in &answers[..3] {
        assert_eq!(a["type"], "ack", "the burst is served: {a}");
    }
    let limited: Vec<_> = answers
        .iter()
        .filter(|a| a["code"] == "rate_limited")
        .collect();
    assert!(
        !limited.is_empty(),
        "some commands were rate limited: {answers:?}"
    );
    for a in &limited {
        assert_reject(a, "rate_limited");
    }
    for a in &answers {
        assert!(
            a["type"] == "ack" || a["code"] == "rate_limited",
            "only acks and rate_limited: {a}"
        );
    }
    let acked = answers.iter().filter(|a| a["type"] == "ack").count();
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(
        board["rev"], acked as u64,
        "a rate-limited command is not applied"
    );

    // The connection lives: one more command still gets its answer.
    phone.send(Cmd::vote("s_1", true).req("after-flood")).await;
    let a = phone.answer("after-flood").await;
    assert!(a["type"] == "ack" || a["code"] == "rate_limited", "{a}");
}

/// The server's pongs (written by tungstenite) and its text frames (written
/// straight to the socket) never interleave: a client that pings between
/// commands gets every pong and every answer, each frame whole.
#[tokio::test]
async fn pongs_and_answers_share_the_socket_without_tearing() {
    use futures_util::{SinkExt, StreamExt};
    let camp = roomy_camp().await;
    let (mut phone, session) = phone_with_session(&camp).await;
    let mut watcher = camp.participant().await;
    const N: usize = 50;
    for i in 0..N {
        phone
            .ws
            .send(Message::Ping(format!("ping-{i}").into_bytes().into()))
            .await
            .unwrap();
        let edit = Cmd::edit(&session)
            .req(&format!("e{i}"))
            .title(&format!("Take {i}"));
        phone
            .ws
            .send(Message::text(edit.to_string()))
            .await
            .unwrap();
    }
    let (mut pongs, mut acks) = (Vec::new(), 0);
    while pongs.len() < N || acks < N {
        let msg = tokio::time::timeout(PATIENCE, phone.ws.next())
            .await
            .expect("the server answers in time")
            .expect("the socket stays open")
            .expect("every frame is whole");
        match msg {
            Message::Pong(p) => pongs.push(String::from_utf8(p.to_vec()).unwrap()),
            Message::Text(t) => {
                let v: Value = serde_json::from_str(&t).expect("whole JSON");
                if v["type"] == "ack" {
                    acks += 1;
                }
            }
            _ => {}
        }
    }
    let expected: Vec<String> = (0..N).map(|i| format!("ping-{i}")).collect();
    assert_eq!(pongs, expected, "every ping answered, in order");
    let mut last = watcher.expect_event().await;
    while last["rev"] != N as u64 + 1 {
        last = watcher.expect_event().await;
    }
    assert_eq!(
        last["change"]["session"]["title"],
        format!("Take {}", N - 1),
        "{last}"
    );
}
