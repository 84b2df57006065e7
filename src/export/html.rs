//! The programme as one static HTML page: self-contained (the style is
//! inline, there is no script and no link to another file), printable (one
//! day per page), readable from disk years later without slotboard.

use jiff::civil::Date;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::board::{Board, Cell, Session, Slot, hhmm};
use crate::config::EventConfig;
use crate::i18n::Lang;

/// The style of the page, inline: the archive's `index.html` is opened from
/// disk, with nothing next to it.
const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; background: #fff; margin: 0 auto; padding: 1rem; max-width: 80rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
.meta { color: #444; margin: 0 0 1rem; }
section.day { margin: 1.5rem 0; }
h2 { font-size: 1.25rem; margin: 0 0 0.5rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #999; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #eee; }
th.time { width: 6.5rem; white-space: nowrap; background: #f6f6f6; }
.cap { display: block; font-weight: normal; color: #444; font-size: 0.85em; }
.title { font-weight: 700; display: block; }
.host { display: block; font-style: italic; }
.tags { display: block; font-size: 0.85em; color: #333; }
.desc { margin: 0.3rem 0 0; font-size: 0.9em; white-space: pre-line; }
.free { color: #777; }
.empty { color: #444; font-style: italic; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media print {
  body { padding: 0; max-width: none; font-size: 11pt; }
  section.day { break-after: page; page-break-after: always; margin: 0; }
  section.day:last-of-type { break-after: auto; page-break-after: auto; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  thead th, th.time { background: #fff; }
}
"#;

/// `Saturday 5 December 2026`, `samedi 5 décembre 2026`.
fn long_date(lang: Lang, date: Date) -> String {
    format!("{} {}", lang.date(date), date.year())
}

/// The programme as a static page in `lang`: the event's title and dates,
/// then one section per day with a table of slots (rows) by rooms (columns),
/// every session with its title, host, tags and description. Every text is
/// escaped by maud; the same board gives the same bytes.
pub fn static_html(event: &EventConfig, board: &Board, lang: Lang) -> String {
    let labels = super::room_labels(board);
    let rooms = &board.grid().rooms;
    let days = super::days(board);
    let count = board.sessions().count();
    let page: Markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content="slotboard";
                title { (event.title) " — " (lang.t("Programme", "Programme")) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (event.title) }
                    p class="meta" {
                        @if let (Some(first), Some(last)) = (days.first(), days.last()) {
                            @if first.0 == last.0 {
                                (long_date(lang, first.0))
                            } @else {
                                (long_date(lang, first.0)) " – " (long_date(lang, last.0))
                            }
                            " · "
                        }
                        (lang.t("Times in ", "Heures de ")) (event.timezone) " · "
                        @if count == 1 {
                            (lang.t("1 session", "1 session"))
                        } @else {
                            (count) " " (lang.t("sessions", "sessions"))
                        }
                        " · " (lang.t("revision ", "révision ")) (board.rev())
                    }
                }
                main {
                    @if days.is_empty() {
                        p class="empty" { (lang.t("This event has no time slots.", "Cet événement n'a pas de créneaux.")) }
                    }
                    @for (date, slots) in &days {
                        (day_section(event, board, lang, *date, slots, &labels))
                    }
                    @if rooms.is_empty() {
                        p class="empty" { (lang.t("This event has no rooms.", "Cet événement n'a pas de salles.")) }
                    }
                }
            }
        }
    };
    page.into_string()
}

fn day_section(
    event: &EventConfig,
    board: &Board,
    lang: Lang,
    date: Date,
    slots: &[&Slot],
    labels: &[String],
) -> Markup {
    let rooms = &board.grid().rooms;
    let heading = long_date(lang, date);
    let id = format!("day-{date}");
    html! {
        section class="day" aria-labelledby=(id) {
            h2 id=(id) { (heading) }
            table {
                caption class="vh" { (event.title) " — " (heading) }
                thead {
                    tr {
                        th scope="col" class="time" { (lang.t("Time", "Horaire")) }
                        @for (room, label) in rooms.iter().zip(labels) {
                            th scope="col" {
                                (label)
                                span class="cap" {
                                    (room.capacity) " " (lang.t("seats", "places"))
                                }
                            }
                        }
                    }
                }
                tbody {
                    @for slot in slots {
                        tr {
                            th scope="row" class="time" {
                                @if let Some((start, end)) = super::slot_times(event, slot) {
                                    (start.strftime("%H:%M").to_string()) "–" (end.strftime("%H:%M").to_string())
                                } @else {
                                    (hhmm(slot.start)) "–" (hhmm(slot.end))
                                }
                            }
                            @for room in rooms {
                                @let cell = Cell { slot: slot.id.clone(), room: room.id.clone() };
                                td {
                                    @if let Some(s) = board.session_at(&cell) {
                                        (session(lang, s))
                                    } @else {
                                        span class="free" { "—" }
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

fn session(lang: Lang, s: &Session) -> Markup {
    let tags = super::tags_joined(s);
    html! {
        span class="title" { (s.title.as_str()) }
        span class="host" { (s.host.as_str()) }
        @if !tags.is_empty() {
            span class="tags" { (lang.t("Tags: ", "Tags : ")) (tags) }
        }
        @if !s.description.as_str().is_empty() {
            p class="desc" { (s.description.as_str()) }
        }
        // People's links: not endorsed, not followed, no opener.
        @if !s.links.is_empty() {
            ul class="links" aria-label=(lang.t("Links", "Liens")) {
                @for l in s.links.iter() {
                    li { a href=(l.url()) rel="nofollow noopener ugc" { (l.text()) } }
                }
            }
        }
    }
}
