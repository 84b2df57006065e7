//! The load generator behind docs/benchmarks.md.
//!
//! Opens N WebSocket clients on one event of a running server (slotboard, or
//! the `ceiling` example), then runs one scenario. Every change it makes is
//! stamped with its send time in the session title (`L<micros>-<seq>`, micros
//! since this process started), so each client measures one-way latency on
//! the shared clock of this machine. For every change it records when each
//! client got it, checks each client's `rev` for gaps and duplicates, and
//! reads the server's RSS and CPU from /proc.
//!
//! ```text
//! cargo run --release --example loadgen -- --url ws://127.0.0.1:8080/e/bench/ws \
//!     --pid $(pgrep -n slotboard) fanout --clients 10000 --changes 50
//! ```
//!
//! Scenarios: `idle` (memory per idle connection), `fanout` (one change at a
//! time to N), `sustained` (paced edits at rising rates), `rush` (500 claims
//! at once on a large board), `storm` (drop every client, resume with
//! `since`), `opening` (the opening rush as browsers make it: phones fetch
//! the page and its assets compressed, then open the socket until
//! `welcome`), `pages` (HTTP rates of the phone page and phone.js as br,
//! gzip and identity, on a board first filled through the protocol with 300
//! sessions and 1,000 votes: for a new reader, and for a returning one who
//! owns 3 sessions and voted for 10). Everything goes to the URL given (use
//! 127.0.0.1) and stops by itself. Run it with a raised `ulimit -n`
//! (scripts/bench.sh does).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

// The board `pages` fills first (its own file: a concern of its own).
#[path = "loadgen/fill.rs"]
mod fill;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

#[derive(Parser)]
#[command(about = "slotboard load generator (see docs/benchmarks.md)")]
struct Args {
    /// The event's WebSocket URL.
    #[arg(long, default_value = "ws://127.0.0.1:8080/e/bench/ws")]
    url: String,
    /// The server's pid, for RSS and CPU from /proc.
    #[arg(long)]
    pid: Option<u32>,
    /// Connections being opened at once.
    #[arg(long, default_value_t = 200)]
    connect_concurrency: usize,
    /// A label printed on every RESULT line (e.g. `slotboard`, `ceiling`).
    #[arg(long, default_value = "server")]
    label: String,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// Connect in steps and report the server's RSS per connection.
    Idle {
        /// Cumulative steps, e.g. 1000,5000,10000.
        #[arg(long, value_delimiter = ',', default_value = "1000,5000,10000")]
        steps: Vec<usize>,
    },
    /// One change at a time (one sender), each to every client.
    Fanout {
        #[arg(long, default_value_t = 10_000)]
        clients: usize,
        #[arg(long, default_value_t = 50)]
        changes: usize,
        /// Pause between two changes.
        #[arg(long, default_value_t = 200)]
        interval_ms: u64,
    },
    /// Paced edits from `senders` clients at each total rate in turn.
    Sustained {
        #[arg(long, default_value_t = 2_000)]
        clients: usize,
        #[arg(long, default_value_t = 20)]
        senders: usize,
        /// Changes per second (all senders together), one step each.
        #[arg(long, value_delimiter = ',', default_value = "50,100,200")]
        rates: Vec<u64>,
        #[arg(long, default_value_t = 10)]
        secs: u64,
        /// Misbehaving clients beside the measured ones, in three equal
        /// kinds: never read; read one byte a second (with a 4 KiB receive
        /// buffer); vanish in the middle of a frame (never read or write
        /// again). They are not among the measured `clients`.
        #[arg(long, default_value_t = 0)]
        bad: usize,
    },
    /// The opening rush: `claimers` of the clients claim different cells at once.
    Rush {
        #[arg(long, default_value_t = 1_000)]
        clients: usize,
        #[arg(long, default_value_t = 500)]
        claimers: usize,
        /// Rooms x slots of the board: claims go to cells 0..claimers.
        #[arg(long, default_value_t = 20)]
        rooms: usize,
    },
    /// The opening rush as browsers make it: `phones` phones, `at_once` at
    /// a time, each GETs the phone page and every asset it links with
    /// `Accept-Encoding: br, gzip`, then opens the socket until `welcome`.
    Opening {
        #[arg(long, default_value_t = 1_000)]
        phones: usize,
        #[arg(long, default_value_t = 100)]
        at_once: usize,
    },
    /// HTTP rates of the phone page and of phone.js, as br, gzip and
    /// identity, `concurrency` requests in flight for `secs` each. First
    /// fills the board (examples/loadgen/fill.rs); targets: `page` (a new
    /// reader per request, no cookie), `page_returning` (one participant's
    /// token cookie on every request), `phone_js`.
    Pages {
        #[arg(long, default_value_t = 50)]
        concurrency: usize,
        #[arg(long, default_value_t = 4)]
        secs: u64,
    },
    /// Drop every client at once, reconnect all with `since`.
    Storm {
        #[arg(long, default_value_t = 10_000)]
        clients: usize,
    },
}

// ------------------------------------------------------------------ clock --

static EPOCH: OnceLock<Instant> = OnceLock::new();

fn now_us() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64
}

// ----------------------------------------------------------------- shared --

/// Revisions tracked per change (arrival counts and last arrival).
const MAX_REVS: usize = 4_000_000;

struct Shared {
    url: String,
    /// Deliveries of stamped changes (all clients).
    deliveries: AtomicU64,
    gaps: AtomicU64,
    dups: AtomicU64,
    resyncs: AtomicU64,
    /// Every stamped delivery: (send time in ms, latency in us).
    samples: Mutex<Vec<(u32, u32)>>,
    /// Deliveries of changes without a stamp (votes, releases): (rev, arrival us),
    /// matched after the run with `sent_at`.
    unstamped: Mutex<Vec<(u32, u64)>>,
    /// Per rev: when the change was sent (us), from its sender's ack.
    sent_at: Vec<AtomicU64>,
    /// Per rev: the last arrival (us) and how many clients got it.
    last_arrival: Vec<AtomicU64>,
    arrivals: Vec<AtomicU32>,
    /// Per client: its current rev.
    rev: Vec<AtomicU64>,
    /// Acks: (send us, answered us); rejects by code.
    acks: Mutex<Vec<(u64, u64)>>,
    rejects: Mutex<Vec<String>>,
    /// Session ids of claims titled `C<k>`, found by client 0.
    sessions: Mutex<Vec<Option<String>>>,
    /// Per client: the sessions of its paced claims (`sustained`) that it
    /// has seen claimed and not released yet.
    own_claims: Vec<Mutex<VecDeque<String>>>,
    open: AtomicUsize,
}

impl Shared {
    fn new(url: &str, clients: usize) -> Arc<Shared> {
        Arc::new(Shared {
            url: url.to_owned(),
            deliveries: AtomicU64::new(0),
            gaps: AtomicU64::new(0),
            dups: AtomicU64::new(0),
            resyncs: AtomicU64::new(0),
            samples: Mutex::new(Vec::new()),
            unstamped: Mutex::new(Vec::new()),
            sent_at: (0..MAX_REVS).map(|_| AtomicU64::new(0)).collect(),
            last_arrival: (0..MAX_REVS).map(|_| AtomicU64::new(0)).collect(),
            arrivals: (0..MAX_REVS).map(|_| AtomicU32::new(0)).collect(),
            rev: (0..clients).map(|_| AtomicU64::new(0)).collect(),
            acks: Mutex::new(Vec::new()),
            rejects: Mutex::new(Vec::new()),
            sessions: Mutex::new(vec![None; clients]),
            own_claims: (0..clients).map(|_| Mutex::new(VecDeque::new())).collect(),
            open: AtomicUsize::new(0),
        })
    }
}

fn num_after(s: &str, key: &str) -> Option<u64> {
    let i = s.find(key)? + key.len();
    let d = &s[i..];
    let end = d.find(|c: char| !c.is_ascii_digit()).unwrap_or(d.len());
    d[..end].parse().ok()
}

fn str_after<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let i = s.find(key)? + key.len();
    let d = &s[i..];
    Some(&d[..d.find('"')?])
}

// ----------------------------------------------------------------- client --

struct Client {
    tx: mpsc::UnboundedSender<String>,
    task: JoinHandle<()>,
}

fn token(i: usize) -> String {
    format!("loadgen-client-{i:012}")
}

fn ws_config() -> WebSocketConfig {
    // Small: tungstenite zeroes the free part of its read buffer before each
    // read, and this generator shares the cores with the server it measures.
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
}

/// The TCP connection of client `i`. Against a loopback server each client
/// connects from its own address in 127.0.0.0/8: phones come from many
/// addresses, and tens of thousands of connections (and the last run's
/// TIME_WAITs) from one address make the kernel's search for a free port
/// the generator's biggest cost.
async fn tcp_connect(url: &str, i: usize) -> std::io::Result<TcpStream> {
    let authority = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    let addr: std::net::SocketAddr = match authority.parse() {
        Ok(a) => a,
        Err(_) => {
            let mut found = tokio::net::lookup_host(authority).await?;
            found
                .next()
                .ok_or_else(|| std::io::Error::other("no address"))?
        }
    };
    let stream = match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_loopback() => {
            let socket = tokio::net::TcpSocket::new_v4()?;
            let source =
                std::net::Ipv4Addr::new(127, 1 + (i / 250 % 250) as u8, (i % 250) as u8, 1);
            socket.bind((source, 0).into())?;
            socket.connect(addr).await?
        }
        _ => TcpStream::connect(addr).await?,
    };
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Connects client `i`, says hello, waits for `welcome` or `resumed`.
/// Returns the socket, the rev to continue from, and the connect time (us).
async fn connect(sh: &Shared, i: usize, since: Option<u64>) -> (Ws, u64, u64) {
    connect_as(&sh.url, i, since, &token(i)).await
}

/// [`connect`] to `url` as the participant holding `token` (from the
/// address of client `i`).
async fn connect_as(url: &str, i: usize, since: Option<u64>, token: &str) -> (Ws, u64, u64) {
    let t0 = now_us();
    let connected = match tcp_connect(url, i).await {
        Ok(tcp) => {
            tokio_tungstenite::client_async_with_config(
                url,
                MaybeTlsStream::Plain(tcp),
                Some(ws_config()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    let (mut ws, _) = match connected {
        Ok(x) => x,
        Err(e) => {
            let text = e.to_string();
            if text.contains("Too many open files") || text.contains("os error 24") {
                eprintln!(
                    "loadgen: out of file descriptors at client {i} ({text}); raise `ulimit -n` (scripts/bench.sh raises it to the hard limit)"
                );
                std::process::exit(2);
            }
            eprintln!("loadgen: client {i} could not connect: {text}");
            std::process::exit(3);
        }
    };
    let since = since.map_or("null".to_owned(), |s| s.to_string());
    let hello = format!(r#"{{"op":"hello","protocol":1,"since":{since},"token":"{token}"}}"#);
    if let Err(e) = ws.send(Message::text(hello)).await {
        eprintln!("loadgen: client {i} hello failed: {e}");
        std::process::exit(3);
    }
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                if t.starts_with(r#"{"type":"welcome""#) {
                    let rev = num_after(&t, r#""rev":"#).expect("welcome has rev");
                    return (ws, rev, now_us() - t0);
                }
                if t.starts_with(r#"{"type":"resumed""#) {
                    let since = num_after(&t, r#""since":"#).expect("resumed has since");
                    return (ws, since, now_us() - t0);
                }
                if t.starts_with(r#"{"type":"error""#) {
                    eprintln!("loadgen: client {i} refused: {t}");
                    std::process::exit(3);
                }
            }
            Some(Ok(Message::Close(c))) => {
                eprintln!("loadgen: client {i} closed during hello: {c:?}");
                std::process::exit(3);
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                eprintln!("loadgen: client {i} failed during hello: {e}");
                std::process::exit(3);
            }
            None => {
                eprintln!("loadgen: client {i} hung up during hello");
                std::process::exit(3);
            }
        }
    }
}

fn spawn_client(sh: Arc<Shared>, i: usize, ws: Ws, rev: u64) -> Client {
    let (tx, rx) = mpsc::unbounded_channel();
    sh.rev[i].store(rev, Ordering::Relaxed);
    let task = tokio::spawn(run_client(sh, i, ws, rev, rx));
    Client { tx, task }
}

async fn run_client(
    sh: Arc<Shared>,
    i: usize,
    ws: Ws,
    mut last: u64,
    mut rx: mpsc::UnboundedReceiver<String>,
) {
    sh.open.fetch_add(1, Ordering::Relaxed);
    let (mut sink, mut stream) = ws.split();
    let mut samples: Vec<(u32, u32)> = Vec::new();
    let mut unstamped: Vec<(u32, u64)> = Vec::new();
    let mut acks: Vec<(u64, u64)> = Vec::new();
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(text) => {
                    if sink.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            msg = stream.next() => {
                let t = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                let now = now_us();
                if t.starts_with(r#"{"type":"event""#) {
                    let Some(rev) = num_after(&t, r#""rev":"#) else { continue };
                    if rev <= last {
                        sh.dups.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    if rev != last + 1 {
                        sh.gaps.fetch_add(1, Ordering::Relaxed);
                    }
                    last = rev;
                    sh.rev[i].store(rev, Ordering::Relaxed);
                    if let Some(r) = usize::try_from(rev).ok().filter(|r| *r < MAX_REVS) {
                        sh.last_arrival[r].fetch_max(now, Ordering::Relaxed);
                        sh.arrivals[r].fetch_add(1, Ordering::Relaxed);
                    }
                    if let Some(sent) = num_after(&t, r#""title":"L"#) {
                        sh.deliveries.fetch_add(1, Ordering::Relaxed);
                        samples.push(((sent / 1000) as u32, now.saturating_sub(sent) as u32));
                    } else if t.contains(r#""kind":"voted""#) || t.contains(r#""kind":"released""#) {
                        unstamped.push((rev as u32, now));
                    }
                    if t.contains(r#""kind":"claimed""#)
                        && t.contains(&format!(r#"-c{i}","#))
                        && let Some(id) = str_after(&t, r#""session":{"id":""#)
                    {
                        sh.own_claims[i].lock().unwrap().push_back(id.to_owned());
                    }
                    if i == 0
                        && t.contains(r#""kind":"claimed""#)
                        && let (Some(id), Some(k)) = (
                            str_after(&t, r#""session":{"id":""#),
                            num_after(&t, r#""title":"C"#),
                        )
                        && let Some(slot) = sh.sessions.lock().unwrap().get_mut(k as usize)
                    {
                        *slot = Some(id.to_owned());
                    }
                } else if t.starts_with(r#"{"type":"ack""#) {
                    if let Some(sent) = num_after(&t, r#""req":"r"#) {
                        acks.push((sent, now));
                        if let Some(r) = num_after(&t, r#""rev":"#)
                            .and_then(|r| usize::try_from(r).ok())
                            .filter(|r| *r < MAX_REVS)
                        {
                            sh.sent_at[r].store(sent, Ordering::Relaxed);
                        }
                    }
                } else if t.starts_with(r#"{"type":"reject""#) {
                    sh.rejects.lock().unwrap().push(t.to_string());
                } else if t.starts_with(r#"{"type":"welcome""#) {
                    // A resync after lagging: the state replaces the events.
                    sh.resyncs.fetch_add(1, Ordering::Relaxed);
                    if let Some(rev) = num_after(&t, r#""rev":"#) {
                        last = rev;
                        sh.rev[i].store(rev, Ordering::Relaxed);
                    }
                }
            }
        }
    }
    sh.open.fetch_sub(1, Ordering::Relaxed);
    sh.samples.lock().unwrap().extend(samples);
    sh.unstamped.lock().unwrap().extend(unstamped);
    sh.acks.lock().unwrap().extend(acks);
}

/// Opens clients `range` with at most `concurrency` handshakes at once;
/// returns them and their connect times (us).
async fn open_many(
    sh: &Arc<Shared>,
    range: std::ops::Range<usize>,
    concurrency: usize,
    since: Option<&[u64]>,
) -> (Vec<Client>, Vec<u64>) {
    let sem = Arc::new(Semaphore::new(concurrency));
    let mut tasks = Vec::new();
    for i in range {
        let sh = sh.clone();
        let permit = sem.clone().acquire_owned().await.expect("open");
        let since = since.map(|s| s[i]);
        tasks.push(tokio::spawn(async move {
            let (ws, rev, took) = connect(&sh, i, since).await;
            drop(permit);
            (spawn_client(sh, i, ws, rev), took)
        }));
    }
    let mut clients = Vec::new();
    let mut times = Vec::new();
    for t in tasks {
        let (c, took) = t.await.expect("connect task");
        clients.push(c);
        times.push(took);
    }
    (clients, times)
}

// ---------------------------------------------------------------- figures --

fn pct(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k]
}

fn summary(name: &str, mut v: Vec<u64>) -> String {
    v.sort_unstable();
    format!(
        "{name}_p50_ms={:.1} {name}_p99_ms={:.1} {name}_max_ms={:.1} {name}_n={}",
        pct(&v, 0.5) as f64 / 1000.0,
        pct(&v, 0.99) as f64 / 1000.0,
        v.last().copied().unwrap_or(0) as f64 / 1000.0,
        v.len()
    )
}

/// (RSS in KiB, CPU ticks) of a process.
fn proc_stat(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at 3.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    (rss, ticks)
}

/// Clock ticks per second of /proc/*/stat (USER_HZ; 100 on Linux).
const TICKS: f64 = 100.0;

struct Meter {
    pid: Option<u32>,
    at: Instant,
    server: (u64, u64),
    me: (u64, u64),
}

impl Meter {
    fn start(pid: Option<u32>) -> Meter {
        Meter {
            pid,
            at: Instant::now(),
            server: pid.map_or((0, 0), proc_stat),
            me: proc_stat(std::process::id()),
        }
    }

    fn report(&self) -> String {
        let secs = self.at.elapsed().as_secs_f64();
        let me = proc_stat(std::process::id());
        let mut s = format!(
            "loadgen_cpu_pct={:.0}",
            (me.1 - self.me.1) as f64 / TICKS / secs * 100.0
        );
        if let Some(pid) = self.pid {
            let now = proc_stat(pid);
            s.push_str(&format!(
                " server_cpu_pct={:.0} server_rss_mib={:.1}",
                (now.1 - self.server.1) as f64 / TICKS / secs * 100.0,
                now.0 as f64 / 1024.0
            ));
        }
        s
    }
}

fn integrity(sh: &Shared) -> String {
    let rejects = sh.rejects.lock().unwrap();
    let mut s = format!(
        "gaps={} dups={} resyncs={} rejects={}",
        sh.gaps.load(Ordering::Relaxed),
        sh.dups.load(Ordering::Relaxed),
        sh.resyncs.load(Ordering::Relaxed),
        rejects.len()
    );
    if let Some(first) = rejects.first() {
        s.push_str(&format!(" first_reject={first}"));
    }
    s
}

/// Waits until `cond` holds, polling, or gives up after `limit`.
async fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if cond() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    cond()
}

/// Drops every client's socket at once (no close frame, as a wifi drop);
/// each task first hands its figures over.
async fn close_all(sh: &Shared, clients: Vec<Client>) {
    let tasks: Vec<JoinHandle<()>> = clients.into_iter().map(|c| c.task).collect();
    for t in tasks {
        let _ = t.await;
    }
    let _ = wait_for(Duration::from_secs(5), || {
        sh.open.load(Ordering::Relaxed) == 0
    })
    .await;
}

/// Claims cell k (its title `C<k>`) from each sender and waits until client 0
/// has seen every session id.
async fn claim_cells(sh: &Shared, clients: &[Client], senders: usize, rooms: usize) -> Vec<String> {
    for (k, c) in clients.iter().take(senders).enumerate() {
        let (slot, room) = cell(k, rooms);
        let _ = c.tx.send(format!(
            r#"{{"op":"claim","req":"c{k}","slot":"{slot}","room":"{room}","title":"C{k}","host":"loadgen"}}"#
        ));
    }
    let ok = wait_for(Duration::from_secs(30), || {
        sh.sessions.lock().unwrap()[..senders]
            .iter()
            .all(Option::is_some)
    })
    .await;
    if !ok {
        eprintln!(
            "loadgen: the setup claims were not all seen; rejects: {:?}",
            sh.rejects
                .lock()
                .unwrap()
                .iter()
                .take(3)
                .collect::<Vec<_>>()
        );
        std::process::exit(4);
    }
    sh.sessions.lock().unwrap()[..senders]
        .iter()
        .map(|s| s.clone().expect("checked"))
        .collect()
}

/// The slot and room of cell k in the bench config (scripts/bench.sh):
/// rooms `r00..`, slots `d<day>-s<nn>`, 12 slots a day.
fn cell(k: usize, rooms: usize) -> (String, String) {
    let slot = k / rooms;
    (
        format!("d{}-s{:02}", slot / 12, slot % 12),
        format!("r{:02}", k % rooms),
    )
}

fn edit(session: &str, seq: u64) -> String {
    let t = now_us();
    format!(r#"{{"op":"edit","req":"r{t}-{seq}","session":"{session}","title":"L{t}-{seq}"}}"#)
}

/// A paced claim by sender `k`, stamped like an edit and marked `-c<k>` so
/// that the sender can find its session and release it later.
fn paced_claim(k: usize, cell_index: usize, seq: u64) -> String {
    let t = now_us();
    let (slot, room) = cell(cell_index, 20);
    format!(
        r#"{{"op":"claim","req":"r{t}-{seq}","slot":"{slot}","room":"{room}","title":"L{t}-{seq}-c{k}","host":"loadgen"}}"#
    )
}

fn release(session: &str, seq: u64) -> String {
    let t = now_us();
    format!(r#"{{"op":"release","req":"r{t}-{seq}","session":"{session}"}}"#)
}

fn vote(session: &str, seq: u64, on: bool) -> String {
    let t = now_us();
    format!(r#"{{"op":"vote","req":"r{t}-{seq}","session":"{session}","on":{on}}}"#)
}

// -------------------------------------------------------------- scenarios --

async fn idle(args: &Args, steps: &[usize]) {
    let total = *steps.iter().max().unwrap_or(&0);
    let sh = Shared::new(&args.url, total);
    let base = args.pid.map(|p| proc_stat(p).0);
    let mut clients = Vec::new();
    let mut from = 0;
    for &n in steps {
        let (more, times) = open_many(&sh, from..n, args.connect_concurrency, None).await;
        clients.extend(more);
        from = n;
        // Let the server settle (welcome buffers freed, presence sent).
        tokio::time::sleep(Duration::from_secs(3)).await;
        let mut line = format!(
            "RESULT {} idle clients={n} {}",
            args.label,
            summary("connect", times)
        );
        if let (Some(pid), Some(base)) = (args.pid, base) {
            let rss = proc_stat(pid).0;
            line.push_str(&format!(
                " server_rss_mib={:.1} rss_per_conn_kib={:.2}",
                rss as f64 / 1024.0,
                (rss.saturating_sub(base)) as f64 / n as f64
            ));
        }
        println!("{line}");
    }
    close_all(&sh, clients).await;
}

async fn fanout(args: &Args, n: usize, changes: usize, interval: Duration) {
    let sh = Shared::new(&args.url, n);
    let (clients, times) = open_many(&sh, 0..n, args.connect_concurrency, None).await;
    println!(
        "RESULT {} fanout_connect clients={n} {}",
        args.label,
        summary("connect", times)
    );
    let session = claim_cells(&sh, &clients, 1, 20).await.remove(0);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let meter = Meter::start(args.pid);
    // Only this sender changes the board: change `seq` is rev base + 1 + seq.
    let base = sh.rev[0].load(Ordering::Relaxed);
    let mut revs_sent = Vec::new();
    for seq in 0..changes as u64 {
        let sent = now_us();
        let _ = clients[0].tx.send(edit(&session, seq));
        revs_sent.push((base + 1 + seq, sent));
        tokio::time::sleep(interval).await;
    }
    // Every client has the last change, or 10 s passed.
    let last = revs_sent.last().map_or(0, |r| r.0);
    let all = wait_for(Duration::from_secs(10), || {
        sh.rev.iter().all(|r| r.load(Ordering::Relaxed) >= last)
    })
    .await;
    let usage = meter.report();
    let mut complete = Vec::new();
    let mut short = 0;
    for (rev, sent) in &revs_sent {
        let r = *rev as usize;
        if sh.arrivals[r].load(Ordering::Relaxed) as usize != n {
            short += 1;
        }
        complete.push(
            sh.last_arrival[r]
                .load(Ordering::Relaxed)
                .saturating_sub(*sent),
        );
    }
    close_all(&sh, clients).await;
    let lat: Vec<u64> = sh
        .samples
        .lock()
        .unwrap()
        .iter()
        .map(|s| u64::from(s.1))
        .collect();
    println!(
        "RESULT {} fanout clients={n} changes={changes} all_delivered={all} short_changes={short} {} {} {} {usage}",
        args.label,
        summary("complete", complete),
        summary("delivery", lat),
        integrity(&sh),
    );
}

async fn sustained(args: &Args, n: usize, senders: usize, rates: &[u64], secs: u64, bad: usize) {
    let sh = Shared::new(&args.url, n);
    let (clients, _) = open_many(&sh, 0..n, args.connect_concurrency, None).await;
    let bad_clients = open_bad(&sh, n, bad).await;
    let sessions = claim_cells(&sh, &clients, senders, 20).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut windows = Vec::new();
    // Each sender's sequence goes on from one rate to the next, so its
    // votes keep alternating on and off.
    let mut next_seq = vec![0u64; sessions.len()];
    for &rate in rates {
        let meter = Meter::start(args.pid);
        let start = now_us();
        let per_sender = Duration::from_secs_f64(senders as f64 / rate as f64);
        let end = Instant::now() + Duration::from_secs(secs);
        let mut tasks = Vec::new();
        for (k, session) in sessions.iter().enumerate() {
            let tx = clients[k].tx.clone();
            let session = session.clone();
            // Each sender edits its session, votes for the next sender's on
            // and off in turn, and claims then releases cells of its own
            // (the 20 x 36 board less the senders' cells, dealt round).
            let other = sessions[(k + 1) % sessions.len()].clone();
            let first = next_seq[k];
            let sh = sh.clone();
            let pool = (20 * 36 - senders) / senders;
            tasks.push(tokio::spawn(async move {
                // Spread the senders over one period.
                tokio::time::sleep(per_sender.mul_f64(k as f64 / senders as f64)).await;
                let mut tick = tokio::time::interval(per_sender);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                let mut seq = first;
                while Instant::now() < end {
                    tick.tick().await;
                    let frame = match seq % 6 {
                        1 => vote(&other, seq, true),
                        4 => vote(&other, seq, false),
                        2 => {
                            let j = (seq / 6) as usize % pool;
                            paced_claim(k, senders + k + j * senders, seq)
                        }
                        5 => match sh.own_claims[k].lock().unwrap().pop_front() {
                            Some(id) => release(&id, seq),
                            // Its claim has not come back yet.
                            None => edit(&session, seq),
                        },
                        _ => edit(&session, seq),
                    };
                    let _ = tx.send(frame);
                    seq += 1;
                }
                seq
            }));
        }
        let mut sent = 0;
        for (k, t) in tasks.into_iter().enumerate() {
            let last = t.await.expect("sender");
            sent += last - next_seq[k];
            next_seq[k] = last;
        }
        let usage = meter.report();
        windows.push((rate, start, now_us(), sent, usage));
        // Drain before the next step.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    close_all(&sh, clients).await;
    if bad > 0 {
        // open_connections: those the server still holds, all of them bad
        // ones now that the measured clients are gone.
        println!(
            "RESULT {} bad_clients n={bad} {}",
            args.label,
            server_drops(&args.url).await
        );
    }
    drop(bad_clients);
    let mut samples = sh.samples.lock().unwrap().clone();
    // Votes and releases: their send time is known from their sender's ack,
    // by rev.
    let mut votes = 0;
    for &(rev, at) in sh.unstamped.lock().unwrap().iter() {
        let sent = sh.sent_at[rev as usize].load(Ordering::Relaxed);
        if sent > 0 {
            samples.push(((sent / 1000) as u32, at.saturating_sub(sent) as u32));
            votes += 1;
        }
    }
    let unmatched = sh.unstamped.lock().unwrap().len() - votes;
    println!(
        "RESULT {} sustained_unstamped vote_and_release_deliveries={votes} without_a_known_send_time={unmatched}",
        args.label
    );
    for (rate, start, end, sent, usage) in windows {
        let (s_ms, e_ms) = ((start / 1000) as u32, (end / 1000) as u32);
        let lat: Vec<u64> = samples
            .iter()
            .filter(|s| s.0 >= s_ms && s.0 < e_ms)
            .map(|s| u64::from(s.1))
            .collect();
        let secs = (end - start) as f64 / 1e6;
        println!(
            "RESULT {} sustained clients={n} bad={bad} senders={senders} rate={rate} mix=edit+vote+claim+release sent={sent} deliveries_per_s={:.0} expected_per_s={:.0} {} {} {usage}",
            args.label,
            lat.len() as f64 / secs,
            sent as f64 * n as f64 / secs,
            summary("delivery", lat),
            integrity(&sh),
        );
    }
}

/// The misbehaving clients of `sustained --bad`; they stay until dropped.
struct BadClients {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for BadClients {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// A WebSocket opened by hand on a raw socket, so it can misbehave below
/// the WebSocket layer: upgrade, then a `hello` (masked with a zero key,
/// which leaves the bytes as they are).
async fn raw_ws(sh: &Shared, i: usize, recv_buffer: Option<u32>) -> std::io::Result<TcpStream> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let authority = sh
        .url
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default();
    let path = sh.url.splitn(4, '/').nth(3).unwrap_or_default();
    let addr: std::net::SocketAddr = authority.parse().map_err(std::io::Error::other)?;
    let socket = tokio::net::TcpSocket::new_v4()?;
    if let Some(size) = recv_buffer {
        socket.set_recv_buffer_size(size)?;
    }
    let mut stream = socket.connect(addr).await?;
    let request = format!(
        "GET /{path} HTTP/1.1\r\nHost: {authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    // The response's head; no frame comes before the hello.
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut b = [0u8; 1];
        if stream.read(&mut b).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.push(b[0]);
    }
    let hello = format!(r#"{{"op":"hello","protocol":1,"token":"{}"}}"#, token(i));
    let mut frame = vec![0x81, 0x80 | hello.len() as u8, 0, 0, 0, 0];
    frame.extend_from_slice(hello.as_bytes());
    stream.write_all(&frame).await?;
    Ok(stream)
}

async fn open_bad(sh: &Arc<Shared>, first: usize, n: usize) -> BadClients {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tasks = Vec::new();
    for k in 0..n {
        let i = first + k;
        let task = match k % 3 {
            // Never reads: a phone in a pocket whose app froze.
            0 => {
                let (ws, _, _) = connect(sh, i, None).await;
                tokio::spawn(async move {
                    let _held = ws;
                    std::future::pending::<()>().await
                })
            }
            // Reads one byte a second through a small window.
            1 => {
                let mut stream = raw_ws(sh, i, Some(4096))
                    .await
                    .expect("bad client connects");
                tokio::spawn(async move {
                    let mut b = [0u8; 1];
                    while let Ok(1) = stream.read(&mut b).await {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                })
            }
            // Starts a frame and is never heard of again.
            _ => {
                let mut stream = raw_ws(sh, i, None).await.expect("bad client connects");
                stream
                    .write_all(&[0x81, 0xfe])
                    .await
                    .expect("half a header");
                tokio::spawn(async move {
                    let _held = stream;
                    std::future::pending::<()>().await
                })
            }
        };
        tasks.push(task);
    }
    BadClients { tasks }
}

/// What the server's /metrics says of connections it let go, if it has one.
async fn server_drops(ws_url: &str) -> String {
    let base = ws_url.replacen("ws://", "http://", 1);
    let base = base.split("/e/").next().unwrap_or_default();
    let Ok(r) = reqwest::get(format!("{base}/metrics")).await else {
        return "server_metrics=none".to_owned();
    };
    let text = r.text().await.unwrap_or_default();
    let sum = |name: &str| -> f64 {
        text.lines()
            .filter(|l| l.starts_with(name))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    format!(
        "write_stall_drops={} lag_resyncs={} lag_drops={} open_connections={}",
        sum("slotboard_write_stall_drops_total"),
        sum("slotboard_broadcast_lag_resyncs_total"),
        sum("slotboard_broadcast_lag_drops_total"),
        sum("slotboard_connections{"),
    )
}

async fn rush(args: &Args, n: usize, claimers: usize, rooms: usize) {
    let sh = Shared::new(&args.url, n);
    let (clients, times) = open_many(&sh, 0..n, args.connect_concurrency, None).await;
    println!(
        "RESULT {} rush_connect clients={n} {}",
        args.label,
        summary("connect", times)
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let base = sh.rev[0].load(Ordering::Relaxed);
    let meter = Meter::start(args.pid);
    // Build every frame first, then send them all in one go.
    let t = now_us();
    let frames: Vec<String> = (0..claimers)
        .map(|k| {
            let (slot, room) = cell(k, rooms);
            format!(
                r#"{{"op":"claim","req":"r{t}-{k}","slot":"{slot}","room":"{room}","title":"L{t}-{k}","host":"loadgen"}}"#
            )
        })
        .collect();
    for (k, f) in frames.into_iter().enumerate() {
        let _ = clients[k * n / claimers].tx.send(f);
    }
    let target = base + claimers as u64;
    let answered = || sh.acks.lock().unwrap().len() + sh.rejects.lock().unwrap().len();
    let _ = wait_for(Duration::from_secs(10), || {
        sh.rev.iter().all(|r| r.load(Ordering::Relaxed) >= target)
    })
    .await;
    let usage = meter.report();
    // Acks are collected when a client ends: close first.
    close_all(&sh, clients).await;
    let acks: Vec<u64> = sh.acks.lock().unwrap().iter().map(|(s, a)| a - s).collect();
    let same = (base + 1..=target)
        .map(|r| sh.last_arrival[r as usize].load(Ordering::Relaxed))
        .max()
        .unwrap_or(0)
        .saturating_sub(t);
    let all_got =
        (base + 1..=target).all(|r| sh.arrivals[r as usize].load(Ordering::Relaxed) as usize == n);
    println!(
        "RESULT {} rush clients={n} claimers={claimers} answered={} acked={} all_same_board={all_got} same_board_ms={:.1} {} {} {usage}",
        args.label,
        answered(),
        acks.len(),
        same as f64 / 1000.0,
        summary("ack", acks),
        integrity(&sh),
    );
}

async fn storm(args: &Args, n: usize) {
    let sh = Shared::new(&args.url, n);
    let (clients, times) = open_many(&sh, 0..n, args.connect_concurrency, None).await;
    println!(
        "RESULT {} storm_connect clients={n} {}",
        args.label,
        summary("connect", times)
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let since: Vec<u64> = sh.rev.iter().map(|r| r.load(Ordering::Relaxed)).collect();
    // Drop all at once.
    close_all(&sh, clients).await;
    let meter = Meter::start(args.pid);
    let t = Instant::now();
    let (clients, times) = open_many(&sh, 0..n, args.connect_concurrency, Some(&since)).await;
    let took = t.elapsed();
    let usage = meter.report();
    close_all(&sh, clients).await;
    println!(
        "RESULT {} storm clients={n} all_resumed_ms={:.0} {} {} {usage}",
        args.label,
        took.as_secs_f64() * 1000.0,
        summary("resume", times),
        integrity(&sh),
    );
}

// ----------------------------------------------------- pages, as browsers --

/// The phone page's URL, from the event's WebSocket URL.
fn page_url(ws_url: &str) -> String {
    let http = ws_url.replacen("ws://", "http://", 1);
    http.strip_suffix("/ws").unwrap_or(&http).to_owned()
}

/// The origin (`http://host:port`) of a URL.
fn origin(url: &str) -> &str {
    let rest = &url["http://".len()..];
    &url[..("http://".len() + rest.find('/').unwrap_or(rest.len()))]
}

/// Every `/assets/...` URL a page links (`href=` or `src=`), as written.
fn asset_links(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["href=\"/assets/", "src=\"/assets/"] {
        let mut rest = page;
        while let Some(at) = rest.find(key) {
            let from = at + key.len() - "/assets/".len();
            let end = rest[from..].find('"').map_or(rest.len(), |e| from + e);
            out.push(rest[from..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// GETs `url` with `Accept-Encoding` (none for `None`) and a `Cookie`
/// header if given; anything but 200 is an error.
async fn get_ok(
    client: &reqwest::Client,
    url: &str,
    accept: Option<&str>,
    cookie: Option<&str>,
) -> Result<reqwest::Response, String> {
    let mut r = client.get(url);
    if let Some(a) = accept {
        r = r.header("accept-encoding", a);
    }
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    let resp = r.send().await.map_err(|e| e.to_string())?;
    if resp.status() != reqwest::StatusCode::OK {
        return Err(format!("{url}: {}", resp.status()));
    }
    Ok(resp)
}

/// [`get_ok`], read whole: the body's length.
async fn get_body(
    client: &reqwest::Client,
    url: &str,
    accept: Option<&str>,
    cookie: Option<&str>,
) -> Result<usize, String> {
    let resp = get_ok(client, url, accept, cookie).await?;
    Ok(resp.bytes().await.map_err(|e| e.to_string())?.len())
}

/// One phone: the page, its assets (compressed), the socket until `welcome`.
/// Its time (us) and the bytes it read over HTTP.
async fn one_phone(sh: Arc<Shared>, i: usize, page: String) -> Result<(u64, usize), String> {
    let t0 = now_us();
    // A fresh client per phone: its own connection, as a phone has.
    let client = reqwest::Client::new();
    let html = client
        .get(&page)
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let compressed = html.headers().get("content-encoding").cloned();
    let body = html.bytes().await.map_err(|e| e.to_string())?;
    // The page comes compressed: decode it, as a browser does, to find the
    // assets it links.
    let text = decode(compressed.as_ref().and_then(|v| v.to_str().ok()), &body)?;
    let mut bytes = body.len();
    let base = origin(&page).to_owned();
    for link in asset_links(&text) {
        bytes += get_body(&client, &format!("{base}{link}"), Some("br, gzip"), None).await?;
    }
    let (ws, _, _) = connect(&sh, i, None).await;
    drop(ws);
    Ok((now_us() - t0, bytes))
}

/// The text of a body in `coding` (br, gzip or none).
fn decode(coding: Option<&str>, body: &[u8]) -> Result<String, String> {
    use std::io::Read as _;
    let mut out = Vec::new();
    match coding {
        Some("br") => {
            brotli::BrotliDecompress(&mut &body[..], &mut out).map_err(|e| e.to_string())?
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .map_err(|e| e.to_string())?;
        }
        _ => out = body.to_vec(),
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

async fn opening(args: &Args, phones: usize, at_once: usize) {
    let sh = Shared::new(&args.url, phones);
    let page = page_url(&args.url);
    let meter = Meter::start(args.pid);
    let gate = Arc::new(Semaphore::new(at_once));
    let t0 = Instant::now();
    let mut tasks = Vec::with_capacity(phones);
    for i in 0..phones {
        let (sh, page, gate) = (sh.clone(), page.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.expect("semaphore");
            one_phone(sh, i, page).await
        }));
    }
    let (mut times, mut bytes, mut failed) = (Vec::new(), 0usize, 0usize);
    for t in tasks {
        match t.await {
            Ok(Ok((us, b))) => {
                times.push(us);
                bytes += b;
            }
            Ok(Err(e)) => {
                failed += 1;
                if failed <= 3 {
                    eprintln!("loadgen: a phone failed: {e}");
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("loadgen: a phone panicked: {e}");
            }
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let server_cpu_s = args.pid.map_or(0.0, |pid| {
        (proc_stat(pid).1 - meter.server.1) as f64 / TICKS
    });
    println!(
        "RESULT {} opening phones={phones} at_once={at_once} welcomed={} failed={failed} all_welcomed={} wall_s={wall:.2} http_kib_per_phone={:.1} server_cpu_s={server_cpu_s:.2} {} {}",
        args.label,
        times.len(),
        times.len() == phones,
        bytes as f64 / 1024.0 / phones.max(1) as f64,
        summary("phone", times),
        meter.report(),
    );
}

/// The participant cookie (`slotboard_token=...`) a response sets, if any.
fn token_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|kv| kv.starts_with("slotboard_token="))
        .map(str::to_owned)
}

/// One request of a `pages` target, read whole and checked: status 200,
/// the coding asked for (`identity`: none), a body that decodes, and, when
/// `probes` is not empty, a decoded page that shows one of them (the
/// filled board's titles). So a broken compressed body cannot be counted.
/// The decoded body.
async fn check_target(
    client: &reqwest::Client,
    url: &str,
    coding: &str,
    accept: Option<&str>,
    cookie: Option<&str>,
    probes: &[String],
) -> Result<String, String> {
    let resp = get_ok(client, url, accept, cookie).await?;
    let got = resp
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let expected = (coding != "identity").then_some(coding);
    if got.as_deref() != expected {
        return Err(format!("{url}: asked for {coding}, got {got:?}"));
    }
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    let text = decode(got.as_deref(), &body).map_err(|e| format!("{url} ({coding}): {e}"))?;
    if text.is_empty() {
        return Err(format!("{url} ({coding}): an empty body"));
    }
    if !probes.is_empty() && !probes.iter().any(|p| text.contains(p.as_str())) {
        return Err(format!(
            "{url} ({coding}): the page shows none of the claimed titles"
        ));
    }
    Ok(text)
}

async fn pages(args: &Args, concurrency: usize, secs: u64) {
    let page = page_url(&args.url);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("HTTP client");
    // The returning reader's first visit: no cookie, and the page gives it
    // its participant token, which it keeps.
    let first = client.get(&page).send().await.expect("the phone page");
    let Some(cookie) = token_cookie(&first) else {
        eprintln!("loadgen: the phone page set no slotboard_token cookie");
        std::process::exit(4);
    };
    let text = first.text().await.expect("its body");
    let js = asset_links(&text)
        .into_iter()
        .find(|l| l.starts_with("/assets/phone.js"))
        .expect("the page links phone.js");
    // A board as at mid-morning, the returning reader among its
    // participants (its sockets say hello with the cookie's token).
    let token = cookie["slotboard_token=".len()..].to_owned();
    let filled = fill::fill(&args.url, &token).await;
    println!(
        "RESULT {} pages_board cells=720 sessions={} participants={} votes={} returning_owns={} returning_votes={} fill_s={:.1}",
        args.label,
        filled.sessions.len(),
        fill::PARTICIPANTS,
        filled.votes,
        fill::owned_by(0).len(),
        fill::votes_of(0).len(),
        filled.took.as_secs_f64(),
    );
    let probes = fill::probes();
    let own = fill::own_probes();
    let mut new_reader_own = 0;
    let base = origin(&page).to_owned();
    let targets = [
        ("page", page.clone(), None, probes.clone()),
        ("page_returning", page.clone(), Some(cookie), probes),
        ("phone_js", format!("{base}{js}"), None, Vec::new()),
    ];
    for (what, url, cookie, probes) in &targets {
        for (coding, accept) in [
            ("br", Some("br, gzip")),
            ("gzip", Some("gzip")),
            ("identity", None),
        ] {
            let cookie = cookie.as_deref();
            let text = match check_target(&client, url, coding, accept, cookie, probes).await {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("loadgen: {what}: {e}");
                    std::process::exit(5);
                }
            };
            // The returning reader's page is theirs: their sessions show
            // more often than on a new reader's page (the grid, and also
            // their own list), or the cookie was not read.
            let shown = own.iter().map(|t| text.matches(t.as_str()).count()).sum();
            match *what {
                "page" => new_reader_own = new_reader_own.max(shown),
                "page_returning" if shown <= new_reader_own => {
                    eprintln!(
                        "loadgen: page_returning ({coding}): the reader's own sessions show {shown} times, as on a new reader's page ({new_reader_own}): the cookie's identity was not used"
                    );
                    std::process::exit(5);
                }
                _ => {}
            }
            let meter = Meter::start(args.pid);
            let done = Arc::new(AtomicU64::new(0));
            let body = Arc::new(AtomicU64::new(0));
            let failed = Arc::new(Mutex::new(Vec::new()));
            let end = Instant::now() + Duration::from_secs(secs);
            let mut workers = Vec::new();
            for _ in 0..concurrency {
                let (client, url, done, body, failed) = (
                    client.clone(),
                    url.clone(),
                    done.clone(),
                    body.clone(),
                    failed.clone(),
                );
                let cookie = cookie.map(str::to_owned);
                workers.push(tokio::spawn(async move {
                    while Instant::now() < end {
                        match get_body(&client, &url, accept, cookie.as_deref()).await {
                            Ok(n) => {
                                done.fetch_add(1, Ordering::Relaxed);
                                body.fetch_add(n as u64, Ordering::Relaxed);
                            }
                            Err(e) => {
                                failed.lock().unwrap().push(e);
                                return;
                            }
                        }
                    }
                }));
            }
            for w in workers {
                let _ = w.await;
            }
            let n = done.load(Ordering::Relaxed);
            let took = meter.at.elapsed().as_secs_f64();
            // A rate with failed requests in it is not a rate of pages.
            if let Some(e) = failed.lock().unwrap().first() {
                eprintln!("loadgen: {what} {coding}: a request failed: {e}");
                std::process::exit(5);
            }
            println!(
                "RESULT {} pages target={what} coding={coding} concurrency={concurrency} req_per_s={:.0} body_bytes={} {}",
                args.label,
                n as f64 / took,
                body.load(Ordering::Relaxed) / n.max(1),
                meter.report(),
            );
        }
    }
}

fn main() {
    let args = Args::parse();
    let _ = now_us();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        match &args.scenario {
            Scenario::Idle { steps } => idle(&args, steps).await,
            Scenario::Fanout {
                clients,
                changes,
                interval_ms,
            } => {
                fanout(
                    &args,
                    *clients,
                    *changes,
                    Duration::from_millis(*interval_ms),
                )
                .await
            }
            Scenario::Sustained {
                clients,
                senders,
                rates,
                secs,
                bad,
            } => sustained(&args, *clients, *senders, rates, *secs, *bad).await,
            Scenario::Rush {
                clients,
                claimers,
                rooms,
            } => rush(&args, *clients, *claimers, *rooms).await,
            Scenario::Storm { clients } => storm(&args, *clients).await,
            Scenario::Opening { phones, at_once } => opening(&args, *phones, *at_once).await,
            Scenario::Pages { concurrency, secs } => pages(&args, *concurrency, *secs).await,
        }
    });
    // Do not wait for stray tasks.
    rt.shutdown_timeout(Duration::from_secs(1));
}
