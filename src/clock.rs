//! The time of day, injected.
//!
//! Everything that asks "what time is it?" (the hub stamping a change and
//! ending an event when its last slot is over, a page lighting now/next, an
//! organiser's session expiring) asks a [`Clock`] it was handed, never the
//! system directly. The server runs on [`SystemClock`]; tests hand it a
//! [`ManualClock`] and move it, so nothing in the suite waits on the wall
//! clock.
//!
//! Durations between two moments of the process (timeouts, rate buckets) use
//! `tokio::time` / `std::time::Instant` instead: those are not the time of
//! day, and tokio's paused time already controls them in tests.

use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};

/// Where the time of day comes from.
pub trait Clock: std::fmt::Debug + Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The system's clock: what the server runs on.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// The system's clock, shared: the default of every server.
pub fn system() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// A clock that shows what it was set to, for tests.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Timestamp>,
}

impl ManualClock {
    /// A clock standing at `now`.
    pub fn at(now: Timestamp) -> Arc<ManualClock> {
        Arc::new(ManualClock {
            now: Mutex::new(now),
        })
    }

    /// Sets the clock to `now`.
    pub fn set(&self, now: Timestamp) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = now;
    }

    /// Moves the clock forward (or back, for a negative `by`).
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now = now.saturating_add(by).unwrap_or(*now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_shows_what_it_was_set_to() {
        let t0: Timestamp = "2037-06-06T08:00:00Z".parse().unwrap();
        let clock = ManualClock::at(t0);
        assert_eq!(clock.now(), t0);
        clock.advance(SignedDuration::from_mins(90));
        assert_eq!(clock.now().to_string(), "2037-06-06T09:30:00Z");
        clock.set(t0);
        assert_eq!(clock.now(), t0);
    }

    #[test]
    fn the_system_clock_moves_forward() {
        let a = SystemClock.now();
        let b = SystemClock.now();
        assert!(b >= a);
    }
}
