//! The archive pages: `/archive` (every archived event, newest first) and
//! `/archive/{slug}` (one event's programme as it ended, with its files).
//!
//! Both are rendered from the archive's `board.json` on disk, never from the
//! config or a hub: they keep working after the event has left the config.
//! No script; the shared stylesheet only.

use maud::{Markup, html};

use super::{Page, lang_switch, layout};
use crate::export::archived::{Archived, ArchivedBoard, ArchivedSession};
use crate::i18n::Lang;

/// `/archive`.
pub fn list(lang: Lang, archives: &[Archived]) -> Markup {
    let page = Page {
        lang,
        title: lang.t("Archive · slotboard", "Archives · slotboard"),
        class: "archive",
        styles: &[],
        scripts: &[],
        languages: &Lang::ALL,
    };
    layout(
        &page,
        html! {
            header {
                h1 { (lang.t("Archive of past events", "Archives des événements passés")) }
                (lang_switch(lang, &Lang::ALL))
            }
            main {
                @if archives.is_empty() {
                    p { (lang.t("No event has been archived on this server yet.",
                                "Aucun événement n'a encore été archivé sur ce serveur.")) }
                } @else {
                    ul class="archives" {
                        @for a in archives {
                            li {
                                a href={ "/archive/" (a.slug) } { (a.title) }
                                " "
                                span class="muted" {
                                    (dates(lang, a.first_day.as_deref(), a.last_day.as_deref()))
                                    " · "
                                    (sessions_count(lang, a.sessions))
                                }
                            }
                        }
                    }
                }
                p { a href="/" { (lang.t("See the events of this server", "Voir les événements de ce serveur")) } }
            }
        },
    )
}

/// `/archive/{slug}`: the final programme, a table per day, and the files.
pub fn event(lang: Lang, slug: &str, board: &ArchivedBoard) -> Markup {
    let title = format!("{} · {}", board.event.title, lang.t("archive", "archives"));
    let page = Page {
        lang,
        title: &title,
        class: "archive",
        styles: &[],
        scripts: &[],
        languages: &Lang::ALL,
    };
    let first = board.slots.iter().map(|s| s.day.as_str()).min();
    let last = board.slots.iter().map(|s| s.day.as_str()).max();
    let mut days: Vec<&str> = board.slots.iter().map(|s| s.day.as_str()).collect();
    days.sort_unstable();
    days.dedup();
    layout(
        &page,
        html! {
            header {
                h1 { (board.event.title) }
                (lang_switch(lang, &Lang::ALL))
            }
            main {
                p {
                    @if board.event.ended {
                        (lang.t("This event has ended; this is its programme as it was at the end.",
                                "Cet événement est terminé ; voici son programme tel qu'il était à la fin."))
                    } @else {
                        (lang.t("This is the programme as it was when it was archived.",
                                "Voici le programme tel qu'il était quand il a été archivé."))
                    }
                    " "
                    span class="muted" {
                        (dates(lang, first, last))
                        @if !board.event.timezone.is_empty() {
                            " · " (lang.t("times in", "heures de")) " " (board.event.timezone)
                        }
                        " · " (sessions_count(lang, board.sessions.len()))
                    }
                }
                @if let Some(text) = &board.announcement {
                    p class="announcement" { (text) }
                }
                nav aria-label=(lang.t("Files of the archive", "Fichiers des archives")) {
                    h2 { (lang.t("Files", "Fichiers")) }
                    ul {
                        @for (file, en, fr) in FILE_LABELS {
                            li {
                                a href={ "/archive/" (slug) "/" (file) } { (file) }
                                " — " (lang.t(en, fr))
                            }
                        }
                    }
                }
                @for day in &days {
                    (day_table(lang, board, day))
                }
                p { a href="/archive" { (lang.t("All archived events", "Tous les événements archivés")) } }
            }
        },
    )
}

/// What each file is, for someone who does not know the formats.
const FILE_LABELS: [(&str, &str, &str); 7] = [
    (
        "index.html",
        "the programme as one page, to download, open without a server and print",
        "le programme en une page, à télécharger, ouvrir sans serveur et imprimer",
    ),
    ("schedule.ics", "for calendar apps", "pour les agendas"),
    ("schedule.csv", "for spreadsheets", "pour les tableurs"),
    (
        "schedule.xml",
        "frab/pretalx schedule, for conference apps (Giggity, ConfClerk)",
        "programme frab/pretalx, pour les applis de conférence (Giggity, ConfClerk)",
    ),
    (
        "schedule.json",
        "frab/pretalx schedule as JSON",
        "programme frab/pretalx en JSON",
    ),
    (
        "board.json",
        "the final state of the board",
        "l'état final du tableau",
    ),
    (
        "history.jsonl",
        "every change, in order, with its time",
        "chaque modification, dans l'ordre, avec son heure",
    ),
];

fn day_table(lang: Lang, board: &ArchivedBoard, day: &str) -> Markup {
    let mut slots: Vec<_> = board.slots.iter().filter(|s| s.day == day).collect();
    slots.sort_by(|a, b| (&a.start, &a.id).cmp(&(&b.start, &b.id)));
    let at = |slot: &str, room: &str| -> Option<&ArchivedSession> {
        board
            .sessions
            .iter()
            .find(|s| s.slot == slot && s.room == room)
    };
    html! {
        section class="day" {
            h2 { (day) }
            table class="grid" {
                thead {
                    tr {
                        th scope="col" { (lang.t("Time", "Heure")) }
                        @for r in &board.rooms { th scope="col" { (r.name) } }
                    }
                }
                tbody {
                    @for slot in &slots {
                        tr {
                            th scope="row" { (slot.start) "–" (slot.end) }
                            @for r in &board.rooms {
                                @match at(&slot.id, &r.id) {
                                    Some(s) => td class="session" {
                                        span class="title" { (s.title) }
                                        @if !s.host.is_empty() { span class="host" { (s.host) } }
                                        @if !s.description.is_empty() { p { (s.description) } }
                                        @for t in &s.tags { span class="tag" { (t) } }
                                        // From a file: shown only as the core would take it.
                                        (crate::views::links::list(lang, s.links.iter().enumerate().filter_map(|(i, l)| {
                                            crate::board::Link::parse(i + 1, &l.url, &l.label).ok()
                                        }).collect::<Vec<_>>().iter()))
                                        @if s.votes > 0 {
                                            " " span class="muted" {
                                                (s.votes) " " (if s.votes == 1 {
                                                    lang.t("interested", "intéressé·e")
                                                } else {
                                                    lang.t("interested", "intéressé·es")
                                                })
                                            }
                                        }
                                    },
                                    None => td {},
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn dates(lang: Lang, first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(f), Some(l)) if f != l => match lang {
            Lang::En => format!("{f} to {l}"),
            Lang::Fr => format!("du {f} au {l}"),
        },
        (Some(f), _) => f.to_owned(),
        _ => lang.t("no dates", "sans dates").to_owned(),
    }
}

fn sessions_count(lang: Lang, n: usize) -> String {
    match n {
        0 => lang.t("no session", "aucune session").to_owned(),
        1 => lang.t("1 session", "1 session").to_owned(),
        n => format!("{n} {}", lang.t("sessions", "sessions")),
    }
}
