//! The configuration: one TOML file (`config.toml` by default) that declares
//! the server and its events, plus a few overrides from flags and `SLOTBOARD_*`
//! environment variables.
//!
//! Loading is "parse, then validate, then freeze": serde reads the file with
//! `deny_unknown_fields` everywhere (so a typo is an error, not a silently
//! ignored key), then [`Config::from_toml_str`] checks every rule the rest of
//! the server relies on and builds the validated [`Config`]. Code that holds a
//! `Config` never has to re-check it: slot times parse, ids are unique and
//! safe in URLs, slots of a day do not overlap, every event has an organiser
//! secret.
//!
//! Every failure is a [`ConfigError`] whose message reads
//! `"{file}: {key}: {what is wrong and how to fix it}"`, for example
//! `config.toml: events[0].rooms[2].id: duplicate room id "amphi"; room ids
//! must be unique within an event`. Syntax errors and unknown keys keep the
//! `toml` crate's own message (line, column, and the list of expected keys),
//! prefixed by the file name.
//!
//! ## The organiser secret
//!
//! Each validated [`EventConfig`] carries its resolved [`OrganiserSecret`] in
//! the public field [`EventConfig::organiser`] (also reachable through
//! [`EventConfig::organiser()`]). It comes from `SLOTBOARD_ORGANISER_TOKEN`
//! ([`Overrides::organiser_token`]) when that is set, the same secret then
//! applying to every event; otherwise from the event's `organiser_token_hash`.
//! An event with neither is a config error.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::net::{Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Zoned;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer};

use crate::auth::OrganiserSecret;
use crate::board::{Grid, Limits, Room, RoomId, Slot, SlotId};

/// The shortest organiser secret accepted from `SLOTBOARD_ORGANISER_TOKEN`.
pub const MIN_SECRET_CHARS: usize = 8;

/// The languages slotboard has translations for.
pub const LANGUAGES: &[&str] = &["fr", "en"];

/// Why a config cannot be used. The `Display` form is the whole message for
/// the person who runs the server: file, key, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read at all.
    #[error(
        "{file}: cannot read the config file ({reason}); pass the right path with --config or SLOTBOARD_CONFIG"
    )]
    Read { file: String, reason: String },
    /// Not valid TOML, an unknown key, or a value of the wrong type; the
    /// message is the `toml` crate's, with the line and column.
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    /// A value that parses but breaks a rule.
    #[error("{file}: {key}: {message}")]
    Invalid {
        file: String,
        key: String,
        message: String,
    },
}

impl ConfigError {
    /// The dotted key of an [`ConfigError::Invalid`] error
    /// (`events[0].rooms[2].id`), if it has one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }
}

/// Values that take precedence over the file. The CLI fills them from its
/// flags and `SLOTBOARD_*` environment variables; tests fill them directly.
#[derive(Clone, Default)]
pub struct Overrides {
    /// `--bind` / `SLOTBOARD_BIND`.
    pub bind: Option<SocketAddr>,
    /// `--data-dir` / `SLOTBOARD_DATA_DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--public-url` / `SLOTBOARD_PUBLIC_URL`.
    pub public_url: Option<String>,
    /// `SLOTBOARD_ORGANISER_TOKEN` (never a flag, so it does not show in
    /// `ps`). When set, it is the organiser secret of every event.
    pub organiser_token: Option<String>,
}

impl fmt::Debug for Overrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Overrides")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("public_url", &self.public_url)
            .field(
                "organiser_token",
                &self.organiser_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The whole, validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub server: ServerConfig,
    /// Text limits for sessions and announcements (`[limits]`; defaults are
    /// the protocol's).
    pub limits: Limits,
    /// At least one event; slugs are unique.
    pub events: Vec<EventConfig>,
}

/// `[server]`: where to listen, how the server is reached, where data goes,
/// and the knobs of the WebSocket layer. Every key has a default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on (`0.0.0.0:8080`).
    #[serde(deserialize_with = "de_socket_addr")]
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
    /// limit allows, less `reserved_fds`.
    pub max_connections: Option<usize>,
    /// Descriptors kept for everything but WebSockets (journals, HTTP).
    pub reserved_fds: u64,
    /// Connections the kernel may hold for the server before it accepts
    /// them (capped by `net.core.somaxconn`). A venue's phones all come back
    /// at once after a wifi drop; a short queue makes them wait for SYN
    /// retries (1 s, then 3 s).
    pub listen_backlog: u32,
    /// Reverse proxies (IPs or CIDR blocks) whose `X-Forwarded-For` is
    /// believed. Stored normalized.
    pub trusted_proxies: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
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

    /// `trusted_proxies`, parsed (validation has checked every entry).
    pub fn trusted_proxy_nets(&self) -> Vec<crate::limits::IpNet> {
        (self.trusted_proxies.iter())
            .filter_map(|p| crate::limits::IpNet::parse(p).ok())
            .collect()
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

/// One `[[events]]` entry, validated.
#[derive(Debug, Clone)]
pub struct EventConfig {
    /// The URL name: `[a-z0-9-]`, 1 to 64 characters, no leading or
    /// trailing dash. Unique across the config.
    pub slug: String,
    /// The event's name, as shown on every page.
    pub title: String,
    /// The IANA name of the event's timezone, in its canonical spelling
    /// (`Europe/Paris`).
    pub timezone: String,
    /// The languages of the pages, each `fr` or `en`; the first is the
    /// default. Never empty.
    pub languages: Vec<String>,
    /// The rooms, in the order of the config (the order of the wall).
    pub rooms: Vec<RoomConfig>,
    /// The days, in the order of the config.
    pub days: Vec<DayConfig>,
    /// The resolved organiser secret (see the module docs).
    pub organiser: OrganiserSecret,
    tz: TimeZone,
}

/// `[[events.rooms]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomConfig {
    /// `[A-Za-z0-9_-]`, 1 to 32 characters, unique within the event.
    pub id: String,
    /// The name shown on the wall.
    pub name: String,
    /// Seats, at least 1.
    pub capacity: u32,
}

/// `[[events.days]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayConfig {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// At least one slot; no two overlap.
    #[serde(default)]
    pub slots: Vec<SlotConfig>,
}

/// One slot of a day.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotConfig {
    /// `[A-Za-z0-9_-]`, 1 to 32 characters, unique within the event.
    pub id: String,
    /// `HH:MM`, 24-hour clock, in the event's timezone.
    pub start: String,
    /// `HH:MM`, after `start`, on the same day.
    pub end: String,
}

impl Config {
    /// Reads and validates the config file at `path`, applying `overrides`.
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        Config::from_toml_str(&text, &file, overrides)
    }

    /// Parses and validates a config from TOML text; `file` only names it in
    /// error messages.
    pub fn from_toml_str(
        text: &str,
        file: &str,
        overrides: &Overrides,
    ) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            file: file.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        raw.validate(overrides)
            .map_err(|Invalid { key, message }| ConfigError::Invalid {
                file: file.to_owned(),
                key,
                message,
            })
    }

    /// The event with this slug.
    pub fn event(&self, slug: &str) -> Option<&EventConfig> {
        self.events.iter().find(|e| e.slug == slug)
    }
}

impl EventConfig {
    /// The rooms and slots of the board; slots sorted by (day, start).
    pub fn grid(&self) -> Grid {
        let rooms = self
            .rooms
            .iter()
            .map(|r| Room {
                id: RoomId(r.id.clone()),
                name: r.name.clone(),
                capacity: r.capacity,
            })
            .collect();
        let mut slots: Vec<Slot> = self
            .days
            .iter()
            .flat_map(|d| {
                d.slots.iter().map(|s| Slot {
                    id: SlotId(s.id.clone()),
                    day: d.date.clone(),
                    start: s.start.clone(),
                    end: s.end.clone(),
                })
            })
            .collect();
        slots.sort_by(|a, b| (&a.day, &a.start).cmp(&(&b.day, &b.start)));
        Grid { rooms, slots }
    }

    /// The event's timezone.
    pub fn tz(&self) -> TimeZone {
        self.tz.clone()
    }

    /// The organiser secret of this event.
    pub fn organiser(&self) -> &OrganiserSecret {
        &self.organiser
    }

    /// When the slot starts and ends, in the event's timezone; `None` for an
    /// unknown slot id. A time that falls in a daylight-saving gap is moved
    /// forward, as clocks do.
    pub fn slot_times(&self, slot_id: &str) -> Option<(Zoned, Zoned)> {
        self.days.iter().find_map(|d| {
            let s = d.slots.iter().find(|s| s.id == slot_id)?;
            let date = parse_date(&d.date).ok()?;
            let start = date.to_datetime(parse_time(&s.start).ok()?);
            let end = date.to_datetime(parse_time(&s.end).ok()?);
            Some((
                start.to_zoned(self.tz.clone()).ok()?,
                end.to_zoned(self.tz.clone()).ok()?,
            ))
        })
    }
}

// ---------------------------------------------------------------------------
// What serde reads, before validation.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    server: ServerConfig,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    slug: String,
    title: String,
    timezone: String,
    #[serde(default = "default_languages")]
    languages: Vec<String>,
    #[serde(default)]
    organiser_token_hash: Option<String>,
    #[serde(default)]
    rooms: Vec<RoomConfig>,
    #[serde(default)]
    days: Vec<DayConfig>,
}

fn default_languages() -> Vec<String> {
    vec!["fr".to_owned(), "en".to_owned()]
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

// ---------------------------------------------------------------------------
// Validation.

/// A rule broken at `key`; the file name is added by the caller.
struct Invalid {
    key: String,
    message: String,
}

fn invalid(key: impl Into<String>, message: impl Into<String>) -> Invalid {
    Invalid {
        key: key.into(),
        message: message.into(),
    }
}

type Checked<T> = Result<T, Invalid>;

impl RawConfig {
    fn validate(self, overrides: &Overrides) -> Checked<Config> {
        let server = validate_server(self.server, overrides)?;
        validate_limits(&self.limits)?;

        let shared_secret = match &overrides.organiser_token {
            Some(token) => Some(secret_from_env(token)?),
            None => None,
        };

        if self.events.is_empty() {
            return Err(invalid(
                "events",
                "no event is defined; add an [[events]] table with a slug, title, timezone, \
                 rooms and days (the shipped config.toml is a complete example)",
            ));
        }
        let mut slugs = HashSet::new();
        let mut events = Vec::with_capacity(self.events.len());
        for (i, raw) in self.events.into_iter().enumerate() {
            let key = format!("events[{i}]");
            let event = validate_event(&key, raw, shared_secret.as_ref())?;
            if !slugs.insert(event.slug.clone()) {
                return Err(invalid(
                    format!("{key}.slug"),
                    format!(
                        "duplicate event slug {:?}; each event needs its own slug, it is its URL",
                        event.slug
                    ),
                ));
            }
            events.push(event);
        }
        Ok(Config {
            server,
            limits: self.limits,
            events,
        })
    }
}

fn validate_server(mut s: ServerConfig, o: &Overrides) -> Checked<ServerConfig> {
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
    s.public_url = normalize_origin(&s.public_url).map_err(|why| {
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
    for (i, origin) in s.allowed_origins.iter_mut().enumerate() {
        *origin = normalize_origin(origin).map_err(|why| {
            invalid(
                format!("server.allowed_origins[{i}]"),
                format!("{why}; write an origin such as \"https://barcamp.example\""),
            )
        })?;
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
                 (the default is 256)",
                s.reserved_fds
            ),
        ));
    }
    for (i, proxy) in s.trusted_proxies.iter_mut().enumerate() {
        let net = crate::limits::IpNet::parse(proxy).map_err(|why| {
            invalid(
                format!("server.trusted_proxies[{i}]"),
                format!(
                    "{why}; write the address of your reverse proxy, e.g. \"127.0.0.1\" \
                     or \"10.0.0.0/8\""
                ),
            )
        })?;
        *proxy = net.to_string();
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
                 (the default is 16384)",
                s.max_frame_bytes
            ),
        ));
    }
    Ok(s)
}

fn validate_limits(l: &Limits) -> Checked<()> {
    for (key, value) in [
        ("title", l.title),
        ("host", l.host),
        ("tag", l.tag),
        ("announcement", l.announcement),
    ] {
        if value == 0 {
            return Err(invalid(
                format!("limits.{key}"),
                "is 0, which would refuse every text; give a maximum number of characters \
                 (or leave the key out to use the default)",
            ));
        }
    }
    Ok(())
}

fn secret_from_env(token: &str) -> Checked<OrganiserSecret> {
    let n = token.chars().count();
    if token.trim().is_empty() || n < MIN_SECRET_CHARS {
        return Err(invalid(
            "SLOTBOARD_ORGANISER_TOKEN",
            format!(
                "the organiser secret is {n} characters long; use at least {MIN_SECRET_CHARS} \
                 (`slotboard hash-token --generate` makes a good one), or unset the variable \
                 and put organiser_token_hash in the config"
            ),
        ));
    }
    Ok(OrganiserSecret::from_plain(token))
}

fn validate_event(
    key: &str,
    raw: RawEvent,
    shared: Option<&OrganiserSecret>,
) -> Checked<EventConfig> {
    check_slug(&raw.slug).map_err(|why| invalid(format!("{key}.slug"), why))?;

    let title = raw.title.trim().to_owned();
    if title.is_empty() {
        return Err(invalid(
            format!("{key}.title"),
            "is empty; give the event a name, e.g. \"BarCamp Rennes 2026\"",
        ));
    }
    if title.chars().any(char::is_control) {
        return Err(invalid(
            format!("{key}.title"),
            "contains a control character; write it on one line",
        ));
    }

    let tz = TimeZone::get(&raw.timezone).map_err(|_| {
        invalid(
            format!("{key}.timezone"),
            format!(
                "unknown timezone {:?}; use an IANA name such as \"Europe/Paris\" or \"UTC\"",
                raw.timezone
            ),
        )
    })?;
    let timezone = tz.iana_name().unwrap_or(&raw.timezone).to_owned();

    if raw.languages.is_empty() {
        return Err(invalid(
            format!("{key}.languages"),
            "is empty; list at least one of \"fr\" and \"en\" (the first is the default)",
        ));
    }
    for (j, lang) in raw.languages.iter().enumerate() {
        if !LANGUAGES.contains(&lang.as_str()) {
            return Err(invalid(
                format!("{key}.languages[{j}]"),
                format!("unknown language {lang:?}; slotboard speaks \"fr\" and \"en\""),
            ));
        }
        if raw.languages[..j].contains(lang) {
            return Err(invalid(
                format!("{key}.languages[{j}]"),
                format!("{lang:?} is listed twice; list each language once"),
            ));
        }
    }

    validate_rooms(key, &raw.rooms)?;
    validate_days(key, &raw.days)?;

    let from_hash = match &raw.organiser_token_hash {
        Some(hash) => Some(OrganiserSecret::parse(hash).map_err(|why| {
            invalid(
                format!("{key}.organiser_token_hash"),
                format!("{why}; or remove the key and set SLOTBOARD_ORGANISER_TOKEN"),
            )
        })?),
        None => None,
    };
    let organiser = match (shared, from_hash) {
        (Some(secret), _) => secret.clone(),
        (None, Some(secret)) => secret,
        (None, None) => {
            return Err(invalid(
                format!("{key}.organiser_token_hash"),
                format!(
                    "event {:?} has no organiser secret; run `slotboard hash-token` and paste \
                     what it prints here as organiser_token_hash = \"sha256:...\", or set the \
                     SLOTBOARD_ORGANISER_TOKEN environment variable",
                    raw.slug
                ),
            ));
        }
    };

    Ok(EventConfig {
        slug: raw.slug,
        title,
        timezone,
        languages: raw.languages,
        rooms: raw
            .rooms
            .into_iter()
            .map(|r| RoomConfig {
                name: r.name.trim().to_owned(),
                ..r
            })
            .collect(),
        days: raw.days,
        organiser,
        tz,
    })
}

fn validate_rooms(key: &str, rooms: &[RoomConfig]) -> Checked<()> {
    if rooms.is_empty() {
        return Err(invalid(
            format!("{key}.rooms"),
            "no room is defined; add at least one [[events.rooms]] with an id, a name and a capacity",
        ));
    }
    let mut ids = HashSet::new();
    for (j, room) in rooms.iter().enumerate() {
        let rkey = format!("{key}.rooms[{j}]");
        check_id(&room.id, "room").map_err(|why| invalid(format!("{rkey}.id"), why))?;
        if !ids.insert(room.id.as_str()) {
            return Err(invalid(
                format!("{rkey}.id"),
                format!(
                    "duplicate room id {:?}; room ids must be unique within an event",
                    room.id
                ),
            ));
        }
        if room.name.trim().is_empty() {
            return Err(invalid(
                format!("{rkey}.name"),
                "is empty; give the room the name people see on the door",
            ));
        }
        if room.name.chars().any(char::is_control) {
            return Err(invalid(
                format!("{rkey}.name"),
                "contains a control character; write it on one line",
            ));
        }
        if room.capacity == 0 {
            return Err(invalid(
                format!("{rkey}.capacity"),
                "is 0; give the number of seats (at least 1)",
            ));
        }
    }
    Ok(())
}

fn validate_days(key: &str, days: &[DayConfig]) -> Checked<()> {
    if days.is_empty() {
        return Err(invalid(
            format!("{key}.days"),
            "no day is defined; add at least one [[events.days]] with a date and its slots",
        ));
    }
    let mut dates = HashSet::new();
    let mut slot_ids: BTreeMap<&str, String> = BTreeMap::new();
    for (d, day) in days.iter().enumerate() {
        let dkey = format!("{key}.days[{d}]");
        parse_date(&day.date).map_err(|why| invalid(format!("{dkey}.date"), why))?;
        if !dates.insert(day.date.as_str()) {
            return Err(invalid(
                format!("{dkey}.date"),
                format!(
                    "day {} is declared twice; put all its slots under one [[events.days]]",
                    day.date
                ),
            ));
        }
        if day.slots.is_empty() {
            return Err(invalid(
                format!("{dkey}.slots"),
                format!(
                    "day {} has no slot; add slots such as {{ id = \"sat-0930\", start = \"09:30\", \
                     end = \"10:15\" }}, or remove the day",
                    day.date
                ),
            ));
        }
        // (start, end, index) of each slot, for the overlap check.
        let mut spans: Vec<(Time, Time, usize)> = Vec::with_capacity(day.slots.len());
        for (k, slot) in day.slots.iter().enumerate() {
            let skey = format!("{dkey}.slots[{k}]");
            check_id(&slot.id, "slot").map_err(|why| invalid(format!("{skey}.id"), why))?;
            if let Some(first) = slot_ids.get(slot.id.as_str()) {
                return Err(invalid(
                    format!("{skey}.id"),
                    format!(
                        "duplicate slot id {:?} (already used at {first}); slot ids must be unique \
                         within an event, across all its days",
                        slot.id
                    ),
                ));
            }
            slot_ids.insert(&slot.id, skey.clone());
            let start =
                parse_time(&slot.start).map_err(|why| invalid(format!("{skey}.start"), why))?;
            let end = parse_time(&slot.end).map_err(|why| invalid(format!("{skey}.end"), why))?;
            if start >= end {
                return Err(invalid(
                    format!("{skey}.end"),
                    format!(
                        "slot {:?} ends at {} but starts at {}; the end must be after the start, \
                         on the same day",
                        slot.id, slot.end, slot.start
                    ),
                ));
            }
            spans.push((start, end, k));
        }
        // By start, then by declaration order, so that of two overlapping
        // slots the one declared later is the one reported.
        spans.sort_by_key(|&(start, _, k)| (start, k));
        for pair in spans.windows(2) {
            let (_, prev_end, p) = pair[0];
            let (next_start, _, n) = pair[1];
            if next_start < prev_end {
                let (a, b) = (&day.slots[p], &day.slots[n]);
                return Err(invalid(
                    format!("{dkey}.slots[{n}]"),
                    format!(
                        "slot {:?} ({}-{}) overlaps slot {:?} ({}-{}) on {}; slots of a day must \
                         not overlap, so start it at {} or later",
                        b.id, b.start, b.end, a.id, a.start, a.end, day.date, a.end
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Event slugs: `[a-z0-9-]`, 1 to 64 characters, no leading or trailing dash.
fn check_slug(slug: &str) -> Result<(), String> {
    const HOW: &str = "use 1 to 64 lowercase letters, digits and dashes, \
                       not starting or ending with a dash, e.g. \"barcamp-rennes\"";
    let ok = (1..=64).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!("invalid slug {slug:?}; {HOW}"))
    }
}

/// Room and slot ids: `[A-Za-z0-9_-]`, 1 to 32 characters.
fn check_id(id: &str, what: &str) -> Result<(), String> {
    let ok = (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid {what} id {id:?}; use 1 to 32 letters, digits, '-' or '_' (no spaces or accents), \
             e.g. \"{}\"",
            if what == "room" { "amphi" } else { "sat-0930" }
        ))
    }
}

/// `YYYY-MM-DD`, a real date.
fn parse_date(s: &str) -> Result<Date, String> {
    let how = || {
        format!(
            "{s:?} is not a date; write it as YYYY-MM-DD with a real month and day, e.g. \"2026-12-05\""
        )
    };
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(how());
    }
    let year: i16 = s[0..4].parse().map_err(|_| how())?;
    let month: i8 = s[5..7].parse().map_err(|_| how())?;
    let day: i8 = s[8..10].parse().map_err(|_| how())?;
    Date::new(year, month, day).map_err(|_| how())
}

/// `HH:MM` on a 24-hour clock.
fn parse_time(s: &str) -> Result<Time, String> {
    let how =
        || format!("{s:?} is not a time; write it as HH:MM on a 24-hour clock, e.g. \"09:30\"");
    let b = s.as_bytes();
    let shape = b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit());
    if !shape {
        return Err(how());
    }
    let hour: i8 = s[0..2].parse().map_err(|_| how())?;
    let minute: i8 = s[3..5].parse().map_err(|_| how())?;
    Time::new(hour, minute, 0, 0).map_err(|_| how())
}

/// Normalizes `http(s)://host[:port]` (an optional trailing slash allowed):
/// lowercase scheme and host, default port dropped, no trailing slash. This
/// is also the form of a browser's `Origin` header, so origins compare as
/// strings. The error says what is wrong, without the fix.
fn normalize_origin(url: &str) -> Result<String, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "sha256:00000000000000000000000000000000:277e7ff6d232b9763f4a66e8d05d210da32dac9c6dbce1026ad4cc98acb5fefe";

    /// A small valid config; each test breaks one thing in it.
    fn base() -> String {
        format!(
            r#"
[server]
bind = "127.0.0.1:0"
public_url = "http://localhost:8080"

[[events]]
slug = "barcamp-test"
title = "BarCamp Test"
timezone = "Europe/Paris"
organiser_token_hash = "{HASH}"

[[events.rooms]]
id = "amphi"
name = "Amphi"
capacity = 120

[[events.rooms]]
id = "ouessant"
name = "Salle Ouessant"
capacity = 40

[[events.days]]
date = "2026-12-05"
slots = [
  {{ id = "sat-0930", start = "09:30", end = "10:15" }},
  {{ id = "sat-1030", start = "10:30", end = "11:15" }},
]

[[events.days]]
date = "2026-12-06"
slots = [
  {{ id = "sun-1030", start = "10:30", end = "11:15" }},
  {{ id = "sun-0930", start = "09:30", end = "10:15" }},
]
"#
        )
    }

    fn load(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml_str(text, "test.toml", &Overrides::default())
    }

    fn replaced(from: &str, to: &str) -> String {
        let text = base();
        assert!(text.contains(from), "base config has no {from:?}");
        text.replacen(from, to, 1)
    }

    /// Replaces `from` by `to` in the base config and expects an error at
    /// `key` whose message contains `want`.
    #[track_caller]
    fn check(from: &str, to: &str, key: &str, want: &str) {
        check_text(&replaced(from, to), key, want);
    }

    #[track_caller]
    fn check_text(text: &str, key: &str, want: &str) {
        let err = load(text).expect_err("config should be refused");
        let shown = err.to_string();
        assert_eq!(err.key(), Some(key), "{shown}");
        assert!(shown.starts_with(&format!("test.toml: {key}: ")), "{shown}");
        assert!(shown.contains(want), "expected {want:?} in: {shown}");
    }

    #[test]
    fn the_base_config_loads() {
        let c = load(&base()).unwrap();
        assert_eq!(c.events.len(), 1);
        let e = &c.events[0];
        assert_eq!(e.languages, ["fr", "en"]);
        assert!(e.organiser().verify("abc"));
        assert_eq!(c.limits, Limits::default());
        assert_eq!(c.server.ping_interval(), Duration::from_secs(20));
        assert_eq!(c.server.resume_window, 10_000);
    }

    #[test]
    fn the_shipped_config_loads() {
        let c = Config::from_toml_str(
            include_str!("../config.toml"),
            "config.toml",
            &Overrides::default(),
        )
        .unwrap();
        let e = c.event("barcamp-rennes").unwrap();
        assert_eq!(e.timezone, "Europe/Paris");
        assert!(e.rooms.len() >= 5);
        assert_eq!(e.days.len(), 2);
        assert!(e.organiser().verify("demo-organiser-2026"));
        assert!(!e.organiser().verify("demo-organiser-2025"));
        assert_eq!(c.server.bind, "0.0.0.0:8080".parse().unwrap());
        assert_eq!(c.server.public_url, "http://localhost:8080");
        assert_eq!(c.server.data_dir, PathBuf::from("data"));
    }

    #[test]
    fn grid_sorts_slots_by_day_and_start() {
        let c = load(&base()).unwrap();
        let g = c.events[0].grid();
        let ids: Vec<_> = g.slots.iter().map(|s| s.id.0.as_str()).collect();
        assert_eq!(ids, ["sat-0930", "sat-1030", "sun-0930", "sun-1030"]);
        assert_eq!(g.slots[2].day, "2026-12-06");
        assert_eq!(g.slots[2].start, "09:30");
        assert_eq!(g.slots[2].end, "10:15");
        assert_eq!(g.rooms[1].id, RoomId("ouessant".into()));
        assert_eq!(g.rooms[1].name, "Salle Ouessant");
        assert_eq!(g.rooms[1].capacity, 40);
    }

    #[test]
    fn slot_times_are_in_the_event_timezone() {
        let c = load(&base()).unwrap();
        let (start, end) = c.events[0].slot_times("sat-0930").unwrap();
        assert_eq!(start.to_string(), "2026-12-05T09:30:00+01:00[Europe/Paris]");
        assert_eq!(end.to_string(), "2026-12-05T10:15:00+01:00[Europe/Paris]");
        assert!(c.events[0].slot_times("nope").is_none());
        assert_eq!(c.events[0].tz().iana_name(), Some("Europe/Paris"));
    }

    #[test]
    fn slots_may_be_written_as_tables() {
        let text = replaced(
            "slots = [\n  { id = \"sun-1030\", start = \"10:30\", end = \"11:15\" },\n  { id = \"sun-0930\", start = \"09:30\", end = \"10:15\" },\n]",
            "[[events.days.slots]]\nid = \"sun-0930\"\nstart = \"09:30\"\nend = \"10:15\"",
        );
        let c = load(&text).unwrap();
        assert_eq!(c.events[0].days[1].slots[0].id, "sun-0930");
    }

    #[test]
    fn timezone_names_are_canonicalized() {
        let c = load(&replaced("\"Europe/Paris\"", "\"europe/paris\"")).unwrap();
        assert_eq!(c.events[0].timezone, "Europe/Paris");
    }

    // --- syntax and unknown keys keep toml's message ---------------------

    #[test]
    fn unknown_keys_are_refused_with_the_expected_ones() {
        for (from, to, unknown) in [
            ("[server]\n", "[server]\ncolour = \"red\"\n", "colour"),
            ("capacity = 120", "capacity = 120\nseats = 3", "seats"),
            ("slug =", "slogan = \"x\"\nslug =", "slogan"),
            (
                "{ id = \"sat-0930\",",
                "{ room = \"x\", id = \"sat-0930\",",
                "room",
            ),
            ("[server]", "[limits]\ntitel = 3\n[server]", "titel"),
            ("[server]", "[sever]\n[server]", "sever"),
        ] {
            let err = load(&replaced(from, to)).unwrap_err();
            let shown = err.to_string();
            assert!(matches!(err, ConfigError::Syntax { .. }), "{shown}");
            assert!(shown.starts_with("test.toml: "), "{shown}");
            assert!(
                shown.contains(&format!("unknown field `{unknown}`")),
                "{shown}"
            );
            assert!(shown.contains("expected"), "{shown}");
            assert!(shown.contains("line"), "{shown}");
        }
    }

    #[test]
    fn syntax_errors_carry_the_line() {
        let err = load(&replaced("capacity = 120", "capacity = ")).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("test.toml: TOML parse error at line"),
            "{shown}"
        );
    }

    #[test]
    fn wrong_types_are_refused() {
        let err = load(&replaced("capacity = 120", "capacity = -3")).unwrap_err();
        assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
        let err = load(&replaced("capacity = 120", "capacity = \"many\"")).unwrap_err();
        assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
    }

    #[test]
    fn bad_bind_address_says_what_to_write() {
        let err = load(&replaced("127.0.0.1:0", "localhost:8080")).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("invalid bind address \"localhost:8080\""),
            "{shown}"
        );
        assert!(shown.contains("0.0.0.0:8080"), "{shown}");
    }

    #[test]
    fn missing_file_says_which_and_how() {
        let err = Config::load(
            Path::new("/nonexistent/slotboard.toml"),
            &Overrides::default(),
        )
        .unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("/nonexistent/slotboard.toml: cannot read"),
            "{shown}"
        );
        assert!(shown.contains("--config"), "{shown}");
    }

    // --- events ----------------------------------------------------------

    #[test]
    fn no_events() {
        let text = base();
        let cut = text.find("[[events]]").unwrap();
        check_text(&text[..cut], "events", "no event is defined");
    }

    #[test]
    fn duplicate_event_slug() {
        let text = base();
        let event = &text[text.find("[[events]]").unwrap()..];
        check_text(
            &format!("{text}\n{event}"),
            "events[1].slug",
            "duplicate event slug \"barcamp-test\"",
        );
    }

    #[test]
    fn bad_slugs() {
        for slug in [
            "",
            "BarCamp",
            "-camp",
            "camp-",
            "bar camp",
            "barcamp_2026",
            "é",
            &"a".repeat(65),
        ] {
            check(
                "\"barcamp-test\"",
                &format!("{slug:?}"),
                "events[0].slug",
                "invalid slug",
            );
        }
        assert!(
            load(&replaced(
                "\"barcamp-test\"",
                &format!("{:?}", "a".repeat(64))
            ))
            .is_ok()
        );
        assert!(load(&replaced("\"barcamp-test\"", "\"2026\"")).is_ok());
    }

    #[test]
    fn empty_title() {
        check("\"BarCamp Test\"", "\"  \"", "events[0].title", "is empty");
    }

    #[test]
    fn unknown_timezone() {
        check(
            "\"Europe/Paris\"",
            "\"Europe/Rennes\"",
            "events[0].timezone",
            "unknown timezone \"Europe/Rennes\"; use an IANA name",
        );
        check(
            "\"Europe/Paris\"",
            "\"+01:00\"",
            "events[0].timezone",
            "unknown timezone",
        );
    }

    #[test]
    fn unknown_language() {
        check(
            "timezone = \"Europe/Paris\"",
            "timezone = \"Europe/Paris\"\nlanguages = [\"fr\", \"de\"]",
            "events[0].languages[1]",
            "unknown language \"de\"",
        );
        check(
            "timezone = \"Europe/Paris\"",
            "timezone = \"Europe/Paris\"\nlanguages = []",
            "events[0].languages",
            "is empty",
        );
        check(
            "timezone = \"Europe/Paris\"",
            "timezone = \"Europe/Paris\"\nlanguages = [\"en\", \"en\"]",
            "events[0].languages[1]",
            "listed twice",
        );
        let c = load(&replaced(
            "timezone = \"Europe/Paris\"",
            "timezone = \"Europe/Paris\"\nlanguages = [\"en\"]",
        ))
        .unwrap();
        assert_eq!(c.events[0].languages, ["en"]);
    }

    // --- rooms -----------------------------------------------------------

    #[test]
    fn no_rooms() {
        let text = base().replace(
            "[[events.rooms]]\nid = \"amphi\"\nname = \"Amphi\"\ncapacity = 120\n",
            "",
        );
        let text = text.replace(
            "[[events.rooms]]\nid = \"ouessant\"\nname = \"Salle Ouessant\"\ncapacity = 40\n",
            "",
        );
        check_text(&text, "events[0].rooms", "no room is defined");
    }

    #[test]
    fn duplicate_room_id() {
        check(
            "id = \"ouessant\"",
            "id = \"amphi\"",
            "events[0].rooms[1].id",
            "duplicate room id \"amphi\"; room ids must be unique within an event",
        );
    }

    #[test]
    fn bad_room_ids() {
        for id in ["", "salle 1", "bréhat", "a/b", &"r".repeat(33)] {
            check(
                "id = \"amphi\"",
                &format!("id = {id:?}"),
                "events[0].rooms[0].id",
                "invalid room id",
            );
        }
    }

    #[test]
    fn empty_room_name() {
        check("\"Amphi\"", "\"\"", "events[0].rooms[0].name", "is empty");
    }

    #[test]
    fn names_are_trimmed() {
        let c = load(&replaced("\"Amphi\"", "\"  Amphi \"")).unwrap();
        assert_eq!(c.events[0].rooms[0].name, "Amphi");
        let c = load(&replaced("\"BarCamp Test\"", "\" BarCamp Test\"")).unwrap();
        assert_eq!(c.events[0].title, "BarCamp Test");
    }

    #[test]
    fn zero_capacity() {
        check(
            "capacity = 40",
            "capacity = 0",
            "events[0].rooms[1].capacity",
            "is 0",
        );
    }

    // --- days and slots --------------------------------------------------

    #[test]
    fn bad_dates() {
        for date in [
            "2026-13-01",
            "2026-02-30",
            "05/12/2026",
            "2026-1-5",
            "2026-12-05T00:00",
        ] {
            check(
                "\"2026-12-05\"",
                &format!("{date:?}"),
                "events[0].days[0].date",
                "is not a date; write it as YYYY-MM-DD",
            );
        }
    }

    #[test]
    fn bad_times() {
        for time in [
            "9h30", "25:00", "9:30", "09:60", "24:00", "09:30:00", "", "０9:30",
        ] {
            check(
                "start = \"10:30\"",
                &format!("start = {time:?}"),
                "events[0].days[0].slots[1].start",
                "is not a time; write it as HH:MM on a 24-hour clock",
            );
        }
        check(
            "end = \"10:15\"",
            "end = \"10h15\"",
            "events[0].days[0].slots[0].end",
            "is not a time",
        );
    }

    #[test]
    fn start_not_before_end() {
        check(
            "end = \"11:15\"",
            "end = \"10:30\"",
            "events[0].days[0].slots[1].end",
            "the end must be after the start",
        );
        check(
            "end = \"11:15\"",
            "end = \"10:00\"",
            "events[0].days[0].slots[1].end",
            "ends at 10:00 but starts at 10:30",
        );
    }

    #[test]
    fn duplicate_slot_id_across_days() {
        check(
            "id = \"sun-0930\"",
            "id = \"sat-0930\"",
            "events[0].days[1].slots[1].id",
            "duplicate slot id \"sat-0930\" (already used at events[0].days[0].slots[0])",
        );
    }

    #[test]
    fn bad_slot_id() {
        check(
            "id = \"sat-1030\"",
            "id = \"sat 10:30\"",
            "events[0].days[0].slots[1].id",
            "invalid slot id",
        );
    }

    #[test]
    fn overlapping_slots() {
        check(
            "start = \"10:30\"",
            "start = \"10:00\"",
            "events[0].days[0].slots[1]",
            "slot \"sat-1030\" (10:00-11:15) overlaps slot \"sat-0930\" (09:30-10:15) on 2026-12-05; \
             slots of a day must not overlap, so start it at 10:15 or later",
        );
        // Declared out of order, the later-starting one is named.
        check(
            "{ id = \"sun-0930\", start = \"09:30\", end = \"10:15\" }",
            "{ id = \"sun-0930\", start = \"09:30\", end = \"12:00\" }",
            "events[0].days[1].slots[0]",
            "slot \"sun-1030\" (10:30-11:15) overlaps slot \"sun-0930\" (09:30-12:00)",
        );
        // Same start.
        check(
            "start = \"10:30\", end = \"11:15\" },\n]\n\n[[events.days]]",
            "start = \"09:30\", end = \"10:00\" },\n]\n\n[[events.days]]",
            "events[0].days[0].slots[1]",
            "overlaps",
        );
        // Back to back is fine.
        assert!(load(&replaced("start = \"10:30\"", "start = \"10:15\"")).is_ok());
    }

    #[test]
    fn day_without_slots() {
        let text = base();
        let from = text.find("slots = [\n  { id = \"sun").unwrap();
        check_text(
            &format!("{}slots = []\n", &text[..from]),
            "events[0].days[1].slots",
            "day 2026-12-06 has no slot",
        );
    }

    #[test]
    fn no_days() {
        let text = base();
        let cut = text.find("[[events.days]]").unwrap();
        check_text(&text[..cut], "events[0].days", "no day is defined");
    }

    #[test]
    fn duplicate_day() {
        check(
            "date = \"2026-12-06\"",
            "date = \"2026-12-05\"",
            "events[0].days[1].date",
            "day 2026-12-05 is declared twice",
        );
    }

    // --- server ----------------------------------------------------------

    #[test]
    fn public_url_is_normalized() {
        for (given, stored) in [
            ("http://localhost:8080/", "http://localhost:8080"),
            ("HTTPS://BarCamp.Example", "https://barcamp.example"),
            ("https://barcamp.example:443/", "https://barcamp.example"),
            ("http://10.0.0.5:80", "http://10.0.0.5"),
            ("http://[::1]:8080", "http://[::1]:8080"),
        ] {
            let c = load(&replaced(
                "\"http://localhost:8080\"",
                &format!("{given:?}"),
            ))
            .unwrap();
            assert_eq!(c.server.public_url, stored, "{given}");
        }
    }

    #[test]
    fn bad_public_urls() {
        for url in [
            "localhost:8080",
            "ftp://example.org",
            "https://",
            "https://example.org/board",
            "https://example.org?x=1",
            "https://user@example.org",
            "https://exa mple.org",
            "https://example.org:0",
            "https://example.org:99999",
            "https://example.org:",
            "https://[::1",
            "",
        ] {
            check(
                "\"http://localhost:8080\"",
                &format!("{url:?}"),
                "server.public_url",
                "is not a valid http(s)://host[:port] URL",
            );
        }
    }

    #[test]
    fn allowed_origins_are_checked_and_normalized() {
        let c = load(&replaced(
            "[server]\n",
            "[server]\nallowed_origins = [\"https://BarCamp.example/\"]\n",
        ))
        .unwrap();
        assert_eq!(c.server.allowed_origins, ["https://barcamp.example"]);
        assert!(c.server.is_configured_origin("https://barcamp.example"));
        assert!(c.server.is_configured_origin("https://barcamp.example:443"));
        assert!(c.server.is_configured_origin("http://localhost:8080"));
        assert!(!c.server.is_configured_origin("https://evil.example"));
        assert!(!c.server.is_configured_origin("null"));
        check(
            "[server]\n",
            "[server]\nallowed_origins = [\"https://ok.example\", \"*\"]\n",
            "server.allowed_origins[1]",
            "is not a valid",
        );
    }

    #[test]
    fn zero_server_values() {
        for key in [
            "ping_interval_secs",
            "handshake_timeout_secs",
            "commands_per_sec",
            "command_burst",
            "resume_window",
            "snapshot_every",
            "broadcast_buffer",
            "write_timeout_secs",
        ] {
            check(
                "[server]\n",
                &format!("[server]\n{key} = 0\n"),
                &format!("server.{key}"),
                "is 0; it must be at least 1",
            );
        }
        check(
            "[server]\n",
            "[server]\nidle_timeout_secs = 20\n",
            "server.idle_timeout_secs",
            "not longer than ping_interval_secs",
        );
        check(
            "[server]\n",
            "[server]\nmax_frame_bytes = 100\n",
            "server.max_frame_bytes",
            "at least 1024",
        );
        check(
            "[server]\n",
            "[server]\ndata_dir = \"\"\n",
            "server.data_dir",
            "is empty",
        );
    }

    #[test]
    fn zero_limits() {
        for key in ["title", "host", "tag", "announcement"] {
            check(
                "[server]",
                &format!("[limits]\n{key} = 0\n\n[server]"),
                &format!("limits.{key}"),
                "is 0, which would refuse every text",
            );
        }
        // No description and no tags are legitimate choices.
        let c = load(&replaced(
            "[server]",
            "[limits]\ndescription = 0\ntags = 0\n[server]",
        ))
        .unwrap();
        assert_eq!(c.limits.description, 0);
        assert_eq!(c.limits.title, 80);
    }

    // --- organiser secret ------------------------------------------------

    #[test]
    fn missing_organiser_secret() {
        check(
            &format!("organiser_token_hash = \"{HASH}\"\n"),
            "",
            "events[0].organiser_token_hash",
            "has no organiser secret; run `slotboard hash-token`",
        );
        let err = load(&replaced(
            &format!("organiser_token_hash = \"{HASH}\"\n"),
            "",
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("SLOTBOARD_ORGANISER_TOKEN"), "{err}");
    }

    #[test]
    fn malformed_organiser_hash() {
        check(
            HASH,
            "demo-organiser-2026",
            "events[0].organiser_token_hash",
            "malformed organiser hash",
        );
        check(
            HASH,
            &HASH.replace("sha256:", "md5:"),
            "events[0].organiser_token_hash",
            "unsupported hash scheme",
        );
    }

    #[test]
    fn env_token_overrides_and_applies_to_every_event() {
        let text = replaced(&format!("organiser_token_hash = \"{HASH}\"\n"), "");
        let event = text[text.find("[[events]]").unwrap()..].replace("barcamp-test", "barcamp-two");
        let overrides = Overrides {
            organiser_token: Some("env-secret-123".into()),
            ..Overrides::default()
        };
        let c = Config::from_toml_str(&format!("{text}\n{event}"), "t.toml", &overrides).unwrap();
        assert_eq!(c.events.len(), 2);
        for e in &c.events {
            assert!(e.organiser().verify("env-secret-123"));
            assert!(!e.organiser().verify("abc"));
        }
        // It also wins over a hash in the file.
        let c = Config::from_toml_str(&base(), "t.toml", &overrides).unwrap();
        assert!(c.events[0].organiser().verify("env-secret-123"));
        assert!(!c.events[0].organiser().verify("abc"));
    }

    #[test]
    fn short_env_token_is_refused() {
        let overrides = Overrides {
            organiser_token: Some("abc".into()),
            ..Overrides::default()
        };
        let err = Config::from_toml_str(&base(), "t.toml", &overrides).unwrap_err();
        assert_eq!(err.key(), Some("SLOTBOARD_ORGANISER_TOKEN"));
        assert!(err.to_string().contains("at least 8"), "{err}");
    }

    #[test]
    fn overrides_win_over_the_file() {
        let overrides = Overrides {
            bind: Some("127.0.0.1:9999".parse().unwrap()),
            data_dir: Some("/tmp/slotboard-x".into()),
            public_url: Some("https://board.example/".into()),
            organiser_token: None,
        };
        let c = Config::from_toml_str(&base(), "t.toml", &overrides).unwrap();
        assert_eq!(c.server.bind, "127.0.0.1:9999".parse().unwrap());
        assert_eq!(c.server.data_dir, PathBuf::from("/tmp/slotboard-x"));
        assert_eq!(c.server.public_url, "https://board.example");

        let bad = Overrides {
            public_url: Some("board.example".into()),
            ..Overrides::default()
        };
        let err = Config::from_toml_str(&base(), "t.toml", &bad).unwrap_err();
        assert_eq!(err.key(), Some("server.public_url"));
        assert!(err.to_string().contains("SLOTBOARD_PUBLIC_URL"), "{err}");
    }

    #[test]
    fn overrides_debug_hides_the_token() {
        let o = Overrides {
            organiser_token: Some("very-secret-token".into()),
            ..Overrides::default()
        };
        assert!(!format!("{o:?}").contains("very-secret"));
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "\u{0}",
            "[[events]]",
            "events = 3",
            "[server]\nbind = 3",
            "[[events]]\nslug=\"a\"\ntitle=\"t\"\ntimezone=\"UTC\"\n[[events.days]]\ndate=\"9999-99-99\"",
            "[[events]]\nslug=\"a\"\ntitle=\"t\"\ntimezone=\"\"\n",
            "[[events]]\nslug=\"a\"\ntitle=\"t\"\ntimezone=\"UTC\"\norganiser_token_hash=\"sha256:é:é\"",
        ] {
            assert!(load(text).is_err(), "{text:?}");
        }
    }
}
