//! The organiser's forms outside the grid: open or close the board, move
//! and swap by choosing from lists (the keyboard- and JS-free way), and the
//! confirmed "close the event for good".

use maud::{Markup, html};

use crate::board::labels::{cell_label, slot_label};
use crate::board::{Board, Session};
use crate::i18n::Lang;
use crate::views::FormReqs;

/// What the board's open state means for participants.
pub(super) fn open_state(lang: Lang, open: bool) -> &'static str {
    if open {
        lang.t(
            "● The board is open: participants can claim cells.",
            "● Le tableau est ouvert : les participants peuvent prendre des cases.",
        )
    } else {
        lang.t(
            "■ The board is closed: participants cannot claim, move or remove sessions.",
            "■ Le tableau est fermé : les participants ne peuvent ni prendre, ni déplacer, ni retirer de session.",
        )
    }
}

fn session_options(lang: Lang, board: &Board, placeholder: &str) -> Markup {
    let g = board.grid();
    let mut sessions: Vec<&Session> = board.sessions().collect();
    sessions.sort_by_key(|s| (g.slots.iter().position(|x| x.id == s.slot), s.room.clone()));
    html! {
        option value="" { (placeholder) }
        @for s in sessions {
            option value=(s.id.as_str()) {
                (s.title.as_str()) " — " (cell_label(lang, g, &s.cell()))
            }
        }
    }
}

pub(super) fn move_form(lang: Lang, slug: &str, board: &Board, reqs: &FormReqs) -> Markup {
    let g = board.grid();
    html! {
        form id="move-form" class="tool" method="post" action={ "/e/" (slug) "/admin/move" } data-op="move" {
            input type="hidden" name="req" value=(reqs.next());
            fieldset {
                legend { (lang.t("Move a session to a free cell", "Déplacer une session vers une case libre")) }
                p {
                    label for="move-session" { (lang.t("Session", "Session")) }
                    select id="move-session" name="session" required data-sessions {
                        (session_options(lang, board, lang.t("Choose a session", "Choisissez une session")))
                    }
                }
                p {
                    label for="move-slot" { (lang.t("To the slot", "Vers le créneau")) }
                    select id="move-slot" name="slot" required {
                        @for s in &g.slots { option value=(s.id.as_str()) { (slot_label(lang, s)) } }
                    }
                }
                p {
                    label for="move-room" { (lang.t("In the room", "Dans la salle")) }
                    select id="move-room" name="room" required {
                        @for r in &g.rooms { option value=(r.id.as_str()) { (r.name) } }
                    }
                }
                p { button type="submit" { (lang.t("Move", "Déplacer")) } }
            }
        }
    }
}

pub(super) fn swap_form(lang: Lang, slug: &str, board: &Board, reqs: &FormReqs) -> Markup {
    html! {
        form id="swap-form" class="tool" method="post" action={ "/e/" (slug) "/admin/swap" } data-op="swap" {
            input type="hidden" name="req" value=(reqs.next());
            fieldset {
                legend { (lang.t("Swap two sessions", "Échanger deux sessions")) }
                p {
                    label for="swap-a" { (lang.t("This session", "Cette session")) }
                    select id="swap-a" name="a" required data-sessions {
                        (session_options(lang, board, lang.t("Choose a session", "Choisissez une session")))
                    }
                }
                p {
                    label for="swap-b" { (lang.t("with this one", "avec celle-ci")) }
                    select id="swap-b" name="b" required data-sessions {
                        (session_options(lang, board, lang.t("Choose a session", "Choisissez une session")))
                    }
                }
                p { button type="submit" { (lang.t("Swap", "Échanger")) } }
            }
        }
    }
}

/// "Close the event for good", behind a confirmation: the organiser types
/// the event's name (a plain form, no JS needed; the server checks it).
pub(super) fn end_form(lang: Lang, slug: &str, ended: bool, reqs: &FormReqs) -> Markup {
    html! {
        @if !ended {
            details id="end-event" class="end-event" {
                summary { (lang.t("Close the event for good…", "Clôturer l'événement définitivement…")) }
                form id="end-form" method="post" action={ "/e/" (slug) "/admin/end" } {
                    input type="hidden" name="req" value=(reqs.next());
                    p id="end-help" {
                        (lang.t(
                            "This cannot be undone: the board becomes read-only for everyone, organisers included, and its programme is published in the archive at ",
                            "C'est irréversible : le tableau passe en lecture seule pour tout le monde, organisateurs compris, et son programme est publié dans les archives à l'adresse ",
                        ))
                        code { (crate::lifecycle::archive_url(slug)) } "."
                    }
                    p {
                        label for="end-confirm" {
                            (lang.t("To confirm, type the event's name: ", "Pour confirmer, tapez le nom de l'événement : "))
                            code { (slug) }
                        }
                        " "
                        input type="text" id="end-confirm" name="confirm" required autocomplete="off"
                            spellcheck="false" aria-describedby="end-help";
                    }
                    p { button type="submit" class="danger" { (lang.t("Close the event for good", "Clôturer l'événement définitivement")) } }
                }
            }
        }
    }
}
