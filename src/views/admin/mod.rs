//! The organiser view: the login form, then the grid with its moderation
//! controls, the forms that work without JS, and the audit log.
//!
//! Every control is a plain form first (POST, then back here with
//! `?notice=code`); `assets/admin.js` takes the same forms over and sends their
//! commands on the live socket, adds drag-and-drop and the keyboard "pick a
//! target" mode, and keeps the grid and the log live.
//!
//! This file holds the two pages and the labels of days, slots and cells;
//! each part of the page is a module of its own: [`grid`], [`grid_forms`]
//! (changing rooms and slots), [`forms`],
//! [`audit`], [`owners`] (who made what, and removing it all), [`notices`], the words for changes ([`changes`]) and the data
//! handed to the script ([`script`]).

mod audit;
mod changes;
mod forms;
mod grid;
mod grid_forms;
mod logout_everywhere;
mod notices;
mod owners;
mod pitch_queue;
mod script;
mod too_many;

use maud::{Markup, html};

use super::{FormReqs, Page, json_block, lang_for, lang_switch, layout, offered};
use crate::board::labels::slot_label;
use crate::config::EventConfig;
use crate::hub::Snapshot;
use crate::i18n::Lang;

pub use changes::describe;
pub use notices::{Notice, notice_text};
pub use too_many::{too_many_attempts, too_many_attempts_text};

/// One line of the audit log, ready to show.
pub struct AuditLine {
    pub rev: u64,
    /// When, as the record says (UTC, RFC 3339).
    pub at: String,
    /// When, `HH:MM:SS` in the event's timezone.
    pub time: String,
    /// The public id of who made the change.
    pub by: String,
    pub what: String,
    /// The change undid an earlier one (made with the undo button).
    pub undo: bool,
    /// The change is a claim (of session `s_{rev}`): its line offers to
    /// remove every claim since.
    pub claim: bool,
}

/// What the logged-in page shows besides the board.
pub struct AdminView<'a> {
    /// The public id the organiser acts under on this browser.
    pub me: &'a str,
    /// `?notice=` of the last form.
    pub notice: Option<Notice>,
    /// Why the last form was refused, in the board's words (which room,
    /// which sessions, which field): shown under a refusal's notice.
    pub why: Option<&'a str>,
    /// Newest first.
    pub audit: &'a [AuditLine],
    /// What the undo button would undo, if anything.
    pub undo_hint: Option<&'a str>,
    /// The announcement's length limit.
    pub announcement_max: usize,
    /// The time the page is rendered at.
    pub now: jiff::Timestamp,
    /// The `req`s of the page's forms.
    pub reqs: &'a FormReqs,
}

/// `/e/{event}/admin` without a valid organiser cookie.
pub fn login(lang: Lang, event: &EventConfig, wrong: bool) -> Markup {
    let lang = lang_for(event, lang);
    let langs = offered(event);
    let title = format!(
        "{} · {}",
        lang.t("Organisers", "Organisateurs"),
        event.title
    );
    let page = Page {
        lang,
        title: &title,
        class: "admin admin-login",
        styles: &["admin.css"],
        scripts: &[],
        languages: &langs,
    };
    layout(
        &page,
        html! {
            header {
                h1 { (lang.t("Organisers", "Organisateurs")) " · " (event.title) }
                (lang_switch(lang, &langs))
            }
            main {
                h2 { (lang.t("Log in", "Connexion")) }
                @if wrong {
                    p id="login-error" class="error" role="alert" {
                        (lang.t("This is not the organiser secret.", "Ce n'est pas le secret des organisateurs."))
                    }
                }
                form id="login" method="post" action={ "/e/" (event.slug) "/admin/login" } {
                    p {
                        label for="secret" { (lang.t("Organiser secret", "Secret des organisateurs")) }
                        input type="password" id="secret" name="secret" required autocomplete="current-password"
                            aria-describedby=[wrong.then_some("login-error")];
                    }
                    p { button type="submit" { (lang.t("Log in", "Se connecter")) } }
                }
            }
            footer class="muted" {
                a href={ "/e/" (event.slug) } { (lang.t("Back to the board", "Retour au tableau")) }
            }
        },
    )
}

/// `/e/{event}/admin` for a logged-in organiser.
pub fn page(lang: Lang, event: &EventConfig, snap: &Snapshot, view: &AdminView<'_>) -> Markup {
    let lang = lang_for(event, lang);
    let langs = offered(event);
    let board = &snap.board;
    let slug = event.slug.as_str();
    let title = format!(
        "{} · {}",
        lang.t("Organisers", "Organisateurs"),
        event.title
    );
    let page = Page {
        lang,
        title: &title,
        class: "admin",
        styles: &["admin.css"],
        scripts: &["common.js", "live.js", "admin.js"],
        languages: &langs,
    };
    let open = board.is_open();
    let ended = crate::lifecycle::state(event, board, view.now) == crate::lifecycle::State::Ended;
    let announcement = board.announcement().unwrap_or("");
    let state: serde_json::Value =
        serde_json::from_str(&snap.json).unwrap_or(serde_json::Value::Null);
    let data = script::Data {
        slug,
        me: view.me,
        timezone: &event.timezone,
        lang: lang.code(),
        state,
        slots: board
            .grid()
            .slots
            .iter()
            .map(|s| (s.id.as_str(), slot_label(lang, s)))
            .collect(),
        short_id_chars: crate::board::labels::SHORT_ID_CHARS,
        strings: script::Strings::new(lang),
    };
    layout(
        &page,
        html! {
            header class="admin-head" {
                h1 { (lang.t("Organisers", "Organisateurs")) " · " (event.title) }
                nav aria-label=(lang.t("Pages", "Pages")) {
                    a href={ "/e/" (slug) } { (lang.t("Phone view", "Vue mobile")) }
                    " · "
                    a href={ "/e/" (slug) "/wall" } { (lang.t("Wall view", "Vue murale")) }
                }
                p id="conn" data-status="offline" role="status" {
                    (lang.t("Not live: reload the page to see changes", "Hors direct : rechargez la page pour voir les changements"))
                }
                (lang_switch(lang, &langs))
                form id="logout" method="post" action={ "/e/" (slug) "/admin/logout" } {
                    button type="submit" { (lang.t("Log out", "Se déconnecter")) }
                }
                (logout_everywhere::form(lang, slug))
            }
            main {
                (notices::notice(lang, view.notice, view.why))
                (super::phone::ended_banner(lang, slug, ended, "announcement ended"))
                p id="announcement" class="announcement" role="status" hidden[announcement.is_empty()] { (announcement) }

                section id="controls" aria-labelledby="controls-h" {
                    h2 id="controls-h" { (lang.t("Board", "Tableau")) }
                    div class="controls-row" {
                    div class="control-open" {
                    p id="open-state" { (forms::open_state(lang, open)) }
                    form id="open-form" method="post" action={ "/e/" (slug) "/admin/open" } data-op="set_open" {
                        input type="hidden" name="req" value=(view.reqs.next());
                        input type="hidden" name="open" value=(if open { "false" } else { "true" });
                        button type="submit" {
                            @if open { (lang.t("Close the board", "Fermer le tableau")) }
                            @else { (lang.t("Open the board", "Ouvrir le tableau")) }
                        }
                    }
                    }
                    form id="announce-form" method="post" action={ "/e/" (slug) "/admin/announce" } data-op="announce" {
                        input type="hidden" name="req" value=(view.reqs.next());
                        p {
                            label for="announce-text" { (lang.t("Announcement on the wall", "Annonce sur le mur")) }
                            input type="text" id="announce-text" name="text" value=(announcement)
                                maxlength=(view.announcement_max) aria-describedby="announce-help";
                        }
                        p id="announce-help" class="muted" {
                            (lang.t("Empty the field and post to clear the announcement.", "Videz le champ et publiez pour effacer l'annonce."))
                        }
                        p {
                            button type="submit" { (lang.t("Post", "Publier")) }
                            " "
                            button type="submit" name="clear" value="1" { (lang.t("Clear", "Effacer")) }
                        }
                    }
                    }
                    (forms::end_form(lang, slug, ended, view.reqs))
                }

                (pitch_queue::section(lang, slug, board, view.reqs))

                section id="board" aria-labelledby="board-h" {
                    h2 id="board-h" { (lang.t("Grid", "Grille")) }
                    p class="muted" id="grid-help" {
                        (lang.t(
                            "Drag a session onto a free cell to move it, or onto another session to swap them. With the keyboard: Move or Swap on a session, then choose the target; Escape cancels.",
                            "Glissez une session sur une case libre pour la déplacer, ou sur une autre session pour les échanger. Au clavier : Déplacer ou Échanger sur une session, puis choisissez la cible ; Échap annule.",
                        ))
                    }
                    div id="pick-status" class="pick-status" role="status" hidden {}
                    div id="admin-grid" { (grid::grid(lang, event, board, view.reqs)) }
                }

                section id="tools" aria-labelledby="tools-h" {
                    h2 id="tools-h" { (lang.t("Move or swap by form", "Déplacer ou échanger par formulaire")) }
                    (forms::move_form(lang, slug, board, view.reqs))
                    (forms::swap_form(lang, slug, board, view.reqs))
                }

                (grid_forms::section(lang, slug, board.grid(), view.reqs))

                (owners::section(lang, slug, board, view.reqs))

                (audit::section(lang, slug, view))
            }
            footer class="muted" {
                a href={ "/e/" (slug) "/schedule.ics" } { (lang.t("Calendar (.ics)", "Agenda (.ics)")) }
                " · "
                a href={ "/e/" (slug) "/board.json" } { "board.json" }
            }
            (json_block("admin-data", &data))
        },
    )
}
