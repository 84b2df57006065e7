//! Web origins, `http(s)://host[:port]`: the server's `public_url` and the
//! extra `allowed_origins` of the WebSocket check.
//!
//! They are stored in the form a browser writes its `Origin` header
//! (lowercase, no default port, no trailing slash), so checking a request's
//! origin is a string comparison and needs no parsing of the config again.

use std::net::Ipv6Addr;

/// Normalizes `http(s)://host[:port]` (an optional trailing slash allowed):
/// lowercase scheme and host, default port dropped, no trailing slash. This
/// is also the form of a browser's `Origin` header, so origins compare as
/// strings. The error says what is wrong, without the fix.
pub(super) fn normalize_origin(url: &str) -> Result<String, String> {
    let bad = |why: &str| format!("{url:?} is not a valid http(s)://host[:port] URL: {why}");
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("it must start with http:// or https://"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(bad("it must start with http:// or https://")),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() {
        return Err(bad("the host is missing"));
    }
    if authority.contains(['/', '?', '#']) {
        return Err(bad(
            "it must not have a path, query or fragment (slotboard is served at the root)",
        ));
    }
    if authority.contains('@') {
        return Err(bad("it must not contain a user name or password"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = v6
            .split_once(']')
            .ok_or_else(|| bad("an IPv6 address must be closed by ']'"))?;
        addr.parse::<Ipv6Addr>()
            .map_err(|_| bad("the IPv6 address is not valid"))?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| bad("unexpected text after the IPv6 address"))?,
            ),
        };
        (format!("[{}]", addr.to_ascii_lowercase()), port)
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && !host.starts_with(['.', '-'])
            && !host.ends_with('-')
            && !host.contains("..");
        if !host_ok {
            return Err(bad(
                "the host must be a domain name or an IP address (letters, digits, '-' and '.')",
            ));
        }
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None => None,
        Some(p) => {
            let n: u16 = p
                .parse()
                .ok()
                .filter(|&n| n != 0 && p.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| bad("the port must be a number from 1 to 65535"))?;
            (n != default_port).then_some(n)
        }
    };
    Ok(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}
