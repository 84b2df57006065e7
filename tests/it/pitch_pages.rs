//! The pitch queue on the pages, without JavaScript: a phone pitches by
//! form, sees its place and leaves; the admin page lists the queue with
//! its forms; the organiser calls the next pitch and notes a big show of
//! hands; the phone then says "you're on" with claim forms filled from its
//! pitch (the bigger rooms first), and claiming from one takes the pitch
//! off the queue.

use crate::kit::*;

/// A logged-in organiser browser without JavaScript, in English.
async fn organiser(camp: &TestServer) -> NoJs {
    let mut b = NoJs::new();
    b.lang = Some("en");
    let got = b
        .post(camp, "/e/camp/admin/login", &[("secret", ORGANISER)])
        .await;
    assert_eq!(got.status, 303, "{}", got.body);
    b
}

async fn admin_form(b: &mut NoJs, camp: &TestServer, op: &str, fields: &[(&str, &str)]) {
    let got = b.post(camp, &format!("/e/camp/admin/{op}"), fields).await;
    assert_eq!(got.status, 303, "{op}: {}", got.body);
    let to = got.location.expect("a Location");
    assert!(to.contains("notice=ack"), "{op}: {to}");
}

/// The `<section id=…>` of a page, up to its end.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap()]
}

/// The phone's `#pitch` section, in English.
async fn phone_pitch(b: &mut NoJs, camp: &TestServer) -> String {
    let got = b.get(camp, "/e/camp").await;
    assert_eq!(got.status, 200);
    section(&got.body, "pitch").to_owned()
}

/// The `value`s of the hidden `name` inputs, in the order of the page.
fn values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let key = format!("name=\"{name}\" value=\"");
    html.match_indices(&key)
        .map(|(at, _)| {
            let v = &html[at + key.len()..];
            &v[..v.find('"').unwrap()]
        })
        .collect()
}

#[tokio::test]
async fn a_phone_pitches_waits_leaves_then_is_on_and_claims_from_its_pitch() {
    let camp = TestServer::start().await;
    let mut org = organiser(&camp).await;
    let mut alice = NoJs::new();
    alice.lang = Some("en");
    let mut bob = NoJs::new();
    bob.lang = Some("en");

    // Closed: the section is hidden and offers no form.
    let closed = phone_pitch(&mut alice, &camp).await;
    assert!(closed.contains(" hidden"), "{closed}");
    admin_form(&mut org, &camp, "pitch_open", &[("open", "true")]).await;
    let open = phone_pitch(&mut alice, &camp).await;
    assert!(open.contains("I want to pitch"), "{open}");
    assert!(open.contains("action=\"/e/camp/pitch\""), "{open}");

    // Bob, then Alice: Alice has one pitch before hers.
    let got = bob
        .submit(&camp, "/e/camp/pitch", &[("title", "Go"), ("host", "Bob")])
        .await;
    assert!(section(&got.body, "pitch").contains("get ready to pitch"));
    let fields = [("title", "Rust sans JS"), ("host", "Alice")];
    let got = alice.submit(&camp, "/e/camp/pitch", &fields).await;
    let mine = section(&got.body, "pitch");
    assert!(
        got.body.contains("You are in the pitch queue"),
        "the notice names it"
    );
    assert!(mine.contains("1 pitch before yours."), "{mine}");
    assert!(mine.contains("Rust sans JS"), "{mine}");
    let a = board_json(&camp).await["pitches"]["queue"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(values(mine, "pitch"), [a.as_str()], "the leave form");

    // The admin page lists both, with its forms.
    let admin = org.get(&camp, "/e/camp/admin").await;
    let queue = section(&admin.body, "pitch-queue");
    assert!(queue.contains("« Go » (Bob)") && queue.contains("« Rust sans JS » (Alice)"));
    assert!(queue.contains("Call the next pitch") && queue.contains("Move up"));

    // Alice leaves, then pitches again; the organiser moves her first.
    let got = alice
        .submit(&camp, "/e/camp/unpitch", &[("pitch", &a)])
        .await;
    assert!(section(&got.body, "pitch").contains("I want to pitch"));
    assert_eq!(
        board_json(&camp).await["pitches"]["queue"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    alice.submit(&camp, "/e/camp/pitch", &fields).await;
    let a = board_json(&camp).await["pitches"]["queue"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    admin_form(
        &mut org,
        &camp,
        "pitch_move",
        &[("pitch", &a), ("position", "0")],
    )
    .await;
    assert!(
        phone_pitch(&mut alice, &camp)
            .await
            .contains("get ready to pitch")
    );
    assert!(
        phone_pitch(&mut bob, &camp)
            .await
            .contains("1 pitch before yours.")
    );

    // Called: she is on, offered the free cells in the grid's order, each
    // a claim form filled from her pitch.
    admin_form(&mut org, &camp, "pitch_next", &[]).await;
    let on = phone_pitch(&mut alice, &camp).await;
    assert!(on.contains("You're on!"), "{on}");
    assert!(on.contains(&format!("data-on=\"{a}\"")), "{on}");
    assert!(
        on.contains("data-op=\"pitch\" hidden"),
        "no new pitch while on: {on}"
    );
    assert_eq!(
        values(&on, "room")[..3],
        ["amphi", "ouessant", "brehat"],
        "{on}"
    );
    assert!(values(&on, "title").iter().all(|t| *t == "Rust sans JS"));
    assert!(values(&on, "host").iter().all(|t| *t == "Alice"));
    // Bob is next, and not on.
    let bobs = phone_pitch(&mut bob, &camp).await;
    assert!(bobs.contains("get ready to pitch") && !bobs.contains("You're on!"));

    // Many hands: the biggest room in every slot comes first.
    admin_form(
        &mut org,
        &camp,
        "pitch_hands",
        &[("pitch", &a), ("big", "true")],
    )
    .await;
    assert_eq!(board_json(&camp).await["pitches"]["current"]["big"], true);
    let big = phone_pitch(&mut alice, &camp).await;
    assert!(big.contains("the bigger rooms come first"), "{big}");
    assert_eq!(values(&big, "room")[..3], ["amphi", "amphi", "amphi"]);
    assert_eq!(
        values(&big, "slot")[..3],
        ["sat-0930", "sat-1030", "sat-1130"]
    );
    let admin = org.get(&camp, "/e/camp/admin").await;
    assert!(section(&admin.body, "pitch-queue").contains("aria-pressed=\"true\""));

    // Claiming from the first form: the session is on the board, the pitch gone.
    let claim = [
        ("slot", "sat-1030"),
        ("room", "amphi"),
        ("title", "Rust sans JS"),
        ("host", "Alice"),
        ("pitch", a.as_str()),
    ];
    let got = alice.submit(&camp, "/e/camp/claim", &claim).await;
    assert!(got.body.contains("your session is on the board"));
    let board = board_json(&camp).await;
    assert!(
        board["pitches"]["current"].is_null(),
        "{}",
        board["pitches"]
    );
    assert_eq!(board["sessions"][0]["title"], "Rust sans JS");
    let after = section(&got.body, "pitch");
    assert!(!after.contains("You're on!") && after.contains("I want to pitch"));
}

#[tokio::test]
async fn a_show_of_hands_is_refused_to_participants_and_for_a_waiting_pitch() {
    let camp = TestServer::start().await;
    let mut org = organiser(&camp).await;
    let mut alice = NoJs::new();
    admin_form(&mut org, &camp, "pitch_open", &[("open", "true")]).await;
    alice
        .submit(
            &camp,
            "/e/camp/pitch",
            &[("title", "Rust"), ("host", "Alice")],
        )
        .await;
    let a = board_json(&camp).await["pitches"]["queue"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hands = [("pitch", a.as_str()), ("big", "true")];
    let got = org.post(&camp, "/e/camp/admin/pitch_hands", &hands).await;
    assert!(got.location.unwrap().contains("notice=not_found"));
    admin_form(&mut org, &camp, "pitch_next", &[]).await;
    let refused = alice.post(&camp, "/e/camp/admin/pitch_hands", &hands).await;
    assert_ne!(refused.status, 200);
    assert!(
        board_json(&camp).await["pitches"]["current"]
            .get("big")
            .is_none()
    );

    // A pitch's text is text on every page: markup in it is escaped.
    let mut bob = NoJs::new();
    let markup = [("title", "<b>x</b>"), ("host", "<i>Bob</i>")];
    let got = bob.submit(&camp, "/e/camp/pitch", &markup).await;
    let phone = section(&got.body, "pitch");
    assert!(phone.contains("&lt;b&gt;x&lt;/b&gt;") && !phone.contains("<b>x</b>"));
    let admin = org.get(&camp, "/e/camp/admin").await;
    let queue = section(&admin.body, "pitch-queue");
    assert!(queue.contains("&lt;i&gt;Bob&lt;/i&gt;") && !queue.contains("<i>Bob</i>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_show_of_hands_is_journaled_and_replayed_after_sigkill() {
    let site = Site::new("", "");
    let server = site.start(&[], None).await;
    let mut org = Client::join(&server.ws_url(), Cmd::hello_organiser()).await;
    let mut alice = Client::join(&server.ws_url(), Cmd::hello()).await;
    org.command(serde_json::json!({"op":"pitch_open","open":true}))
        .await
        .expect_ack();
    let rev = alice
        .command(serde_json::json!({"op":"pitch","title":"Rust","host":"Alice"}))
        .await
        .expect_ack();
    let id = format!("q_{rev}");
    org.command(serde_json::json!({"op":"pitch_next"}))
        .await
        .expect_ack();
    let mut wall = Client::join(&server.ws_url(), Cmd::hello_viewer()).await;
    let rev = org
        .command(serde_json::json!({"op":"pitch_hands","pitch":id,"big":true}))
        .await
        .expect_ack();
    let e = wall.expect_event_rev(rev).await;
    assert_eq!(
        e["change"],
        serde_json::json!({"kind":"pitch_hands","pitch":id,"big":true})
    );
    server.kill();
    let server = site.start(&[], None).await;
    let after = Client::join(&server.ws_url(), Cmd::hello_viewer())
        .await
        .welcome;
    assert_eq!(after["rev"], rev);
    assert_eq!(after["pitches"]["current"]["id"], id.as_str());
    assert_eq!(after["pitches"]["current"]["big"], true);
    server.kill();
}
