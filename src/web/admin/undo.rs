//! The undo button's routes: `POST /e/{event}/admin/undo` takes the last
//! moderation action back, `GET` says what it would take back.
//!
//! Nothing is decided here: the inverse is the core's
//! (`board::undo`), what undo remembers is the hub's
//! (`EventHandle::undo`); this module checks the organiser's cookie and
//! turns the outcome into a notice, a redirect or JSON.

use axum::Json;
use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde_json::json;

use super::history::History;
use super::{AUDIT_LINES, NO_STORE, not_logged_in, to_notice, wants_json};
use crate::hub::Undone;
use crate::i18n::Lang;
use crate::views;
use crate::views::admin::{Notice, notice_text};
use crate::web::{AppError, AppState, forms};

/// `POST /e/{event}/admin/undo`: the inverse of the last moderation action.
pub(super) async fn undo(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    lang: Lang,
    jar: CookieJar,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let json = wants_json(&headers);
    let Some(actor) = forms::organiser(&state.organisers, &event.config, &jar, state.clock.now())
    else {
        return Ok(not_logged_in(lang, &event.config, json));
    };
    // An undo is a command like the others: held to the same rates.
    let ip = forms::client_ip(&state, peer, &headers);
    let action = format!("/e/{slug}/admin/undo");
    if let Some(refused) =
        forms::over_rate(&state, ip, &actor, lang, &headers, &action, &HashMap::new())
    {
        return Ok(refused);
    }
    let outcome = event.undo(actor).await.map_err(|_| AppError::Unavailable)?;
    let notice = match &outcome {
        Undone::Done { .. } => Notice::Undone,
        Undone::NothingToUndo => Notice::NothingToUndo,
        Undone::TooOld => Notice::TooOld,
        Undone::Refused(r) => Notice::Rejected(r.code),
    };
    if !json {
        return Ok(to_notice(&slug, notice));
    }
    let lang = views::lang_for(&event.config, lang);
    let text = notice_text(lang, notice);
    let (status, body) = match outcome {
        Undone::Done { rev, undone } => (
            StatusCode::OK,
            json!({"type": "ack", "code": notice.code(), "rev": rev, "undone": undone,
                   "message": text}),
        ),
        Undone::Refused(r) => (
            StatusCode::CONFLICT,
            json!({"type": "reject", "code": notice.code(), "message": r.message}),
        ),
        Undone::NothingToUndo | Undone::TooOld => (
            StatusCode::CONFLICT,
            json!({"type": "reject", "code": notice.code(), "message": text}),
        ),
    };
    Ok((status, Json(body)).into_response())
}

/// `GET /e/{event}/admin/undo`: what the undo button would undo (JSON).
pub(super) async fn hint(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    if forms::organiser(&state.organisers, &event.config, &jar, state.clock.now()).is_none() {
        return Ok(not_logged_in(lang, &event.config, true));
    }
    let lang = views::lang_for(&event.config, lang);
    let undo = event.undo_hint().await.map_err(|_| AppError::Unavailable)?;
    let board = &undo.snapshot.board;
    let body = json!({
        "rev": board.rev(),
        "target": undo.target,
        "hint": undo.target.and_then(|rev| History::new(&undo.records).describe(lang, board, rev)),
        "undos": undo.undos.iter().rev().take(AUDIT_LINES).collect::<Vec<_>>(),
    });
    Ok((NO_STORE, Json(body)).into_response())
}
