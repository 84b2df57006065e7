//! The `#admin-data` block: what admin.js starts from (the board as of the
//! page, the slot labels) and every text it shows, in the page's language,
//! the words for changes included (as the table of [`super::changes`]), so
//! the script carries no text and no rule of its own.

use std::collections::BTreeMap;

use serde::Serialize;

use super::audit::since_label;
use super::changes::Table;
use super::forms::open_state;
use super::notices::{Notice, notice_text};
use super::owners::{count_label, remove_label};
use crate::i18n::Lang;

/// The JSON block `#admin-data` for admin.js.
#[derive(Serialize)]
pub(super) struct Data<'a> {
    pub(super) slug: &'a str,
    pub(super) me: &'a str,
    pub(super) timezone: &'a str,
    pub(super) lang: &'a str,
    /// The board as of the page (shaped like `welcome`).
    pub(super) state: serde_json::Value,
    /// Slot id -> `Sat 5 Dec 09:30`.
    pub(super) slots: BTreeMap<&'a str, String>,
    /// How many characters of a public id to show (the core's
    /// `labels::SHORT_ID_CHARS`): the script shortens by this, not by a
    /// rule of its own.
    pub(super) short_id_chars: usize,
    pub(super) strings: Strings,
}

/// Every string admin.js shows, in the page's language.
#[derive(Serialize)]
pub(super) struct Strings {
    conn: BTreeMap<&'static str, &'static str>,
    notices: BTreeMap<&'static str, &'static str>,
    changes: Table,
    ui: BTreeMap<&'static str, &'static str>,
}

impl Strings {
    pub(super) fn new(lang: Lang) -> Strings {
        let conn = BTreeMap::from([
            ("connecting", lang.t("Connecting…", "Connexion…")),
            ("live", lang.t("● Live", "● En direct")),
            ("reconnecting", lang.t("↻ Reconnecting…", "↻ Reconnexion…")),
            (
                "offline",
                lang.t(
                    "✗ Offline: actions wait for the network",
                    "✗ Hors ligne : les actions attendent le réseau",
                ),
            ),
        ]);
        let notices = Notice::all()
            .map(|n| (n.code(), notice_text(lang, n)))
            .collect();
        let changes = Table::new(lang);
        let ui = BTreeMap::from([
            ("free", lang.t("Free", "Libre")),
            ("locked", lang.t("Locked", "Verrouillée")),
            ("votes", lang.t("votes", "votes")),
            ("vote", lang.t("vote", "vote")),
            ("remove", lang.t("Remove", "Retirer")),
            ("lock", lang.t("Lock", "Verrouiller")),
            ("unlock", lang.t("Unlock", "Déverrouiller")),
            ("move", lang.t("Move", "Déplacer")),
            ("swap", lang.t("Swap", "Échanger")),
            ("move_here", lang.t("Move here", "Déplacer ici")),
            ("swap_with", lang.t("Swap with this", "Échanger avec celle-ci")),
            ("cancel", lang.t("Cancel (Escape)", "Annuler (Échap)")),
            (
                "pick_move",
                lang.t(
                    "Moving {title}: choose a free cell (Move here), or press Escape to cancel.",
                    "Déplacement de {title} : choisissez une case libre (Déplacer ici), ou appuyez sur Échap pour annuler.",
                ),
            ),
            (
                "pick_swap",
                lang.t(
                    "Swapping {title}: choose the other session (Swap with this), or press Escape to cancel.",
                    "Échange de {title} : choisissez l'autre session (Échanger avec celle-ci), ou appuyez sur Échap pour annuler.",
                ),
            ),
            ("choose_session", lang.t("Choose a session", "Choisissez une session")),
            ("you", lang.t("(you)", "(vous)")),
            ("undo_tag", lang.t("(undo)", "(annulation)")),
            ("would_undo", lang.t("Would undo: ", "Annulerait : ")),
            ("nothing", lang.t("Nothing to undo.", "Rien à annuler.")),
            ("pending", lang.t("Sending…", "Envoi…")),
            ("remove_owner", remove_label(lang)),
            ("session_one", count_label(lang, 1)),
            ("session_many", count_label(lang, 2)),
            ("undo_since", since_label(lang)),
            ("open_state", open_state(lang, true)),
            ("closed_state", open_state(lang, false)),
            ("open_board", lang.t("Open the board", "Ouvrir le tableau")),
            ("close_board", lang.t("Close the board", "Fermer le tableau")),
            (
                "expired",
                lang.t(
                    "Your organiser session has ended: reload the page and log in again.",
                    "Votre session d'organisateur a expiré : rechargez la page et reconnectez-vous.",
                ),
            ),
        ]);
        Strings {
            conn,
            notices,
            changes,
            ui,
        }
    }
}
