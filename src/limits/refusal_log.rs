//! When a refusal is written to the log: at most once a minute per address,
//! and once a minute for a full server, however many are refused.
//!
//! A flood is thousands of refusals a second; one line a minute says it
//! happened without letting the flood fill the disk through the log. The
//! WebSocket cap (`ConnLimits`) and the TCP cap (`TcpLimits`) log their
//! refusals through one [`RefusalLog`] each, so the rule is written once.

use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

/// How often, at most, a refusal is logged for one IP (or, for a full
/// server, at all).
pub(super) const LOG_EVERY: Duration = Duration::from_secs(60);

/// Entries kept before those older than [`LOG_EVERY`] are pruned.
const PRUNE_AT: usize = 1024;

/// When each kind of refusal was last logged, and how many lines were.
#[derive(Debug, Default)]
pub(super) struct RefusalLog {
    per_ip: DashMap<IpAddr, Instant>,
    full: Mutex<Option<Instant>>,
    lines: AtomicUsize,
}

impl RefusalLog {
    /// Whether a refusal of `ip` at `now` is to be logged (and if so, it is
    /// counted as logged).
    pub(super) fn per_ip(&self, ip: IpAddr, now: Instant) -> bool {
        if self.per_ip.len() >= PRUNE_AT {
            self.per_ip
                .retain(|_, at| now.saturating_duration_since(*at) < LOG_EVERY);
        }
        let log = match self.per_ip.entry(ip) {
            Entry::Occupied(mut o) if now.saturating_duration_since(*o.get()) >= LOG_EVERY => {
                o.insert(now);
                true
            }
            Entry::Occupied(_) => false,
            Entry::Vacant(v) => {
                v.insert(now);
                true
            }
        };
        self.counted(log)
    }

    /// Whether a "server full" refusal at `now` is to be logged.
    pub(super) fn full(&self, now: Instant) -> bool {
        let mut last = self.full.lock().unwrap_or_else(|e| e.into_inner());
        let log = last.is_none_or(|at| now.saturating_duration_since(at) >= LOG_EVERY);
        if log {
            *last = Some(now);
        }
        self.counted(log)
    }

    /// Whether a refusal last logged at `*last` is to be logged at `now`,
    /// for a refusal whose time is kept by its caller (an IP's budget).
    pub(super) fn at_most_every_minute(&self, last: &mut Option<Instant>, now: Instant) -> bool {
        let log = last.is_none_or(|at| now.saturating_duration_since(at) >= LOG_EVERY);
        if log {
            *last = Some(now);
        }
        self.counted(log)
    }

    /// How many lines were logged.
    pub(super) fn lines(&self) -> usize {
        self.lines.load(Ordering::Relaxed)
    }

    fn counted(&self, log: bool) -> bool {
        if log {
            self.lines.fetch_add(1, Ordering::Relaxed);
        }
        log
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_a_minute_per_address_and_for_a_full_server() {
        let log = RefusalLog::default();
        let t0 = Instant::now();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        assert!(log.per_ip(a, t0));
        assert!(!log.per_ip(a, t0 + Duration::from_secs(59)));
        assert!(log.per_ip(b, t0), "another address is logged");
        assert!(log.per_ip(a, t0 + LOG_EVERY));
        assert!(log.full(t0));
        assert!(!log.full(t0 + Duration::from_secs(1)));
        let mut last = None;
        assert!(log.at_most_every_minute(&mut last, t0));
        assert!(!log.at_most_every_minute(&mut last, t0 + Duration::from_secs(30)));
        assert_eq!(log.lines(), 5);
    }

    #[test]
    fn many_addresses_are_pruned_once_a_minute_old() {
        let log = RefusalLog::default();
        let t0 = Instant::now();
        for i in 0..PRUNE_AT as u32 {
            assert!(log.per_ip(IpAddr::from(i.to_be_bytes()), t0));
        }
        assert!(log.per_ip("10.9.9.9".parse().unwrap(), t0 + LOG_EVERY));
        assert!(log.per_ip.len() <= 2, "the old entries are gone");
    }
}
