//! The organiser view: `/e/{event}/admin`, its login and its forms.
//!
//! Logging in with the organiser secret sets [`super::ORGANISER_COOKIE`] (HttpOnly,
//! SameSite=Strict, scoped to the event's path); every POST here checks it
//! before anything is applied. Each form is one command of the protocol,
//! parsed by the socket's own parser and sent to the event's hub like a
//! socket command; the answer comes back as `?notice=code`.
//!
//! Logging in and out (and out everywhere) is [`sessions`], under the
//! failure budget and the session book of `web::organisers`.
//!
//! The undo button's routes are in [`undo`] (the rule is the core's, the
//! memory the hub's); [`history`] turns the hub's records into the audit
//! log's lines.

mod history;
mod sessions;
mod undo;
mod why;

use std::collections::HashMap;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use serde_json::json;

use super::form_body::{FormFields, wants_json};
use super::{AppError, AppState, forms, with_token};
use crate::board::RejectCode;
use crate::config::EventConfig;
use crate::hub::Answer;
use crate::i18n::Lang;
use crate::views;
use crate::views::admin::{AdminView, Notice};

/// Lines of the audit log rendered with the page (the JS adds live ones).
const AUDIT_LINES: usize = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/e/{event}/admin", get(page))
        .route(
            "/e/{event}/admin/login",
            post(sessions::login).get(to_admin),
        )
        .route(
            "/e/{event}/admin/logout",
            post(sessions::logout).get(to_admin),
        )
        .route(
            "/e/{event}/admin/logout-everywhere",
            post(sessions::logout_everywhere).get(to_admin),
        )
        .route("/e/{event}/admin/undo", post(undo::undo).get(undo::hint))
        .route("/e/{event}/admin/{op}", post(act).get(to_admin))
}

pub(super) fn admin_url(slug: &str) -> String {
    format!("/e/{slug}/admin")
}

async fn to_admin(Path(params): Path<Vec<String>>) -> Redirect {
    Redirect::to(&admin_url(params.first().map_or("", String::as_str)))
}

/// Pages of this view are never cached: they hold the board of the moment.
pub(super) const NO_STORE: [(header::HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

/// The answer to a POST without a valid organiser cookie: nothing applied.
pub(super) fn not_logged_in(lang: Lang, event: &EventConfig, json: bool) -> Response {
    if json {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({
                "type": "reject",
                "code": "forbidden",
                "message": views::admin::notice_text(lang, Notice::Rejected(RejectCode::Forbidden)),
            })),
        )
            .into_response();
    }
    (
        StatusCode::UNAUTHORIZED,
        NO_STORE,
        views::admin::login(lang, event, false),
    )
        .into_response()
}

async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    lang: Lang,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let jar = with_token(&state, jar);
    let Some(actor) = forms::organiser(&state.organisers, &event.config, &jar, state.clock.now())
    else {
        return Ok((
            jar,
            NO_STORE,
            views::admin::login(lang, &event.config, false),
        )
            .into_response());
    };
    let lang = views::lang_for(&event.config, lang);
    let undo = event.undo_hint().await.map_err(|_| AppError::Unavailable)?;
    let board = &undo.snapshot.board;
    let history = history::History::new(&undo.records);
    let audit = history.audit(lang, &event.config, board, &undo.undos, AUDIT_LINES);
    let hint = undo
        .target
        .and_then(|rev| history.describe(lang, board, rev));
    let notice = query.get("notice").and_then(|c| Notice::parse(c));
    let (why, jar) = why::take(jar, &slug);
    let view = AdminView {
        me: actor.id.as_str(),
        notice,
        why: why.as_deref(),
        audit: &audit,
        undo_hint: hint.as_deref(),
        announcement_max: state.limits().announcement,
        now: state.clock.now(),
        reqs: &views::FormReqs::new(state.ids.form_base()),
    };
    Ok((
        jar,
        NO_STORE,
        views::admin::page(lang, &event.config, &undo.snapshot, &view),
    )
        .into_response())
}

/// A moderation form: `/e/{event}/admin/{move|swap|lock|unlock|release|open|announce|end}`,
/// the bulk removals `remove_by_owner` and `remove_claims_since`, and the
/// grid ops (`shift_slots`: the "delay from this slot" buttons, ...) and
/// the pitch queue's (`pitch_open`, `pitch_next`, `pitch_move`, `pitch_hands`, `unpitch`).
async fn act(
    State(state): State<AppState>,
    Path((slug, op)): Path<(String, String)>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    lang: Lang,
    jar: CookieJar,
    headers: HeaderMap,
    FormFields(fields): FormFields,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let mut fields = match fields {
        Ok(fields) => fields,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    let wire = match op.as_str() {
        "move"
        | "swap"
        | "lock"
        | "unlock"
        | "release"
        | "announce"
        | "end"
        | "remove_by_owner"
        | "remove_claims_since"
        | "add_room"
        | "edit_room"
        | "remove_room"
        | "add_slot"
        | "edit_slot"
        | "remove_slot"
        | "shift_slots"
        | "pitch_open"
        | "pitch_next"
        | "pitch_move"
        | "pitch_hands"
        | "unpitch" => op.as_str(),
        "open" => "set_open",
        _ => return Ok(super::not_found(lang).await),
    };
    let Some(actor) = forms::organiser(&state.organisers, &event.config, &jar, state.clock.now())
    else {
        return Ok(not_logged_in(lang, &event.config, wants_json(&headers)));
    };
    // The socket's rates, per organiser and per IP (issue 10).
    let ip = forms::client_ip(&state, peer, &headers);
    let action = format!("/e/{slug}/admin/{op}");
    if let Some(refused) = forms::over_rate(&state, ip, &actor, lang, &headers, &action, &fields) {
        return Ok(refused);
    }
    if wire == "announce" && fields.remove("clear").is_some() {
        fields.insert("text".into(), String::new());
    }
    // Closing for good is confirmed by typing the event's name.
    if wire == "end" && fields.get("confirm").map(|c| c.trim()) != Some(slug.as_str()) {
        let message = format!("type the event's name, {slug}, in \"confirm\" to close it for good");
        if wants_json(&headers) {
            let body =
                json!({"type": "reject", "code": Notice::ConfirmEnd.code(), "message": message});
            return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
        }
        return Ok(to_notice(&slug, Notice::ConfirmEnd));
    }
    let answer = match forms::command(wire, &fields, &state.limits()) {
        Ok(command) => event.command(actor, forms::req_of(&fields), command).await,
        Err(rejection) => Answer::Reject(rejection),
    };
    let (notice, rev, message) = match &answer {
        Answer::Ack { rev } => (Notice::Ack, Some(*rev), String::new()),
        Answer::Reject(r) => (Notice::Rejected(r.code), None, r.message.clone()),
    };
    let code = notice.code();
    if wants_json(&headers) {
        let status = if rev.is_some() {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        };
        let kind = if rev.is_some() { "ack" } else { "reject" };
        return Ok((
            status,
            Json(json!({"type": kind, "code": code, "rev": rev, "message": message})),
        )
            .into_response());
    }
    // A bulk removal that found nothing says so, not "that session no
    // longer exists" (the JSON keeps the board's `not_found`).
    // (`remove_room` and `remove_slot` are not bulk removals.)
    let bulk = matches!(wire, "remove_by_owner" | "remove_claims_since");
    if bulk && notice == Notice::Rejected(RejectCode::NotFound) {
        return Ok(to_notice(&slug, Notice::NothingToRemove));
    }
    // The board's words go with the refusal, saying what to fix.
    let jar = why::remember(&state, jar, &slug, &message);
    Ok((jar, to_notice(&slug, notice)).into_response())
}

/// Back to the page, saying how the last form went.
fn to_notice(slug: &str, notice: Notice) -> Response {
    Redirect::to(&format!("{}?notice={}", admin_url(slug), notice.code())).into_response()
}
