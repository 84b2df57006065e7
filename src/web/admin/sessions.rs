//! Logging in, out, and out everywhere: the three routes that make and end
//! organiser sessions.
//!
//! The login form checks the secret under the failure budget it shares with
//! the socket's `hello` (`web::organisers`): while the client's address
//! waits, the answer is a 429 with `Retry-After`, without the secret being
//! checked. The delay of 500 ms per wrong secret stays
//! (`web::organisers::WRONG_SECRET_DELAY`) but no longer bounds anything:
//! it never slowed parallel guesses (each request waited alone); the budget
//! does.
//!
//! Logout revokes the session on the server before it answers, so a copied
//! cookie dies with it; "log out everywhere" starts a new generation, which
//! refuses every session cookie of the event made before (this browser's
//! too: it is logged out like the others).

use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde_json::json;

use super::{NO_STORE, admin_url, not_logged_in};
use crate::i18n::Lang;
use crate::views;
use crate::web::form_body::{FormFields, wants_json};
use crate::web::organisers::SecretCheck;
use crate::web::{AppError, AppState, ORGANISER_COOKIE, forms, with_token};

pub(super) async fn login(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    lang: Lang,
    jar: CookieJar,
    FormFields(fields): FormFields,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let fields = match fields {
        Ok(fields) => fields,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    let secret = fields.get("secret").map_or("", String::as_str);
    let client = state.conn_limits.client_ip(peer.ip(), &headers);
    let now = state.clock.now();
    match state
        .organisers
        .try_secret(&event.config, client, secret, now)
        .await
    {
        SecretCheck::Right => {}
        SecretCheck::Wrong => {
            return Ok((
                StatusCode::UNAUTHORIZED,
                NO_STORE,
                views::admin::login(lang, &event.config, true),
            )
                .into_response());
        }
        SecretCheck::Wait { retry_after_secs } => {
            return Ok(too_many(
                lang,
                &event.config,
                retry_after_secs,
                wants_json(&headers),
            ));
        }
    }
    let session = state.organisers.issue(&event.config, now);
    let cookie = Cookie::build((ORGANISER_COOKIE, session))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies())
        .path(format!("/e/{slug}"))
        .build();
    let jar = with_token(&state, jar).add(cookie);
    Ok((jar, Redirect::to(&admin_url(&slug))).into_response())
}

/// 429: this address used up its attempts for now; nothing was checked.
fn too_many(
    lang: Lang,
    event: &crate::config::EventConfig,
    retry_after_secs: u64,
    json: bool,
) -> Response {
    let retry = (
        header::RETRY_AFTER,
        HeaderValue::from(retry_after_secs.max(1)),
    );
    if json {
        let lang = views::lang_for(event, lang);
        let message = views::admin::too_many_attempts_text(lang, retry_after_secs);
        let body = json!({
            "type": "reject",
            "code": "too_many_attempts",
            "retry_after": retry_after_secs,
            "message": message,
        });
        return (StatusCode::TOO_MANY_REQUESTS, [retry], Json(body)).into_response();
    }
    (
        StatusCode::TOO_MANY_REQUESTS,
        [retry],
        NO_STORE,
        views::admin::too_many_attempts(lang, event, retry_after_secs),
    )
        .into_response()
}

/// The cookie that removes this browser's session cookie.
fn cleared(jar: CookieJar, slug: &str) -> CookieJar {
    jar.remove(Cookie::build(ORGANISER_COOKIE).path(format!("/e/{slug}")))
}

/// 503: the logout could not be stored; nothing changed.
fn not_stored(e: std::io::Error, slug: &str) -> Response {
    tracing::error!(event = %slug, error = %e, "cannot store an organiser logout");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        NO_STORE,
        "The logout could not be written to disk, so the session is still valid. Try again in a moment. \
         / La déconnexion n'a pas pu être écrite sur le disque : la session reste valable. Réessayez dans un instant.",
    )
        .into_response()
}

pub(super) async fn logout(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    if let Some(cookie) = jar.get(ORGANISER_COOKIE) {
        let now = state.clock.now();
        let done = state
            .organisers
            .logout(&event.config, cookie.value(), now)
            .await;
        if let Err(e) = done {
            return Ok(not_stored(e, &slug));
        }
    }
    Ok((cleared(jar, &slug), Redirect::to(&admin_url(&slug))).into_response())
}

/// "Log out everywhere": every session of the event made so far ends.
pub(super) async fn logout_everywhere(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    if forms::organiser(&state.organisers, &event.config, &jar, state.clock.now()).is_none() {
        return Ok(not_logged_in(lang, &event.config, wants_json(&headers)));
    }
    if let Err(e) = state.organisers.logout_everywhere(&slug).await {
        return Ok(not_stored(e, &slug));
    }
    tracing::info!(event = %slug, "every organiser session logged out");
    Ok((cleared(jar, &slug), Redirect::to(&admin_url(&slug))).into_response())
}
