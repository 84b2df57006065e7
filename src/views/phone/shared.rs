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
//! value for the reader: "yours", the voted state, a fresh `req` per form
//! (so no two forms of a page share one, as before), the open claim form.

use std::collections::HashSet;

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
            key,
            text,
            holes: at,
            data,
        }
    }

    pub fn key(&self) -> &SharedKey {
        &self.key
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
        let (s, v) = (self.shared, self.v);
        let lang = s.key.lang;
        let voted: HashSet<&SessionId> = v.board.votes_of(v.me).collect();
        let badge = grid::badge(lang).into_string();
        out.reserve(s.text.len() + 64 * s.holes.len());
        let mut from = 0;
        for (at, hole) in &s.holes {
            out.push_str(&s.text[from..*at]);
            from = *at;
            match hole {
                Hole::Badge(owner) => {
                    if owner == v.me {
                        out.push_str(&badge);
                    }
                }
                Hole::On(id) => out.push_str(if voted.contains(id) { "false" } else { "true" }),
                Hole::Pressed(id) => {
                    out.push_str(if voted.contains(id) { "true" } else { "false" })
                }
                Hole::Check(id) => out.push_str(if voted.contains(id) { "✓ " } else { "+ " }),
                Hole::Req => v.reqs.next().render_to(out),
                Hole::Claim => {
                    if let Some(form) = &v.claim {
                        grid::claim_form(v, lang, form).render_to(out);
                    }
                }
            }
        }
        out.push_str(&s.text[from..]);
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
