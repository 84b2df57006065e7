//! The door sign of a room: `/e/{event}/room/{room}` (views::door), 404 in
//! the event's language for a room the board does not have.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{AppError, AppState};
use crate::i18n::Lang;
use crate::views;
use crate::views::door::DoorInfo;

pub fn routes() -> Router<AppState> {
    Router::new().route("/e/{event}/room/{room}", get(page))
}

async fn page(
    State(state): State<AppState>,
    Path((slug, room)): Path<(String, String)>,
    lang: Lang,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    let info = DoorInfo {
        now: state.clock.now(),
        public_url: &state.config.server.public_url,
    };
    match views::door::page(lang, &event.config, &snap, &room, &info) {
        // Live, like the wall: a reload must never show an old sign.
        Some(page) => Ok(([(header::CACHE_CONTROL, "no-store")], page).into_response()),
        None => {
            let lang = views::lang_for(&event.config, lang);
            let what = format!(
                "{} \"{room}\" {}",
                lang.t("There is no room", "Il n'y a pas de salle"),
                lang.t(
                    "at this event. Its rooms are on the wall.",
                    "dans cet événement. Ses salles sont sur le mur."
                ),
            );
            Ok((StatusCode::NOT_FOUND, views::not_found(lang, &what)).into_response())
        }
    }
}
