//! The organiser view: `/e/{event}/admin`, its login and its forms.
//!
//! Logging in with the organiser secret sets [`ORGANISER_COOKIE`] (HttpOnly,
//! SameSite=Strict, scoped to the event's path); every POST here checks it
//! before anything is applied. Each form is one command of the protocol,
//! parsed by the socket's own parser and sent to the event's hub like a
//! socket command; the answer comes back as `?notice=code`.
//!
//! Undo is computed here, from the changes the hub keeps in memory: the most
//! recent moderation action that was not undone yet gets its inverse command
//! (move back, swap again, unlock, ...), which is journaled and broadcast like
//! any other change.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde_json::json;

use super::{AppError, AppState, forms, with_token};
use crate::board::{Actor, Board, Cell, Change, Command, ParticipantId, Session, SessionId};
use crate::config::EventConfig;
use crate::hub::{Answer, EventHandle};
use crate::i18n::Lang;
use crate::record::Record;
use crate::views;
use crate::views::admin::{AdminView, AuditLine};

/// The cookie that carries an organiser's session (see
/// `auth::OrganiserSecret::new_session`), scoped to the event's path.
pub const ORGANISER_COOKIE: &str = "slotboard_organiser";

/// How long a wrong secret waits for its answer: slow for guessing, short
/// for a person who mistyped.
const WRONG_SECRET_DELAY: Duration = Duration::from_millis(500);

/// Lines of the audit log rendered with the page (the JS adds live ones).
const AUDIT_LINES: usize = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/e/{event}/admin", get(page))
        .route("/e/{event}/admin/login", post(login).get(to_admin))
        .route("/e/{event}/admin/logout", post(logout).get(to_admin))
        .route("/e/{event}/admin/undo", post(undo).get(undo_hint))
        .route("/e/{event}/admin/{op}", post(act).get(to_admin))
}

fn admin_url(slug: &str) -> String {
    format!("/e/{slug}/admin")
}

async fn to_admin(Path(params): Path<Vec<String>>) -> Redirect {
    Redirect::to(&admin_url(params.first().map_or("", String::as_str)))
}

/// Pages of this view are never cached: they hold the board of the moment.
const NO_STORE: [(header::HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// The answer to a POST without a valid organiser cookie: nothing applied.
fn not_logged_in(lang: Lang, event: &EventConfig, json: bool) -> Response {
    if json {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({
                "type": "reject",
                "code": "forbidden",
                "message": views::admin::notice_text(lang, "forbidden"),
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
    let Some(actor) = forms::organiser(&event.config, &jar, state.clock.now()) else {
        return Ok((
            jar,
            NO_STORE,
            views::admin::login(lang, &event.config, false),
        )
            .into_response());
    };
    let (snap, frames) = event
        .recent(usize::MAX)
        .await
        .map_err(|_| AppError::Unavailable)?;
    let lang = views::lang_for(&event.config, lang);
    let history = History::new(&frames);
    let marks = marks_of(&event);
    let marks = marks.lock().await;
    let audit = history.audit(lang, &event.config, &snap.board, &marks, AUDIT_LINES);
    let hint = history
        .target(&snap.board, &marks)
        .map(|i| history.describe(lang, &snap.board, i));
    drop(marks);
    let notice = query
        .get("notice")
        .map(String::as_str)
        .filter(|c| c.len() <= 32 && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    let view = AdminView {
        me: actor.id.as_str(),
        notice,
        audit: &audit,
        undo_hint: hint.as_deref(),
        announcement_max: state.config.limits.announcement,
        now: state.clock.now(),
        reqs: &views::FormReqs::new(state.ids.form_base()),
    };
    Ok((
        jar,
        NO_STORE,
        views::admin::page(lang, &event.config, &snap, &view),
    )
        .into_response())
}

async fn login(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
    jar: CookieJar,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let secret = fields.get("secret").map_or("", String::as_str);
    if !event.config.organiser().verify(secret) {
        tokio::time::sleep(WRONG_SECRET_DELAY).await;
        return Ok((
            StatusCode::UNAUTHORIZED,
            NO_STORE,
            views::admin::login(lang, &event.config, true),
        )
            .into_response());
    }
    let session = event
        .config
        .organiser()
        .new_session(&slug, state.clock.now().as_second());
    let cookie = Cookie::build((ORGANISER_COOKIE, session))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies())
        .path(format!("/e/{slug}"))
        .build();
    let jar = with_token(&state, jar).add(cookie);
    Ok((jar, Redirect::to(&admin_url(&slug))).into_response())
}

async fn logout(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    jar: CookieJar,
) -> Result<Response, AppError> {
    state.event(&slug)?;
    let jar = jar.remove(Cookie::build(ORGANISER_COOKIE).path(format!("/e/{slug}")));
    Ok((jar, Redirect::to(&admin_url(&slug))).into_response())
}

/// A moderation form: `/e/{event}/admin/{move|swap|lock|unlock|release|open|announce}`.
async fn act(
    State(state): State<AppState>,
    Path((slug, op)): Path<(String, String)>,
    lang: Lang,
    jar: CookieJar,
    headers: HeaderMap,
    Form(mut fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let wire = match op.as_str() {
        "move" | "swap" | "lock" | "unlock" | "release" | "announce" | "end" => op.as_str(),
        "open" => "set_open",
        _ => return Ok(super::not_found(lang).await),
    };
    let Some(actor) = forms::organiser(&event.config, &jar, state.clock.now()) else {
        return Ok(not_logged_in(lang, &event.config, wants_json(&headers)));
    };
    if wire == "announce" && fields.remove("clear").is_some() {
        fields.insert("text".into(), String::new());
    }
    // Closing for good is confirmed by typing the event's name.
    if wire == "end" && fields.get("confirm").map(|c| c.trim()) != Some(slug.as_str()) {
        let message = format!("type the event's name, {slug}, in \"confirm\" to close it for good");
        if wants_json(&headers) {
            let body = json!({"type": "reject", "code": "confirm_end", "message": message});
            return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
        }
        return Ok(
            Redirect::to(&format!("{}?notice=confirm_end", admin_url(&slug))).into_response(),
        );
    }
    let answer = match forms::command(wire, &fields, &state.config.limits) {
        Ok(command) => event.command(actor, forms::req_of(&fields), command).await,
        Err(rejection) => Answer::Reject(rejection),
    };
    let (code, rev, message) = match &answer {
        Answer::Ack { rev } => ("ack", Some(*rev), String::new()),
        Answer::Reject(r) => (r.code.as_str(), None, r.message.clone()),
    };
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
    Ok(Redirect::to(&format!("{}?notice={code}", admin_url(&slug))).into_response())
}

/// `POST /e/{event}/admin/undo`: the inverse of the last moderation action.
async fn undo(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
    jar: CookieJar,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let json = wants_json(&headers);
    let Some(actor) = forms::organiser(&event.config, &jar, state.clock.now()) else {
        return Ok(not_logged_in(lang, &event.config, json));
    };
    let outcome = undo_last(&event, actor).await?;
    if json {
        let lang = views::lang_for(&event.config, lang);
        let (status, body) = match outcome {
            Undo::Done { rev, undone } => (
                StatusCode::OK,
                json!({"type": "ack", "code": "undone", "rev": rev, "undone": undone,
                       "message": views::admin::notice_text(lang, "undone")}),
            ),
            Undo::Refused { code, message } => (
                StatusCode::CONFLICT,
                json!({"type": "reject", "code": code,
                       "message": message.unwrap_or_else(|| views::admin::notice_text(lang, code).to_owned())}),
            ),
        };
        return Ok((status, Json(body)).into_response());
    }
    let code = match outcome {
        Undo::Done { .. } => "undone",
        Undo::Refused { code, .. } => code,
    };
    Ok(Redirect::to(&format!("{}?notice={code}", admin_url(&slug))).into_response())
}

/// `GET /e/{event}/admin/undo`: what the undo button would undo (JSON).
async fn undo_hint(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    if forms::organiser(&event.config, &jar, state.clock.now()).is_none() {
        return Ok(not_logged_in(lang, &event.config, true));
    }
    let lang = views::lang_for(&event.config, lang);
    let (snap, frames) = event
        .recent(usize::MAX)
        .await
        .map_err(|_| AppError::Unavailable)?;
    let history = History::new(&frames);
    let marks = marks_of(&event);
    let marks = marks.lock().await;
    let target = history.target(&snap.board, &marks);
    let body = json!({
        "rev": snap.board.rev(),
        "target": target.map(|i| history.records[i].rev),
        "hint": target.map(|i| history.describe(lang, &snap.board, i)),
        "undos": marks.undos.iter().rev().take(AUDIT_LINES).collect::<Vec<_>>(),
    });
    Ok((NO_STORE, Json(body)).into_response())
}

enum Undo {
    Done {
        rev: u64,
        undone: u64,
    },
    Refused {
        code: &'static str,
        message: Option<String>,
    },
}

async fn undo_last(event: &EventHandle, actor: Actor) -> Result<Undo, AppError> {
    let marks = marks_of(event);
    // One undo at a time per event: two organisers clicking at once undo two
    // actions, never the same one twice.
    let mut marks = marks.lock().await;
    let (snap, frames) = event
        .recent(usize::MAX)
        .await
        .map_err(|_| AppError::Unavailable)?;
    let history = History::new(&frames);
    let Some(i) = history.target(&snap.board, &marks) else {
        return Ok(Undo::Refused {
            code: "nothing_to_undo",
            message: None,
        });
    };
    let Some(command) = history.inverse(i) else {
        return Ok(Undo::Refused {
            code: "too_old",
            message: None,
        });
    };
    let target = history.records[i].rev;
    match event.command(actor, None, command).await {
        Answer::Ack { rev } => {
            marks.undone.insert(target);
            marks.undos.insert(rev);
            Ok(Undo::Done {
                rev,
                undone: target,
            })
        }
        Answer::Reject(r) => Ok(Undo::Refused {
            code: r.code.as_str(),
            message: Some(r.message),
        }),
    }
}

// ------------------------------------------------------------------ undo --

/// What undo has done on one event since the server started: the revs that
/// were undone, and the revs of the undo changes themselves (never undone in
/// turn: undo goes back in time, it does not toggle).
#[derive(Default)]
struct Marks {
    undone: BTreeSet<u64>,
    undos: BTreeSet<u64>,
}

/// The marks of one running event, found by its config (one `Arc` per event
/// per server). The `Weak` keeps the allocation, so its address cannot be
/// reused by another server's event while the entry lives.
struct Book {
    config: Weak<EventConfig>,
    marks: Arc<tokio::sync::Mutex<Marks>>,
}

static BOOKS: Mutex<Vec<Book>> = Mutex::new(Vec::new());

fn marks_of(event: &EventHandle) -> Arc<tokio::sync::Mutex<Marks>> {
    let mut books = BOOKS.lock().unwrap_or_else(PoisonError::into_inner);
    books.retain(|b| b.config.strong_count() > 0);
    if let Some(b) = books
        .iter()
        .find(|b| std::ptr::eq(b.config.as_ptr(), Arc::as_ptr(&event.config)))
    {
        return b.marks.clone();
    }
    let marks = Arc::new(tokio::sync::Mutex::new(Marks::default()));
    books.push(Book {
        config: Arc::downgrade(&event.config),
        marks: marks.clone(),
    });
    marks
}

/// The changes the hub still holds, oldest first.
struct History {
    records: Vec<Record>,
}

impl History {
    fn new(frames: &[crate::hub::Frame]) -> History {
        let records = frames
            .iter()
            .filter_map(|f| serde_json::from_str::<Record>(f.text()).ok())
            .collect();
        History { records }
    }

    /// Whether the records go back to the board's very first change, so that
    /// "nothing before" means "nothing ever".
    fn complete(&self) -> bool {
        self.records.first().is_some_and(|r| r.rev == 1)
    }

    /// Where session `id` sat after the records before index `upto`.
    fn cell_before(&self, id: &SessionId, upto: usize) -> Option<Cell> {
        for j in (0..upto).rev() {
            match &self.records[j].change {
                Change::Claimed { session } | Change::Edited { session } if &session.id == id => {
                    return Some(session.cell());
                }
                Change::Moved {
                    session,
                    slot,
                    room,
                } if session == id => {
                    return Some(Cell {
                        slot: slot.clone(),
                        room: room.clone(),
                    });
                }
                Change::Swapped { a, b } if a == id => return self.cell_before(b, j),
                Change::Swapped { a, b } if b == id => return self.cell_before(a, j),
                _ => {}
            }
        }
        None
    }

    /// The session `id` as it was before the record at `upto` (in its cell
    /// of that moment).
    fn session_before(&self, id: &SessionId, upto: usize) -> Option<Session> {
        let mut s = self.records[..upto]
            .iter()
            .rev()
            .find_map(|r| match &r.change {
                Change::Claimed { session } | Change::Edited { session } if &session.id == id => {
                    Some(session.clone())
                }
                _ => None,
            })?;
        let cell = self.cell_before(id, upto)?;
        s.slot = cell.slot;
        s.room = cell.room;
        Some(s)
    }

    fn owner(&self, board: &Board, id: &SessionId, upto: usize) -> Option<ParticipantId> {
        board
            .session(id)
            .map(|s| s.owner.clone())
            .or_else(|| self.session_before(id, upto).map(|s| s.owner))
    }

    /// Whether the record at `i` is an organiser's moderation: anything only
    /// organisers may do, and moves and removals of someone else's session.
    fn is_moderation(&self, board: &Board, i: usize) -> bool {
        let r = &self.records[i];
        match &r.change {
            Change::Swapped { .. }
            | Change::Locked { .. }
            | Change::Unlocked { .. }
            | Change::Opened { .. }
            | Change::Announced { .. }
            | Change::Ended {} => true,
            Change::Moved { session, .. } | Change::Released { session } => {
                self.owner(board, session, i) != r.by
            }
            Change::Claimed { .. } | Change::Edited { .. } | Change::Voted { .. } => false,
        }
    }

    /// The index of the change undo would undo now.
    fn target(&self, board: &Board, marks: &Marks) -> Option<usize> {
        (0..self.records.len()).rev().find(|&i| {
            let rev = self.records[i].rev;
            !marks.undone.contains(&rev)
                && !marks.undos.contains(&rev)
                && self.is_moderation(board, i)
        })
    }

    /// The command that undoes the record at `i`; `None` when what it
    /// replaced is older than the records.
    fn inverse(&self, i: usize) -> Option<Command> {
        Some(match &self.records[i].change {
            Change::Moved { session, .. } => Command::Move {
                session: session.clone(),
                to: self.cell_before(session, i)?,
            },
            Change::Swapped { a, b } => Command::Swap {
                a: a.clone(),
                b: b.clone(),
            },
            Change::Locked { slot, room } => Command::Unlock {
                cell: Cell {
                    slot: slot.clone(),
                    room: room.clone(),
                },
            },
            Change::Unlocked { slot, room } => Command::Lock {
                cell: Cell {
                    slot: slot.clone(),
                    room: room.clone(),
                },
            },
            Change::Opened { open } => Command::SetOpen { open: !open },
            Change::Announced { .. } => {
                let previous = self.records[..i]
                    .iter()
                    .rev()
                    .find_map(|r| match &r.change {
                        Change::Announced { text } => Some(text.clone()),
                        _ => None,
                    });
                let previous = match previous {
                    Some(t) => t,
                    None if self.complete() => String::new(),
                    None => return None,
                };
                let limits = crate::board::Limits {
                    announcement: usize::MAX,
                    ..Default::default()
                };
                Command::Announce {
                    text: crate::board::Announcement::parse(&previous, &limits).ok()?,
                }
            }
            Change::Released { session } => Command::Restore {
                session: Box::new(self.session_before(session, i)?),
            },
            Change::Claimed { .. } | Change::Edited { .. } | Change::Voted { .. } => return None,
            // Ended for good: nothing to undo, and the board refuses it anyway.
            Change::Ended {} => return None,
        })
    }

    /// Session titles known at each point, starting from the board's.
    fn titles(board: &Board) -> BTreeMap<SessionId, String> {
        board
            .sessions()
            .map(|s| (s.id.clone(), s.title.as_str().to_owned()))
            .collect()
    }

    /// The words for the record at `i`, with the titles of that moment.
    fn describe(&self, lang: Lang, board: &Board, i: usize) -> String {
        let mut titles = Self::titles(board);
        for r in &self.records[..=i] {
            if let Change::Claimed { session } | Change::Edited { session } = &r.change {
                titles.insert(session.id.clone(), session.title.as_str().to_owned());
            }
        }
        views::admin::describe(lang, board.grid(), &self.records[i].change, &titles)
    }

    /// The last `limit` lines of the log, newest first.
    fn audit(
        &self,
        lang: Lang,
        event: &EventConfig,
        board: &Board,
        marks: &Marks,
        limit: usize,
    ) -> Vec<AuditLine> {
        let mut titles = Self::titles(board);
        let tz = event.tz();
        let start = self.records.len().saturating_sub(limit);
        for r in &self.records[..start] {
            if let Change::Claimed { session } | Change::Edited { session } = &r.change {
                titles.insert(session.id.clone(), session.title.as_str().to_owned());
            }
        }
        let mut lines = Vec::with_capacity(self.records.len() - start);
        for r in &self.records[start..] {
            if let Change::Claimed { session } | Change::Edited { session } = &r.change {
                titles.insert(session.id.clone(), session.title.as_str().to_owned());
            }
            let time =
                r.at.parse::<jiff::Timestamp>()
                    .map(|t| t.to_zoned(tz.clone()).strftime("%H:%M:%S").to_string())
                    .unwrap_or_else(|_| r.at.clone());
            lines.push(AuditLine {
                rev: r.rev,
                at: r.at.clone(),
                time,
                by: r
                    .by
                    .as_ref()
                    .map_or_else(|| "—".to_owned(), |b| b.0.clone()),
                what: views::admin::describe(lang, board.grid(), &r.change, &titles),
                undo: marks.undos.contains(&r.rev),
            });
        }
        lines.reverse();
        lines
    }
}
