//! The venue's grid builder: what the "new event" form turns into the keys
//! of an `[[events]]` table, so that a venue manager never writes an id or
//! a slot by hand.
//!
//! Pure rules, given text and times: the slug suggested from a title, room
//! ids from room names, the dates and rooms as the form's fields write them,
//! and the slots of a day, either generated (first start, last end, slot
//! length, break, lunch) or copied from an earlier event. The table they make
//! is then checked by the one validation of config.toml
//! (`config::created`), which has the last word.

use jiff::civil::{Date, Time};

use super::created::FieldError;
use super::dates::parse_date;
use super::times::{hhmm, parse_time};
use super::{EventConfig, RawDay, RawSlot, RoomConfig};

/// The longest slug (`config::slug`'s rule) and room id.
const SLUG_MAX: usize = 64;
const ID_MAX: usize = 32;

/// The most slots the builder makes in a day.
pub const MAX_SLOTS_PER_DAY: usize = 48;

/// The slug suggested for a title: "BarCamp Rennes 2027 : café" becomes
/// `barcamp-rennes-2027-cafe`; `event` when nothing is left.
pub fn suggest_slug(title: &str) -> String {
    cut(&slug::slugify(title), SLUG_MAX, "event")
}

/// The id of a room named `name`, unlike those `taken` (`salle-b`,
/// `salle-b-2`).
pub fn room_id(name: &str, taken: &[String]) -> String {
    let base = cut(&slug::slugify(name), ID_MAX - 3, "room");
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

fn cut(s: &str, max: usize, empty: &str) -> String {
    // slugify gives ASCII only: any byte is a character boundary.
    let s = s[..s.len().min(max)].trim_end_matches('-');
    if s.is_empty() {
        empty.to_owned()
    } else {
        s.to_owned()
    }
}

/// The id of the slot that starts at `start` on the event's `day`-th day
/// (from 1): `d1-0930`. The demo's slots are named the same way.
pub fn slot_id(day: usize, start: Time) -> String {
    format!("d{day}-{:02}{:02}", start.hour(), start.minute())
}

/// The dates of the form's "days" field: `2027-01-16, 2027-01-17` (commas,
/// spaces or lines between them), in the order given.
pub fn parse_dates(text: &str) -> Result<Vec<Date>, FieldError> {
    let dates: Result<Vec<Date>, FieldError> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| parse_date(s).map_err(|why| FieldError::new("days", why)))
        .collect();
    let dates = dates?;
    if dates.is_empty() {
        return Err(FieldError::new(
            "days",
            "give the event's days, e.g. 2027-01-16 (several separated by commas)",
        ));
    }
    Ok(dates)
}

/// The rooms of the form's "rooms" field: one per line, `Name, capacity`
/// (`Amphi, 120`); a room without a capacity seats 30.
pub fn parse_rooms(text: &str) -> Result<Vec<RoomConfig>, FieldError> {
    let mut rooms: Vec<RoomConfig> = Vec::new();
    for (i, line) in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let (name, capacity) = match line.rsplit_once(',') {
            Some((name, cap)) => {
                let capacity = cap.trim().parse::<u32>().map_err(|_| {
                    FieldError::new(
                        format!("rooms[{i}].capacity"),
                        format!(
                            "line {:?}: the capacity after the comma is not a number of seats; \
                             write e.g. \"Amphi, 120\"",
                            line
                        ),
                    )
                })?;
                (name.trim(), capacity)
            }
            None => (line, 30),
        };
        let taken: Vec<String> = rooms.iter().map(|r| r.id.clone()).collect();
        rooms.push(RoomConfig {
            id: room_id(name, &taken),
            name: name.to_owned(),
            capacity,
        });
    }
    Ok(rooms)
}

/// How the builder cuts a day into slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayPlan {
    pub first_start: Time,
    pub last_end: Time,
    pub slot_minutes: u32,
    pub break_minutes: u32,
    /// When lunch starts and how long it lasts; no slot runs into it.
    pub lunch: Option<(Time, u32)>,
}

impl DayPlan {
    /// A plan from the form's fields (`09:30`, `18:00`, `45`, `15`,
    /// `12:30`, `60`); an empty lunch start means no lunch.
    pub fn parse(
        first_start: &str,
        last_end: &str,
        slot_minutes: &str,
        break_minutes: &str,
        lunch_start: &str,
        lunch_minutes: &str,
    ) -> Result<DayPlan, FieldError> {
        let time =
            |field: &str, s: &str| parse_time(s.trim()).map_err(|why| FieldError::new(field, why));
        let minutes = |field: &str, s: &str, range: std::ops::RangeInclusive<u32>| {
            let s = s.trim();
            let s = if s.is_empty() { "0" } else { s };
            match s.parse::<u32>() {
                Ok(n) if range.contains(&n) => Ok(n),
                _ => Err(FieldError::new(
                    field,
                    format!(
                        "{s:?} is not a number of minutes from {} to {}",
                        range.start(),
                        range.end()
                    ),
                )),
            }
        };
        let lunch = if lunch_start.trim().is_empty() {
            None
        } else {
            match minutes("lunch_minutes", lunch_minutes, 0..=240)? {
                0 => None,
                len => Some((time("lunch_start", lunch_start)?, len)),
            }
        };
        Ok(DayPlan {
            first_start: time("first_start", first_start)?,
            last_end: time("last_end", last_end)?,
            slot_minutes: minutes("slot_minutes", slot_minutes, 5..=480)?,
            break_minutes: minutes("break_minutes", break_minutes, 0..=240)?,
            lunch,
        })
    }

    /// The (start, end) of each slot: from the first start, one slot after
    /// the other with the break between them, lunch skipped, none ending
    /// after the last end.
    pub fn slots(&self) -> Result<Vec<(Time, Time)>, FieldError> {
        let mins = |t: Time| i32::from(t.hour()) * 60 + i32::from(t.minute());
        let (first, last) = (mins(self.first_start), mins(self.last_end));
        if first >= last {
            return Err(FieldError::new(
                "last_end",
                format!(
                    "the day ends at {} but starts at {}; the end must be after the start",
                    hhmm(self.last_end),
                    hhmm(self.first_start)
                ),
            ));
        }
        let (slot, pause) = (self.slot_minutes as i32, self.break_minutes as i32);
        let mut lunch = self.lunch.map(|(t, len)| (mins(t), len as i32));
        let mut out = Vec::new();
        let mut t = first;
        loop {
            if let Some((at, len)) = lunch
                && t + slot > at
            {
                // This slot would run into lunch: it starts after it.
                t = t.max(at + len);
                lunch = None;
                continue;
            }
            if t + slot > last || out.len() == MAX_SLOTS_PER_DAY {
                break;
            }
            out.push((time_of(t), time_of(t + slot)));
            t += slot + pause;
        }
        if out.is_empty() {
            return Err(FieldError::new(
                "slot_minutes",
                format!(
                    "no slot of {} minutes fits between {} and {}; shorten the slots or widen the day",
                    self.slot_minutes,
                    hhmm(self.first_start),
                    hhmm(self.last_end)
                ),
            ));
        }
        Ok(out)
    }

    /// The days of `dates`, each cut by this plan.
    pub fn days(&self, dates: &[Date]) -> Result<Vec<RawDay>, FieldError> {
        let slots = self.slots()?;
        Ok(days_with(dates, |_| slots.clone()))
    }
}

fn time_of(minutes: i32) -> Time {
    // In 0..24h by construction: the plan ends by its last end.
    Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).unwrap_or(Time::MAX)
}

/// The rooms of an earlier event, as they are now.
pub fn rooms_like(source: &EventConfig) -> Vec<RoomConfig> {
    source.rooms.clone()
}

/// The days of `dates` with the slot times of an earlier event: its first
/// day's times for the first date, its second's for the second, and its
/// last day's for any further date.
pub fn days_like(dates: &[Date], source: &EventConfig) -> Vec<RawDay> {
    let times: Vec<Vec<(Time, Time)>> = (source.days.iter())
        .map(|d| d.slots.iter().map(|s| (s.start, s.end)).collect())
        .collect();
    days_with(dates, |i| {
        times.get(i).or(times.last()).cloned().unwrap_or_default()
    })
}

fn days_with(dates: &[Date], times_of: impl Fn(usize) -> Vec<(Time, Time)>) -> Vec<RawDay> {
    (dates.iter().enumerate())
        .map(|(i, date)| RawDay {
            date: date.to_string(),
            slots: (times_of(i).into_iter())
                .map(|(start, end)| RawSlot {
                    id: slot_id(i + 1, start),
                    start: hhmm(start),
                    end: hhmm(end),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_and_room_ids_are_suggested_from_names() {
        assert_eq!(
            suggest_slug("BarCamp Rennes 2027 : café"),
            "barcamp-rennes-2027-cafe"
        );
        assert_eq!(suggest_slug("!!"), "event");
        assert!(crate::config::is_slug(&suggest_slug(
            &"très long ".repeat(20)
        )));
        let taken = vec!["salle-b".to_owned()];
        assert_eq!(room_id("Salle B", &taken), "salle-b-2");
        assert_eq!(room_id("Cafét'", &[]), "cafet");
    }

    #[test]
    fn a_day_is_cut_around_lunch_and_never_past_its_end() {
        let plan = DayPlan::parse("09:30", "17:00", "45", "15", "12:30", "60").unwrap();
        let slots: Vec<String> = (plan.slots().unwrap().iter())
            .map(|(a, b)| format!("{}-{}", hhmm(*a), hhmm(*b)))
            .collect();
        assert_eq!(
            slots,
            [
                "09:30-10:15",
                "10:30-11:15",
                "11:30-12:15",
                "13:30-14:15",
                "14:30-15:15",
                "15:30-16:15"
            ]
        );
        let days = plan
            .days(&[Date::constant(2027, 1, 16), Date::constant(2027, 1, 17)])
            .unwrap();
        assert_eq!(days[1].slots[0].id, "d2-0930");
        assert_eq!(days[1].date, "2027-01-17");
    }

    #[test]
    fn a_plan_that_makes_no_slot_says_which_field_to_fix() {
        let e = DayPlan::parse("18:00", "09:00", "45", "0", "", "")
            .unwrap()
            .slots()
            .unwrap_err();
        assert_eq!(e.field, "last_end");
        let e = DayPlan::parse("09:00", "09:30", "45", "0", "", "")
            .unwrap()
            .slots()
            .unwrap_err();
        assert_eq!(e.field, "slot_minutes");
        assert_eq!(
            DayPlan::parse("9h", "18:00", "45", "0", "", "")
                .unwrap_err()
                .field,
            "first_start"
        );
        assert_eq!(
            DayPlan::parse("09:00", "18:00", "0", "0", "", "")
                .unwrap_err()
                .field,
            "slot_minutes"
        );
        let p = DayPlan::parse("00:00", "23:59", "5", "0", "", "").unwrap();
        assert_eq!(p.slots().unwrap().len(), MAX_SLOTS_PER_DAY);
    }

    #[test]
    fn the_form_s_dates_and_rooms_read_as_written() {
        let d = parse_dates("2027-01-16, 2027-01-17\n").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(parse_dates(" ").unwrap_err().field, "days");
        assert_eq!(parse_dates("16/01/2027").unwrap_err().field, "days");
        let rooms = parse_rooms("Amphi, 120\nSalle B\n\nSalle B, 12").unwrap();
        let ids: Vec<&str> = rooms.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["amphi", "salle-b", "salle-b-2"]);
        assert_eq!(rooms[1].capacity, 30);
        assert_eq!(
            parse_rooms("Amphi, many").unwrap_err().field,
            "rooms[0].capacity"
        );
    }
}
