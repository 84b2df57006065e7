//! Device links: carrying an identity to another device without putting the
//! token in a URL, and without letting a link switch a phone on its own.
//!
//! The old link `/e/{slug}/me?t={token}` had two flaws: the bearer token sat
//! in the URL (history, screenshots, a QR photographed over a shoulder), and
//! opening it replaced the phone's identity at once, so a QR sticker on a
//! wall could take over every phone that scanned it. It is now refused.
//!
//! The link is `/e/{slug}/me?l={public id}.{expiry}.{nonce}.{mac}`: the MAC
//! is HMAC-SHA256 over the event, the public id, the expiry (unix seconds,
//! [`LINK_SECS`] after it was made, by `state.clock`) and a 128-bit nonce,
//! keyed with a random key drawn when the server starts. The token itself
//! stays on the server, in a small map public id -> (nonce, token, expiry)
//! held in `AppState`.
//!
//! Why a map rather than the token encrypted into the link: the link must be
//! usable once, and "once" needs server state anyway (a record of what was
//! used). With the map, one remove is the use; the token never leaves the
//! server in any form, so there is no cipher to get wrong; and a restart
//! (which forgets the map and the key) only costs a link that lived minutes.
//! The map holds one live link per participant (a new page view replaces
//! it), expired entries are swept when a link is made, and the map is capped
//! at [`MAX_PENDING`], so requests cannot grow it without bound. The MAC lets
//! a forged or tampered link be told apart, and refused, before any lookup.
//!
//! `GET` only asks ("use this phone as ...?") and changes nothing; the
//! page's same-origin `POST` makes the switch and uses the link up.
//!
//! The link's QR code is drawn by `web::device_qr`, which keeps the last
//! few it drew here ([`DeviceLinks::drawn`]) beside the links they are of.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::form_body::FormFields;
use super::{AppError, AppState, TOKEN_COOKIE};
use crate::auth;
use crate::i18n::Lang;
use crate::views;
use crate::views::phone::device_link::{Confirm, LinkProblem};

/// How long a device link lives: long enough to pick up the other phone.
pub const LINK_SECS: i64 = 5 * 60;
/// At most this many links wait to be used at once.
pub const MAX_PENDING: usize = 10_000;
/// The QR codes drawn last, kept so fetching one link's code again is a
/// lookup, not a render: about 22 KB each, so at most about 1.4 MB.
const DRAWN: usize = 64;
/// The longest `l` we read: id (18) + expiry (<= 20) + nonce (32) + mac (64).
const MAX_LINK_LEN: usize = 160;

/// A link waiting to be used.
struct Pending {
    nonce: String,
    token: String,
    expires: i64,
}

/// The key and the links waiting to be used (see the module doc).
pub struct DeviceLinks {
    key: Vec<u8>,
    pending: Mutex<HashMap<String, Pending>>,
    /// `(slug, language, l)` -> SVG of the last [`DRAWN`] codes, newest last.
    drawn: Mutex<VecDeque<(String, Bytes)>>,
}

impl std::fmt::Debug for DeviceLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceLinks { .. }")
    }
}

impl Default for DeviceLinks {
    fn default() -> Self {
        DeviceLinks::new()
    }
}

/// The parts of a well-formed, authentic link.
struct Parsed<'a> {
    id: &'a str,
    expires: i64,
    nonce: &'a str,
}

impl DeviceLinks {
    /// A fresh key (256 bits from the token generator) and no links.
    pub fn new() -> DeviceLinks {
        let key = hex::decode(auth::new_token() + &auth::new_token()).unwrap_or_default();
        DeviceLinks {
            key,
            pending: Mutex::new(HashMap::new()),
            drawn: Mutex::new(VecDeque::with_capacity(DRAWN)),
        }
    }

    fn mac(&self, event: &str, body: &str) -> String {
        use hmac::Mac;
        let mut mac =
            hmac::Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(b"slotboard/device-link/");
        mac.update(event.as_bytes());
        mac.update(b"/");
        mac.update(body.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A new link value (`l`) for `token` on `event`, replacing any earlier
    /// link of the same participant.
    pub fn issue(&self, event: &str, token: &str, now: i64) -> String {
        let id = auth::public_id(token);
        let nonce = auth::new_token();
        let expires = now + LINK_SECS;
        let body = format!("{id}.{expires}.{nonce}");
        let mac = self.mac(event, &body);
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.len() >= MAX_PENDING {
            pending.retain(|_, p| p.expires > now);
        }
        if pending.len() >= MAX_PENDING && !pending.contains_key(&id) {
            let oldest = pending
                .iter()
                .min_by_key(|(_, p)| p.expires)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                pending.remove(&k);
            }
        }
        pending.insert(
            id,
            Pending {
                nonce,
                token: token.to_owned(),
                expires,
            },
        );
        format!("{body}.{mac}")
    }

    /// Well-formed and made by this server for this event (not yet whether
    /// it is live).
    fn parse<'a>(&self, event: &str, link: &'a str) -> Result<Parsed<'a>, LinkProblem> {
        if link.len() > MAX_LINK_LEN {
            return Err(LinkProblem::Malformed);
        }
        let mut parts = link.split('.');
        let (Some(id), Some(expires), Some(nonce), Some(mac), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(LinkProblem::Malformed);
        };
        let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        let shaped = id.strip_prefix("p_").is_some_and(|h| hex(h, 16))
            && hex(nonce, 32)
            && hex(mac, 64)
            && !expires.is_empty()
            && expires.bytes().all(|b| b.is_ascii_digit());
        let Some(expires) = expires.parse::<i64>().ok().filter(|_| shaped) else {
            return Err(LinkProblem::Malformed);
        };
        let body = &link[..link.len() - mac.len() - 1];
        let expected = self.mac(event, body);
        if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
            return Err(LinkProblem::Forged);
        }
        Ok(Parsed { id, expires, nonce })
    }

    /// The public id the link would sign in as, if it is live; changes
    /// nothing.
    pub fn check(&self, event: &str, link: &str, now: i64) -> Result<String, LinkProblem> {
        let p = self.parse(event, link)?;
        if now >= p.expires {
            return Err(LinkProblem::Expired);
        }
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        match pending.get(p.id) {
            Some(w) if bool::from(w.nonce.as_bytes().ct_eq(p.nonce.as_bytes())) => {
                Ok(p.id.to_owned())
            }
            _ => Err(LinkProblem::Used),
        }
    }

    /// Uses the link up: its token, if it is live. `Err(Used)` once used.
    pub fn take(&self, event: &str, link: &str, now: i64) -> Result<String, LinkProblem> {
        let p = self.parse(event, link)?;
        if now >= p.expires {
            return Err(LinkProblem::Expired);
        }
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let live = pending
            .get(p.id)
            .is_some_and(|w| bool::from(w.nonce.as_bytes().ct_eq(p.nonce.as_bytes())));
        match live.then(|| pending.remove(p.id)).flatten() {
            Some(w) => Ok(w.token),
            None => Err(LinkProblem::Used),
        }
    }

    /// The QR code under `key`, drawn by `draw` unless it is among the last
    /// [`DRAWN`]. Only for a link [`DeviceLinks::check`] has just accepted,
    /// so a used or replaced link never gets its old code back.
    pub(super) fn drawn(
        &self,
        key: String,
        draw: impl FnOnce() -> Option<String>,
    ) -> Option<Bytes> {
        let lock = || self.drawn.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, svg)) = lock().iter().find(|(k, _)| *k == key) {
            return Some(svg.clone());
        }
        // Drawn outside the lock: two first fetches at once both draw.
        let svg = Bytes::from(draw()?);
        let mut drawn = lock();
        if !drawn.iter().any(|(k, _)| *k == key) {
            if drawn.len() >= DRAWN {
                drawn.pop_front();
            }
            drawn.push_back((key, svg.clone()));
        }
        Some(svg)
    }

    /// The public id a well-formed, authentic link names (live or not).
    fn named(&self, event: &str, link: &str) -> Option<String> {
        self.parse(event, link).ok().map(|p| p.id.to_owned())
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/e/{event}/me", get(ask).post(switch))
}

/// The `l` of a new link for this page's participant, as a full URL.
pub fn url(state: &AppState, slug: &str, token: &str) -> String {
    let l = state
        .device_links
        .issue(slug, token, state.clock.now().as_second());
    url_of(state, slug, &l)
}

/// The URL a link value `l` is shown as (the text link and its QR code).
pub(super) fn url_of(state: &AppState, slug: &str, l: &str) -> String {
    format!(
        "{}/e/{slug}/me?l={l}",
        state.config.server.public_url.trim_end_matches('/')
    )
}

pub(super) fn status_of(p: LinkProblem) -> StatusCode {
    match p {
        LinkProblem::Malformed | LinkProblem::RawToken => StatusCode::BAD_REQUEST,
        LinkProblem::Forged => StatusCode::FORBIDDEN,
        LinkProblem::Expired | LinkProblem::Used => StatusCode::GONE,
    }
}

/// No cache, and no `Referer` that would carry the link elsewhere.
pub(super) fn private(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn refused(lang: Lang, slug: &str, p: LinkProblem) -> Response {
    private(
        (
            status_of(p),
            views::phone::device_link::refused(lang, slug, p),
        )
            .into_response(),
    )
}

/// The public id of this browser's participant, if it has one.
fn current_id(jar: &CookieJar) -> Option<String> {
    jar.get(TOKEN_COOKIE)
        .map(|c| c.value())
        .filter(|t| auth::valid_token(t))
        .map(auth::public_id)
}

/// `GET /e/{slug}/me?l=..`: asks whether to use this device as the link's
/// participant. Changes nothing.
async fn ask(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    lang: Lang,
    jar: CookieJar,
) -> Result<Response, AppError> {
    // A query that does not even decode is a damaged link too.
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let (event, snap) = state.snapshot(&slug).await?;
    let lang = views::lang_for(&event.config, lang);
    let Some(link) = q.get("l") else {
        let p = if q.contains_key("t") {
            LinkProblem::RawToken
        } else {
            LinkProblem::Malformed
        };
        return Ok(refused(lang, &slug, p));
    };
    let now = state.clock.now().as_second();
    let id = match state.device_links.check(&slug, link, now) {
        Ok(id) => id,
        Err(p) => return Ok(refused(lang, &slug, p)),
    };
    let current = current_id(&jar);
    let sessions = current.as_deref().map_or(0, |me| {
        snap.board.sessions().filter(|s| s.owner.0 == me).count()
    });
    let page = views::phone::device_link::confirm(&Confirm {
        lang,
        event: &event.config,
        id: &id,
        already: current.as_deref() == Some(id.as_str()),
        has_identity: current.is_some(),
        sessions,
        link,
        req: views::FormReqs::new(state.ids.form_base()).next(),
    });
    Ok(private(page.into_response()))
}

/// `POST /e/{slug}/me` (`l`, `req`): this browser becomes the link's
/// participant, and the link is used up.
async fn switch(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    lang: Lang,
    jar: CookieJar,
    FormFields(form): FormFields,
) -> Result<Response, AppError> {
    let event = state.event(&slug)?;
    let lang = views::lang_for(&event.config, lang);
    // A foreign origin never gets here: `origin::gate` answers it 403.
    let fields = form.unwrap_or_default();
    let Some(link) = fields.get("l") else {
        return Ok(refused(lang, &slug, LinkProblem::Malformed));
    };
    let now = state.clock.now().as_second();
    let done = format!("/e/{slug}?notice=device#notice");
    let token = match state.device_links.take(&slug, link, now) {
        Ok(token) => token,
        // A double submit: this browser is already the link's participant.
        Err(LinkProblem::Used)
            if current_id(&jar).is_some_and(|me| {
                state.device_links.named(&slug, link).as_deref() == Some(me.as_str())
            }) =>
        {
            return Ok(private(Redirect::to(&done).into_response()));
        }
        Err(p) => return Ok(refused(lang, &slug, p)),
    };
    let cookie = super::token_cookie(&state, token);
    Ok(private(
        (jar.add(cookie), Redirect::to(&done)).into_response(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_link_is_asked_then_used_once() {
        let links = DeviceLinks::new();
        let token = auth::new_token();
        let l = links.issue("camp", &token, NOW);
        assert!(!l.contains(&token), "the token is not in the link");
        assert_eq!(
            links.check("camp", &l, NOW + 1),
            Ok(auth::public_id(&token))
        );
        assert_eq!(
            links.check("camp", &l, NOW + 1),
            Ok(auth::public_id(&token))
        );
        assert_eq!(links.take("camp", &l, NOW + 1), Ok(token));
        assert_eq!(links.take("camp", &l, NOW + 1), Err(LinkProblem::Used));
        assert_eq!(links.check("camp", &l, NOW + 1), Err(LinkProblem::Used));
    }

    #[test]
    fn expired_forged_foreign_and_malformed_links_are_told_apart() {
        let links = DeviceLinks::new();
        let token = auth::new_token();
        let l = links.issue("camp", &token, NOW);
        assert_eq!(
            links.take("camp", &l, NOW + LINK_SECS),
            Err(LinkProblem::Expired)
        );
        assert_eq!(links.check("other", &l, NOW), Err(LinkProblem::Forged));
        let other = DeviceLinks::new();
        assert_eq!(other.check("camp", &l, NOW), Err(LinkProblem::Forged));
        // A later expiry with the old MAC.
        let (id, rest) = l.split_once('.').unwrap();
        let (_, rest) = rest.split_once('.').unwrap();
        let longer = format!("{id}.{}.{rest}", NOW + 99_999);
        assert_eq!(links.check("camp", &longer, NOW), Err(LinkProblem::Forged));
        for bad in ["", "x", "a.b.c.d", &format!("{l}.x"), &"9".repeat(500)] {
            assert_eq!(links.check("camp", bad, NOW), Err(LinkProblem::Malformed));
        }
    }

    #[test]
    fn a_new_link_replaces_the_last_one_and_the_map_stays_bounded() {
        let links = DeviceLinks::new();
        let token = auth::new_token();
        let first = links.issue("camp", &token, NOW);
        let second = links.issue("camp", &token, NOW);
        assert_eq!(links.check("camp", &first, NOW), Err(LinkProblem::Used));
        assert!(links.check("camp", &second, NOW).is_ok());
        for _ in 0..MAX_PENDING + 5 {
            links.issue("camp", &auth::new_token(), NOW);
        }
        assert!(links.pending.lock().unwrap().len() <= MAX_PENDING);
    }

    #[test]
    fn a_code_is_drawn_once_and_the_drawn_stay_bounded() {
        let links = DeviceLinks::new();
        let mut draws = 0;
        for _ in 0..3 {
            let svg = links.drawn("camp/en/l".into(), || {
                draws += 1;
                Some("<svg/>".into())
            });
            assert_eq!(svg.as_deref(), Some(&b"<svg/>"[..]));
        }
        assert_eq!(draws, 1, "drawn once, then looked up");
        for i in 0..DRAWN * 2 {
            links.drawn(format!("camp/en/{i}"), || Some(String::new()));
        }
        assert_eq!(links.drawn.lock().unwrap().len(), DRAWN);
        assert_eq!(links.drawn("camp/en/x".into(), || None), None);
    }
}
