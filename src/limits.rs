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

use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

/// How often, at most, a refusal is logged for one IP (or, for a full
/// server, at all).
const LOG_EVERY: Duration = Duration::from_secs(60);

/// Refusal log entries kept before old ones are pruned.
const LOG_MAP_PRUNE_AT: usize = 1024;

/// An IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Parses `"192.0.2.7"`, `"10.0.0.0/8"`, `"::1"` or `"fd00::/8"`.
    pub fn parse(s: &str) -> Result<IpNet, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or a CIDR block"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => return Err(format!("{s:?}: the prefix length must be 0 to {max}")),
            },
        };
        Ok(IpNet { addr, prefix })
    }

    /// Whether `ip` is inside this block. An IPv4 address seen as an
    /// IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) counts as IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for IpNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let max = if self.addr.is_ipv4() { 32 } else { 128 };
        if self.prefix == max {
            write!(f, "{}", self.addr)
        } else {
            write!(f, "{}/{}", self.addr, self.prefix)
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

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
    /// When a per-IP refusal was last logged, per IP.
    logged: DashMap<IpAddr, Instant>,
    /// When a "server full" refusal was last logged.
    logged_full: Mutex<Option<Instant>>,
    /// Refusal log lines written.
    log_lines: AtomicUsize,
}

/// What is known of one client IP while it has connections open.
#[derive(Debug)]
struct PerIp {
    open: usize,
    /// Its command budget: tokens, refilled at `ip_commands_per_sec`.
    tokens: f64,
    refilled: Instant,
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
            settings,
            per_ip: DashMap::new(),
            total: AtomicUsize::new(0),
            logged: DashMap::new(),
            logged_full: Mutex::new(None),
            log_lines: AtomicUsize::new(0),
        }
    }

    /// The limits of a server: raises the open-file limit (see
    /// [`raise_nofile_limit`]) and says how many connections it permits.
    pub fn for_server(server: &crate::config::ServerConfig) -> std::sync::Arc<ConnLimits> {
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
        std::sync::Arc::new(ConnLimits::new(ConnSettings {
            max_per_ip: server.max_connections_per_ip,
            ip_commands_per_sec: server.ip_commands_per_sec,
            ip_command_burst: server.ip_command_burst,
            max_total,
            trusted_proxies: server.trusted_proxy_nets(),
        }))
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
        self.log_lines.load(Ordering::Relaxed)
    }

    /// Open connections from `ip`.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        self.per_ip.get(&canonical(ip)).map_or(0, |p| p.open)
    }

    /// The client's IP: the peer, or, when the peer is a trusted proxy, the
    /// rightmost `X-Forwarded-For` address that is not a trusted proxy.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.is_trusted(peer) {
            return peer;
        }
        let mut forwarded: Vec<IpAddr> = Vec::new();
        for value in headers.get_all("x-forwarded-for") {
            let Ok(value) = value.to_str() else {
                return peer;
            };
            for part in value.split(',') {
                match parse_forwarded(part) {
                    Some(ip) => forwarded.push(canonical(ip)),
                    // A garbled chain: trust none of it.
                    None => return peer,
                }
            }
        }
        let mut client = peer;
        for ip in forwarded.into_iter().rev() {
            client = ip;
            if !self.is_trusted(ip) {
                break;
            }
        }
        client
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.settings.trusted_proxies.iter().any(|n| n.contains(ip))
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
            let mut entry = self.per_ip.entry(ip).or_insert_with(|| PerIp {
                open: 0,
                tokens: f64::from(self.settings.ip_command_burst),
                refilled: Instant::now(),
                logged: None,
            });
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
        let now = Instant::now();
        if self.logged.len() >= LOG_MAP_PRUNE_AT {
            self.logged
                .retain(|_, at| now.duration_since(*at) < LOG_EVERY);
        }
        let log = match self.logged.entry(ip) {
            Entry::Occupied(mut o) if now.duration_since(*o.get()) >= LOG_EVERY => {
                o.insert(now);
                true
            }
            Entry::Occupied(_) => false,
            Entry::Vacant(v) => {
                v.insert(now);
                true
            }
        };
        if log {
            self.log_lines.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                %ip,
                max = self.settings.max_per_ip,
                "refusing WebSocket upgrades from an address at its connection cap \
                 (429; logged at most once a minute per address)"
            );
        }
    }

    fn log_full(&self) {
        let now = Instant::now();
        let mut last = self.logged_full.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_none_or(|at| now.duration_since(at) >= LOG_EVERY) {
            *last = Some(now);
            self.log_lines.fetch_add(1, Ordering::Relaxed);
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
        let settings = &self.limits.settings;
        let Some(mut ip) = self.limits.per_ip.get_mut(&self.ip) else {
            return true;
        };
        let elapsed = now.saturating_duration_since(ip.refilled).as_secs_f64();
        ip.refilled = now;
        ip.tokens = (ip.tokens + elapsed * f64::from(settings.ip_commands_per_sec))
            .min(f64::from(settings.ip_command_burst));
        if ip.tokens >= 1.0 {
            ip.tokens -= 1.0;
            return true;
        }
        if ip
            .logged
            .is_none_or(|at| now.saturating_duration_since(at) >= LOG_EVERY)
        {
            ip.logged = Some(now);
            self.limits.log_lines.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                ip = %self.ip,
                rate = settings.ip_commands_per_sec,
                burst = settings.ip_command_burst,
                "rate limiting an address over its command rate \
                 (logged at most once a minute per address)"
            );
        }
        false
    }

    /// The IP's command rate, for the message of a refusal.
    pub fn ip_commands_per_sec(&self) -> u32 {
        self.limits.settings.ip_commands_per_sec
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

/// One `X-Forwarded-For` element: an address, possibly `[v6]` or with a port.
fn parse_forwarded(part: &str) -> Option<IpAddr> {
    let part = part.trim();
    if let Ok(ip) = part.parse() {
        return Some(ip);
    }
    if let Ok(sa) = part.parse::<std::net::SocketAddr>() {
        return Some(sa.ip());
    }
    part.strip_prefix('[')
        .and_then(|p| p.strip_suffix(']'))
        .and_then(|p| p.parse().ok())
}

/// Raises the soft open-file limit to the hard limit and returns the soft
/// limit now in force (`None` where there is no such limit or it cannot be
/// read).
pub fn raise_nofile_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let (_, hard) = rlimit::Resource::NOFILE.get().ok()?;
        match rlimit::increase_nofile_limit(hard) {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(error = %e, "cannot raise the open-file limit");
                rlimit::Resource::NOFILE.get().ok().map(|(soft, _)| soft)
            }
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// How many WebSockets the process can hold: the open-file limit less the
/// descriptors kept for everything else (the listener, journals, snapshots,
/// plain HTTP requests), capped by `configured` when it is set. The reserve
/// takes at most half of a small limit, so some connections are always let in.
pub fn connection_budget(nofile: Option<u64>, reserved: u64, configured: Option<usize>) -> usize {
    let from_fds = nofile.map_or(usize::MAX, |n| {
        usize::try_from(n - reserved.min(n / 2)).unwrap_or(usize::MAX)
    });
    configured.map_or(from_fds, |c| c.min(from_fds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn limits(max_per_ip: usize, max_total: usize, trusted: &[&str]) -> Arc<ConnLimits> {
        Arc::new(ConnLimits::new(ConnSettings {
            max_per_ip,
            ip_commands_per_sec: 10,
            ip_command_burst: 20,
            max_total,
            trusted_proxies: trusted.iter().map(|s| IpNet::parse(s).unwrap()).collect(),
        }))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn nets_parse_and_contain() {
        let n = IpNet::parse("10.0.0.0/8").unwrap();
        assert!(n.contains(ip("10.1.2.3")));
        assert!(!n.contains(ip("11.0.0.1")));
        assert!(n.contains(ip("::ffff:10.9.9.9")));
        assert!(IpNet::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(IpNet::parse("::1").unwrap().contains(ip("::1")));
        assert!(IpNet::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(!IpNet::parse("fd00::/8").unwrap().contains(ip("10.0.0.1")));
        assert_eq!(
            IpNet::parse(" 192.0.2.1 ").unwrap().to_string(),
            "192.0.2.1"
        );
        for bad in [
            "",
            "proxy",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/x",
            "1.2.3.4:80",
        ] {
            assert!(IpNet::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cap_per_ip_and_release() {
        let l = limits(2, 100, &[]);
        let a = l.admit(ip("192.0.2.1")).unwrap();
        let _b = l.admit(ip("192.0.2.1")).unwrap();
        assert_eq!(
            l.admit(ip("192.0.2.1")).unwrap_err(),
            Refused::PerIp { max: 2 }
        );
        let _c = l.admit(ip("192.0.2.2")).unwrap();
        assert_eq!(l.open(), 3);
        drop(a);
        assert_eq!(l.open_from(ip("192.0.2.1")), 1);
        let _d = l.admit(ip("192.0.2.1")).unwrap();
        assert_eq!(l.open(), 3);
    }

    #[test]
    fn cap_in_all() {
        let l = limits(10, 2, &[]);
        let _a = l.admit(ip("192.0.2.1")).unwrap();
        let b = l.admit(ip("192.0.2.2")).unwrap();
        assert_eq!(
            l.admit(ip("192.0.2.3")).unwrap_err(),
            Refused::Full { max: 2 }
        );
        assert_eq!(l.open(), 2);
        drop(b);
        assert!(l.admit(ip("192.0.2.3")).is_ok());
    }

    #[test]
    fn refusals_are_logged_once_a_minute_per_ip() {
        let l = limits(1, 3, &[]);
        let _a = l.admit(ip("192.0.2.1")).unwrap();
        let _b = l.admit(ip("192.0.2.2")).unwrap();
        for _ in 0..5 {
            assert!(l.admit(ip("192.0.2.1")).is_err());
        }
        assert_eq!(l.refusals_logged(), 1);
        assert!(l.admit(ip("192.0.2.2")).is_err());
        assert_eq!(l.refusals_logged(), 2);
        let _c = l.admit(ip("192.0.2.3")).unwrap();
        for _ in 0..5 {
            assert_eq!(
                l.admit(ip("192.0.2.4")).unwrap_err(),
                Refused::Full { max: 3 }
            );
        }
        assert_eq!(l.refusals_logged(), 3);
    }

    #[test]
    fn emptied_entries_are_removed() {
        let l = limits(10, 10, &[]);
        drop(l.admit(ip("192.0.2.1")).unwrap());
        assert!(l.per_ip.is_empty());
        assert_eq!(l.open(), 0);
    }

    #[test]
    fn forwarded_for_only_from_trusted_peers() {
        let l = limits(10, 10, &["127.0.0.1", "10.0.0.0/8"]);
        let h = xff(&["203.0.113.9"]);
        assert_eq!(l.client_ip(ip("192.0.2.1"), &h), ip("192.0.2.1"));
        assert_eq!(l.client_ip(ip("127.0.0.1"), &h), ip("203.0.113.9"));
        assert_eq!(l.client_ip(ip("::ffff:127.0.0.1"), &h), ip("203.0.113.9"));
        // The rightmost untrusted hop: a client cannot spoof by prepending.
        let h = xff(&["1.1.1.1, 203.0.113.9, 10.0.0.5"]);
        assert_eq!(l.client_ip(ip("127.0.0.1"), &h), ip("203.0.113.9"));
        let h = xff(&["1.1.1.1", "203.0.113.9"]);
        assert_eq!(l.client_ip(ip("127.0.0.1"), &h), ip("203.0.113.9"));
        // Ports and brackets.
        let h = xff(&["[2001:db8::1]"]);
        assert_eq!(l.client_ip(ip("127.0.0.1"), &h), ip("2001:db8::1"));
        let h = xff(&["203.0.113.9:4711"]);
        assert_eq!(l.client_ip(ip("127.0.0.1"), &h), ip("203.0.113.9"));
        // Garbage, or no header: the peer.
        let h = xff(&["not-an-ip"]);
        assert_eq!(l.client_ip(ip("127.0.0.1"), &h), ip("127.0.0.1"));
        assert_eq!(
            l.client_ip(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
        // All hops trusted: the leftmost.
        let h = xff(&["10.0.0.7, 10.0.0.5"]);
        assert_eq!(l.client_ip(ip("127.0.0.1"), &h), ip("10.0.0.7"));
    }

    #[test]
    fn budget() {
        assert_eq!(connection_budget(Some(1024), 256, None), 768);
        assert_eq!(connection_budget(Some(100), 256, None), 50);
        assert_eq!(connection_budget(Some(100_000), 256, Some(50)), 50);
        assert_eq!(connection_budget(None, 256, None), usize::MAX);
        assert_eq!(connection_budget(None, 256, Some(7)), 7);
    }

    #[test]
    fn connections_from_one_ip_share_its_command_budget() {
        // 10 a second, 20 at once (see `limits`).
        let l = limits(100, 100, &[]);
        let a = l.admit(ip("192.0.2.1")).unwrap();
        let b = l.admit(ip("192.0.2.1")).unwrap();
        let other = l.admit(ip("192.0.2.2")).unwrap();
        let t0 = Instant::now();
        let taken = (0..30)
            .filter(|i| if i % 2 == 0 { &a } else { &b }.take_command_at(t0))
            .count();
        assert_eq!(taken, 20, "two connections, one burst");
        assert!(!a.take_command_at(t0) && !b.take_command_at(t0));
        assert!(other.take_command_at(t0), "another address has its own");
        assert_eq!(l.refusals_logged(), 1, "logged once, not per command");
        // A tenth of a second later, one more token.
        let later = t0 + Duration::from_millis(100);
        assert!(b.take_command_at(later));
        assert!(!a.take_command_at(later));
        // The budget never grows past the burst.
        let much_later = t0 + Duration::from_secs(3600);
        let taken = (0..100).filter(|_| a.take_command_at(much_later)).count();
        assert_eq!(taken, 20);
        // Once every connection of the address is gone, so is its entry.
        drop((a, b));
        assert_eq!(l.open_from(ip("192.0.2.1")), 0);
        let again = l.admit(ip("192.0.2.1")).unwrap();
        assert!(again.take_command_at(much_later), "a fresh budget");
    }
}
