//! Alternatives on `taken`, through the real server: the socket's `reject`
//! carries the free cells nearest to the wanted one (PROTOCOL.md), and the
//! no-JS form path shows the very same cells, in the same order.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::common::*;

/// The `[slot, room]` pairs of a reject's `alternatives`.
fn pairs(answer: &Value) -> Vec<(String, String)> {
    answer["alternatives"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["slot"].as_str().unwrap().to_owned(),
                        c["room"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
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

    // The same slot in the other rooms (in the config's order), then the
    // same room in the next slot: four, and no more.
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

    // Taken and locked cells are skipped.
    let mut org = camp.organiser().await;
    let l = org
        .command(json!({"op":"lock","slot":"sat-1030","room":"amphi"}))
        .await;
    assert_eq!(l["type"], "ack", "{l}");
    first.claim_ok("sat-0930", "amphi", "Elm").await;
    first.claim_ok("sat-0930", "ouessant", "Zig").await;
    let a = late.claim("sat-0930", "amphi", "Too late").await;
    assert_reject(&a, "taken");
    let alts = pairs(&a);
    assert_eq!(
        alts,
        cells(&[("sat-0930", "brehat"), ("sat-1130", "amphi")]),
        "{a}"
    );
    assert_free(&camp, &alts).await;

    // A move onto a taken cell is answered the same way.
    let mine = late.claim_ok("sat-1130", "sein", "Mine").await;
    let m = late
        .command(json!({"op":"move","session":mine,"slot":"sat-0930","room":"amphi"}))
        .await;
    assert_reject(&m, "taken");
    assert_eq!(pairs(&m), alts, "{m}");

    // Other refusals carry none.
    let n = late.claim("sat-0930", "cellar", "Nowhere").await;
    assert_reject(&n, "not_found");
    assert!(n.get("alternatives").is_none(), "{n}");
}

/// A browser without JavaScript, just enough to post a claim and read the
/// page it is sent back to.
struct NoJs {
    cookies: BTreeMap<String, String>,
}

impl NoJs {
    fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: &reqwest::Response) {
        for c in r.headers().get_all(reqwest::header::SET_COOKIE) {
            let c = c.to_str().unwrap_or_default();
            let pair = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() || c.to_ascii_lowercase().contains("max-age=0") {
                    self.cookies.remove(k.trim());
                } else {
                    self.cookies
                        .insert(k.trim().to_owned(), v.trim().to_owned());
                }
            }
        }
    }

    async fn get(&mut self, camp: &TestServer, path: &str) -> String {
        let r = http_client()
            .get(camp.http(path))
            .header(reqwest::header::COOKIE, self.header())
            .send()
            .await
            .expect("GET");
        self.keep(&r);
        r.text().await.expect("a page")
    }

    /// Posts the claim form and follows its redirect to the notice.
    async fn claim(&mut self, camp: &TestServer, slot: &str, room: &str) -> String {
        let body = format!("slot={slot}&room={room}&title=Trop+tard&host=Lou&req=f-alt-1");
        let r = http_client()
            .post(camp.http("/e/camp/claim"))
            .header(reqwest::header::COOKIE, self.header())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .expect("POST");
        assert_eq!(r.status().as_u16(), 303);
        self.keep(&r);
        let to = r
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("a Location")
            .to_owned();
        self.get(camp, &to).await
    }
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
    assert_eq!(
        expected,
        cells(&[
            ("sat-1030", "brehat"),
            ("sat-1030", "sein"),
            ("sat-1130", "ouessant"),
        ])
    );

    let mut browser = NoJs {
        cookies: BTreeMap::new(),
    };
    browser.get(&camp, "/e/camp").await;
    let page = browser.claim(&camp, "sat-1030", "ouessant").await;
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
