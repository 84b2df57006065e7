//! An organiser's session: the cookie the login form sets, and the book of
//! what the server revoked.
//!
//! The cookie is `s2.{issued}.{generation}.{id}.{mac}`: when it was made (unix
//! seconds), the event's organiser generation at that time, a random id of
//! its own, and an HMAC-SHA256 (keyed with the stored digest of the
//! organiser secret) over the event and all of these. A forged or altered
//! cookie fails the MAC; a cookie of another secret (a new salt) too.
//!
//! The MAC alone cannot end a session before its time: a copied cookie
//! would outlive a logout. So each event keeps a [`SessionBook`]: its
//! current generation ("log out everywhere" moves it on, which refuses every
//! cookie made before) and the ids of the sessions logged out one by one,
//! each kept only until its cookie would have expired anyway. Both are plain
//! data here; the web layer stores them (`store::sessions`) and asks
//! [`SessionBook::admits`].
//!
//! Cookies of the format before this one (`{issued}.{nonce}.{mac}`) carry no
//! id and no generation: they are refused, and the organiser logs in again.

use std::collections::BTreeMap;

use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::{OrganiserSecret, TOKEN_BYTES};

/// How long an organiser stays logged in: long enough for a two-day event.
pub const ORGANISER_SESSION_SECS: i64 = 7 * 24 * 3600;

/// The tag that starts every session cookie of this format.
const COOKIE_FORMAT: &str = "s2";

/// At most this many sessions are remembered as logged out one by one; past
/// it, a logout ends every session of the event instead (a new generation),
/// which is never less safe. Each entry needs a login that knew the secret.
pub const MAX_REVOKED: usize = 10_000;

/// What a valid session cookie says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClaims {
    /// The session's own random id (32 hex characters).
    pub id: String,
    /// The event's organiser generation when the session was made.
    pub generation: u64,
    /// When it was made, unix seconds.
    pub issued: i64,
}

impl SessionClaims {
    /// When the cookie stops being valid on its own, unix seconds.
    pub fn expires(&self) -> i64 {
        self.issued.saturating_add(ORGANISER_SESSION_SECS)
    }
}

impl OrganiserSecret {
    /// A new session of `event` made at `now_unix` in `generation`: the
    /// cookie's value and what it says.
    pub fn new_session(
        &self,
        event: &str,
        now_unix: i64,
        generation: u64,
    ) -> (String, SessionClaims) {
        let mut id = [0u8; TOKEN_BYTES];
        rand::rng().fill(&mut id);
        let claims = SessionClaims {
            id: hex::encode(id),
            generation,
            issued: now_unix,
        };
        let body = format!(
            "{COOKIE_FORMAT}.{}.{}.{}",
            claims.issued, claims.generation, claims.id
        );
        let mac = self.session_mac(event, &body);
        (format!("{body}.{mac}"), claims)
    }

    /// What `cookie` says, if it is a session of `event` made by
    /// [`OrganiserSecret::new_session`] and not yet expired at `now_unix`.
    /// Whether the server revoked it is the [`SessionBook`]'s question.
    pub fn verify_session(
        &self,
        event: &str,
        cookie: &str,
        now_unix: i64,
    ) -> Option<SessionClaims> {
        let (body, mac) = cookie.rsplit_once('.')?;
        let expected = self.session_mac(event, body);
        let same: bool = expected.as_bytes().ct_eq(mac.as_bytes()).into();
        if !same {
            return None;
        }
        let mut parts = body.split('.');
        let (Some(COOKIE_FORMAT), Some(issued), Some(generation), Some(id), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let claims = SessionClaims {
            id: id.to_owned(),
            generation: generation.parse().ok()?,
            issued: issued.parse().ok()?,
        };
        (0..ORGANISER_SESSION_SECS)
            .contains(&(now_unix - claims.issued))
            .then_some(claims)
    }

    fn session_mac(&self, event: &str, body: &str) -> String {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.digest)
            .expect("HMAC takes keys of any length");
        mac.update(b"slotboard/organiser-session/2/");
        mac.update(event.as_bytes());
        mac.update(b"/");
        mac.update(body.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The sessions of one event that the server no longer admits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionBook {
    /// Sessions of an earlier generation are refused.
    pub generation: u64,
    /// Session id -> when its cookie expires (unix seconds): logged out one
    /// by one, remembered until then and no longer.
    pub revoked: BTreeMap<String, i64>,
}

impl SessionBook {
    /// Whether a session that passed its MAC is still one the server admits.
    pub fn admits(&self, claims: &SessionClaims) -> bool {
        claims.generation == self.generation && !self.revoked.contains_key(&claims.id)
    }

    /// The book once `claims`' session is logged out at `now_unix`.
    pub fn revoke(&self, claims: &SessionClaims, now_unix: i64) -> SessionBook {
        let mut next = self.pruned(now_unix);
        if claims.generation != next.generation {
            return next;
        }
        if next.revoked.len() >= MAX_REVOKED {
            return next.revoke_all();
        }
        next.revoked.insert(claims.id.clone(), claims.expires());
        next
    }

    /// The book once every session made so far is logged out: a new
    /// generation; the ids of the old one need no remembering.
    pub fn revoke_all(&self) -> SessionBook {
        SessionBook {
            generation: self.generation.saturating_add(1),
            revoked: BTreeMap::new(),
        }
    }

    /// Without the ids whose cookies have expired by `now_unix`.
    pub fn pruned(&self, now_unix: i64) -> SessionBook {
        let mut next = self.clone();
        next.revoked.retain(|_, expires| *expires > now_unix);
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_bound_to_its_event_its_secret_and_its_time() {
        let secret = OrganiserSecret::from_plain("a long organiser secret");
        let now = 1_800_000_000;
        let (s, claims) = secret.new_session("camp", now, 3);
        assert_eq!(secret.verify_session("camp", &s, now + 60), Some(claims));
        assert!(secret.verify_session("other", &s, now + 60).is_none());
        let late = now + ORGANISER_SESSION_SECS + 1;
        assert!(secret.verify_session("camp", &s, late).is_none());
        assert!(secret.verify_session("camp", &s, now - 10).is_none());
        let other = OrganiserSecret::from_plain("a long organiser secret");
        assert!(
            other.verify_session("camp", &s, now).is_none(),
            "a new salt ends old sessions"
        );
        let forged = s.replacen(".3.", ".4.", 1);
        assert_ne!(forged, s);
        assert!(secret.verify_session("camp", &forged, now).is_none());
        assert!(secret.verify_session("camp", "garbage", now).is_none());
        assert!(secret.verify_session("camp", "", now).is_none());
    }

    #[test]
    fn a_cookie_of_the_old_format_is_refused_even_with_a_right_mac() {
        // `{issued}.{nonce}.{mac}`, the MAC made the old way.
        let secret = OrganiserSecret::from_plain("a long organiser secret");
        let now = 1_800_000_000;
        let body = format!("{now}.{}", "ab".repeat(16));
        let mac = {
            use hmac::Mac;
            let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&secret.digest).unwrap();
            mac.update(b"slotboard/organiser-session/camp/");
            mac.update(body.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        };
        let old = format!("{body}.{mac}");
        assert!(secret.verify_session("camp", &old, now + 1).is_none());
        // Even with the new MAC over the old body, the shape is refused.
        let remade = format!("{body}.{}", secret.session_mac("camp", &body));
        assert!(secret.verify_session("camp", &remade, now + 1).is_none());
    }

    #[test]
    fn the_book_refuses_revoked_ids_and_earlier_generations_and_forgets_expired_ids() {
        let secret = OrganiserSecret::from_plain("a long organiser secret");
        let now = 1_800_000_000;
        let book = SessionBook::default();
        let (_, a) = secret.new_session("camp", now, 0);
        let (_, b) = secret.new_session("camp", now + 10, 0);
        assert!(book.admits(&a) && book.admits(&b));
        let book = book.revoke(&a, now + 20);
        assert!(!book.admits(&a) && book.admits(&b));
        let everywhere = book.revoke_all();
        assert!(!everywhere.admits(&a) && !everywhere.admits(&b));
        assert!(everywhere.revoked.is_empty());
        let (_, c) = secret.new_session("camp", now + 30, everywhere.generation);
        assert!(everywhere.admits(&c));
        // Kept until the cookie would expire anyway, and no longer.
        assert_eq!(book.pruned(a.expires() - 1).revoked.len(), 1);
        assert!(book.pruned(a.expires()).revoked.is_empty());
    }

    #[test]
    fn the_book_is_bounded() {
        let mut book = SessionBook::default();
        for i in 0..MAX_REVOKED {
            book.revoked.insert(format!("{i:032}"), i64::MAX);
        }
        let claims = SessionClaims {
            id: "x".repeat(32),
            generation: 0,
            issued: 1,
        };
        let next = book.revoke(&claims, 2);
        assert_eq!(next.generation, 1, "a full book ends every session");
        assert!(next.revoked.is_empty() && !next.admits(&claims));
    }
}
