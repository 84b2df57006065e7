//! Limits on who may open how many WebSockets: per client IP, and in total
//! against the process's open-file limit.
//!
//! Mind the venue: every phone on the venue wifi reaches the server from the
//! one public IP of its NAT, and behind a reverse proxy every client is the
//! proxy's IP. So the per-IP cap is a backstop against one runaway machine,
//! with a default that lets a whole BarCamp in from one address; the
//! per-connection limits (`web::socket`: command rate, frame size, handshake
//! timeout) do the real work.
//!
//! The client IP is the TCP peer, unless that peer is one of
//! `trusted_proxies`: then it is read from `X-Forwarded-For` (the rightmost
//! address that is not itself a trusted proxy). A header from anyone else is
//! ignored, so it cannot be used to dodge the cap.
//!
//! Every accepted upgrade holds a [`ConnGuard`]; dropping it (the socket
//! closed, or the upgrade never completed) gives the place back. The guard
//! also draws on its IP's command budget ([`ConnGuard::take_command`]): a
//! token bucket shared by every connection from that IP, so that opening
//! many connections does not multiply one machine's command rate. Its
//! default is high for the same reason as the cap's.
//!
//! The pieces: [`TokenBucket`] (`bucket.rs`, the one rate arithmetic, also
//! used per connection by `web::socket`), the `X-Forwarded-For` reading
//! (`forwarded.rs`), the descriptor budget (`fds.rs`), and here the counting
//! of connections and its refusal logs. The settings come from
//! [`ServerConfig`] through [`ConnSettings::from_config`]; trusted proxies
//! arrive as [`IpNet`]s parsed by the config.

mod bucket;
mod fds;
mod flood;
mod forwarded;
mod keyed;
mod refusal_log;
mod tcp;
#[cfg(test)]
mod tests;

pub use bucket::TokenBucket;
pub use fds::{connection_budget, nofile_limit, raise_nofile_limit};
pub use flood::{Over, claim_refused_message};
pub use keyed::{KeyedBuckets, Rate};
use refusal_log::RefusalLog;
pub use tcp::{TcpLimits, TcpPlace};

use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use axum::http::HeaderMap;
use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

use crate::config::ServerConfig;
use crate::config::networks::{IpNet, canonical};

/// The settings of [`ConnLimits`], from `[server]`.
#[derive(Debug, Clone)]
pub struct ConnSettings {
    /// Open WebSockets from one client IP.
    pub max_per_ip: usize,
    /// Commands a second from one client IP, all its connections together.
    pub ip_commands_per_sec: u32,
    /// Commands one client IP may send at once.
    pub ip_command_burst: u32,
    /// Open WebSockets in all; beyond it upgrades get 503.
    pub max_total: usize,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Form commands a second of one participant token (the socket's
    /// per-connection `commands_per_sec`), and at once (`command_burst`).
    pub token_commands_per_sec: u32,
    pub token_command_burst: u32,
    /// Claims of participants a minute from one client IP, and at once.
    pub ip_claims_per_minute: u32,
    pub ip_claim_burst: u32,
}

impl ConnSettings {
    /// The settings of `[server]`, with `max_total` connections in all (what
    /// the descriptor budget allows, see [`connection_budget`]).
    pub fn from_config(server: &ServerConfig, max_total: usize) -> ConnSettings {
        ConnSettings {
            max_per_ip: server.max_connections_per_ip,
            ip_commands_per_sec: server.ip_commands_per_sec,
            ip_command_burst: server.ip_command_burst,
            max_total,
            trusted_proxies: server.trusted_proxies.clone(),
            token_commands_per_sec: server.commands_per_sec,
            token_command_burst: server.command_burst,
            ip_claims_per_minute: server.ip_claims_per_minute,
            ip_claim_burst: server.ip_claim_burst,
        }
    }
}

/// Why an upgrade is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This IP already holds `max` connections: 429.
    PerIp { max: usize },
    /// The server holds `max` connections (its descriptor budget): 503.
    Full { max: usize },
}

impl Refused {
    /// What the refused client reads.
    pub fn message(&self) -> String {
        match self {
            Refused::PerIp { max } => format!(
                "Too many connections from your address (at most {max} at once). \
                 Close other tabs of the board, or retry in a moment."
            ),
            Refused::Full { max } => format!(
                "The server is full ({max} connections, the most its open-file limit allows). \
                 Retry in a moment."
            ),
        }
    }
}

/// Counts open connections per IP and in all.
#[derive(Debug)]
pub struct ConnLimits {
    settings: ConnSettings,
    per_ip: DashMap<IpAddr, PerIp>,
    total: AtomicUsize,
    /// When refusals were last logged.
    log: RefusalLog,
    /// The rates of the form routes and of claims per IP (`flood.rs`).
    flood: flood::Flood,
}

/// What is known of one client IP while it has connections open.
#[derive(Debug)]
struct PerIp {
    open: usize,
    /// Its command budget, refilled at `ip_commands_per_sec`.
    budget: TokenBucket,
    /// When running out of budget was last logged.
    logged: Option<Instant>,
}

/// One admitted connection; gives its place back when dropped.
#[derive(Debug)]
pub struct ConnGuard {
    limits: std::sync::Arc<ConnLimits>,
    ip: IpAddr,
}

impl ConnLimits {
    pub fn new(settings: ConnSettings) -> ConnLimits {
        ConnLimits {
            flood: flood::Flood::new(&settings),
            settings,
            per_ip: DashMap::new(),
            total: AtomicUsize::new(0),
            log: RefusalLog::default(),
        }
    }

    /// The limits of a server: raises the open-file limit (see
    /// [`raise_nofile_limit`]) and says how many connections it permits.
    pub fn for_server(server: &ServerConfig) -> std::sync::Arc<ConnLimits> {
        let nofile = raise_nofile_limit();
        let max_total = connection_budget(nofile, server.reserved_fds, server.max_connections);
        match nofile {
            Some(n) => tracing::info!(
                open_file_limit = n,
                max_connections = max_total,
                max_connections_per_ip = server.max_connections_per_ip,
                "the open-file limit permits {max_total} WebSocket connections"
            ),
            None => tracing::info!(
                max_connections = server.max_connections,
                max_connections_per_ip = server.max_connections_per_ip,
                "no open-file limit known; connections are capped by the config only"
            ),
        }
        std::sync::Arc::new(ConnLimits::new(ConnSettings::from_config(
            server, max_total,
        )))
    }

    pub fn settings(&self) -> &ConnSettings {
        &self.settings
    }

    /// Open connections in all.
    pub fn open(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    /// How many refusals were logged (each IP at most once a minute).
    pub fn refusals_logged(&self) -> usize {
        self.log.lines()
    }

    /// Open connections from `ip`.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        self.per_ip.get(&canonical(ip)).map_or(0, |p| p.open)
    }

    /// The client's IP: the peer, or, when the peer is a trusted proxy, the
    /// rightmost `X-Forwarded-For` address that is not a trusted proxy.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        forwarded::client_ip(peer, headers, &self.settings.trusted_proxies)
    }

    /// Admits one more connection from `ip`, or says why not (and logs it,
    /// at most once a minute per IP).
    pub fn admit(self: &std::sync::Arc<Self>, ip: IpAddr) -> Result<ConnGuard, Refused> {
        let ip = canonical(ip);
        let max_total = self.settings.max_total;
        if self.total.fetch_add(1, Ordering::AcqRel) >= max_total {
            self.total.fetch_sub(1, Ordering::AcqRel);
            self.log_full();
            return Err(Refused::Full { max: max_total });
        }
        let max = self.settings.max_per_ip;
        {
            let mut entry = self
                .per_ip
                .entry(ip)
                .or_insert_with(|| self.new_entry(Instant::now()));
            if entry.open >= max {
                drop(entry);
                self.total.fetch_sub(1, Ordering::AcqRel);
                self.log_per_ip(ip);
                return Err(Refused::PerIp { max });
            }
            entry.open += 1;
        }
        Ok(ConnGuard {
            limits: self.clone(),
            ip,
        })
    }

    fn log_per_ip(&self, ip: IpAddr) {
        if self.log.per_ip(ip, Instant::now()) {
            tracing::warn!(
                %ip,
                max = self.settings.max_per_ip,
                "refusing WebSocket upgrades from an address at its connection cap \
                 (429; logged at most once a minute per address)"
            );
        }
    }

    fn log_full(&self) {
        if self.log.full(Instant::now()) {
            tracing::warn!(
                max = self.settings.max_total,
                "refusing WebSocket upgrades: the server is at its connection limit \
                 (503; logged at most once a minute)"
            );
        }
    }
}

impl ConnGuard {
    /// Takes one command from the budget of this connection's IP; `false`
    /// when that IP is over its rate (logged at most once a minute per IP).
    pub fn take_command(&self) -> bool {
        self.take_command_at(Instant::now())
    }

    fn take_command_at(&self, now: Instant) -> bool {
        let Some(mut ip) = self.limits.per_ip.get_mut(&self.ip) else {
            return true;
        };
        self.limits.take_budget(&mut ip, self.ip, now)
    }

    /// The client IP this connection was admitted for.
    pub fn ip(&self) -> IpAddr {
        self.ip
    }

    /// Takes one claim from this connection's IP at the server's time `at` (see [`ConnLimits::take_claim`]).
    pub fn take_claim(&self, at: jiff::Timestamp) -> bool {
        self.limits.take_claim(self.ip, at)
    }

    /// The rate of claims, for the message of a refusal.
    pub fn ip_claims_per_minute(&self) -> u32 {
        self.limits.ip_claims_per_minute()
    }

    /// The IP's command rate, for the message of a refusal.
    pub fn ip_commands_per_sec(&self) -> u32 {
        self.limits.settings.ip_commands_per_sec
    }
}

impl ConnLimits {
    /// Takes one command from `entry`, the budget of `ip`; running out is
    /// logged at most once a minute per IP.
    fn take_budget(&self, entry: &mut PerIp, ip: IpAddr, now: Instant) -> bool {
        if entry.budget.take(now) {
            return true;
        }
        if self.log.at_most_every_minute(&mut entry.logged, now) {
            tracing::warn!(
                %ip,
                rate = self.settings.ip_commands_per_sec,
                burst = self.settings.ip_command_burst,
                "rate limiting an address over its command rate \
                 (logged at most once a minute per address)"
            );
        }
        false
    }

    /// A fresh entry for `ip`: no connection, a full budget.
    fn new_entry(&self, now: Instant) -> PerIp {
        PerIp {
            open: 0,
            budget: TokenBucket::new(
                self.settings.ip_commands_per_sec,
                self.settings.ip_command_burst,
                now,
            ),
            logged: None,
        }
    }
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        if let Entry::Occupied(mut o) = self.limits.per_ip.entry(self.ip) {
            o.get_mut().open -= 1;
            if o.get().open == 0 {
                o.remove();
            }
        }
        self.limits.total.fetch_sub(1, Ordering::AcqRel);
    }
}
