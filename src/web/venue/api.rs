//! The venue's other actions, each as a form of its page and as JSON for
//! scripts (`Authorization: Bearer`): the list of events, ending one, hiding
//! one from `/`.

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde_json::json;

use super::{Caller, NO_STORE, caller, error_json, events};
use crate::board::{Actor, Command, ParticipantId, Role};
use crate::hub::Answer;
use crate::i18n::Lang;
use crate::web::AppState;
use crate::web::form_body::{FormFields, wants_json};

/// Who the audit log says ended an event the venue ended.
const VENUE_ACTOR: &str = "o_venue";

/// `GET /admin/events`: every event, its state, where it is defined, and
/// its links.
pub(super) async fn list(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    lang: Lang,
) -> Response {
    if let Caller::Refused(response) = caller(&state, peer, &headers, &jar, lang).await {
        return response;
    }
    let live = state.live.get();
    let events: Vec<_> = (events::rows(&state, &live).iter())
        .map(|e| {
            json!({
                "slug": e.slug,
                "title": e.title,
                "state": e.state.as_str(),
                "defined": if e.created { "created" } else { "config" },
                "demo": e.demo,
                "hidden": e.hidden,
                "links": {
                    "board": format!("/e/{}", e.slug),
                    "wall": format!("/e/{}/wall", e.slug),
                    "admin": format!("/e/{}/admin", e.slug),
                    "archive": format!("/archive/{}", e.slug),
                },
            })
        })
        .collect();
    (NO_STORE, axum::Json(json!({ "events": events }))).into_response()
}

/// Whether the caller wants JSON back (a script).
fn json_wanted(headers: &HeaderMap) -> bool {
    wants_json(headers) || super::bearer(headers).is_some()
}

/// The venue's own caller, and whether they want JSON back; or the answer
/// that turns anyone else away.
async fn admitted(
    state: &AppState,
    peer: std::net::SocketAddr,
    headers: &HeaderMap,
    jar: &CookieJar,
    lang: Lang,
) -> Result<bool, Response> {
    match caller(state, peer, headers, jar, lang).await {
        Caller::Refused(response) => Err(response),
        _ => Ok(json_wanted(headers)),
    }
}

/// A refused change: JSON `{error, code, field}` for a script, else the
/// venue's page saying it beside `field` (`event` when none), with `status`.
fn refused(
    state: &AppState,
    lang: Lang,
    json: bool,
    (status, code): (StatusCode, &str),
    field: Option<&str>,
    message: String,
) -> Response {
    if json {
        return error_json(status, code, &message, field);
    }
    let draft = crate::views::venue::Draft::new(&state.live.get().server.timezone);
    let e = crate::config::created::FieldError::new(field.unwrap_or("event"), message);
    let mut response = events::page(state, lang, &draft, Some(&e), None, None);
    *response.status_mut() = status;
    response
}

/// `POST /admin/events/{slug}/end`: closes the event for good, as its
/// organisers' "end" does (journaled, then archived). The form asks for the
/// slug typed in `confirm`.
pub(super) async fn end(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    lang: Lang,
    FormFields(fields): FormFields,
) -> Response {
    let json = match admitted(&state, peer, &headers, &jar, lang).await {
        Ok(json) => json,
        Err(response) => return response,
    };
    let Some(event) = state.events.get(&slug).map(|e| e.clone()) else {
        return no_event(&state, lang, &slug, json);
    };
    let confirmed = fields
        .as_ref()
        .ok()
        .and_then(|f| f.get("confirm"))
        .is_some_and(|c| c.trim() == slug);
    if !json && !confirmed {
        let message = format!("type the event's name, {slug}, to close it for good");
        let bad = (StatusCode::BAD_REQUEST, "invalid");
        return refused(&state, lang, json, bad, Some("confirm"), message);
    }
    let actor = Actor {
        id: ParticipantId(VENUE_ACTOR.to_owned()),
        role: Role::Organiser,
    };
    match event.command(actor, None, Command::End).await {
        Answer::Ack { rev } => {
            tracing::info!(event = %slug, "ended by the venue");
            if json {
                return axum::Json(json!({"slug": slug, "state": "ended", "rev": rev}))
                    .into_response();
            }
            Redirect::to(&format!("/admin?notice=ended:{slug}")).into_response()
        }
        Answer::Reject(r) => {
            let conflict = (StatusCode::CONFLICT, r.code.as_str());
            refused(&state, lang, json, conflict, None, r.message)
        }
    }
}

/// `POST /admin/events/{slug}/hide` with `hidden` = `true` or `false`:
/// leaves the event out of `/` (its pages stay where they are), stored
/// before it is answered.
pub(super) async fn hide(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    lang: Lang,
    FormFields(fields): FormFields,
) -> Response {
    let json = match admitted(&state, peer, &headers, &jar, lang).await {
        Ok(json) => json,
        Err(response) => return response,
    };
    if !state.events.contains_key(&slug) {
        return no_event(&state, lang, &slug, json);
    }
    let hidden = match fields
        .as_ref()
        .ok()
        .and_then(|f| f.get("hidden"))
        .map(String::as_str)
    {
        Some("true") | Some("1") | None => true,
        Some("false") | Some("0") => false,
        Some(other) => {
            let message = format!("hidden is {other:?}; send true or false");
            let bad = (StatusCode::BAD_REQUEST, "invalid");
            return refused(&state, lang, json, bad, Some("hidden"), message);
        }
    };
    let _one = state.venue.changing.lock().await;
    let mut next = state.venue.hidden();
    if hidden {
        next.insert(slug.clone());
    } else {
        next.remove(&slug);
    }
    let data = state.config.server.data_dir.clone();
    let to_store = next.clone();
    let stored =
        tokio::task::spawn_blocking(move || crate::store::venue::save_hidden(&data, &to_store))
            .await
            .map_err(std::io::Error::other)
            .and_then(|r| r);
    if let Err(e) = stored {
        tracing::error!(error = %e, "cannot store the venue's hidden events");
        let message = "the change could not be written to disk; nothing changed, try again";
        let down = (StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        return refused(&state, lang, json, down, None, message.to_owned());
    }
    state.venue.set_hidden(next);
    if json {
        return axum::Json(json!({"slug": slug, "hidden": hidden})).into_response();
    }
    let what = if hidden { "hidden" } else { "shown" };
    Redirect::to(&format!("/admin?notice={what}:{slug}")).into_response()
}

fn no_event(state: &AppState, lang: Lang, slug: &str, json: bool) -> Response {
    let message = format!("there is no event {slug:?} on this server");
    let missing = (StatusCode::NOT_FOUND, "not_found");
    refused(state, lang, json, missing, None, message)
}
