//! The QR code of a device link, as an image fetched only when asked.
//!
//! The phone page used to inline the SVG of its device link's QR code: about
//! 30 % of the CPU of a page view went into `qrcode`'s mask scoring, and the
//! SVG was 22 KB of it, for a `<details>` almost nobody opens. The page now
//! links `/e/{slug}/me/qr.svg?l=..` there ("Show the QR code", which works
//! without JavaScript), and phone.js shows it in place when the section is
//! opened. (A `loading="lazy"` image was tried: Chromium fetches one near
//! the screen even inside a closed `<details>`, so every page view drew a
//! code again.)
//!
//! It is no open QR generator: it draws only the URL `{public_url}/e/{slug}/me?l=..`
//! of a link [`DeviceLinks::check`](super::device_link::DeviceLinks::check)
//! accepts now for that event, and does not use the link up. Anything else
//! gets the device link's own status ([`status_of`]) and a line of text
//! saying which. The last few codes drawn are kept
//! ([`DeviceLinks::drawn`](super::device_link::DeviceLinks::drawn)), so
//! fetching one link's code again is a lookup, not a render.

use std::collections::HashMap;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::device_link::{private, status_of, url_of};
use super::{AppError, AppState};
use crate::i18n::Lang;
use crate::views;
use crate::views::phone::device_link::LinkProblem;

pub fn routes() -> Router<AppState> {
    Router::new().route("/e/{event}/me/qr.svg", get(qr))
}

/// Why the QR route refuses: the problem's word (which a script reads),
/// then the sentence the device link's own page says.
fn qr_refusal(lang: Lang, p: LinkProblem) -> String {
    format!("{}: {}", p.code(), p.why(lang))
}

/// `GET /e/{slug}/me/qr.svg?l=..`: the QR code of a live link's URL, as
/// `image/svg+xml`. Checks the link like the device link's own page and,
/// like it, changes nothing; anything else gets the status of
/// [`status_of`] and a line of text.
async fn qr(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    lang: Lang,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let lang = views::lang_for(&event.config, lang);
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let now = state.clock.now().as_second();
    let checked = match q.get("l") {
        None if q.contains_key("t") => Err(LinkProblem::RawToken),
        None => Err(LinkProblem::Malformed),
        Some(link) => state.device_links.check(&slug, link, now).map(|_| link),
    };
    let svg = checked.and_then(|link| {
        let label = lang.t("QR code of the link", "QR code du lien");
        let key = format!("{slug}/{}/{link}", lang.code());
        let draw = || views::qr::svg(&url_of(&state, &slug, link), Some(label));
        // A checked link is short, so its URL always fits a QR code.
        state
            .device_links
            .drawn(key, draw)
            .ok_or(LinkProblem::Malformed)
    });
    let response = match svg {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(p) => (
            status_of(p),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            qr_refusal(lang, p),
        )
            .into_response(),
    };
    Ok(private(response))
}
