//! `#pitch-queue`: the organisers' side of the pitch queue. Open or close
//! it, call the next pitch, note a show of hands for the pitch being given,
//! reorder the waiting ones with up and down buttons, take one out.
//!
//! Its own file because it is a part of the admin page with its own forms.
//! Each is a plain form to the existing routes (`/e/{slug}/admin/pitch_open`,
//! `pitch_next`, `pitch_move`, `pitch_hands`, `unpitch`), so it works
//! without JavaScript; admin.js sends the same forms on the socket and
//! fetches this section again after each pitch change.

use maud::{Markup, html};

use crate::board::{Board, Pitch};
use crate::i18n::Lang;
use crate::views::FormReqs;

fn req(reqs: &FormReqs) -> Markup {
    html! { input type="hidden" name="req" value=(reqs.next()); }
}

pub(super) fn section(lang: Lang, slug: &str, board: &Board, reqs: &FormReqs) -> Markup {
    let q = board.pitches();
    let action = |op: &str| format!("/e/{slug}/admin/{op}");
    html! {
        section id="pitch-queue" aria-labelledby="pitch-queue-h" {
            h2 id="pitch-queue-h" { (lang.t("Pitch queue", "File des pitchs")) }
            div class="controls-row" {
                p id="pitch-open-state" {
                    @if q.open { (lang.t("The queue is open: phones can join it.", "La file est ouverte : les téléphones peuvent s'y inscrire.")) }
                    @else { (lang.t("The queue is closed.", "La file est fermée.")) }
                }
                form method="post" action=(action("pitch_open")) data-op="pitch_open" {
                    (req(reqs))
                    input type="hidden" name="open" value=(if q.open { "false" } else { "true" });
                    button type="submit" {
                        @if q.open { (lang.t("Close the queue", "Fermer la file")) }
                        @else { (lang.t("Open the queue", "Ouvrir la file")) }
                    }
                }
                form method="post" action=(action("pitch_next")) data-op="pitch_next" {
                    (req(reqs))
                    button type="submit" disabled[q.queue.is_empty() && q.current.is_none()] {
                        @if q.queue.is_empty() { (lang.t("End the current pitch", "Terminer le pitch en cours")) }
                        @else { (lang.t("Call the next pitch", "Appeler le pitch suivant")) }
                    }
                }
            }
            h3 { (lang.t("Pitching now", "En train de pitcher")) }
            @if let Some(p) = &q.current {
                div id="pitch-current" class="pitch-current" data-pitch=(p.id) {
                    p { (who(p)) }
                    form method="post" action=(action("pitch_hands")) data-op="pitch_hands" {
                        (req(reqs))
                        input type="hidden" name="pitch" value=(p.id);
                        input type="hidden" name="big" value=(if p.big { "false" } else { "true" });
                        button type="submit" aria-pressed=(if p.big { "true" } else { "false" }) {
                            (lang.t("Big show of hands", "Beaucoup de mains levées"))
                        }
                    }
                    (remove(lang, &action("unpitch"), p, reqs))
                }
            } @else {
                p id="pitch-current" class="muted" { (lang.t("Nobody.", "Personne.")) }
            }
            h3 { (lang.t("Waiting", "En attente")) " (" (q.queue.len()) ")" }
            @if q.queue.is_empty() {
                p class="muted" { (lang.t("Nobody waits.", "Personne n'attend.")) }
            }
            ol id="pitch-list" class="pitch-list" {
                @for (i, p) in q.queue.iter().enumerate() {
                    li data-pitch=(p.id) {
                        span class="who" { (who(p)) }
                        @if i > 0 { (mv(lang, &action("pitch_move"), p, i - 1, true, reqs)) }
                        @if i + 1 < q.queue.len() { (mv(lang, &action("pitch_move"), p, i + 1, false, reqs)) }
                        (remove(lang, &action("unpitch"), p, reqs))
                    }
                }
            }
        }
    }
}

fn who(p: &Pitch) -> Markup {
    html! { "« " (p.title.as_str()) " » (" (p.host.as_str()) ")" }
}

fn mv(lang: Lang, action: &str, p: &Pitch, to: usize, up: bool, reqs: &FormReqs) -> Markup {
    let (mark, label) = if up {
        ("↑", lang.t("Move up", "Monter"))
    } else {
        ("↓", lang.t("Move down", "Descendre"))
    };
    html! {
        form class="inline" method="post" action=(action) data-op="pitch_move" {
            (req(reqs))
            input type="hidden" name="pitch" value=(p.id);
            input type="hidden" name="position" value=(to);
            button type="submit" aria-label={ (label) " « " (p.title.as_str()) " »" } { (mark) " " (label) }
        }
    }
}

fn remove(lang: Lang, action: &str, p: &Pitch, reqs: &FormReqs) -> Markup {
    html! {
        form class="inline" method="post" action=(action) data-op="unpitch" {
            (req(reqs))
            input type="hidden" name="pitch" value=(p.id);
            button type="submit" aria-label={ (lang.t("Remove", "Retirer")) " « " (p.title.as_str()) " »" } {
                (lang.t("Remove", "Retirer"))
            }
        }
    }
}
