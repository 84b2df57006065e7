//! Who the client is behind a reverse proxy: `X-Forwarded-For`, believed only
//! from a peer listed in `trusted_proxies`.
//!
//! The address taken is the rightmost one that is not itself a trusted proxy:
//! a client may prepend anything to the header, but not past the proxies
//! that appended to it. A header that does not parse is not believed at all,
//! so a garbled chain cannot be used to pick an address to hide behind.

use std::net::IpAddr;

use axum::http::HeaderMap;

use crate::config::networks::{IpNet, canonical};

/// The client's IP: `peer`, or, when `peer` is in `trusted`, the rightmost
/// `X-Forwarded-For` address that is not in `trusted` (the leftmost when
/// every hop is trusted).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    let peer = canonical(peer);
    if !is_trusted(peer) {
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
        if !is_trusted(ip) {
            break;
        }
    }
    client
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
