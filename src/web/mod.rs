//! HTTP and WebSocket transport: routes, pages, exports, the socket upgrade.
//!
//! Handlers only translate: they find the event, ask its hub, and render.
//! Each page has its own module (`phone`, `wall`, `admin`) with its routes;
//! this one holds what they share: the state, errors, assets, headers.

mod admin;
mod archive;
mod assets;
mod coding;
pub mod device_link;
pub mod device_qr;
mod door;
pub(crate) mod event_state;
mod exports;
mod form_body;
pub(crate) mod forms;
mod grid_wire;
mod headers;
mod known_event;
mod metrics;
mod my_day;
pub mod organisers;
mod origin;
mod phone;
mod phone_cache;
mod pitch_wire;
pub mod protocol;
mod socket;
pub mod venue;
mod wall;
mod wire;

pub use form_body::wants_json;
pub use protocol::{PROTOCOL, You};
pub use socket::{Connection, SocketSettings};
pub use wire::{frame_text, text_frame};

use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use dashmap::DashMap;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::auth;
use crate::board::Limits;
use crate::config::{Config, Live};
use crate::hub::{EventHandle, Snapshot};
use crate::i18n::Lang;
use crate::views;

/// The name of the participant's token cookie.
pub const TOKEN_COOKIE: &str = "slotboard_token";

/// The cookie that carries an organiser's session (see `auth::session`),
/// scoped to the event's path.
pub const ORGANISER_COOKIE: &str = "slotboard_organiser";

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The config the server started with: what it says of the keys a
    /// reload cannot change (the data folder, `public_url`, ...). What a
    /// reload changes is read from [`AppState::live`].
    pub config: Arc<Config>,
    /// The config as it runs now: swapped by a reload (`server::reload`)
    /// with its new events, `[limits]` and the live keys of `[server]`.
    pub live: Arc<Live<Config>>,
    /// slug -> the event's hub; read by every request, concurrently.
    pub events: Arc<DashMap<String, EventHandle>>,
    /// The settings of the next socket; a reload swaps them, an open socket
    /// keeps the ones it opened with.
    pub settings: Arc<Live<SocketSettings>>,
    /// Turns true when the server is shutting down.
    pub shutdown: watch::Receiver<bool>,
    /// What `/metrics` shows; the hubs count into it too.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Open WebSockets per client IP and in all (`crate::limits`).
    pub conn_limits: Arc<crate::limits::ConnLimits>,
    /// The time of day of every page and organiser session.
    pub clock: Arc<dyn crate::clock::Clock>,
    /// Where the `req`s of rendered forms come from.
    pub ids: Arc<dyn crate::ids::IdSource>,
    /// The device links waiting to be used, and their key.
    pub device_links: Arc<device_link::DeviceLinks>,
    /// The organiser sessions still admitted, and the failure budget of
    /// wrong secrets ([`organisers`]).
    pub organisers: Arc<organisers::Organisers>,
    /// What the venue changed: hidden events, and the lock of creations
    /// (`venue`).
    pub venue: Arc<venue::Venue>,
    /// The participants' calendar feeds (`my_day`).
    pub feeds: Arc<my_day::Feeds>,
    /// How an event the venue creates gets its hub (as at start).
    pub hub_options: crate::hub::HubOptions,
    /// The phone page's part shared by the readers of a revision.
    pub phone_cache: Arc<phone_cache::PhoneCache>,
}

/// The application: every route of slotboard.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/healthz", get(healthz))
        .route("/assets/{*file}", get(assets::serve))
        .route("/e/{event}/ws", get(ws))
        .route("/e/{event}/board.json", get(board_json))
        .route("/e/{event}/schedule.ics", get(schedule_ics))
        .merge(phone::routes())
        .merge(device_link::routes())
        .merge(device_qr::routes())
        .merge(my_day::routes())
        .merge(wall::routes())
        .merge(door::routes())
        .merge(admin::routes())
        .merge(exports::routes())
        .merge(archive::routes())
        .merge(metrics::routes())
        .merge(venue::routes().layer(axum::extract::DefaultBodyLimit::max(
            venue::EVENT_BODY_LIMIT,
        )))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            known_event::gate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            origin::gate,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(
            form_body::FORM_BODY_LIMIT,
        ))
        .layer(axum::middleware::from_fn(headers::security))
        .layer(axum::middleware::from_fn(headers::remember_lang))
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::compression::CompressionLevel::Precise(1)),
        )
        .with_state(state)
}

/// The errors a page can end in, each with a clear, safe message.
#[derive(Debug)]
pub enum AppError {
    NoEvent(String),
    Unavailable,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NoEvent(slug) => (
                StatusCode::NOT_FOUND,
                // The page says it in both languages: an error has no request
                // to negotiate with.
                views::not_found(
                    Lang::En,
                    &format!(
                        "There is no event called \"{slug}\" on this server. Check the address, or pick one from the list. \
                         / Il n'y a pas d'événement « {slug} » sur ce serveur : vérifiez l'adresse, ou choisissez-en un dans la liste."
                    ),
                ),
            )
                .into_response(),
            AppError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The server is shutting down; retry in a moment.",
            )
                .into_response(),
        }
    }
}

impl AppState {
    pub(crate) fn event(&self, slug: &str) -> Result<EventHandle, AppError> {
        self.events
            .get(slug)
            .map(|e| e.clone())
            .ok_or_else(|| AppError::NoEvent(slug.to_owned()))
    }

    pub(crate) async fn snapshot(
        &self,
        slug: &str,
    ) -> Result<(EventHandle, Arc<Snapshot>), AppError> {
        let event = self.event(slug)?;
        let snap = event.snapshot().await.map_err(|_| AppError::Unavailable)?;
        Ok((event, snap))
    }

    /// The text limits now (`[limits]`, which a reload may change).
    pub(crate) fn limits(&self) -> Limits {
        self.live.get().limits.clone()
    }

    pub(crate) fn secure_cookies(&self) -> bool {
        self.config.server.public_url.starts_with("https://")
    }
}

async fn index(State(state): State<AppState>, lang: Lang) -> Response {
    // The events as they run now: a reload adds to them.
    let config = state.live.get();
    if let [only] = config.events.as_slice()
        && !state.venue.is_hidden(&only.slug)
    {
        return Redirect::to(&format!("/e/{}", only.slug)).into_response();
    }
    let events: Vec<_> = (config.events.iter())
        .filter(|e| !state.venue.is_hidden(&e.slug))
        .map(|e| (e, event_state::event_state(&state, e)))
        .collect();
    views::index(lang, &events).into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    let sick: Vec<String> = state
        .events
        .iter()
        .filter(|e| !e.healthy())
        .map(|e| e.key().clone())
        .collect();
    if sick.is_empty() {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("journal write failing for: {}\n", sick.join(", ")),
        )
            .into_response()
    }
}

/// Gives the browser a participant token the first time it comes.
pub(crate) fn with_token(state: &AppState, jar: CookieJar) -> CookieJar {
    if jar
        .get(TOKEN_COOKIE)
        .is_some_and(|c| auth::valid_token(c.value()))
    {
        return jar;
    }
    jar.add(token_cookie(state, auth::new_token()))
}

/// The participant's token cookie: HttpOnly, `SameSite=Lax` (a link from
/// elsewhere opens the board signed in), for the whole site, for good. A new
/// identity and a device link both set it this way.
pub(crate) fn token_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((TOKEN_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies())
        .path("/")
        .permanent()
        .build()
}

async fn board_json(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (_, snap) = state.snapshot(&slug).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        snap.json.clone(),
    )
        .into_response())
}

async fn schedule_ics(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    let body = crate::export::ics(
        &event.config,
        &snap.board,
        &state.config.server.public_url,
        None,
    );
    let disposition = format!("inline; filename=\"{slug}.ics\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
            ),
        ],
        body,
    )
        .into_response())
}

async fn not_found(lang: Lang) -> Response {
    (
        StatusCode::NOT_FOUND,
        views::not_found(
            lang,
            lang.t(
                "There is no page at this address. Check it, or start from the list of events.",
                "Il n'y a pas de page à cette adresse. Vérifiez-la, ou partez de la liste des événements.",
            ),
        ),
    )
        .into_response()
}

/// The socket's read buffer. A phone's frames are a few hundred bytes; a
/// bigger frame grows the buffer while it is read. tungstenite's default is
/// 128 KiB.
const READ_BUFFER: usize = 512;

async fn ws(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    upgrade: wire::Upgrade,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let live = state.live.get();
    if !origin::origin_allowed(&headers, &live) {
        return Ok((
            StatusCode::FORBIDDEN,
            "This page's origin may not open the board's WebSocket. Open the board from its own address, or add the origin to allowed_origins in the config.",
        )
            .into_response());
    }
    let client = state.conn_limits.client_ip(peer.ip(), &headers);
    let guard = match state.conn_limits.admit(client) {
        Ok(guard) => guard,
        Err(refused) => {
            let status = match refused {
                crate::limits::Refused::PerIp { .. } => StatusCode::TOO_MANY_REQUESTS,
                crate::limits::Refused::Full { .. } => StatusCode::SERVICE_UNAVAILABLE,
            };
            let retry = (header::RETRY_AFTER, HeaderValue::from_static("5"));
            return Ok((status, [retry], refused.message()).into_response());
        }
    };
    let settings = state.settings.get();
    let connection = Connection {
        event,
        limits: live.limits.clone(),
        cookie_token: jar.get(TOKEN_COOKIE).map(|c| c.value().to_owned()),
        organiser_session: jar.get(ORGANISER_COOKIE).map(|c| c.value().to_owned()),
        organisers: state.organisers.clone(),
        shutdown: state.shutdown.clone(),
        settings: settings.clone(),
        admission: Some(guard),
    };
    // Small buffers: a phone sends small frames, and at thousands of
    // connections the per-connection memory is what counts. Text goes out
    // without tungstenite's write buffer (see wire.rs), which holds control
    // frames only. Frames a bit over the limit are read whole so they can be
    // closed with 1009 by the connection itself.
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(64 * 1024)
        .max_message_size(Some(settings.max_frame_bytes * 4))
        .max_frame_size(Some(settings.max_frame_bytes * 4));
    Ok(upgrade.accept(config, move |socket| connection.run(socket)))
}
