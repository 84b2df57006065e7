//! The archive of past events: `/archive` and `/archive/{event}`, served
//! from `{data_dir}/archive/` on disk.
//!
//! Read-only, and independent of the config: an archived event stays at the
//! same URLs after it has left `config.toml`. `/archive/{slug}` is a page
//! rendered from the archive's `board.json` under the app's CSP (no inline
//! style or script); the files themselves are served as they are from
//! `/archive/{slug}/{file}`, for the seven known names only. The static
//! `index.html` carries its own inline `<style>`, which the app's CSP
//! (`style-src 'self'`) would block in a browser tab: it is served as a
//! download, to be opened without slotboard, where it is complete.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use crate::i18n::Lang;
use crate::store::archive;
use crate::views;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/archive", get(list))
        .route("/archive/", get(list))
        .route("/archive/{slug}", get(page))
        .route("/archive/{slug}/", get(page))
        .route("/archive/{slug}/{file}", get(file))
}

async fn list(State(state): State<AppState>, lang: Lang) -> Response {
    let data_dir = state.config.server.data_dir.clone();
    let archives = tokio::task::spawn_blocking(move || archive::list(&data_dir))
        .await
        .unwrap_or_default();
    views::archive::list(lang, &archives).into_response()
}

async fn page(State(state): State<AppState>, Path(slug): Path<String>, lang: Lang) -> Response {
    if !crate::config::is_slug(&slug) {
        return no_archive(lang, &slug);
    }
    let dir = archive::archive_dir(&state.config.server.data_dir, &slug);
    let board = tokio::task::spawn_blocking(move || archive::read_board(&dir))
        .await
        .ok()
        .flatten();
    match board {
        Some(board) => views::archive::event(lang, &slug, &board).into_response(),
        None => no_archive(lang, &slug),
    }
}

async fn file(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    lang: Lang,
) -> Response {
    // Only an event's name and one of the seven file names: nothing else on
    // the disk can be reached from here.
    let Some(content_type) = archive::content_type(&file) else {
        return no_archive(lang, &slug);
    };
    if !crate::config::is_slug(&slug) {
        return no_archive(lang, &slug);
    }
    let path = archive::archive_dir(&state.config.server.data_dir, &slug).join(&file);
    let Ok(Ok(bytes)) = tokio::task::spawn_blocking(move || std::fs::read(path)).await else {
        return no_archive(lang, &slug);
    };
    let disposition = if file == "index.html" {
        format!("attachment; filename=\"{slug}.html\"")
    } else {
        format!("inline; filename=\"{slug}-{file}\"")
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn no_archive(lang: Lang, slug: &str) -> Response {
    let what = match lang {
        Lang::En => format!(
            "There is no archive called \"{slug}\" here, or no such file in it. See the list of archived events at /archive."
        ),
        Lang::Fr => format!(
            "Il n'y a pas d'archive « {slug} » ici, ou pas de tel fichier dedans. Voyez la liste des événements archivés sur /archive."
        ),
    };
    (StatusCode::NOT_FOUND, views::not_found(lang, &what)).into_response()
}
