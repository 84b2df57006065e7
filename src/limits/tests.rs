//! The connection limits against their promises: caps per IP and in all,
//! refusals logged once a minute, `X-Forwarded-For` believed only from
//! trusted proxies, and one command budget shared by an IP's connections.

use super::*;
use jiff::Timestamp;
use std::sync::Arc;
use std::time::Duration;

fn limits(max_per_ip: usize, max_total: usize, trusted: &[&str]) -> Arc<ConnLimits> {
    Arc::new(ConnLimits::new(ConnSettings {
        max_per_ip,
        ip_commands_per_sec: 10,
        ip_command_burst: 20,
        max_total,
        trusted_proxies: trusted.iter().map(|s| IpNet::parse(s).unwrap()).collect(),
        token_commands_per_sec: 5,
        token_command_burst: 5,
        ip_claims_per_minute: 60,
        ip_claim_burst: 3,
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

#[test]
fn form_commands_draw_on_the_token_then_on_the_ip_budget_of_the_sockets() {
    // Per token 5 at once; per IP 20 at once (see `limits`).
    let l = limits(100, 100, &[]);
    let ip: IpAddr = "192.0.2.1".parse().unwrap();
    let t0 = Instant::now();
    let one = (0..10)
        .filter(|_| l.take_form_command_at(ip, "p_one", t0).is_ok())
        .count();
    assert_eq!(one, 5, "one token gets its burst");
    assert_eq!(
        l.take_form_command_at(ip, "p_one", t0),
        Err(Over::Token { rate: 5 })
    );
    // Fresh tokens from the same IP run into the IP's budget: 15 left.
    let fresh = (0..30)
        .filter(|i| l.take_form_command_at(ip, &format!("p_{i}"), t0).is_ok())
        .count();
    assert_eq!(fresh, 15);
    assert_eq!(
        l.take_form_command_at(ip, "p_late", t0),
        Err(Over::Ip { rate: 10 })
    );
    // The IP's sockets share that budget.
    let socket = l.admit(ip).unwrap();
    assert!(!socket.take_command_at(t0));
    // Another address has its own.
    let other: IpAddr = "192.0.2.2".parse().unwrap();
    assert!(l.take_form_command_at(other, "p_x", t0).is_ok());
}

#[test]
fn first_claims_follow_the_injected_clock() {
    // 60 a minute, 3 at once (see `limits`).
    let l = limits(100, 100, &[]);
    let ip: IpAddr = "192.0.2.1".parse().unwrap();
    let t0: Timestamp = "2037-12-05T08:00:00Z".parse().unwrap();
    assert_eq!((0..10).filter(|_| l.take_claim(ip, t0)).count(), 3);
    assert_eq!(l.refusals_logged(), 1);
    let t1 = t0 + jiff::SignedDuration::from_secs(1);
    assert!(l.take_claim(ip, t1));
    assert!(!l.take_claim(ip, t1));
    // A clock set back refills nothing.
    assert!(!l.take_claim(ip, t0));
}
