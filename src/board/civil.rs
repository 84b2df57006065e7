//! A slot's day and times as values, and as the text they have always been
//! on the wire and on disk (`"2026-12-05"`, `"09:30"`).
//!
//! Why its own file: a [`Slot`](super::Slot) holds a `jiff` `Date` and two
//! `Time`s, parsed once from the config, so that no page, export or schedule
//! question parses them again. But the grid goes out in `welcome`, in
//! `board.json` and in archives, whose bytes must not change: the serde here
//! writes exactly the old strings and reads them back. [`hhmm`] is the one
//! way a time of the programme is shown.

use std::fmt;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Deserializer, Serializer};

/// `09:30`: a time of the programme as the config, the wire and the pages
/// write it (minutes; a slot has no seconds).
pub fn hhmm(t: Time) -> String {
    HhMm(t).to_string()
}

/// [`hhmm`] without the allocation, for serializers and `format!`.
struct HhMm(Time);

impl fmt::Display for HhMm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

/// The digits of `s` in `r` as a number, if they are all ASCII digits.
fn digits<T: std::str::FromStr>(s: &str, r: std::ops::Range<usize>) -> Option<T> {
    let part = s.get(r)?;
    part.bytes()
        .all(|c| c.is_ascii_digit())
        .then(|| part.parse().ok())?
}

/// Exactly `HH:MM` (two digits each), a real time: the one reading of a
/// slot time that the config, the grid ops and the wire share (each says
/// in its own words what to write instead).
pub fn read_hhmm(s: &str) -> Option<Time> {
    if s.len() != 5 || s.as_bytes()[2] != b':' {
        return None;
    }
    Time::new(digits(s, 0..2)?, digits(s, 3..5)?, 0, 0).ok()
}

/// Exactly `YYYY-MM-DD`, a real date: the one reading of a day, so that the
/// text a date shows as is the text it was written as.
pub fn read_day(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Date::new(digits(s, 0..4)?, digits(s, 5..7)?, digits(s, 8..10)?).ok()
}

/// Reads `HH:MM` (what [`hhmm`] writes); any other time `jiff` reads
/// (`09:30:00`) is taken too, so that a hand-edited file still loads.
fn read_time(s: &str) -> Option<Time> {
    read_hhmm(s).or_else(|| s.parse().ok())
}

/// Serde for a slot's `start` and `end`: `"09:30"`.
pub(super) mod time {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&HhMm(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        read_time(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a time written HH:MM")))
    }
}

/// Serde for a slot's `day`: `"2026-12-05"`.
pub(super) mod date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom(format!("{s:?} is not a date written YYYY-MM-DD"))
        })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

    #[test]
    fn one_strict_reading_of_times_and_days() {
        use super::{read_day, read_hhmm};
        assert_eq!(read_hhmm("09:30"), Some(time(9, 30, 0, 0)));
        assert_eq!(read_hhmm("23:59"), Some(time(23, 59, 0, 0)));
        for bad in [
            "9:30", "09:3", "24:00", "09:60", "09-30", "+9:30", "é:00", "09:30:00", "",
        ] {
            assert_eq!(read_hhmm(bad), None, "{bad:?}");
        }
        assert_eq!(read_day("2026-12-05"), Some(date(2026, 12, 5)));
        assert_eq!(read_day("2028-02-29"), Some(date(2028, 2, 29)));
        for bad in [
            "2026-2-05",
            "2026-02-30",
            "2026/12/05",
            "+026-12-05",
            "2026-12-0é",
            "",
        ] {
            assert_eq!(read_day(bad), None, "{bad:?}");
        }
    }

    use super::*;

    #[test]
    fn a_time_shows_as_the_config_writes_it() {
        assert_eq!(hhmm(time(9, 30, 0, 0)), "09:30");
        assert_eq!(hhmm(time(0, 0, 0, 0)), "00:00");
        assert_eq!(hhmm(time(23, 59, 0, 0)), "23:59");
    }

    #[test]
    fn times_read_back_and_nonsense_does_not() {
        assert_eq!(read_time("09:30"), Some(time(9, 30, 0, 0)));
        assert_eq!(read_time("09:30:00"), Some(time(9, 30, 0, 0)));
        for bad in ["24:00", "9:30", "09h30", "+9:30", "", "é9:30"] {
            assert_eq!(read_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_slot_writes_and_reads_the_same_json_as_when_it_held_strings() {
        let text = r#"{"id":"sat-0930","day":"2026-12-05","start":"09:30","end":"10:15"}"#;
        let slot: crate::board::Slot = serde_json::from_str(text).unwrap();
        assert_eq!(slot.day, date(2026, 12, 5));
        assert_eq!(
            (slot.start, slot.end),
            (time(9, 30, 0, 0), time(10, 15, 0, 0))
        );
        assert_eq!(serde_json::to_string(&slot).unwrap(), text);
    }

    #[test]
    fn a_date_is_written_iso() {
        assert_eq!(date(2026, 12, 5).to_string(), "2026-12-05");
        assert_eq!(date(1, 1, 1).to_string(), "0001-01-01");
    }
}
