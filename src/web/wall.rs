//! The wall (projector) view: `/e/{event}/wall`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{AppError, AppState};
use crate::i18n::Lang;
use crate::views;
use crate::views::wall::WallInfo;

pub fn routes() -> Router<AppState> {
    Router::new().route("/e/{event}/wall", get(page))
}

async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    // The board and its last change, read together.
    let (snap, frames) = event.recent(1).await.map_err(|_| AppError::Unavailable)?;
    let rev = snap.board.rev();
    let last_change = match frames.last().and_then(|f| frame_at(f.text(), rev)) {
        Some(at) => Some(at),
        None if rev > 0 => {
            let history = state
                .config
                .server
                .data_dir
                .join("events")
                .join(&slug)
                .join("history");
            tokio::task::spawn_blocking(move || sealed_last_change(&history, rev))
                .await
                .ok()
                .flatten()
        }
        None => None,
    };
    let info = WallInfo {
        now: state.clock.now(),
        public_url: &state.config.server.public_url,
        presence: event.connected(),
        last_change,
    };
    Ok((
        // The wall is live: a reload must never show an old board.
        [(header::CACHE_CONTROL, "no-store")],
        views::wall::page(lang, &event.config, &snap, &info),
    )
        .into_response())
}

/// The `at` of an event frame (or journal line), if it is the change `rev`.
fn frame_at(frame: &str, rev: u64) -> Option<jiff::Timestamp> {
    let frame: serde_json::Value = serde_json::from_str(frame).ok()?;
    if frame.get("rev")?.as_u64()? != rev {
        return None;
    }
    frame.get("at")?.as_str()?.parse().ok()
}

/// When the change `rev` was accepted, from the newest sealed history
/// segment (after a restart the hub's memory of recent changes starts
/// empty): read only its tail, and only if its last line is the change `rev`.
fn sealed_last_change(history: &std::path::Path, rev: u64) -> Option<jiff::Timestamp> {
    use std::io::{Read, Seek, SeekFrom};
    let newest = std::fs::read_dir(history)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .max()?;
    let mut file = std::fs::File::open(newest).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(16 * 1024)))
        .ok()?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).ok()?;
    let tail = String::from_utf8_lossy(&tail);
    let line = tail.trim_end().rsplit('\n').next()?;
    frame_at(line, rev)
}
