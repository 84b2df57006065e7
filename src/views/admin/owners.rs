//! Who made what: each participant who holds sessions, by short public id,
//! with a form that removes everything they made in one change.
//!
//! Why a section of its own: one person (or one script behind many phones)
//! can fill a board in a second, and the organiser's answer must not be one
//! release per cell. The form posts `remove_by_owner` like any other
//! moderation form (so it works without JS), its button says exactly what it
//! does and how much, and the undo button then offers to put it all back.
//! The words are templates admin.js fills the same way when it redraws the
//! list live ([`remove_label`], [`count_label`]).

use std::collections::BTreeMap;

use maud::{Markup, html};

use crate::board::labels::short_id;
use crate::board::{Board, ParticipantId, Session};
use crate::i18n::Lang;
use crate::views::FormReqs;

/// `Remove everything {owner} made ({count})`.
pub(super) fn remove_label(lang: Lang) -> &'static str {
    lang.t(
        "Remove everything {owner} made ({count})",
        "Retirer tout ce qu'a fait {owner} ({count})",
    )
}

/// `1 session` / `{n} sessions`, the template for `n`.
pub(super) fn count_label(lang: Lang, n: usize) -> &'static str {
    if n == 1 {
        lang.t("1 session", "1 session")
    } else {
        lang.t("{n} sessions", "{n} sessions")
    }
}

/// The sessions of each owner, owners in id order.
fn by_owner(board: &Board) -> BTreeMap<&ParticipantId, Vec<&Session>> {
    let mut owners: BTreeMap<&ParticipantId, Vec<&Session>> = BTreeMap::new();
    for s in board.sessions() {
        owners.entry(&s.owner).or_default().push(s);
    }
    owners
}

/// `#owners`: one line per owner, with its removal form.
pub(super) fn section(lang: Lang, slug: &str, board: &Board, reqs: &FormReqs) -> Markup {
    let owners = by_owner(board);
    html! {
        section id="owners" aria-labelledby="owners-h" {
            h2 id="owners-h" { (lang.t("Who made what", "Qui a fait quoi")) }
            p class="muted" {
                (lang.t(
                    "Each session shows the short public id of the phone or browser that claimed it. Removing everything one person made is one change: the undo button puts it all back, votes included.",
                    "Chaque session montre l'identifiant public court du téléphone ou du navigateur qui l'a prise. Retirer tout ce qu'une personne a fait est un seul changement : le bouton Annuler remet tout, votes compris.",
                ))
            }
            p id="owners-empty" class="muted" hidden[!owners.is_empty()] {
                (lang.t("No session on the board yet.", "Aucune session au tableau pour l'instant."))
            }
            ul id="owner-list" {
                @for (owner, sessions) in &owners {
                    (owner_line(lang, slug, owner, sessions, reqs))
                }
            }
        }
    }
}

fn owner_line(
    lang: Lang,
    slug: &str,
    owner: &ParticipantId,
    sessions: &[&Session],
    reqs: &FormReqs,
) -> Markup {
    let short = short_id(owner.as_str());
    let count = count_label(lang, sessions.len()).replace("{n}", &sessions.len().to_string());
    let label = remove_label(lang)
        .replace("{owner}", short)
        .replace("{count}", &count);
    let titles: Vec<&str> = sessions.iter().map(|s| s.title.as_str()).collect();
    html! {
        li data-owner=(owner.as_str()) {
            span class="owner" title=(owner.as_str()) { (short) }
            " · " (count) ": "
            span class="owner-titles" { (titles.join(", ")) }
            " "
            form class="inline" method="post" action={ "/e/" (slug) "/admin/remove_by_owner" } data-op="remove_by_owner" {
                input type="hidden" name="req" value=(reqs.next());
                input type="hidden" name="owner" value=(owner.as_str());
                button type="submit" data-action="remove_by_owner" { (label) }
            }
        }
    }
}
