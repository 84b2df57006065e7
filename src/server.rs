//! Starting and stopping the whole server.
//!
//! [`Server::start`] opens every event's store, spawns one hub per event and
//! serves the router on a listener; tests call it with a port-0 listener.
//! [`run`] is what `slotboard serve` does: bind, serve until SIGTERM or
//! Ctrl-C, then close sockets with 1001, stop the hubs and snapshot; on
//! SIGHUP it reads the config file again and hands it to [`Server::reload`]
//! (`reload.rs`: new events open, live settings swap, the rest is named as
//! needing a restart; no socket is dropped). Start and reload open an event
//! the same way, with `hub::open_event` (as the venue's page does). The accept loop and its HTTP limits are `serve.rs` (with the body deadline,
//! `body_deadline.rs`, and the stream that holds its place in the count of
//! connections, `counted.rs`).

mod body_deadline;
mod counted;
mod reload;
mod serve;

pub use reload::ReloadError;
pub use serve::{HttpSettings, MAX_BUF, MAX_HEAD};

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use dashmap::DashMap;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::{Config, Live, Overrides};
use crate::hub::{EventHandle, HubOptions, open_event};
use crate::ids::IdSource;
use crate::web::{self, AppState, SocketSettings};

/// A running server.
pub struct Server {
    addr: SocketAddr,
    events: Arc<DashMap<String, EventHandle>>,
    shutdown: watch::Sender<bool>,
    serving: JoinHandle<std::io::Result<()>>,
    /// What a reload swaps, and what it needs to open events.
    reloadable: reload::Reloadable,
}

/// What a server takes from the world besides its config: the time of day
/// and the random ids of forms. Tests hand in a clock they move.
#[derive(Clone)]
pub struct Sources {
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdSource>,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            clock: crate::clock::system(),
            ids: crate::ids::random(),
        }
    }
}

impl Server {
    /// Opens the data of every event and serves on `listener`, on the
    /// system's clock.
    pub async fn start(config: Config, listener: TcpListener) -> anyhow::Result<Server> {
        Server::start_with(config, listener, Sources::default()).await
    }

    /// [`Server::start`] with the clock and ids given.
    pub async fn start_with(
        config: Config,
        listener: TcpListener,
        sources: Sources,
    ) -> anyhow::Result<Server> {
        let addr = listener.local_addr()?;
        // The demo's days are today's: set, its folder fitted and seeded.
        let config = crate::demo::prepare(config, sources.clock.now()).await?;
        // The events created on the venue's page join those of the file.
        let config = Arc::new(with_created(config).await?);
        let events = Arc::new(DashMap::new());
        let metrics = Arc::new(crate::metrics::Metrics::new());
        let options = HubOptions {
            clock: sources.clock.clone(),
            framing: web::text_frame,
            ..HubOptions::from_config(&config.server, metrics.clone())
        };
        for event in &config.events {
            let handle = open_event(&config, event, &options).await?;
            events.insert(event.slug.clone(), handle);
        }
        let (shutdown, shutdown_rx) = watch::channel(false);
        let settings = Arc::new(Live::new(SocketSettings::from_config(&config.server)));
        let live = Arc::new(Live::new((*config).clone()));
        let organisers = Arc::new(web::organisers::Organisers::open(&config)?);
        let venue = Arc::new(web::venue::Venue::open(&config.server.data_dir)?);
        let conn_limits = crate::limits::ConnLimits::for_server(&config.server);
        // After the line above, which raises the open-file limit.
        let tcp_limits = crate::limits::TcpLimits::for_server(&config.server);
        let state = AppState {
            config: config.clone(),
            live: live.clone(),
            events: events.clone(),
            settings: settings.clone(),
            shutdown: shutdown_rx.clone(),
            metrics,
            conn_limits,
            clock: sources.clock,
            ids: sources.ids,
            device_links: Default::default(),
            organisers: organisers.clone(),
            venue: venue.clone(),
            feeds: Default::default(),
            hub_options: options.clone(),
            phone_cache: Default::default(),
        };
        let app = web::router(state);
        let http = HttpSettings {
            header_read_timeout: config.server.header_read_timeout(),
            body_read_timeout: config.server.body_read_timeout(),
        };
        let serving = tokio::spawn(serve::serve(listener, app, tcp_limits, http, shutdown_rx));
        Ok(Server {
            addr,
            events,
            shutdown,
            serving,
            reloadable: reload::Reloadable {
                config: live,
                settings,
                organisers,
                options,
                venue,
            },
        })
    }

    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes every socket with 1001, lets each hub finish
    /// its queued commands and write a snapshot.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        let served = self.serving.await;
        // An upgraded WebSocket is no longer tracked by the HTTP server:
        // wait, while the hubs still answer, for every socket to write the
        // answers of its in-flight commands and its 1001 close.
        let drain = self.reloadable.settings.get().write_timeout * 2;
        let deadline = tokio::time::Instant::now() + drain;
        while self.events.iter().any(|e| e.connected() > 0) {
            if tokio::time::Instant::now() >= deadline {
                tracing::warn!("some connections did not close in time; stopping anyway");
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        for e in self.events.iter() {
            e.shutdown().await;
        }
        served??;
        Ok(())
    }
}

/// `config` with the events of the venue's folder; a slug defined there and
/// in the file stops the start, naming both.
async fn with_created(config: Config) -> anyhow::Result<Config> {
    let data = config.server.data_dir.clone();
    let created =
        tokio::task::spawn_blocking(move || crate::store::venue::load_events(&data)).await??;
    let data = config.server.data_dir.clone();
    config
        .with_created(created, |slug| {
            crate::store::venue::event_file(&data, slug)
                .display()
                .to_string()
        })
        .map_err(|e| anyhow::anyhow!(e))
}

/// A listening socket with this accept queue (tokio's `bind` uses 1024).
pub fn listen(addr: std::net::SocketAddr, backlog: u32) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As `TcpListener::bind` does: a restarted server can listen again at
    // once, even with connections of the last one in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog)
}

/// `slotboard serve`: runs until SIGTERM or Ctrl-C; on SIGHUP reads the
/// file at `path` again with the same `overrides` and reloads it.
pub async fn run(
    config: Config,
    path: &std::path::Path,
    overrides: &Overrides,
) -> anyhow::Result<()> {
    let bind = config.server.bind;
    let listener = listen(bind, config.server.listen_backlog)
        .with_context(|| format!("cannot listen on {bind} (is another server running there?)"))?;
    let public = config.server.public_url.clone();
    let slugs: Vec<String> = (config.events.iter().chain(&config.demo))
        .map(|e| e.slug.clone())
        .collect();
    let signals = reload::Signals::install().context("cannot install the signal handlers")?;
    let server = Server::start(config, listener).await?;
    tracing::info!(addr = %server.addr(), "slotboard is listening");
    for slug in &slugs {
        tracing::info!("board: {public}/e/{slug}  wall: {public}/e/{slug}/wall");
    }
    signals.serve(&server, path, overrides).await;
    tracing::info!("shutting down: closing connections and writing snapshots");
    server.shutdown().await
}
