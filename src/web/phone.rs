//! The phone view: `/e/{event}` and its forms.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;

use super::{AppError, AppState, with_token};
use crate::i18n::Lang;
use crate::views;

pub fn routes() -> Router<AppState> {
    Router::new().route("/e/{event}", get(page))
}

async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    let jar = with_token(&state, jar);
    Ok((jar, views::phone::page(lang, &event.config, &snap)).into_response())
}
