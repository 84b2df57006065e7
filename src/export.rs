//! The schedule in formats other programs read.

use chrono::NaiveDateTime;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};

use crate::board::Board;
use crate::config::EventConfig;

/// The board as an iCalendar file: one VEVENT per session, with local times
/// in the event's timezone (`DTSTART;TZID=Europe/Paris:20261205T093000`).
pub fn ics(event: &EventConfig, board: &Board, public_url: &str) -> String {
    let mut cal = Calendar::new();
    cal.name(&event.title).timezone(event.timezone.as_str());
    let local = |day: &str, time: &str| {
        NaiveDateTime::parse_from_str(&format!("{day} {time}"), "%Y-%m-%d %H:%M")
            .ok()
            .map(|date_time| CalendarDateTime::WithTimezone {
                date_time,
                tzid: event.timezone.clone(),
            })
    };
    for s in board.sessions() {
        let Some(slot) = board.grid().slot(&s.slot) else {
            continue;
        };
        let (Some(start), Some(end)) = (local(&slot.day, &slot.start), local(&slot.day, &slot.end))
        else {
            continue;
        };
        let room = board
            .grid()
            .room(&s.room)
            .map_or(s.room.as_str(), |r| r.name.as_str());
        let mut description = format!("{} — {}", s.host.as_str(), s.description.as_str());
        if s.description.as_str().is_empty() {
            description = s.host.as_str().to_owned();
        }
        cal.push(
            Event::new()
                .uid(&format!("{}-{}@slotboard", event.slug, s.id))
                .summary(s.title.as_str())
                .description(&description)
                .location(room)
                .starts(start)
                .ends(end)
                .url(&format!("{public_url}/e/{}", event.slug))
                .done(),
        );
    }
    cal.done().to_string()
}
