//! The start of a connection: reading frames until a valid `hello`, deciding
//! who the client is (role, organiser proof, token), joining the event, and
//! sending the state it joined with (`catch_up`, which a lag's fresh
//! `welcome` reuses). `classify`, which turns a received message into text,
//! is here because the handshake reads first; the live loop reads through it
//! too. It is its own file because it is the one stage that handles secrets
//! and tokens, and it runs once per connection, boxed, so the live task does
//! not carry it.

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::broadcast;
use tokio::time::Instant;

use super::rate::Bucket;
use super::{Connection, End};
use crate::auth;
use crate::board::{Actor, ParticipantId, Role};
use crate::hub::{Frame, Joined};
use crate::web::organisers::{Revoked, SecretCheck};
use crate::web::protocol::{self, ErrorCode, Hello, Incoming, Outgoing, Refusal, You};
use crate::web::wire::{Message, Transport, Utf8Bytes, WsError, close_code};

impl Connection {
    /// Reads frames until a valid `hello`, answers it with `welcome` or
    /// `resumed`, and returns who the client is (and, for an organiser who
    /// joined on a session cookie, what resolves when it is logged out).
    /// The connection's command budget starts here, with its first frame,
    /// and goes on to the live loop with the rest.
    pub(super) async fn handshake<S>(
        &mut self,
        socket: &mut S,
    ) -> Result<(Actor, Joined, You, Bucket, Option<Revoked>), End>
    where
        S: Transport,
    {
        let deadline = Instant::now() + self.settings.handshake_timeout;
        let mut bucket = Bucket::new(self.settings.commands_per_sec, self.settings.command_burst);
        loop {
            let msg = tokio::select! {
                m = timeout_at(deadline, socket.next()) => m,
                _ = self.shutdown.changed() => return Err(End::Close(close_code::AWAY, "server shutting down")),
            };
            let text = match msg {
                None => return Err(End::Close(close_code::POLICY, "no hello in time")),
                Some(None) => return Err(End::Gone),
                Some(Some(m)) => match self.classify(m)? {
                    Some(text) => text,
                    None => continue,
                },
            };
            match protocol::parse(&text, &self.limits) {
                // A valid hello is never refused for the junk before it: the
                // client that sent junk can still join.
                Ok(Incoming::Hello(hello)) => match self.greet(hello).await {
                    Ok((actor, joined, you, revoked)) => {
                        return Ok((actor, joined, you, bucket, revoked));
                    }
                    Err(Some(refusal)) => {
                        self.refuse_within(socket, &mut bucket, None, refusal)
                            .await?
                    }
                    Err(None) => {
                        let text = Outgoing::Error {
                            code: ErrorCode::BadProtocol,
                            message: "this server speaks protocol 1",
                        }
                        .to_text();
                        self.send(socket, text).await?;
                        return Err(End::Close(close_code::PROTOCOL, "protocol version"));
                    }
                },
                Ok(Incoming::Command { .. }) | Err(Refusal::Reject { .. }) => {
                    let refusal = Refusal::Error {
                        code: ErrorCode::NoHello,
                        message: "send {\"op\":\"hello\",\"protocol\":1} first".into(),
                    };
                    self.refuse_within(socket, &mut bucket, None, refusal)
                        .await?;
                }
                Err(refusal) => {
                    self.refuse_within(socket, &mut bucket, None, refusal)
                        .await?
                }
            }
        }
    }

    /// Turns a received message into text to parse, `None` for control
    /// frames, or the end of the connection.
    pub(super) fn classify(&self, msg: Result<Message, WsError>) -> Result<Option<Utf8Bytes>, End> {
        match msg {
            Ok(Message::Text(text)) if text.len() > self.settings.max_frame_bytes => {
                Err(End::Close(close_code::SIZE, "frame too large"))
            }
            Ok(Message::Text(text)) => Ok(Some(text)),
            Ok(Message::Binary(_)) => Err(End::Close(close_code::UNSUPPORTED, "text frames only")),
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => Ok(None),
            Ok(Message::Close(_)) => Err(End::Gone),
            Err(WsError::Capacity(_)) => Err(End::Close(close_code::SIZE, "frame too large")),
            Err(_) => Err(End::Gone),
        }
    }

    /// Checks a `hello` and joins the event. `Err(None)` means a protocol
    /// version this server does not speak.
    async fn greet(&mut self, hello: Hello) -> Result<Greeted, Option<Refusal>> {
        if hello.protocol.is_some_and(|p| p != protocol::PROTOCOL) {
            return Err(None);
        }
        let wanted = match hello.role.as_deref() {
            None | Some("participant") => Role::Participant,
            Some("organiser") => Role::Organiser,
            Some("viewer") => Role::Viewer,
            Some(other) => {
                return Err(Some(Refusal::Error {
                    code: ErrorCode::BadJson,
                    message: format!(
                        "unknown role {other:?}: use \"participant\", \"organiser\" or \"viewer\""
                    ),
                }));
            }
        };
        let config = self.event.config.clone();
        let now = self.event.now();
        // A session cookie that the server still admits; the socket closes
        // when it is logged out.
        let session = match (wanted, self.organiser_session.as_deref()) {
            (Role::Organiser, Some(s)) => self.organisers.session(&config, s, now),
            _ => None,
        };
        let logged_in = session.is_some();
        let revoked = session.and_then(|claims| self.organisers.revoked(&config.slug, claims));
        // The one rule of `limits` for the client's address (none in unit
        // tests, which count as one address).
        let client =
            (self.admission.as_ref()).map_or(std::net::Ipv4Addr::UNSPECIFIED.into(), |g| g.ip());
        let organiser = match &hello.organiser {
            _ if logged_in => true,
            // The secret is checked under the failure budget it shares with
            // the login form, per address and event.
            Some(secret) => match self
                .organisers
                .try_secret(&config, client, secret, now)
                .await
            {
                SecretCheck::Right => true,
                SecretCheck::Wrong => {
                    return Err(Some(forbidden("the organiser secret is not right")));
                }
                SecretCheck::Wait { retry_after_secs } => {
                    return Err(Some(forbidden(&format!(
                        "too many wrong organiser secrets from this address: not checked; retry in {retry_after_secs} s"
                    ))));
                }
            },
            None if wanted == Role::Organiser => {
                return Err(Some(forbidden(
                    "an organiser proves the organiser secret in \"organiser\", or logs in on the admin page first",
                )));
            }
            None => false,
        };
        let role = match wanted {
            Role::Viewer => Role::Viewer,
            _ if organiser => Role::Organiser,
            _ => Role::Participant,
        };
        let (token, issued) = match (&hello.token, &self.cookie_token) {
            (Some(t), _) if auth::valid_token(t) => (t.clone(), false),
            (Some(_), _) => {
                return Err(Some(Refusal::Error {
                    code: ErrorCode::BadJson,
                    message: "\"token\" must be a token this server issued (22 to 128 letters, digits, - or _); send null to get one".into(),
                }));
            }
            (None, Some(t)) if auth::valid_token(t) => (t.clone(), false),
            (None, _) => (auth::new_token(), true),
        };
        let actor = Actor {
            id: ParticipantId(auth::public_id(&token)),
            role,
        };
        let joined = self
            .event
            .join(hello.since, actor.id.clone())
            .await
            .map_err(|_| {
                Some(Refusal::Error {
                    code: ErrorCode::Forbidden,
                    message: "this event's board is shutting down".into(),
                })
            })?;
        let votes = votes_in(&joined, &actor.id);
        let span = tracing::Span::current();
        span.record("id", actor.id.0.as_str());
        span.record("role", tracing::field::debug(role));
        tracing::debug!(resumed = matches!(joined, Joined::Resumed { .. }), "joined");
        let you = You {
            id: actor.id.0.clone(),
            role,
            token: issued.then_some(token),
            votes,
        };
        Ok((actor, joined, you, revoked))
    }

    /// Sends the state the client joined with and returns its receiver.
    pub(super) async fn catch_up<S>(
        &self,
        socket: &mut S,
        joined: Joined,
        you: &You,
    ) -> Result<broadcast::Receiver<Frame>, End>
    where
        S: Transport,
    {
        match joined {
            Joined::Welcome { snapshot, rx } => {
                self.send(socket, protocol::welcome_text(&snapshot.json, you))
                    .await?;
                Ok(rx)
            }
            Joined::Resumed {
                since,
                rev,
                missed,
                rx,
                ..
            } => {
                let text = Outgoing::Resumed { since, rev, you }.to_text();
                self.send(socket, text).await?;
                // Encoded once, when the hub made them.
                let missed: Vec<Bytes> = missed.into_iter().map(|f| f.wire).collect();
                self.send_all(socket, missed).await?;
                Ok(rx)
            }
        }
    }
}

/// Who joined, how, what they see of themselves, and for a session cookie
/// what resolves when it is logged out.
type Greeted = (Actor, Joined, You, Option<Revoked>);

/// The sessions `who` wants to attend, as of the state they joined at.
pub(super) fn votes_in(joined: &Joined, who: &ParticipantId) -> Vec<crate::board::SessionId> {
    match joined {
        Joined::Welcome { snapshot, .. } => snapshot.board.votes_of(who).cloned().collect(),
        Joined::Resumed { votes, .. } => votes.clone(),
    }
}

fn forbidden(message: &str) -> Refusal {
    Refusal::Error {
        code: ErrorCode::Forbidden,
        message: message.into(),
    }
}

async fn timeout_at<F: std::future::Future>(deadline: Instant, f: F) -> Option<F::Output> {
    tokio::time::timeout_at(deadline, f).await.ok()
}
