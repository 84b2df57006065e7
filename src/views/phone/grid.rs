//! The phone's board: one table per day (a list per slot on a narrow screen,
//! rooms x slots on a wide one), each cell free, locked or holding a session
//! with its "I want to go" button, and the claim form opened in a cell.
//!
//! Where a slot stands against the clock comes from the core's
//! [`Clock`](crate::board::schedule::Clock): the view only names it.
//!
//! The tables are the same for everyone who looks at one revision in one
//! language at one step of the clock, and they are most of the page: they
//! are rendered from a [`Ctx`] that holds no person, with a hole
//! ([`Hole`]) where a cell shows something of the reader's own ("yours", the
//! voted state, the open claim form). [`super::shared`] fills the
//! holes per page.

use jiff::civil::Date;
use std::cell::RefCell;

use maud::{Markup, PreEscaped, html};

use super::{ClaimForm, View, claim_href, hidden_req};
use crate::board::labels::{cell_short, day_label, seats, slot_short};
use crate::board::schedule::{Clock, Phase};
use crate::board::{Board, Cell, ParticipantId, Session, SessionId, hhmm};
use crate::i18n::Lang;

/// What the shared tables are rendered from: nothing of the reader.
pub(super) struct Ctx<'a> {
    pub board: &'a Board,
    pub slug: &'a str,
    pub lang: Lang,
    pub clock: &'a Clock,
    /// The cell whose claim form is open (its page is not shared).
    pub open: Option<&'a Cell>,
    /// Where the reader's parts go, in the order of the document.
    pub holes: &'a Holes,
}

/// What no escaped text contains: maud writes every `<` of a value as `&lt;`.
pub(super) const MARK: &str = "<\u{1}>";

/// A per-person spot of the shared tables.
#[derive(Debug, Clone)]
pub(super) enum Hole {
    /// " yours" after the host, when the reader owns the session.
    Badge(ParticipantId),
    /// The vote form's `on`: `false` when the reader wants to go, else `true`.
    On(SessionId),
    /// The button's `aria-pressed`.
    Pressed(SessionId),
    /// The button's mark, `✓ ` or `+ `.
    Check(SessionId),
    /// The open claim form.
    Claim,
}

/// The holes met while rendering, in document order.
#[derive(Default)]
pub(super) struct Holes(RefCell<Vec<Hole>>);

impl Holes {
    /// Records `hole` here and writes its marker.
    pub(super) fn mark(&self, hole: Hole) -> PreEscaped<&'static str> {
        self.0.borrow_mut().push(hole);
        PreEscaped(MARK)
    }

    /// The holes, in the order their markers were written.
    pub(super) fn into_vec(self) -> Vec<Hole> {
        self.0.into_inner()
    }
}

/// "Jump to now" (or to the next slot), hidden when the event is over.
pub(super) fn jump_link(v: &View<'_>, lang: Lang, clock: &Clock) -> Markup {
    let label = if clock.now().is_some() {
        lang.t("Jump to now", "Aller à maintenant").to_owned()
    } else if let Some(next) = clock.next() {
        format!(
            "{} ({})",
            lang.t("Jump to the next slot", "Aller au prochain créneau"),
            slot_short(lang, v.board.grid(), next)
        )
    } else {
        String::new()
    };
    let target = clock.target();
    html! {
        a id="jump-now" href={ "#slot-" (target.map(|s| s.as_str()).unwrap_or("")) }
            hidden[target.is_none()] { (label) }
    }
}

/// The word beside a slot's time: `now`, `next`, `over`, or nothing.
pub fn phase_label(lang: Lang, phase: Phase) -> &'static str {
    match phase {
        Phase::Past => lang.t("over", "terminé"),
        Phase::Now => lang.t("now", "en cours"),
        Phase::Next => lang.t("next", "à suivre"),
        Phase::Later => "",
    }
}

pub(super) fn day_table(c: &Ctx<'_>, date: Date) -> Markup {
    let (lang, clock) = (c.lang, c.clock);
    let grid = c.board.grid();
    let heading = day_label(lang, date);
    html! {
        section class="day" aria-labelledby={ "day-" (date) } {
            h2 id={ "day-" (date) } { (heading) }
            table class="board" {
                thead {
                    tr {
                        th scope="col" { (lang.t("Time", "Horaire")) }
                        @for room in &grid.rooms {
                            th scope="col" {
                                (room.name)
                                span class="cap" { (seats(lang, room.capacity)) }
                            }
                        }
                    }
                }
                tbody {
                    @for slot in grid.slots.iter().filter(|s| s.day == date) {
                        @let phase = clock.phase(&slot.id);
                        tr id={ "slot-" (slot.id) } class={ "slot " (phase.as_str()) } data-slot-row=(slot.id) {
                            th scope="row" {
                                span class="time" { (hhmm(slot.start)) "–" (hhmm(slot.end)) }
                                " "
                                span class="when" { (phase_label(lang, phase)) }
                            }
                            @for room in &grid.rooms {
                                @let cell = Cell { slot: slot.id.clone(), room: room.id.clone() };
                                (cell_td(c, &cell))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn cell_td(c: &Ctx<'_>, cell: &Cell) -> Markup {
    let (board, lang) = (c.board, c.lang);
    let session = board.session_at(cell);
    let locked = board.is_locked(cell);
    let state = match (session, locked) {
        (Some(_), _) => "taken",
        (None, true) => "locked",
        (None, false) => "free",
    };
    let room = board.grid().room(&cell.room);
    let open_form = c.open == Some(cell);
    html! {
        td data-slot=(cell.slot) data-room=(cell.room) data-state=(state)
            data-session=[session.map(|s| s.id.as_str())] class=(state) {
            span class="room-name" {
                (room.map(|r| r.name.as_str()).unwrap_or(""))
                span class="cap" { (room.map(|r| seats(lang, r.capacity)).unwrap_or_default()) }
            }
            div class="content" {
                @if open_form {
                    (c.holes.mark(Hole::Claim))
                } @else if let Some(s) = session {
                    (session_block(c, s))
                } @else if locked {
                    span class="state-label" { (lang.t("Locked by the organisers", "Verrouillé par l'équipe")) }
                } @else if board.is_open() {
                    a class="claim" href=(claim_href(c.slug, cell)) {
                        span class="state-label" { (lang.t("Free", "Libre")) }
                        " · " (lang.t("propose a session", "proposer une session"))
                        span class="vh" { " : " (cell_short(lang, board.grid(), cell)) }
                    }
                } @else {
                    span class="state-label" { (lang.t("Free", "Libre")) }
                }
            }
        }
    }
}

/// A session's cell: its title, host and "yours" (when it is the reader's),
/// and its "I want to go" form.
fn session_block(c: &Ctx<'_>, s: &Session) -> Markup {
    html! {
        div class="session" {
            span class="session-title" { (s.title.as_str()) }
            span class="host" { (s.host.as_str()) }
            (c.holes.mark(Hole::Badge(s.owner.clone())))
        }
        (crate::views::links::list(c.lang, s.links.iter()))
        (vote_form(c, s))
    }
}

/// `yours` after a session's host, on the reader's own sessions.
pub(super) fn badge(lang: Lang) -> Markup {
    html! { " " span class="badge" { (lang.t("yours", "la vôtre")) } }
}

/// The `req` of a session's vote form in the tables: the revision and the
/// session. The hub keeps the first answer per (participant, `req`), so a
/// form sent twice is answered once; the same for every reader, since it is
/// one reader's `on` and revision that make the form (a vote is a change,
/// so a reader's next page has the next revision). Scripts send their own.
fn vote_req(board: &Board, s: &Session) -> String {
    format!("v{}-{}", board.rev(), s.id)
}

/// The vote form; whether the reader wants to go (the `on` it sends, the
/// button's state and mark) are holes.
fn vote_form(c: &Ctx<'_>, s: &Session) -> Markup {
    let (lang, holes) = (c.lang, c.holes);
    html! {
        form class="vote-form" method="post" action={ "/e/" (c.slug) "/vote" } data-op="vote" {
            input type="hidden" name="session" value=(s.id);
            input type="hidden" name="on" value=(holes.mark(Hole::On(s.id.clone())));
            input type="hidden" name="req" value=(vote_req(c.board, s));
            button type="submit" class="vote" data-session=(s.id) aria-pressed=(holes.mark(Hole::Pressed(s.id.clone()))) {
                span class="check" aria-hidden="true" { (holes.mark(Hole::Check(s.id.clone()))) }
                (lang.t("I want to go", "J'y vais"))
                " · " span class="count" { (s.votes) }
                span class="vh" { " : " (s.title.as_str()) }
            }
        }
    }
}

/// The claim form opened in a cell, the reader's own (filled per page).
pub(super) fn claim_form(v: &View<'_>, lang: Lang, form: &ClaimForm) -> Markup {
    let slug = &v.event.slug;
    let host = if form.host.is_empty() {
        v.host.clone().unwrap_or_default()
    } else {
        form.host.clone()
    };
    html! {
        form id="claim-form" class="claim-form" method="post" action={ "/e/" (slug) "/claim" } data-op="claim" {
            p class="form-title" { (lang.t("Propose a session", "Proposer une session")) ": " (cell_short(lang, v.board.grid(), &form.cell)) }
            input type="hidden" name="slot" value=(form.cell.slot);
            input type="hidden" name="room" value=(form.cell.room);
            (hidden_req(v))
            label for="claim-title" { (lang.t("Title", "Titre")) }
            input id="claim-title" name="title" type="text" required maxlength=(v.limits.title)
                value=(form.title) autocomplete="off" autofocus;
            label for="claim-host" { (lang.t("Hosted by", "Animée par")) }
            input id="claim-host" name="host" type="text" required maxlength=(v.limits.host)
                value=(host) autocomplete="nickname";
            @if let Some(twin) = crate::board::my_day::host_clash_at(v.board, &form.cell, &host).filter(|_| !host.trim().is_empty()) {
                p class="host-clash" role="note" {
                    "⚠ " (lang.t("You can still send it, but", "Vous pouvez l'envoyer, mais")) " "
                    strong { (twin.host.as_str()) } " "
                    (lang.t("already hosts a session at this time:", "anime déjà une session à cette heure :"))
                    " « " (twin.title.as_str()) " »."
                }
            }
            (crate::views::links::fields(lang, "claim", None))
            div class="actions" {
                button type="submit" class="primary" { (lang.t("Send", "Envoyer")) }
                " "
                a class="cancel" href={ "/e/" (slug) "#slot-" (form.cell.slot) } { (lang.t("Cancel", "Annuler")) }
            }
        }
    }
}
