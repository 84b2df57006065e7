//! Day dates of the config, `YYYY-MM-DD`, parsed once into a
//! [`jiff::civil::Date`] while the config is validated, so that no page,
//! export or lifecycle decision parses a date again (and none has to decide
//! what to do with one that does not parse).
//!
//! The rule is stricter than jiff's own parser on purpose: exactly four
//! digits, two, two, so that the text a date is shown as (its `Display`) is
//! the text the organiser wrote.

use jiff::civil::Date;

/// `YYYY-MM-DD`, a real date; the error says what to write.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let how = || {
        format!(
            "{s:?} is not a date; write it as YYYY-MM-DD with a real month and day, e.g. \"2026-12-05\""
        )
    };
    crate::board::read_day(s).ok_or_else(how)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_shows_as_it_was_written() {
        for s in ["2026-12-05", "0001-01-01", "9999-12-31", "2028-02-29"] {
            assert_eq!(parse_date(s).unwrap().to_string(), s);
        }
        for bad in ["2027-02-29", "2026-1-05", "+2026-01-05", "2026-01-05 "] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
