//! Every TCP connection counted against a per-peer cap and the descriptor
//! budget, from its accept to its close.
//!
//! Before issue 10 only WebSockets were counted: a few thousand idle or
//! half-sent HTTP connections held a descriptor each and answered to no
//! limit. Now the accept loop takes a [`TcpPlace`] for each connection and
//! ties it to the socket itself (`server::serve`), so the place lives as
//! long as the descriptor does, whether the connection stays HTTP or becomes
//! a WebSocket. Over its peer's cap a connection is answered 429, over the
//! total 503, and closed; each refusal is logged at most once a minute (per
//! address, or for the full server), as upgrade refusals are.
//!
//! A socket is counted once here and, if it is upgraded, once among the
//! WebSockets of [`super::ConnLimits`]: two separate counts with their own
//! caps, the WebSockets a subset of the sockets, so neither cap is halved.
//! That is why `max_tcp_connections_per_ip` (6000 by default) may not be
//! below `max_connections_per_ip` (5000 WebSockets): a venue's NAT keeps its
//! 5000 sockets and still loads pages. The total is the descriptor budget
//! alone (the open-file limit less `reserved_fds`), not `max_connections`,
//! which caps WebSockets: pages are still served when the sockets are full.
//!
//! The cap is by TCP peer: the request, and so `X-Forwarded-For`, is not
//! read yet. A trusted proxy is every client at once, so its connections
//! count in the total only.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

use super::{RefusalLog, Refused, connection_budget, nofile_limit};
use crate::config::ServerConfig;
use crate::config::networks::{IpNet, canonical};

/// Open TCP connections per peer and in all.
#[derive(Debug)]
pub struct TcpLimits {
    max_per_ip: usize,
    max_total: usize,
    trusted_proxies: Vec<IpNet>,
    per_ip: DashMap<IpAddr, usize>,
    total: AtomicUsize,
    /// When refusals were last logged.
    log: RefusalLog,
}

/// One accepted TCP connection; gives its place back when dropped.
#[derive(Debug)]
pub struct TcpPlace {
    limits: Arc<TcpLimits>,
    /// The peer whose count this place is in (none for a trusted proxy).
    ip: Option<IpAddr>,
}

impl TcpLimits {
    /// At most `max_per_ip` connections from one peer (trusted proxies
    /// excepted) and `max_total` in all.
    pub fn new(max_per_ip: usize, max_total: usize, trusted_proxies: Vec<IpNet>) -> TcpLimits {
        TcpLimits {
            max_per_ip,
            max_total,
            trusted_proxies,
            per_ip: DashMap::new(),
            total: AtomicUsize::new(0),
            log: RefusalLog::default(),
        }
    }

    /// The limits of a server: `max_tcp_connections_per_ip`, and in all what
    /// the open-file limit (raised by [`super::ConnLimits::for_server`])
    /// leaves once `reserved_fds` are set aside.
    pub fn for_server(server: &ServerConfig) -> Arc<TcpLimits> {
        let max_total = connection_budget(nofile_limit(), server.reserved_fds, None);
        tracing::info!(
            max_tcp_connections = max_total,
            max_tcp_connections_per_ip = server.max_tcp_connections_per_ip,
            "TCP connections, HTTP and WebSocket together, are capped"
        );
        Arc::new(TcpLimits::new(
            server.max_tcp_connections_per_ip,
            max_total,
            server.trusted_proxies.clone(),
        ))
    }

    /// Admits one more connection from `peer`, or says why not (and logs
    /// it, at most once a minute per peer or for the full server).
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Result<TcpPlace, Refused> {
        let peer = canonical(peer);
        if self.total.fetch_add(1, Ordering::AcqRel) >= self.max_total {
            self.total.fetch_sub(1, Ordering::AcqRel);
            self.log_full();
            return Err(Refused::Full {
                max: self.max_total,
            });
        }
        if self.trusted_proxies.iter().any(|n| n.contains(peer)) {
            return Ok(TcpPlace {
                limits: self.clone(),
                ip: None,
            });
        }
        {
            let mut open = self.per_ip.entry(peer).or_insert(0);
            if *open >= self.max_per_ip {
                drop(open);
                self.total.fetch_sub(1, Ordering::AcqRel);
                self.log_per_ip(peer);
                return Err(Refused::PerIp {
                    max: self.max_per_ip,
                });
            }
            *open += 1;
        }
        Ok(TcpPlace {
            limits: self.clone(),
            ip: Some(peer),
        })
    }

    /// Open connections in all.
    pub fn open(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    /// Open connections from `ip`.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        self.per_ip.get(&canonical(ip)).map_or(0, |n| *n)
    }

    /// How many refusals were logged.
    pub fn refusals_logged(&self) -> usize {
        self.log.lines()
    }

    fn log_per_ip(&self, ip: IpAddr) {
        if self.log.per_ip(ip, Instant::now()) {
            tracing::warn!(
                %ip,
                max = self.max_per_ip,
                "refusing TCP connections from an address at its connection cap \
                 (429; logged at most once a minute per address)"
            );
        }
    }

    fn log_full(&self) {
        if self.log.full(Instant::now()) {
            tracing::warn!(
                max = self.max_total,
                "refusing TCP connections: the server is at its descriptor budget \
                 (503; logged at most once a minute)"
            );
        }
    }
}

impl Refused {
    /// [`Refused::message`] in French, for the refusal at accept, which has
    /// no request to negotiate a language with and says it in both.
    pub fn message_fr(&self) -> String {
        match self {
            Refused::PerIp { max } => format!(
                "Trop de connexions depuis votre adresse (au plus {max} à la fois). \
                 Fermez d'autres onglets du tableau, ou réessayez dans un instant."
            ),
            Refused::Full { max } => format!(
                "Le serveur est plein ({max} connexions, le plus que permet sa limite de \
                 fichiers ouverts). Réessayez dans un instant."
            ),
        }
    }
}

impl Drop for TcpPlace {
    fn drop(&mut self) {
        if let Some(ip) = self.ip {
            if let Entry::Occupied(mut o) = self.limits.per_ip.entry(ip) {
                *o.get_mut() -= 1;
                if *o.get() == 0 {
                    o.remove();
                }
            }
        }
        self.limits.total.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_per_ip: usize, max_total: usize) -> Arc<TcpLimits> {
        let proxy = IpNet::parse("10.0.0.1").unwrap();
        Arc::new(TcpLimits::new(max_per_ip, max_total, vec![proxy]))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_peer_at_its_cap_is_refused_and_others_get_in() {
        let l = limits(2, 100);
        let a = l.admit(ip("192.0.2.1")).unwrap();
        let _b = l.admit(ip("::ffff:192.0.2.1")).unwrap();
        assert_eq!(
            l.admit(ip("192.0.2.1")).unwrap_err(),
            Refused::PerIp { max: 2 }
        );
        assert_eq!(
            l.admit(ip("192.0.2.1")).unwrap_err(),
            Refused::PerIp { max: 2 }
        );
        let _other = l.admit(ip("192.0.2.2")).unwrap();
        assert_eq!(l.open_from(ip("192.0.2.1")), 2);
        assert_eq!(l.open(), 3);
        drop(a);
        assert_eq!(l.open_from(ip("192.0.2.1")), 1);
        assert!(l.admit(ip("192.0.2.1")).is_ok());
        // Two refusals, one log line within the minute.
        assert_eq!(l.refusals_logged(), 1);
    }

    #[test]
    fn beyond_the_total_every_peer_is_refused_until_one_closes() {
        let l = limits(10, 2);
        let a = l.admit(ip("192.0.2.1")).unwrap();
        let _b = l.admit(ip("192.0.2.2")).unwrap();
        assert_eq!(
            l.admit(ip("192.0.2.3")).unwrap_err(),
            Refused::Full { max: 2 }
        );
        assert_eq!(l.open_from(ip("192.0.2.3")), 0);
        drop(a);
        assert!(l.admit(ip("192.0.2.3")).is_ok());
    }

    #[test]
    fn a_place_is_small_it_rides_on_every_socket() {
        assert!(std::mem::size_of::<TcpPlace>() <= 32);
    }

    #[test]
    fn a_trusted_proxy_counts_in_the_total_only() {
        let l = limits(1, 100);
        let places: Vec<_> = (0..5).map(|_| l.admit(ip("10.0.0.1")).unwrap()).collect();
        assert_eq!(l.open(), 5);
        assert_eq!(l.open_from(ip("10.0.0.1")), 0);
        drop(places);
        assert_eq!(l.open(), 0);
    }
}
