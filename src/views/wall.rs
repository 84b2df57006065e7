//! The wall (projector) view: one day at a time, rooms as columns, slots as
//! rows, now and next marked, a QR code to join, readable from the back of
//! the room and never touched.
//!
//! The server renders everything (so the page is complete without JS); the
//! JS (assets/wall.js) keeps it live, re-marks now/next from the slots'
//! instants it finds in the `wall-data` block, switches the day at midnight
//! and rotates the pages when the day does not fit on one screen.

use std::ops::Range;

use jiff::Timestamp;
use jiff::civil::Date;
use maud::{Markup, PreEscaped, html};
use serde::Serialize;

use super::{Page, json_block, lang_for, lang_switch, layout, offered};
use crate::board::{Board, Cell, RoomId, Slot, SlotId};
use crate::config::EventConfig;
use crate::hub::Snapshot;
use crate::i18n::Lang;

/// At most this many rooms side by side on one page of the wall.
pub const MAX_ROOMS: usize = 6;
/// At most this many slots one under the other on one page of the wall.
pub const MAX_SLOTS: usize = 8;
/// How long each page stays on screen when a day needs several.
pub const ROTATE_MS: u64 = 10_000;

/// What the wall shows besides the board.
pub struct WallInfo<'a> {
    /// The time the page is rendered for.
    pub now: Timestamp,
    /// `server.public_url`, normalized (no trailing slash).
    pub public_url: &'a str,
    /// Connections to the event right now.
    pub presence: usize,
    /// When the last change was accepted, if the server still knows.
    pub last_change: Option<Timestamp>,
}

/// Where a slot stands against the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Over.
    Past,
    /// Running now.
    Now,
    /// The first one that has not started yet.
    Next,
    /// Later than the next.
    Later,
}

/// The phase of each slot (given as `[start, end)` instants, in any order)
/// at `now`: the running one is `Now`, the first to start after `now` is
/// `Next`.
pub fn phases(times: &[(Timestamp, Timestamp)], now: Timestamp) -> Vec<Phase> {
    let next = times
        .iter()
        .enumerate()
        .filter(|(_, (start, _))| *start > now)
        .min_by_key(|(_, (start, _))| *start)
        .map(|(i, _)| i);
    times
        .iter()
        .enumerate()
        .map(|(i, (start, end))| {
            if *end <= now {
                Phase::Past
            } else if *start <= now {
                Phase::Now
            } else if Some(i) == next {
                Phase::Next
            } else {
                Phase::Later
            }
        })
        .collect()
}

/// Which of the event's days to show: today, else the first one to come,
/// else the last one. `None` only when there are no days.
pub fn day_to_show(days: &[Date], today: Date) -> Option<usize> {
    if let Some(i) = days.iter().position(|d| *d == today) {
        return Some(i);
    }
    let upcoming = days
        .iter()
        .enumerate()
        .filter(|(_, d)| **d > today)
        .min_by_key(|(_, d)| **d)
        .map(|(i, _)| i);
    upcoming.or_else(|| {
        days.iter()
            .enumerate()
            .max_by_key(|(_, d)| **d)
            .map(|(i, _)| i)
    })
}

/// Splits `n` items into the fewest runs of at most `max`, as even as
/// possible (7 by 6 gives 4 + 3, not 6 + 1). Always at least one run.
pub fn runs(n: usize, max: usize) -> Vec<Range<usize>> {
    let max = max.max(1);
    let count = n.div_ceil(max).max(1);
    let (base, extra) = (n / count, n % count);
    let mut start = 0;
    (0..count)
        .map(|i| {
            let len = base + usize::from(i < extra);
            let r = start..start + len;
            start += len;
            r
        })
        .collect()
}

/// The pages of one day: each shows some rooms for some slots; together they
/// show each cell exactly once (earlier slots first, then rooms left to right).
pub fn pages(rooms: usize, slots: usize) -> Vec<(Range<usize>, Range<usize>)> {
    let room_runs = runs(rooms, MAX_ROOMS);
    runs(slots, MAX_SLOTS)
        .into_iter()
        .flat_map(|s| room_runs.iter().map(move |r| (r.clone(), s.clone())))
        .collect()
}

/// "Saturday 5 December" / "samedi 5 décembre".
pub fn day_name(lang: Lang, date: Date) -> String {
    lang.date(date)
}

/// HH:MM of an instant in the event's timezone.
pub fn local_hhmm(event: &EventConfig, at: Timestamp) -> String {
    at.to_zoned(event.tz()).strftime("%H:%M").to_string()
}

/// The phone view's address, as the QR code and the text beside it say it.
pub fn phone_url(public_url: &str, slug: &str) -> String {
    format!("{}/e/{}", public_url.trim_end_matches('/'), slug)
}

/// The QR code of `url` as an inline `<svg>` that scales to its box.
pub fn qr_svg(url: &str) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000"))
        .light_color(qrcode::render::svg::Color("#fff"))
        .build();
    // Drop the XML declaration and the fixed size: CSS sizes it by its viewBox.
    let start = svg.find("<svg")?;
    let svg = &svg[start..];
    let open_end = svg.find('>')?;
    let (open, rest) = svg.split_at(open_end);
    let open: String = open
        .split(' ')
        .filter(|a| !a.starts_with("width=") && !a.starts_with("height="))
        .collect::<Vec<_>>()
        .join(" ");
    Some(format!(
        "{open} aria-hidden=\"true\" focusable=\"false\" preserveAspectRatio=\"xMidYMid meet\"{rest}"
    ))
}

#[derive(Serialize)]
struct DayData {
    date: String,
    /// Midnight at the start and at the end of the day, in the event's
    /// timezone, as UTC instants.
    start: String,
    end: String,
}

#[derive(Serialize)]
struct SlotData {
    id: String,
    day: String,
    start: String,
    end: String,
}

#[derive(Serialize)]
struct Strings<'a> {
    now: &'a str,
    next: &'a str,
    past: &'a str,
    free: &'a str,
    locked: &'a str,
    connecting: &'a str,
    live: &'a str,
    reconnecting: &'a str,
    offline: &'a str,
    never: &'a str,
}

#[derive(Serialize)]
struct WallData<'a> {
    slug: &'a str,
    lang: &'a str,
    timezone: &'a str,
    rotate_ms: u64,
    rooms: Vec<&'a str>,
    days: Vec<DayData>,
    slots: Vec<SlotData>,
    t: Strings<'a>,
}

fn instant(z: &jiff::Zoned) -> String {
    z.timestamp().to_string()
}

/// One day of the config, with its slots in time order and their instants.
struct Day<'a> {
    date: Date,
    label: String,
    slots: Vec<(&'a Slot, Phase)>,
}

/// `/e/{event}/wall`: the board, large and high-contrast.
pub fn page(lang: Lang, event: &EventConfig, snap: &Snapshot, info: &WallInfo<'_>) -> Markup {
    let lang = lang_for(event, lang);
    let langs = offered(event);
    let title = format!("{} · {}", event.title, lang.t("wall", "mur"));
    let page = Page {
        lang,
        title: &title,
        class: "wall",
        styles: &["wall.css"],
        scripts: &["live.js", "wall.js"],
        languages: &langs,
    };
    let board = &snap.board;
    let grid = event.grid();
    let tz = event.tz();

    // Every slot's instants and phase, over the whole event (the JS does the
    // same with the instants of the data block).
    let times: Vec<(Timestamp, Timestamp)> = grid
        .slots
        .iter()
        .map(|s| {
            event
                .slot_times(s.id.as_str())
                .map(|(a, b)| (a.timestamp(), b.timestamp()))
                .unwrap_or((Timestamp::MIN, Timestamp::MIN))
        })
        .collect();
    let slot_phases = phases(&times, info.now);

    let mut dates: Vec<Date> = event.days.iter().map(|d| d.date).collect();
    dates.sort();
    dates.dedup();
    let days: Vec<Day<'_>> = dates
        .iter()
        .map(|date| {
            let key = date.to_string();
            Day {
                date: *date,
                label: day_name(lang, *date),
                slots: grid
                    .slots
                    .iter()
                    .zip(&slot_phases)
                    .filter(|(s, _)| s.day == key)
                    .map(|(s, p)| (s, *p))
                    .collect(),
            }
        })
        .collect();
    let today = info.now.to_zoned(tz.clone()).date();
    let shown = day_to_show(&dates, today).unwrap_or(0);

    let data = WallData {
        slug: &event.slug,
        lang: lang.code(),
        timezone: &event.timezone,
        rotate_ms: ROTATE_MS,
        rooms: grid.rooms.iter().map(|r| r.id.as_str()).collect(),
        days: dates
            .iter()
            .filter_map(|d| {
                Some(DayData {
                    date: d.to_string(),
                    start: instant(&d.to_zoned(tz.clone()).ok()?),
                    end: instant(&d.tomorrow().ok()?.to_zoned(tz.clone()).ok()?),
                })
            })
            .collect(),
        slots: grid
            .slots
            .iter()
            .zip(&times)
            .map(|(s, (a, b))| SlotData {
                id: s.id.0.clone(),
                day: s.day.clone(),
                start: a.to_string(),
                end: b.to_string(),
            })
            .collect(),
        t: Strings {
            now: lang.t("Now", "Maintenant"),
            next: lang.t("Next", "Ensuite"),
            past: lang.t("Over", "Terminé"),
            free: lang.t("Free", "Libre"),
            locked: lang.t("Locked", "Verrouillé"),
            connecting: lang.t("Connecting…", "Connexion…"),
            live: lang.t("Live", "En direct"),
            reconnecting: lang.t("Reconnecting…", "Reconnexion…"),
            offline: lang.t("Offline", "Hors ligne"),
            never: "—",
        },
    };

    let url = phone_url(info.public_url, &event.slug);
    let qr = qr_svg(&url);
    let now_hhmm = local_hhmm(event, info.now);
    let ended = crate::lifecycle::state(event, board, info.now) == crate::lifecycle::State::Ended;

    layout(
        &page,
        html! {
            div id="wall" {
                header class="wall-head" {
                    h1 { (event.title) }
                    p class="clock" {
                        span class="visually-hidden" { (lang.t("Time: ", "Heure : ")) }
                        time id="clock" { (now_hhmm) }
                    }
                }
                div class="wall-board" {
                    (super::phone::ended_banner(lang, &event.slug, ended, "announcement wall-announcement ended"))
                    (announcement_banner(lang, board))
                    div id="stale" class="stale" role="alert" hidden {
                        span class="stale-icon" aria-hidden="true" { "⚠" }
                        " "
                        strong { (lang.t("Not connected.", "Pas de connexion.")) }
                        " "
                        (lang.t(
                            "This board may be out of date; it reconnects by itself.",
                            "Ce tableau n'est peut-être plus à jour ; il se reconnecte tout seul."
                        ))
                    }
                    main class="wall-main" aria-label=(lang.t("Programme", "Programme")) {
                        @for (i, day) in days.iter().enumerate() {
                            (day_section(lang, board, &grid.rooms, day, i == shown))
                        }
                    }
                }
                aside class="join" aria-label=(lang.t("Join from your phone", "Rejoindre depuis votre téléphone")) {
                    p class="join-text" { (lang.t("Claim a slot from your phone:", "Proposez une session depuis votre téléphone :")) }
                    div id="qr" role="img" aria-label={ (lang.t("QR code of ", "QR code de ")) (url) } {
                        @if let Some(svg) = &qr { (PreEscaped(svg)) }
                    }
                    p class="short-url" {
                        @match url.find("/e/") {
                            Some(i) => { (url[..i]) wbr; (url[i..]) }
                            None => (url),
                        }
                    }
                }
                footer class="wall-foot" {
                    p id="conn" data-status="connecting" role="status" {
                        span class="conn-dot" aria-hidden="true" {}
                        " "
                        span class="conn-label" { (lang.t("Connecting…", "Connexion…")) }
                    }
                    p class="presence" {
                        span id="presence" { (info.presence) }
                        " "
                        (lang.t("connected", "connecté·es"))
                    }
                    p class="last-change" {
                        (lang.t("Last change: ", "Dernier changement : "))
                        @match info.last_change {
                            Some(at) => time id="last-change" datetime=(at.to_string()) { (local_hhmm(event, at)) },
                            None => time id="last-change" { "—" },
                        }
                    }
                    (lang_switch(lang, &langs))
                    noscript {
                        // Without JS the wall still never needs a touch: it
                        // reloads itself every minute.
                        meta http-equiv="refresh" content="60";
                        p { (lang.t("Updated every minute.", "Mis à jour chaque minute.")) }
                    }
                }
            }
            (json_block("wall-data", &data))
        },
    )
}

/// The organisers' announcement: always there (the JS fills it), hidden when
/// there is none.
fn announcement_banner(lang: Lang, board: &Board) -> Markup {
    let text = board.announcement().unwrap_or("");
    html! {
        div id="announcement" class="announcement wall-announcement" role="status" aria-live="polite"
            aria-label=(lang.t("Announcement", "Annonce")) hidden[text.is_empty()] {
            span class="announcement-text" { (text) }
        }
    }
}

fn day_section(
    lang: Lang,
    board: &Board,
    rooms: &[crate::board::Room],
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
                                        span class="room-name" { (room.name) }
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

fn phase_label(lang: Lang, phase: Phase) -> &'static str {
    match phase {
        Phase::Now => lang.t("Now", "Maintenant"),
        Phase::Next => lang.t("Next", "Ensuite"),
        Phase::Past => lang.t("Over", "Terminé"),
        Phase::Later => "",
    }
}

fn phase_class(phase: Phase) -> &'static str {
    match phase {
        Phase::Now => "phase-now",
        Phase::Next => "phase-next",
        Phase::Past => "phase-past",
        Phase::Later => "phase-later",
    }
}

fn slot_row(
    lang: Lang,
    board: &Board,
    rooms: &[crate::board::Room],
    slot: &Slot,
    phase: Phase,
) -> Markup {
    let now = phase == Phase::Now;
    let next = phase == Phase::Next;
    html! {
        tr class=(phase_class(phase)) data-row=(slot.id.as_str()) {
            th scope="row" class="time-col" aria-current=[now.then_some("time")] {
                span class="slot-time" {
                    span class="slot-start" { (slot.start) }
                    span class="slot-end" { "–" (slot.end) }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn today_then_the_next_day_to_come_then_the_last() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let days = [d("2026-12-05"), d("2026-12-06")];
        assert_eq!(day_to_show(&days, d("2026-12-05")), Some(0));
        assert_eq!(day_to_show(&days, d("2026-12-06")), Some(1));
        assert_eq!(day_to_show(&days, d("2026-11-01")), Some(0));
        assert_eq!(day_to_show(&days, d("2027-01-01")), Some(1));
        let gap = [d("2026-12-05"), d("2026-12-08")];
        assert_eq!(day_to_show(&gap, d("2026-12-06")), Some(1));
        assert_eq!(day_to_show(&[], d("2026-12-06")), None);
    }

    #[test]
    fn the_running_slot_is_now_and_the_first_to_come_is_next() {
        let times = [
            (ts("2026-12-05T08:30:00Z"), ts("2026-12-05T09:15:00Z")),
            (ts("2026-12-05T09:30:00Z"), ts("2026-12-05T10:15:00Z")),
            (ts("2026-12-05T10:30:00Z"), ts("2026-12-05T11:15:00Z")),
            (ts("2026-12-05T11:30:00Z"), ts("2026-12-05T12:15:00Z")),
        ];
        use Phase::*;
        assert_eq!(
            phases(&times, ts("2026-12-05T09:40:00Z")),
            vec![Past, Now, Next, Later]
        );
        // In a break: nothing now, the next one is next.
        assert_eq!(
            phases(&times, ts("2026-12-05T10:20:00Z")),
            vec![Past, Past, Next, Later]
        );
        // A slot ends exactly when the next starts: the new one is now.
        assert_eq!(
            phases(&times, ts("2026-12-05T09:30:00Z")),
            vec![Past, Now, Next, Later]
        );
        assert_eq!(
            phases(&times, ts("2026-12-05T07:00:00Z")),
            vec![Next, Later, Later, Later]
        );
        assert_eq!(
            phases(&times, ts("2026-12-05T13:00:00Z")),
            vec![Past, Past, Past, Past]
        );
    }

    #[test]
    fn pages_split_evenly_and_cover_every_cell_once() {
        assert_eq!(runs(7, 6), vec![0..4, 4..7]);
        assert_eq!(runs(6, 6), vec![0..6]);
        assert_eq!(runs(0, 6), vec![0..0]);
        assert_eq!(runs(13, 6), vec![0..5, 5..9, 9..13]);
        // The demo config fits on one page.
        assert_eq!(pages(6, 7).len(), 1);
        let p = pages(9, 10);
        assert_eq!(p.len(), 4);
        let mut seen = std::collections::BTreeSet::new();
        for (rooms, slots) in &p {
            assert!(rooms.len() <= MAX_ROOMS && slots.len() <= MAX_SLOTS);
            for r in rooms.clone() {
                for s in slots.clone() {
                    assert!(seen.insert((r, s)), "cell shown twice");
                }
            }
        }
        assert_eq!(seen.len(), 90);
    }

    #[test]
    fn day_names_in_both_languages() {
        let d: Date = "2026-12-05".parse().unwrap();
        assert_eq!(day_name(Lang::En, d), "Saturday 5 December");
        assert_eq!(day_name(Lang::Fr, d), "samedi 5 décembre");
    }

    #[test]
    fn the_qr_code_is_a_scalable_svg() {
        let svg = qr_svg("http://barcamp.test/e/camp").unwrap();
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains("viewBox="));
        assert!(!svg[..svg.find('>').unwrap()].contains(" width="));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(
            phone_url("http://barcamp.test/", "camp"),
            "http://barcamp.test/e/camp"
        );
    }
}
