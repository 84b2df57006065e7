//! "My day" (issue 12): the sessions I host and want to attend in time
//! order with their clashes, what moved or was cancelled since I last
//! looked, the host-name warning at claim time, and the personal calendar
//! feed (subscribe, a move shows in the next fetch, a renewed feed makes the
//! old one 404), through the real server.

use crate::kit::*;

/// A browser that claims `cell` with the form, as `host`.
async fn claim_by_form(
    camp: &TestServer,
    b: &mut NoJs,
    cell: (&str, &str),
    title: &str,
    host: &str,
    req: &str,
) {
    b.get(camp, "/e/camp").await;
    let fields = [
        ("slot", cell.0),
        ("room", cell.1),
        ("title", title),
        ("host", host),
        ("req", req),
    ];
    let page = b.submit(camp, "/e/camp/claim", &fields).await.body;
    assert!(page.contains(title), "{page}");
}

/// The session ids on the My day page, in order, with their clash marks.
fn entries(page: &str) -> Vec<(String, Option<String>)> {
    page.split("<li data-session=\"")
        .skip(1)
        .map(|rest| {
            let id = rest.split('"').next().unwrap().to_owned();
            let head = rest.split('>').next().unwrap();
            let clash = head
                .split("data-clash=\"")
                .nth(1)
                .map(|c| c.split('"').next().unwrap().to_owned());
            (id, clash)
        })
        .collect()
}

#[tokio::test]
async fn my_day_lists_what_i_host_and_want_in_time_order_with_clashes() {
    let camp = TestServer::start().await;
    let mut me = NoJs::new();
    me.lang = Some("en");
    claim_by_form(&camp, &mut me, ("sat-1030", "amphi"), "Mine", "Me", "f-1").await;
    let mut bob = camp.participant().await;
    let early = bob.claim_ok("sat-0930", "sein", "Early").await;
    let b1 = bob.claim_ok("sat-1030", "sein", "Clash with mine").await;
    let c1 = bob.claim_ok("sat-1130", "sein", "Late one").await;
    let c2 = bob.claim_ok("sat-1130", "brehat", "Late two").await;
    let mut mine = Client::join(&camp.ws_url(), Cmd::hello().token(&me.token())).await;
    for s in [&c2, &b1, &early, &c1] {
        mine.command(Cmd::vote(s, true)).await.expect_ack();
    }
    let page = me.get(&camp, "/e/camp/my").await;
    assert_eq!(page.status, 200);
    let got = entries(&page.body);
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    let my_id = fresh_welcome(&camp).await["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "Mine")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ids,
        [
            early.as_str(),
            my_id.as_str(),
            b1.as_str(),
            c2.as_str(),
            c1.as_str()
        ],
        "rooms in the grid's order"
    );
    let clashes: Vec<Option<&str>> = got.iter().map(|(_, c)| c.as_deref()).collect();
    assert_eq!(
        clashes,
        [
            None,
            Some("host-and-wanted"),
            Some("host-and-wanted"),
            Some("two-wanted"),
            Some("two-wanted")
        ]
    );
    assert!(page.body.contains("(you host it)"), "{}", page.body);
    // The phone page links it.
    assert!(me.get(&camp, "/e/camp").await.body.contains("/e/camp/my\""));
}

#[tokio::test]
async fn what_moved_or_was_cancelled_since_i_last_looked_is_flagged_once() {
    let camp = TestServer::start().await;
    let mut me = NoJs::new();
    me.lang = Some("en");
    claim_by_form(
        &camp,
        &mut me,
        ("sat-0930", "amphi"),
        "Moved one",
        "Me",
        "f-1",
    )
    .await;
    claim_by_form(
        &camp,
        &mut me,
        ("sat-1030", "amphi"),
        "Cancelled one",
        "Me",
        "f-2",
    )
    .await;
    let first = me.get(&camp, "/e/camp/my").await;
    assert!(
        !first.body.contains("id=\"since\""),
        "nothing to flag on a first look"
    );
    let sessions = fresh_welcome(&camp).await["sessions"]
        .as_array()
        .unwrap()
        .clone();
    let id = |title: &str| {
        sessions.iter().find(|s| s["title"] == title).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let mut organiser = camp.organiser().await;
    organiser
        .command(Cmd::move_to(&id("Moved one"), "sat-1130", "sein"))
        .await
        .expect_ack();
    organiser
        .command(Cmd::release(&id("Cancelled one")))
        .await
        .expect_ack();
    let second = me.get(&camp, "/e/camp/my").await;
    let since = second.body.split("id=\"since\"").nth(1).expect("flagged");
    assert!(
        since.contains("moved from Amphi") && since.contains("to Sein"),
        "{since}"
    );
    assert!(since.contains("was cancelled"), "{since}");
    let third = me.get(&camp, "/e/camp/my").await;
    assert!(
        !third.body.contains("id=\"since\""),
        "flagged once: {}",
        third.body
    );
}

#[tokio::test]
async fn the_same_host_in_a_slot_is_a_warning_at_claim_time_not_a_refusal() {
    let camp = TestServer::start().await;
    let mut me = NoJs::new();
    me.lang = Some("en");
    let mut other = camp.participant().await;
    let theirs = other.claim_ok("sat-0930", "amphi", "Theirs").await;
    // The remembered host name is Maël (from this browser's last claim).
    claim_by_form(
        &camp,
        &mut me,
        ("sat-1030", "amphi"),
        "Earlier",
        "Maël",
        "f-1",
    )
    .await;
    let host = "Maël";
    other
        .command(Cmd::edit(&theirs).host(host))
        .await
        .expect_ack();
    let form = me.get(&camp, "/e/camp/claim?slot=sat-0930&room=sein").await;
    assert!(form.body.contains("class=\"host-clash\""), "{}", form.body);
    assert!(
        form.body.contains("already hosts a session at this time"),
        "{}",
        form.body
    );
    let none = me.get(&camp, "/e/camp/claim?slot=sat-1130&room=sein").await;
    assert!(!none.body.contains("class=\"host-clash\""));
    // Sent anyway: accepted, and both owners are warned, live in /hints.
    claim_by_form(&camp, &mut me, ("sat-0930", "sein"), "Twice", host, "f-2").await;
    let hints = get_json(&camp, "/e/camp/hints").await;
    assert_eq!(hints["host_clash"][&theirs]["title"], "Twice", "{hints}");
    let page = me.get(&camp, "/e/camp").await;
    assert!(
        page.body
            .contains("The same host also holds another session at this time")
    );
}

#[tokio::test]
async fn a_calendar_feed_follows_moves_and_a_renewed_one_makes_the_old_404() {
    let camp = TestServer::start().await;
    let mut me = NoJs::new();
    me.lang = Some("en");
    claim_by_form(
        &camp,
        &mut me,
        ("sat-0930", "amphi"),
        "In my calendar",
        "Me",
        "f-1",
    )
    .await;
    let page = me.get(&camp, "/e/camp/my").await;
    assert!(!page.body.contains("webcal://"), "no feed until asked");
    let got = me
        .post(&camp, "/e/camp/my/feed", &[("req", "f-feed-1")])
        .await;
    assert_eq!(got.status, 303);
    let page = me.get(&camp, "/e/camp/my").await;
    let webcal = page
        .body
        .split("href=\"webcal://")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a subscribe link")
        .to_owned();
    assert!(page.body.contains("<svg"), "a QR code");
    let path = webcal.split_once('/').unwrap().1;
    let path = format!("/{path}");
    assert!(
        !path.contains(&me.token()) && !path.contains(&me.token_id()[2..]),
        "{path}"
    );
    let (status, ics) = http_get(&camp, &path).await;
    assert_eq!(status, 200);
    assert!(
        ics.contains("In my calendar") && ics.contains("T093000"),
        "{ics}"
    );
    let id = fresh_welcome(&camp).await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    camp.organiser()
        .await
        .command(Cmd::move_to(&id, "sat-1130", "sein"))
        .await
        .expect_ack();
    let (_, moved) = http_get(&camp, &path).await;
    assert!(
        moved.contains("T113000") && !moved.contains("T093000"),
        "{moved}"
    );

    me.post(
        &camp,
        "/e/camp/my/feed",
        &[("req", "f-feed-2"), ("renew", "1")],
    )
    .await;
    assert_eq!(http_get(&camp, &path).await.0, 404, "the old feed is gone");
    let page = me.get(&camp, "/e/camp/my").await;
    let renewed = page
        .body
        .split("href=\"webcal://")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let renewed = format!("/{}", renewed.split_once('/').unwrap().1);
    assert_ne!(renewed, path);
    assert_eq!(http_get(&camp, &renewed).await.0, 200);
    // It survives a restart (feeds.json), and bad names are 404.
    let mut camp = camp;
    camp.restart().await;
    assert_eq!(http_get(&camp, &renewed).await.0, 200);
    for bad in [
        "/e/camp/my/nope.ics",
        "/e/camp/my/0123456789abcdef0123456789abcdef.ics",
        "/e/camp/my/..%2f..%2fetc.ics",
    ] {
        assert_eq!(http_get(&camp, bad).await.0, 404, "{bad}");
    }
}

#[tokio::test]
async fn a_garbled_seen_cookie_flags_nothing_and_breaks_nothing() {
    let camp = TestServer::start().await;
    let mut me = NoJs::new();
    me.lang = Some("en");
    claim_by_form(&camp, &mut me, ("sat-0930", "amphi"), "Mine", "Me", "f-1").await;
    for garbage in [
        "",
        "|||",
        "s_1",
        "a.b.c.d|..",
        "%ff%fe",
        &"x.y.z|".repeat(500),
    ] {
        me.cookies
            .insert("slotboard_seen".into(), garbage.to_owned());
        let page = me.get(&camp, "/e/camp/my").await;
        assert_eq!(page.status, 200, "{garbage:?}");
        assert!(page.body.contains("Mine"), "{garbage:?}");
        // Sessions it names that are not on the board read as cancelled, never as a 500.
        let cancelled = page.body.matches("was cancelled").count();
        assert!(cancelled <= 60, "at most SEEN_MAX are read: {cancelled}");
        assert!(
            cancelled <= 1,
            "a session named twice is flagged once: {cancelled}"
        );
    }
}
