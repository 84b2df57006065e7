//! iCalendar: the whole programme, or one session.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::Offset;

use crate::board::{Board, Session, SessionId};
use crate::config::EventConfig;

/// The board as an iCalendar file: one VEVENT per session, with local times
/// in the event's timezone (`DTSTART;TZID=Europe/Paris:20261205T093000`).
///
/// `updated` is the time of the board's last change (the `at` of its last
/// record) and becomes every VEVENT's `DTSTAMP`; without it, the start of
/// the event's first slot is used. The clock is never read: the same board
/// gives the same bytes.
pub fn ics(
    event: &EventConfig,
    board: &Board,
    public_url: &str,
    updated: Option<Timestamp>,
) -> String {
    ics_of(event, board, board.sessions(), public_url, updated)
}

/// One session as an iCalendar file (one VEVENT), to add it alone to a
/// calendar; `None` when the board has no such session.
pub fn ics_session(
    event: &EventConfig,
    board: &Board,
    session: &SessionId,
    public_url: &str,
    updated: Option<Timestamp>,
) -> Option<String> {
    let s = board.session(session)?;
    Some(ics_of(event, board, [s], public_url, updated))
}

/// A slot's day and time as the calendar library holds them (to the
/// minute, as a slot is). Every `jiff` date (years -9999 to 9999) is a
/// `chrono` one and every time of day is one too, so this cannot fail.
fn naive(day: Date, time: Time) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(
        i32::from(day.year()),
        u32::from(day.month().unsigned_abs()),
        u32::from(day.day().unsigned_abs()),
    )
    .and_then(|d| {
        d.and_hms_opt(
            u32::from(time.hour().unsigned_abs()),
            u32::from(time.minute().unsigned_abs()),
            0,
        )
    })
    .expect("a jiff civil date and time is a chrono one")
}

/// Some sessions of the board as an iCalendar file: a participant's own
/// calendar feed (the sessions they host and want to attend), and the
/// whole board's and one session's files below.
pub fn ics_of<'a>(
    event: &EventConfig,
    board: &Board,
    sessions: impl IntoIterator<Item = &'a Session>,
    public_url: &str,
    updated: Option<Timestamp>,
) -> String {
    let stamp = updated.unwrap_or_else(|| super::default_stamp(event, board));
    let stamp = DateTime::<Utc>::from_timestamp(stamp.as_second(), 0).unwrap_or_default();
    let mut cal = Calendar::new();
    cal.name(&event.title).timezone(event.timezone.as_str());
    let local = |day: Date, time: Time| CalendarDateTime::WithTimezone {
        date_time: naive(day, time),
        tzid: event.timezone.clone(),
    };
    for s in sessions {
        let Some(slot) = board.grid().slot(&s.slot) else {
            continue;
        };
        let (start, end) = (local(slot.day, slot.start), local(slot.day, slot.end));
        let room = board
            .grid()
            .room(&s.room)
            .map_or(s.room.as_str(), |r| r.name.as_str());
        let mut description = s.host.as_str().to_owned();
        if !s.description.as_str().is_empty() {
            description.push_str(" — ");
            description.push_str(s.description.as_str());
        }
        let tags = super::tags_joined(s);
        if !tags.is_empty() {
            description.push_str(&format!("\n\nTags: {tags}"));
        }
        // The first link is the event's URL; the others go in the text.
        let mut links = s.links.iter();
        let url = links.next().map_or_else(
            || format!("{public_url}/e/{}", event.slug),
            |l| l.url().to_owned(),
        );
        let more: Vec<String> = links
            .map(|l| match l.label() {
                "" => l.url().to_owned(),
                label => format!("{label}: {}", l.url()),
            })
            .collect();
        if !more.is_empty() {
            description.push_str(&format!("\n\n{}", more.join("\n")));
        }
        cal.push(
            Event::new()
                .uid(&format!("{}-{}@slotboard", event.slug, s.id))
                .timestamp(stamp)
                .summary(s.title.as_str())
                .description(&description)
                .location(room)
                .starts(start)
                .ends(end)
                .url(&url)
                .done(),
        );
    }
    let text = cal.done().to_string();
    // The VTIMEZONE goes before the first component that uses it.
    match (vtimezone(event), text.find("BEGIN:VEVENT")) {
        (Some(tz), Some(at)) => format!("{}{tz}{}", &text[..at], &text[at..]),
        _ => text,
    }
}

/// The `VTIMEZONE` that every `TZID` must point to (RFC 5545, 3.6.5): the
/// event's zone, with each offset change from a year before its first day to
/// a year after its last, as the tz database gives them.
///
/// The icalendar crate has no builder for time zones (its components all get
/// a UID and DTSTAMP, which a VTIMEZONE must not have), so this one is
/// written as text; a test reads it back with the crate's parser.
fn vtimezone(event: &EventConfig) -> Option<String> {
    let tz = event.tz();
    let (start, end) = event.first_and_last_day()?;
    let from = start.saturating_sub(jiff::Span::new().years(1));
    let until = end.saturating_add(jiff::Span::new().years(1));
    let from_ts = tz
        .to_timestamp(from.to_datetime(jiff::civil::Time::midnight()))
        .ok()?;
    let until_ts = tz
        .to_timestamp(until.to_datetime(jiff::civil::Time::midnight()))
        .ok()?;

    let mut text = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", event.timezone);
    let mut before = tz.to_offset(from_ts);
    let mut any = false;
    for t in tz.following(from_ts) {
        if t.timestamp() > until_ts {
            break;
        }
        let after = t.offset();
        let kind = if t.dst().is_dst() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // DTSTART is the local time of the change, on the clock before it.
        let local = before.to_datetime(t.timestamp());
        text.push_str(&observance(kind, local, before, after, t.abbreviation()));
        before = after;
        any = true;
    }
    if !any {
        // A zone without changes (UTC, or one that gave up summer time).
        let offset = tz.to_offset(from_ts);
        let info = tz.to_offset_info(from_ts);
        let name = info.abbreviation().to_owned();
        let local = jiff::civil::date(1970, 1, 1).to_datetime(jiff::civil::Time::midnight());
        text.push_str(&observance("STANDARD", local, offset, offset, &name));
    }
    text.push_str("END:VTIMEZONE\r\n");
    Some(text)
}

fn observance(
    kind: &str,
    local: jiff::civil::DateTime,
    from: Offset,
    to: Offset,
    name: &str,
) -> String {
    let mut s = format!(
        "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n",
        local.strftime("%Y%m%dT%H%M%S"),
        ical_offset(from),
        ical_offset(to),
    );
    if !name.is_empty() {
        s.push_str(&format!("TZNAME:{name}\r\n"));
    }
    s.push_str(&format!("END:{kind}\r\n"));
    s
}

/// `+0100`, `-0330`.
fn ical_offset(offset: Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    format!("{sign}{:02}{:02}", secs / 3600, (secs % 3600) / 60)
}
