//! The audit log section: the undo button with what it would undo, and the
//! changes, newest first, each saying when, who and what (the "what" comes
//! from [`super::changes`]). admin.js adds the live lines at the top. Each
//! claim's line has a form that removes every claim since it, in one change.

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
                "Undo makes the opposite change, which is logged like any other. A removed session comes back in its cell with its title, host and owner; its votes start again from zero. Sessions removed together (everything one person made, or every claim since a line of this log) come back together, votes included.",
                "Annuler fait le changement inverse, journalisé comme les autres. Une session retirée revient dans sa case avec son titre, son animateur et son auteur ; ses votes repartent de zéro. Des sessions retirées ensemble (tout ce qu'une personne a fait, ou toutes les prises depuis une ligne de ce journal) reviennent ensemble, votes compris.",
            ))
        }
        ol id="audit" tabindex="0" aria-label=(lang.t("Changes, newest first", "Changements, du plus récent au plus ancien")) {
            @for line in view.audit {
                (line_of(lang, slug, view, line))
            }
        }
    }
    }
}

/// `Undo every claim since this one`, the button of a claim's line.
pub(super) fn since_label(lang: Lang) -> &'static str {
    lang.t(
        "Undo every claim since this one",
        "Annuler toutes les prises depuis celle-ci",
    )
}

fn line_of(lang: Lang, slug: &str, view: &AdminView<'_>, line: &AuditLine) -> Markup {
    let me = view.me;
    html! {
        li data-rev=(line.rev) {
            time datetime=(line.at) { (line.time) }
            " "
            span class="who" { (line.by) @if line.by == me { " " (lang.t("(you)", "(vous)")) } }
            " "
            span class="what" { (line.what) }
            @if line.undo { " " span class="undo-tag" { (lang.t("(undo)", "(annulation)")) } }
            @if line.claim {
                " "
                form class="inline since" method="post" action={ "/e/" (slug) "/admin/remove_claims_since" } data-op="remove_claims_since" {
                    input type="hidden" name="req" value=(view.reqs.next());
                    input type="hidden" name="rev" value=(line.rev);
                    button type="submit" data-action="remove_claims_since"
                        aria-label={ (since_label(lang)) " (rev " (line.rev) ")" } { (since_label(lang)) }
                }
            }
        }
    }
}
