//! Slot times of the config, `HH:MM` on a 24-hour clock, parsed once into a
//! [`jiff::civil::Time`] while the config is validated. [`hhmm`] writes one
//! back in the same form: the board's slots, the pages and the error
//! messages show a time as the organiser wrote it.

use jiff::civil::Time;

/// `HH:MM` on a 24-hour clock; the error says what to write.
pub fn parse_time(s: &str) -> Result<Time, String> {
    let how =
        || format!("{s:?} is not a time; write it as HH:MM on a 24-hour clock, e.g. \"09:30\"");
    let b = s.as_bytes();
    let shape = b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit());
    if !shape {
        return Err(how());
    }
    let hour: i8 = s[0..2].parse().map_err(|_| how())?;
    let minute: i8 = s[3..5].parse().map_err(|_| how())?;
    Time::new(hour, minute, 0, 0).map_err(|_| how())
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
