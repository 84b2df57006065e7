//! `#pitch`: the pitch queue on the phone. While the queue is open, "I want
//! to pitch" (a title, a host) joins it; a waiting phone sees its place
//! ("3 before you", "you're next") and may leave; when its pitch is called
//! it says "you're on" (the join form hidden until it claims or gives up)
//! and offers the free cells that suit it, each a claim form filled with
//! the pitch's title and host and its `pitch` id.
//!
//! Its own file because it is a part of the page with its own forms and
//! words. The place is the core's rule ([`crate::board::Pitches::place_of`])
//! and the cells the core's answer ([`crate::board::pitch_cells`]: free,
//! not over, the bigger rooms first after a big show of hands); phone.js
//! shows the same place live from the queue it holds, with the sentences
//! handed to it here (`#pitch-data`), and fetches this section again when
//! its pitch is called, for the cells.

use maud::{Markup, html};
use serde_json::{Value, json};

use super::{View, hidden_req};
use crate::board::labels::cell_short;
use crate::board::schedule::{Clock, Phase};
use crate::board::{Pitch, Place, pitch_cells};
use crate::i18n::Lang;
use crate::views::json_block;

/// "N before you" in words: `{n}` is filled by the page (and phone.js).
fn place_text(lang: Lang, before: usize) -> String {
    match before {
        0 => next_text(lang).to_owned(),
        1 => lang
            .t("1 pitch before yours.", "1 pitch avant le vôtre.")
            .to_owned(),
        n => many_text(lang).replace("{n}", &n.to_string()),
    }
}

fn next_text(lang: Lang) -> &'static str {
    lang.t(
        "You're next: get ready to pitch.",
        "C'est bientôt à vous : préparez votre pitch.",
    )
}

fn many_text(lang: Lang) -> &'static str {
    lang.t("{n} pitches before yours.", "{n} pitchs avant le vôtre.")
}

/// The sentences phone.js needs to show the place live.
fn strings(lang: Lang) -> Value {
    json!({
        "next": next_text(lang),
        "one": place_text(lang, 1),
        "many": many_text(lang),
    })
}

pub(super) fn section(v: &View<'_>, lang: Lang, clock: &Clock) -> Markup {
    let q = v.board.pitches();
    let on = match q.place_of(v.me) {
        Some((p, Place::On)) => Some(p),
        _ => None,
    };
    let waiting = q.queue.iter().find(|p| &p.owner == v.me);
    let shown = q.open || on.is_some() || waiting.is_some();
    let slug = &v.event.slug;
    html! {
        section id="pitch" class="pitch" aria-labelledby="pitch-h" hidden[!shown]
            data-on=(on.map_or("", |p| p.id.as_str())) data-big=(on.is_some_and(|p| p.big)) {
            h2 id="pitch-h" { (lang.t("Pitch your session", "Pitcher votre session")) }
            p id="pitch-closed" class="muted" hidden[q.open] {
                (lang.t("The pitch queue is closed.", "La file des pitchs est fermée."))
            }
            div id="pitch-on" class="pitch-on" hidden[on.is_none()] {
                @if let Some(p) = on { (on_block(v, lang, clock, p)) }
            }
            div id="pitch-wait" class="pitch-wait" hidden[waiting.is_none()] {
                p id="pitch-place" class="pitch-place" role="status" {
                    @if let Some(w) = waiting {
                        (place_text(lang, q.position(&w.id).unwrap_or(0)))
                    }
                }
                p {
                    (lang.t("Your pitch:", "Votre pitch :")) " « "
                    span id="pitch-title" { (waiting.map_or("", |p| p.title.as_str())) }
                    " » (" span id="pitch-host" { (waiting.map_or("", |p| p.host.as_str())) } ")"
                }
                form id="unpitch-form" method="post" action={ "/e/" (slug) "/unpitch" } data-op="unpitch" {
                    (hidden_req(v))
                    input type="hidden" name="pitch" value=(waiting.map_or("", |p| p.id.as_str()));
                    button type="submit" { (lang.t("Leave the queue", "Quitter la file")) }
                }
            }
            form id="pitch-form" method="post" action={ "/e/" (slug) "/pitch" } data-op="pitch"
                hidden[!(q.open && waiting.is_none() && on.is_none())] {
                (hidden_req(v))
                p {
                    label for="pitch-title-in" { (lang.t("Title of your session", "Titre de votre session")) }
                    input id="pitch-title-in" name="title" type="text" required maxlength=(v.limits.title);
                }
                p {
                    label for="pitch-host-in" { (lang.t("Your name", "Votre nom")) }
                    input id="pitch-host-in" name="host" type="text" required maxlength=(v.limits.host)
                        value=(v.host.as_deref().unwrap_or("")) autocomplete="name";
                }
                p { button type="submit" { (lang.t("I want to pitch", "Je veux pitcher")) } }
            }
            (json_block("pitch-data", &strings(lang)))
        }
    }
}

/// "You're on", and a claim form per free cell that suits the pitch.
fn on_block(v: &View<'_>, lang: Lang, clock: &Clock, p: &Pitch) -> Markup {
    let slug = &v.event.slug;
    let cells = pitch_cells(v.board, p.big, |s| clock.phase(s) != Phase::Past);
    html! {
        p class="pitch-on-text" role="status" {
            "▶ " (lang.t(
                "You're on! Pitch your session, then put it on the board:",
                "C'est à vous ! Pitchez votre session, puis mettez-la au tableau :",
            ))
        }
        p class="pitch-what" {
            "« " (p.title.as_str()) " » (" (p.host.as_str()) ")"
        }
        @if p.big {
            p class="pitch-big" {
                (lang.t(
                    "Many hands went up: the bigger rooms come first.",
                    "Beaucoup de mains levées : les plus grandes salles d'abord.",
                ))
            }
        }
        @if cells.is_empty() {
            p { (lang.t("No free cell left: see the board.", "Plus de case libre : voyez le tableau.")) }
        } @else {
            ul class="pitch-cells" {
                @for c in &cells {
                    li {
                        form class="pitch-claim" method="post" action={ "/e/" (slug) "/claim" } data-op="claim"
                            data-slot=(c.slot) data-room=(c.room) {
                            input type="hidden" name="slot" value=(c.slot);
                            input type="hidden" name="room" value=(c.room);
                            input type="hidden" name="title" value=(p.title.as_str());
                            input type="hidden" name="host" value=(p.host.as_str());
                            input type="hidden" name="pitch" value=(p.id);
                            (hidden_req(v))
                            button type="submit" {
                                (lang.t("Take", "Prendre")) " " (cell_short(lang, v.board.grid(), c))
                            }
                        }
                    }
                }
            }
        }
        form id="unpitch-on-form" method="post" action={ "/e/" (slug) "/unpitch" } data-op="unpitch" {
            (hidden_req(v))
            input type="hidden" name="pitch" value=(p.id);
            button type="submit" class="secondary" { (lang.t("Give up this pitch", "Renoncer à ce pitch")) }
        }
    }
}
