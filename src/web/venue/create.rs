//! Creating an event: `POST /admin/events`, from the venue's form or as
//! JSON from a script, both down the one path of [`make`].
//!
//! [`make`] checks the table by the rules of config.toml, refuses a slug
//! that any event (of the file, the demo, created here, or an old data
//! folder) has, draws the organisers' secret, writes the event's file
//! durably (`store::venue`), and only then opens its hub and adds it to the
//! running config: once the venue is told, the event is on disk and live.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde_json::json;

use super::{Caller, NO_STORE, caller, error_json, events};
use crate::auth::{self, OrganiserSecret};
use crate::config::builder::{self, DayPlan};
use crate::config::created::{self, Created, FieldError};
use crate::config::{Config, RawEvent};
use crate::i18n::Lang;
use crate::views;
use crate::views::venue::{Draft, Preview};
use crate::web::AppState;
use crate::web::form_body::FormFields;

/// The most bytes of a new event's JSON: a few days of slots and rooms are
/// a few KiB.
pub const EVENT_BODY_LIMIT: usize = 64 * 1024;

/// An event made: its slug and the plain secret, to show once.
pub struct Made {
    pub slug: String,
    pub title: String,
    pub secret: String,
}

/// Why an event was not made; nothing was written.
pub enum Refused {
    /// A key to fix (400).
    Field(FieldError),
    /// The slug is someone else's (409).
    Taken(FieldError),
    /// The disk or the hub failed (503).
    Failed(String),
}

/// Makes the event of `table` (see the module docs).
pub async fn make(state: &AppState, table: RawEvent) -> Result<Made, Refused> {
    let _one = state.venue.changing.lock().await;
    let plain = auth::generate_secret();
    let secret = OrganiserSecret::from_plain(&plain);
    let (table, event) = created::new_event(table, &secret).map_err(Refused::Field)?;
    let live = state.live.get();
    taken(state, &live, &event.slug)?;
    let data = live.server.data_dir.clone();
    let file = Created {
        format: created::FORMAT,
        created: state.clock.now().to_string(),
        event: table,
    };
    let (d, slug) = (data.clone(), event.slug.clone());
    let organisers = state.organisers.clone();
    let stored = tokio::task::spawn_blocking(move || {
        crate::store::venue::save_event(&d, &file)?;
        if let Err(e) = organisers.add_event(&d, &slug) {
            // Written but not usable: take it back, nothing was answered.
            let _ = std::fs::remove_file(crate::store::venue::event_file(&d, &slug));
            return Err(std::io::Error::other(e));
        }
        Ok(())
    })
    .await
    .map_err(|e| Refused::Failed(e.to_string()))
    .and_then(|r| r.map_err(|e| Refused::Failed(e.to_string())));
    if let Err(e) = stored {
        tracing::error!(event = %event.slug, "cannot store a created event");
        return Err(e);
    }
    let handle = match crate::hub::open_event(&live, &event, &state.hub_options).await {
        Ok(handle) => handle,
        Err(e) => {
            // On disk but not running: it runs at the next start, which
            // says why if it still cannot.
            tracing::error!(event = %event.slug, "a created event cannot open: {e:#}");
            return Err(Refused::Failed(format!("{e:#}")));
        }
    };
    state.events.insert(event.slug.clone(), handle);
    let mut next = (*live).clone();
    next.events.push(event.clone());
    state.live.set(next);
    tracing::info!(event = %event.slug, "event created on the venue's page");
    Ok(Made {
        slug: event.slug.clone(),
        title: event.title.clone(),
        secret: plain,
    })
}

/// Refused when `slug` is an event's already, or has an old data folder.
fn taken(state: &AppState, live: &Config, slug: &str) -> Result<(), Refused> {
    let owner = live.slug_owner(slug).or_else(|| {
        let folder = live.server.data_dir.join("events").join(slug);
        let file = crate::store::venue::event_file(&live.server.data_dir, slug);
        if file.exists() {
            // Written by a creation whose hub could not open: it runs at
            // the next start.
            return Some(format!("the file {}", file.display()));
        }
        (state.events.contains_key(slug) || folder.exists())
            .then(|| format!("the data folder {}", folder.display()))
    });
    match owner {
        None => Ok(()),
        Some(owner) => Err(Refused::Taken(FieldError::new(
            "slug",
            format!("{slug:?} is already taken (by {owner}); choose another address"),
        ))),
    }
}

/// `POST /admin/events`: JSON (a script, with its Bearer secret) or the
/// venue's form (with its cookie).
pub(super) async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    lang: Lang,
    request: Request,
) -> Response {
    if let Caller::Refused(response) = caller(&state, peer, &headers, &jar, lang).await {
        return response;
    }
    let is_json = (headers.get(header::CONTENT_TYPE))
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return create_json(&state, request).await;
    }
    let fields = match FormFields::from_request(request, &state).await {
        Ok(FormFields(Ok(fields))) => fields,
        Ok(FormFields(Err(rejection))) => return rejection.into_response(),
        Err(response) => return response,
    };
    create_form(&state, lang, &fields).await
}

async fn create_json(state: &AppState, request: Request) -> Response {
    let bytes = match Bytes::from_request(request, state).await {
        Ok(bytes) if bytes.len() <= EVENT_BODY_LIMIT => bytes,
        _ => {
            let message = format!(
                "a new event's JSON takes at most {} KiB",
                EVENT_BODY_LIMIT / 1024
            );
            return error_json(StatusCode::PAYLOAD_TOO_LARGE, "too_large", &message, None);
        }
    };
    let table: RawEvent = match serde_json::from_slice(&bytes) {
        Ok(table) => table,
        Err(e) => {
            let field = named_in(&e.to_string());
            let message = format!(
                "{e}; send the keys of one [[events]] table of config.toml (slug, title, timezone, languages, rooms, days with their slots)"
            );
            return error_json(
                StatusCode::BAD_REQUEST,
                "invalid",
                &message,
                field.as_deref(),
            );
        }
    };
    match make(state, table).await {
        Ok(made) => (
            StatusCode::CREATED,
            NO_STORE,
            axum::Json(json!({"slug": made.slug, "organiser_secret": made.secret})),
        )
            .into_response(),
        Err(refused) => refused_json(refused),
    }
}

fn refused_json(refused: Refused) -> Response {
    match refused {
        Refused::Field(e) => error_json(
            StatusCode::BAD_REQUEST,
            "invalid",
            &e.message,
            Some(&e.field),
        ),
        Refused::Taken(e) => error_json(StatusCode::CONFLICT, "taken", &e.message, Some(&e.field)),
        Refused::Failed(why) => error_json(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            &format!("the event could not be created ({why}); nothing was created, try again"),
            None,
        ),
    }
}

/// The key a serde message names (`unknown field `x``, `missing field `y``).
fn named_in(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("missing field `"))?;
    Some(rest.split('`').next()?.to_owned())
}

async fn create_form(state: &AppState, lang: Lang, fields: &HashMap<String, String>) -> Response {
    let draft = draft_of(fields, &state.live.get().server.timezone);
    let live = state.live.get();
    let table = match table_of(&draft, &live) {
        Ok(table) => table,
        Err(e) => return events::page(state, lang, &draft, Some(&e), None, None),
    };
    if fields.get("action").map(String::as_str) != Some("create") {
        // A preview: checked as it would be made, with a throwaway secret.
        let check = OrganiserSecret::from_plain(&auth::generate_secret());
        return match created::new_event(table.clone(), &check) {
            Ok(_) => {
                let preview = preview_of(&table);
                events::page(state, lang, &draft, None, Some(&preview), None)
            }
            Err(e) => events::page(state, lang, &draft, Some(&e), None, None),
        };
    }
    match make(state, table).await {
        Ok(made) => {
            let admin_url = format!("{}/e/{}/admin", state.config.server.public_url, made.slug);
            let page = views::venue::created(
                lang,
                &views::venue::Made {
                    slug: &made.slug,
                    title: &made.title,
                    secret: &made.secret,
                    admin_url: &admin_url,
                },
            );
            (StatusCode::CREATED, NO_STORE, page).into_response()
        }
        Err(Refused::Field(e)) => events::page(state, lang, &draft, Some(&e), None, None),
        Err(Refused::Taken(e)) => {
            let mut response = events::page(state, lang, &draft, Some(&e), None, None);
            *response.status_mut() = StatusCode::CONFLICT;
            response
        }
        Err(Refused::Failed(why)) => {
            let e = FieldError::new("event", format!("could not be stored ({why}); try again"));
            let mut response = events::page(state, lang, &draft, Some(&e), None, None);
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            response
        }
    }
}

/// The form's fields as typed (missing ones are the defaults').
fn draft_of(fields: &HashMap<String, String>, timezone: &str) -> Draft {
    let mut d = Draft::new(timezone);
    for (name, slot) in [
        ("title", &mut d.title),
        ("slug", &mut d.slug),
        ("timezone", &mut d.timezone),
        ("languages", &mut d.languages),
        ("days", &mut d.days),
        ("rooms", &mut d.rooms),
        ("grid", &mut d.grid),
        ("from", &mut d.from),
        ("first_start", &mut d.first_start),
        ("last_end", &mut d.last_end),
        ("slot_minutes", &mut d.slot_minutes),
        ("break_minutes", &mut d.break_minutes),
        ("lunch_start", &mut d.lunch_start),
        ("lunch_minutes", &mut d.lunch_minutes),
    ] {
        if let Some(value) = fields.get(name) {
            *slot = value.trim().to_owned();
        }
    }
    d
}

/// The `[[events]]` table a draft makes, with the grid builder.
fn table_of(d: &Draft, live: &Config) -> Result<RawEvent, FieldError> {
    let slug = if d.slug.is_empty() {
        builder::suggest_slug(&d.title)
    } else {
        d.slug.clone()
    };
    let dates = builder::parse_dates(&d.days)?;
    let source = match (d.grid.as_str(), d.from.as_str()) {
        ("copy", "") => {
            return Err(FieldError::new(
                "from",
                "choose the earlier event to copy the slot times from",
            ));
        }
        ("copy", from) => Some(live.event(from).ok_or_else(|| {
            FieldError::new("from", format!("there is no event {from:?} on this server"))
        })?),
        _ => None,
    };
    let mut rooms = builder::parse_rooms(&d.rooms)?;
    if rooms.is_empty() {
        let from = source.or_else(|| live.event(&d.from));
        match from {
            Some(source) => rooms = builder::rooms_like(source),
            None => {
                return Err(FieldError::new(
                    "rooms",
                    "list the rooms, one per line (Amphi, 120), or pick an earlier event to copy them from",
                ));
            }
        }
    }
    let days = match source {
        Some(source) => builder::days_like(&dates, source),
        None => DayPlan::parse(
            &d.first_start,
            &d.last_end,
            &d.slot_minutes,
            &d.break_minutes,
            &d.lunch_start,
            &d.lunch_minutes,
        )?
        .days(&dates)?,
    };
    Ok(RawEvent {
        slug,
        title: d.title.clone(),
        timezone: d.timezone.clone(),
        languages: d
            .languages
            .split(',')
            .map(|l| l.trim().to_owned())
            .collect(),
        rooms,
        days,
        ..Default::default()
    })
}

fn preview_of(table: &RawEvent) -> Preview {
    Preview {
        slug: table.slug.clone(),
        rooms: (table.rooms.iter())
            .map(|r| (r.id.clone(), r.name.clone(), r.capacity))
            .collect(),
        days: (table.days.iter())
            .map(|d| {
                let slots = d.slots.iter().map(|s| format!("{}–{}", s.start, s.end));
                (d.date.clone(), slots.collect())
            })
            .collect(),
    }
}
