//! The organiser view: the login form, then the grid with its moderation
//! controls, the forms that work without JS, and the audit log.
//!
//! Every control is a plain form first (POST, then back here with
//! `?notice=code`); `assets/admin.js` takes the same forms over and sends their
//! commands on the live socket, adds drag-and-drop and the keyboard "pick a
//! target" mode, and keeps the grid and the log live.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde::Serialize;

use super::{FormReqs, Page, json_block, lang_for, lang_switch, layout, offered};
use crate::board::{Board, Cell, Change, Grid, Session, SessionId, Slot};
use crate::config::EventConfig;
use crate::hub::Snapshot;
use crate::i18n::Lang;

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
}

/// What the logged-in page shows besides the board.
pub struct AdminView<'a> {
    /// The public id the organiser acts under on this browser.
    pub me: &'a str,
    /// `?notice=` of the last form.
    pub notice: Option<&'a str>,
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
    let data = Data {
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
        strings: Strings::new(lang),
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
            }
            main {
                (notice(lang, view.notice))
                (super::phone::ended_banner(lang, slug, ended, "announcement ended"))
                p id="announcement" class="announcement" role="status" hidden[announcement.is_empty()] { (announcement) }

                section id="controls" aria-labelledby="controls-h" {
                    h2 id="controls-h" { (lang.t("Board", "Tableau")) }
                    div class="controls-row" {
                    div class="control-open" {
                    p id="open-state" { (open_state(lang, open)) }
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
                    (end_form(lang, slug, ended, view.reqs))
                }

                section id="board" aria-labelledby="board-h" {
                    h2 id="board-h" { (lang.t("Grid", "Grille")) }
                    p class="muted" id="grid-help" {
                        (lang.t(
                            "Drag a session onto a free cell to move it, or onto another session to swap them. With the keyboard: Move or Swap on a session, then choose the target; Escape cancels.",
                            "Glissez une session sur une case libre pour la déplacer, ou sur une autre session pour les échanger. Au clavier : Déplacer ou Échanger sur une session, puis choisissez la cible ; Échap annule.",
                        ))
                    }
                    div id="pick-status" class="pick-status" role="status" hidden {}
                    (grid(lang, event, board, view.reqs))
                }

                section id="tools" aria-labelledby="tools-h" {
                    h2 id="tools-h" { (lang.t("Move or swap by form", "Déplacer ou échanger par formulaire")) }
                    (move_form(lang, slug, board, view.reqs))
                    (swap_form(lang, slug, board, view.reqs))
                }

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
                            (audit_line(lang, view.me, line))
                        }
                    }
                }
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

/// "Close the event for good", behind a confirmation: the organiser types
/// the event's name (a plain form, no JS needed; the server checks it).
fn end_form(lang: Lang, slug: &str, ended: bool, reqs: &FormReqs) -> Markup {
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

/// `#notice`: the outcome of the last action (always present, for the JS).
fn notice(lang: Lang, code: Option<&str>) -> Markup {
    let code = code.filter(|c| !c.is_empty());
    html! {
        div id="notice" role="status" tabindex="-1" data-code=[code] hidden[code.is_none()]
            class=(if code == Some("ack") { "notice ok" } else { "notice problem" }) {
            @if let Some(c) = code { (notice_text(lang, c)) }
        }
    }
}

/// What a notice code means, for people.
pub fn notice_text(lang: Lang, code: &str) -> &'static str {
    match code {
        "ack" => lang.t("✓ Done.", "✓ C'est fait."),
        "undone" => lang.t("✓ Undone.", "✓ Annulé."),
        "taken" => lang.t(
            "✗ That cell is taken by another session.",
            "✗ Cette case est prise par une autre session.",
        ),
        "locked" => lang.t(
            "✗ That cell is locked: unlock it first.",
            "✗ Cette case est verrouillée : déverrouillez-la d'abord.",
        ),
        "closed" => lang.t("✗ The board is closed.", "✗ Le tableau est fermé."),
        "forbidden" => lang.t(
            "✗ Only organisers can do this: log in again.",
            "✗ Seuls les organisateurs peuvent faire cela : reconnectez-vous.",
        ),
        "not_found" => lang.t(
            "✗ That session or cell no longer exists (someone changed it meanwhile).",
            "✗ Cette session ou cette case n'existe plus (quelqu'un l'a changée entre-temps).",
        ),
        "rate_limited" => lang.t(
            "✗ Too many actions at once: wait a second and retry.",
            "✗ Trop d'actions à la fois : attendez une seconde et recommencez.",
        ),
        "unavailable" => lang.t(
            "✗ The server could not save this change; nothing was changed. Retry in a moment.",
            "✗ Le serveur n'a pas pu enregistrer ce changement ; rien n'a changé. Réessayez dans un instant.",
        ),
        "nothing_to_undo" => lang.t(
            "✗ There is no moderation action left to undo.",
            "✗ Il n'y a plus d'action de modération à annuler.",
        ),
        "ended" => lang.t(
            "✗ This event has ended: its board can no longer change.",
            "✗ Cet événement est terminé : son tableau ne peut plus changer.",
        ),
        "confirm_end" => lang.t(
            "✗ Not closed: type the event's name exactly to confirm.",
            "✗ Pas clôturé : tapez exactement le nom de l'événement pour confirmer.",
        ),
        "too_old" => lang.t(
            "✗ This action is too old to undo (the server restarted since): change it by hand.",
            "✗ Cette action est trop ancienne pour être annulée (le serveur a redémarré depuis) : corrigez-la à la main.",
        ),
        _ => lang.t(
            "✗ This was refused: check what you entered (same cell, empty or too long text, already done).",
            "✗ C'est refusé : vérifiez ce que vous avez saisi (même case, texte vide ou trop long, déjà fait).",
        ),
    }
}

fn open_state(lang: Lang, open: bool) -> &'static str {
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

fn audit_line(lang: Lang, me: &str, line: &AuditLine) -> Markup {
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

/// The admin grid: the shared cell contract plus a form per control.
fn grid(lang: Lang, event: &EventConfig, board: &Board, reqs: &FormReqs) -> Markup {
    let g = board.grid();
    html! {
        @for day in &event.days {
            @let slots: Vec<&Slot> = g.slots.iter().filter(|s| s.day == day.date).collect();
            @if !slots.is_empty() {
                div class="grid-scroll" role="region" tabindex="0"
                    aria-label={ (lang.t("Grid of ", "Grille du ")) (day_label(lang, &day.date)) } {
                    table class="grid admin-grid" {
                        caption { (day_label(lang, &day.date)) }
                        thead {
                            tr {
                                th scope="col" { (lang.t("Time", "Horaire")) }
                                @for room in &g.rooms {
                                    th scope="col" { (room.name) " " span class="muted" { "(" (room.capacity) ")" } }
                                }
                            }
                        }
                        tbody {
                            @for slot in &slots {
                                tr {
                                    th scope="row" { (slot.start) "–" (slot.end) }
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

fn session_box(lang: Lang, s: &Session) -> Markup {
    html! {
        div class="session" data-session=(s.id.as_str()) {
            span class="session-title" { (s.title.as_str()) }
            " "
            span class="host" { (s.host.as_str()) }
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

fn move_form(lang: Lang, slug: &str, board: &Board, reqs: &FormReqs) -> Markup {
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

fn swap_form(lang: Lang, slug: &str, board: &Board, reqs: &FormReqs) -> Markup {
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

/// `Sat 5 Dec` / `sam. 5 déc.`; the date as written if it does not parse.
pub fn day_label(lang: Lang, date: &str) -> String {
    lang.date_short_str(date)
}

/// `Sat 5 Dec 09:30`.
pub fn slot_label(lang: Lang, slot: &Slot) -> String {
    format!("{} {}", day_label(lang, &slot.day), slot.start)
}

/// `Amphi, Sat 5 Dec 09:30`.
pub fn cell_label(lang: Lang, grid: &Grid, cell: &Cell) -> String {
    let room = grid
        .room(&cell.room)
        .map_or(cell.room.as_str(), |r| r.name.as_str());
    let slot = grid
        .slot(&cell.slot)
        .map_or_else(|| cell.slot.to_string(), |s| slot_label(lang, s));
    format!("{room}, {slot}")
}

/// What a change did, in words: the "what" of the audit log. `titles` knows
/// the title of every session seen so far (released ones too).
pub fn describe(
    lang: Lang,
    grid: &Grid,
    change: &Change,
    titles: &BTreeMap<SessionId, String>,
) -> String {
    let title = |id: &SessionId| {
        let t = titles.get(id).map_or(id.as_str(), String::as_str);
        lang.t("“{}”", "« {} »").replace("{}", t)
    };
    let at = |slot: &crate::board::SlotId, room: &crate::board::RoomId| {
        cell_label(
            lang,
            grid,
            &Cell {
                slot: slot.clone(),
                room: room.clone(),
            },
        )
    };
    let fill = |template: &str, pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .fold(template.to_owned(), |acc, (k, v)| acc.replace(k, v))
    };
    match change {
        Change::Claimed { session } => fill(
            lang.t("claimed {cell} for {title}", "a pris {cell} pour {title}"),
            &[
                ("{cell}", &at(&session.slot, &session.room)),
                ("{title}", &title(&session.id)),
            ],
        ),
        Change::Edited { session } => fill(
            lang.t("edited {title}", "a modifié {title}"),
            &[("{title}", &title(&session.id))],
        ),
        Change::Released { session } => fill(
            lang.t("removed {title}", "a retiré {title}"),
            &[("{title}", &title(session))],
        ),
        Change::Moved {
            session,
            slot,
            room,
        } => fill(
            lang.t("moved {title} to {cell}", "a déplacé {title} vers {cell}"),
            &[("{title}", &title(session)), ("{cell}", &at(slot, room))],
        ),
        Change::Swapped { a, b } => fill(
            lang.t("swapped {a} and {b}", "a échangé {a} et {b}"),
            &[("{a}", &title(a)), ("{b}", &title(b))],
        ),
        Change::Locked { slot, room } => fill(
            lang.t("locked {cell}", "a verrouillé {cell}"),
            &[("{cell}", &at(slot, room))],
        ),
        Change::Unlocked { slot, room } => fill(
            lang.t("unlocked {cell}", "a déverrouillé {cell}"),
            &[("{cell}", &at(slot, room))],
        ),
        Change::Opened { open: true } => lang.t("opened the board", "a ouvert le tableau").into(),
        Change::Opened { open: false } => lang.t("closed the board", "a fermé le tableau").into(),
        Change::Announced { text } if text.is_empty() => lang
            .t("cleared the announcement", "a effacé l'annonce")
            .into(),
        Change::Announced { text } => fill(
            lang.t("announced “{text}”", "a annoncé « {text} »"),
            &[("{text}", text)],
        ),
        Change::Ended {} => lang
            .t("closed the event for good", "a clôturé l'événement")
            .into(),
        Change::Voted { session, on, .. } => fill(
            if *on {
                lang.t("wants to attend {title}", "veut assister à {title}")
            } else {
                lang.t(
                    "no longer wants to attend {title}",
                    "ne veut plus assister à {title}",
                )
            },
            &[("{title}", &title(session))],
        ),
    }
}

/// The JSON block `#admin-data` for admin.js.
#[derive(Serialize)]
struct Data<'a> {
    slug: &'a str,
    me: &'a str,
    timezone: &'a str,
    lang: &'a str,
    /// The board as of the page (shaped like `welcome`).
    state: serde_json::Value,
    /// Slot id -> `Sat 5 Dec 09:30`.
    slots: BTreeMap<&'a str, String>,
    strings: Strings,
}

/// Every string admin.js shows, in the page's language.
#[derive(Serialize)]
struct Strings {
    conn: BTreeMap<&'static str, &'static str>,
    notices: BTreeMap<&'static str, &'static str>,
    changes: BTreeMap<&'static str, &'static str>,
    ui: BTreeMap<&'static str, &'static str>,
}

impl Strings {
    fn new(lang: Lang) -> Strings {
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
        let codes = [
            "ack",
            "undone",
            "taken",
            "locked",
            "closed",
            "forbidden",
            "not_found",
            "invalid",
            "rate_limited",
            "unavailable",
            "nothing_to_undo",
            "too_old",
            "ended",
            "confirm_end",
        ];
        let notices = codes.iter().map(|c| (*c, notice_text(lang, c))).collect();
        let changes = BTreeMap::from([
            ("quote", lang.t("“{}”", "« {} »")),
            (
                "claimed",
                lang.t("claimed {cell} for {title}", "a pris {cell} pour {title}"),
            ),
            ("edited", lang.t("edited {title}", "a modifié {title}")),
            ("released", lang.t("removed {title}", "a retiré {title}")),
            (
                "moved",
                lang.t("moved {title} to {cell}", "a déplacé {title} vers {cell}"),
            ),
            (
                "swapped",
                lang.t("swapped {a} and {b}", "a échangé {a} et {b}"),
            ),
            ("locked", lang.t("locked {cell}", "a verrouillé {cell}")),
            (
                "unlocked",
                lang.t("unlocked {cell}", "a déverrouillé {cell}"),
            ),
            ("opened", lang.t("opened the board", "a ouvert le tableau")),
            ("closed", lang.t("closed the board", "a fermé le tableau")),
            (
                "ended",
                lang.t("closed the event for good", "a clôturé l'événement"),
            ),
            (
                "announced",
                lang.t("announced “{text}”", "a annoncé « {text} »"),
            ),
            (
                "cleared",
                lang.t("cleared the announcement", "a effacé l'annonce"),
            ),
            (
                "voted_on",
                lang.t("wants to attend {title}", "veut assister à {title}"),
            ),
            (
                "voted_off",
                lang.t(
                    "no longer wants to attend {title}",
                    "ne veut plus assister à {title}",
                ),
            ),
        ]);
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
