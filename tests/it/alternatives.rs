//! Alternatives on `taken`, through the real server: the socket's `reject`
//! carries the free cells nearest to the wanted one (PROTOCOL.md: the same
//! slot in a room of at least the capacity asked for, then the same room in
//! the next slots), and the no-JS form path shows the very same cells, in the
//! same order.

use serde_json::Value;

use crate::kit::*;

/// The `[slot, room]` pairs of a reject's `alternatives`.
fn pairs(answer: &Answer) -> Vec<(String, String)> {
    answer
        .raw()
        .get("alternatives")
        .map(pairs_of)
        .unwrap_or_default()
}

fn cells(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(s, r)| ((*s).to_owned(), (*r).to_owned()))
        .collect()
}

/// Every alternative is on the board, free and unlocked, and there are at
/// most four.
async fn assert_free(camp: &TestServer, alts: &[(String, String)]) {
    assert!(alts.len() <= 4, "at most four: {alts:?}");
    let board = get_json(camp, "/e/camp/board.json").await;
    let at = |list: &Value, slot: &str, room: &str| {
        list.as_array()
            .into_iter()
            .flatten()
            .any(|c| c["slot"] == slot && c["room"] == room)
    };
    for (slot, room) in alts {
        assert!(
            !at(&board["sessions"], slot, room),
            "{slot}/{room} is taken"
        );
        assert!(!at(&board["locks"], slot, room), "{slot}/{room} is locked");
    }
}

#[tokio::test]
async fn a_taken_cell_is_answered_with_the_nearest_free_ones() {
    let camp = TestServer::start().await;
    let mut first = camp.participant().await;
    let mut late = camp.participant().await;
    first.claim_ok("sat-0930", "sein", "Rust").await;

    // Sein seats 10: the same slot in the rooms that seat as many (in the
    // config's order), then the same room in the next slot: four, no more.
    let a = late.claim("sat-0930", "sein", "Too late").await;
    assert_reject(&a, "taken");
    let alts = pairs(&a);
    assert_eq!(
        alts,
        cells(&[
            ("sat-0930", "amphi"),
            ("sat-0930", "ouessant"),
            ("sat-0930", "brehat"),
            ("sat-1030", "sein"),
        ]),
        "{a}"
    );
    assert_free(&camp, &alts).await;

    // Taken and locked cells are skipped, and no room smaller than the one
    // asked for is offered: the amphi (100 seats) has no peer, so only the
    // amphi later on.
    let mut org = camp.organiser().await;
    org.command(Cmd::lock("sat-1030", "amphi"))
        .await
        .expect_ack();
    first.claim_ok("sat-0930", "amphi", "Elm").await;
    first.claim_ok("sat-0930", "ouessant", "Zig").await;
    let a = late.claim("sat-0930", "amphi", "Too late").await;
    assert_reject(&a, "taken");
    let alts = pairs(&a);
    assert_eq!(alts, cells(&[("sat-1130", "amphi")]), "{a}");
    assert_free(&camp, &alts).await;

    // A move onto a taken cell is answered the same way.
    let mine = late.claim_ok("sat-1130", "sein", "Mine").await;
    let m = late.command(Cmd::move_to(&mine, "sat-0930", "amphi")).await;
    assert_reject(&m, "taken");
    assert_eq!(pairs(&m), alts, "{m}");

    // Other refusals carry none.
    let n = late.claim("sat-0930", "cellar", "Nowhere").await;
    assert_reject(&n, "not_found");
    assert!(n.raw().get("alternatives").is_none(), "{n}");
}

/// The `data-slot`/`data-room` pairs inside the page's `#alternatives`.
fn offered(page: &str) -> Vec<(String, String)> {
    let at = page.find("id=\"alternatives\"").expect("#alternatives");
    let end = page[at..].find("</ul>").map_or(page.len(), |e| at + e);
    let block = &page[at..end];
    let mut out = Vec::new();
    let mut rest = block;
    while let Some(i) = rest.find("data-slot=\"") {
        rest = &rest[i + 11..];
        let slot = rest[..rest.find('"').unwrap()].to_owned();
        let j = rest.find("data-room=\"").unwrap();
        rest = &rest[j + 11..];
        let room = rest[..rest.find('"').unwrap()].to_owned();
        out.push((slot, room));
    }
    out
}

#[tokio::test]
async fn the_form_path_offers_the_same_cells_as_the_socket() {
    let camp = TestServer::start().await;
    let mut first = camp.participant().await;
    first.claim_ok("sat-1030", "ouessant", "Rust").await;
    first.claim_ok("sat-1030", "amphi", "Elm").await;

    let mut socket = camp.participant().await;
    let a = socket.claim("sat-1030", "ouessant", "Too late").await;
    assert_reject(&a, "taken");
    let expected = pairs(&a);
    // Ouessant seats 30 and the amphi is taken: the smaller rooms of the
    // slot are not offered, ouessant later on is.
    assert_eq!(expected, cells(&[("sat-1130", "ouessant")]));

    let mut browser = NoJs::new();
    browser.get(&camp, "/e/camp").await;
    let fields = [
        ("slot", "sat-1030"),
        ("room", "ouessant"),
        ("title", "Trop tard"),
        ("host", "Lou"),
        ("req", "f-alt-1"),
    ];
    let page = browser.submit(&camp, "/e/camp/claim", &fields).await.body;
    assert!(
        page.contains("data-code=\"taken\""),
        "the notice says taken"
    );
    assert_eq!(
        offered(&page),
        expected,
        "the same cells, in the same order"
    );
    assert_free(&camp, &expected).await;
}

#[tokio::test]
async fn hints_name_the_bigger_room_and_the_free_cells() {
    let camp = TestServer::start().await;
    let mut host = camp.participant().await;
    let s = host.claim_ok("sat-0930", "sein", "Rust").await;
    let mut org = camp.organiser().await;
    org.command(Cmd::lock("sat-1030", "amphi"))
        .await
        .expect_ack();
    // Eleven want to go to a room of ten seats.
    for _ in 0..11 {
        let mut voter = camp.participant().await;
        voter.command(Cmd::vote(&s, true)).await.expect_ack();
    }
    let h = get_json(&camp, "/e/camp/hints").await;
    // The smallest free room of the slot that seats them all: Bréhat (20).
    assert_eq!(h["bigger"][s.as_str()]["id"], "brehat", "{h}");
    assert_eq!(h["bigger"].as_object().unwrap().len(), 1, "{h}");
    let free = pairs_of(&h["free"]);
    assert_eq!(
        free.len(),
        3 * 4 - 2,
        "every cell but the taken and the locked one"
    );
    assert!(!free.contains(&("sat-0930".to_owned(), "sein".to_owned())));
    assert!(!free.contains(&("sat-1030".to_owned(), "amphi".to_owned())));
    assert_eq!(
        free[0],
        ("sat-0930".to_owned(), "amphi".to_owned()),
        "grid order"
    );
}

/// The `[slot, room]` pairs of a list of cells.
fn pairs_of(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .expect("a list of cells")
        .iter()
        .map(|c| {
            (
                c["slot"].as_str().unwrap().to_owned(),
                c["room"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
