//! The part of the phone page that is the same for every reader: the board's
//! tables and the board's half of the script's block, rendered once per
//! revision, language and step of the clock ([`Shared`]), then filled per
//! page with the reader's own parts.
//!
//! Why: on a big board the tables are most of the page and most of its CPU
//! (720 cells, about 5 ms a page); at the opening a thousand phones ask for
//! the same revision within a minute. The web layer keeps a [`Shared`] per
//! snapshot (`web::phone_cache`); the view stays a function of what it is
//! handed, and a page filled from a [`Shared`] is byte for byte the page
//! rendered for that reader alone (`cache_tests`).
//!
//! How: while rendering the tables, each per-person spot writes a marker
//! that escaped text can never contain (a raw `<`, which maud always
//! escapes in text and attributes) and records a [`Hole`], in document
//! order. The markers are then cut out, leaving the text and the offset of
//! each hole; filling copies the text between holes and writes each hole's
//! value for the reader: "yours", the voted state, the open claim form.
//!
//! Most readers at the opening are newcomers, whose tables read as
//! nobody's ([`Reader::nobody`]: no session, no vote; [`Shared::differs`]
//! tells): the web layer keeps those tables compressed once per revision
//! (`web::phone_cache`).

use std::collections::{BTreeMap, HashSet};

use jiff::Timestamp;
use maud::{Render, html};

use super::grid::{self, Ctx, Hole, Holes, MARK};
use super::{View, schedule};
use crate::board::schedule::Phase;
use crate::board::{Board, Cell, SessionId};
use crate::config::EventConfig;
use crate::i18n::Lang;
use crate::views::lang_for;

/// Which [`Shared`] a page can use: the language the page is in, the phase
/// of every slot (the tables mark `now`, `next`, `over`) and the event's
/// timezone (the script's timeline; a reload may change it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SharedKey {
    pub lang: Lang,
    pub phases: Vec<Phase>,
    pub timezone: String,
}

/// The key of the page `lang` asks of `board` at `now`.
pub fn shared_key(event: &EventConfig, board: &Board, lang: Lang, now: Timestamp) -> SharedKey {
    let clock = schedule(event, board).clock(now);
    SharedKey {
        lang: lang_for(event, lang),
        phases: clock.phases().to_vec(),
        timezone: event.timezone.clone(),
    }
}

/// The tables of every day and the board's half of the script's block, for
/// one revision (the board they were built from), language and clock step.
pub struct Shared {
    key: SharedKey,
    /// The tables, markers cut out.
    text: String,
    /// Each hole and its offset in `text`, in order.
    holes: Vec<(usize, Hole)>,
    /// The board's fields of the `phone-data` block (`data::shared`).
    pub(super) data: String,
    /// The options of "my sessions"' move lists (`mine::move_options`).
    move_options: String,
    /// Which sessions share their host's slot with another.
    twins: BTreeMap<SessionId, SessionId>,
}

/// Who a page is filled for: their id, the sessions they want to go to,
/// and their page (for the open claim form); or nobody, whose page is the
/// blank one every newcomer gets.
pub struct Reader<'a> {
    v: Option<&'a View<'a>>,
    voted: HashSet<&'a SessionId>,
    badge: String,
}

impl<'a> Reader<'a> {
    /// The reader of `v`.
    pub fn of(v: &'a View<'a>) -> Reader<'a> {
        Reader {
            v: Some(v),
            voted: v.board.votes_of(v.me).collect(),
            badge: grid::badge(lang_for(v.event, v.lang)).into_string(),
        }
    }

    /// Nobody: owns no session, wants to go to none.
    pub fn nobody() -> Reader<'static> {
        Reader {
            v: None,
            voted: HashSet::new(),
            badge: String::new(),
        }
    }

    /// Whether `hole` reads differently for this reader than for nobody.
    fn differs(&self, hole: &Hole) -> bool {
        match hole {
            Hole::Badge(owner) => self.v.is_some_and(|v| v.me == owner),
            Hole::On(id) | Hole::Pressed(id) | Hole::Check(id) => self.voted.contains(id),
            Hole::Claim => self.v.is_some_and(|v| v.claim.is_some()),
        }
    }
}

impl Shared {
    /// The shared part of `board`'s page for `lang` at `now`; `open` is the
    /// cell whose claim form is open (such a page is the reader's own).
    pub fn build(
        event: &EventConfig,
        board: &Board,
        lang: Lang,
        now: Timestamp,
        open: Option<&Cell>,
    ) -> Shared {
        let key = shared_key(event, board, lang, now);
        let schedule = schedule(event, board);
        let clock = schedule.clock(now);
        let holes = Holes::default();
        let ctx = Ctx {
            board,
            slug: &event.slug,
            lang: key.lang,
            clock: &clock,
            open,
            holes: &holes,
        };
        let marked = html! {
            @for day in board.grid().days() {
                (grid::day_table(&ctx, day))
            }
        }
        .into_string();
        let found = holes.into_vec();
        let mut text = String::with_capacity(marked.len());
        let mut at = Vec::with_capacity(found.len());
        let mut pieces = marked.split(MARK);
        text.push_str(pieces.next().unwrap_or(""));
        for (piece, hole) in pieces.zip(found) {
            at.push((text.len(), hole));
            text.push_str(piece);
        }
        let data = super::data::shared(board, key.lang, &schedule);
        Shared {
            move_options: super::mine::move_options(board, key.lang),
            twins: crate::board::my_day::host_clashes(board),
            key,
            text,
            holes: at,
            data,
        }
    }

    pub fn key(&self) -> &SharedKey {
        &self.key
    }

    /// The board's fields of the script's block, as [`super::Parts`] leaves
    /// room for them (between its middle and its tail).
    pub fn data(&self) -> &str {
        &self.data
    }

    pub(super) fn move_options(&self) -> &str {
        &self.move_options
    }

    pub(super) fn twins(&self) -> &BTreeMap<SessionId, SessionId> {
        &self.twins
    }

    /// Whether the tables read differently for `r` than for nobody (they
    /// hold one of their sessions or votes, or their claim form).
    pub fn differs(&self, r: &Reader<'_>) -> bool {
        self.holes.iter().any(|(_, hole)| r.differs(hole))
    }

    /// The tables filled for `r`, written to `out`.
    pub fn fill(&self, r: &Reader<'_>, out: &mut String) {
        out.reserve(self.text.len() + 64 * self.holes.len());
        let mut from = 0;
        for (at, hole) in &self.holes {
            out.push_str(&self.text[from..*at]);
            from = *at;
            let voted = |id| r.voted.contains(id);
            match hole {
                Hole::Badge(owner) => {
                    if r.v.is_some_and(|v| v.me == owner) {
                        out.push_str(&r.badge);
                    }
                }
                Hole::On(id) => out.push_str(if voted(id) { "false" } else { "true" }),
                Hole::Pressed(id) => out.push_str(if voted(id) { "true" } else { "false" }),
                Hole::Check(id) => out.push_str(if voted(id) { "✓ " } else { "+ " }),
                Hole::Claim => {
                    if let Some((v, form)) = r.v.and_then(|v| v.claim.as_ref().map(|f| (v, f))) {
                        grid::claim_form(v, self.key.lang, form).render_to(out);
                    }
                }
            }
        }
        out.push_str(&self.text[from..]);
    }

    /// The tables for `v`'s reader, to splice into the page.
    pub(super) fn tables<'a>(&'a self, v: &'a View<'a>) -> Filled<'a> {
        Filled { shared: self, v }
    }
}

/// The tables filled for one reader, written straight into the page.
pub(super) struct Filled<'a> {
    shared: &'a Shared,
    v: &'a View<'a>,
}

impl Render for Filled<'_> {
    fn render_to(&self, out: &mut String) {
        self.shared.fill(&Reader::of(self.v), out);
    }
}

/// The tables of `v`'s page as one piece of markup, built for it alone.
pub(super) fn own(v: &View<'_>) -> Shared {
    Shared::build(
        v.event,
        v.board,
        v.lang,
        v.now,
        v.claim.as_ref().map(|c| &c.cell),
    )
}
