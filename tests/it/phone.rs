//! The phone page through the real server: the DOM contract of its cells, and
//! every action as a plain form (no JavaScript), with the socket's rules and
//! messages.

use serde_json::Value;

use crate::kit::*;

/// The value of the first input named `name` after `from` in the page.
fn input_value(html: &str, from: &str, name: &str) -> String {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("{from} in the page"));
    let rest = &html[start..];
    let at = rest
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("input {name} after {from}"));
    let tag = &rest[at..at + rest[at..].find('>').unwrap()];
    let v = &tag[tag
        .find("value=\"")
        .unwrap_or_else(|| panic!("a value in {tag}"))
        + 7..];
    v[..v.find('"').unwrap()].to_owned()
}

/// Escapes like maud, to find a text in a page.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn board(camp: &TestServer) -> Value {
    get_json(camp, "/e/camp/board.json").await
}

fn notice_code(page: &str) -> Option<String> {
    let at = page.find("id=\"notice\"")?;
    let rest = &page[at..page[at..].find('>').map(|e| at + e).unwrap_or(page.len())];
    let d = rest.find("data-code=\"")?;
    let v = &rest[d + 11..];
    Some(v[..v.find('"')?].to_owned())
}

/// The `<td>` of a cell, up to its end.
fn cell<'a>(page: &'a str, slot: &str, room: &str) -> &'a str {
    let key = format!("data-slot=\"{slot}\" data-room=\"{room}\" data-state=");
    let at = page
        .find(&key)
        .unwrap_or_else(|| panic!("cell {slot}/{room} in the page"));
    let end = page[at..].find("</td>").unwrap();
    &page[at..at + end]
}

#[tokio::test]
async fn every_cell_follows_the_dom_contract() {
    let camp = TestServer::start().await;
    let mut phone = camp.participant().await;
    phone
        .claim_ok("sat-1030", "ouessant", "Rust & WebSockets")
        .await;

    let mut b = NoJs::new();
    let page = b.get(&camp, "/e/camp").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"conn\""));
    assert!(page.body.contains("data-status=\"connecting\""));
    assert!(page.body.contains("id=\"announcement\""));
    assert!(page.body.contains("id=\"mine\""));
    assert!(page.body.contains("id=\"notice\""));
    assert!(page.body.contains("/assets/phone.js"));
    for slot in ["sat-0930", "sat-1030", "sat-1130"] {
        for room in ["amphi", "ouessant", "brehat", "sein"] {
            let td = cell(&page.body, slot, room);
            if (slot, room) == ("sat-1030", "ouessant") {
                assert!(td.starts_with(&format!(
                    "data-slot=\"{slot}\" data-room=\"{room}\" data-state=\"taken\" data-session=\"s_1\""
                )));
                assert!(td.contains("class=\"session-title\">Rust &amp; WebSockets<"));
                assert!(td.contains("class=\"vote\" data-session=\"s_1\" aria-pressed=\"false\""));
            } else {
                assert!(td.contains("data-state=\"free\""), "{td}");
                assert!(td.contains(&format!(
                    "class=\"claim\" href=\"/e/camp/claim?slot={slot}&amp;room={room}#claim-form\""
                )));
            }
        }
    }
    // The page carries the participant's token: never cached.
    let r = http_client()
        .get(camp.http("/e/camp"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn a_claim_through_the_form_works_without_javascript() {
    let camp = TestServer::start().await;
    let mut b = NoJs::new();
    let form = b.get(&camp, "/e/camp/claim?slot=sat-0930&room=amphi").await;
    assert_eq!(form.status, 200);
    for part in [
        "<form id=\"claim-form\"",
        "method=\"post\" action=\"/e/camp/claim\"",
        "name=\"title\"",
        "name=\"host\"",
        "type=\"submit\"",
    ] {
        assert!(form.body.contains(part), "{part}");
    }
    let req = input_value(&form.body, "id=\"claim-form\"", "req");
    assert!(req.starts_with("f-"));
    let fields = [
        ("slot", "sat-0930"),
        ("room", "amphi"),
        ("title", "Un BarCamp sans JavaScript"),
        ("host", "Maël"),
        ("req", req.as_str()),
    ];
    let page = b.submit(&camp, "/e/camp/claim", &fields).await;
    assert_eq!(notice_code(&page.body).as_deref(), Some("ack"));
    let td = cell(&page.body, "sat-0930", "amphi");
    assert!(td.contains("data-state=\"taken\""));
    assert!(td.contains("Un BarCamp sans JavaScript"));
    // It is mine: in "my sessions", and the host is remembered for next time.
    let mine = &page.body[page.body.find("id=\"mine\"").unwrap()..];
    assert!(mine.contains("Un BarCamp sans JavaScript"));
    let next = b.get(&camp, "/e/camp/claim?slot=sat-1030&room=amphi").await;
    assert_eq!(input_value(&next.body, "id=\"claim-form\"", "host"), "Maël");

    // The same form sent twice (a double tap, a retry) makes one session.
    let again = b.submit(&camp, "/e/camp/claim", &fields).await;
    assert_eq!(notice_code(&again.body).as_deref(), Some("ack"));
    let state = board(&camp).await;
    assert_eq!(state["sessions"].as_array().unwrap().len(), 1, "{state}");
    assert_eq!(state["sessions"][0]["owner"], b.token_id());
}

#[tokio::test]
async fn a_taken_cell_says_who_got_it_and_offers_the_nearest_free_ones() {
    let camp = TestServer::start().await;
    let mut first = camp.participant().await;
    first
        .claim_ok("sat-0930", "brehat", "Rust & WebSockets")
        .await;
    first.claim_ok("sat-0930", "ouessant", "Elm").await;

    let mut b = NoJs::new();
    b.get(&camp, "/e/camp").await;
    let page = b
        .submit(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-0930"),
                ("room", "brehat"),
                ("title", "Trop tard"),
                ("host", "Lou"),
                ("req", "f-late"),
            ],
        )
        .await;
    assert_eq!(notice_code(&page.body).as_deref(), Some("taken"));
    let notice = &page.body[page.body.find("id=\"notice\"").unwrap()..];
    assert!(notice.contains("Rust &amp; WebSockets"), "who got it");
    assert!(
        notice.contains(&escaped(
            "this cell is taken by \"Rust & WebSockets\" (Maël)"
        )),
        "the socket's message: {notice}"
    );
    let alts = &notice[notice.find("id=\"alternatives\"").expect("alternatives")..];
    // The same slot in the free rooms at least as big as the one asked for
    // (PROTOCOL.md), then the next slots in the same room.
    for (slot, room) in [
        ("sat-0930", "amphi"),
        ("sat-1030", "brehat"),
        ("sat-1130", "brehat"),
    ] {
        assert!(
            alts.contains(&format!("data-slot=\"{slot}\" data-room=\"{room}\"")),
            "{slot}/{room} offered"
        );
    }
    assert!(!alts.contains("data-room=\"ouessant\""), "taken");
    assert!(
        !alts.contains("data-room=\"sein\""),
        "smaller than asked for"
    );
    // One tap on an alternative claims it, with the title already typed.
    let req = input_value(alts, "data-room=\"amphi\"", "req");
    let done = b
        .submit(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-0930"),
                ("room", "amphi"),
                ("title", &input_value(alts, "data-room=\"amphi\"", "title")),
                ("host", &input_value(alts, "data-room=\"amphi\"", "host")),
                ("req", &req),
            ],
        )
        .await;
    assert_eq!(notice_code(&done.body).as_deref(), Some("ack"));
    assert!(cell(&done.body, "sat-0930", "amphi").contains("Trop tard"));

    // Opening the claim form of a taken cell says so too.
    let open = b
        .get(&camp, "/e/camp/claim?slot=sat-0930&room=brehat")
        .await;
    assert_eq!(open.status, 200);
    assert_eq!(notice_code(&open.body).as_deref(), Some("taken"));
    assert!(!open.body.contains("id=\"claim-form\""));
}

#[tokio::test]
async fn bad_input_gets_the_socket_s_message_and_never_a_500() {
    let camp = TestServer::start().await;
    let mut socket = camp.participant().await;
    let mut b = NoJs::new();
    b.get(&camp, "/e/camp").await;
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        ("sat-0930", "amphi", "", "empty title"),
        ("sat-0930", "amphi", "bell\u{7}title", "control character"),
        ("sun-0900", "amphi", "Nowhere", "unknown slot"),
        ("sat-0930", "attic", "Nowhere", "unknown room"),
    ];
    for (slot, room, title, why) in cases {
        let answer = socket.command(Cmd::claim(slot, room, title, "Maël")).await;
        assert_eq!(answer["type"], "reject", "{why}");
        let page = b
            .submit(
                &camp,
                "/e/camp/claim",
                &[
                    ("slot", slot),
                    ("room", room),
                    ("title", title),
                    ("host", "Maël"),
                    ("req", &format!("f-bad-{why}")),
                ],
            )
            .await;
        assert_eq!(page.status, 200, "{why}");
        assert_eq!(
            notice_code(&page.body).as_deref(),
            answer["code"].as_str(),
            "{why}"
        );
        let message = answer["message"].as_str().unwrap();
        assert!(
            page.body.contains(&escaped(message)),
            "{why}: the page says {message:?}"
        );
    }
    // A huge title is refused like on the socket, and what travels to the
    // next page in the flash cookie stays small.
    let huge = "x".repeat(5000);
    let got = b
        .post(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-0930"),
                ("room", "amphi"),
                ("title", &huge),
                ("host", "Maël"),
            ],
        )
        .await;
    assert_eq!(got.status, 303);
    assert!(
        got.set_cookies.iter().all(|c| c.len() < 2048),
        "{:?}",
        got.set_cookies
    );
    let page = b.get(&camp, got.location.as_deref().unwrap()).await;
    assert_eq!(notice_code(&page.body).as_deref(), Some("invalid"));
    // No field at all, a body that is not a form, a claim link to nowhere.
    let empty = b.post(&camp, "/e/camp/claim", &[]).await;
    assert_eq!(empty.status, 303);
    let r = http_client()
        .post(camp.http("/e/camp/edit"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(r.status().as_u16() < 500);
    let nowhere = b.get(&camp, "/e/camp/claim?slot=nope&room=amphi").await;
    assert_eq!(nowhere.status, 404);
    assert_eq!(notice_code(&nowhere.body).as_deref(), Some("not_found"));
    let bare = b.get(&camp, "/e/camp/claim").await;
    assert_eq!(bare.status, 400);
    assert_eq!(notice_code(&bare.body).as_deref(), Some("invalid"));
    // Nothing was claimed by any of it.
    assert!(
        board(&camp).await["sessions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // A made-up notice in a link shows no message of the link's choosing.
    let forged = b
        .get(&camp, "/e/camp?notice=invalid&m=Send+your+token+to+evil")
        .await;
    assert!(!forged.body.contains("evil"));
}

#[tokio::test]
async fn only_the_owner_edits_releases_and_moves_and_anyone_votes() {
    let camp = TestServer::start().await;
    let mut owner = NoJs::new();
    let mut other = NoJs::new();
    owner.get(&camp, "/e/camp").await;
    other.get(&camp, "/e/camp").await;
    owner
        .submit(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-0930"),
                ("room", "sein"),
                ("title", "Crêpes"),
                ("host", "Maël"),
                ("req", "f-1"),
            ],
        )
        .await;
    let id = board(&camp).await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Someone else: forbidden, with the socket's message.
    for (path, fields) in [
        (
            "/e/camp/edit",
            vec![
                ("session", id.as_str()),
                ("title", "Mine now"),
                ("req", "f-2"),
            ],
        ),
        (
            "/e/camp/release",
            vec![("session", id.as_str()), ("req", "f-3")],
        ),
        (
            "/e/camp/move",
            vec![
                ("session", id.as_str()),
                ("to", "sat-1130|amphi"),
                ("req", "f-4"),
            ],
        ),
    ] {
        let page = other.submit(&camp, path, &fields).await;
        assert_eq!(
            notice_code(&page.body).as_deref(),
            Some("forbidden"),
            "{path}"
        );
        assert!(
            page.body
                .contains("only the person who claimed this session")
        );
    }
    // Anyone may say they want to go; the count shows, the button is pressed.
    let page = other
        .submit(
            &camp,
            "/e/camp/vote",
            &[("session", &id), ("on", "true"), ("req", "f-5")],
        )
        .await;
    assert_eq!(notice_code(&page.body).as_deref(), Some("ack"));
    let td = cell(&page.body, "sat-0930", "sein");
    assert!(td.contains(&format!(
        "class=\"vote\" data-session=\"{id}\" aria-pressed=\"true\""
    )));
    assert!(td.contains("<span class=\"count\">1</span>"));

    // The owner: edit, move (with the page's "slot|room" select), release.
    let page = owner
        .submit(
            &camp,
            "/e/camp/edit",
            &[
                ("session", &id),
                ("title", "Crêpes & Rust"),
                ("host", "Maël"),
                ("req", "f-6"),
            ],
        )
        .await;
    assert_eq!(notice_code(&page.body).as_deref(), Some("ack"));
    assert!(cell(&page.body, "sat-0930", "sein").contains("Crêpes &amp; Rust"));
    let page = owner
        .submit(
            &camp,
            "/e/camp/move",
            &[("session", &id), ("to", "sat-1130|amphi"), ("req", "f-7")],
        )
        .await;
    assert_eq!(notice_code(&page.body).as_deref(), Some("ack"));
    assert!(cell(&page.body, "sat-1130", "amphi").contains("data-state=\"taken\""));
    assert!(cell(&page.body, "sat-0930", "sein").contains("data-state=\"free\""));
    let page = owner
        .submit(
            &camp,
            "/e/camp/release",
            &[("session", &id), ("req", "f-8")],
        )
        .await;
    assert_eq!(notice_code(&page.body).as_deref(), Some("ack"));
    assert!(cell(&page.body, "sat-1130", "amphi").contains("data-state=\"free\""));
    assert!(
        board(&camp).await["sessions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_crowded_session_is_offered_a_bigger_free_room() {
    let camp = TestServer::start().await;
    let mut owner = NoJs::new();
    owner.get(&camp, "/e/camp").await;
    owner
        .submit(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-0930"),
                ("room", "sein"),
                ("title", "Popular"),
                ("host", "Maël"),
            ],
        )
        .await;
    // Sein holds 10: eleven people want to go.
    for _ in 0..11 {
        let mut fan = camp.participant().await;
        let a = fan.command(Cmd::vote("s_1", true)).await;
        a.expect_ack();
    }
    let page = owner.get(&camp, "/e/camp").await;
    let mine = &page.body[page.body.find("id=\"mine\"").unwrap()..];
    let suggest = &mine[mine.find("class=\"suggest\"").expect("a suggestion")..];
    // The smallest free room that holds them all: Bréhat (20).
    assert!(
        suggest.contains("name=\"room\" value=\"brehat\""),
        "{suggest}"
    );
}

#[tokio::test]
async fn a_link_carries_the_identity_to_another_device() {
    let camp = TestServer::start().await;
    let mut laptop = NoJs::new();
    let page = laptop.get(&camp, "/e/camp").await;
    let token = laptop.token();
    let link = crate::device_link::device_link(&page.body);
    assert!(
        page.body.contains(&format!("href=\"{link}\"")),
        "the device link"
    );
    assert!(!link.contains(&token), "the token is not in the link");
    assert!(
        page.body
            .contains("<a class=\"qr-link\" href=\"/e/camp/me/qr.svg?l="),
        "the QR code"
    );
    assert!(page.body.contains("Utiliser sur un autre appareil"));

    let mut phone = NoJs::new();
    let path = link.trim_start_matches("http://barcamp.test");
    let asked = phone.get(&camp, path).await;
    assert_eq!(asked.status, 200, "opening the link only asks");
    assert!(phone.cookies.is_empty(), "and changes nothing");
    let signed = crate::device_link::confirm(&mut phone, &camp, &asked.body).await;
    assert_eq!(signed.status, 303);
    assert!(
        signed
            .set_cookies
            .iter()
            .any(|c| c.starts_with(&format!("slotboard_token={token}")) && c.contains("HttpOnly"))
    );
    assert_eq!(phone.token(), token);
    let page = phone.get(&camp, signed.location.as_deref().unwrap()).await;
    assert_eq!(notice_code(&page.body).as_deref(), Some("device"));
    phone
        .submit(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-1130"),
                ("room", "brehat"),
                ("title", "From the phone"),
                ("host", "Maël"),
            ],
        )
        .await;
    let state = board(&camp).await;
    assert_eq!(
        state["sessions"][0]["owner"].as_str(),
        Some(slotboard::auth::public_id(&token).as_str())
    );
    // The laptop sees it in its own sessions.
    let page = laptop.get(&camp, "/e/camp").await;
    let mine = &page.body[page.body.find("id=\"mine\"").unwrap()..];
    assert!(mine.contains("From the phone"));

    // A broken link changes nothing and says so.
    let mut stranger = NoJs::new();
    let bad = stranger.get(&camp, "/e/camp/me?t=short").await;
    assert_eq!(bad.status, 400);
    assert!(stranger.cookies.is_empty());
}

#[tokio::test]
async fn titles_are_text_not_html() {
    let camp = TestServer::start().await;
    let mut p = camp.participant().await;
    let evil = "<img src=x onerror=alert(1)>";
    p.claim_ok("sat-0930", "amphi", evil).await;
    let mut b = NoJs::new();
    let page = b.get(&camp, "/e/camp").await;
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.body.contains(evil));
    // Also inside a taken notice (the holder) and "my sessions" forms.
    let page = b
        .submit(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-0930"),
                ("room", "amphi"),
                ("title", evil),
                ("host", evil),
            ],
        )
        .await;
    assert_eq!(notice_code(&page.body).as_deref(), Some("taken"));
    assert!(!page.body.contains(evil));
}

#[tokio::test]
async fn french_by_default_english_when_asked() {
    let camp = TestServer::start().await;
    let mut b = NoJs::new();
    let fr = b.get(&camp, "/e/camp").await;
    assert!(fr.body.contains("<html lang=\"fr\""));
    assert!(fr.body.contains("Libre"));
    assert!(fr.body.contains("Mes sessions"));

    let mut en = NoJs::new();
    en.lang = Some("en-GB,en;q=0.9");
    let page = en.get(&camp, "/e/camp").await;
    assert!(page.body.contains("<html lang=\"en\""));
    assert!(page.body.contains("Free"));
    assert!(page.body.contains("My sessions"));
    assert!(page.body.contains("Use on another device"));

    let mut switch = NoJs::new();
    let page = switch.get(&camp, "/e/camp?lang=en").await;
    assert!(page.body.contains("<html lang=\"en\""));
    // The switch is remembered.
    let page = switch.get(&camp, "/e/camp").await;
    assert!(page.body.contains("<html lang=\"en\""));
    // The notice of a form too.
    let page = switch
        .submit(
            &camp,
            "/e/camp/claim",
            &[
                ("slot", "sat-0930"),
                ("room", "amphi"),
                ("title", ""),
                ("host", "x"),
            ],
        )
        .await;
    assert!(page.body.contains("This was not accepted"));
}
