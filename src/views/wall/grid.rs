//! The wall's board for one day: a section with its pages, each a table of
//! rooms x slots with now and next marked (the phase is the core's
//! [`Phase`]), readable from the back of the room.

use maud::{Markup, html};

use super::pages::pages;
use crate::board::schedule::Phase;
use crate::board::{Board, Cell, Room, RoomId, Slot, SlotId, hhmm};
use crate::i18n::Lang;

/// One day of the event, with its slots in time order and their phases.
pub(super) struct Day<'a> {
    pub date: jiff::civil::Date,
    pub label: String,
    pub slots: Vec<(&'a Slot, Phase)>,
}

/// The word beside a slot's time on the wall.
pub fn phase_label(lang: Lang, phase: Phase) -> &'static str {
    match phase {
        Phase::Now => lang.t("Now", "Maintenant"),
        Phase::Next => lang.t("Next", "Ensuite"),
        Phase::Past => lang.t("Over", "Terminé"),
        Phase::Later => "",
    }
}

pub(super) fn day_section(
    lang: Lang,
    slug: &str,
    board: &Board,
    rooms: &[Room],
    day: &Day<'_>,
    shown: bool,
) -> Markup {
    let day_pages = pages(rooms.len(), day.slots.len());
    let heading = format!("day-{}", day.date);
    html! {
        section class="day" data-day=(day.date.to_string()) aria-labelledby=(heading) hidden[!shown] {
            h2 id=(heading) { (day.label) }
            @for (p, (room_run, slot_run)) in day_pages.iter().enumerate() {
                div class="page" data-page=(p + 1) data-pages=(day_pages.len()) {
                    @if day_pages.len() > 1 {
                        p class="page-indicator" {
                            (lang.t("Page", "Page")) " " (p + 1) "/" (day_pages.len())
                        }
                    }
                    table class={ "wall-grid rows-" (slot_run.len()) " cols-" (room_run.len()) } {
                        caption class="visually-hidden" {
                            (day.label) @if day_pages.len() > 1 { ", " (lang.t("page", "page")) " " (p + 1) "/" (day_pages.len()) }
                        }
                        thead {
                            tr {
                                th scope="col" class="time-col" { (lang.t("Time", "Horaire")) }
                                @for room in &rooms[room_run.clone()] {
                                    th scope="col" {
                                        // The room's door sign, for whoever sets up its screen.
                                        a class="room-door" href={ "/e/" (slug) "/room/" (room.id.as_str()) } {
                                            span class="room-name" { (room.name) }
                                        }
                                        " "
                                        span class="room-cap" { (room.capacity) " " (lang.t("seats", "places")) }
                                    }
                                }
                            }
                        }
                        tbody {
                            @for (slot, phase) in &day.slots[slot_run.clone()] {
                                (slot_row(lang, board, &rooms[room_run.clone()], slot, *phase))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn slot_row(lang: Lang, board: &Board, rooms: &[Room], slot: &Slot, phase: Phase) -> Markup {
    let now = phase == Phase::Now;
    let next = phase == Phase::Next;
    html! {
        tr class={ "phase-" (phase.as_str()) } data-row=(slot.id.as_str()) {
            th scope="row" class="time-col" aria-current=[now.then_some("time")] {
                span class="slot-time" {
                    span class="slot-start" { (hhmm(slot.start)) }
                    span class="slot-end" { "–" (hhmm(slot.end)) }
                }
                " "
                span class="phase-label" { (phase_label(lang, phase)) }
            }
            @for room in rooms {
                (cell(lang, board, &slot.id, &room.id, now, next))
            }
        }
    }
}

fn cell(lang: Lang, board: &Board, slot: &SlotId, room: &RoomId, now: bool, next: bool) -> Markup {
    let c = Cell {
        slot: slot.clone(),
        room: room.clone(),
    };
    let session = board.session_at(&c);
    let state = match session {
        Some(_) => "taken",
        None if board.is_locked(&c) => "locked",
        None => "free",
    };
    html! {
        td data-slot=(slot.as_str()) data-room=(room.as_str()) data-state=(state)
            data-session=[session.map(|s| s.id.as_str())]
            data-now[now] data-next[next] {
            @match session {
                Some(s) => {
                    span class="session-title" { (s.title.as_str()) }
                    " "
                    span class="session-host" { (s.host.as_str()) }
                }
                None if state == "locked" => {
                    span class="cell-note" { (lang.t("Locked", "Verrouillé")) }
                }
                None => {
                    span class="cell-note" { (lang.t("Free", "Libre")) }
                }
            }
        }
    }
}
