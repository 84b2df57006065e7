//! Commands from plain HTML forms, for pages without JavaScript.
//!
//! A form posts the same fields as the protocol's command (`slot`, `room`,
//! `title`, ...) plus `req`, a hidden id made when the form was rendered, so
//! that a double submit (or a retry after a timeout) is applied once. The
//! fields go through the very parser of socket frames, so a form gets the
//! same rules and the same messages as the socket.

use std::collections::HashMap;

use axum_extra::extract::CookieJar;
use serde_json::{Map, Value};

use super::{AppState, ORGANISER_COOKIE, TOKEN_COOKIE, protocol};
use crate::auth;
use crate::board::{Actor, Command, Limits, ParticipantId, Rejection, Role};
use crate::config::EventConfig;

/// Turns a form's fields into a command. `tags` is one comma-separated field;
/// `open` and `on` are `true`/`false` (or a checkbox's `on`).
pub fn command(
    op: &str,
    fields: &HashMap<String, String>,
    limits: &Limits,
) -> Result<Command, Rejection> {
    let mut obj = Map::new();
    for (k, v) in fields {
        let value = match k.as_str() {
            "req" | "lang" => continue,
            "tags" => Value::Array(
                v.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| Value::String(t.to_owned()))
                    .collect(),
            ),
            "open" | "on" => Value::Bool(matches!(v.as_str(), "true" | "on" | "1")),
            // An empty optional field of an edit form means "leave it".
            "description" if op == "edit" && v.is_empty() => continue,
            _ => Value::String(v.clone()),
        };
        obj.insert(k.clone(), value);
    }
    protocol::command(op, &Value::Object(obj), limits)
}

/// The `req` a form posted, if it is a usable one.
pub fn req_of(fields: &HashMap<String, String>) -> Option<String> {
    fields
        .get("req")
        .filter(|r| !r.is_empty() && r.chars().count() <= protocol::MAX_REQ)
        .cloned()
}

/// The participant behind a browser, giving it a token if it has none yet
/// (the returned jar then sets the cookie).
pub fn participant(state: &AppState, jar: CookieJar) -> (Actor, CookieJar) {
    let jar = super::with_token(state, jar);
    let token = jar
        .get(TOKEN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let actor = Actor {
        id: ParticipantId(auth::public_id(&token)),
        role: Role::Participant,
    };
    (actor, jar)
}

/// The organiser logged in on this browser for `event`, if any; acting under
/// their participant id; `now` decides whether the session has expired, and
/// `sessions` whether it was logged out.
pub fn organiser(
    sessions: &super::organisers::Organisers,
    event: &EventConfig,
    jar: &CookieJar,
    now: jiff::Timestamp,
) -> Option<Actor> {
    let session = jar.get(ORGANISER_COOKIE)?;
    sessions.session(event, session.value(), now)?;
    let token = jar.get(TOKEN_COOKIE).map(|c| c.value().to_owned());
    let id = match token {
        Some(t) if auth::valid_token(&t) => auth::public_id(&t),
        _ => format!("o_{}", &auth::public_id(session.value())[2..]),
    };
    Some(Actor {
        id: ParticipantId(id),
        role: Role::Organiser,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::RejectCode;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_claim_form_is_a_claim() {
        let f = fields(&[
            ("slot", "sat-0930"),
            ("room", "amphi"),
            ("title", "Rust"),
            ("host", "Maël"),
            ("tags", "rust, web,"),
            ("req", "f-1"),
        ]);
        match command("claim", &f, &Limits::default()) {
            Ok(Command::Claim { tags, .. }) => assert_eq!(tags.iter().count(), 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(req_of(&f).as_deref(), Some("f-1"));
    }

    #[test]
    fn a_form_gets_the_socket_s_rules() {
        let f = fields(&[("slot", "s"), ("room", "r"), ("title", " "), ("host", "h")]);
        let r = command("claim", &f, &Limits::default()).unwrap_err();
        assert_eq!(r.code, RejectCode::Invalid);
        assert!(r.message.contains("title"));
        let v = fields(&[("session", "s_1"), ("on", "on")]);
        assert!(matches!(
            command("vote", &v, &Limits::default()),
            Ok(Command::Vote { on: true, .. })
        ));
    }
}
