//! The phone view: `/e/{event}` and its forms.
//!
//! Without JavaScript every action is a form: `POST /e/{slug}/{op}` goes
//! through the socket's own command parser (`forms::command`) and the event's
//! hub, then redirects (303) to the page with the outcome in the query
//! (`?notice=taken&op=claim&slot=..&room=..`). The server's message and what
//! a refused claim asked for travel in a short-lived cookie (the "flash"),
//! not in the URL, so nobody can make the page say something with a crafted
//! link.

use std::collections::HashMap;

use axum::Router;
use axum::extract::rejection::FormRejection;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::{Deserialize, Serialize};

use super::coding::{Coding, negotiate};
use super::form_body::FormFields;
use super::{AppError, AppState, TOKEN_COOKIE, forms};
use crate::board::{Actor, Cell, RejectCode, Rejection, RoomId, SlotId};
use crate::hub::Answer;
use crate::i18n::Lang;
use crate::views;
use crate::views::phone::{ClaimForm, Notice, NoticeKind, View};

/// The outcome's details between a form's POST and the page it redirects to.
const FLASH_COOKIE: &str = "slotboard_flash";
/// The host name last used on this browser, to prefill the claim form.
const HOST_COOKIE: &str = "slotboard_host";

/// The commands of the phone page's forms.
const OPS: &[&str] = &[
    "claim", "edit", "release", "move", "vote", "pitch", "unpitch",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/e/{event}", get(page))
        .route("/e/{event}/claim", get(claim_page).merge(command("claim")))
        .route("/e/{event}/edit", command("edit"))
        .route("/e/{event}/release", command("release"))
        .route("/e/{event}/move", command("move"))
        .route("/e/{event}/vote", command("vote"))
        .route("/e/{event}/pitch", command("pitch"))
        .route("/e/{event}/unpitch", command("unpitch"))
        .route("/e/{event}/hints", get(hints))
}

/// `POST /e/{event}/{op}`: one of the phone's commands as a plain form.
fn command(op: &'static str) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>,
              Path(slug): Path<String>,
              ConnectInfo(peer): ConnectInfo<SocketAddr>,
              headers: HeaderMap,
              lang: Lang,
              jar: CookieJar,
              FormFields(form): FormFields| async move {
            let from = Poster {
                ip: forms::client_ip(&state, peer, &headers),
                headers,
                lang,
            };
            act(&state, &slug, op, &from, jar, form).await
        },
    )
}

/// Who posted a form: their client IP, the request's headers and language.
struct Poster {
    ip: IpAddr,
    headers: HeaderMap,
    lang: Lang,
}

/// What the flash cookie carries (hex of this JSON, so any text fits).
#[derive(Serialize, Deserialize, Default)]
struct Flash {
    /// The server's message.
    #[serde(default)]
    m: Option<String>,
    /// The title and host of a refused claim.
    #[serde(default)]
    t: Option<String>,
    #[serde(default)]
    h: Option<String>,
    /// For `session_limit`: the sessions held and the most allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    held: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<u32>,
}

fn encode_cookie_text(text: &str) -> String {
    hex::encode(text.as_bytes())
}

fn decode_cookie_text(value: &str) -> Option<String> {
    String::from_utf8(hex::decode(value).ok()?).ok()
}

/// A cookie of ours; `permanent` keeps it (a year and more), else it lives
/// as long as the browser session.
fn our_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    permanent: bool,
) -> Cookie<'static> {
    let mut b = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies())
        .path("/");
    if permanent {
        b = b.permanent();
    }
    b.build()
}

fn removal(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, "")).path("/").build()
}

/// The page carries a device link that signs in as this participant:
/// never cache it.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn known_cell(
    board: &crate::board::Board,
    slot: Option<&String>,
    room: Option<&String>,
) -> Option<Cell> {
    let cell = Cell {
        slot: SlotId(slot?.clone()),
        room: RoomId(room?.clone()),
    };
    let grid = board.grid();
    (grid.slot(&cell.slot).is_some() && grid.room(&cell.room).is_some()).then_some(cell)
}

struct Rendered {
    status: StatusCode,
    notice: Option<Notice>,
    claim: Option<ClaimForm>,
}

async fn render(
    state: &AppState,
    slug: &str,
    lang: Lang,
    coding: Coding,
    jar: CookieJar,
    what: impl FnOnce(&crate::board::Board, &Actor, &mut CookieJar) -> Rendered,
) -> Result<Response, AppError> {
    let (event, snap) = state.snapshot(slug).await?;
    let (actor, mut jar) = forms::participant(state, jar);
    let token = jar
        .get(TOKEN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let host = jar
        .get(HOST_COOKIE)
        .and_then(|c| decode_cookie_text(c.value()));
    let r = what(&snap.board, &actor, &mut jar);
    let view = View {
        lang,
        event: &event.config,
        board: &snap.board,
        me: &actor.id,
        device_url: super::device_link::url(state, slug, &token),
        limits: &state.limits(),
        now: state.clock.now(),
        notice: r.notice,
        claim: r.claim,
        host,
        reqs: &views::FormReqs::new(state.ids.form_base()),
    };
    // The open claim form is the reader's own page (compressed, if asked,
    // by the router); every other page of this revision, language and
    // clock step shares its tables, kept rendered and compressed.
    if view.claim.is_some() {
        let html = views::phone::page(&view);
        return Ok(no_store((r.status, jar, html).into_response()));
    }
    let key = views::phone::shared_key(&event.config, &snap.board, lang, view.now);
    let kept = state.phone_cache.get(slug, &snap, &key, || {
        views::phone::Shared::build(&event.config, &snap.board, lang, view.now, None)
    });
    let Some(name) = coding.name() else {
        let html = views::phone::page_with(&view, &kept.shared);
        return Ok(no_store((r.status, jar, html).into_response()));
    };
    let parts = views::phone::parts(&view, &kept.shared);
    let body = super::phone_cache::body(&kept, &parts, &view, coding);
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (header::CONTENT_ENCODING, HeaderValue::from_static(name)),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    Ok(no_store((r.status, jar, headers, body).into_response()))
}

/// `GET /e/{slug}`: the board, with the outcome of the last form if the
/// query names one.
async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    lang: Lang,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let coding = negotiate(headers.get(header::ACCEPT_ENCODING));
    render(&state, &slug, lang, coding, jar, |board, _, jar| {
        let flash = jar.get(FLASH_COOKIE).map(|c| c.value().to_owned());
        if flash.is_some() {
            *jar = jar.clone().remove(removal(FLASH_COOKIE));
        }
        let notice = q
            .get("notice")
            .and_then(|c| NoticeKind::parse(c))
            .map(|kind| {
                let flash: Flash = flash
                    .as_deref()
                    .and_then(decode_cookie_text)
                    .and_then(|j| serde_json::from_str(&j).ok())
                    .unwrap_or_default();
                Notice {
                    kind,
                    op: q.get("op").filter(|o| OPS.contains(&o.as_str())).cloned(),
                    message: flash.m,
                    cell: known_cell(board, q.get("slot"), q.get("room")),
                    title: flash.t,
                    host: flash.h,
                    held: flash.held,
                    max: flash.max,
                }
            });
        Rendered {
            status: StatusCode::OK,
            notice,
            claim: None,
        }
    })
    .await
}

/// `GET /e/{slug}/claim?slot=..&room=..`: the page with the claim form open
/// in that cell; or, if the cell cannot be claimed, the page saying why
/// (with the board's own message) and the free cells nearby.
async fn claim_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    lang: Lang,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let limits = state.limits();
    // A claim form open is the reader's own page: never from the kept parts.
    render(
        &state,
        &slug,
        lang,
        Coding::Identity,
        jar,
        |board, actor, _| {
            // The board's rules decide, with a placeholder text: the same code
            // and message as a claim on the socket would get.
            let mut probe: HashMap<String, String> = HashMap::new();
            for k in ["slot", "room"] {
                if let Some(v) = q.get(k) {
                    probe.insert(k.to_owned(), v.clone());
                }
            }
            probe.insert("title".into(), "-".into());
            probe.insert("host".into(), "-".into());
            let verdict = forms::command("claim", &probe, &limits)
                .and_then(|cmd| board.decide(actor, &cmd).map(|_| ()));
            let cell = known_cell(board, q.get("slot"), q.get("room"));
            match (verdict, cell) {
                (Ok(()), Some(cell)) => Rendered {
                    status: StatusCode::OK,
                    notice: None,
                    claim: Some(ClaimForm {
                        cell,
                        title: q.get("title").cloned().unwrap_or_default(),
                        host: q.get("host").cloned().unwrap_or_default(),
                    }),
                },
                (verdict, cell) => {
                    let rejection = verdict.err().unwrap_or_else(|| {
                        Rejection::new(RejectCode::NotFound, "there is no such cell on this board")
                    });
                    let status = match rejection.code {
                        RejectCode::NotFound => StatusCode::NOT_FOUND,
                        RejectCode::Invalid => StatusCode::BAD_REQUEST,
                        _ => StatusCode::OK,
                    };
                    Rendered {
                        status,
                        notice: Some(Notice {
                            kind: NoticeKind::Refused(rejection.code),
                            op: Some("claim".into()),
                            message: Some(rejection.message),
                            cell,
                            title: None,
                            host: None,
                            held: rejection.held,
                            max: rejection.max,
                        }),
                        claim: None,
                    }
                }
            }
        },
    )
    .await
}

/// One form command: parse it like a socket frame, ask the hub, redirect to
/// the page with the outcome.
async fn act(
    state: &AppState,
    slug: &str,
    op: &str,
    from: &Poster,
    jar: CookieJar,
    form: Result<HashMap<String, String>, FormRejection>,
) -> Result<Response, AppError> {
    let event = state.event(slug)?;
    let mut fields = form.unwrap_or_default();
    // The move form's one select says "slot|room".
    if let Some(to) = fields.remove("to") {
        if let Some((slot, room)) = to.split_once('|') {
            fields.insert("slot".into(), slot.to_owned());
            fields.insert("room".into(), room.to_owned());
        }
    }
    let (actor, mut jar) = forms::participant(state, jar);
    // A form from another site never gets here: `origin::gate` answers it 403.
    // The socket's rates, per token and per IP: over them, 429 and the form
    // to send again (with a new browser's token cookie, so it is the same
    // participant then).
    let action = format!("/e/{slug}/{op}");
    if let Some(refused) = forms::over_rate(
        state,
        from.ip,
        &actor,
        from.lang,
        &from.headers,
        &action,
        &fields,
    ) {
        return Ok((jar, refused).into_response());
    }
    let answer = match forms::command(op, &fields, &state.limits()) {
        Err(rejection) => Answer::Reject(rejection),
        Ok(command) => {
            let first = if command.is_joining() {
                forms::claim_allowed(state, from.ip, &actor)
            } else {
                Ok(())
            };
            match first {
                Err(rejection) => Answer::Reject(rejection),
                Ok(()) => event.command(actor, forms::req_of(&fields), command).await,
            }
        }
    };
    if op == "claim" {
        if let Some(host) = fields
            .get("host")
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
        {
            let host: String = host.chars().take(state.limits().host).collect();
            jar = jar.add(our_cookie(
                state,
                HOST_COOKIE,
                encode_cookie_text(&host),
                true,
            ));
        }
    }
    let snapshot_cell = {
        let cell = Cell {
            slot: SlotId(fields.get("slot").cloned().unwrap_or_default()),
            room: RoomId(fields.get("room").cloned().unwrap_or_default()),
        };
        // The live grid (rooms and slots change on the day), not the config's.
        let known = match event.snapshot().await {
            Ok(snap) => {
                let grid = snap.board.grid();
                grid.slot(&cell.slot).is_some() && grid.room(&cell.room).is_some()
            }
            Err(_) => false,
        };
        known.then_some(cell)
    };
    let (code, flash) = match answer {
        Answer::Ack { .. } => ("ack", None),
        Answer::Reject(r) => {
            // What the claim asked for, cut to the limits so the cookie
            // stays small whatever was posted.
            let typed = |name: &str, max: usize| {
                (op == "claim")
                    .then(|| fields.get(name))
                    .flatten()
                    .map(|v| v.chars().take(max).collect::<String>())
            };
            let limits = &state.limits();
            let mut message = r.message;
            if message.chars().count() > 300 {
                message = message.chars().take(300).collect::<String>() + "…";
            }
            let flash = Flash {
                m: Some(message),
                t: typed("title", limits.title),
                h: typed("host", limits.host),
                held: r.held,
                max: r.max,
            };
            (r.code.as_str(), Some(flash))
        }
    };
    match flash {
        Some(f) => {
            let json = serde_json::to_string(&f).unwrap_or_default();
            jar = jar.add(our_cookie(
                state,
                FLASH_COOKIE,
                encode_cookie_text(&json),
                false,
            ));
        }
        None => {
            if jar.get(FLASH_COOKIE).is_some() {
                jar = jar.remove(removal(FLASH_COOKIE));
            }
        }
    }
    let mut url = format!("/e/{slug}?notice={code}&op={op}");
    if let Some(cell) = snapshot_cell {
        url.push_str(&format!("&slot={}&room={}", cell.slot, cell.room));
    }
    url.push_str("#notice");
    Ok((jar, Redirect::to(&url)).into_response())
}

/// `GET /e/{slug}/hints`: the bigger room to offer each crowded session, as
/// JSON, for the phone's script after a change (it computes no rule of its
/// own). Public, as the board is.
async fn hints(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (_, snap) = state.snapshot(&slug).await?;
    let body = axum::Json(views::phone::hints(&snap.board));
    Ok(no_store(body.into_response()))
}
