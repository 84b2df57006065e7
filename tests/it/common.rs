//! The test harness: a real server on port 0 with its own data folder, and a
//! typed WebSocket client, so that tests read like a BarCamp.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use slotboard::config::{Config, Overrides};
use slotboard::server::Server;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The organiser secret of every test event.
pub const ORGANISER: &str = "test-organiser-secret";

/// How long a test waits for something that must happen. Generous: machines
/// are shared and noisy; a passing test never waits this long.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A small BarCamp: one day, three slots, four rooms; `extra_server` lines
/// go into `[server]`. Its day is far in the future on purpose: an event whose
/// last slot is over refuses every command (`ended`), and these tests are not
/// about time. 2037-12-05 is a Saturday, like the demo's first day.
pub fn config_text(data_dir: &Path, extra_server: &str) -> String {
    let hash = slotboard::auth::hash_secret(ORGANISER);
    format!(
        r#"
[server]
bind = "127.0.0.1:0"
public_url = "http://barcamp.test"
data_dir = "{data}"
{extra_server}

[[events]]
slug = "camp"
title = "Test Camp"
timezone = "Europe/Paris"
organiser_token_hash = "{hash}"

[[events.rooms]]
id = "amphi"
name = "Amphi"
capacity = 100

[[events.rooms]]
id = "ouessant"
name = "Ouessant"
capacity = 30

[[events.rooms]]
id = "brehat"
name = "Bréhat"
capacity = 20

[[events.rooms]]
id = "sein"
name = "Sein"
capacity = 10

[[events.days]]
date = "2037-12-05"
slots = [
  {{ id = "sat-0930", start = "09:30", end = "10:15" }},
  {{ id = "sat-1030", start = "10:30", end = "11:15" }},
  {{ id = "sat-1130", start = "11:30", end = "12:15" }},
]
"#,
        data = data_dir.display().to_string().replace('\\', "/"),
    )
}

/// The real server, in this test's runtime, on a free port.
pub struct TestServer {
    pub addr: std::net::SocketAddr,
    server: Option<Server>,
    pub data: tempfile::TempDir,
    extra: String,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with("").await
    }

    /// With extra `[server]` settings, e.g. `"broadcast_buffer = 4"`.
    pub async fn start_with(extra_server: &str) -> TestServer {
        let data = tempfile::tempdir().expect("temp dir");
        let mut t = TestServer {
            addr: "127.0.0.1:0".parse().unwrap(),
            server: None,
            data,
            extra: extra_server.to_owned(),
        };
        t.boot().await;
        t
    }

    pub fn config(&self) -> Config {
        let text = config_text(self.data.path(), &self.extra);
        Config::from_toml_str(&text, "test.toml", &Overrides::default()).expect("test config")
    }

    async fn boot(&mut self) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Server::start(self.config(), listener)
            .await
            .expect("server starts");
        self.addr = server.addr();
        self.server = Some(server);
    }

    /// A clean shutdown, then a new server on the same data folder.
    pub async fn restart(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.expect("clean shutdown");
        }
        self.boot().await;
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/e/camp/ws", self.addr)
    }

    pub fn event_dir(&self) -> PathBuf {
        self.data.path().join("events").join("camp")
    }

    /// A new participant with a fresh token, past `welcome`.
    pub async fn participant(&self) -> Client {
        Client::join(&self.ws_url(), json!({"op":"hello","protocol":1})).await
    }

    /// Another connection of the same participant.
    pub async fn same_person(&self, c: &Client) -> Client {
        Client::join(
            &self.ws_url(),
            json!({"op":"hello","protocol":1,"token":c.token}),
        )
        .await
    }

    pub async fn organiser(&self) -> Client {
        Client::join(
            &self.ws_url(),
            json!({"op":"hello","protocol":1,"organiser":ORGANISER}),
        )
        .await
    }

    pub async fn viewer(&self) -> Client {
        Client::join(
            &self.ws_url(),
            json!({"op":"hello","protocol":1,"role":"viewer"}),
        )
        .await
    }

    /// A socket that has not said hello yet.
    pub async fn raw(&self) -> Client {
        Client::connect(&self.ws_url()).await
    }
}

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What a client received that was not what it was waiting for yet.
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

impl Client {
    pub async fn connect(url: &str) -> Client {
        let (ws, _) = tokio_tungstenite::connect_async(url.into_client_request().unwrap())
            .await
            .expect("websocket upgrade");
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

    /// Connects, says `hello` and waits for `welcome` (or `resumed`).
    pub async fn join(url: &str, hello: Value) -> Client {
        let mut c = Client::connect(url).await;
        let token = hello["token"].as_str().map(str::to_owned);
        c.send(hello).await;
        let first = c.next_other().await;
        assert!(
            first["type"] == "welcome" || first["type"] == "resumed",
            "expected welcome, got {first}"
        );
        c.id = first["you"]["id"].as_str().unwrap().to_owned();
        c.token = first["you"]["token"]
            .as_str()
            .map(str::to_owned)
            .or(token)
            .unwrap_or_default();
        c.welcome = first;
        c
    }

    pub async fn send(&mut self, v: Value) {
        self.send_text(&v.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws
            .send(Message::text(text))
            .await
            .expect("send a frame");
    }

    /// Reads one frame, sorting it; returns false when the socket ended.
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
    pub async fn answer(&mut self, req: &str) -> Value {
        loop {
            if let Some(i) = self.answers.iter().position(|a| a["req"] == req) {
                return self.answers.remove(i).unwrap();
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

    /// Sends a command (adding a fresh `req`) and returns its answer.
    pub async fn command(&mut self, mut cmd: Value) -> Value {
        let req = self.next_req();
        cmd["req"] = json!(req);
        self.send(cmd).await;
        self.answer(&req).await
    }

    pub async fn claim(&mut self, slot: &str, room: &str, title: &str) -> Value {
        self.command(json!({"op":"claim","slot":slot,"room":room,"title":title,"host":"Maël"}))
            .await
    }

    /// Claims and insists it was acked; returns the new session's id (read
    /// from this client's own event of that rev).
    pub async fn claim_ok(&mut self, slot: &str, room: &str, title: &str) -> String {
        let a = self.claim(slot, room, title).await;
        assert_eq!(a["type"], "ack", "claim of {slot}/{room} refused: {a}");
        let rev = a["rev"].as_u64().unwrap();
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
}

/// Asserts a reject with this code.
pub fn assert_reject(answer: &Value, code: &str) {
    assert_eq!(
        answer["type"], "reject",
        "expected a {code} reject, got {answer}"
    );
    assert_eq!(answer["code"], code, "{answer}");
    assert!(
        answer["message"].as_str().is_some_and(|m| !m.is_empty()),
        "a reject says why: {answer}"
    );
}

pub fn close_code(c: &Option<CloseFrame>) -> u16 {
    c.as_ref().map(|c| u16::from(c.code)).unwrap_or(0)
}

/// A bare upgrade request, for header tests.
pub fn ws_request(url: &str) -> tungstenite::handshake::client::Request {
    url.into_client_request().unwrap()
}

/// GET a page; returns the status and the body.
pub async fn http_get(camp: &TestServer, path: &str) -> (u16, String) {
    let r = reqwest::get(camp.http(path)).await.expect("GET");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

/// GET a JSON document that must be there.
pub async fn get_json(camp: &TestServer, path: &str) -> Value {
    let (status, body) = http_get(camp, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).expect("JSON body")
}

// ---------------------------------------------------------------------------
// Helpers for the frame, rule and HTTP tests.

impl Client {
    /// Connects with a hand-made upgrade request (extra headers); the error is
    /// the handshake's, e.g. `tungstenite::Error::Http` for a refused upgrade.
    pub async fn connect_request(
        req: tungstenite::handshake::client::Request,
    ) -> Result<Client, tungstenite::Error> {
        let (ws, _) = tokio_tungstenite::connect_async(req).await?;
        Ok(Client {
            ws,
            welcome: Value::Null,
            token: String::new(),
            id: String::new(),
            events: VecDeque::new(),
            answers: VecDeque::new(),
            others: VecDeque::new(),
            presence: None,
            seq: 0,
        })
    }

    /// Says `hello` on a connection that has not (yet) been greeted and waits
    /// for `welcome` or `resumed`, like [`Client::join`].
    pub async fn hello(&mut self, hello: Value) -> Value {
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

    /// Sends any WebSocket message (binary, ...).
    pub async fn send_message(&mut self, m: Message) {
        self.ws.send(m).await.expect("send a frame");
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

/// An HTTP client that does not follow redirects.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// The `welcome` of a fresh viewer: the board as a client sees it right now.
pub async fn fresh_welcome(camp: &TestServer) -> Value {
    camp.viewer().await.welcome
}

static REQ_SPACES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Client {
    /// Moves this client's `req`s to a space of their own. Connections of the
    /// same person (`same_person`, a reconnect with the token) otherwise
    /// number their `req`s like the first connection did, and the server
    /// rightly answers a reused `req` with its first answer.
    pub fn use_new_reqs(&mut self) {
        let space = REQ_SPACES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.seq = space * 1_000_000;
    }
}

// ---------------------------------------------------------------------------
// Helpers for the browser tests: a server that goes away and comes back on
// the same address, so that open pages find it again by themselves.

impl TestServer {
    /// Whether the server is running (false between [`TestServer::stop`] and
    /// [`TestServer::start_again`]).
    pub fn is_running(&self) -> bool {
        self.server.is_some()
    }

    /// A clean shutdown (sockets closed with 1001, snapshot written); the
    /// address stays reserved for [`TestServer::start_again`].
    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.expect("clean shutdown");
        }
    }

    /// A new server on the same data folder and the same address as before,
    /// retrying the bind for a bounded time (the old sockets may linger).
    pub async fn start_again(&mut self) {
        assert!(self.server.is_none(), "stop the server first");
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(e) if tokio::time::Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("cannot bind {} again: {e}", self.addr),
            }
        };
        let server = Server::start(self.config(), listener)
            .await
            .expect("server starts again");
        assert_eq!(server.addr(), self.addr);
        self.server = Some(server);
    }

    /// [`TestServer::restart`], but on the same port.
    pub async fn restart_same_port(&mut self) {
        self.stop().await;
        self.start_again().await;
    }
}
