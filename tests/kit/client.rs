//! The typed WebSocket client of the tests: it says `hello`, sorts what the
//! server sends (events, answers, presence, the rest), numbers its `req`s and
//! gives back typed [`Answer`]s, so that a test reads as what a phone does.

use std::collections::VecDeque;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::kit::answer::Answer;
use crate::kit::cmd::Cmd;
use crate::kit::wait::PATIENCE;

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One connection, with what it received and has not consumed yet.
pub struct Client {
    pub ws: Ws,
    pub welcome: Value,
    pub token: String,
    pub id: String,
    events: VecDeque<Value>,
    answers: VecDeque<Value>,
    others: VecDeque<Value>,
    pub presence: Option<u64>,
    seq: u64,
}

static REQ_SPACES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Client {
    fn over(ws: Ws) -> Client {
        Client {
            ws,
            welcome: Value::Null,
            token: String::new(),
            id: String::new(),
            events: VecDeque::new(),
            answers: VecDeque::new(),
            others: VecDeque::new(),
            presence: None,
            seq: 0,
        }
    }

    pub async fn connect(url: &str) -> Client {
        let (ws, _) = tokio_tungstenite::connect_async(url.into_client_request().unwrap())
            .await
            .expect("websocket upgrade");
        Client::over(ws)
    }

    /// Connects with a hand-made upgrade request (extra headers); the error is
    /// the handshake's, e.g. `tungstenite::Error::Http` for a refused upgrade.
    pub async fn connect_request(
        req: tungstenite::handshake::client::Request,
    ) -> Result<Client, tungstenite::Error> {
        let (ws, _) = tokio_tungstenite::connect_async(req).await?;
        Ok(Client::over(ws))
    }

    /// Connects, says `hello` and waits for `welcome` (or `resumed`).
    pub async fn join(url: &str, hello: impl Into<Value>) -> Client {
        let mut c = Client::connect(url).await;
        c.hello(hello).await;
        c
    }

    /// Says `hello` on a connection that has not (yet) been greeted and waits
    /// for `welcome` or `resumed`, like [`Client::join`].
    pub async fn hello(&mut self, hello: impl Into<Value>) -> Value {
        let hello = hello.into();
        let token = hello["token"].as_str().map(str::to_owned);
        self.send(hello).await;
        let first = self.next_other().await;
        assert!(
            first["type"] == "welcome" || first["type"] == "resumed",
            "expected welcome, got {first}"
        );
        self.id = first["you"]["id"].as_str().unwrap().to_owned();
        self.token = first["you"]["token"]
            .as_str()
            .map(str::to_owned)
            .or(token)
            .unwrap_or_default();
        self.welcome = first.clone();
        first
    }

    pub async fn send(&mut self, v: impl Into<Value>) {
        self.send_text(&v.into().to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws
            .send(Message::text(text))
            .await
            .expect("send a frame");
    }

    /// Sends any WebSocket message (binary, ...).
    pub async fn send_message(&mut self, m: Message) {
        self.ws.send(m).await.expect("send a frame");
    }

    /// Reads one frame, sorting it; returns the message when it was not a
    /// text frame (a close, ...).
    async fn pump(&mut self) -> Option<Message> {
        let msg = tokio::time::timeout(PATIENCE, self.ws.next())
            .await
            .expect("the server answered in time");
        match msg {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).expect("server frames are JSON");
                match v["type"].as_str() {
                    Some("event") => self.events.push_back(v),
                    Some("ack" | "reject") => self.answers.push_back(v),
                    Some("presence") => self.presence = v["connected"].as_u64(),
                    _ => self.others.push_back(v),
                }
                None
            }
            Some(Ok(other)) => Some(other),
            Some(Err(e)) => panic!("socket error: {e}"),
            None => Some(Message::Close(None)),
        }
    }

    /// The next frame that is not an event, an answer or presence (welcome,
    /// resumed, error).
    pub async fn next_other(&mut self) -> Value {
        loop {
            if let Some(v) = self.others.pop_front() {
                return v;
            }
            if let Some(Message::Close(c)) = self.pump().await {
                panic!("connection closed while waiting: {c:?}");
            }
        }
    }

    /// The next `error` frame.
    pub async fn expect_error(&mut self) -> Value {
        let v = self.next_other().await;
        assert_eq!(v["type"], "error", "expected an error, got {v}");
        v
    }

    pub async fn expect_event(&mut self) -> Value {
        loop {
            if let Some(v) = self.events.pop_front() {
                return v;
            }
            if let Some(Message::Close(c)) = self.pump().await {
                panic!("connection closed while waiting for an event: {c:?}");
            }
        }
    }

    /// Waits for the event of a given rev, checking that none is skipped.
    pub async fn expect_event_rev(&mut self, rev: u64) -> Value {
        let e = self.expect_event().await;
        assert_eq!(e["rev"], rev, "events come in rev order without gaps: {e}");
        e
    }

    /// The answer (ack or reject) to `req`.
    pub async fn answer(&mut self, req: &str) -> Answer {
        loop {
            if let Some(i) = self.answers.iter().position(|a| a["req"] == req) {
                return Answer::parse(self.answers.remove(i).unwrap());
            }
            if let Some(Message::Close(c)) = self.pump().await {
                panic!("connection closed while waiting for the answer to {req}: {c:?}");
            }
        }
    }

    pub fn next_req(&mut self) -> String {
        self.seq += 1;
        format!("r-{}-{}", &self.id.get(2..8).unwrap_or("x"), self.seq)
    }

    /// Moves this client's `req`s to a space of their own. Connections of the
    /// same person (`same_person`, a reconnect with the token) otherwise
    /// number their `req`s like the first connection did, and the server
    /// rightly answers a reused `req` with its first answer.
    pub fn use_new_reqs(&mut self) {
        let space = REQ_SPACES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.seq = space * 1_000_000;
    }

    /// Sends a command (adding a fresh `req`) and returns its answer.
    pub async fn command(&mut self, cmd: impl Into<Value>) -> Answer {
        let mut cmd = cmd.into();
        let req = self.next_req();
        cmd["req"] = json!(req);
        self.send(cmd).await;
        self.answer(&req).await
    }

    /// A claim hosted by Maël.
    pub async fn claim(&mut self, slot: &str, room: &str, title: &str) -> Answer {
        self.command(Cmd::claim(slot, room, title, "Maël")).await
    }

    /// Claims and insists it was acked; returns the new session's id (read
    /// from this client's own event of that rev).
    pub async fn claim_ok(&mut self, slot: &str, room: &str, title: &str) -> String {
        let a = self.claim(slot, room, title).await;
        assert_eq!(a["type"], "ack", "claim of {slot}/{room} refused: {a}");
        let rev = a.expect_ack();
        loop {
            let e = self.expect_event().await;
            if e["rev"] == rev {
                return e["change"]["session"]["id"].as_str().unwrap().to_owned();
            }
        }
    }

    /// Waits for the connection to end: `Some(code)` when the server's close
    /// frame arrived, `None` when the socket was reset first (the server
    /// closed while this client was still sending a large frame, so the
    /// kernel answered the unread bytes with a reset).
    pub async fn expect_end(&mut self) -> Option<u16> {
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("the connection ended in time");
            match msg {
                Some(Ok(Message::Close(c))) => return Some(close_code(&c)),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return None,
            }
        }
    }

    /// Waits for the server to close the socket and returns the close frame.
    pub async fn expect_close(&mut self) -> Option<CloseFrame> {
        loop {
            match self.pump().await {
                Some(Message::Close(c)) => return c,
                Some(_) | None => continue,
            }
        }
    }

    /// Waits for a `presence` frame that says `n` clients are connected.
    pub async fn expect_presence(&mut self, n: u64) {
        while self.presence != Some(n) {
            if let Some(Message::Close(c)) = self.pump().await {
                panic!("connection closed while waiting for presence {n}: {c:?}");
            }
        }
    }

    /// Events received and not consumed yet.
    pub fn unread_events(&self) -> usize {
        self.events.len()
    }

    /// Closes the socket politely and waits for the server's side of it.
    pub async fn leave(mut self) {
        let _ = self.ws.close(None).await;
        while let Ok(Some(Ok(_))) = tokio::time::timeout(PATIENCE, self.ws.next()).await {}
    }
}

pub fn close_code(c: &Option<CloseFrame>) -> u16 {
    c.as_ref().map(|c| u16::from(c.code)).unwrap_or(0)
}

/// A bare upgrade request, for header tests.
pub fn ws_request(url: &str) -> tungstenite::handshake::client::Request {
    url.into_client_request().unwrap()
}
