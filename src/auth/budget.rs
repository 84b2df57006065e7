//! The failure budget of organiser secrets, per client address and event.
//!
//! A delay per wrong answer does not slow a guesser who asks in parallel
//! (50 parallel logins made ~97 checks a second). So the login form and the
//! socket's organiser `hello` share one budget per (address, event): the
//! first [`FREE_ATTEMPTS`] attempts go through back to back; from then on
//! each failure blocks the next attempt for a backoff that doubles, from
//! [`FIRST_BACKOFF_SECS`] up to [`MAX_BACKOFF_SECS`]. While blocked, every
//! attempt is refused at once, without checking the secret (so even the
//! right one waits). A success forgets the address.
//!
//! An attempt is counted when it begins, before its secret is checked, as
//! if it failed: parallel attempts cannot all slip in before the first
//! answer. A success then forgets the count.
//!
//! The arithmetic is pure, given the instant (the server's injected clock),
//! so tests move a manual clock. The map is bounded: an entry is forgotten
//! [`FORGET_SECS`] after its backoff ends (or its last attempt); when it is
//! full, the entry nearest to being forgotten goes. IPv6 addresses count per
//! /64, the block one device or one home gets.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use jiff::Timestamp;

/// Attempts that go through before any backoff.
pub const FREE_ATTEMPTS: u32 = 5;
/// The backoff after the last free attempt; it doubles with each failure.
pub const FIRST_BACKOFF_SECS: i64 = 1;
/// The longest backoff.
pub const MAX_BACKOFF_SECS: i64 = 15 * 60;
/// How long a quiet address's count is remembered after its backoff ends.
pub const FORGET_SECS: i64 = MAX_BACKOFF_SECS;
/// The most (address, event) pairs remembered.
pub const MAX_ENTRIES: usize = 10_000;

/// The backoff, in seconds, after `attempts` failed attempts: none while
/// they are within the free ones.
pub fn backoff_secs(attempts: u32) -> Option<i64> {
    let beyond = attempts.checked_sub(FREE_ATTEMPTS)?;
    // 2^62 seconds is past any cap; a shift of 63 would be negative.
    let doubled = 1i64 << beyond.min(62);
    Some(
        FIRST_BACKOFF_SECS
            .saturating_mul(doubled)
            .min(MAX_BACKOFF_SECS),
    )
}

/// The count of one (address, event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Attempts {
    /// Attempts since the last success (or since it was forgotten).
    count: u32,
    /// Until when the next attempt is refused, unix milliseconds.
    blocked_until: i64,
    /// The last attempt, unix milliseconds.
    last: i64,
}

impl Attempts {
    fn forget_at(&self) -> i64 {
        self.blocked_until.max(self.last) + FORGET_SECS * 1000
    }
}

/// What [`FailureBudget::begin`] allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Check the secret. `starts_backoff` is true for the attempt that used
    /// up the free ones: the one to log, once for this episode.
    Check { starts_backoff: bool },
    /// Refuse at once, without checking: retry after this many seconds.
    Wait { retry_after_secs: u64 },
}

/// The budget of every (address, event).
#[derive(Debug, Default)]
pub struct FailureBudget {
    entries: Mutex<HashMap<(IpAddr, String), Attempts>>,
}

impl FailureBudget {
    /// One more attempt from `ip` for `event` at `now`: counted now, as if
    /// it failed, unless it is refused.
    pub fn begin(&self, ip: IpAddr, event: &str, now: Timestamp) -> Attempt {
        let now = now.as_millisecond();
        let key = (per_block(ip), event.to_owned());
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.get(&key).is_some_and(|a| now >= a.forget_at()) {
            entries.remove(&key);
        }
        if !entries.contains_key(&key) && entries.len() >= MAX_ENTRIES {
            make_room(&mut entries, now);
        }
        let a = entries.entry(key).or_insert(Attempts {
            count: 0,
            blocked_until: i64::MIN,
            last: now,
        });
        if now < a.blocked_until {
            let ms = a.blocked_until - now;
            return Attempt::Wait {
                retry_after_secs: u64::try_from((ms + 999) / 1000).unwrap_or(1),
            };
        }
        a.count = a.count.saturating_add(1);
        a.last = now;
        if let Some(secs) = backoff_secs(a.count) {
            a.blocked_until = now.saturating_add(secs * 1000);
        }
        Attempt::Check {
            starts_backoff: a.count == FREE_ATTEMPTS,
        }
    }

    /// The secret was right: `ip` starts afresh for `event`.
    pub fn succeeded(&self, ip: IpAddr, event: &str) {
        let key = (per_block(ip), event.to_owned());
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&key);
    }

    /// How many (address, event) pairs are remembered.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Forgets what is due, and if that is not enough, the entry nearest to it.
fn make_room(entries: &mut HashMap<(IpAddr, String), Attempts>, now: i64) {
    entries.retain(|_, a| now < a.forget_at());
    if entries.len() < MAX_ENTRIES {
        return;
    }
    let nearest = entries
        .iter()
        .min_by_key(|(_, a)| a.forget_at())
        .map(|(k, _)| k.clone());
    if let Some(key) = nearest {
        entries.remove(&key);
    }
}

/// The address as counted: IPv4 (and IPv4-mapped IPv6) as it is, IPv6 by
/// its /64.
fn per_block(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 7));

    #[test]
    fn the_backoff_doubles_after_the_free_attempts_up_to_its_cap() {
        for n in 0..FREE_ATTEMPTS {
            assert_eq!(backoff_secs(n), None);
        }
        assert_eq!(backoff_secs(FREE_ATTEMPTS), Some(1));
        assert_eq!(backoff_secs(FREE_ATTEMPTS + 1), Some(2));
        assert_eq!(backoff_secs(FREE_ATTEMPTS + 3), Some(8));
        assert_eq!(backoff_secs(FREE_ATTEMPTS + 10), Some(MAX_BACKOFF_SECS));
        assert_eq!(backoff_secs(u32::MAX), Some(MAX_BACKOFF_SECS));
        // Never shorter for more failures: a steady guesser reaches 63 and
        // 64 doublings after some 13 hours at the cap.
        for n in FREE_ATTEMPTS + 10..FREE_ATTEMPTS + 70 {
            assert_eq!(backoff_secs(n), Some(MAX_BACKOFF_SECS), "after {n}");
        }
    }

    #[test]
    fn attempts_beyond_the_free_ones_wait_and_a_success_forgets() {
        let budget = FailureBudget::default();
        let checks: Vec<_> = (0..50).map(|_| budget.begin(IP, "camp", at(0))).collect();
        let checked = checks
            .iter()
            .filter(|a| matches!(a, Attempt::Check { .. }))
            .count();
        assert_eq!(checked, FREE_ATTEMPTS as usize);
        assert_eq!(
            checks[FREE_ATTEMPTS as usize - 1],
            Attempt::Check {
                starts_backoff: true
            }
        );
        assert_eq!(
            checks[FREE_ATTEMPTS as usize],
            Attempt::Wait {
                retry_after_secs: 1
            }
        );
        // Another event, another address: their own budgets.
        assert!(matches!(
            budget.begin(IP, "other", at(0)),
            Attempt::Check { .. }
        ));
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        assert!(matches!(
            budget.begin(other, "camp", at(0)),
            Attempt::Check { .. }
        ));
        // After the backoff, one attempt; it doubles the next one.
        assert_eq!(
            budget.begin(IP, "camp", at(1)),
            Attempt::Check {
                starts_backoff: false
            }
        );
        assert_eq!(
            budget.begin(IP, "camp", at(1)),
            Attempt::Wait {
                retry_after_secs: 2
            }
        );
        budget.succeeded(IP, "camp");
        assert!(matches!(
            budget.begin(IP, "camp", at(1)),
            Attempt::Check { .. }
        ));
    }

    #[test]
    fn a_quiet_address_is_forgotten_and_the_map_is_bounded() {
        let budget = FailureBudget::default();
        for _ in 0..FREE_ATTEMPTS {
            budget.begin(IP, "camp", at(0));
        }
        assert!(matches!(
            budget.begin(IP, "camp", at(0)),
            Attempt::Wait { .. }
        ));
        let later = at(1 + FORGET_SECS);
        assert_eq!(
            budget.begin(IP, "camp", later),
            Attempt::Check {
                starts_backoff: false
            }
        );
        for i in 0..(MAX_ENTRIES as u32 + 100) {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            budget.begin(ip, "camp", at(0));
        }
        assert!(budget.len() <= MAX_ENTRIES);
    }

    #[test]
    fn ipv6_counts_per_64() {
        let budget = FailureBudget::default();
        for i in 0..FREE_ATTEMPTS {
            let ip: IpAddr = format!("2001:db8::{i:x}").parse().unwrap();
            budget.begin(ip, "camp", at(0));
        }
        let same_64: IpAddr = "2001:db8::ffff:1".parse().unwrap();
        assert!(matches!(
            budget.begin(same_64, "camp", at(0)),
            Attempt::Wait { .. }
        ));
        let other_64: IpAddr = "2001:db8:0:1::1".parse().unwrap();
        assert!(matches!(
            budget.begin(other_64, "camp", at(0)),
            Attempt::Check { .. }
        ));
    }
}
