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
//!
//! ## The modules
//!
//! Each kind of value has its module, which parses it once into the type the
//! rest of the server uses: [`server`] (`[server]`, with every default written
//! once), [`events`] (`[[events]]`, rooms, days), [`slug`] (the one slug rule,
//! also used by the archive), [`dates`] and [`times`] (a day's date and a
//! slot's times as jiff civil values), [`networks`] (trusted proxies as
//! [`IpNet`]s), [`origins`] (`public_url` and `allowed_origins` in the form of
//! an `Origin` header), [`demo`] (the demo event's days: today and tomorrow
//! at the server's start). A reload compares two configs with [`diff`] and
//! swaps what can change live through a [`Live`] (`live.rs`). This file
//! holds the whole [`Config`], its errors and the overrides from the command
//! line.

pub mod builder;
pub mod created;
pub mod dates;
pub mod demo;
pub mod diff;
mod events;
mod live;
pub mod networks;
mod origins;
mod server;
pub mod slug;
#[cfg(test)]
mod tests;
pub mod times;

use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::auth::OrganiserSecret;
use crate::board::Limits;

pub use dates::parse_date;
pub use diff::Diff;
pub use events::{DayConfig, EventConfig, RawDay, RawEvent, RawSlot, RoomConfig, SlotConfig};
pub use live::Live;
pub use networks::{IpNet, canonical};
pub use server::ServerConfig;
pub use slug::is_slug;
pub use times::{hhmm, parse_time};

/// The shortest organiser secret accepted in plain form: from
/// `SLOTBOARD_ORGANISER_TOKEN` at start-up, and by `slotboard hash-token`.
/// 16 characters of a generated secret are about 94 bits; a short one can be
/// guessed through the login form and the socket. A secret given as a hash
/// (`organiser_token_hash`) cannot be measured: its length was checked, if
/// at all, when `hash-token` made it (see docs/security.md).
pub const MIN_SECRET_CHARS: usize = 16;

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
    /// `SLOTBOARD_VENUE_TOKEN`: the venue's secret (never a flag either).
    pub venue_token: Option<String>,
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
            .field(
                "venue_token",
                &self.venue_token.as_ref().map(|_| "<redacted>"),
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
    /// The events; slugs are unique. At least one, or the demo. The demo
    /// joins them, with its days, when the server starts
    /// ([`Config::with_demo_days`]).
    pub events: Vec<EventConfig>,
    /// The `[demo]` table when it is enabled, without its days (see
    /// [`demo`]).
    pub demo: Option<EventConfig>,
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

// ---------------------------------------------------------------------------
// What serde reads, before validation.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    server: server::RawServer,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    events: Vec<events::RawEvent>,
    #[serde(default)]
    demo: Option<events::RawEvent>,
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
        let server = self.server.validate(overrides)?;
        validate_limits(&self.limits)?;

        let shared_secret = match &overrides.organiser_token {
            Some(token) => Some(secret_from_env(token)?),
            None => None,
        };

        let demo = match self.demo {
            Some(raw) if raw.enabled != Some(false) => Some(events::validate_event(
                "demo",
                raw,
                shared_secret.as_ref(),
                true,
            )?),
            _ => None,
        };
        if self.events.is_empty() && demo.is_none() {
            return Err(invalid(
                "events",
                "no event is defined; add an [[events]] table with a slug, title, timezone, \
                 rooms and days (the shipped config.toml is a complete example)",
            ));
        }
        let mut slugs: HashSet<String> = demo.iter().map(|d| d.slug.clone()).collect();
        let mut events = Vec::with_capacity(self.events.len());
        for (i, raw) in self.events.into_iter().enumerate() {
            let key = format!("events[{i}]");
            let event = events::validate_event(&key, raw, shared_secret.as_ref(), false)?;
            if !slugs.insert(event.slug.clone()) {
                return Err(invalid(
                    format!("{key}.slug"),
                    format!(
                        "duplicate event slug {:?} (an event or the [demo]); each event needs \
                         its own slug, it is its URL",
                        event.slug
                    ),
                ));
            }
            events.push(event);
        }
        venue_apart(&server, overrides, events.iter().chain(&demo))?;
        Ok(Config {
            server,
            limits: self.limits,
            events,
            demo,
        })
    }
}

/// The venue's secret must open no event's admin page (and no organiser
/// secret the venue's page). Only what is known in plain can be compared: a
/// secret from the environment against every hash, both hashes are salted.
fn venue_apart<'a>(
    server: &ServerConfig,
    overrides: &Overrides,
    events: impl Iterator<Item = &'a EventConfig>,
) -> Checked<()> {
    let Some(venue) = &server.venue else {
        return Ok(());
    };
    let same = |e: &EventConfig| match (&overrides.venue_token, &overrides.organiser_token) {
        (Some(plain), _) => e.organiser.verify(plain),
        (None, Some(plain)) => venue.verify(plain),
        (None, None) => false,
    };
    for event in events {
        if same(event) {
            let key = if overrides.venue_token.is_some() {
                "SLOTBOARD_VENUE_TOKEN".to_owned()
            } else {
                "server.venue_token_hash".to_owned()
            };
            return Err(invalid(
                key,
                format!(
                    "the venue's secret is also the organiser secret of event {:?}; give the \
                     venue a secret of its own (`slotboard hash-token --generate`): it creates \
                     and ends every event",
                    event.slug
                ),
            ));
        }
    }
    Ok(())
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
