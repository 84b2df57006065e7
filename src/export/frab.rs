//! The frab/pretalx schedule, as `schedule.xml` and `schedule.json`: the
//! format that conference apps (Giggity, ConfClerk, the c3voc tools) read.
//!
//! The XML follows the community schema (voc/schedule,
//! `validator/xsd/schedule.xml.xsd`): `<version>`, `<conference>`, then one
//! `<day>` per day with every room of the event and its sessions as
//! `<event>`s. The JSON is pretalx's `schedule.json` with the same content.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Serialize;
use serde::ser::SerializeMap;
use sha2::{Digest, Sha256};

use super::Placed;
use crate::board::{Board, Session, Slot};
use crate::config::EventConfig;

/// What both formats say, computed once.
struct Schedule<'a> {
    event: &'a EventConfig,
    version: String,
    base_url: String,
    start: Option<String>,
    end: Option<String>,
    timeslot: String,
    days: Vec<Day<'a>>,
    labels: &'a [String],
}

struct Day<'a> {
    /// 1, 2, ...
    index: usize,
    date: String,
    /// The start of its first slot and the end of its last, with offset.
    start: Option<String>,
    end: Option<String>,
    /// Per room of the grid (in its order), the sessions there that day.
    rooms: Vec<Vec<&'a Placed<'a>>>,
}

fn schedule<'a>(
    event: &'a EventConfig,
    board: &'a Board,
    placed: &'a [Placed<'a>],
    labels: &'a [String],
    public_url: &str,
) -> Schedule<'a> {
    let days = super::days(board);
    let rooms = &board.grid().rooms;
    let bounds = |slots: &[&Slot]| {
        let times: Vec<_> = slots
            .iter()
            .filter_map(|s| super::slot_times(event, s))
            .collect();
        let start = times.iter().map(|(s, _)| s).min().map(super::rfc3339_local);
        let end = times.iter().map(|(_, e)| e).max().map(super::rfc3339_local);
        (start, end)
    };
    // The shortest slot: the finest step an app's grid needs.
    let timeslot = board
        .grid()
        .slots
        .iter()
        .filter_map(|s| super::slot_times(event, s))
        .map(|(s, e)| super::minutes_between(&s, &e))
        .filter(|m| *m > 0)
        .min()
        .unwrap_or(60);
    Schedule {
        event,
        version: format!("rev {}", board.rev()),
        base_url: format!("{public_url}/e/{}", event.slug),
        start: days.first().map(|(d, _)| d.to_string()),
        end: days.last().map(|(d, _)| d.to_string()),
        timeslot: super::hh_mm(timeslot),
        days: days
            .iter()
            .enumerate()
            .map(|(i, (date, slots))| {
                let (start, end) = bounds(slots);
                Day {
                    index: i + 1,
                    date: date.to_string(),
                    start,
                    end,
                    rooms: rooms
                        .iter()
                        .map(|r| {
                            placed
                                .iter()
                                .filter(|p| p.slot.day == *date && p.room.id == r.id)
                                .collect()
                        })
                        .collect(),
                }
            })
            .collect(),
        labels,
    }
}

/// A stable UUID-shaped id for a session: the first 16 bytes of
/// SHA-256(`slotboard:{event slug}:{session id}`), marked as a version 5
/// (name-based) RFC 4122 UUID, written 8-4-4-4-12.
pub(super) fn guid(event_slug: &str, session: &Session) -> String {
    let digest = Sha256::digest(format!("slotboard:{event_slug}:{}", session.id).as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The positive integer id the formats want: the number of `s_42`, or,
/// for an id of another shape, a number from its hash.
fn numeric_id(session: &Session) -> u64 {
    let id = session.id.as_str();
    if let Some(n) = id
        .strip_prefix("s_")
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    let digest = Sha256::digest(id.as_bytes());
    let mut b = [0u8; 4];
    b.copy_from_slice(&digest[..4]);
    // Far above any board's revisions, so it cannot meet an `s_N`.
    (1 << 40) + u64::from(u32::from_be_bytes(b))
}

/// The session's slug: unique in the schedule (`camp-s_42`).
fn session_slug(event_slug: &str, session: &Session) -> String {
    format!("{event_slug}-{}", session.id)
}

fn first_tag(session: &Session) -> &str {
    session.tags.iter().next().map_or("", |t| t.as_str())
}

/// `schedule.xml`: valid against the frab schedule schema. `public_url`
/// makes the link back to the live board.
pub fn frab_xml(event: &EventConfig, board: &Board, public_url: &str) -> String {
    let labels = super::room_labels(board);
    let placed = super::programme(event, board, &labels);
    let schedule = schedule(event, board, &placed, &labels, public_url);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    write_xml(&mut w, &schedule).expect("XML writes to memory");
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    String::from_utf8(bytes).expect("XML of UTF-8 text is UTF-8")
}

fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

fn write_xml(w: &mut Writer<Vec<u8>>, s: &Schedule<'_>) -> io::Result<()> {
    let event = s.event;
    let language = super::first_language(event);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("schedule").write_inner_content(|w| {
        text_element(w, "version", &s.version)?;
        w.create_element("conference").write_inner_content(|w| {
            text_element(w, "acronym", &event.slug)?;
            text_element(w, "title", &event.title)?;
            if let (Some(start), Some(end)) = (&s.start, &s.end) {
                text_element(w, "start", start)?;
                text_element(w, "end", end)?;
            }
            text_element(w, "days", &s.days.len().to_string())?;
            text_element(w, "timeslot_duration", &s.timeslot)?;
            Ok(())
        })?;
        for day in &s.days {
            let index = day.index.to_string();
            let mut el = w
                .create_element("day")
                .with_attribute(("index", index.as_str()))
                .with_attribute(("date", day.date.as_str()));
            if let (Some(start), Some(end)) = (&day.start, &day.end) {
                el = el
                    .with_attribute(("start", start.as_str()))
                    .with_attribute(("end", end.as_str()));
            }
            el.write_inner_content(|w| {
                for (label, sessions) in s.labels.iter().zip(&day.rooms) {
                    let room = w
                        .create_element("room")
                        .with_attribute(("name", label.as_str()));
                    if sessions.is_empty() {
                        room.write_empty()?;
                        continue;
                    }
                    room.write_inner_content(|w| {
                        for p in sessions {
                            write_xml_event(w, event, language, &s.base_url, p)?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_xml_event(
    w: &mut Writer<Vec<u8>>,
    event: &EventConfig,
    language: &str,
    base_url: &str,
    p: &Placed<'_>,
) -> io::Result<()> {
    let s = p.session;
    let id = numeric_id(s).to_string();
    let guid = guid(&event.slug, s);
    w.create_element("event")
        .with_attribute(("guid", guid.as_str()))
        .with_attribute(("id", id.as_str()))
        .write_inner_content(|w| {
            text_element(w, "date", &super::rfc3339_local(&p.start))?;
            text_element(w, "start", &p.start.strftime("%H:%M").to_string())?;
            text_element(
                w,
                "duration",
                &super::hh_mm(super::minutes_between(&p.start, &p.end)),
            )?;
            text_element(w, "room", p.room_label)?;
            text_element(w, "slug", &session_slug(&event.slug, s))?;
            text_element(w, "title", s.title.as_str())?;
            text_element(w, "subtitle", "")?;
            text_element(w, "track", first_tag(s))?;
            text_element(w, "type", "session")?;
            text_element(w, "language", language)?;
            text_element(w, "abstract", s.description.as_str())?;
            w.create_element("persons").write_inner_content(|w| {
                text_element(w, "person", s.host.as_str())?;
                Ok(())
            })?;
            w.create_element("links").write_inner_content(|w| {
                w.create_element("link")
                    .with_attribute(("href", base_url))
                    .write_text_content(BytesText::new("slotboard"))?;
                // The session's own links (notes, slides, a call).
                for l in s.links.iter() {
                    w.create_element("link")
                        .with_attribute(("href", l.url()))
                        .write_text_content(BytesText::new(l.text()))?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

// ---------------------------------------------------------------------------
// schedule.json

#[derive(Serialize)]
struct JsonRoot<'a> {
    schedule: JsonSchedule<'a>,
}

#[derive(Serialize)]
struct JsonSchedule<'a> {
    version: &'a str,
    base_url: &'a str,
    conference: JsonConference<'a>,
}

#[derive(Serialize)]
struct JsonConference<'a> {
    acronym: &'a str,
    title: &'a str,
    start: Option<&'a str>,
    end: Option<&'a str>,
    #[serde(rename = "daysCount")]
    days_count: usize,
    timeslot_duration: &'a str,
    time_zone_name: &'a str,
    url: &'a str,
    rooms: Vec<JsonRoom<'a>>,
    days: Vec<JsonDay<'a>>,
}

#[derive(Serialize)]
struct JsonRoom<'a> {
    name: &'a str,
    slug: &'a str,
    capacity: u32,
}

#[derive(Serialize)]
struct JsonDay<'a> {
    index: usize,
    date: &'a str,
    day_start: Option<&'a str>,
    day_end: Option<&'a str>,
    rooms: JsonDayRooms<'a>,
}

/// `{"Room name": [event, ...], ...}` in the rooms' order (a map by name,
/// as pretalx writes it, but not sorted).
struct JsonDayRooms<'a>(Vec<(&'a str, Vec<JsonEvent>)>);

impl Serialize for JsonDayRooms<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, events) in &self.0 {
            map.serialize_entry(name, events)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct JsonEvent {
    id: u64,
    guid: String,
    date: String,
    start: String,
    duration: String,
    room: String,
    slug: String,
    url: String,
    title: String,
    subtitle: String,
    track: String,
    #[serde(rename = "type")]
    kind: &'static str,
    language: String,
    #[serde(rename = "abstract")]
    abstract_: String,
    description: String,
    tags: Vec<String>,
    votes: u32,
    persons: Vec<JsonPerson>,
    links: Vec<JsonLink>,
    attachments: Vec<()>,
}

/// One of a session's links, as pretalx writes them.
#[derive(Serialize)]
struct JsonLink {
    url: String,
    title: String,
}

#[derive(Serialize)]
struct JsonPerson {
    public_name: String,
}

/// `schedule.json`, pretalx's shape: `{"schedule": {"version", "base_url",
/// "conference": {"acronym", "title", "start", "end", "daysCount",
/// "timeslot_duration", "time_zone_name", "rooms", "days": [{"index",
/// "date", "day_start", "day_end", "rooms": {"Room": [event, ...]}}]}}}`.
pub fn frab_json(event: &EventConfig, board: &Board, public_url: &str) -> String {
    let labels = super::room_labels(board);
    let placed = super::programme(event, board, &labels);
    let s = schedule(event, board, &placed, &labels, public_url);
    let language = super::first_language(event);
    let json_event = |p: &Placed<'_>| {
        let session = p.session;
        JsonEvent {
            id: numeric_id(session),
            guid: guid(&event.slug, session),
            date: super::rfc3339_local(&p.start),
            start: p.start.strftime("%H:%M").to_string(),
            duration: super::hh_mm(super::minutes_between(&p.start, &p.end)),
            room: p.room_label.to_owned(),
            slug: session_slug(&event.slug, session),
            url: s.base_url.clone(),
            title: session.title.as_str().to_owned(),
            subtitle: String::new(),
            track: first_tag(session).to_owned(),
            kind: "session",
            language: language.to_owned(),
            abstract_: session.description.as_str().to_owned(),
            description: String::new(),
            tags: session.tags.iter().map(|t| t.as_str().to_owned()).collect(),
            votes: session.votes,
            persons: vec![JsonPerson {
                public_name: session.host.as_str().to_owned(),
            }],
            links: session
                .links
                .iter()
                .map(|l| JsonLink {
                    url: l.url().to_owned(),
                    title: l.text().to_owned(),
                })
                .collect(),
            attachments: Vec::new(),
        }
    };
    let root = JsonRoot {
        schedule: JsonSchedule {
            version: &s.version,
            base_url: &s.base_url,
            conference: JsonConference {
                acronym: &event.slug,
                title: &event.title,
                start: s.start.as_deref(),
                end: s.end.as_deref(),
                days_count: s.days.len(),
                timeslot_duration: &s.timeslot,
                time_zone_name: &event.timezone,
                url: &s.base_url,
                rooms: board
                    .grid()
                    .rooms
                    .iter()
                    .zip(s.labels)
                    .map(|(r, label)| JsonRoom {
                        name: label,
                        slug: r.id.as_str(),
                        capacity: r.capacity,
                    })
                    .collect(),
                days: s
                    .days
                    .iter()
                    .map(|d| JsonDay {
                        index: d.index,
                        date: &d.date,
                        day_start: d.start.as_deref(),
                        day_end: d.end.as_deref(),
                        rooms: JsonDayRooms(
                            s.labels
                                .iter()
                                .zip(&d.rooms)
                                .map(|(label, list)| {
                                    (label.as_str(), list.iter().map(|p| json_event(p)).collect())
                                })
                                .collect(),
                        ),
                    })
                    .collect(),
            },
        },
    };
    let mut text = serde_json::to_string_pretty(&root).expect("the schedule serializes");
    text.push('\n');
    text
}
