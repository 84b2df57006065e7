//! The one set of labels for days, slots and cells, in French and English.
//!
//! Why here: the phone, the wall, the admin page and the notices all name the
//! same days and cells, and each used to have its own helper. They are pure
//! text over the grid and [`crate::i18n`]'s tables, so they sit in the core
//! beside the schedule questions and every page calls the same ones.

use jiff::civil::Date;

use super::{Cell, Grid, RoomId, Slot, SlotId, hhmm};
use crate::i18n::Lang;

/// How many characters of a public id people compare (`p_1a2b3c`): enough
/// to tell the people of one event apart by eye, short enough to read out.
pub const SHORT_ID_CHARS: usize = 8;

/// A public id as people can compare it: `p_1a2b3c`. The one rule for the
/// device-link page, the admin page and (as [`SHORT_ID_CHARS`], handed to
/// it) admin.js.
pub fn short_id(id: &str) -> &str {
    id.get(..SHORT_ID_CHARS).unwrap_or(id)
}

/// `samedi 5 décembre` / `Saturday 5 December`.
pub fn day_label(lang: Lang, date: Date) -> String {
    lang.date(date)
}

/// `sam. 5 déc.` / `Sat 5 Dec`.
pub fn day_short(lang: Lang, date: Date) -> String {
    lang.date_short(date)
}

/// `Sat 5 Dec 09:30`: a slot with its whole day.
pub fn slot_label(lang: Lang, slot: &Slot) -> String {
    format!("{} {}", day_short(lang, slot.day), hhmm(slot.start))
}

/// `sam. 09:30` / `Sat 09:30`, or only `09:30` when the event has one day:
/// a slot in a few characters.
pub fn slot_short(lang: Lang, grid: &Grid, slot: &SlotId) -> String {
    let Some(s) = grid.slot(slot) else {
        return slot.to_string();
    };
    if grid.slots.iter().all(|o| o.day == s.day) {
        return hhmm(s.start);
    }
    let day = day_label(lang, s.day);
    let short: String = match lang {
        Lang::En => day.chars().take(3).collect(),
        Lang::Fr => format!("{}.", day.chars().take(3).collect::<String>()),
    };
    format!("{short} {}", hhmm(s.start))
}

/// The room's name, or its id if the grid does not know it.
pub fn room_name<'a>(grid: &'a Grid, room: &'a RoomId) -> &'a str {
    grid.room(room).map_or(room.as_str(), |r| r.name.as_str())
}

/// `Amphi · 09:30`: a cell in a few characters.
pub fn cell_short(lang: Lang, grid: &Grid, cell: &Cell) -> String {
    format!(
        "{} · {}",
        room_name(grid, &cell.room),
        slot_short(lang, grid, &cell.slot)
    )
}

/// `Amphi, Sat 5 Dec 09:30`: a cell with its whole day.
pub fn cell_label(lang: Lang, grid: &Grid, cell: &Cell) -> String {
    let slot = grid
        .slot(&cell.slot)
        .map_or_else(|| cell.slot.to_string(), |s| slot_label(lang, s));
    format!("{}, {slot}", room_name(grid, &cell.room))
}

/// ` 1 seat` / ` 30 places` (with the leading space the pages put after a
/// room's name).
pub fn seats(lang: Lang, n: u32) -> String {
    let unit = if n == 1 {
        lang.t("seat", "place")
    } else {
        lang.t("seats", "places")
    };
    format!(" {n} {unit}")
}
