//! The wall (projector) view: one day at a time, rooms as columns, slots as
//! rows, now and next marked, a QR code to join, readable from the back of
//! the room and never touched.
//!
//! The server renders everything (so the page is complete without JS); the
//! JS (assets/wall.js) keeps it live and follows the clock by looking up the
//! core's timeline in the `wall-data` block (the phases of the slots and the
//! day to show, from each instant on): it computes no phase and no day.
//! Files: [`grid`] (a day's tables), [`pages`] (cutting a day into screens),
//! [`pitch`] (the pitch mode, shown instead of the board while the queue is open).

mod grid;
pub mod pages;
pub mod pitch;

use jiff::Timestamp;
use maud::{Markup, PreEscaped, html};
use serde::Serialize;

use super::{Page, json_block, lang_for, lang_switch, layout, offered};
use crate::board::Board;
use crate::board::labels::day_label;
use crate::board::schedule::{Phase, Schedule};
use crate::config::EventConfig;
use crate::hub::Snapshot;
use crate::i18n::Lang;

pub use grid::phase_label;
pub use pages::{MAX_ROOMS, MAX_SLOTS, ROTATE_MS, pages, runs};

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

/// HH:MM of an instant in the event's timezone.
pub fn local_hhmm(event: &EventConfig, at: Timestamp) -> String {
    at.to_zoned(event.tz()).strftime("%H:%M").to_string()
}

/// The phone view's address, as the QR code and the text beside it say it.
pub fn phone_url(public_url: &str, slug: &str) -> String {
    format!("{}/e/{}", public_url.trim_end_matches('/'), slug)
}

/// The QR code of `url` as an inline `<svg>` that scales to its box (the
/// text beside it says what it is).
pub fn qr_svg(url: &str) -> Option<String> {
    super::qr::svg(url, None)
}

/// A slot and its instants (UTC). The script only needs the ids (its clock is
/// the timeline); the instants stay for other readers of the block.
#[derive(Serialize)]
struct SlotData<'a> {
    id: &'a str,
    day: String,
    start: String,
    end: String,
}

/// From `from` (ms since the epoch; `null`: since ever) on, these phases (in
/// the order of `slots`) and this day.
#[derive(Serialize)]
struct StepData {
    from: Option<i64>,
    phases: Vec<Phase>,
    day: Option<String>,
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
    slots: Vec<SlotData<'a>>,
    timeline: Vec<StepData>,
    t: Strings<'a>,
    pitch: pitch::PitchData<'a>,
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
        scripts: &["common.js", "live.js", "wall.js"],
        languages: &langs,
    };
    let board = &snap.board;
    // The board's grid: the config's, or what organisers made of it.
    let grid = board.grid();
    let schedule = Schedule::new(&grid.slots, grid.days(), event.tz());
    let clock = schedule.clock(info.now);
    let dates = schedule.days();

    let days: Vec<grid::Day<'_>> = dates
        .iter()
        .map(|date| grid::Day {
            date: *date,
            label: day_label(lang, *date),
            slots: grid
                .slots
                .iter()
                .zip(clock.phases())
                .filter(|(s, _)| s.day == *date)
                .map(|(s, p)| (s, *p))
                .collect(),
        })
        .collect();
    let shown = schedule.day_at(info.now).unwrap_or(0);

    let data = WallData {
        slug: &event.slug,
        lang: lang.code(),
        timezone: &event.timezone,
        rotate_ms: ROTATE_MS,
        rooms: grid.rooms.iter().map(|r| r.id.as_str()).collect(),
        slots: grid
            .slots
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (start, end) = schedule
                    .times(i)
                    .unwrap_or((Timestamp::MIN, Timestamp::MIN));
                SlotData {
                    id: s.id.as_str(),
                    day: s.day.to_string(),
                    start: start.to_string(),
                    end: end.to_string(),
                }
            })
            .collect(),
        timeline: schedule
            .timeline()
            .into_iter()
            .map(|step| StepData {
                from: step.from.map(|t| t.as_millisecond()),
                phases: step.phases,
                day: step.day.map(|i| dates[i].to_string()),
            })
            .collect(),
        t: Strings {
            now: phase_label(lang, Phase::Now),
            next: phase_label(lang, Phase::Next),
            past: phase_label(lang, Phase::Past),
            free: lang.t("Free", "Libre"),
            locked: lang.t("Locked", "Verrouillé"),
            connecting: lang.t("Connecting…", "Connexion…"),
            live: lang.t("Live", "En direct"),
            reconnecting: lang.t("Reconnecting…", "Reconnexion…"),
            offline: lang.t("Offline", "Hors ligne"),
            never: "—",
        },
        pitch: pitch::data(lang, board),
    };
    let pitch_mode = board.pitches().wall_mode();

    let url = phone_url(info.public_url, &event.slug);
    let qr = qr_svg(&url);
    let now_hhmm = local_hhmm(event, info.now);
    let ended = crate::lifecycle::state(event, board, info.now) == crate::lifecycle::State::Ended;

    layout(
        &page,
        html! {
            div id="wall" data-mode=(if pitch_mode { "pitch" } else { "board" }) {
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
                    (pitch::section(lang, board, clock.phases()))
                    main class="wall-main" aria-label=(lang.t("Programme", "Programme")) hidden[pitch_mode] {
                        @for (i, day) in days.iter().enumerate() {
                            (grid::day_section(lang, &event.slug, board, &grid.rooms, day, i == shown))
                        }
                    }
                }
                aside class="join" aria-label=(lang.t("Join from your phone", "Rejoindre depuis votre téléphone")) {
                    p class="join-text join-board" { (lang.t("Claim a slot from your phone:", "Proposez une session depuis votre téléphone :")) }
                    p class="join-text join-pitch" { (lang.t("Join the pitch queue from your phone:", "Inscrivez-vous aux pitchs depuis votre téléphone :")) }
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

#[cfg(test)]
mod tests {
    use super::*;

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
