//! The body of a form, read within [`FORM_BODY_LIMIT`].
//!
//! Every form of slotboard (the phone's commands, the organiser's, the login)
//! is a few fields of at most a few hundred characters each, so 16 KiB is
//! room to spare; axum's default would read 2 MB per request. A body over the
//! limit is answered **413** with a page that says so (or a JSON `reject`
//! when the client asked for JSON), before the handler runs: before issue 10
//! the phone's forms took the failed read for an empty form and answered
//! 303 "missing field slot", which told the person nothing true.
//!
//! [`FormFields`] keeps every other failure of the form for its handler, so
//! each route still answers a wrong content type or a malformed body as it
//! did.

use std::collections::HashMap;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::headers::lang_of_request;
use crate::i18n::Lang;
use crate::views;

/// The most bytes a form's body may have. The router sets it as axum's
/// default body limit, so every extractor of a body is held to it.
pub const FORM_BODY_LIMIT: usize = 16 * 1024;

/// Whether the client asked for JSON (the admin page's script does).
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// A form's fields, or why they could not be read; a body over the limit
/// never gets here (it is answered 413).
pub struct FormFields(pub Result<HashMap<String, String>, FormRejection>);

impl<S: Send + Sync> FromRequest<S> for FormFields {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let lang = lang_of_request(&parts, Lang::Fr);
        let json = wants_json(&parts.headers);
        let request = Request::from_parts(parts, body);
        match Form::<HashMap<String, String>>::from_request(request, state).await {
            Ok(Form(fields)) => Ok(FormFields(Ok(fields))),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large(lang, json)),
            Err(r) => Ok(FormFields(Err(r))),
        }
    }
}

/// The answer to a form over the limit: nothing was applied.
pub fn too_large(lang: Lang, json: bool) -> Response {
    let kib = FORM_BODY_LIMIT / 1024;
    if json {
        let message = format!("a form takes at most {kib} KiB; nothing was applied");
        let body = json!({"type": "reject", "code": "too_large", "message": message});
        return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
    }
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CACHE_CONTROL, "no-store")],
        views::too_large(lang, kib),
    )
        .into_response()
}
