//! What a reload changes: the keys of two configs that differ, sorted into
//! those the running server takes at once and those that need a restart.
//!
//! `server::reload` reads config.toml again on SIGHUP. Some settings are read
//! by every new socket or request and can be swapped ([`LIVE_SERVER_KEYS`],
//! `[limits]`, new events); the others were used once at start (the
//! listener, the data folder, the hubs' buffers, the connection limits, an
//! event's config held by its hub) and are named here so the log and the
//! reload's report can say "needs a restart: server.bind, events[camp].title".
//! Pure: two validated configs in, names out.

use super::{Config, EventConfig, ServerConfig};
use crate::board::Limits;

/// The `[server]` keys a reload applies to every socket and request that
/// comes after it (a socket already open keeps the settings it opened with).
pub const LIVE_SERVER_KEYS: &[&str] = &[
    "allowed_origins",
    "ping_interval_secs",
    "idle_timeout_secs",
    "handshake_timeout_secs",
    "max_frame_bytes",
    "commands_per_sec",
    "command_burst",
    "write_timeout_secs",
    "venue",
    "timezone",
];

/// How a new config differs from the running one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Slugs of events only the new config has: opened by the reload.
    pub added: Vec<String>,
    /// Slugs of events only the running config has: they keep running
    /// until a restart (a reload never drops a socket).
    pub removed: Vec<String>,
    /// Keys that differ and apply live (`server.allowed_origins`,
    /// `limits.title`).
    pub live: Vec<String>,
    /// Keys that differ and need a restart (`server.bind`,
    /// `events[camp].title`).
    pub restart: Vec<String>,
    /// Slugs of running events whose rooms or days differ in the new config:
    /// the running grid stays (the journal holds it).
    pub grid: Vec<String>,
}

/// Compares the running config `old` with `new`.
pub fn diff(old: &Config, new: &Config) -> Diff {
    let mut d = Diff::default();
    server_keys(&old.server, &new.server, &mut d);
    limits_keys(&old.limits, &new.limits, &mut d.live);
    for event in &new.events {
        match old.event(&event.slug) {
            None => d.added.push(event.slug.clone()),
            Some(running) => event_keys(running, event, &mut d),
        }
    }
    for event in &old.events {
        if new.event(&event.slug).is_none() {
            d.removed.push(event.slug.clone());
        }
    }
    d
}

/// The config that runs after a reload: `old`'s `[server]` with `new`'s
/// live keys, `new`'s `[limits]`, `old`'s events as they run (their changes
/// wait for a restart), then the events only `new` has.
pub fn merged(old: &Config, new: &Config) -> Config {
    let n = &new.server;
    let server = ServerConfig {
        allowed_origins: n.allowed_origins.clone(),
        ping_interval_secs: n.ping_interval_secs,
        idle_timeout_secs: n.idle_timeout_secs,
        handshake_timeout_secs: n.handshake_timeout_secs,
        max_frame_bytes: n.max_frame_bytes,
        commands_per_sec: n.commands_per_sec,
        command_burst: n.command_burst,
        write_timeout_secs: n.write_timeout_secs,
        venue: n.venue.clone(),
        timezone: n.timezone.clone(),
        ..old.server.clone()
    };
    let mut events = old.events.clone();
    events.extend(
        (new.events.iter())
            .filter(|e| old.event(&e.slug).is_none())
            .cloned(),
    );
    Config {
        server,
        limits: new.limits.clone(),
        events,
        // The demo runs as it started (its days and folder are fitted at
        // start): a change to `[demo]` waits for a restart.
        demo: old.demo.clone(),
    }
}

/// Pushes `server.<key>` onto the live or the restart list for every key of
/// `[server]` that differs.
macro_rules! compare {
    ($old:ident, $new:ident, $d:ident; $($key:ident),* $(,)?) => {
        // Every field is named here, so a new key of `[server]` does not
        // build until it is sorted into live or restart.
        let ServerConfig { $($key: _),* } = $old;
        $(
            if $old.$key != $new.$key {
                let name = concat!("server.", stringify!($key));
                if LIVE_SERVER_KEYS.contains(&stringify!($key)) {
                    $d.live.push(name.to_owned());
                } else {
                    $d.restart.push(name.to_owned());
                }
            }
        )*
    };
}

fn server_keys(old: &ServerConfig, new: &ServerConfig, d: &mut Diff) {
    compare!(old, new, d;
        bind, public_url, data_dir, allowed_origins, ping_interval_secs,
        idle_timeout_secs, handshake_timeout_secs, max_frame_bytes,
        commands_per_sec, command_burst, resume_window, snapshot_every,
        broadcast_buffer, write_timeout_secs, max_connections_per_ip,
        ip_commands_per_sec, ip_command_burst, max_connections, reserved_fds,
        listen_backlog, trusted_proxies, max_sessions_per_participant,
        ip_claims_per_minute, ip_claim_burst, header_read_timeout_ms,
        body_read_timeout_ms, max_tcp_connections_per_ip, venue, timezone,
    );
}

fn limits_keys(old: &Limits, new: &Limits, live: &mut Vec<String>) {
    let Limits {
        title,
        host,
        description,
        tags,
        tag,
        announcement,
    } = old;
    for (key, was, is) in [
        ("title", title, &new.title),
        ("host", host, &new.host),
        ("description", description, &new.description),
        ("tags", tags, &new.tags),
        ("tag", tag, &new.tag),
        ("announcement", announcement, &new.announcement),
    ] {
        if was != is {
            live.push(format!("limits.{key}"));
        }
    }
}

/// An event's config is held by its hub for as long as it runs: any change
/// but its grid needs a restart; a different grid is said apart.
fn event_keys(old: &EventConfig, new: &EventConfig, d: &mut Diff) {
    let slug = &old.slug;
    let mut restart = |key: &str, differs: bool| {
        if differs {
            d.restart.push(format!("events[{slug}].{key}"));
        }
    };
    restart("title", old.title != new.title);
    restart("timezone", old.timezone != new.timezone);
    restart("languages", old.languages != new.languages);
    restart("organiser_token_hash", old.organiser != new.organiser);
    restart(
        "max_sessions_per_participant",
        old.max_sessions_per_participant != new.max_sessions_per_participant,
    );
    if old.rooms != new.rooms || old.days != new.days {
        d.grid.push(slug.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    const CAMP: &str = r#"
[server]
data_dir = "data"

[[events]]
slug = "camp"
title = "Camp"
timezone = "Europe/Paris"
organiser_token_hash = "sha256:00112233445566778899aabbccddeeff:0000000000000000000000000000000000000000000000000000000000000000"

[[events.rooms]]
id = "a"
name = "A"
capacity = 20

[[events.days]]
date = "2037-12-05"
slots = [{ id = "s", start = "09:00", end = "09:45" }]
"#;

    fn config(text: &str) -> Config {
        Config::from_toml_str(text, "t.toml", &Overrides::default()).expect("valid")
    }

    #[test]
    fn the_same_file_differs_in_nothing() {
        assert_eq!(diff(&config(CAMP), &config(CAMP)), Diff::default());
    }

    #[test]
    fn each_key_is_sorted_into_live_or_restart() {
        let new = CAMP
            .replace(
                "data_dir = \"data\"",
                "data_dir = \"other\"\nallowed_origins = [\"https://x.example\"]\ncommand_burst = 3\n\n[limits]\ntag = 5",
            )
            .replace("title = \"Camp\"", "title = \"Camp 2\"")
            .replace("capacity = 20", "capacity = 21");
        let d = diff(&config(CAMP), &config(&new));
        assert_eq!(
            d.live,
            [
                "server.allowed_origins",
                "server.command_burst",
                "limits.tag"
            ]
        );
        assert_eq!(d.restart, ["server.data_dir", "events[camp].title"]);
        assert_eq!(d.grid, ["camp"]);
    }

    #[test]
    fn the_merged_config_keeps_what_needs_a_restart() {
        let new = CAMP
            .replace(
                "data_dir = \"data\"",
                "data_dir = \"other\"\nallowed_origins = [\"https://x.example\"]",
            )
            .replace("title = \"Camp\"", "title = \"Camp 2\"")
            + &CAMP[CAMP.find("[[events]]").unwrap()..].replace("\"camp\"", "\"fair\"");
        let (old, new) = (config(CAMP), config(&new));
        let d = diff(&old, &new);
        assert_eq!(d.added, ["fair"]);
        let m = merged(&old, &new);
        assert_eq!(m.server.data_dir, old.server.data_dir);
        assert_eq!(m.server.allowed_origins, ["https://x.example"]);
        let titles: Vec<_> = m.events.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Camp", "Camp"]);
        assert_eq!(m.events[1].slug, "fair");
        // What runs after the reload differs from the file only in restart keys.
        let again = diff(&m, &new);
        assert!(again.live.is_empty() && again.added.is_empty(), "{again:?}");
    }
}
