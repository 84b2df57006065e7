//! "My day" and the personal calendar feed: `GET /e/{event}/my`,
//! `POST /e/{event}/my/feed`, `GET /e/{event}/my/{feed}.ics`.
//!
//! The page asks the core for the participant's day (`board::my_day`) and
//! for what moved or was cancelled since they last looked: what they saw is
//! kept in a cookie of that page (`slotboard_seen`: each session's id and
//! cell), set anew at every view, so the server remembers nothing per
//! person for it.
//!
//! A feed id is drawn at random when the participant asks for one (a form,
//! under the phone forms' rates), stored in the event's `feeds.json`
//! (`store::feeds`) before it is shown, and replaced when they ask for a new
//! one: the old address then answers 404. The feed serves the sessions they
//! host and want to attend, as the board is at each fetch.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use dashmap::DashMap;

use super::form_body::FormFields;
use super::{AppError, AppState, TOKEN_COOKIE, forms, with_token};
use crate::auth;
use crate::board::my_day::{self, Since};
use crate::board::{Actor, Cell, ParticipantId, Role, RoomId, SessionId, SlotId};
use crate::i18n::Lang;
use crate::views;

/// What the participant saw of their day on their last view.
const SEEN_COOKIE: &str = "slotboard_seen";

/// At most this many sessions are remembered as seen (a cookie holds 4 KB).
const SEEN_MAX: usize = 60;

/// At most this many feeds per event; past it, new ones are refused (503)
/// rather than the file growing without end.
pub const MAX_FEEDS: usize = 100_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/e/{event}/my", get(page))
        .route("/e/{event}/my/feed", post(renew).get(to_my_day))
        .route("/e/{event}/my/{file}", get(feed))
}

async fn to_my_day(Path(slug): Path<String>) -> Redirect {
    Redirect::to(&format!("/e/{slug}/my"))
}

/// One event's feeds (feed id -> whose), `None` until read from its folder.
type EventFeeds = Arc<tokio::sync::Mutex<Option<BTreeMap<String, ParticipantId>>>>;

/// The feeds of every event, each read from its folder at first use.
#[derive(Debug, Default)]
pub struct Feeds {
    events: DashMap<String, EventFeeds>,
}

impl Feeds {
    fn event(
        &self,
        slug: &str,
    ) -> Arc<tokio::sync::Mutex<Option<BTreeMap<String, ParticipantId>>>> {
        self.events.entry(slug.to_owned()).or_default().clone()
    }

    /// Runs `f` on the event's feeds, read from `dir` if not yet in memory.
    async fn with<T>(
        &self,
        dir: PathBuf,
        slug: &str,
        f: impl FnOnce(&mut BTreeMap<String, ParticipantId>, &PathBuf) -> io::Result<T>,
    ) -> io::Result<T> {
        let cell = self.event(slug);
        let mut guard = cell.lock().await;
        if guard.is_none() {
            let d = dir.clone();
            let loaded = tokio::task::spawn_blocking(move || crate::store::feeds::load(&d))
                .await
                .map_err(io::Error::other)?
                .map_err(io::Error::other)?;
            *guard = Some(loaded);
        }
        let feeds = guard
            .as_mut()
            .ok_or_else(|| io::Error::other("feeds not loaded"))?;
        f(feeds, &dir)
    }

    /// The feed id of `who`, if they have one.
    pub async fn of(
        &self,
        dir: PathBuf,
        slug: &str,
        who: &ParticipantId,
    ) -> io::Result<Option<String>> {
        self.with(dir, slug, |feeds, _| {
            Ok(feeds
                .iter()
                .find(|(_, p)| *p == who)
                .map(|(f, _)| f.clone()))
        })
        .await
    }

    /// Whose feed `feed` is.
    pub async fn owner(
        &self,
        dir: PathBuf,
        slug: &str,
        feed: &str,
    ) -> io::Result<Option<ParticipantId>> {
        self.with(dir, slug, |feeds, _| Ok(feeds.get(feed).cloned()))
            .await
    }

    /// A new feed id for `who`, replacing theirs: stored, then returned.
    pub async fn renew(&self, dir: PathBuf, slug: &str, who: &ParticipantId) -> io::Result<String> {
        // Read in, then the new map made and written while the event's
        // feeds stay locked: two renewals never interleave.
        self.with(dir.clone(), slug, |_, _| Ok(())).await?;
        let cell = self.event(slug);
        let mut guard = cell.lock().await;
        let feeds = guard
            .as_mut()
            .ok_or_else(|| io::Error::other("feeds not loaded"))?;
        let mut next = feeds.clone();
        next.retain(|_, p| p != who);
        if next.len() >= MAX_FEEDS {
            return Err(io::Error::other(
                "this event has as many calendar feeds as it may",
            ));
        }
        let id = auth::new_feed_id();
        next.insert(id.clone(), who.clone());
        let to_save = next.clone();
        tokio::task::spawn_blocking(move || crate::store::feeds::save(&dir, &to_save))
            .await
            .map_err(io::Error::other)??;
        *feeds = next;
        Ok(id)
    }
}

fn event_dir(state: &AppState, slug: &str) -> PathBuf {
    state.config.server.data_dir.join("events").join(slug)
}

/// The participant of this browser, if it has a token.
fn me(jar: &CookieJar) -> Option<ParticipantId> {
    let token = jar.get(TOKEN_COOKIE)?.value();
    auth::valid_token(token).then(|| ParticipantId(auth::public_id(token)))
}

/// `id.slot.room|...` (ids hold no `.` nor `|`).
fn seen_of(jar: &CookieJar) -> Vec<(SessionId, Cell)> {
    let Some(c) = jar.get(SEEN_COOKIE) else {
        return Vec::new();
    };
    (c.value().split('|'))
        .filter_map(|e| {
            let mut parts = e.split('.');
            let (Some(id), Some(slot), Some(room), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return None;
            };
            Some((
                SessionId::from(id),
                Cell {
                    slot: SlotId::from(slot),
                    room: RoomId::from(room),
                },
            ))
        })
        .take(SEEN_MAX)
        .fold(Vec::new(), |mut seen: Vec<(SessionId, Cell)>, e| {
            // A forged or garbled cookie may name a session twice.
            if !seen.iter().any(|(id, _)| *id == e.0) {
                seen.push(e);
            }
            seen
        })
}

async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    let jar = with_token(&state, jar);
    let who = me(&jar).unwrap_or_else(|| ParticipantId(String::new()));
    let board = &snap.board;
    let entries = my_day::my_day(board, &who);
    let since: Vec<Since<'_>> = my_day::since(board, &seen_of(&jar));
    let feed = match state.feeds.of(event_dir(&state, &slug), &slug, &who).await {
        Ok(feed) => feed.map(|f| feed_urls(&state.config.server.public_url, &slug, &f)),
        Err(e) => {
            tracing::error!(event = %slug, error = %e, "cannot read the calendar feeds");
            None
        }
    };
    let seen: Vec<String> = (entries.iter().take(SEEN_MAX))
        .map(|e| {
            format!(
                "{}.{}.{}",
                e.session.id.as_str(),
                e.session.slot,
                e.session.room
            )
        })
        .collect();
    let cookie = Cookie::build((SEEN_COOKIE, seen.join("|")))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies())
        .path(format!("/e/{slug}/my"))
        .permanent()
        .build();
    let view = views::phone::MyDay {
        lang,
        event: &event.config,
        board,
        entries: &entries,
        since: &since,
        feed,
        req: views::FormReqs::new(state.ids.form_base()).next(),
    };
    let page = views::phone::my_day_page(&view);
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    Ok((jar.add(cookie), no_store, page).into_response())
}

/// The feed's address, as `webcal://` (what a phone subscribes to) and as
/// the server's own URL.
fn feed_urls(public_url: &str, slug: &str, feed: &str) -> (String, String) {
    let https = format!("{public_url}/e/{slug}/my/{feed}.ics");
    let webcal = match https.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => https.clone(),
    };
    (webcal, https)
}

/// `POST /e/{event}/my/feed`: a (new) feed for this participant.
async fn renew(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    lang: Lang,
    jar: CookieJar,
    FormFields(fields): FormFields,
) -> Result<Response, AppError> {
    state.event(&slug)?;
    let fields: HashMap<String, String> = match fields {
        Ok(fields) => fields,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    let jar = with_token(&state, jar);
    let Some(who) = me(&jar) else {
        // A browser without cookies: nothing to tie a feed to.
        return Ok((jar, Redirect::to(&format!("/e/{slug}/my"))).into_response());
    };
    let actor = Actor {
        id: who.clone(),
        role: Role::Participant,
    };
    let ip = forms::client_ip(&state, peer, &headers);
    let action = format!("/e/{slug}/my/feed");
    if let Some(refused) = forms::over_rate(&state, ip, &actor, lang, &headers, &action, &fields) {
        return Ok(refused);
    }
    match state
        .feeds
        .renew(event_dir(&state, &slug), &slug, &who)
        .await
    {
        Ok(_) => Ok((jar, Redirect::to(&format!("/e/{slug}/my#feed"))).into_response()),
        Err(e) => {
            tracing::error!(event = %slug, error = %e, "cannot store a calendar feed");
            Ok((
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, HeaderValue::from_static("5"))],
                "The calendar address could not be stored; try again in a moment. \
                 / L'adresse d'agenda n'a pas pu être enregistrée : réessayez dans un instant.",
            )
                .into_response())
        }
    }
}

/// `GET /e/{event}/my/{feed}.ics`: the participant's calendar, as the board
/// is now; 404 for any other name (a renewed feed's old one too).
async fn feed(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    lang: Lang,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(&slug).await?;
    let Some(feed) = file.strip_suffix(".ics").filter(|f| auth::valid_feed_id(f)) else {
        return Ok(super::not_found(lang).await);
    };
    let owner = match state
        .feeds
        .owner(event_dir(&state, &slug), &slug, feed)
        .await
    {
        Ok(Some(owner)) => owner,
        Ok(None) => return Ok(super::not_found(lang).await),
        Err(e) => {
            tracing::error!(event = %slug, error = %e, "cannot read the calendar feeds");
            return Err(AppError::Unavailable);
        }
    };
    let board = &snap.board;
    let day = my_day::my_day(board, &owner);
    let body = crate::export::ics_of(
        &event.config,
        board,
        day.iter().map(|e| e.session),
        &state.config.server.public_url,
        None,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
}
