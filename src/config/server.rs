//! `[server]`: where to listen, how the server is reached, where data goes,
//! and the knobs of the WebSocket layer and of the abuse limits.
//!
//! Every default of the table is written once, in [`RawServer`]'s `Default`:
//! serde fills a missing key from it, [`ServerConfig::default()`] is it
//! validated, and the settings of the hub, the sockets and the connection
//! limits are built from a [`ServerConfig`] with no defaults of their own
//! (tests that want "the defaults" start from `ServerConfig::default()`).
//! Messages that quote a default read it from there too.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use super::networks::IpNet;
use super::origins::normalize_origin;
use super::{Checked, MIN_SECRET_CHARS, Overrides, invalid};
use crate::auth::OrganiserSecret;

/// `[server]`, validated. Every key has a default (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Address and port to listen on (`0.0.0.0:8080`).
    pub bind: SocketAddr,
    /// How people reach the server, as `http(s)://host[:port]`; used for the
    /// QR code, links and the WebSocket Origin check. Stored normalized:
    /// lowercase, no trailing slash, no default port.
    pub public_url: String,
    /// Journals, snapshots and archives. A relative path is relative to the
    /// current directory of the process (not to the config file).
    pub data_dir: PathBuf,
    /// Extra origins allowed to open the WebSocket, besides the page's own
    /// host and `public_url` (e.g. `https://barcamp.example`). Stored
    /// normalized like `public_url`.
    pub allowed_origins: Vec<String>,
    /// Seconds between two server pings.
    pub ping_interval_secs: u64,
    /// A client silent for this many seconds is dropped.
    pub idle_timeout_secs: u64,
    /// Seconds a client has to send `hello` after the upgrade.
    pub handshake_timeout_secs: u64,
    /// Largest accepted text frame, in bytes; larger ones close with 1009.
    pub max_frame_bytes: usize,
    /// Sustained commands per second per connection.
    pub commands_per_sec: u32,
    /// Commands a connection may send at once before the rate applies.
    pub command_burst: u32,
    /// Changes kept in memory for `hello.since` resumes.
    pub resume_window: usize,
    /// A snapshot (and journal compaction) every this many changes.
    pub snapshot_every: u64,
    /// Frames a connection may lag behind before it gets a fresh `welcome`.
    pub broadcast_buffer: usize,
    /// Seconds a write to one client may take before it is dropped.
    pub write_timeout_secs: u64,
    /// Open WebSockets from one client IP; more get HTTP 429. High by default:
    /// a whole venue behind one NAT is one IP.
    pub max_connections_per_ip: usize,
    /// Commands a second from one client IP, all its connections together;
    /// more get `rate_limited`. High by default, for the same reason.
    pub ip_commands_per_sec: u32,
    /// Commands one client IP may send at once (an opening rush of a whole
    /// venue behind one NAT).
    pub ip_command_burst: u32,
    /// Open WebSockets in all; more get HTTP 503. Unset: what the open-file
    /// limit allows, less `reserved_fds` (which also caps every TCP
    /// connection, see `max_tcp_connections_per_ip`).
    pub max_connections: Option<usize>,
    /// Descriptors kept for everything but sockets (journals, snapshots,
    /// the listener); sockets, HTTP or WebSocket, get the rest.
    pub reserved_fds: u64,
    /// Connections the kernel may hold for the server before it accepts
    /// them (capped by `net.core.somaxconn`). A venue's phones all come back
    /// at once after a wifi drop; a short queue makes them wait for SYN
    /// retries (1 s, then 3 s).
    pub listen_backlog: u32,
    /// Reverse proxies (IPs or CIDR blocks) whose `X-Forwarded-For` is
    /// believed, parsed once.
    pub trusted_proxies: Vec<IpNet>,
    /// The most sessions one participant may hold in an event (an event may
    /// set its own); 0 for no cap. Organisers are never capped.
    pub max_sessions_per_participant: u32,
    /// Claims of participants a minute from one client IP, socket and
    /// forms together (organisers never count). Fresh identities are free
    /// to make, so this, with the session cap, is what bounds one address.
    /// Generous: a venue's NAT is one IP (docs/security.md).
    pub ip_claims_per_minute: u32,
    /// Such claims one client IP may make at once.
    pub ip_claim_burst: u32,
    // The HTTP limits (issue 10): a slow or stalled client holds a
    // descriptor and a buffer only so long.
    /// Milliseconds a connection may take to send a request's headers, and
    /// may stay idle between two requests; then it is closed.
    pub header_read_timeout_ms: u64,
    /// Milliseconds from a request's headers to the end of its body; a body
    /// not in by then is answered 408 and the connection closed.
    pub body_read_timeout_ms: u64,
    /// TCP connections open from one peer at once, plain HTTP and WebSocket
    /// together (each socket from its accept to its close); more are
    /// answered 429 and closed. Never below `max_connections_per_ip`;
    /// unset, [`TCP_ROOM_FOR_PAGES`] more than it (6000 by default: a venue
    /// behind one NAT keeps its sockets and still loads pages).
    pub max_tcp_connections_per_ip: usize,
    /// The venue's secret, for `/admin` and its JSON API: from
    /// `SLOTBOARD_VENUE_TOKEN` ([`Overrides::venue_token`]) when set, else
    /// `venue_token_hash`. `None`: the venue's page is off and says how to
    /// turn it on.
    pub venue: Option<OrganiserSecret>,
    /// The timezone the venue's form offers a new event (an IANA name, in
    /// its canonical spelling).
    pub timezone: String,
}

/// The defaults, validated: the one place a test or a tool gets "the
/// settings of a server configured with nothing".
impl Default for ServerConfig {
    fn default() -> Self {
        match RawServer::default().validate(&Overrides::default()) {
            Ok(server) => server,
            // The defaults are a constant; a unit test loads them.
            Err(e) => unreachable!("the [server] defaults are invalid: {}", e.message),
        }
    }
}

impl ServerConfig {
    pub fn ping_interval(&self) -> Duration {
        Duration::from_secs(self.ping_interval_secs)
    }

    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }

    pub fn handshake_timeout(&self) -> Duration {
        Duration::from_secs(self.handshake_timeout_secs)
    }

    pub fn write_timeout(&self) -> Duration {
        Duration::from_secs(self.write_timeout_secs)
    }

    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_millis(self.header_read_timeout_ms)
    }

    pub fn body_read_timeout(&self) -> Duration {
        Duration::from_millis(self.body_read_timeout_ms)
    }

    /// Whether an `Origin` header value is `public_url` or one of
    /// `allowed_origins` (compared after the same normalization: case, default
    /// port). The request's own host is the web layer's to check; `null` and
    /// malformed origins are never allowed.
    pub fn is_configured_origin(&self, origin: &str) -> bool {
        match normalize_origin(origin) {
            Ok(o) => o == self.public_url || self.allowed_origins.contains(&o),
            Err(_) => false,
        }
    }
}

/// How many more TCP connections than WebSockets one address may hold when
/// `max_tcp_connections_per_ip` is not set: its page loads, exports and
/// upgrades in flight.
pub const TCP_ROOM_FOR_PAGES: usize = 1000;

/// `[server]` as serde reads it: text where [`ServerConfig`] holds parsed
/// values, and every default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawServer {
    #[serde(deserialize_with = "de_socket_addr")]
    bind: SocketAddr,
    public_url: String,
    data_dir: PathBuf,
    allowed_origins: Vec<String>,
    ping_interval_secs: u64,
    idle_timeout_secs: u64,
    handshake_timeout_secs: u64,
    max_frame_bytes: usize,
    commands_per_sec: u32,
    command_burst: u32,
    resume_window: usize,
    snapshot_every: u64,
    broadcast_buffer: usize,
    write_timeout_secs: u64,
    max_connections_per_ip: usize,
    ip_commands_per_sec: u32,
    ip_command_burst: u32,
    max_connections: Option<usize>,
    reserved_fds: u64,
    listen_backlog: u32,
    trusted_proxies: Vec<String>,
    max_sessions_per_participant: u32,
    ip_claims_per_minute: u32,
    ip_claim_burst: u32,
    header_read_timeout_ms: u64,
    body_read_timeout_ms: u64,
    max_tcp_connections_per_ip: Option<usize>,
    venue_token_hash: Option<String>,
    timezone: String,
}

/// Every default of `[server]` (README.md and docs/security.md list them).
impl Default for RawServer {
    fn default() -> Self {
        RawServer {
            bind: SocketAddr::from(([0, 0, 0, 0], 8080)),
            public_url: "http://localhost:8080".to_owned(),
            data_dir: PathBuf::from("data"),
            allowed_origins: Vec::new(),
            ping_interval_secs: 20,
            idle_timeout_secs: 60,
            handshake_timeout_secs: 10,
            max_frame_bytes: 16 * 1024,
            commands_per_sec: 10,
            command_burst: 20,
            resume_window: 10_000,
            snapshot_every: 1000,
            broadcast_buffer: 1024,
            write_timeout_secs: 10,
            max_connections_per_ip: 5000,
            ip_commands_per_sec: 1000,
            ip_command_burst: 5000,
            max_connections: None,
            reserved_fds: 256,
            listen_backlog: 8192,
            trusted_proxies: Vec::new(),
            max_sessions_per_participant: 2,
            ip_claims_per_minute: 60,
            ip_claim_burst: 40,
            header_read_timeout_ms: 10_000,
            body_read_timeout_ms: 10_000,
            max_tcp_connections_per_ip: None,
            venue_token_hash: None,
            timezone: "Europe/Paris".to_owned(),
        }
    }
}

/// Reads `bind` with a message that says what to write, instead of std's
/// bare "invalid socket address syntax".
fn de_socket_addr<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map_err(|_| {
        serde::de::Error::custom(format!(
            "invalid bind address {s:?}; write an IP address and a port, \
             e.g. \"0.0.0.0:8080\" (every interface) or \"127.0.0.1:8080\" (this machine only)"
        ))
    })
}

impl RawServer {
    /// Applies the overrides, checks every rule and parses what is text.
    pub(super) fn validate(self, o: &Overrides) -> Checked<ServerConfig> {
        let defaults = RawServer::default();
        let mut s = self;
        if let Some(bind) = o.bind {
            s.bind = bind;
        }
        if let Some(dir) = &o.data_dir {
            s.data_dir = dir.clone();
        }
        let url_source = if let Some(url) = &o.public_url {
            s.public_url = url.clone();
            " (it comes from --public-url or SLOTBOARD_PUBLIC_URL)"
        } else {
            ""
        };
        let public_url = normalize_origin(&s.public_url).map_err(|why| {
            invalid(
                "server.public_url",
                format!(
                    "{why}{url_source}; write how people reach the server, \
                     e.g. \"https://barcamp.example\" or \"http://localhost:8080\""
                ),
            )
        })?;
        if s.data_dir.as_os_str().is_empty() {
            return Err(invalid(
                "server.data_dir",
                "is empty; give a directory for journals and archives, e.g. \"data\"",
            ));
        }
        let mut allowed_origins = Vec::with_capacity(s.allowed_origins.len());
        for (i, origin) in s.allowed_origins.iter().enumerate() {
            allowed_origins.push(normalize_origin(origin).map_err(|why| {
                invalid(
                    format!("server.allowed_origins[{i}]"),
                    format!("{why}; write an origin such as \"https://barcamp.example\""),
                )
            })?);
        }

        let at_least_one = |key: &str, value: u64| -> Checked<()> {
            if value == 0 {
                Err(invalid(
                    format!("server.{key}"),
                    "is 0; it must be at least 1 (or leave the key out to use the default)",
                ))
            } else {
                Ok(())
            }
        };
        at_least_one("ping_interval_secs", s.ping_interval_secs)?;
        at_least_one("idle_timeout_secs", s.idle_timeout_secs)?;
        at_least_one("handshake_timeout_secs", s.handshake_timeout_secs)?;
        at_least_one("commands_per_sec", s.commands_per_sec.into())?;
        at_least_one("command_burst", s.command_burst.into())?;
        at_least_one("resume_window", s.resume_window as u64)?;
        at_least_one("snapshot_every", s.snapshot_every)?;
        at_least_one("broadcast_buffer", s.broadcast_buffer as u64)?;
        at_least_one("write_timeout_secs", s.write_timeout_secs)?;
        at_least_one("max_connections_per_ip", s.max_connections_per_ip as u64)?;
        at_least_one("listen_backlog", s.listen_backlog.into())?;
        at_least_one("ip_commands_per_sec", s.ip_commands_per_sec.into())?;
        at_least_one("ip_command_burst", s.ip_command_burst.into())?;
        at_least_one("ip_claims_per_minute", s.ip_claims_per_minute.into())?;
        at_least_one("ip_claim_burst", s.ip_claim_burst.into())?;
        at_least_one("header_read_timeout_ms", s.header_read_timeout_ms)?;
        at_least_one("body_read_timeout_ms", s.body_read_timeout_ms)?;
        let max_tcp_connections_per_ip = match s.max_tcp_connections_per_ip {
            None => s.max_connections_per_ip.saturating_add(TCP_ROOM_FOR_PAGES),
            Some(n) if n < s.max_connections_per_ip => {
                return Err(invalid(
                    "server.max_tcp_connections_per_ip",
                    format!(
                        "is {n}, below max_connections_per_ip ({}); every WebSocket is a TCP \
                         connection too, so that cap could never be reached. Make it at least {}, \
                         or leave it out ({TCP_ROOM_FOR_PAGES} more than max_connections_per_ip: \
                         room for a venue's page loads beside its sockets)",
                        s.max_connections_per_ip, s.max_connections_per_ip,
                    ),
                ));
            }
            Some(n) => n,
        };
        if s.max_connections == Some(0) {
            return Err(invalid(
                "server.max_connections",
                "is 0, which would refuse every WebSocket; give a number of connections, \
                 or leave the key out to use what the open-file limit allows",
            ));
        }
        if s.reserved_fds < 16 {
            return Err(invalid(
                "server.reserved_fds",
                format!(
                    "is {}; journals, snapshots and plain HTTP need descriptors too. Use at least 16 \
                     (the default is {})",
                    s.reserved_fds, defaults.reserved_fds
                ),
            ));
        }
        let mut trusted_proxies = Vec::with_capacity(s.trusted_proxies.len());
        for (i, proxy) in s.trusted_proxies.iter().enumerate() {
            trusted_proxies.push(IpNet::parse(proxy).map_err(|why| {
                invalid(
                    format!("server.trusted_proxies[{i}]"),
                    format!(
                        "{why}; write the address of your reverse proxy, e.g. \"127.0.0.1\" \
                         or \"10.0.0.0/8\""
                    ),
                )
            })?);
        }
        if s.idle_timeout_secs <= s.ping_interval_secs {
            return Err(invalid(
                "server.idle_timeout_secs",
                format!(
                    "is {}s, not longer than ping_interval_secs ({}s); a client that answers every \
                     ping would be dropped. Make it at least twice the ping interval",
                    s.idle_timeout_secs, s.ping_interval_secs
                ),
            ));
        }
        if s.max_frame_bytes < 1024 {
            return Err(invalid(
                "server.max_frame_bytes",
                format!(
                    "is {} bytes; a claim with a description needs more. Use at least 1024 \
                     (the default is {})",
                    s.max_frame_bytes, defaults.max_frame_bytes
                ),
            ));
        }
        let venue = venue_secret(s.venue_token_hash.as_deref(), o.venue_token.as_deref())?;
        let timezone = jiff::tz::TimeZone::get(&s.timezone)
            .map_err(|_| {
                invalid(
                    "server.timezone",
                    format!(
                        "unknown timezone {:?}; use an IANA name such as \"Europe/Paris\" or \"UTC\"",
                        s.timezone
                    ),
                )
            })?
            .iana_name()
            .unwrap_or(&s.timezone)
            .to_owned();
        Ok(ServerConfig {
            bind: s.bind,
            public_url,
            data_dir: s.data_dir,
            allowed_origins,
            ping_interval_secs: s.ping_interval_secs,
            idle_timeout_secs: s.idle_timeout_secs,
            handshake_timeout_secs: s.handshake_timeout_secs,
            max_frame_bytes: s.max_frame_bytes,
            commands_per_sec: s.commands_per_sec,
            command_burst: s.command_burst,
            resume_window: s.resume_window,
            snapshot_every: s.snapshot_every,
            broadcast_buffer: s.broadcast_buffer,
            write_timeout_secs: s.write_timeout_secs,
            max_connections_per_ip: s.max_connections_per_ip,
            ip_commands_per_sec: s.ip_commands_per_sec,
            ip_command_burst: s.ip_command_burst,
            max_connections: s.max_connections,
            reserved_fds: s.reserved_fds,
            listen_backlog: s.listen_backlog,
            trusted_proxies,
            max_sessions_per_participant: s.max_sessions_per_participant,
            ip_claims_per_minute: s.ip_claims_per_minute,
            ip_claim_burst: s.ip_claim_burst,
            header_read_timeout_ms: s.header_read_timeout_ms,
            body_read_timeout_ms: s.body_read_timeout_ms,
            max_tcp_connections_per_ip,
            venue,
            timezone,
        })
    }
}

/// The venue's secret: `SLOTBOARD_VENUE_TOKEN` (at least
/// [`MIN_SECRET_CHARS`]) over `venue_token_hash`.
fn venue_secret(hash: Option<&str>, plain: Option<&str>) -> Checked<Option<OrganiserSecret>> {
    if let Some(token) = plain {
        let n = token.chars().count();
        if token.trim().is_empty() || n < MIN_SECRET_CHARS {
            return Err(invalid(
                "SLOTBOARD_VENUE_TOKEN",
                format!(
                    "the venue's secret is {n} characters long; use at least {MIN_SECRET_CHARS} \
                     (`slotboard hash-token --generate` makes a good one), or unset the variable \
                     and put venue_token_hash in [server]"
                ),
            ));
        }
        return Ok(Some(OrganiserSecret::from_plain(token)));
    }
    hash.map(|h| {
        OrganiserSecret::parse(h).map_err(|why| {
            invalid(
                "server.venue_token_hash",
                format!("{why}; or remove the key and set SLOTBOARD_VENUE_TOKEN"),
            )
        })
    })
    .transpose()
}

#[cfg(test)]
mod flood_keys {
    use crate::config::{Config, Overrides};

    const HASH: &str = "sha256:00000000000000000000000000000000:277e7ff6d232b9763f4a66e8d05d210da32dac9c6dbce1026ad4cc98acb5fefe";

    fn config(server: &str, event: &str) -> Result<Config, crate::config::ConfigError> {
        let text = format!(
            "[server]\n{server}\n\n[[events]]\nslug = \"a\"\ntitle = \"A\"\ntimezone = \"UTC\"\n\
             organiser_token_hash = \"{HASH}\"\n{event}\n\
             [[events.rooms]]\nid = \"r\"\nname = \"R\"\ncapacity = 1\n\
             [[events.days]]\ndate = \"2026-12-05\"\n\
             slots = [{{ id = \"s\", start = \"09:30\", end = \"10:15\" }}]\n"
        );
        Config::from_toml_str(&text, "test.toml", &Overrides::default())
    }

    #[test]
    fn the_cap_defaults_to_two_and_an_event_may_set_its_own() {
        let c = config("", "").unwrap();
        assert_eq!(c.events[0].session_cap(&c.server), Some(2));
        let c = config("max_sessions_per_participant = 5", "").unwrap();
        assert_eq!(c.events[0].session_cap(&c.server), Some(5));
        let c = config(
            "max_sessions_per_participant = 5",
            "max_sessions_per_participant = 1",
        )
        .unwrap();
        assert_eq!(c.events[0].session_cap(&c.server), Some(1));
        let c = config("", "max_sessions_per_participant = 0").unwrap();
        assert_eq!(c.events[0].session_cap(&c.server), None, "0 lifts the cap");
    }

    #[test]
    fn the_claim_rate_of_an_ip_is_at_least_one() {
        let e = config("ip_claims_per_minute = 0", "").unwrap_err();
        assert_eq!(e.key(), Some("server.ip_claims_per_minute"));
        let e = config("ip_claim_burst = 0", "").unwrap_err();
        assert_eq!(e.key(), Some("server.ip_claim_burst"));
    }
}
