//! The HTML of slotboard, written with maud (every text is escaped).
//!
//! Pages render from a [`Snapshot`] of the board and the event's config; they
//! never hold a lock or wait on anything but the hub's answer.

use maud::{DOCTYPE, Markup, html};

use crate::board::{Board, Cell, Session};
use crate::config::EventConfig;
use crate::hub::Snapshot;

/// The frame of every page.
pub fn layout(title: &str, body_class: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/assets/style.css";
            }
            body class=(body_class) { (body) }
        }
    }
}

/// `/` when there are several events (or none).
pub fn index(events: &[&EventConfig]) -> Markup {
    layout(
        "slotboard",
        "",
        html! {
            header { h1 { "slotboard" } }
            main {
                h2 { "Events" }
                @if events.is_empty() {
                    p { "No event is configured on this server." }
                }
                ul {
                    @for e in events {
                        li { a href={ "/e/" (e.slug) } { (e.title) } }
                    }
                }
            }
        },
    )
}

/// A page that says what was not found and where to go.
pub fn not_found(what: &str) -> Markup {
    layout(
        "Not found · slotboard",
        "",
        html! {
            header { h1 { "Not found" } }
            main {
                p { (what) }
                p { a href="/" { "See the events of this server" } }
            }
        },
    )
}

/// The phone view: the grid, one table per day.
pub fn phone(event: &EventConfig, snap: &Snapshot) -> Markup {
    layout(
        &event.title,
        "phone",
        html! {
            header {
                h1 { (event.title) }
                @if !snap.board.is_open() {
                    p role="status" { "The board is closed for now." }
                }
            }
            main {
                (announcement(&snap.board))
                (grid(event, &snap.board))
            }
            footer class="muted" {
                "Live schedule: " a href={ "/e/" (event.slug) "/wall" } { "wall view" }
                " · " a href={ "/e/" (event.slug) "/schedule.ics" } { "calendar (.ics)" }
            }
        },
    )
}

/// The wall view: the same grid, large and high-contrast.
pub fn wall(event: &EventConfig, snap: &Snapshot) -> Markup {
    layout(
        &format!("{} · wall", event.title),
        "wall",
        html! {
            header { h1 { (event.title) } }
            main {
                (announcement(&snap.board))
                (grid(event, &snap.board))
            }
        },
    )
}

fn announcement(board: &Board) -> Markup {
    html! {
        @if let Some(text) = board.announcement() {
            p class="announcement" role="status" { (text) }
        }
    }
}

fn grid(event: &EventConfig, board: &Board) -> Markup {
    let g = board.grid();
    html! {
        @for day in &event.days {
            section class="day" {
                h2 { (day.date) }
                table class="grid" {
                    thead {
                        tr {
                            th scope="col" { "Time" }
                            @for room in &g.rooms {
                                th scope="col" { (room.name) " " span class="muted" { "(" (room.capacity) ")" } }
                            }
                        }
                    }
                    tbody {
                        @for slot in g.slots.iter().filter(|s| s.day == day.date) {
                            tr {
                                th scope="row" { (slot.start) "–" (slot.end) }
                                @for room in &g.rooms {
                                    @let cell = Cell { slot: slot.id.clone(), room: room.id.clone() };
                                    @match board.session_at(&cell) {
                                        Some(s) => td class="taken" { (session(s)) },
                                        None if board.is_locked(&cell) => td class="locked" { "Locked" },
                                        None => td class="free" { "Free" },
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

fn session(s: &Session) -> Markup {
    html! {
        div class="session" {
            span class="title" { (s.title.as_str()) }
            span class="host" { (s.host.as_str()) }
            @if s.votes > 0 { " · " (s.votes) " ♥" }
            @if !s.tags.is_empty() {
                div { @for t in s.tags.iter() { span class="tag" { (t.as_str()) } } }
            }
        }
    }
}
