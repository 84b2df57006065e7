//! The door sign of one room (`/e/{event}/room/{room}`): the room's name,
//! the session in it now and the next one (title, host, time), or "free:
//! claim it" with a QR code that opens the claim form of that cell. Made for
//! a tablet or a screen at the door: read from three metres, never touched.
//!
//! The server renders the sign at its instant (so it is right without JS;
//! a `<meta refresh>` keeps it so). assets/door.js keeps it live: it renders
//! the same lines again from the live board, and follows the clock by
//! looking up the core's [`door_timeline`] in the `door-data` block (which
//! slot is "now" and which "next", from each instant on). A script draws no
//! QR code: the page has the code of the cell it offers (one, about 11 KB;
//! the codes of every cell made a 12-slot sign 149 KB and four times slower
//! to render), and when the script comes to offer another cell it fetches
//! the page again for that cell's code. Files: [`line`] (one line of the
//! sign).

mod line;

use jiff::Timestamp;
use maud::{Markup, PreEscaped, html};
use serde::Serialize;

use super::{Page, json_block, lang_for, lang_switch, layout, offered};
use crate::board::door::{DoorSign, door_sign, door_timeline};
use crate::board::labels::day_short;
use crate::board::schedule::Schedule;
use crate::board::{Cell, Room};
use crate::config::EventConfig;
use crate::hub::Snapshot;
use crate::i18n::Lang;

pub use line::{slot_time, words};

/// What the sign shows besides the board.
pub struct DoorInfo<'a> {
    /// The instant the sign is rendered for.
    pub now: Timestamp,
    /// `server.public_url`, normalized (no trailing slash).
    pub public_url: &'a str,
}

/// The absolute address of the claim form of a cell (what the QR code
/// opens): the phone's claim route.
pub fn claim_url(public_url: &str, slug: &str, cell: &Cell) -> String {
    format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        super::phone::claim_href(slug, cell)
    )
}

#[derive(Serialize)]
struct SlotData<'a> {
    id: &'a str,
    /// As the sign shows it: `09:30–10:15`.
    time: String,
    /// Its day, shown before the time when the step says `next_day`.
    day: String,
    /// The claim form of this room's cell in the slot (the QR code's text).
    claim: String,
}

/// From `from` (ms since the epoch; `null`: since ever) on, the slots (by
/// index into `slots`) shown as now and next.
#[derive(Serialize)]
struct StepData {
    from: Option<i64>,
    now: Option<usize>,
    next: Option<usize>,
    /// The next slot is on another day: the sign says which.
    next_day: bool,
}

#[derive(Serialize)]
struct DoorData<'a> {
    slug: &'a str,
    room: &'a str,
    lang: &'a str,
    timezone: &'a str,
    slots: Vec<SlotData<'a>>,
    timeline: Vec<StepData>,
    t: line::Words,
}

/// `/e/{event}/room/{room}`, or `None` when the board has no such room.
pub fn page(
    lang: Lang,
    event: &EventConfig,
    snap: &Snapshot,
    room: &str,
    info: &DoorInfo<'_>,
) -> Option<Markup> {
    let lang = lang_for(event, lang);
    let board = &snap.board;
    let grid = board.grid();
    let room = grid.rooms.iter().find(|r| r.id.as_str() == room)?;
    let schedule = Schedule::new(&grid.slots, grid.days(), event.tz());
    let sign = door_sign(board, &schedule, &room.id, info.now)?;
    let langs = offered(event);
    let title = format!("{} · {}", room.name, event.title);
    let page = Page {
        lang,
        title: &title,
        class: "door",
        styles: &["door.css"],
        scripts: &["common.js", "live.js", "door.js"],
        languages: &langs,
    };
    let data = DoorData {
        slug: &event.slug,
        room: room.id.as_str(),
        lang: lang.code(),
        timezone: &event.timezone,
        slots: grid
            .slots
            .iter()
            .map(|s| SlotData {
                id: s.id.as_str(),
                time: slot_time(s),
                day: day_short(lang, s.day),
                claim: claim_url(
                    info.public_url,
                    &event.slug,
                    &Cell {
                        slot: s.id.clone(),
                        room: room.id.clone(),
                    },
                ),
            })
            .collect(),
        timeline: door_timeline(board, &schedule)
            .into_iter()
            .map(|s| StepData {
                from: s.from.map(|t| t.as_millisecond()),
                now: s.now,
                next: s.next,
                next_day: s.next_another_day,
            })
            .collect(),
        t: words(lang),
    };
    let now_hhmm = info.now.to_zoned(event.tz()).strftime("%H:%M").to_string();
    Some(layout(
        &page,
        html! {
            div id="door" data-room=(room.id.as_str()) {
                header class="door-head" {
                    h1 class="door-room" { (room.name) }
                    p class="door-event" { (event.title) }
                    p class="door-clock" {
                        span class="visually-hidden" { (lang.t("Time: ", "Heure : ")) }
                        time id="door-clock" { (now_hhmm) }
                    }
                }
                main class="door-main" aria-label=(lang.t("In this room", "Dans cette salle")) {
                    (line::section(lang, "now", sign.now.as_ref(), false))
                    (line::section(lang, "next", sign.next.as_ref(), sign.next_another_day))
                }
                (claim_aside(lang, event, room, &sign, info))
                footer class="door-foot" {
                    p id="conn" data-status="connecting" role="status" {
                        span class="conn-dot" aria-hidden="true" {}
                        " "
                        span class="conn-label" { (lang.t("Connecting…", "Connexion…")) }
                    }
                    (lang_switch(lang, &langs))
                    noscript {
                        // Without JS the sign still never needs a touch.
                        meta http-equiv="refresh" content="60";
                        p { (lang.t("Updated every minute.", "Mis à jour chaque minute.")) }
                    }
                }
            }
            (json_block("door-data", &data))
        },
    ))
}

/// "Free: claim it" and the QR code of the cell offered, if any (always
/// there for the script, hidden when nothing is free).
fn claim_aside(
    lang: Lang,
    event: &EventConfig,
    room: &Room,
    sign: &DoorSign<'_>,
    info: &DoorInfo<'_>,
) -> Markup {
    let offered = sign.claimable();
    let url = offered.map(|c| {
        let cell = Cell {
            slot: c.slot.id.clone(),
            room: room.id.clone(),
        };
        claim_url(info.public_url, &event.slug, &cell)
    });
    let qr = url.as_deref().and_then(|u| super::qr::svg(u, None));
    html! {
        aside id="door-claim" class="door-claim" hidden[offered.is_none()]
            data-slot=[offered.map(|c| c.slot.id.as_str())]
            aria-label=(lang.t("Claim this room", "Proposer une session ici")) {
            p class="door-claim-text" {
                (lang.t("Free: claim it from your phone", "Libre : proposez une session depuis votre téléphone"))
                " "
                span id="door-claim-time" {
                    @if let Some(c) = offered {
                        "("
                        @if sign.next_another_day && sign.next.as_ref().is_some_and(|n| n.slot.id == c.slot.id) {
                            (day_short(lang, c.slot.day)) " "
                        }
                        (slot_time(c.slot)) ")"
                    }
                }
            }
            div id="door-qr" role="img"
                aria-label=(lang.t("QR code of the claim form", "QR code du formulaire de proposition")) {
                @if let Some(svg) = &qr { (PreEscaped(svg)) }
            }
            p id="door-url" class="door-url" { @if let Some(u) = &url { (u) } }
        }
    }
}
