//! Opening one event: at start, on reload, and when the venue creates one.
//!
//! One function, so that every way an event comes to run does the same
//! checks: its folder is replayed, a config that would orphan sessions is
//! refused naming them, the board gets the event's rules (its session cap),
//! its hub is spawned, and its archive is written when it ends.

use std::sync::Arc;

use anyhow::Context;

use super::{EventHandle, HubOptions};
use crate::config::{Config, EventConfig};

/// Opens one event, at start and on reload: its folder (refusing a config
/// that would orphan sessions, naming them), its board with the event's
/// rules, its hub, and its archive when it ends.
pub async fn open_event(
    config: &Config,
    event: &EventConfig,
    options: &HubOptions,
) -> anyhow::Result<EventHandle> {
    let dir = config.server.data_dir.join("events").join(&event.slug);
    // Refuses a config that would orphan sessions, naming them.
    let checked = event.clone();
    let opened =
        tokio::task::spawn_blocking(move || crate::store::orphans::open_checked(&dir, &checked))
            .await?
            .with_context(|| format!("cannot open the data of event {:?}", event.slug))?;
    let (store, mut loaded) = opened;
    // The cap is a rule of the event, not state: set on the loaded
    // board, never persisted.
    loaded.board = loaded
        .board
        .with_session_cap(event.session_cap(&config.server));
    tracing::info!(event = %event.slug, rev = loaded.board.rev(),
        sessions = loaded.board.sessions().count(), "board loaded");
    let handle = EventHandle::spawn(Arc::new(event.clone()), store, loaded, options.clone());
    let (data, url) = (&config.server.data_dir, &config.server.public_url);
    super::archiving::archive_when_ended(handle.clone(), data.clone(), url.clone());
    Ok(handle)
}
