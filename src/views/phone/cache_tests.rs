//! The phone page built from the shared grid (rendered once per revision,
//! language and clock) is the page of each person: the same bytes as a
//! fresh render for them, whoever asked first.

use jiff::Timestamp;

use super::*;
use crate::board::{Actor, Command, Role, SessionId};
use crate::board::{Description, Host, Tags, Title};
use crate::config::{Config, Overrides};

const CONFIG: &str = r#"
[server]
public_url = "http://x.test"
[[events]]
slug = "camp"
title = "Camp"
timezone = "Europe/Paris"
languages = ["en", "fr"]
organiser_token_hash = "sha256:6dc943766c1c854e0621c272083187f7:42a2aa3221640da8a41625d7449bee969e545d02fc438d7ca2c13fabbd9a12c8"
[[events.rooms]]
id = "big"
name = "Big"
capacity = 100
[[events.rooms]]
id = "small"
name = "Small"
capacity = 2
[[events.days]]
date = "2026-12-05"
slots = [
  { id = "a", start = "09:30", end = "10:15" },
  { id = "b", start = "10:30", end = "11:15" },
  { id = "c", start = "11:30", end = "12:15" },
]
"#;

pub(crate) fn event() -> EventConfig {
    Config::from_toml_str(CONFIG, "t.toml", &Overrides::default())
        .unwrap()
        .events
        .remove(0)
}

fn who(id: &str) -> Actor {
    Actor {
        id: ParticipantId::from(id),
        role: Role::Participant,
    }
}

fn claim(slot: &str, room: &str, title: &str) -> Command {
    let limits = Limits::default();
    Command::Claim {
        cell: Cell {
            slot: slot.into(),
            room: room.into(),
        },
        title: Title::parse(title, &limits).unwrap(),
        host: Host::parse("Ann <&> \"Bo\"", &limits).unwrap(),
        description: Description::parse("", &limits).unwrap(),
        tags: Tags::parse::<&str>(&[], &limits).unwrap(),
    }
}

/// A board with Alice's session (voted by Bob), Bob's (voted by Alice and
/// Bob), a lock, and free cells.
pub(crate) fn board(e: &EventConfig) -> Board {
    let mut b = Board::new(e.grid());
    let (alice, bob) = (who("p_alice"), who("p_bob"));
    b.execute(&alice, &claim("a", "big", "Rust <b>?</b>"))
        .unwrap();
    b.execute(&bob, &claim("b", "small", "Zines & co")).unwrap();
    let ids: Vec<SessionId> = b.sessions().map(|s| s.id.clone()).collect();
    for id in &ids {
        b.execute(
            &bob,
            &Command::Vote {
                session: id.clone(),
                on: true,
            },
        )
        .unwrap();
    }
    b.execute(
        &alice,
        &Command::Vote {
            session: ids[1].clone(),
            on: true,
        },
    )
    .unwrap();
    b
}

/// The view of `me`'s page, in `lang`, at 09:45 Paris, with the claim form
/// open in `claim` when given.
pub(crate) fn view<'a>(
    e: &'a EventConfig,
    b: &'a Board,
    me: &'a ParticipantId,
    lang: Lang,
    claim: Option<Cell>,
    bits: &'a (Limits, crate::views::FormReqs),
) -> View<'a> {
    View {
        lang,
        event: e,
        board: b,
        me,
        device_url: "http://x.test/e/camp/me?l=p_0.1.2.3".into(),
        limits: &bits.0,
        now: now(),
        notice: None,
        claim: claim.map(|cell| ClaimForm {
            cell,
            title: String::new(),
            host: String::new(),
        }),
        host: Some("Ann <i>".into()),
        reqs: &bits.1,
    }
}

pub(crate) fn now() -> Timestamp {
    "2026-12-05T08:45:00Z".parse().unwrap()
}

pub(crate) fn bits() -> (Limits, crate::views::FormReqs) {
    (Limits::default(), crate::views::FormReqs::new("f-t".into()))
}

/// Every `req` of a page.
fn reqs(html: &str) -> Vec<&str> {
    html.split(r#"name="req" value=""#)
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect()
}

#[test]
fn one_shared_part_gives_each_reader_their_own_page() {
    let e = event();
    let b = board(&e);
    // Built for nobody in particular (Carol, who has no session nor vote).
    let shared = Shared::build(&e, &b, Lang::En, now(), None);
    assert_eq!(*shared.key(), shared_key(&e, &b, Lang::En, now()));
    for me in ["p_carol", "p_alice", "p_bob"] {
        let me = ParticipantId::from(me);
        let (fresh, filled) = (bits(), bits());
        let alone = page(&view(&e, &b, &me, Lang::En, None, &fresh)).into_string();
        let from_shared =
            page_with(&view(&e, &b, &me, Lang::En, None, &filled), &shared).into_string();
        assert_eq!(alone, from_shared, "{me}");
        assert!(!from_shared.contains('\u{1}'), "every hole is filled");
        let all = reqs(&from_shared);
        let unique: std::collections::HashSet<_> = all.iter().collect();
        assert!(all.len() >= 2, "{all:?}");
        assert_eq!(unique.len(), all.len(), "no two forms share a req: {all:?}");
    }
}

#[test]
fn the_holes_say_what_is_the_readers() {
    let e = event();
    let b = board(&e);
    let shared = Shared::build(&e, &b, Lang::En, now(), None);
    let page_of = |me: &str| {
        let me = ParticipantId::from(me);
        let bits = bits();
        page_with(&view(&e, &b, &me, Lang::En, None, &bits), &shared).into_string()
    };
    let (alice, bob, carol) = (page_of("p_alice"), page_of("p_bob"), page_of("p_carol"));
    let badge = r#"<span class="badge">yours</span>"#;
    assert_eq!(alice.matches(badge).count(), 1, "Alice's one session");
    assert_eq!(bob.matches(badge).count(), 1, "Bob's one session");
    assert_eq!(carol.matches(badge).count(), 0);
    let pressed = r#"aria-pressed="true""#;
    assert_eq!(bob.matches(pressed).count(), 2, "Bob wants both");
    assert_eq!(alice.matches(pressed).count(), 1, "Alice wants Bob's");
    assert_eq!(carol.matches(pressed).count(), 0);
    assert_eq!(carol.matches(r#"name="on" value="true""#).count(), 2);
    assert_eq!(bob.matches(r#"name="on" value="false""#).count(), 2);
    assert!(bob.contains(r#"<span class="check" aria-hidden="true">✓ </span>"#));
    assert!(carol.contains(r#"<span class="check" aria-hidden="true">+ </span>"#));
    // The reader's own block: `me` and the host name, escaped.
    assert!(alice.contains(r#""me":"p_alice""#));
    assert!(alice.contains(r#""host":"Ann \u003ci\u003e""#), "{alice}");
}

#[test]
fn the_open_claim_form_and_french_are_pages_of_their_own() {
    let e = event();
    let b = board(&e);
    let me = ParticipantId::from("p_alice");
    let free = Cell {
        slot: "c".into(),
        room: "big".into(),
    };
    let (fresh, filled) = (bits(), bits());
    let shared = Shared::build(&e, &b, Lang::En, now(), Some(&free));
    let alone = page(&view(&e, &b, &me, Lang::En, Some(free.clone()), &fresh)).into_string();
    let from = page_with(&view(&e, &b, &me, Lang::En, Some(free), &filled), &shared);
    assert_eq!(alone, from.into_string());
    assert!(alone.contains(r#"id="claim-form""#));
    let fr = shared_key(&e, &b, Lang::Fr, now());
    assert_ne!(fr, *shared.key(), "another language, another shared part");
    let bits = bits();
    let french = page(&view(&e, &b, &me, Lang::Fr, None, &bits)).into_string();
    assert!(french.contains("la vôtre"));
}

#[test]
fn the_key_follows_the_clock() {
    let e = event();
    let b = board(&e);
    let later: Timestamp = "2026-12-05T09:45:00Z".parse().unwrap();
    assert_ne!(
        shared_key(&e, &b, Lang::En, now()),
        shared_key(&e, &b, Lang::En, later),
        "slot b starts: the tables mark another slot `now`"
    );
}

#[test]
fn only_a_reader_with_sessions_or_votes_reads_other_tables_than_nobody() {
    let e = event();
    let b = board(&e);
    let shared = Shared::build(&e, &b, Lang::En, now(), None);
    let mut blank = String::new();
    shared.fill(&Reader::nobody(), &mut blank);
    assert!(!blank.contains('\u{1}') && !blank.contains("badge"));
    for (me, differs) in [("p_carol", false), ("p_alice", true), ("p_bob", true)] {
        let me = ParticipantId::from(me);
        let bits = bits();
        let v = view(&e, &b, &me, Lang::En, None, &bits);
        let reader = Reader::of(&v);
        assert_eq!(shared.differs(&reader), differs, "{me}");
        let mut mine = String::new();
        shared.fill(&reader, &mut mine);
        assert_eq!(mine != blank, differs, "{me}");
    }
}

#[test]
fn a_vote_forms_req_names_the_revision_and_the_session() {
    let e = event();
    let b = board(&e);
    let bits = bits();
    let me = ParticipantId::from("p_carol");
    let html = page(&view(&e, &b, &me, Lang::En, None, &bits)).into_string();
    let ids: Vec<SessionId> = b.sessions().map(|s| s.id.clone()).collect();
    for id in ids {
        assert!(
            html.contains(&format!(r#"name="req" value="v{}-{id}""#, b.rev())),
            "{id}"
        );
    }
}
