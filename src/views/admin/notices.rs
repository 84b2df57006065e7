//! The outcome of the organiser's last action: a typed [`Notice`], its words,
//! and the `#notice` box that shows it.
//!
//! A form comes back with `?notice=code`, and the JSON answers carry the same
//! `code`; the codes that mirror the board's refusals are its
//! [`RejectCode`]s, so a new refusal cannot be forgotten here (the match in
//! [`notice_text`] is exhaustive). The few others belong to this page: undo's
//! outcomes and the confirmation of the event's end.

use maud::{Markup, html};

use crate::board::RejectCode;
use crate::i18n::Lang;

/// What the organiser is told after an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The command was accepted.
    Ack,
    /// Undo took the last moderation action back.
    Undone,
    /// The board (or the server) refused the command.
    Rejected(RejectCode),
    /// Undo found no moderation action left to take back.
    NothingToUndo,
    /// Undo's target has no inverse any more.
    TooOld,
    /// "Close for good" without the event's name typed to confirm it.
    ConfirmEnd,
    /// A bulk removal found nothing left to remove (a double click, or
    /// someone removed it meanwhile).
    NothingToRemove,
}

impl Notice {
    /// Every notice, for the words handed to admin.js.
    pub fn all() -> impl Iterator<Item = Notice> {
        [
            Notice::Ack,
            Notice::Undone,
            Notice::NothingToUndo,
            Notice::TooOld,
            Notice::ConfirmEnd,
            Notice::NothingToRemove,
        ]
        .into_iter()
        .chain(RejectCode::ALL.into_iter().map(Notice::Rejected))
    }

    /// The code of `?notice=` and of the JSON answers.
    pub fn code(self) -> &'static str {
        match self {
            Notice::Ack => "ack",
            Notice::Undone => "undone",
            Notice::Rejected(code) => code.as_str(),
            Notice::NothingToUndo => "nothing_to_undo",
            Notice::TooOld => "too_old",
            Notice::ConfirmEnd => "confirm_end",
            Notice::NothingToRemove => "nothing_to_remove",
        }
    }

    /// The notice of a code; `None` for a code no answer gives.
    pub fn parse(code: &str) -> Option<Notice> {
        Notice::all().find(|n| n.code() == code)
    }

    /// Whether it says the action went through.
    pub fn is_ok(self) -> bool {
        matches!(self, Notice::Ack | Notice::Undone)
    }
}

/// `#notice`: the outcome of the last action (always present, for the JS),
/// with the board's reason under a refusal (`why`: what to fix).
pub(super) fn notice(lang: Lang, notice: Option<Notice>, why: Option<&str>) -> Markup {
    let why = why.filter(|_| notice.is_some_and(|n| !n.is_ok()));
    html! {
        div id="notice" role="status" tabindex="-1" data-code=[notice.map(Notice::code)] hidden[notice.is_none()]
            class=(if notice.is_some_and(Notice::is_ok) { "notice ok" } else { "notice problem" }) {
            @if let Some(n) = notice { (notice_text(lang, n)) }
            @if let Some(why) = why {
                " "
                span id="notice-why" class="why" { (lang.t("Reason: ", "Raison : ")) (why) }
            }
        }
    }
}

/// What a notice means, for people.
pub fn notice_text(lang: Lang, notice: Notice) -> &'static str {
    match notice {
        Notice::Ack => lang.t("✓ Done.", "✓ C'est fait."),
        Notice::Undone => lang.t("✓ Undone.", "✓ Annulé."),
        Notice::Rejected(RejectCode::Taken) => lang.t(
            "✗ That cell is taken by another session.",
            "✗ Cette case est prise par une autre session.",
        ),
        Notice::Rejected(RejectCode::Locked) => lang.t(
            "✗ That cell is locked: unlock it first.",
            "✗ Cette case est verrouillée : déverrouillez-la d'abord.",
        ),
        Notice::Rejected(RejectCode::Closed) => lang.t("✗ The board is closed.", "✗ Le tableau est fermé."),
        Notice::Rejected(RejectCode::Forbidden) => lang.t(
            "✗ Only organisers can do this: log in again.",
            "✗ Seuls les organisateurs peuvent faire cela : reconnectez-vous.",
        ),
        Notice::Rejected(RejectCode::NotFound) => lang.t(
            "✗ That session or cell no longer exists (someone changed it meanwhile).",
            "✗ Cette session ou cette case n'existe plus (quelqu'un l'a changée entre-temps).",
        ),
        Notice::Rejected(RejectCode::RateLimited) => lang.t(
            "✗ Too many actions at once: wait a second and retry.",
            "✗ Trop d'actions à la fois : attendez une seconde et recommencez.",
        ),
        Notice::Rejected(RejectCode::Unavailable) => lang.t(
            "✗ The server could not save this change; nothing was changed. Retry in a moment.",
            "✗ Le serveur n'a pas pu enregistrer ce changement ; rien n'a changé. Réessayez dans un instant.",
        ),
        Notice::NothingToUndo => lang.t(
            "✗ There is no moderation action left to undo.",
            "✗ Il n'y a plus d'action de modération à annuler.",
        ),
        Notice::Rejected(RejectCode::Ended) => lang.t(
            "✗ This event has ended: its board can no longer change.",
            "✗ Cet événement est terminé : son tableau ne peut plus changer.",
        ),
        Notice::NothingToRemove => lang.t(
            "✗ Nothing to remove: those sessions are no longer on the board.",
            "✗ Rien à retirer : ces sessions ne sont plus au tableau.",
        ),
        Notice::ConfirmEnd => lang.t(
            "✗ Not closed: type the event's name exactly to confirm.",
            "✗ Pas clôturé : tapez exactement le nom de l'événement pour confirmer.",
        ),
        Notice::TooOld => lang.t(
            "✗ This action is too old to undo (the server restarted since): change it by hand.",
            "✗ Cette action est trop ancienne pour être annulée (le serveur a redémarré depuis) : corrigez-la à la main.",
        ),
        // Organisers are never capped; a participant's code, kept exhaustive.
        Notice::Rejected(RejectCode::SessionLimit) => lang.t(
            "✗ This person already holds the most sessions allowed.",
            "✗ Cette personne a déjà le maximum de sessions permis.",
        ),
        Notice::Rejected(RejectCode::Invalid | RejectCode::Unsupported) => lang.t(
            "✗ This was refused: check what you entered (same cell, empty or too long text, already done).",
            "✗ C'est refusé : vérifiez ce que vous avez saisi (même case, texte vide ou trop long, déjà fait).",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_reads_back_from_its_code() {
        for n in Notice::all() {
            assert_eq!(Notice::parse(n.code()), Some(n), "{n:?}");
        }
        assert_eq!(Notice::parse("nonsense"), None);
        assert_eq!(
            Notice::parse("taken"),
            Some(Notice::Rejected(RejectCode::Taken))
        );
    }
}
