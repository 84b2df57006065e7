//! The admin grid: the shared cell contract (`data-slot`, `data-room`,
//! `data-state`, ...) plus a one-button form per control of each cell, so
//! that every moderation works without JS; admin.js renders the same cells
//! again when the board changes.

use maud::{Markup, html};

use crate::board::labels::{cell_label, day_short, short_id};
use crate::board::{Board, Cell, Session, Slot, hhmm};
use crate::config::EventConfig;
use crate::i18n::Lang;
use crate::views::FormReqs;

/// The admin grid: the shared cell contract plus a form per control.
pub(super) fn grid(lang: Lang, event: &EventConfig, board: &Board, reqs: &FormReqs) -> Markup {
    let g = board.grid();
    html! {
        @for date in g.days() {
            @let slots: Vec<&Slot> = g.slots.iter().filter(|s| s.day == date).collect();
            @if !slots.is_empty() {
                div class="grid-scroll" role="region" tabindex="0"
                    aria-label={ (lang.t("Grid of ", "Grille du ")) (day_short(lang, date)) } {
                    table class="grid admin-grid" {
                        caption { (day_short(lang, date)) }
                        thead {
                            tr {
                                th scope="col" { (lang.t("Time", "Horaire")) }
                                @for room in &g.rooms {
                                    th scope="col" {
                                        a class="room-door" href={ "/e/" (event.slug) "/room/" (room.id.as_str()) }
                                            title=(lang.t("Door sign of this room", "Affichette de porte de cette salle")) { (room.name) }
                                        " " span class="muted" { "(" (room.capacity) ")" }
                                    }
                                }
                            }
                        }
                        tbody {
                            @for slot in &slots {
                                tr {
                                    th scope="row" {
                                        (hhmm(slot.start)) "–" (hhmm(slot.end))
                                        (shift_forms(lang, event.slug.as_str(), slot, reqs))
                                    }
                                    @for room in &g.rooms {
                                        @let cell = Cell { slot: slot.id.clone(), room: room.id.clone() };
                                        (grid_cell(lang, event, board, &cell, reqs))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn grid_cell(
    lang: Lang,
    event: &EventConfig,
    board: &Board,
    cell: &Cell,
    reqs: &FormReqs,
) -> Markup {
    let slug = event.slug.as_str();
    let locked = board.is_locked(cell);
    let session = board.session_at(cell);
    let state = match (session, locked) {
        (Some(_), _) => "taken",
        (None, true) => "locked",
        (None, false) => "free",
    };
    let where_ = cell_label(lang, board.grid(), cell);
    let slot = cell.slot.as_str();
    let room = cell.room.as_str();
    html! {
        td class=(state) data-slot=(slot) data-room=(room) data-state=(state)
            data-session=[session.map(|s| s.id.as_str())] data-locked=[locked.then_some("true")] {
            @if let Some(s) = session {
                (session_box(lang, s))
            }
            @if locked {
                span class="state-label" { (lang.t("Locked", "Verrouillée")) }
            } @else if session.is_none() {
                span class="state-label" { (lang.t("Free", "Libre")) }
            }
            div class="cell-actions" {
                @if let Some(s) = session {
                    (action_form(slug, "release", "release", &[("session", s.id.as_str())],
                        lang.t("Remove", "Retirer"),
                        &format!("{} « {} »", lang.t("Remove", "Retirer"), s.title.as_str()), reqs))
                }
                @if locked {
                    (action_form(slug, "unlock", "unlock", &[("slot", slot), ("room", room)],
                        lang.t("Unlock", "Déverrouiller"),
                        &format!("{} {}", lang.t("Unlock", "Déverrouiller"), where_), reqs))
                } @else {
                    (action_form(slug, "lock", "lock", &[("slot", slot), ("room", room)],
                        lang.t("Lock", "Verrouiller"),
                        &format!("{} {}", lang.t("Lock", "Verrouiller"), where_), reqs))
                }
            }
        }
    }
}

/// How far the "delay from this slot" buttons move it and every later slot
/// of its day (the last one: back by 5).
const SHIFTS: [i32; 4] = [5, 10, 15, -5];

/// The "delay from this slot" buttons: plain forms to
/// `/e/{event}/admin/shift_slots`, the same path as every admin form.
fn shift_forms(lang: Lang, slug: &str, slot: &Slot, reqs: &FormReqs) -> Markup {
    let from = slot.id.as_str();
    let at = hhmm(slot.start);
    html! {
        div class="shift-actions" role="group"
            aria-label={ (lang.t("Delay from ", "Retarder à partir de ")) (at) } {
            @for m in SHIFTS {
                @let minutes = m.to_string();
                @let label = if m > 0 { format!("+{m}") } else { format!("−{}", -m) };
                @let aria = if m > 0 {
                    format!("{} {at} {} {m} min", lang.t("Delay from", "Retarder à partir de"), lang.t("by", "de"))
                } else {
                    format!("{} {at} {} {} min", lang.t("Bring forward from", "Avancer à partir de"), lang.t("by", "de"), -m)
                };
                (action_form(slug, "shift_slots", "shift", &[("from", from), ("minutes", minutes.as_str())], &label, &aria, reqs))
            }
        }
    }
}

fn session_box(lang: Lang, s: &Session) -> Markup {
    html! {
        div class="session" data-session=(s.id.as_str()) {
            span class="session-title" { (s.title.as_str()) }
            " "
            span class="host" { (s.host.as_str()) }
            " "
            span class="owner" title=(s.owner.as_str()) { (short_id(s.owner.as_str())) }
            @if s.votes > 0 {
                " "
                span class="votes" { "♥ " (s.votes) " " (if s.votes == 1 { lang.t("vote", "vote") } else { lang.t("votes", "votes") }) }
            }
        }
    }
}

/// A one-button form for one command.
fn action_form(
    slug: &str,
    op: &str,
    action: &str,
    hidden: &[(&str, &str)],
    label: &str,
    aria: &str,
    reqs: &FormReqs,
) -> Markup {
    html! {
        form class="inline" method="post" action={ "/e/" (slug) "/admin/" (op) } data-op=(op) {
            input type="hidden" name="req" value=(reqs.next());
            @for (k, v) in hidden { input type="hidden" name=(k) value=(v); }
            button type="submit" data-action=(action) aria-label=(aria) { (label) }
        }
    }
}
