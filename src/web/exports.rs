//! The schedule of a live event in the formats other programs read: the same
//! bytes as the archive will keep (see [`crate::export`]).
//!
//! `schedule.ics` (the whole calendar) is served by `web/mod.rs`; this module
//! adds `schedule.csv`, `schedule.xml` and `schedule.json` (frab/pretalx, for
//! conference apps) and one `.ics` per session.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{AppError, AppState};
use crate::board::SessionId;
use crate::export;
use crate::i18n::Lang;
use crate::views;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/e/{event}/schedule.csv", get(schedule_csv))
        .route("/e/{event}/schedule.xml", get(schedule_xml))
        .route("/e/{event}/schedule.json", get(schedule_json))
        .route("/e/{event}/s/{file}", get(session_ics))
}

/// A file with its type and name; `attachment` makes browsers save it.
fn file(content_type: &'static str, disposition: &str, filename: &str, body: String) -> Response {
    // Slugs and session ids are [a-z0-9_-]: the name needs no quoting rules.
    let disposition = HeaderValue::from_str(&format!("{disposition}; filename=\"{filename}\""))
        .unwrap_or(HeaderValue::from_static("inline"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

async fn schedule_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    let body = export::csv(&event.config, &snap.board);
    Ok(file(
        "text/csv; charset=utf-8; header=present",
        "attachment",
        &format!("{slug}-schedule.csv"),
        body,
    ))
}

async fn schedule_xml(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    let body = export::frab_xml(&event.config, &snap.board, &state.config.server.public_url);
    Ok(file(
        "application/xml; charset=utf-8",
        "inline",
        &format!("{slug}-schedule.xml"),
        body,
    ))
}

async fn schedule_json(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    let body = export::frab_json(&event.config, &snap.board, &state.config.server.public_url);
    Ok(file(
        "application/json",
        "inline",
        &format!("{slug}-schedule.json"),
        body,
    ))
}

/// `/e/{event}/s/{session}.ics`: one session, to add to a calendar.
async fn session_ics(
    State(state): State<AppState>,
    Path((slug, file_name)): Path<(String, String)>,
    lang: Lang,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    let lang = views::lang_for(&event.config, lang);
    let body = file_name.strip_suffix(".ics").and_then(|id| {
        export::ics_session(
            &event.config,
            &snap.board,
            &SessionId::from(id),
            &state.config.server.public_url,
            None,
        )
        .map(|body| (id, body))
    });
    let Some((id, body)) = body else {
        return Ok((
            StatusCode::NOT_FOUND,
            views::not_found(
                lang,
                lang.t(
                    "There is no such session on this board (it may have been released). Check the address, or go back to the board for the sessions as they are now.",
                    "Cette session n'existe pas sur ce tableau (elle a peut-être été libérée). Vérifiez l'adresse, ou revenez au tableau pour voir les sessions actuelles.",
                ),
            ),
        )
            .into_response());
    };
    Ok(file(
        "text/calendar; charset=utf-8",
        "attachment",
        &format!("{slug}-{id}.ics"),
        body,
    ))
}
