//! Why the last admin form was refused, carried from the POST to the page
//! it redirects to: `?notice=invalid` says only "check what you entered",
//! the board's message says what to fix ("room `amphi` holds s_4 "Rust"").
//!
//! A short-lived flash cookie rather than a query parameter, so that a link
//! from elsewhere cannot put words of its own into the organiser's notice:
//! it is set by the server's answer to the organiser's own POST (HttpOnly,
//! SameSite=Strict, scoped to the event's admin path, a browser-session
//! cookie), read once by the next admin page and cleared there, and cleared
//! by the next accepted form.

use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::AppState;

/// The flash cookie's name.
pub(super) const WHY_COOKIE: &str = "slotboard_why";

/// The longest reason kept, in characters (a cookie stays small).
const MAX_CHARS: usize = 300;

fn path(slug: &str) -> String {
    super::admin_url(slug)
}

/// Keeps `message` for the next admin page (an empty one clears it).
pub(super) fn remember(state: &AppState, jar: CookieJar, slug: &str, message: &str) -> CookieJar {
    if message.is_empty() {
        return forget(jar, slug);
    }
    let short: String = message.chars().take(MAX_CHARS).collect();
    let value = utf8_percent_encode(&short, NON_ALPHANUMERIC).to_string();
    let cookie = Cookie::build((WHY_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies())
        .path(path(slug))
        .build();
    jar.add(cookie)
}

/// The reason kept by the last POST, if any, and the jar that clears it.
pub(super) fn take(jar: CookieJar, slug: &str) -> (Option<String>, CookieJar) {
    let Some(c) = jar.get(WHY_COOKIE) else {
        return (None, jar);
    };
    let why = percent_decode_str(c.value())
        .decode_utf8()
        .ok()
        .map(|s| s.chars().take(MAX_CHARS).collect::<String>())
        .filter(|s| !s.trim().is_empty());
    (why, forget(jar, slug))
}

fn forget(jar: CookieJar, slug: &str) -> CookieJar {
    if jar.get(WHY_COOKIE).is_none() {
        return jar;
    }
    jar.remove(Cookie::build(WHY_COOKIE).path(path(slug)))
}
