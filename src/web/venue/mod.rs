//! The venue's page and API: `/admin` and `/admin/events`.
//!
//! The venue's secret (`[server] venue`, see `config::server`) is checked
//! like an organiser's: hashed, in constant time, under the failure budget
//! of `web::organisers` (its door is [`VENUE`]), and a login sets an
//! HttpOnly, SameSite=Strict cookie for `/admin` whose session the venue's
//! book can revoke (logout). Scripts send the secret itself as
//! `Authorization: Bearer`.
//!
//! What the venue does: create an event (`create.rs`: the form, the API and
//! the one path both take), list every event with its state (`api.rs` for
//! JSON), end one (its hub journals `ended` and archives it, as when an
//! organiser ends it), and hide one from `/` (a list in the venue's folder,
//! `store::venue`). Changes to the set of events go one at a time, behind
//! [`Venue::changing`], which a reload takes too.

mod api;
mod create;
mod events;

use std::collections::BTreeSet;
use std::sync::RwLock;

use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde_json::json;

use super::AppState;
use super::form_body::{FormFields, wants_json};
use super::organisers::{Door, SecretCheck, VENUE};
use crate::i18n::Lang;
use crate::views;

pub use create::EVENT_BODY_LIMIT;
pub use events::rows;

/// The cookie of a venue's session, for `/admin` only.
pub const VENUE_COOKIE: &str = "slotboard_venue";

/// What the venue changed that every request reads.
#[derive(Debug, Default)]
pub struct Venue {
    /// Held while the set of events changes: a creation, a reload.
    pub changing: tokio::sync::Mutex<()>,
    hidden: RwLock<BTreeSet<String>>,
}

impl Venue {
    /// The venue of a data folder (blocking: at start).
    pub fn open(data_dir: &std::path::Path) -> anyhow::Result<Venue> {
        Ok(Venue {
            changing: Default::default(),
            hidden: RwLock::new(crate::store::venue::load_hidden(data_dir)?),
        })
    }

    /// Whether `/` leaves this event out.
    pub fn is_hidden(&self, slug: &str) -> bool {
        self.hidden
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(slug)
    }

    fn hidden(&self) -> BTreeSet<String> {
        self.hidden
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_hidden(&self, hidden: BTreeSet<String>) {
        *self.hidden.write().unwrap_or_else(|e| e.into_inner()) = hidden;
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(page))
        .route("/admin/login", post(login).get(to_venue))
        .route("/admin/logout", post(logout).get(to_venue))
        .route("/admin/events", post(create::create).get(api::list))
        .route("/admin/events/{slug}/end", post(api::end).get(to_venue))
        .route("/admin/events/{slug}/hide", post(api::hide).get(to_venue))
}

async fn to_venue() -> Redirect {
    Redirect::to("/admin")
}

/// Pages of the venue are never cached.
const NO_STORE: [(header::HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

/// Who is asking, as far as the venue is concerned.
enum Caller {
    /// A logged-in venue (cookie) or a script with the right Bearer secret.
    Venue,
    /// The answer to send instead: not logged in, wrong secret, too many
    /// attempts, or the venue's page is off.
    Refused(Response),
}

/// The venue, from its cookie or its Bearer secret (checked under the
/// failure budget).
async fn caller(
    state: &AppState,
    peer: std::net::SocketAddr,
    headers: &HeaderMap,
    jar: &CookieJar,
    lang: Lang,
) -> Caller {
    let json = wants_json(headers) || bearer(headers).is_some();
    let live = state.live.get();
    let Some(secret) = live.server.venue.as_ref() else {
        return Caller::Refused(off(lang, json));
    };
    let door = Door { key: VENUE, secret };
    let now = state.clock.now();
    if let Some(token) = bearer(headers) {
        let ip = state.conn_limits.client_ip(peer.ip(), headers);
        return match state.organisers.try_secret(door, ip, token, now).await {
            SecretCheck::Right => Caller::Venue,
            SecretCheck::Wrong => Caller::Refused(unauthorized(lang, true)),
            SecretCheck::Wait { retry_after_secs } => {
                Caller::Refused(too_many(lang, retry_after_secs, true))
            }
        };
    }
    let session = jar.get(VENUE_COOKIE);
    if session.is_some_and(|c| state.organisers.session(door, c.value(), now).is_some()) {
        return Caller::Venue;
    }
    Caller::Refused(unauthorized(lang, json))
}

/// The secret of `Authorization: Bearer <secret>`.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// 403: no venue secret is set on this server; what to do.
fn off(lang: Lang, json: bool) -> Response {
    if json {
        return error_json(
            StatusCode::FORBIDDEN,
            "venue_off",
            "this server has no venue secret: set SLOTBOARD_VENUE_TOKEN, or venue_token_hash in [server] (made by `slotboard hash-token`), then reload or restart",
            None,
        );
    }
    (StatusCode::FORBIDDEN, NO_STORE, views::venue::off(lang)).into_response()
}

fn unauthorized(lang: Lang, json: bool) -> Response {
    if json {
        return error_json(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the venue's secret as `Authorization: Bearer <secret>`",
            None,
        );
    }
    (
        StatusCode::UNAUTHORIZED,
        NO_STORE,
        views::venue::login(lang, false),
    )
        .into_response()
}

fn too_many(lang: Lang, retry_after_secs: u64, json: bool) -> Response {
    let retry = (
        header::RETRY_AFTER,
        HeaderValue::from(retry_after_secs.max(1)),
    );
    if json {
        let message = views::venue::too_many_text(Lang::En, retry_after_secs);
        let body =
            json!({"error": message, "code": "too_many_attempts", "retry_after": retry_after_secs});
        return (StatusCode::TOO_MANY_REQUESTS, [retry], axum::Json(body)).into_response();
    }
    let page = views::venue::too_many(lang, retry_after_secs);
    (StatusCode::TOO_MANY_REQUESTS, [retry], NO_STORE, page).into_response()
}

/// The JSON body of an error: `{"error": what to fix, "code", "field"}`.
fn error_json(status: StatusCode, code: &str, message: &str, field: Option<&str>) -> Response {
    let mut body = json!({"error": message, "code": code});
    if let Some(field) = field {
        body["field"] = json!(field);
    }
    (status, NO_STORE, axum::Json(body)).into_response()
}

#[derive(serde::Deserialize)]
struct PageQuery {
    notice: Option<String>,
}

/// `GET /admin`: the login, or the venue's page.
async fn page(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
    jar: CookieJar,
    lang: Lang,
) -> Response {
    match caller(&state, peer, &headers, &jar, lang).await {
        Caller::Refused(response) if response.status() == StatusCode::UNAUTHORIZED => {
            (NO_STORE, views::venue::login(lang, false)).into_response()
        }
        Caller::Refused(response) => response,
        Caller::Venue => {
            let live = state.live.get();
            let draft = views::venue::Draft::new(&live.server.timezone);
            let notice = query.notice.as_deref().and_then(|n| notice_text(lang, n));
            events::page(&state, lang, &draft, None, None, notice.as_deref())
        }
    }
}

/// The words of `?notice=` after an action.
fn notice_text(lang: Lang, code: &str) -> Option<String> {
    let (what, slug) = code.split_once(':')?;
    let text = match what {
        "ended" => lang.t("Ended and archived:", "Clos et archivé :"),
        "hidden" => lang.t(
            "Hidden from the list of events:",
            "Masqué de la liste des événements :",
        ),
        "shown" => lang.t(
            "Shown on the list of events:",
            "Affiché dans la liste des événements :",
        ),
        _ => return None,
    };
    crate::config::is_slug(slug).then(|| format!("{text} {slug}"))
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    lang: Lang,
    jar: CookieJar,
    FormFields(fields): FormFields,
) -> Response {
    let fields = match fields {
        Ok(fields) => fields,
        Err(rejection) => return rejection.into_response(),
    };
    let live = state.live.get();
    let Some(secret) = live.server.venue.as_ref() else {
        return off(lang, false);
    };
    let door = Door { key: VENUE, secret };
    let typed = fields.get("secret").map_or("", String::as_str);
    let ip = state.conn_limits.client_ip(peer.ip(), &headers);
    let now = state.clock.now();
    match state.organisers.try_secret(door, ip, typed, now).await {
        SecretCheck::Right => {}
        SecretCheck::Wrong => {
            let page = views::venue::login(lang, true);
            return (StatusCode::UNAUTHORIZED, NO_STORE, page).into_response();
        }
        SecretCheck::Wait { retry_after_secs } => return too_many(lang, retry_after_secs, false),
    }
    let cookie = Cookie::build((VENUE_COOKIE, state.organisers.issue(door, now)))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies())
        .path("/admin")
        .build();
    (jar.add(cookie), Redirect::to("/admin")).into_response()
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    let live = state.live.get();
    if let (Some(secret), Some(cookie)) = (live.server.venue.as_ref(), jar.get(VENUE_COOKIE)) {
        let door = Door { key: VENUE, secret };
        let now = state.clock.now();
        if let Err(e) = state.organisers.logout(door, cookie.value(), now).await {
            tracing::error!(error = %e, "cannot store the venue's logout");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                NO_STORE,
                "The logout could not be written to disk, so the session is still valid. Try again in a moment. \
                 / La déconnexion n'a pas pu être écrite sur le disque : la session reste valable. Réessayez dans un instant.",
            )
                .into_response();
        }
    }
    let jar = jar.remove(Cookie::build(VENUE_COOKIE).path("/admin"));
    (jar, Redirect::to("/admin")).into_response()
}
