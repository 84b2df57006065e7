//! The wall (projector) view: `/e/{event}/wall`.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{AppError, AppState};
use crate::i18n::Lang;
use crate::views;

pub fn routes() -> Router<AppState> {
    Router::new().route("/e/{event}/wall", get(page))
}

async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    Ok(views::wall::page(lang, &event.config, &snap).into_response())
}
