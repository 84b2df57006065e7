//! The one token bucket of the server: a connection's command rate
//! (`commands_per_sec`, `command_burst`), a client IP's
//! (`ip_commands_per_sec`, `ip_command_burst`), a form's participant token
//! and a client IP's claims (`ip_claims_per_minute`, `ip_claim_burst`) are
//! all this.
//!
//! It is pure: the caller passes the instant of each take, so the arithmetic
//! is unit-tested without a clock, and the socket can pass tokio's (pausable)
//! time while the IP limits pass the wall clock's.

use std::time::Instant;

/// Tokens refilled at `rate` a second up to `burst`; a command takes one.
/// It starts full: a fresh client may send its burst at once.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    tokens: f64,
    rate: f64,
    burst: f64,
    refilled: Instant,
}

impl TokenBucket {
    /// A full bucket at `now`.
    pub fn new(rate: u32, burst: u32, now: Instant) -> TokenBucket {
        TokenBucket {
            tokens: f64::from(burst),
            rate: f64::from(rate),
            burst: f64::from(burst),
            refilled: now,
        }
    }

    /// A full bucket at `now` refilled at `per_minute` tokens a minute: for
    /// rates slower than one a second (a client IP's claims).
    pub fn per_minute(per_minute: u32, burst: u32, now: Instant) -> TokenBucket {
        TokenBucket {
            rate: f64::from(per_minute) / 60.0,
            ..TokenBucket::new(0, burst, now)
        }
    }

    /// Whether the bucket would be full at `now`: forgetting it then loses
    /// nothing, as a new one starts full (what pruning a map of them asks).
    pub fn is_full_at(&self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens + elapsed * self.rate >= self.burst
    }

    /// Refills for the time since the last take, then takes one token;
    /// `false` when there is none. An instant before the last one (clocks of
    /// two callers) refills nothing.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        if now > self.refilled {
            self.refilled = now;
        }
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_full_burst_then_the_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10, 20, t0);
        assert_eq!((0..30).filter(|_| b.take(t0)).count(), 20);
        assert!(!b.take(t0));
        // A tenth of a second gives one token, not two.
        let t1 = t0 + Duration::from_millis(100);
        assert!(b.take(t1));
        assert!(!b.take(t1));
        // Half a token is kept for later.
        let t2 = t1 + Duration::from_millis(50);
        assert!(!b.take(t2));
        assert!(b.take(t2 + Duration::from_millis(50)));
    }

    #[test]
    fn never_more_than_the_burst() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10, 20, t0);
        let much_later = t0 + Duration::from_secs(3600);
        assert_eq!((0..100).filter(|_| b.take(much_later)).count(), 20);
    }

    #[test]
    fn a_rate_per_minute_and_when_a_bucket_is_full_again() {
        let t0 = Instant::now();
        let mut b = TokenBucket::per_minute(30, 2, t0);
        assert!(b.is_full_at(t0));
        assert!(b.take(t0) && b.take(t0) && !b.take(t0));
        assert!(!b.is_full_at(t0 + Duration::from_secs(3)));
        // 30 a minute: one every 2 s.
        assert!(!b.take(t0 + Duration::from_millis(1500)));
        assert!(b.take(t0 + Duration::from_millis(2500)));
        assert!(b.is_full_at(t0 + Duration::from_secs(7)));
    }

    #[test]
    fn an_earlier_instant_refills_nothing() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(1);
        let mut b = TokenBucket::new(1, 1, t1);
        assert!(b.take(t1));
        assert!(!b.take(t0));
        // And does not move the refill mark back: a second after t1 refills.
        assert!(b.take(t1 + Duration::from_secs(1)));
    }
}
