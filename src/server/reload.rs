//! Reading the config again without a restart (SIGHUP, or
//! [`Server::reload`] in tests).
//!
//! A venue adds next month's event to config.toml and sends SIGHUP: the
//! server must take it without dropping the phones and the wall. So a
//! reload only ever adds: new events are opened as at start
//! (`hub::open_event`, with the same orphan check) and join the map of
//! events; the keys that every new socket or request reads
//! (`config::diff::LIVE_SERVER_KEYS`, `[limits]`) are swapped through the
//! `Live` values of the web layer; every other key that differs is named in
//! the returned [`Diff`] and the log as needing a restart. A running event
//! keeps its config and its grid (its hub holds them); a removed event keeps
//! running. A file that does not load is refused with the message start-up
//! gives, and so is a config whose grid would orphan sessions of a running
//! board; the running config then stays as it was, whole.

use std::path::Path;
use std::sync::Arc;

use crate::config::diff::{self, Diff};
use crate::config::{Config, ConfigError, Live, Overrides};
use crate::hub::HubOptions;
use crate::web::SocketSettings;
use crate::web::organisers::Organisers;

use super::Server;
use crate::hub::open_event;

/// What a reload swaps, and what it needs to open an event.
pub(super) struct Reloadable {
    /// The config as it runs (the web layer reads the same `Live`).
    pub config: Arc<Live<Config>>,
    /// The settings of the next socket.
    pub settings: Arc<Live<SocketSettings>>,
    pub organisers: Arc<Organisers>,
    pub options: HubOptions,
    /// Its lock makes one change of the set of events at a time: two
    /// SIGHUPs in a row, or a reload and the venue creating an event, do not
    /// open an event twice.
    pub venue: Arc<crate::web::venue::Venue>,
}

/// Why a reload was refused; the running config stays.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The file does not load; the message is the one start-up prints.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The config loads but cannot run: it would orphan sessions of a
    /// running event, or a new event's data cannot be opened. The message
    /// is the one start-up gives for the same data.
    #[error("{0:#}")]
    Refused(anyhow::Error),
}

impl Server {
    /// Reads the config file at `path` with `overrides` (the loader of
    /// start-up), then [`Server::reload`]s it.
    pub async fn reload_from(
        &self,
        path: &Path,
        overrides: &Overrides,
    ) -> Result<Diff, ReloadError> {
        let file = path.to_owned();
        let o = overrides.clone();
        let loaded = tokio::task::spawn_blocking(move || Config::load(&file, &o))
            .await
            .map_err(|e| ReloadError::Refused(e.into()))?;
        let mut new = loaded?;
        if overrides.organiser_token.is_some() {
            // The same secret from the environment, salted anew: not a
            // change of secret.
            let running = self.reloadable.config.get();
            for event in &mut new.events {
                if let Some(was) = running.event(&event.slug) {
                    event.organiser = was.organiser.clone();
                }
            }
        }
        if overrides.venue_token.is_some() {
            // Likewise: the same venue secret keeps its salt, and the
            // venue's cookies stay valid.
            new.server.venue = self.reloadable.config.get().server.venue.clone();
        }
        self.reload(new).await
    }

    /// Takes `new` as the config: opens its new events, applies the keys
    /// that can change live, and says in the [`Diff`] what differs and waits
    /// for a restart. Refused as a whole (nothing changes) when a new event
    /// cannot be opened or a changed grid would orphan sessions.
    pub async fn reload(&self, new: Config) -> Result<Diff, ReloadError> {
        let _one = self.reloadable.venue.changing.lock().await;
        let running = self.reloadable.config.get();
        let (new, demo_waits) = demo_as_running(new, &running);
        let new = with_created(new, &running)?;
        let mut diff = diff::diff(&running, &new);
        if demo_waits {
            diff.restart.push("demo.enabled".to_owned());
        }
        self.check_grids(&running, &new, &diff).await?;
        let merged = diff::merged(&running, &new);
        let mut opened = Vec::with_capacity(diff.added.len());
        for slug in &diff.added {
            let Some(event) = new.event(slug) else {
                continue;
            };
            match self.open_new(&merged, event).await {
                Ok(handle) => opened.push(handle),
                Err(e) => {
                    // Nothing reached these hubs yet: stop them, keep the rest.
                    for handle in opened {
                        handle.shutdown().await;
                    }
                    let e = ReloadError::Refused(e);
                    tracing::error!("reload refused, the running config stays: {e}");
                    return Err(e);
                }
            }
        }
        for handle in opened {
            self.events.insert(handle.config.slug.clone(), handle);
        }
        let r = &self.reloadable;
        r.settings.set(SocketSettings::from_config(&merged.server));
        r.config.set(merged);
        log(&diff);
        Ok(diff)
    }

    /// A running event's grid stays on reload, but a config whose grid
    /// would orphan its sessions could not start: refused now, with the
    /// message of start-up, rather than at the next restart.
    async fn check_grids(
        &self,
        running: &Config,
        new: &Config,
        diff: &Diff,
    ) -> Result<(), ReloadError> {
        for slug in &diff.grid {
            let (Some(handle), Some(event)) =
                (self.events.get(slug).map(|h| h.clone()), new.event(slug))
            else {
                continue;
            };
            let snap = handle.snapshot().await.map_err(|_| {
                ReloadError::Refused(anyhow::anyhow!("event {slug:?} is shutting down"))
            })?;
            let grid = event.grid();
            let found = crate::lifecycle::orphans_in(&grid, Some(snap.board.state()), []);
            if !found.is_empty() {
                let dir = running.server.data_dir.join("events").join(slug);
                let message =
                    crate::lifecycle::orphan_message(&dir.display().to_string(), &grid, &found);
                let e = ReloadError::Refused(
                    anyhow::anyhow!(message)
                        .context(format!("cannot open the data of event {slug:?}")),
                );
                tracing::error!("reload refused, the running config stays: {e}");
                return Err(e);
            }
        }
        Ok(())
    }

    /// Opens one event the reload adds: its organiser sessions, then as at
    /// start.
    async fn open_new(
        &self,
        config: &Config,
        event: &crate::config::EventConfig,
    ) -> anyhow::Result<crate::hub::EventHandle> {
        let organisers = self.reloadable.organisers.clone();
        let (data, slug) = (config.server.data_dir.clone(), event.slug.clone());
        tokio::task::spawn_blocking(move || organisers.add_event(&data, &slug)).await??;
        open_event(config, event, &self.reloadable.options).await
    }
}

/// The file's events with those the venue created, which the file does not
/// hold and a reload keeps; a slug of both is refused as at start.
fn with_created(new: Config, running: &Config) -> Result<Config, ReloadError> {
    let created: Vec<_> = running
        .events
        .iter()
        .filter(|e| e.created)
        .cloned()
        .collect();
    let data = running.server.data_dir.clone();
    new.with_created(created, |slug| {
        crate::store::venue::event_file(&data, slug)
            .display()
            .to_string()
    })
    .map_err(|e| {
        let e = ReloadError::Refused(anyhow::anyhow!(e));
        tracing::error!("reload refused, the running config stays: {e}");
        e
    })
}

/// The file's demo with the running demo's days. Its days are set once, at
/// start, where `demo::prepare` also fits its folder to them: a reload keeps
/// them, so the demo's grid is not reported as changed, and a demo turned on
/// by the file waits for a restart (it is left out until then). A demo
/// turned off is an event gone from the file, and keeps running like one.
fn demo_as_running(mut new: Config, running: &Config) -> (Config, bool) {
    new.events.retain(|e| !e.demo);
    let Some(demo) = new.demo.clone() else {
        return (new, false);
    };
    match running.demo_events().find(|e| e.slug == demo.slug) {
        Some(was) => {
            let mut demo = demo;
            demo.days = was.days.clone();
            new.events.push(demo);
            (new, false)
        }
        None => (new, true),
    }
}

/// Says what a reload did and what waits for a restart, naming each key.
fn log(diff: &Diff) {
    for slug in &diff.added {
        tracing::info!(event = %slug, "reload: new event opened");
    }
    if !diff.live.is_empty() {
        tracing::info!(
            "reload: applied live (to new connections): {}",
            diff.live.join(", ")
        );
    }
    if !diff.restart.is_empty() {
        tracing::warn!(
            "reload: changed, applies after a restart: {}",
            diff.restart.join(", ")
        );
    }
    for slug in &diff.removed {
        tracing::warn!(event = %slug,
            "reload: the event is no longer in the config; it keeps running until a restart");
    }
    for slug in &diff.grid {
        tracing::warn!(event = %slug,
            "reload: the config's rooms or days differ from the running grid, which stays \
             (its journal holds it); the config's grid applies after a restart");
    }
    if diff == &Diff::default() {
        tracing::info!("reload: the config has not changed");
    }
}

/// The signals `slotboard serve` answers, installed before the server
/// listens: a SIGHUP sent as soon as it is healthy must not find the
/// default action (which ends the process).
pub(super) struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    pub(super) fn install() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Serves until SIGTERM or Ctrl-C; each SIGHUP reloads the file at
    /// `path` with `overrides`.
    pub(super) async fn serve(mut self, server: &Server, path: &Path, overrides: &Overrides) {
        #[cfg(unix)]
        loop {
            tokio::select! {
                _ = self.term.recv() => return,
                _ = self.int.recv() => return,
                _ = self.hup.recv() => {
                    tracing::info!(config = %path.display(), "SIGHUP: reading the config again");
                    // A refusal is logged where it is decided (a file that
                    // does not load, here).
                    if let Err(ReloadError::Config(e)) = server.reload_from(path, overrides).await {
                        tracing::error!("reload refused, the running config stays: {e}");
                    }
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = (&mut self, server, path, overrides);
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
