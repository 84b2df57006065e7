//! The audit log section: the undo button with what it would undo, and the
//! changes, newest first, each saying when, who and what (the "what" comes
//! from [`super::changes`]). admin.js adds the live lines at the top.

use maud::{Markup, html};

use super::{AdminView, AuditLine};
use crate::i18n::Lang;

/// `#log`: the undo form and the list of changes.
pub(super) fn section(lang: Lang, slug: &str, view: &AdminView<'_>) -> Markup {
    html! {
    section id="log" aria-labelledby="log-h" {
        h2 id="log-h" { (lang.t("Audit log", "Journal des changements")) }
        form id="undo-form" method="post" action={ "/e/" (slug) "/admin/undo" } {
            button type="submit" id="undo" aria-describedby="undo-hint" {
                "↶ " (lang.t("Undo the last moderation action", "Annuler la dernière action de modération"))
            }
            " "
            span id="undo-hint" class="muted" {
                @match view.undo_hint {
                    Some(h) => { (lang.t("Would undo: ", "Annulerait : ")) (h) },
                    None => (lang.t("Nothing to undo.", "Rien à annuler.")),
                }
            }
        }
        p class="muted" {
            (lang.t(
                "Undo makes the opposite change, which is logged like any other. A removed session comes back in its cell with its title, host and owner; its votes start again from zero.",
                "Annuler fait le changement inverse, journalisé comme les autres. Une session retirée revient dans sa case avec son titre, son animateur et son auteur ; ses votes repartent de zéro.",
            ))
        }
        ol id="audit" tabindex="0" aria-label=(lang.t("Changes, newest first", "Changements, du plus récent au plus ancien")) {
            @for line in view.audit {
                (line_of(lang, view.me, line))
            }
        }
    }
    }
}

fn line_of(lang: Lang, me: &str, line: &AuditLine) -> Markup {
    html! {
        li data-rev=(line.rev) {
            time datetime=(line.at) { (line.time) }
            " "
            span class="who" { (line.by) @if line.by == me { " " (lang.t("(you)", "(vous)")) } }
            " "
            span class="what" { (line.what) }
            @if line.undo { " " span class="undo-tag" { (lang.t("(undo)", "(annulation)")) } }
        }
    }
}
