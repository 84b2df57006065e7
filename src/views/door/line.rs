//! One line of a door sign ("now" or "next"): the slot's time and what is in
//! the room then. assets/door.js draws the same markup from the live board,
//! with the words of [`words`].

use maud::{Markup, html};
use serde::Serialize;

use crate::board::door::{DoorCell, Occupant};
use crate::board::labels::day_short;
use crate::board::{Slot, hhmm};
use crate::i18n::Lang;

/// A slot's time as the sign shows it: `09:30–10:15`.
pub fn slot_time(slot: &Slot) -> String {
    format!("{}–{}", hhmm(slot.start), hhmm(slot.end))
}

/// The words of the sign, for the script.
#[derive(Serialize)]
pub struct Words {
    pub free: &'static str,
    pub locked: &'static str,
    pub none_now: &'static str,
    pub none_next: &'static str,
    pub connecting: &'static str,
    pub live: &'static str,
    pub reconnecting: &'static str,
    pub offline: &'static str,
}

/// The sign's words in `lang`.
pub fn words(lang: Lang) -> Words {
    Words {
        free: lang.t("Free: claim it", "Libre : proposez une session"),
        locked: lang.t("Not available", "Indisponible"),
        none_now: lang.t("Nothing on right now", "Rien en ce moment"),
        none_next: lang.t("Nothing more on the programme", "Plus rien au programme"),
        connecting: lang.t("Connecting…", "Connexion…"),
        live: lang.t("Live", "En direct"),
        reconnecting: lang.t("Reconnecting…", "Reconnexion…"),
        offline: lang.t("Offline", "Hors ligne"),
    }
}

/// The section of the line `which` (`now` or `next`), with its heading;
/// `another_day`: the slot's day goes before its time.
pub(super) fn section(
    lang: Lang,
    which: &str,
    cell: Option<&DoorCell<'_>>,
    another_day: bool,
) -> Markup {
    let heading = if which == "now" {
        lang.t("Now", "Maintenant")
    } else {
        lang.t("Next", "Ensuite")
    };
    let w = words(lang);
    let state = match cell.map(|c| c.occupant) {
        Some(Occupant::Session(_)) => "taken",
        Some(Occupant::Free) => "free",
        Some(Occupant::Locked) => "locked",
        None => "none",
    };
    let id = format!("door-{which}");
    html! {
        section id=(id) class={ "door-line door-" (which) } data-state=(state)
            data-slot=[cell.map(|c| c.slot.id.as_str())]
            aria-labelledby={ (id) "-h" } {
            h2 id={ (id) "-h" } class="door-when" { (heading) }
            p class="door-time" {
                @if let Some(c) = cell {
                    @if another_day { (day_short(lang, c.slot.day)) " " }
                    (slot_time(c.slot))
                }
            }
            @match cell.map(|c| c.occupant) {
                Some(Occupant::Session(s)) => {
                    p class="door-title" { (s.title.as_str()) }
                    p class="door-host" { (s.host.as_str()) }
                    (crate::views::links::list(lang, s.links.iter()))
                }
                Some(Occupant::Free) => p class="door-note" { (w.free) },
                Some(Occupant::Locked) => p class="door-note" { (w.locked) },
                None if which == "now" => p class="door-note" { (w.none_now) },
                None => p class="door-note" { (w.none_next) },
            }
        }
    }
}
