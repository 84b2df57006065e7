//! Slot times of the config, `HH:MM` on a 24-hour clock, parsed once into a
//! [`jiff::civil::Time`] while the config is validated. [`hhmm`] writes one
//! back in the same form: the board's slots, the pages and the error
//! messages show a time as the organiser wrote it.

use jiff::civil::Time;

/// `HH:MM` on a 24-hour clock; the error says what to write.
pub fn parse_time(s: &str) -> Result<Time, String> {
    let how =
        || format!("{s:?} is not a time; write it as HH:MM on a 24-hour clock, e.g. \"09:30\"");
    crate::board::read_hhmm(s).ok_or_else(how)
}

/// `09:30`: a time as the config writes it; the board's one formatter, the
/// same that writes a slot's times on the wire.
pub use crate::board::hhmm;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_shows_as_it_was_written() {
        for s in ["00:00", "09:30", "23:59"] {
            assert_eq!(hhmm(parse_time(s).unwrap()), s);
        }
    }
}
