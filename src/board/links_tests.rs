//! The links of a session: what a link may be, claims and edits that carry
//! them, and the one command an ended board still takes (a links-only edit
//! by the session's owner or an organiser).

use proptest::prelude::*;

use super::*;

fn grid() -> Grid {
    super::fixtures::grid_of(&["s0"])
}

fn who(id: &str, role: Role) -> Actor {
    Actor {
        id: ParticipantId::from(id),
        role,
    }
}

fn alice() -> Actor {
    who("p_alice", Role::Participant)
}

fn orga() -> Actor {
    who("p_orga", Role::Organiser)
}

fn links(raw: &[(&str, &str)]) -> Links {
    Links::parse(raw).unwrap()
}

fn refused(raw: &[(&str, &str)]) -> String {
    Links::parse(raw).unwrap_err().0
}

fn claim() -> Command {
    let l = Limits::default();
    Command::Claim {
        cell: Cell {
            slot: SlotId::from("s0"),
            room: RoomId::from("amphi"),
        },
        title: Title::parse("Rust", &l).unwrap(),
        host: Host::parse("Maël", &l).unwrap(),
        description: Description::empty(),
        tags: Tags::default(),
    }
}

fn edit(title: Option<&str>) -> Command {
    Command::Edit {
        session: SessionId::from("s_1"),
        title: title.map(|t| Title::parse(t, &Limits::default()).unwrap()),
        host: None,
        description: None,
        tags: None,
    }
}

fn with(l: Links, command: Command) -> Command {
    Command::WithLinks {
        links: l,
        command: Box::new(command),
    }
}

/// A board where Alice claimed `s_1` with a link to her notes.
fn board() -> Board {
    let mut b = Board::new(grid());
    b.execute(
        &alice(),
        &with(links(&[("https://notes.example/rust", "Notes")]), claim()),
    )
    .unwrap();
    b
}

fn session_links(b: &Board) -> Vec<(String, String)> {
    b.session(&SessionId::from("s_1"))
        .unwrap()
        .links
        .iter()
        .map(|l| (l.url().to_owned(), l.label().to_owned()))
        .collect()
}

#[test]
fn a_link_is_an_absolute_http_or_https_url_kept_normalised() {
    let l = links(&[
        ("  https://Pad.Example/p/rust  ", "  Shared notes "),
        ("http://slides.example", ""),
    ]);
    let all: Vec<_> = l.iter().map(|l| (l.url(), l.label(), l.text())).collect();
    assert_eq!(
        all,
        [
            ("https://pad.example/p/rust", "Shared notes", "Shared notes"),
            ("http://slides.example/", "", "http://slides.example/"),
        ]
    );
    assert!(links(&[]).is_empty());
}

#[test]
fn anything_else_is_refused_naming_what_to_fix() {
    for (url, why) in [
        ("javascript:alert(1)", "scheme"),
        ("data:text/html,<b>x</b>", "scheme"),
        ("ftp://files.example/x", "scheme"),
        ("https://", "absolute"),
        ("http:///", "absolute"),
        ("notes.example/rust", "absolute"),
        ("/relative", "absolute"),
        ("", "empty"),
        ("https://notes.example/\u{7}", "control"),
        ("https://notes.example/a\nb", "control"),
        ("https://notes.\u{202E}example/", "control"),
    ] {
        let message = refused(&[(url, "")]);
        assert!(message.starts_with("link 1: "), "{url:?}: {message}");
        assert!(message.contains(why), "{url:?}: {message}");
    }
    let at = |n: usize| format!("https://x.example/{}", "a".repeat(n - 18));
    assert_eq!(at(500).chars().count(), 500);
    assert!(Links::parse(&[(at(500), "")]).is_ok());
    let long = Links::parse(&[(at(501), "")]).unwrap_err().0;
    assert!(long.contains("501 characters long"), "{long}");
    let label = refused(&[("https://x.example/", &"é".repeat(41))]);
    assert!(label.contains("label is 41 characters"), "{label}");
    assert!(Links::parse(&[("https://x.example/", "é".repeat(40).as_str())]).is_ok());
    let line = refused(&[("https://x.example/", "notes\nand slides")]);
    assert!(
        line.contains("label contains a control character"),
        "{line}"
    );
    let four = [("https://x.example/", ""); 4];
    assert!(refused(&four).contains("4 links given"));
    let second = refused(&[("https://x.example/", ""), ("mailto:a@b.example", "")]);
    assert!(second.starts_with("link 2: "), "{second}");
}

#[test]
fn a_claim_carries_its_links_and_an_edit_replaces_them() {
    let mut b = board();
    assert_eq!(
        session_links(&b),
        [("https://notes.example/rust".into(), "Notes".into())]
    );
    let two = links(&[
        ("https://slides.example/1", "Slides"),
        ("https://video.example/r", "Call"),
    ]);
    b.execute(&alice(), &with(two, edit(Some("Rust 2"))))
        .unwrap();
    assert_eq!(session_links(&b).len(), 2);
    assert_eq!(
        b.session(&SessionId::from("s_1")).unwrap().title.as_str(),
        "Rust 2"
    );
    // An edit without links keeps them; with `[]` it removes them.
    b.execute(&alice(), &edit(Some("Rust 3"))).unwrap();
    assert_eq!(session_links(&b).len(), 2);
    b.execute(&alice(), &with(Links::default(), edit(None)))
        .unwrap();
    assert!(session_links(&b).is_empty());
    // Someone else may not.
    let bob = who("p_bob", Role::Participant);
    let no = b
        .decide(
            &bob,
            &with(links(&[("https://x.example/", "")]), edit(None)),
        )
        .unwrap_err();
    assert_eq!(no.code, RejectCode::Forbidden);
    // Links go with a claim or an edit only.
    let odd = with(
        Links::default(),
        Command::Release {
            session: SessionId::from("s_1"),
        },
    );
    assert_eq!(
        b.decide(&orga(), &odd).unwrap_err().code,
        RejectCode::Invalid
    );
}

#[test]
fn after_the_end_owner_and_organisers_still_edit_the_links_and_nothing_else() {
    let mut b = board();
    b.execute(&orga(), &Command::End).unwrap();
    let slides = links(&[("https://slides.example/rust", "Slides")]);
    // The owner, then an organiser: accepted, and replayed alike.
    let mut replay = Board::new(grid());
    replay
        .apply(
            &Board::new(grid())
                .decide(
                    &alice(),
                    &with(links(&[("https://notes.example/rust", "Notes")]), claim()),
                )
                .unwrap(),
        )
        .unwrap();
    replay.apply(&Change::Ended {}).unwrap();
    for by in [alice(), orga()] {
        let change = b.execute(&by, &with(slides.clone(), edit(None))).unwrap();
        replay.apply(&change).unwrap();
    }
    assert_eq!(
        session_links(&b),
        [("https://slides.example/rust".into(), "Slides".into())]
    );
    assert_eq!(session_links(&replay), session_links(&b));
    // Anyone else, anything else: refused.
    let bob = who("p_bob", Role::Participant);
    let no = b
        .decide(&bob, &with(slides.clone(), edit(None)))
        .unwrap_err();
    assert_eq!(no.code, RejectCode::Forbidden);
    let wall = who("p_wall", Role::Viewer);
    let no = b
        .decide(&wall, &with(slides.clone(), edit(None)))
        .unwrap_err();
    assert_eq!(no.code, RejectCode::Forbidden);
    for other in [
        edit(Some("Renamed")),
        with(slides.clone(), edit(Some("Renamed"))),
        with(slides.clone(), claim()),
        Command::Release {
            session: SessionId::from("s_1"),
        },
        Command::End,
    ] {
        let no = b.decide(&orga(), &other).unwrap_err();
        assert_eq!(no.code, RejectCode::Ended, "{other:?}");
    }
    // A journal line that changes more than links after the end does not fit.
    let mut renamed = b.session(&SessionId::from("s_1")).unwrap().clone();
    renamed.title = Title::parse("Renamed", &Limits::default()).unwrap();
    assert!(b.apply(&Change::Edited { session: renamed }).is_err());
}

#[test]
fn a_session_without_links_reads_and_writes_as_before() {
    let b = Board::new(grid());
    let mut b2 = b.clone();
    let change = b2.execute(&alice(), &claim()).unwrap();
    let json = serde_json::to_string(&change).unwrap();
    assert!(!json.contains("links"), "{json}");
    let with_links = board();
    let s = with_links.session(&SessionId::from("s_1")).unwrap();
    let json = serde_json::to_value(s).unwrap();
    assert_eq!(
        json["links"],
        serde_json::json!([{"url": "https://notes.example/rust", "label": "Notes"}])
    );
    let back: Session = serde_json::from_value(json).unwrap();
    assert_eq!(&back, s);
}

proptest! {
    /// Whatever is typed, parsing never panics, and what it accepts keeps
    /// every rule: http(s), a host, at most 500 characters, no control
    /// characters, a one-line label of at most 40.
    #[test]
    fn what_is_accepted_keeps_the_rules(
        raw in proptest::collection::vec(
            (
                prop_oneof![
                    "\\PC{0,40}",
                    "(https?|javascript|data|ftp):(//)?[a-z.\u{7}\n ]{0,20}(/\\PC{0,20})?",
                    "https://[a-z]{1,8}\\.example/[a-z]{0,600}",
                ],
                "\\PC{0,45}|[a-z\n\u{1}]{0,10}",
            ),
            0..5,
        )
    ) {
        if let Ok(l) = Links::parse(&raw) {
            prop_assert!(l.len() <= MAX_LINKS);
            for link in l.iter() {
                let u = url::Url::parse(link.url()).unwrap();
                prop_assert!(matches!(u.scheme(), "http" | "https"));
                prop_assert!(u.host_str().is_some_and(|h| !h.is_empty()));
                prop_assert!(link.url().chars().count() <= MAX_URL);
                prop_assert!(!link.url().chars().any(char::is_control));
                prop_assert!(link.label().chars().count() <= MAX_LABEL);
                prop_assert!(line_problem(link.label()).is_none());
            }
        }
    }
}
