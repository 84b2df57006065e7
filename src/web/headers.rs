//! Headers: the ones every response carries, and the language a request asks
//! for (the `Lang` extractor; `i18n` itself knows no HTTP).

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::i18n::{LANG_COOKIE, Lang};

/// No inline script, no foreign origin, no framing by others; the organiser
/// page may not be framed at all.
pub async fn security(request: Request, next: Next) -> Response {
    let admin = request.uri().path().contains("/admin");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let frames = if admin { "'none'" } else { "'self'" };
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {frames}"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // A route may ask for a stricter one (a device link says
    // `no-referrer`): it stays.
    if !h.contains_key(header::REFERRER_POLICY) {
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    if admin {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

/// `?lang=xx` on any page is the language switch: remember it for a year.
pub async fn remember_lang(request: Request, next: Next) -> Response {
    let chosen = Lang::from_query(request.uri().query());
    let mut response = next.run(request).await;
    if let Some(lang) = chosen {
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The language of a request, when no event says otherwise (default French:
/// slotboard comes from Brittany).
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(lang_of_request(parts, Lang::Fr))
    }
}

/// The language of a request, with `default` when nothing says.
pub fn lang_of_request(parts: &Parts, default: Lang) -> Lang {
    let query = Lang::from_query(parts.uri.query());
    let cookie = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .map(|(_, v)| v);
    let accept = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(query.map(Lang::code), cookie, accept, default)
}
