//! Where a request comes from: the one Origin rule of the WebSocket upgrade
//! and of every state-changing request (the phone's and the admin's forms,
//! login, logout, undo).
//!
//! `SameSite=Strict` on the organiser cookie does not cover a sibling
//! subdomain (same site, other origin) nor an old browser, so before issue 10
//! a page elsewhere could post the admin's announce form with the
//! organiser's cookie, and the wall read "The BarCamp is cancelled". The rule
//! is written once, here: a request is trusted when its `Origin` (or, when a
//! browser sent none, the origin of its `Referer`) is the request's own host,
//! the `public_url` or one of the `allowed_origins`
//! ([`crate::config::ServerConfig::is_configured_origin`]). A request with
//! neither header is not from a browser's page (curl, a script, a test) and
//! is let through, as the socket always did: what such a client may do is
//! the business of the secret and the rate limits, not of this check.

use axum::extract::Request;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use super::form_body::wants_json;
use super::headers::lang_of_request;
use crate::config::Config;
use crate::i18n::Lang;
use crate::views;

/// Whether a request comes from a page we trust: no `Origin` nor `Referer`
/// (not a browser's page), or an origin that is the request's own host, the
/// public URL, or a configured origin. An `Origin` that is not text, `null`
/// (a sandboxed frame, a `data:` page) or a `Referer` without an origin is
/// never trusted.
pub(super) fn origin_allowed(headers: &HeaderMap, config: &Config) -> bool {
    let origin = match (headers.get(header::ORIGIN), headers.get(header::REFERER)) {
        (Some(origin), _) => match origin.to_str() {
            Ok(origin) => origin.to_owned(),
            Err(_) => return false,
        },
        (None, Some(referer)) => match referer.to_str().ok().and_then(origin_of_url) {
            Some(origin) => origin,
            None => return false,
        },
        (None, None) => return true,
    };
    if config.server.is_configured_origin(&origin) {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    ["http://", "https://"].iter().any(|scheme| {
        origin.len() == scheme.len() + host.len()
            && origin[..scheme.len()].eq_ignore_ascii_case(scheme)
            && origin[scheme.len()..].eq_ignore_ascii_case(host)
    })
}

/// The origin (`scheme://host[:port]`) of an absolute URL such as a
/// `Referer`: what a browser would have put in `Origin`. `None` for anything
/// that is not an `http(s)` URL with a host.
fn origin_of_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{authority}"))
}

/// Whether a method changes nothing, so a foreign page may ask for it (a
/// link, an image, a GET of a page).
fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The gate in front of every route: a state-changing request (any method
/// but GET, HEAD, OPTIONS) from a foreign origin is answered 403, before any
/// handler reads its body or its cookies.
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_safe(request.method()) || origin_allowed(request.headers(), &state.live.get()) {
        return next.run(request).await;
    }
    let (parts, _) = request.into_parts();
    tracing::info!(
        path = %parts.uri.path(),
        origin = ?parts.headers.get(header::ORIGIN),
        referer = ?parts.headers.get(header::REFERER),
        "refused a form sent from another origin"
    );
    refused(
        lang_of_request(&parts, Lang::Fr),
        wants_json(&parts.headers),
    )
}

/// The answer to a foreign form: nothing was applied.
fn refused(lang: Lang, json: bool) -> Response {
    if json {
        let body = json!({
            "type": "reject",
            "code": "forbidden",
            "message": "this form was sent from another site; nothing was applied; use the board's own page",
        });
        return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
    }
    (
        StatusCode::FORBIDDEN,
        [(header::CACHE_CONTROL, "no-store")],
        views::foreign_origin(lang),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::origin_of_url;

    #[test]
    fn the_origin_of_a_referer_is_its_scheme_and_authority() {
        for (url, want) in [
            (
                "https://barcamp.example/e/x/admin",
                Some("https://barcamp.example"),
            ),
            (
                "http://127.0.0.1:8080/e/x?y#z",
                Some("http://127.0.0.1:8080"),
            ),
            ("https://evil.example", Some("https://evil.example")),
            ("https://a@evil.example/", None),
            ("ftp://barcamp.example/", None),
            ("/e/x/admin", None),
            ("https:///path", None),
            ("", None),
        ] {
            assert_eq!(origin_of_url(url).as_deref(), want, "{url}");
        }
    }
}
