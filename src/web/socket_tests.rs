//! One connection, driven through an in-memory socket on paused time: the
//! timers (handshake, ping, idle, write), lagging behind the broadcast, and
//! shutdown, each checked to the virtual second.
//!
//! The fake socket is two unbounded channels and a valve: while the valve is
//! shut, the socket's sink stays `Pending` (a peer whose TCP window is full).

use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::*;
use crate::board::{
    Actor, Cell, Command, Description, Host, ParticipantId, Role, RoomId, SlotId, Tags, Title,
};
use crate::config::{Config, Overrides};
use crate::hub::{Answer, HubOptions};
use crate::store::EventStore;
use crate::web::wire::{Message, WsError, close_code};
use bytes::Bytes;
use futures_util::{Sink, Stream};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::FrameHeader;

// ------------------------------------------------------------ fake socket --

#[derive(Default)]
struct ValveState {
    shut: bool,
    waiting: Option<Waker>,
}

/// Whether the fake peer accepts writes.
#[derive(Clone, Default)]
struct Valve(Arc<Mutex<ValveState>>);

impl Valve {
    fn shut(&self) {
        self.0.lock().unwrap().shut = true;
    }

    fn open(&self) {
        let mut s = self.0.lock().unwrap();
        s.shut = false;
        if let Some(w) = s.waiting.take() {
            w.wake();
        }
    }

    fn poll(&self, cx: &mut Context<'_>) -> Poll<Result<(), WsError>> {
        let mut s = self.0.lock().unwrap();
        if s.shut {
            s.waiting = Some(cx.waker().clone());
            Poll::Pending
        } else {
            Poll::Ready(Ok(()))
        }
    }
}

/// The server's end of the fake connection.
struct FakeSocket {
    from_client: mpsc::UnboundedReceiver<Message>,
    to_client: mpsc::UnboundedSender<Message>,
    valve: Valve,
}

impl Stream for FakeSocket {
    type Item = Result<Message, WsError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.from_client.poll_recv(cx).map(|m| m.map(Ok))
    }
}

impl Sink<Message> for FakeSocket {
    type Error = WsError;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.valve.poll(cx)
    }

    fn start_send(self: Pin<&mut Self>, item: Message) -> Result<(), Self::Error> {
        // The client may have stopped listening; that is not the server's
        // business.
        let _ = self.to_client.send(item);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.valve.poll(cx)
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }
}

impl Transport for FakeSocket {
    async fn write_frames(&mut self, frames: &[Bytes]) -> std::io::Result<()> {
        std::future::poll_fn(|cx| self.valve.poll(cx))
            .await
            .map_err(std::io::Error::other)?;
        for frame in frames {
            // Decode what the real socket would have put on the wire.
            let mut cursor = std::io::Cursor::new(&frame[..]);
            let (_, len) = FrameHeader::parse(&mut cursor).unwrap().unwrap();
            let payload = &frame[cursor.position() as usize..];
            assert_eq!(payload.len() as u64, len, "a whole frame");
            let text = std::str::from_utf8(payload).expect("text frames carry UTF-8");
            let _ = self.to_client.send(Message::Text(text.into()));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- helpers --

/// A small event: 10 rooms x 6 slots.
fn event_config() -> Arc<crate::config::EventConfig> {
    let mut toml = String::from(
        "[[events]]\nslug = \"camp\"\ntitle = \"Test Camp\"\ntimezone = \"Europe/Paris\"\n",
    );
    for r in 0..10 {
        toml.push_str(&format!(
            "\n[[events.rooms]]\nid = \"room-{r}\"\nname = \"Room {r}\"\ncapacity = 20\n"
        ));
    }
    toml.push_str("\n[[events.days]]\ndate = \"2037-12-05\"\nslots = [\n");
    for s in 0..6 {
        let h = 9 + s;
        toml.push_str(&format!(
            "  {{ id = \"slot-{s}\", start = \"{h:02}:00\", end = \"{h:02}:45\" }},\n"
        ));
    }
    toml.push_str("]\n");
    let overrides = Overrides {
        organiser_token: Some("x".repeat(16)),
        ..Default::default()
    };
    let config = Config::from_toml_str(&toml, "socket-test.toml", &overrides).unwrap();
    Arc::new(config.events[0].clone())
}

fn claim(i: usize) -> Command {
    let l = Limits::default();
    Command::Claim {
        cell: Cell {
            slot: SlotId(format!("slot-{}", i / 10)),
            room: RoomId(format!("room-{}", i % 10)),
        },
        title: Title::parse(&format!("Talk {i}"), &l).unwrap(),
        host: Host::parse("Maël", &l).unwrap(),
        description: Description::empty(),
        tags: Tags::default(),
    }
}

/// Long enough that a test that waits this long has failed; short enough
/// that on paused time it fails at once instead of hanging.
const NEVER: Duration = Duration::from_secs(24 * 3600);

/// The test's end of one connection, plus the event it is connected to.
struct Peer {
    to_server: mpsc::UnboundedSender<Message>,
    from_server: mpsc::UnboundedReceiver<Message>,
    valve: Valve,
    task: JoinHandle<()>,
    shutdown: watch::Sender<bool>,
    event: EventHandle,
    /// How many cells `someone_claims` has taken.
    cells_claimed: usize,
    _data: tempfile::TempDir,
}

impl Peer {
    fn start(settings: SocketSettings, options: HubOptions) -> Peer {
        let data = tempfile::tempdir().unwrap();
        let config = event_config();
        let (store, loaded) = EventStore::open(data.path(), config.grid()).unwrap();
        // The hub frames for the socket as the server has it do.
        let options = HubOptions {
            framing: crate::web::text_frame,
            ..options
        };
        let event = EventHandle::spawn(config, store, loaded, options);
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (to_server, from_client) = mpsc::unbounded_channel();
        let (to_client, from_server) = mpsc::unbounded_channel();
        let valve = Valve::default();
        let socket = FakeSocket {
            from_client,
            to_client,
            valve: valve.clone(),
        };
        let connection = Connection {
            event: event.clone(),
            settings: Arc::new(settings),
            limits: Limits::default(),
            cookie_token: None,
            organiser_session: None,
            organisers: Default::default(),
            admission: None,
            shutdown: shutdown_rx,
        };
        let task = tokio::spawn(connection.run(socket));
        Peer {
            to_server,
            from_server,
            valve,
            task,
            shutdown,
            event,
            cells_claimed: 0,
            _data: data,
        }
    }

    fn send(&self, v: Value) {
        self.to_server
            .send(Message::Text(v.to_string().into()))
            .expect("the connection reads");
    }

    fn hello(&self) {
        self.send(json!({"op":"hello","protocol":1}));
    }

    /// The next message from the server, presence frames skipped; `None`
    /// once the connection has ended and dropped its socket.
    async fn next(&mut self) -> Option<Message> {
        loop {
            let m = tokio::time::timeout(NEVER, self.from_server.recv())
                .await
                .expect("the server said something, or hung up, in time");
            if let Some(Message::Text(t)) = &m {
                if t.as_str().starts_with(r#"{"type":"presence""#) {
                    continue;
                }
            }
            return m;
        }
    }

    /// The next message that is not a ping.
    async fn next_no_ping(&mut self) -> Option<Message> {
        loop {
            match self.next().await {
                Some(Message::Ping(_)) => continue,
                m => return m,
            }
        }
    }

    async fn next_json(&mut self) -> Value {
        match self.next_no_ping().await {
            Some(Message::Text(t)) => serde_json::from_str(t.as_str()).unwrap(),
            other => panic!("expected a text frame, got {other:?}"),
        }
    }

    async fn welcome(&mut self) -> Value {
        let w = self.next_json().await;
        assert_eq!(w["type"], "welcome", "{w}");
        w
    }

    /// Expects a close frame with this code; returns its reason.
    async fn expect_close(&mut self, code: u16) -> String {
        match self.next_no_ping().await {
            Some(Message::Close(Some(f))) => {
                assert_eq!(
                    u16::from(f.code),
                    code,
                    "close code (reason {:?})",
                    f.reason
                );
                f.reason.as_str().to_owned()
            }
            other => panic!("expected a close with {code}, got {other:?}"),
        }
    }

    /// Waits for `run` to return and checks that nothing else was sent.
    async fn expect_ended(&mut self) {
        tokio::time::timeout(NEVER, &mut self.task)
            .await
            .expect("run() returns")
            .expect("run() does not panic");
        while let Some(m) = self.from_server.recv().await {
            assert!(
                matches!(&m, Message::Text(t) if t.as_str().contains("presence")),
                "nothing after the end, got {m:?}"
            );
        }
    }

    /// Someone else claims the next free cell; returns the new rev.
    async fn someone_claims(&mut self) -> u64 {
        let who = Actor {
            id: ParticipantId("p_someone".into()),
            role: Role::Participant,
        };
        let i = self.cells_claimed;
        self.cells_claimed += 1;
        match self.event.command(who, None, claim(i)).await {
            Answer::Ack { rev } => rev,
            other => panic!("claim {i} refused: {other:?}"),
        }
    }
}

fn settings() -> SocketSettings {
    SocketSettings::default()
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

// ------------------------------------------------------------------ tests --

#[tokio::test(start_paused = true)]
async fn the_fake_socket_carries_a_whole_conversation() {
    let mut p = Peer::start(settings(), HubOptions::default());
    p.hello();
    let w = p.welcome().await;
    assert_eq!(w["rev"], 0);
    assert!(w["you"]["token"].is_string(), "a newcomer gets a token");
    p.send(
        json!({"op":"claim","req":"c-1","slot":"slot-0","room":"room-0",
        "title":"Rust","host":"Maël"}),
    );
    let mut got = [p.next_json().await, p.next_json().await];
    got.sort_by_key(|v| v["type"].as_str().unwrap().to_owned());
    assert_eq!(got[0], json!({"type":"ack","req":"c-1","rev":1}));
    assert_eq!(got[1]["type"], "event");
    assert_eq!(got[1]["rev"], 1);
}

#[tokio::test(start_paused = true)]
async fn no_hello_within_the_handshake_timeout_closes_with_1008() {
    let mut p = Peer::start(settings(), HubOptions::default());
    let start = Instant::now();
    p.expect_close(close_code::POLICY).await;
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_secs(10) && waited < Duration::from_secs(11),
        "closed after {}s, the handshake timeout is 10s",
        secs(waited)
    );
    p.expect_ended().await;
}

#[tokio::test(start_paused = true)]
async fn junk_before_hello_does_not_extend_the_handshake() {
    let mut p = Peer::start(settings(), HubOptions::default());
    let start = Instant::now();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_secs(3)).await;
        p.send(json!({"op":"claim","req":"early"}));
        let e = p.next_json().await;
        assert_eq!(e["code"], "no_hello", "{e}");
    }
    p.expect_close(close_code::POLICY).await;
    let waited = start.elapsed();
    assert!(
        waited < Duration::from_secs(11),
        "the deadline counts from the upgrade: closed after {}s",
        secs(waited)
    );
}

#[tokio::test(start_paused = true)]
async fn a_silent_client_is_pinged_then_closed_with_1001() {
    let mut p = Peer::start(settings(), HubOptions::default());
    p.hello();
    p.welcome().await;
    let start = Instant::now();
    // The fake client never answers: pings at 20s and 40s, closed at 60s.
    for n in 1..=2u64 {
        match p.next().await {
            Some(Message::Ping(_)) => {}
            other => panic!("expected ping {n}, got {other:?}"),
        }
        let at = start.elapsed();
        assert!(
            at >= Duration::from_secs(20 * n) && at < Duration::from_secs(20 * n + 1),
            "ping {n} at {}s",
            secs(at)
        );
    }
    let reason = p.expect_close(close_code::AWAY).await;
    assert!(!reason.is_empty(), "the close says why");
    let at = start.elapsed();
    assert!(
        at >= Duration::from_secs(60) && at < Duration::from_secs(61),
        "idle close at {}s",
        secs(at)
    );
    p.expect_ended().await;
}

#[tokio::test(start_paused = true)]
async fn a_client_that_answers_pings_stays_and_is_dropped_60s_after_it_stops() {
    let mut p = Peer::start(settings(), HubOptions::default());
    p.hello();
    p.welcome().await;
    let mut last_heard = Instant::now();
    for _ in 0..5 {
        match p.next().await {
            Some(Message::Ping(_)) => {}
            other => panic!("expected a ping, got {other:?}"),
        }
        p.to_server.send(Message::Pong(Default::default())).unwrap();
        last_heard = Instant::now();
    }
    // 100 seconds in, still connected; now the client goes quiet.
    let reason = p.expect_close(close_code::AWAY).await;
    assert!(reason.contains("idle"), "{reason}");
    let quiet = last_heard.elapsed();
    assert!(
        quiet >= Duration::from_secs(60) && quiet <= Duration::from_secs(60 + 20),
        "dropped {}s after its last pong",
        secs(quiet)
    );
}

#[tokio::test(start_paused = true)]
async fn a_peer_that_never_accepts_a_write_is_dropped_after_the_write_timeout() {
    let mut p = Peer::start(settings(), HubOptions::default());
    p.valve.shut();
    let start = Instant::now();
    p.hello();
    tokio::time::timeout(NEVER, &mut p.task)
        .await
        .expect("run() returns")
        .unwrap();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(10) && took < Duration::from_secs(11),
        "dropped after {}s, the write timeout is 10s",
        secs(took)
    );
    assert!(p.from_server.recv().await.is_none(), "nothing got through");
}

#[tokio::test(start_paused = true)]
async fn a_peer_that_stops_accepting_writes_is_dropped_after_the_write_timeout() {
    let mut p = Peer::start(settings(), HubOptions::default());
    p.hello();
    p.welcome().await;
    p.valve.shut();
    let start = Instant::now();
    p.someone_claims().await;
    tokio::time::timeout(NEVER, &mut p.task)
        .await
        .expect("run() returns")
        .unwrap();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(10) && took < Duration::from_secs(11),
        "dropped after {}s, the write timeout is 10s",
        secs(took)
    );
    assert_eq!(p.event.metrics().write_stall_drops.get(), 1, "counted");
    // The board did not wait for it.
    assert_eq!(p.someone_claims().await, 2);
}

/// Shuts the valve, makes `n` changes, opens it again; returns the rev.
async fn fall_behind(p: &mut Peer, n: usize) -> u64 {
    p.valve.shut();
    let mut rev = 0;
    for _ in 0..n {
        rev = p.someone_claims().await;
    }
    p.valve.open();
    rev
}

/// Reads past the events that made it before the lag, checking they have
/// no gap, up to the fresh welcome; returns it.
async fn fresh_welcome(p: &mut Peer) -> Value {
    let mut last: Option<u64> = None;
    loop {
        let v = p.next_json().await;
        match v["type"].as_str() {
            Some("event") => {
                let rev = v["rev"].as_u64().unwrap();
                if let Some(l) = last {
                    assert_eq!(rev, l + 1, "no gap before the lag is noticed");
                }
                last = Some(rev);
            }
            Some("welcome") => return v,
            _ => panic!("expected events then a welcome, got {v}"),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_client_that_lags_gets_a_fresh_welcome_and_is_dropped_after_the_fourth_lag() {
    let options = HubOptions {
        broadcast_buffer: 4,
        ..HubOptions::default()
    };
    let mut p = Peer::start(settings(), options);
    p.hello();
    let first = p.welcome().await;
    let token = first["you"]["token"].as_str().unwrap().to_owned();

    for lag in 1..=3 {
        let rev = fall_behind(&mut p, 10).await;
        let w = fresh_welcome(&mut p).await;
        assert_eq!(w["rev"], rev, "lag {lag}: the fresh welcome is current");
        assert_eq!(w["sessions"].as_array().unwrap().len() as u64, rev);
        assert_eq!(w["you"]["id"], first["you"]["id"]);
        assert!(
            !w.to_string().contains(&token),
            "a later welcome does not repeat the token"
        );
        // And then the very next change, without a gap.
        let next = p.someone_claims().await;
        let e = p.next_json().await;
        assert_eq!(
            (e["type"].as_str(), e["rev"].as_u64()),
            (Some("event"), Some(next))
        );
    }
    fall_behind(&mut p, 10).await;
    let mut v = p.next_no_ping().await;
    // Events written before the fourth lag was noticed may come first.
    while let Some(Message::Text(t)) = &v {
        assert!(t.as_str().contains(r#""type":"event""#), "{t}");
        v = p.next_no_ping().await;
    }
    match v {
        Some(Message::Close(Some(f))) => {
            assert_eq!(u16::from(f.code), close_code::AGAIN, "{:?}", f.reason)
        }
        other => panic!("the fourth lag within 60s closes with 1013, got {other:?}"),
    }
    p.expect_ended().await;
}

#[tokio::test(start_paused = true)]
async fn lags_further_apart_than_a_minute_are_forgiven() {
    let options = HubOptions {
        broadcast_buffer: 4,
        ..HubOptions::default()
    };
    let relaxed = SocketSettings {
        idle_timeout: Duration::from_secs(24 * 3600),
        ..settings()
    };
    let mut p = Peer::start(relaxed, options);
    p.hello();
    p.welcome().await;
    for lag in 1..=5 {
        let rev = fall_behind(&mut p, 6).await;
        let w = fresh_welcome(&mut p).await;
        assert_eq!(w["rev"], rev, "lag {lag}");
        tokio::time::sleep(Duration::from_secs(61)).await;
    }
    assert!(
        !p.task.is_finished(),
        "still connected after 5 lags 61s apart"
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_closes_a_live_connection_with_1001() {
    let mut p = Peer::start(settings(), HubOptions::default());
    p.hello();
    p.welcome().await;
    p.shutdown.send(true).unwrap();
    let at = Instant::now();
    p.expect_close(close_code::AWAY).await;
    assert!(at.elapsed() < Duration::from_secs(1), "at once");
    p.expect_ended().await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_during_the_handshake_closes_with_1001() {
    let mut p = Peer::start(settings(), HubOptions::default());
    tokio::time::sleep(Duration::from_secs(2)).await;
    p.shutdown.send(true).unwrap();
    p.expect_close(close_code::AWAY).await;
    p.expect_ended().await;
}
