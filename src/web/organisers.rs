//! Who may act as an organiser, asked the same way by the login form, the
//! admin forms and the socket's `hello`: the failure budget of wrong
//! secrets (`auth::budget`) and the sessions the server still admits (each
//! event's `auth::SessionBook`, stored by `store::sessions`).
//!
//! It lives in the web layer because it joins the pure rules of `auth` to
//! the disk (`store`) and to the connections it must reach: a socket that
//! joined on a session cookie is closed (1008) as soon as that session is
//! logged out, one by one or everywhere. A socket whose `hello` carried the
//! secret itself rests on no cookie and stays open: the secret, not a
//! session, is what it proved.
//!
//! A logout is written to disk before it is answered, and the book in memory
//! changes only once the write succeeded: a failed write leaves both as they
//! were and says so.

use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dashmap::DashMap;
use jiff::Timestamp;
use tokio::sync::watch;

use crate::auth::budget::{Attempt, FailureBudget};
use crate::auth::{OrganiserSecret, SessionBook, SessionClaims};
use crate::config::{Config, EventConfig};
use crate::store;

/// How long a wrong organiser secret waits for its answer. It is kept,
/// though the budget is what bounds guessing now: it costs a person who
/// mistyped nothing, and it spreads a lone guesser's free attempts over a
/// few seconds. A refusal of the budget is answered at once: it holds no
/// task for anyone.
pub const WRONG_SECRET_DELAY: Duration = Duration::from_millis(500);

/// The sessions and secret attempts of every event of the server.
#[derive(Debug, Default)]
pub struct Organisers {
    /// Per event; a reload adds the events it opens ([`Organisers::add_event`]).
    events: DashMap<String, Arc<EventSessions>>,
    budget: FailureBudget,
}

#[derive(Debug)]
struct EventSessions {
    dir: PathBuf,
    book: Mutex<SessionBook>,
    /// Moves on with every logout, so open sockets look again.
    changed: watch::Sender<u64>,
}

/// What a secret and its session cookies open: an event's admin page, or
/// the venue's (under [`VENUE`]). Both go through the same failure budget
/// and the same kind of session book.
#[derive(Debug, Clone, Copy)]
pub struct Door<'a> {
    /// The event's slug, or [`VENUE`]: the key of the budget, of the book,
    /// and what the cookie's MAC is bound to.
    pub key: &'a str,
    pub secret: &'a OrganiserSecret,
}

/// The venue's key: no slug can be it.
pub const VENUE: &str = "/admin";

impl<'a> From<&'a EventConfig> for Door<'a> {
    fn from(event: &'a EventConfig) -> Door<'a> {
        Door {
            key: &event.slug,
            secret: event.organiser(),
        }
    }
}

impl<'a> From<&'a Arc<EventConfig>> for Door<'a> {
    fn from(event: &'a Arc<EventConfig>) -> Door<'a> {
        Door::from(&**event)
    }
}

/// How an organiser secret went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretCheck {
    Right,
    Wrong,
    /// Not checked: this address used up its attempts for now.
    Wait {
        retry_after_secs: u64,
    },
}

/// Resolves when the session a socket joined on is no longer admitted.
pub type Revoked = Pin<Box<dyn Future<Output = ()> + Send + Sync>>;

impl Organisers {
    /// Reads the book of every event of `config` (blocking: at start).
    pub fn open(config: &Config) -> anyhow::Result<Organisers> {
        let organisers = Organisers::default();
        for event in &config.events {
            organisers.add_event(&config.server.data_dir, &event.slug)?;
        }
        organisers.add_door(VENUE, store::venue::dir(&config.server.data_dir))?;
        Ok(organisers)
    }

    /// Reads the book of one more event (blocking), for an event a reload
    /// opens; an event it already has keeps its book.
    pub fn add_event(&self, data_dir: &std::path::Path, slug: &str) -> anyhow::Result<()> {
        self.add_door(slug, data_dir.join("events").join(slug))
    }

    /// Reads the book kept in `dir` for `key` (blocking): an event's, or
    /// the venue's.
    pub fn add_door(&self, key: &str, dir: PathBuf) -> anyhow::Result<()> {
        if self.events.contains_key(key) {
            return Ok(());
        }
        let slug = key;
        let book = store::sessions::load(&dir)?;
        self.events.insert(
            slug.to_owned(),
            Arc::new(EventSessions {
                dir,
                book: Mutex::new(book),
                changed: watch::channel(0).0,
            }),
        );
        Ok(())
    }

    /// Checks an organiser secret from `ip` for `event` under the shared
    /// failure budget: refused unchecked (at once) while the address waits;
    /// a wrong one is answered after [`WRONG_SECRET_DELAY`].
    pub async fn try_secret<'a>(
        &self,
        door: impl Into<Door<'a>>,
        ip: IpAddr,
        secret: &str,
        now: Timestamp,
    ) -> SecretCheck {
        let door = door.into();
        match self.budget.begin(ip, door.key, now) {
            Attempt::Wait { retry_after_secs } => SecretCheck::Wait { retry_after_secs },
            Attempt::Check { starts_backoff } => {
                if door.secret.verify(secret) {
                    self.budget.succeeded(ip, door.key);
                    return SecretCheck::Right;
                }
                if starts_backoff {
                    tracing::warn!(event = %door.key, %ip,
                        "wrong organiser secrets from this address: further attempts wait, doubling up to 15 min");
                }
                tokio::time::sleep(WRONG_SECRET_DELAY).await;
                SecretCheck::Wrong
            }
        }
    }

    /// A new session cookie for `event`, in its current generation.
    pub fn issue<'a>(&self, door: impl Into<Door<'a>>, now: Timestamp) -> String {
        let door = door.into();
        let generation = self
            .events
            .get(door.key)
            .map_or(0, |e| lock(&e.book).generation);
        door.secret
            .new_session(door.key, now.as_second(), generation)
            .0
    }

    /// What `cookie` says, if it is a live session of `event` that the
    /// server still admits.
    pub fn session<'a>(
        &self,
        door: impl Into<Door<'a>>,
        cookie: &str,
        now: Timestamp,
    ) -> Option<SessionClaims> {
        let door = door.into();
        let claims = door
            .secret
            .verify_session(door.key, cookie, now.as_second())?;
        let sessions = self.events.get(door.key)?;
        lock(&sessions.book).admits(&claims).then_some(claims)
    }

    /// Logs out the session of `cookie` (if it is one): stored, then
    /// answered.
    pub async fn logout<'a>(
        self: &Arc<Self>,
        door: impl Into<Door<'a>>,
        cookie: &str,
        now: Timestamp,
    ) -> io::Result<()> {
        let door = door.into();
        let Some(claims) = self.session(door, cookie, now) else {
            return Ok(());
        };
        let when = now.as_second();
        self.change(door.key, move |book| book.revoke(&claims, when))
            .await
    }

    /// Logs out every session of `event` made so far.
    pub async fn logout_everywhere(self: &Arc<Self>, slug: &str) -> io::Result<()> {
        self.change(slug, SessionBook::revoke_all).await
    }

    async fn change(
        self: &Arc<Self>,
        slug: &str,
        f: impl FnOnce(&SessionBook) -> SessionBook + Send + 'static,
    ) -> io::Result<()> {
        let me = self.clone();
        let slug = slug.to_owned();
        tokio::task::spawn_blocking(move || {
            let Some(sessions) = me.events.get(&slug).map(|s| s.clone()) else {
                return Ok(());
            };
            let mut book = lock(&sessions.book);
            let next = f(&book);
            store::sessions::save(&sessions.dir, &next)?;
            *book = next;
            drop(book);
            sessions.changed.send_modify(|n| *n += 1);
            Ok(())
        })
        .await
        .map_err(io::Error::other)?
    }

    /// A future that resolves once `claims`' session of `slug` is logged
    /// out.
    pub fn revoked(self: &Arc<Self>, slug: &str, claims: SessionClaims) -> Option<Revoked> {
        let mut rx = self.events.get(slug).map(|s| s.changed.subscribe())?;
        let me = self.clone();
        let slug = slug.to_owned();
        Some(Box::pin(async move {
            loop {
                if rx.changed().await.is_err() {
                    return std::future::pending().await;
                }
                let admitted = me
                    .events
                    .get(&slug)
                    .is_some_and(|s| lock(&s.book).admits(&claims));
                if !admitted {
                    return;
                }
            }
        }))
    }
}

fn lock(book: &Mutex<SessionBook>) -> std::sync::MutexGuard<'_, SessionBook> {
    book.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    fn config(data: &std::path::Path) -> Config {
        let toml = format!(
            "[server]\ndata_dir = \"{}\"\n\n[[events]]\nslug = \"camp\"\ntitle = \"Camp\"\ntimezone = \"Europe/Paris\"\n\
             \n[[events.rooms]]\nid = \"a\"\nname = \"A\"\ncapacity = 20\n\
             \n[[events.days]]\ndate = \"2037-12-05\"\nslots = [{{ id = \"s\", start = \"09:00\", end = \"09:45\" }}]\n",
            data.display().to_string().replace('\\', "/")
        );
        let overrides = Overrides {
            organiser_token: Some("x".repeat(16)),
            ..Default::default()
        };
        Config::from_toml_str(&toml, "organisers-test.toml", &overrides).unwrap()
    }

    fn now() -> Timestamp {
        "2037-06-06T10:00:00Z".parse().unwrap()
    }

    #[tokio::test]
    async fn a_logout_that_cannot_be_stored_changes_nothing() {
        let data = tempfile::tempdir().unwrap();
        let config = config(data.path());
        let organisers = Arc::new(Organisers::open(&config).unwrap());
        let event = &config.events[0];
        let cookie = organisers.issue(event, now());
        // The event's folder is a file: the book cannot be written.
        std::fs::create_dir_all(data.path().join("events")).unwrap();
        std::fs::write(data.path().join("events").join("camp"), "in the way").unwrap();
        assert!(organisers.logout(event, &cookie, now()).await.is_err());
        assert!(organisers.logout_everywhere("camp").await.is_err());
        assert!(
            organisers.session(event, &cookie, now()).is_some(),
            "still valid, as the answer says"
        );
    }

    #[tokio::test]
    async fn an_open_socket_hears_of_its_logout_and_only_of_its_own() {
        let data = tempfile::tempdir().unwrap();
        let config = config(data.path());
        let organisers = Arc::new(Organisers::open(&config).unwrap());
        let event = &config.events[0];
        let mine = organisers.issue(event, now());
        let other = organisers.issue(event, now());
        let claims = organisers.session(event, &mine, now()).unwrap();
        let mut revoked = organisers.revoked("camp", claims).unwrap();
        organisers.logout(event, &other, now()).await.unwrap();
        // The other logout was signalled before it was answered: one poll
        // sees it, finds this session admitted, and waits on.
        use futures_util::FutureExt;
        assert!(
            (&mut revoked).now_or_never().is_none(),
            "another session's logout leaves this one"
        );
        organisers.logout(event, &mine, now()).await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), revoked)
            .await
            .expect("its own logout ends it");
        // Read back from the disk, as after a restart.
        let again = Organisers::open(&config).unwrap();
        assert!(again.session(event, &mine, now()).is_none());
        assert!(again.session(event, &other, now()).is_none());
        assert!(
            again
                .session(event, &again.issue(event, now()), now())
                .is_some()
        );
    }
}
