//! The demo event's days: not dates written in the file but "today and
//! tomorrow" in the event's timezone, at the instant the server starts.
//!
//! The `[demo]` table is an event (slug, title, timezone, rooms, secret)
//! with no days, and `enabled = false` to turn it off; the config keeps it
//! apart in [`Config::demo`], and the server, which holds the clock, puts it
//! among the events with its days at start ([`Config::with_demo_days`]). The rule is
//! pure (an instant in, days out) so that it is tested at any hour, across a
//! change of the clocks, without a server:
//!
//! - the first day is the date of `now` in the event's timezone, the second
//!   the day after it: the demo is live from the start and stays live for at
//!   least 24 hours (its last slot ends at 23:59 of the second day);
//! - each day is 24 slots of an hour, back to back, `HH:00` to `HH+1:00`
//!   (the last one ends at `23:59`, a slot never crosses midnight): at every
//!   instant but the last minute of a day one slot is `now` and the next one
//!   `next`, so the wall is always lit;
//! - slot ids are `d1-0900`, `d2-1400`: the day's place in the demo, then
//!   its start. The demo's folder is reset when its dates change (`demo.rs`),
//!   so an id never meets the sessions of another date.
//!
//! A day in which the clocks jump keeps its 24 slots: the one in the gap
//! starts when the clocks do, as every slot time in a gap does
//! ([`EventConfig::slot_times`]).

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use super::{Config, DayConfig, EventConfig, SlotConfig};

/// The demo's two days at `now`: today and tomorrow in `tz`.
pub fn demo_dates(tz: &TimeZone, now: Timestamp) -> [Date; 2] {
    let today = now.to_zoned(tz.clone()).date();
    let tomorrow = today.tomorrow().unwrap_or(today);
    [today, tomorrow]
}

/// The slot id of hour `hour` (0..=23) of the demo's day `day` (1 or 2).
pub fn demo_slot_id(day: usize, hour: i8) -> String {
    super::builder::slot_id(day, Time::constant(hour, 0, 0, 0))
}

/// The demo's days and their slots at `now` (see the module docs).
pub fn demo_days(tz: &TimeZone, now: Timestamp) -> Vec<DayConfig> {
    demo_dates(tz, now)
        .into_iter()
        .enumerate()
        .map(|(d, date)| DayConfig {
            date,
            slots: (0..24)
                .map(|hour| SlotConfig {
                    id: demo_slot_id(d + 1, hour),
                    start: Time::constant(hour, 0, 0, 0),
                    end: if hour == 23 {
                        Time::constant(23, 59, 0, 0)
                    } else {
                        Time::constant(hour + 1, 0, 0, 0)
                    },
                })
                .collect(),
        })
        .collect()
}

impl EventConfig {
    /// This event with its demo days at `now` when it is the demo; as it is
    /// otherwise.
    pub fn with_demo_days(mut self, now: Timestamp) -> EventConfig {
        if self.demo {
            self.days = demo_days(&self.tz(), now);
        }
        self
    }
}

impl Config {
    /// The config with the demo (`[demo]`, when enabled) among its events,
    /// its days set at `now`; the other events are untouched. The server
    /// calls it at start with its clock; calling it again (a reload) puts
    /// the demo in once, with the days of the new instant.
    pub fn with_demo_days(mut self, now: Timestamp) -> Config {
        self.events.retain(|e| !e.demo);
        if let Some(demo) = &self.demo {
            self.events.push(demo.clone().with_demo_days(now));
        }
        self
    }

    /// The demo among the events (after [`Config::with_demo_days`]).
    pub fn demo_events(&self) -> impl Iterator<Item = &EventConfig> {
        self.events.iter().filter(|e| e.demo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    /// The instant of a wall-clock time in Paris.
    fn at_paris(civil: &str) -> Timestamp {
        civil
            .parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(paris())
            .unwrap()
            .timestamp()
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_demo_is_today_and_tomorrow_at_any_hour() {
        for (now, today, tomorrow) in [
            ("2026-12-02T00:30", "2026-12-02", "2026-12-03"),
            ("2026-12-02T12:00", "2026-12-02", "2026-12-03"),
            ("2026-12-02T23:50", "2026-12-02", "2026-12-03"),
            ("2026-12-31T23:50", "2026-12-31", "2027-01-01"),
            ("2028-02-28T09:00", "2028-02-28", "2028-02-29"),
        ] {
            assert_eq!(
                demo_dates(&paris(), at_paris(now)),
                [date(today), date(tomorrow)],
                "at {now} in Paris"
            );
        }
    }

    #[test]
    fn today_is_the_event_timezone_s_not_utc_s() {
        // 23:30 UTC on 1 December is already 00:30 on the 2nd in Paris.
        let now: Timestamp = "2026-12-01T23:30:00Z".parse().unwrap();
        assert_eq!(demo_dates(&paris(), now)[0], date("2026-12-02"));
        assert_eq!(demo_dates(&TimeZone::UTC, now)[0], date("2026-12-01"));
    }

    #[test]
    fn the_dates_hold_across_the_changes_of_the_clocks_in_paris() {
        // Spring forward: 2026-03-29, 02:00 CET becomes 03:00 CEST.
        for (utc, today) in [
            ("2026-03-28T23:30:00Z", "2026-03-29"), // 00:30 CET
            ("2026-03-29T00:59:00Z", "2026-03-29"), // 01:59 CET
            ("2026-03-29T01:00:00Z", "2026-03-29"), // 03:00 CEST
            ("2026-03-29T21:50:00Z", "2026-03-29"), // 23:50 CEST
            ("2026-03-29T22:00:00Z", "2026-03-30"), // 00:00 CEST
            // Fall back: 2026-10-25, 03:00 CEST becomes 02:00 CET.
            ("2026-10-25T00:30:00Z", "2026-10-25"), // 02:30 CEST
            ("2026-10-25T01:30:00Z", "2026-10-25"), // 02:30 CET
            ("2026-10-25T22:50:00Z", "2026-10-25"), // 23:50 CET
            ("2026-10-25T23:00:00Z", "2026-10-26"), // 00:00 CET
        ] {
            let now: Timestamp = utc.parse().unwrap();
            let today = date(today);
            assert_eq!(
                demo_dates(&paris(), now),
                [today, today.tomorrow().unwrap()],
                "at {utc}"
            );
        }
    }

    fn demo_config(head: &str, days: &str) -> Result<Config, super::super::ConfigError> {
        let hash = crate::auth::hash_secret("organiser-secret");
        let text = format!(
            "[demo]\n{head}slug = \"demo\"\ntitle = \"Demo\"\ntimezone = \"Europe/Paris\"\n\
             organiser_token_hash = \"{hash}\"\n\
             [[demo.rooms]]\nid = \"amphi\"\nname = \"Amphi\"\ncapacity = 10\n{days}"
        );
        Config::from_toml_str(&text, "t.toml", &super::super::Overrides::default())
    }

    #[test]
    fn a_demo_has_no_days_of_its_own_until_the_clock_gives_them() {
        let config = demo_config("", "").unwrap();
        assert!(config.events.is_empty(), "the demo alone is a config");
        let demo = config.demo.clone().unwrap();
        assert!(demo.demo && demo.days.is_empty());
        let live = config.with_demo_days(at_paris("2026-12-02T12:00"));
        assert_eq!(live.events.len(), 1);
        let again = live.clone().with_demo_days(at_paris("2026-12-03T12:00"));
        assert_eq!(again.events.len(), 1, "the demo is in once");
        assert_eq!(again.events[0].days[0].date, date("2026-12-03"));
        let grid = live.events[0].grid();
        assert_eq!(grid.slots.len(), 48);
        assert_eq!(grid.slots[0].day, date("2026-12-02"));
        assert_eq!(grid.slots[47].day, date("2026-12-03"));
        let (start, end) = live.events[0].slot_times("d1-1200").unwrap();
        assert!(start.timestamp() <= at_paris("2026-12-02T12:00"));
        assert!(
            at_paris("2026-12-02T12:00") < end.timestamp(),
            "a slot is now"
        );

        let err = demo_config(
            "",
            "[[demo.days]]\ndate = \"2026-12-05\"\n\
             slots = [{ id = \"s\", start = \"09:00\", end = \"10:00\" }]\n",
        )
        .unwrap_err();
        assert_eq!(err.key(), Some("demo.days"));
        let off = demo_config("enabled = false\n", "").unwrap_err();
        assert_eq!(off.key(), Some("events"), "no event and no demo: {off}");
        assert!(err.to_string().contains("remove its days"), "{err}");
    }

    #[test]
    fn each_day_is_24_back_to_back_hours_that_never_cross_midnight() {
        let days = demo_days(&paris(), at_paris("2026-12-02T12:00"));
        assert_eq!(days.len(), 2);
        for (d, day) in days.iter().enumerate() {
            assert_eq!(day.slots.len(), 24);
            assert_eq!(day.slots[0].start_hhmm(), "00:00");
            assert_eq!(day.slots[23].end_hhmm(), "23:59");
            for pair in day.slots.windows(2) {
                assert_eq!(pair[0].end, pair[1].start, "back to back");
            }
            for s in &day.slots {
                assert!(s.start < s.end);
            }
            assert_eq!(day.slots[9].id, format!("d{}-0900", d + 1));
        }
    }
}
