//! Commands from plain HTML forms, for pages without JavaScript.
//!
//! A form posts the same fields as the protocol's command (`slot`, `room`,
//! `title`, ...) plus `req`, a hidden id made when the form was rendered, so
//! that a double submit (or a retry after a timeout) is applied once. The
//! fields go through the very parser of socket frames, so a form gets the
//! same rules and the same messages as the socket.
//!
//! And the same limits (issue 10: 100 of 100 votes through the form passed a
//! limit of 5 a second): [`over_rate`] holds a form command to the
//! socket's per-connection rate, kept per participant token, and to its
//! client IP's budget shared with that IP's sockets, answering 429 with a
//! page that keeps the form ([`views::too_fast`]) or JSON when asked;
//! [`claim_allowed`] holds a participant's claim to its IP's rate of
//! claims, as the socket does.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde_json::{Map, Value, json};

use super::form_body::wants_json;
use super::{AppState, ORGANISER_COOKIE, TOKEN_COOKIE, protocol};
use crate::auth;
use crate::board::{Actor, Command, Limits, ParticipantId, RejectCode, Rejection, Role};
use crate::config::EventConfig;
use crate::i18n::Lang;
use crate::limits::{Over, claim_refused_message};
use crate::views;

/// Turns a form's fields into a command. `tags` is one comma-separated field;
/// `open` and `on` are `true`/`false` (or a checkbox's `on`).
pub fn command(
    op: &str,
    fields: &HashMap<String, String>,
    limits: &Limits,
) -> Result<Command, Rejection> {
    let mut obj = Map::new();
    if let Some(links) = link_fields(op, fields) {
        obj.insert("links".into(), links);
    }
    for (k, v) in fields {
        let value = match k.as_str() {
            "req" | "lang" => continue,
            k if link_field(k).is_some() => continue,
            "tags" => Value::Array(
                v.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| Value::String(t.to_owned()))
                    .collect(),
            ),
            "open" | "on" => Value::Bool(matches!(v.as_str(), "true" | "on" | "1")),
            // A rev (`remove_claims_since`) is a number on the wire.
            "rev" => v
                .trim()
                .parse::<u64>()
                .map_or_else(|_| Value::String(v.clone()), Value::from),
            // A claim form not made from a pitch sends it empty.
            "pitch" if v.is_empty() => continue,
            // An empty optional field of an edit form means "leave it".
            "description" if op == "edit" && v.is_empty() => continue,
            _ => Value::String(v.clone()),
        };
        obj.insert(k.clone(), value);
    }
    protocol::command(op, &Value::Object(obj), limits)
}

/// Which of the [`LINK_FIELDS`] link fields `key` is (`link2_url` is
/// `(2, true)`, `link2_label` `(2, false)`).
fn link_field(key: &str) -> Option<(usize, bool)> {
    let rest = key.strip_prefix("link")?;
    let (n, part) = rest.split_once('_')?;
    let n: usize = n.parse().ok().filter(|n| (1..=LINK_FIELDS).contains(n))?;
    match part {
        "url" => Some((n, true)),
        "label" => Some((n, false)),
        _ => None,
    }
}

/// How many links a claim or edit form offers (`link1_url`, `link1_label`,
/// ...), as many as a session may carry.
pub const LINK_FIELDS: usize = crate::board::MAX_LINKS;

/// The `links` of a claim or edit form: the filled pairs of its link fields,
/// in order (a label without a url is kept, for the parser to refuse). An
/// edit form with link fields replaces the links (all empty removes them); a
/// claim form with none filled has none.
fn link_fields(op: &str, fields: &HashMap<String, String>) -> Option<Value> {
    if !matches!(op, "claim" | "edit") || !fields.keys().any(|k| link_field(k).is_some()) {
        return None;
    }
    let get = |n: usize, part: &str| {
        fields
            .get(&format!("link{n}_{part}"))
            .map(|v| v.trim())
            .unwrap_or("")
    };
    let links: Vec<Value> = (1..=LINK_FIELDS)
        .map(|n| (get(n, "url"), get(n, "label")))
        .filter(|(url, label)| !url.is_empty() || !label.is_empty())
        .map(|(url, label)| json!({"url": url, "label": label}))
        .collect();
    if links.is_empty() && op == "claim" {
        return None;
    }
    Some(Value::Array(links))
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

/// The client's IP of a request: the peer, or what a trusted proxy says.
pub fn client_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    state.conn_limits.client_ip(peer.ip(), headers)
}

/// Holds a form command of `actor` from `ip` to the socket's rates; over
/// them, the 429 answer to send instead: a page with the form as it was
/// posted (`action`, `fields`) to send again, or a JSON `reject` when the
/// client asked for JSON. Nothing was applied either way.
pub fn over_rate(
    state: &AppState,
    ip: IpAddr,
    actor: &Actor,
    lang: Lang,
    headers: &HeaderMap,
    action: &str,
    fields: &HashMap<String, String>,
) -> Option<Response> {
    let over = state.conn_limits.take_form_command(ip, &actor.id.0).err()?;
    let retry = (header::RETRY_AFTER, HeaderValue::from_static("1"));
    if wants_json(headers) {
        let body = json!({"type": "reject", "code": RejectCode::RateLimited.as_str(),
            "message": over.message()});
        return Some((StatusCode::TOO_MANY_REQUESTS, [retry], axum::Json(body)).into_response());
    }
    let mut kept: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    kept.sort_unstable();
    let page = views::too_fast(lang, matches!(over, Over::Ip { .. }), action, &kept);
    Some(
        (
            StatusCode::TOO_MANY_REQUESTS,
            [
                retry,
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            page,
        )
            .into_response(),
    )
}

/// Holds a participant's claim to its IP's rate of claims (the socket's
/// too); over it, a `rate_limited` rejection. Organisers never draw.
pub fn claim_allowed(state: &AppState, ip: IpAddr, actor: &Actor) -> Result<(), Rejection> {
    if actor.role != Role::Participant {
        return Ok(());
    }
    if state.conn_limits.take_claim(ip, state.clock.now()) {
        return Ok(());
    }
    Err(Rejection::new(
        RejectCode::RateLimited,
        claim_refused_message(state.conn_limits.ip_claims_per_minute()),
    ))
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

    #[test]
    fn link_fields_are_the_links_of_a_claim_or_an_edit() {
        let l = Limits::default();
        let claim = fields(&[
            ("slot", "s"),
            ("room", "r"),
            ("title", "Rust"),
            ("host", "Maël"),
            ("link1_url", ""),
            ("link1_label", ""),
            ("link2_url", " https://notes.example/rust "),
            ("link2_label", "Notes"),
            ("link3_url", ""),
        ]);
        match command("claim", &claim, &l) {
            Ok(Command::WithLinks { links, command }) => {
                assert!(matches!(*command, Command::Claim { .. }));
                let all: Vec<_> = links.iter().map(|l| (l.url(), l.label())).collect();
                assert_eq!(all, [("https://notes.example/rust", "Notes")]);
            }
            other => panic!("{other:?}"),
        }
        // A claim form with its link fields empty has no links.
        let mut empty = claim.clone();
        empty.insert("link2_url".into(), String::new());
        empty.insert("link2_label".into(), String::new());
        assert!(matches!(
            command("claim", &empty, &l),
            Ok(Command::Claim { .. })
        ));
        // An edit form with them all empty removes the links.
        let edit = fields(&[("session", "s_1"), ("link1_url", ""), ("link1_label", "")]);
        match command("edit", &edit, &l) {
            Ok(Command::WithLinks { links, .. }) => assert!(links.is_empty()),
            other => panic!("{other:?}"),
        }
        // A bad one is refused with the parser's message.
        let bad = fields(&[("session", "s_1"), ("link1_url", "javascript:alert(1)")]);
        let r = command("edit", &bad, &l).unwrap_err();
        assert_eq!(r.code, RejectCode::Invalid);
        assert!(r.message.contains("scheme"), "{}", r.message);
    }
}
