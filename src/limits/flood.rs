//! The limits against flooding the board from plain forms and with fresh
//! identities (issue 10: the form routes skipped both rate limits, and 72
//! fresh tokens from one address filled the demo board in about a second).
//!
//! - A form command draws on its participant token's bucket (the socket's
//!   per-connection `commands_per_sec` / `command_burst`, kept per token in
//!   a bounded map, [`KeyedBuckets`]), then on its client IP's command budget:
//!   the very [`TokenBucket`] the IP's WebSockets share, so forms and
//!   sockets together get one IP's rate.
//! - Every claim of a participant draws on its client IP's bucket of claims
//!   (`ip_claims_per_minute`, `ip_claim_burst`), through the socket and the
//!   forms alike; organisers never draw. Fresh identities cost nothing to
//!   make, so a limit on first claims alone would leave each of them its
//!   second claim under the session cap (36 tokens fill 72 cells); a claim
//!   is a claim, whoever's. Honest claims are few (a board's cells, a
//!   participant's cap), so the bucket is sized for an opening rush behind
//!   one NAT (docs/security.md says how). It reads the server's injected clock (minutes are
//!   the scale of an opening rush, and tests move a `ManualClock` through
//!   one), mapped onto the monotonic instants the buckets count in.
//!
//! An IP's command budget normally lives while it has sockets open; one that
//! only posts forms keeps an entry with no connection, forgotten when the
//! map is pruned once its budget would be full again (which loses nothing).

use std::net::IpAddr;

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::keyed::{KeyedBuckets, Rate};
use super::{ConnLimits, ConnSettings};
use crate::config::networks::canonical;

/// Participant tokens whose form rate is remembered at once; more are
/// refused until some are idle again (every token's bucket refills within
/// `command_burst / commands_per_sec` seconds).
const MAX_TOKENS: usize = 65_536;

/// Client IPs whose claims are remembered at once.
const MAX_CLAIMANT_IPS: usize = 65_536;

/// Entries of the per-IP map beyond which those without a connection are
/// pruned (at most once a second).
const PRUNE_IPS_AT: usize = 4096;

/// Why a form command was refused: HTTP 429, nothing applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// This participant token is over `commands_per_sec`.
    Token { rate: u32 },
    /// This client IP is over `ip_commands_per_sec`, its sockets included.
    Ip { rate: u32 },
}

impl Over {
    /// What the client reads (English, like the socket's messages).
    pub fn message(&self) -> String {
        match self {
            Over::Token { rate } => format!(
                "more than {rate} actions a second from this browser; nothing was applied, \
                 wait a second and send it again"
            ),
            Over::Ip { rate } => format!(
                "more than {rate} actions a second from your network; nothing was applied, \
                 wait a second and send it again"
            ),
        }
    }
}

/// The state of these limits, inside [`ConnLimits`].
#[derive(Debug)]
pub(super) struct Flood {
    tokens: KeyedBuckets<String>,
    claimants: KeyedBuckets<IpAddr>,
    /// An instant and the clock's time at it: maps the injected clock onto
    /// instants.
    epoch: OnceLock<(Instant, Timestamp)>,
    /// When the per-IP map was last pruned of entries with no connection.
    pruned: Mutex<Option<Instant>>,
    /// When a refused claim was last logged.
    logged: Mutex<Option<Instant>>,
}

impl Flood {
    pub(super) fn new(s: &ConnSettings) -> Flood {
        Flood {
            tokens: KeyedBuckets::new(
                Rate::PerSecond(s.token_commands_per_sec),
                s.token_command_burst,
                MAX_TOKENS,
            ),
            claimants: KeyedBuckets::new(
                Rate::PerMinute(s.ip_claims_per_minute),
                s.ip_claim_burst,
                MAX_CLAIMANT_IPS,
            ),
            epoch: OnceLock::new(),
            pruned: Mutex::new(None),
            logged: Mutex::new(None),
        }
    }
}

impl ConnLimits {
    /// Holds one form command of participant `who` (its public id) from
    /// `ip` to the socket's rates: the token's, then the IP's (shared with
    /// the IP's sockets).
    pub fn take_form_command(&self, ip: IpAddr, who: &str) -> Result<(), Over> {
        self.take_form_command_at(ip, who, Instant::now())
    }

    pub(super) fn take_form_command_at(
        &self,
        ip: IpAddr,
        who: &str,
        now: Instant,
    ) -> Result<(), Over> {
        if !self.flood.tokens.take(&who.to_owned(), now) {
            return Err(Over::Token {
                rate: self.settings.token_commands_per_sec,
            });
        }
        if !self.take_ip_command(ip, now) {
            return Err(Over::Ip {
                rate: self.settings.ip_commands_per_sec,
            });
        }
        Ok(())
    }

    /// Takes one command from `ip`'s budget, the one its sockets draw on,
    /// keeping an entry for an IP that has none open.
    fn take_ip_command(&self, ip: IpAddr, now: Instant) -> bool {
        let ip = canonical(ip);
        if self.per_ip.len() >= PRUNE_IPS_AT {
            self.prune_idle_ips(now);
        }
        let mut entry = self.per_ip.entry(ip).or_insert_with(|| self.new_entry(now));
        self.take_budget(&mut entry, ip, now)
    }

    fn prune_idle_ips(&self, now: Instant) {
        let mut last = self.flood.pruned.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|at| now.saturating_duration_since(at) < Duration::from_secs(1)) {
            return;
        }
        *last = Some(now);
        self.per_ip
            .retain(|_, p| p.open > 0 || !p.budget.is_full_at(now));
    }

    /// Takes one claim from `ip`'s bucket at the server's time `at`;
    /// `false` when that IP is over `ip_claims_per_minute` (logged at most
    /// once a minute).
    pub fn take_claim(&self, ip: IpAddr, at: Timestamp) -> bool {
        let ip = canonical(ip);
        let now = self.instant_at(at);
        if self.flood.claimants.take(&ip, now) {
            return true;
        }
        let mut last = self.flood.logged.lock().unwrap_or_else(|e| e.into_inner());
        if self.log.at_most_every_minute(&mut last, Instant::now()) {
            tracing::warn!(
                %ip,
                rate = self.settings.ip_claims_per_minute,
                burst = self.settings.ip_claim_burst,
                "refusing claims from an address over its rate of claims \
                 (logged at most once a minute)"
            );
        }
        false
    }

    /// The rate of claims, for the message of a refusal.
    pub fn ip_claims_per_minute(&self) -> u32 {
        self.settings.ip_claims_per_minute
    }

    /// The instant at which the server's clock shows `at` (never before the
    /// first time asked: a clock set back refills nothing).
    fn instant_at(&self, at: Timestamp) -> Instant {
        let (i0, t0) = *self.flood.epoch.get_or_init(|| (Instant::now(), at));
        let since = Duration::try_from(at.duration_since(t0)).unwrap_or(Duration::ZERO);
        i0 + since
    }
}

/// The refusal of a claim over its IP's rate, as the socket and the forms
/// say it.
pub fn claim_refused_message(per_minute: u32) -> String {
    format!(
        "too many sessions claimed from your network just now \
         (at most {per_minute} a minute); nothing was applied, retry in a minute"
    )
}
