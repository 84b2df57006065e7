//! The phone's board: one table per day (a list per slot on a narrow screen,
//! rooms x slots on a wide one), each cell free, locked or holding a session
//! with its "I want to go" button, and the claim form opened in a cell.
//!
//! Where a slot stands against the clock comes from the core's
//! [`Clock`](crate::board::schedule::Clock): the view only names it.

use jiff::civil::Date;
use maud::{Markup, html};

use super::{ClaimForm, View, claim_href, hidden_req};
use crate::board::labels::{cell_short, day_label, seats, slot_short};
use crate::board::schedule::{Clock, Phase};
use crate::board::{Cell, Session, hhmm};
use crate::i18n::Lang;

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

pub(super) fn day_table(v: &View<'_>, lang: Lang, clock: &Clock, date: Date) -> Markup {
    let grid = v.board.grid();
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
                                (cell_td(v, lang, &cell))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn cell_td(v: &View<'_>, lang: Lang, cell: &Cell) -> Markup {
    let board = v.board;
    let session = board.session_at(cell);
    let locked = board.is_locked(cell);
    let state = match (session, locked) {
        (Some(_), _) => "taken",
        (None, true) => "locked",
        (None, false) => "free",
    };
    let room = board.grid().room(&cell.room);
    let open_form = v.claim.as_ref().filter(|c| &c.cell == cell);
    html! {
        td data-slot=(cell.slot) data-room=(cell.room) data-state=(state)
            data-session=[session.map(|s| s.id.as_str())] class=(state) {
            span class="room-name" {
                (room.map(|r| r.name.as_str()).unwrap_or(""))
                span class="cap" { (room.map(|r| seats(lang, r.capacity)).unwrap_or_default()) }
            }
            div class="content" {
                @if let Some(form) = open_form {
                    (claim_form(v, lang, form))
                } @else if let Some(s) = session {
                    (session_block(v, lang, s))
                } @else if locked {
                    span class="state-label" { (lang.t("Locked by the organisers", "Verrouillé par l'équipe")) }
                } @else if board.is_open() {
                    a class="claim" href=(claim_href(&v.event.slug, cell)) {
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

fn session_block(v: &View<'_>, lang: Lang, s: &Session) -> Markup {
    let mine = &s.owner == v.me;
    let voted = v.board.votes_of(v.me).any(|id| id == &s.id);
    html! {
        div class="session" {
            span class="session-title" { (s.title.as_str()) }
            span class="host" { (s.host.as_str()) }
            @if mine { " " span class="badge" { (lang.t("yours", "la vôtre")) } }
        }
        (vote_form(v, lang, s, voted))
    }
}

fn vote_form(v: &View<'_>, lang: Lang, s: &Session, voted: bool) -> Markup {
    html! {
        form class="vote-form" method="post" action={ "/e/" (v.event.slug) "/vote" } data-op="vote" {
            input type="hidden" name="session" value=(s.id);
            input type="hidden" name="on" value=(if voted { "false" } else { "true" });
            (hidden_req(v))
            button type="submit" class="vote" data-session=(s.id) aria-pressed=(if voted { "true" } else { "false" }) {
                span class="check" aria-hidden="true" { (if voted { "✓ " } else { "+ " }) }
                (lang.t("I want to go", "J'y vais"))
                " · " span class="count" { (s.votes) }
                span class="vh" { " : " (s.title.as_str()) }
            }
        }
    }
}

fn claim_form(v: &View<'_>, lang: Lang, form: &ClaimForm) -> Markup {
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
