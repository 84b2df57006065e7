//! "Change the grid": plain forms for the grid ops of the day (add, rename,
//! resize and remove a room; add, retime and remove a slot; add a day), so
//! that an organiser reshapes the grid without JavaScript and without
//! touching config.toml.
//!
//! Each form posts the protocol's own fields to `/e/{event}/admin/{op}`
//! (`room`, `name`, `capacity`; `slot`, `day`, `start`, `end`), which the
//! socket's parser and the core judge; nothing here decides a rule. The
//! forms are pre-filled with what an organiser most likely wants: the
//! current name and times, the next free time after the last slot of a day,
//! the day after the last one. Its own file because the grid itself
//! ([`super::grid`]) is re-rendered by admin.js, and these forms are not.

use jiff::ToSpan;
use jiff::civil::{Date, Time};
use maud::{Markup, html};

use crate::board::labels::day_short;
use crate::board::{Grid, Room, Slot, hhmm};
use crate::i18n::Lang;
use crate::views::FormReqs;

/// The `#grid-edit` section.
pub(super) fn section(lang: Lang, slug: &str, grid: &Grid, reqs: &FormReqs) -> Markup {
    html! {
        section id="grid-edit" aria-labelledby="grid-edit-h" {
            h2 id="grid-edit-h" { (lang.t("Change the grid", "Modifier la grille")) }
            p class="muted" {
                (lang.t(
                    "Rooms and slots can change on the day: sessions keep their room and slot. A room or slot that holds a session or a lock cannot be removed: move the sessions first.",
                    "Salles et créneaux peuvent changer le jour même : les sessions gardent leur salle et leur créneau. Une salle ou un créneau qui contient une session ou un verrou ne peut pas être retiré : déplacez d'abord les sessions.",
                ))
            }
            h3 { (lang.t("Rooms", "Salles")) }
            @for room in &grid.rooms { (room_row(lang, slug, room, reqs)) }
            (add_room(lang, slug, grid, reqs))
            h3 { (lang.t("Slots", "Créneaux")) }
            @for day in grid.days() {
                (day_forms(lang, slug, grid, day, reqs))
            }
            (add_day(lang, slug, grid, reqs))
        }
    }
}

fn action(slug: &str, op: &str) -> String {
    format!("/e/{slug}/admin/{op}")
}

/// Rename or resize a room, and remove it.
fn room_row(lang: Lang, slug: &str, room: &Room, reqs: &FormReqs) -> Markup {
    let id = room.id.as_str();
    html! {
        div class="grid-edit-row" data-room=(id) {
            form class="inline" method="post" action=(action(slug, "edit_room")) id={ "edit-room-" (id) } {
                input type="hidden" name="req" value=(reqs.next());
                input type="hidden" name="room" value=(id);
                label for={ "room-name-" (id) } { (lang.t("Name", "Nom")) " " code { (id) } }
                " "
                input type="text" id={ "room-name-" (id) } name="name" value=(room.name) maxlength="40";
                " "
                label for={ "room-cap-" (id) } { (lang.t("Seats", "Places")) }
                " "
                input type="number" id={ "room-cap-" (id) } name="capacity" value=(room.capacity) min="0" max="100000";
                " "
                button type="submit" { (lang.t("Save", "Enregistrer")) }
            }
            " "
            form class="inline" method="post" action=(action(slug, "remove_room")) {
                input type="hidden" name="req" value=(reqs.next());
                input type="hidden" name="room" value=(id);
                button type="submit" class="danger"
                    aria-label={ (lang.t("Remove the room ", "Retirer la salle ")) (room.name) } {
                    (lang.t("Remove", "Retirer"))
                }
            }
        }
    }
}

/// The first `{base}`, `{base}-2`, ... that `taken` does not hold.
fn free_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_default()
}

fn add_room(lang: Lang, slug: &str, grid: &Grid, reqs: &FormReqs) -> Markup {
    let n = grid.rooms.len() + 1;
    let id = free_id(&format!("room-{n}"), |id| {
        grid.rooms.iter().any(|r| r.id.as_str() == id)
    });
    html! {
        form id="add-room-form" class="tool" method="post" action=(action(slug, "add_room")) {
            input type="hidden" name="req" value=(reqs.next());
            fieldset {
                legend { (lang.t("Add a room", "Ajouter une salle")) }
                p {
                    label for="add-room-id" { (lang.t("Id (a-z, 0-9, -)", "Identifiant (a-z, 0-9, -)")) }
                    input type="text" id="add-room-id" name="room" value=(id) required maxlength="32"
                        pattern="[a-z0-9-]+" spellcheck="false" autocomplete="off";
                }
                p {
                    label for="add-room-name" { (lang.t("Name", "Nom")) }
                    input type="text" id="add-room-name" name="name" required maxlength="40";
                }
                p {
                    label for="add-room-cap" { (lang.t("Seats", "Places")) }
                    input type="number" id="add-room-cap" name="capacity" value="30" min="0" max="100000" required;
                }
                p { button type="submit" { (lang.t("Add the room", "Ajouter la salle")) } }
            }
        }
    }
}

/// `sat-0930` for a slot on a Saturday at 09:30, made unique in `grid`.
fn slot_id(grid: &Grid, day: Date, start: Time) -> String {
    let weekday = format!("{:?}", day.weekday()).to_lowercase();
    let base = format!(
        "{}-{}",
        weekday.get(..3).unwrap_or("day"),
        hhmm(start).replace(':', "")
    );
    free_id(&base, |id| grid.slots.iter().any(|s| s.id.as_str() == id))
}

/// The slots of `day`, each retimed or removed, and a slot to add after the
/// last one (as long as the last one, starting when it ends).
fn day_forms(lang: Lang, slug: &str, grid: &Grid, day: Date, reqs: &FormReqs) -> Markup {
    let slots: Vec<&Slot> = grid.slots.iter().filter(|s| s.day == day).collect();
    let label = day_short(lang, day);
    let next = slots.iter().max_by_key(|s| s.end).map(|last| {
        let length = last.end.since(last.start).unwrap_or_default();
        let end = last
            .end
            .checked_add(length)
            .ok()
            .filter(|e| *e > last.end)
            .unwrap_or(Time::MAX);
        (last.end, end)
    });
    let (start, end) = next.unwrap_or((Time::constant(9, 0, 0, 0), Time::constant(9, 45, 0, 0)));
    let form_id = format!("add-slot-{day}");
    html! {
        fieldset class="grid-edit-day" data-day=(day.to_string()) {
            legend { (label) }
            @for slot in &slots { (slot_row(lang, slug, slot, reqs)) }
            form id=(form_id) class="inline" method="post" action=(action(slug, "add_slot")) {
                input type="hidden" name="req" value=(reqs.next());
                input type="hidden" name="day" value=(day.to_string());
                (slot_fields(lang, &form_id, &slot_id(grid, day, start), start, end))
                button type="submit" { (lang.t("Add this slot", "Ajouter ce créneau")) }
            }
        }
    }
}

fn slot_fields(lang: Lang, form_id: &str, id: &str, start: Time, end: Time) -> Markup {
    html! {
        label for={ (form_id) "-id" } { (lang.t("Id", "Identifiant")) }
        " "
        input type="text" id={ (form_id) "-id" } name="slot" value=(id) required maxlength="32"
            pattern="[a-z0-9-]+" spellcheck="false" autocomplete="off" size="10";
        " "
        label for={ (form_id) "-start" } { (lang.t("from", "de")) }
        " "
        input type="time" id={ (form_id) "-start" } name="start" value=(hhmm(start)) required;
        " "
        label for={ (form_id) "-end" } { (lang.t("to", "à")) }
        " "
        input type="time" id={ (form_id) "-end" } name="end" value=(hhmm(end)) required;
        " "
    }
}

fn slot_row(lang: Lang, slug: &str, slot: &Slot, reqs: &FormReqs) -> Markup {
    let id = slot.id.as_str();
    html! {
        div class="grid-edit-row" data-slot=(id) {
            form class="inline" method="post" action=(action(slug, "edit_slot")) id={ "edit-slot-" (id) } {
                input type="hidden" name="req" value=(reqs.next());
                input type="hidden" name="slot" value=(id);
                code { (id) }
                " "
                label for={ "slot-start-" (id) } { (lang.t("from", "de")) }
                " "
                input type="time" id={ "slot-start-" (id) } name="start" value=(hhmm(slot.start)) required;
                " "
                label for={ "slot-end-" (id) } { (lang.t("to", "à")) }
                " "
                input type="time" id={ "slot-end-" (id) } name="end" value=(hhmm(slot.end)) required;
                " "
                button type="submit" { (lang.t("Retime", "Changer l'horaire")) }
            }
            " "
            form class="inline" method="post" action=(action(slug, "remove_slot")) {
                input type="hidden" name="req" value=(reqs.next());
                input type="hidden" name="slot" value=(id);
                button type="submit" class="danger"
                    aria-label={ (lang.t("Remove the slot ", "Retirer le créneau ")) (id) } {
                    (lang.t("Remove", "Retirer"))
                }
            }
        }
    }
}

/// A slot on a new date: the day after the last one, at the last day's
/// first times.
fn add_day(lang: Lang, slug: &str, grid: &Grid, reqs: &FormReqs) -> Markup {
    let last_day = grid.days().last().copied();
    let first_of_last = last_day.and_then(|d| {
        grid.slots
            .iter()
            .filter(|s| s.day == d)
            .min_by_key(|s| s.start)
    });
    let (start, end) = first_of_last.map_or(
        (Time::constant(9, 0, 0, 0), Time::constant(9, 45, 0, 0)),
        |s| (s.start, s.end),
    );
    let day = last_day
        .and_then(|d| d.checked_add(1.day()).ok())
        .unwrap_or(Date::constant(2030, 1, 1));
    let form_id = "add-day";
    html! {
        form id=(form_id) class="tool" method="post" action=(action(slug, "add_slot")) {
            input type="hidden" name="req" value=(reqs.next());
            fieldset {
                legend { (lang.t("Add a day (its first slot)", "Ajouter un jour (son premier créneau)")) }
                p {
                    label for="add-day-day" { (lang.t("Day", "Jour")) }
                    " "
                    input type="date" id="add-day-day" name="day" value=(day.to_string()) required;
                }
                p { (slot_fields(lang, form_id, &slot_id(grid, day, start), start, end)) }
                p { button type="submit" { (lang.t("Add the day", "Ajouter le jour")) } }
            }
        }
    }
}
