//! `[[events]]`: one event's name, timezone, languages, rooms and days, and
//! the grid of its board.
//!
//! Validation turns the text serde reads ([`RawEvent`]) into typed values
//! once: a day's date is a [`Date`], a slot's start and end are [`Time`]s,
//! the timezone is a [`TimeZone`]. Pages, exports and lifecycle decisions
//! use those and never parse the config's text again; the board's own
//! [`Slot`] (the wire and journal form) keeps its strings, written from the
//! typed values in the form the organiser wrote them.

use std::collections::{BTreeMap, HashSet};

use jiff::Zoned;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::dates::parse_date;
use super::slug::{check_id, check_slug};
use super::times::{hhmm, parse_time};
use super::{Checked, LANGUAGES, invalid};
use crate::auth::OrganiserSecret;
use crate::board::{Grid, Room, RoomId, Slot, SlotId, invisible_problem, line_problem};

/// One `[[events]]` entry, validated.
#[derive(Debug, Clone)]
pub struct EventConfig {
    /// The URL name: `[a-z0-9-]`, 1 to 64 characters, no leading or
    /// trailing dash. Unique across the config.
    pub slug: String,
    /// The event's name, as shown on every page.
    pub title: String,
    /// The IANA name of the event's timezone, in its canonical spelling
    /// (`Europe/Paris`).
    pub timezone: String,
    /// The languages of the pages, each `fr` or `en`; the first is the
    /// default. Never empty.
    pub languages: Vec<String>,
    /// The rooms, in the order of the config (the order of the wall).
    pub rooms: Vec<RoomConfig>,
    /// The days, in the order of the config.
    pub days: Vec<DayConfig>,
    /// The resolved organiser secret (see the module docs).
    pub organiser: OrganiserSecret,
    /// This event's own `max_sessions_per_participant`, when it sets one
    /// (else `[server]`'s applies; see [`EventConfig::session_cap`]).
    pub max_sessions_per_participant: Option<u32>,
    /// The demo event (the `[demo]` table), whose days are today and
    /// tomorrow at the server's start (`config::demo`); its `days` are empty
    /// until [`EventConfig::with_demo_days`] fills them.
    pub demo: bool,
    /// Created on the venue's page (`config::created`), not in config.toml.
    pub created: bool,
    tz: TimeZone,
}

/// `[[events.rooms]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoomConfig {
    /// `[A-Za-z0-9_-]`, 1 to 32 characters, unique within the event.
    pub id: String,
    /// The name shown on the wall.
    pub name: String,
    /// Seats, at least 1.
    pub capacity: u32,
}

/// `[[events.days]]`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayConfig {
    /// The day, written `YYYY-MM-DD` in the config (its `Display` gives
    /// that text back).
    pub date: Date,
    /// At least one slot; no two overlap.
    pub slots: Vec<SlotConfig>,
}

/// One slot of a day, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotConfig {
    /// `[A-Za-z0-9_-]`, 1 to 32 characters, unique within the event.
    pub id: String,
    /// Written `HH:MM`, 24-hour clock, in the event's timezone.
    pub start: Time,
    /// After `start`, on the same day.
    pub end: Time,
}

impl SlotConfig {
    /// `start` as the config writes it: `09:30`.
    pub fn start_hhmm(&self) -> String {
        hhmm(self.start)
    }

    /// `end` as the config writes it: `10:15`.
    pub fn end_hhmm(&self) -> String {
        hhmm(self.end)
    }
}

impl EventConfig {
    /// The rooms and slots of the board; slots sorted by (day, start).
    pub fn grid(&self) -> Grid {
        let rooms = self
            .rooms
            .iter()
            .map(|r| Room {
                id: RoomId(r.id.clone()),
                name: r.name.clone(),
                capacity: r.capacity,
            })
            .collect();
        let mut slots: Vec<Slot> = self
            .days
            .iter()
            .flat_map(|d| {
                d.slots.iter().map(|s| Slot {
                    id: SlotId(s.id.clone()),
                    day: d.date,
                    start: s.start,
                    end: s.end,
                })
            })
            .collect();
        slots.sort_by_key(|s| (s.day, s.start));
        Grid { rooms, slots }
    }

    /// The first and the last day of the event (the same for a one-day
    /// event); `None` never happens for a validated config.
    pub fn first_and_last_day(&self) -> Option<(Date, Date)> {
        let first = self.days.iter().map(|d| d.date).min()?;
        let last = self.days.iter().map(|d| d.date).max()?;
        Some((first, last))
    }

    /// The event's timezone.
    pub fn tz(&self) -> TimeZone {
        self.tz.clone()
    }

    /// The most sessions one participant may hold on this event's board:
    /// the event's own key, else `[server]`'s; `None` (0 in the config) for
    /// no cap. Organisers are never capped.
    pub fn session_cap(&self, server: &super::ServerConfig) -> Option<u32> {
        let max = self
            .max_sessions_per_participant
            .unwrap_or(server.max_sessions_per_participant);
        (max > 0).then_some(max)
    }

    /// The organiser secret of this event.
    pub fn organiser(&self) -> &OrganiserSecret {
        &self.organiser
    }

    /// When the slot starts and ends, in the event's timezone; `None` for an
    /// unknown slot id. A time that falls in a daylight-saving gap is moved
    /// forward, as clocks do.
    pub fn slot_times(&self, slot_id: &str) -> Option<(Zoned, Zoned)> {
        self.days.iter().find_map(|d| {
            let s = d.slots.iter().find(|s| s.id == slot_id)?;
            let start = d.date.to_datetime(s.start);
            let end = d.date.to_datetime(s.end);
            Some((
                start.to_zoned(self.tz.clone()).ok()?,
                end.to_zoned(self.tz.clone()).ok()?,
            ))
        })
    }
}

// ---------------------------------------------------------------------------
// What serde reads, before validation.

/// One `[[events]]` entry as serde reads it: from config.toml, and as JSON
/// from the venue's API and the files of the events it created
/// (`config::created`). Text, checked by [`validate_event`].
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub slug: String,
    pub title: String,
    pub timezone: String,
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organiser_token_hash: Option<String>,
    #[serde(default)]
    pub rooms: Vec<RoomConfig>,
    #[serde(default)]
    pub days: Vec<RawDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_sessions_per_participant: Option<u32>,
    /// `[demo]` only: whether the demo runs (default: it does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// `[[events.days]]` as serde reads it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDay {
    pub date: String,
    #[serde(default)]
    pub slots: Vec<RawSlot>,
}

/// One slot as serde reads it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlot {
    pub id: String,
    pub start: String,
    pub end: String,
}

/// Every language slotboard speaks, in [`LANGUAGES`]' order (French first).
fn default_languages() -> Vec<String> {
    LANGUAGES.iter().map(|&l| l.to_owned()).collect()
}

/// Checks one event; `key` is its place (`events[0]`, or `demo` for the
/// demo, which has no days of its own).
pub(super) fn validate_event(
    key: &str,
    raw: RawEvent,
    shared: Option<&OrganiserSecret>,
    demo: bool,
) -> Checked<EventConfig> {
    if !demo && raw.enabled.is_some() {
        return Err(invalid(
            format!("{key}.enabled"),
            "only the [demo] table has `enabled`; an [[events]] entry runs while it is in \
             the file",
        ));
    }
    check_slug(&raw.slug).map_err(|why| invalid(format!("{key}.slug"), why))?;

    let title = raw.title.trim().to_owned();
    if title.is_empty() {
        return Err(invalid(
            format!("{key}.title"),
            "is empty; give the event a name, e.g. \"BarCamp Rennes 2026\"",
        ));
    }
    if title.chars().any(char::is_control) {
        return Err(invalid(
            format!("{key}.title"),
            "contains a control character; write it on one line",
        ));
    }
    one_line(&format!("{key}.title"), &title)?;

    let tz = TimeZone::get(&raw.timezone).map_err(|_| {
        invalid(
            format!("{key}.timezone"),
            format!(
                "unknown timezone {:?}; use an IANA name such as \"Europe/Paris\" or \"UTC\"",
                raw.timezone
            ),
        )
    })?;
    let timezone = tz.iana_name().unwrap_or(&raw.timezone).to_owned();

    if raw.languages.is_empty() {
        return Err(invalid(
            format!("{key}.languages"),
            "is empty; list at least one of \"fr\" and \"en\" (the first is the default)",
        ));
    }
    for (j, lang) in raw.languages.iter().enumerate() {
        if !LANGUAGES.contains(&lang.as_str()) {
            return Err(invalid(
                format!("{key}.languages[{j}]"),
                format!("unknown language {lang:?}; slotboard speaks \"fr\" and \"en\""),
            ));
        }
        if raw.languages[..j].contains(lang) {
            return Err(invalid(
                format!("{key}.languages[{j}]"),
                format!("{lang:?} is listed twice; list each language once"),
            ));
        }
    }

    validate_rooms(key, &raw.rooms)?;
    let days = if demo {
        if !raw.days.is_empty() {
            return Err(invalid(
                format!("{key}.days"),
                "the demo has no days of its own: they are today and tomorrow when the \
                 server starts; remove its days (or make it an [[events]] entry with dates)",
            ));
        }
        Vec::new()
    } else {
        validate_days(key, &raw.days)?
    };

    let from_hash = match &raw.organiser_token_hash {
        Some(hash) => Some(OrganiserSecret::parse(hash).map_err(|why| {
            invalid(
                format!("{key}.organiser_token_hash"),
                format!("{why}; or remove the key and set SLOTBOARD_ORGANISER_TOKEN"),
            )
        })?),
        None => None,
    };
    let organiser = match (shared, from_hash) {
        (Some(secret), _) => secret.clone(),
        (None, Some(secret)) => secret,
        (None, None) => {
            return Err(invalid(
                format!("{key}.organiser_token_hash"),
                format!(
                    "event {:?} has no organiser secret; run `slotboard hash-token` and paste \
                     what it prints here as organiser_token_hash = \"sha256:...\", or set the \
                     SLOTBOARD_ORGANISER_TOKEN environment variable",
                    raw.slug
                ),
            ));
        }
    };

    Ok(EventConfig {
        slug: raw.slug,
        title,
        timezone,
        languages: raw.languages,
        rooms: raw
            .rooms
            .into_iter()
            .map(|r| RoomConfig {
                name: r.name.trim().to_owned(),
                ..r
            })
            .collect(),
        days,
        organiser,
        max_sessions_per_participant: raw.max_sessions_per_participant,
        demo,
        created: false,
        tz,
    })
}

/// The board's rule for a one-line text people read on the wall (no line
/// separators or tag characters, at least one visible character), for the
/// names the config gives.
fn one_line(key: &str, text: &str) -> Checked<()> {
    match line_problem(text).or_else(|| invisible_problem(text)) {
        Some(why) => Err(invalid(key.to_owned(), why)),
        None => Ok(()),
    }
}

fn validate_rooms(key: &str, rooms: &[RoomConfig]) -> Checked<()> {
    if rooms.is_empty() {
        return Err(invalid(
            format!("{key}.rooms"),
            "no room is defined; add at least one [[events.rooms]] with an id, a name and a capacity",
        ));
    }
    let mut ids = HashSet::new();
    for (j, room) in rooms.iter().enumerate() {
        let rkey = format!("{key}.rooms[{j}]");
        check_id(&room.id, "room").map_err(|why| invalid(format!("{rkey}.id"), why))?;
        if !ids.insert(room.id.as_str()) {
            return Err(invalid(
                format!("{rkey}.id"),
                format!(
                    "duplicate room id {:?}; room ids must be unique within an event",
                    room.id
                ),
            ));
        }
        if room.name.trim().is_empty() {
            return Err(invalid(
                format!("{rkey}.name"),
                "is empty; give the room the name people see on the door",
            ));
        }
        if room.name.chars().any(char::is_control) {
            return Err(invalid(
                format!("{rkey}.name"),
                "contains a control character; write it on one line",
            ));
        }
        one_line(&format!("{rkey}.name"), room.name.trim())?;
        if room.capacity == 0 {
            return Err(invalid(
                format!("{rkey}.capacity"),
                "is 0; give the number of seats (at least 1)",
            ));
        }
    }
    Ok(())
}

/// Checks the days and their slots, and parses their dates and times.
fn validate_days(key: &str, days: &[RawDay]) -> Checked<Vec<DayConfig>> {
    if days.is_empty() {
        return Err(invalid(
            format!("{key}.days"),
            "no day is defined; add at least one [[events.days]] with a date and its slots",
        ));
    }
    let mut dates = HashSet::new();
    let mut slot_ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut checked = Vec::with_capacity(days.len());
    for (d, day) in days.iter().enumerate() {
        let dkey = format!("{key}.days[{d}]");
        let date = parse_date(&day.date).map_err(|why| invalid(format!("{dkey}.date"), why))?;
        if !dates.insert(day.date.as_str()) {
            return Err(invalid(
                format!("{dkey}.date"),
                format!(
                    "day {} is declared twice; put all its slots under one [[events.days]]",
                    day.date
                ),
            ));
        }
        if day.slots.is_empty() {
            return Err(invalid(
                format!("{dkey}.slots"),
                format!(
                    "day {} has no slot; add slots such as {{ id = \"sat-0930\", start = \"09:30\", \
                     end = \"10:15\" }}, or remove the day",
                    day.date
                ),
            ));
        }
        // (start, end, index) of each slot, for the overlap check.
        let mut spans: Vec<(Time, Time, usize)> = Vec::with_capacity(day.slots.len());
        let mut slots = Vec::with_capacity(day.slots.len());
        for (k, slot) in day.slots.iter().enumerate() {
            let skey = format!("{dkey}.slots[{k}]");
            check_id(&slot.id, "slot").map_err(|why| invalid(format!("{skey}.id"), why))?;
            if let Some(first) = slot_ids.get(slot.id.as_str()) {
                return Err(invalid(
                    format!("{skey}.id"),
                    format!(
                        "duplicate slot id {:?} (already used at {first}); slot ids must be unique \
                         within an event, across all its days",
                        slot.id
                    ),
                ));
            }
            slot_ids.insert(&slot.id, skey.clone());
            let start =
                parse_time(&slot.start).map_err(|why| invalid(format!("{skey}.start"), why))?;
            let end = parse_time(&slot.end).map_err(|why| invalid(format!("{skey}.end"), why))?;
            if start >= end {
                return Err(invalid(
                    format!("{skey}.end"),
                    format!(
                        "slot {:?} ends at {} but starts at {}; the end must be after the start, \
                         on the same day",
                        slot.id, slot.end, slot.start
                    ),
                ));
            }
            spans.push((start, end, k));
            slots.push(SlotConfig {
                id: slot.id.clone(),
                start,
                end,
            });
        }
        // By start, then by declaration order, so that of two overlapping
        // slots the one declared later is the one reported.
        spans.sort_by_key(|&(start, _, k)| (start, k));
        for pair in spans.windows(2) {
            let (_, prev_end, p) = pair[0];
            let (next_start, _, n) = pair[1];
            if next_start < prev_end {
                let (a, b) = (&day.slots[p], &day.slots[n]);
                return Err(invalid(
                    format!("{dkey}.slots[{n}]"),
                    format!(
                        "slot {:?} ({}-{}) overlaps slot {:?} ({}-{}) on {}; slots of a day must \
                         not overlap, so start it at {} or later",
                        b.id, b.start, b.end, a.id, a.start, a.end, day.date, a.end
                    ),
                ));
            }
        }
        checked.push(DayConfig { date, slots });
    }
    Ok(checked)
}
