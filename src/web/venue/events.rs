//! The venue's list of events, for its page and its JSON, and the page
//! itself rendered with the creation form as it stands.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::NO_STORE;
use crate::config::Config;
use crate::config::created::FieldError;
use crate::i18n::Lang;
use crate::views;
use crate::views::venue::{Draft, EventRow, Preview, VenueView};
use crate::web::AppState;

/// Every event as it runs now (config.toml's, the demo, those created
/// here), with its state and whether `/` hides it.
pub fn rows<'a>(state: &AppState, live: &'a Config) -> Vec<EventRow<'a>> {
    (live.events.iter())
        .map(|e| EventRow {
            slug: &e.slug,
            title: &e.title,
            state: crate::web::event_state::event_state(state, e),
            created: e.created,
            demo: e.demo,
            hidden: state.venue.is_hidden(&e.slug),
        })
        .collect()
}

/// The venue's page; with an `error` it is a 400 (nothing was created).
pub fn page(
    state: &AppState,
    lang: Lang,
    draft: &Draft,
    error: Option<&FieldError>,
    preview: Option<&Preview>,
    notice: Option<&str>,
) -> Response {
    let live = state.live.get();
    let events = rows(state, &live);
    let view = VenueView {
        events: &events,
        draft,
        error,
        preview,
        notice,
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (status, NO_STORE, views::venue::page(lang, &view)).into_response()
}
