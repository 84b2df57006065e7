//! The wall's pitch mode: while the pitch queue is open (the core's
//! [`Pitches::wall_mode`]), the projector shows who is pitching now, large,
//! the next few who wait, and the board's free cells beside (grouped by
//! slot, the slots not over yet in time order, so the current and the next
//! slot come first), instead of the board.
//!
//! Its own file because it is a second face of the wall with its own
//! markup and its own data for the script: the server renders it whole at
//! page load (the wall works without JS) and hands assets/wall.js the room
//! names, slot times and strings it needs to keep it live from the state.

use maud::{Markup, html};
use serde::Serialize;

use super::grid::phase_label;
use crate::board::labels::day_short;
use crate::board::schedule::{Phase, free_cells};
use crate::board::{Board, Grid, Slot, hhmm};
use crate::board::{Pitch, Pitches};
use crate::i18n::Lang;

/// How many waiting pitches the wall lists after the current one.
pub const NEXT_SHOWN: usize = 4;
/// How many slots of free cells the wall lists beside the queue.
pub const FREE_SLOTS: usize = 4;

/// What wall.js needs to draw the pitch mode from the live state.
#[derive(Serialize)]
pub(super) struct PitchData<'a> {
    next_shown: usize,
    free_slots: usize,
    /// The rooms' names, in the order of the wall data's `rooms`.
    room_names: Vec<&'a str>,
    /// "09:30–10:15" of each slot, in the order of the wall data's `slots`.
    slot_times: Vec<String>,
    t: PitchStrings<'a>,
}

#[derive(Serialize)]
struct PitchStrings<'a> {
    /// "+ {n} waiting": `{n}` is replaced by the count not listed.
    more: &'a str,
}

/// `09:30–10:15`, or `Sat 5 Dec 09:30–10:15` when the event has several
/// days (the free cells may be tomorrow's).
fn slot_time(lang: Lang, grid: &Grid, slot: &Slot) -> String {
    let time = format!("{}–{}", hhmm(slot.start), hhmm(slot.end));
    if grid.slots.iter().all(|o| o.day == slot.day) {
        time
    } else {
        format!("{} {time}", day_short(lang, slot.day))
    }
}

pub(super) fn data<'a>(lang: Lang, board: &'a Board) -> PitchData<'a> {
    let grid = board.grid();
    PitchData {
        next_shown: NEXT_SHOWN,
        free_slots: FREE_SLOTS,
        room_names: grid.rooms.iter().map(|r| r.name.as_str()).collect(),
        slot_times: grid
            .slots
            .iter()
            .map(|s| slot_time(lang, grid, s))
            .collect(),
        t: PitchStrings {
            more: lang.t("+ {n} more waiting", "+ {n} autres en attente"),
        },
    }
}

fn more_text(lang: Lang, n: usize) -> String {
    lang.t("+ {n} more waiting", "+ {n} autres en attente")
        .replace("{n}", &n.to_string())
}

/// One slot's free rooms, as the wall lists them.
struct FreeSlot<'a> {
    id: &'a str,
    time: String,
    phase: Phase,
    rooms: Vec<&'a str>,
}

/// The free cells of the slots not over yet, grouped by slot in time order
/// (so the current slot, then the next, come first), at most [`FREE_SLOTS`].
fn free_slots<'a>(lang: Lang, board: &'a Board, phases: &[Phase]) -> Vec<FreeSlot<'a>> {
    let grid = board.grid();
    let free = free_cells(board);
    let mut out: Vec<FreeSlot<'a>> = Vec::new();
    for (slot, phase) in grid.slots.iter().zip(phases.iter().copied()) {
        if phase == Phase::Past {
            continue;
        }
        let rooms: Vec<&str> = grid
            .rooms
            .iter()
            .filter(|r| free.iter().any(|c| c.slot == slot.id && c.room == r.id))
            .map(|r| r.name.as_str())
            .collect();
        if rooms.is_empty() {
            continue;
        }
        out.push(FreeSlot {
            id: slot.id.as_str(),
            time: slot_time(lang, grid, slot),
            phase,
            rooms,
        });
        if out.len() == FREE_SLOTS {
            break;
        }
    }
    out
}

fn pitch_line(p: &Pitch) -> Markup {
    html! {
        span class="pitch-title" { (p.title.as_str()) }
        " "
        span class="pitch-host" { (p.host.as_str()) }
    }
}

/// The pitch mode's section, shown while [`Pitches::wall_mode`] holds
/// (hidden, and kept for the script, otherwise). `phases` are the core's
/// phases of the board's slots at render time, in the grid's order.
pub(super) fn section(lang: Lang, board: &Board, phases: &[Phase]) -> Markup {
    let q: &Pitches = board.pitches();
    let next = &q.queue[..q.queue.len().min(NEXT_SHOWN)];
    let more = q.queue.len() - next.len();
    let free = free_slots(lang, board, phases);
    html! {
        main id="pitch" class="pitch" aria-labelledby="pitch-heading" hidden[!q.wall_mode()] {
            h2 id="pitch-heading" class="visually-hidden" { (lang.t("Pitches", "Pitchs")) }
            div class="pitch-now" role="status" aria-live="polite" {
                p class="pitch-label" { (lang.t("Pitching now", "Pitch en cours")) }
                p id="pitch-current" class="pitch-current"
                    data-pitch=[q.current.as_ref().map(|p| p.id.as_str())] hidden[q.current.is_none()] {
                    @if let Some(p) = &q.current { (pitch_line(p)) }
                }
                p id="pitch-idle" class="pitch-idle" hidden[q.current.is_some()] {
                    (lang.t("Get ready: pitch your session from your phone.",
                        "Préparez-vous : proposez votre pitch depuis votre téléphone."))
                }
            }
            div class="pitch-side" {
                div class="pitch-next" {
                    h3 { (lang.t("Up next", "Ensuite")) }
                    ol id="pitch-queue" class="pitch-queue" {
                        @for p in next {
                            li data-pitch=(p.id.as_str()) { (pitch_line(p)) }
                        }
                    }
                    p id="pitch-more" class="pitch-more" hidden[more == 0] { (more_text(lang, more)) }
                    p id="pitch-empty" class="pitch-empty" hidden[!next.is_empty()] {
                        (lang.t("Nobody waiting.", "Personne en attente."))
                    }
                }
                div class="pitch-free" {
                    h3 { (lang.t("Free slots", "Créneaux libres")) }
                    ul id="pitch-free" class="pitch-free-list" {
                        @for s in &free {
                            li data-slot=(s.id) data-phase=(s.phase.as_str()) {
                                span class="free-time" { (s.time) }
                                @let label = phase_label(lang, s.phase);
                                @if !label.is_empty() { " " span class="phase-label" { (label) } }
                                " "
                                span class="free-rooms" {
                                    @for (i, r) in s.rooms.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        span class="free-room" { (r) }
                                    }
                                }
                            }
                        }
                    }
                    p id="pitch-full" class="pitch-empty" hidden[!free.is_empty()] {
                        (lang.t("No free slot left.", "Plus aucun créneau libre."))
                    }
                }
            }
        }
    }
}
