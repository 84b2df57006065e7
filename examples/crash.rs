//! The fault driver of `docs/reliability.md`.
//!
//! `crash`: runs the release binary on a fresh data folder and, cycle after
//! cycle, has N phones send a burst of claims, edits and votes, SIGKILLs the
//! server after a random number of acks (in the middle of the burst), starts
//! it again and checks, from the data folder and from a fresh `welcome`:
//!
//! - every acked change is in the history at its acked rev, with its `req`;
//! - revs run 1..=R without a gap or a duplicate, and the `welcome` is at R;
//! - every change present without an ack is a whole change the client sent
//!   (nothing half-applied, nothing invented, nothing applied twice), and the
//!   `welcome` is exactly the fold of the history;
//! - each phone then resends what was left unanswered with the same `req`
//!   (as `live.js` does): a `req` found in the history gets its first ack
//!   back, anything else is applied now, after R.
//!
//! It prints one line per cycle and a summary, and exits 1 on any violation.
//!
//! `stalled`: connects a few hundred sockets to a running server that never
//! read what the server sends, while one phone keeps changing the board and
//! one watcher reads everything; prints the server's RSS over time.
//!
//! ```text
//! cargo build --release --bin slotboard --example crash
//! target/release/examples/crash crash --bin target/release/slotboard --cycles 100 --clients 100
//! ```
//! (`scripts/crash-cycles.sh` and `scripts/stalled-clients.sh` do exactly this.)

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use futures_util::{SinkExt, StreamExt};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long any single wait may take before it counts as a stall.
const PATIENCE: Duration = Duration::from_secs(30);

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// SIGKILL in the middle of bursts, restart, compare.
    Crash {
        /// The slotboard binary (a release build).
        #[arg(long, default_value = "target/release/slotboard")]
        bin: PathBuf,
        #[arg(long, default_value_t = 100)]
        cycles: usize,
        #[arg(long, default_value_t = 100)]
        clients: usize,
        /// Stop starting new cycles after this many seconds.
        #[arg(long, default_value_t = 600)]
        max_secs: u64,
        /// Seed of the kill points (the printed seed reproduces a run's kill points).
        #[arg(long)]
        seed: Option<u64>,
        /// Keep the data folder (its path is printed).
        #[arg(long)]
        keep: bool,
    },
    /// Hundreds of sockets that never read, beside a live board.
    Stalled {
        #[arg(long, default_value = "target/release/slotboard")]
        bin: PathBuf,
        #[arg(long, default_value_t = 300)]
        stalled: usize,
        /// Changes made by the busy phone while the stalled sockets hang on.
        #[arg(long, default_value_t = 3000)]
        changes: usize,
        #[arg(long, default_value_t = 5)]
        write_timeout_secs: u64,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let ok = match cli.mode {
        Mode::Crash {
            bin,
            cycles,
            clients,
            max_secs,
            seed,
            keep,
        } => crash(bin, cycles, clients, max_secs, seed, keep).await,
        Mode::Stalled {
            bin,
            stalled,
            changes,
            write_timeout_secs,
        } => stalled_clients(bin, stalled, changes, write_timeout_secs).await,
    };
    std::process::exit(if ok { 0 } else { 1 });
}

// ------------------------------------------------------------- the server --

/// A data folder with its config, and the runs of the binary on it.
struct Site {
    dir: PathBuf,
    bin: PathBuf,
    runs: usize,
}

/// One event of `rooms` x `slots` cells (enough for one cell per phone).
fn config_text(data: &Path, cells: usize, extra: &str) -> String {
    let rooms = 10;
    let slots = cells.div_ceil(rooms) + 1;
    let hash = slotboard::auth::hash_secret("crash-organiser-secret");
    let mut t = format!(
        "[server]\nbind = \"127.0.0.1:0\"\npublic_url = \"http://crash.test\"\n\
         data_dir = \"{}\"\n{extra}\n\n[[events]]\nslug = \"camp\"\ntitle = \"Crash Camp\"\n\
         timezone = \"Europe/Paris\"\norganiser_token_hash = \"{hash}\"\n",
        data.display()
    );
    for r in 0..rooms {
        t.push_str(&format!(
            "\n[[events.rooms]]\nid = \"r{r}\"\nname = \"Room {r}\"\ncapacity = 50\n"
        ));
    }
    // A day far ahead, so that the event never ends during a run.
    t.push_str("\n[[events.days]]\ndate = \"2037-12-05\"\nslots = [\n");
    for s in 0..slots {
        let start = 8 * 60 + s * 20;
        let end = start + 15;
        t.push_str(&format!(
            "  {{ id = \"t{s}\", start = \"{:02}:{:02}\", end = \"{:02}:{:02}\" }},\n",
            start / 60,
            start % 60,
            end / 60,
            end % 60
        ));
    }
    t.push_str("]\n");
    t
}

fn cell(i: usize) -> (String, String) {
    (format!("t{}", i / 10), format!("r{}", i % 10))
}

struct Running {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Running {
    fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/e/camp/ws", self.port)
    }
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Site {
    fn new(bin: PathBuf, cells: usize, extra: &str) -> Site {
        let dir = tempfile::Builder::new()
            .prefix("slotboard-faults-")
            .tempdir()
            .expect("temp dir")
            .keep();
        fs::create_dir_all(dir.join("data")).unwrap();
        fs::write(
            dir.join("slotboard.toml"),
            config_text(&dir.join("data"), cells, extra),
        )
        .unwrap();
        Site { dir, bin, runs: 0 }
    }

    fn event_dir(&self) -> PathBuf {
        self.dir.join("data").join("events").join("camp")
    }

    fn spawn(&mut self, port: u16) -> Running {
        self.runs += 1;
        let log = self.dir.join(format!("run-{}.log", self.runs));
        let out = fs::File::create(&log).unwrap();
        let err = out.try_clone().unwrap();
        let mut cmd = Command::new(&self.bin);
        for var in [
            "SLOTBOARD_CONFIG",
            "SLOTBOARD_BIND",
            "SLOTBOARD_DATA_DIR",
            "SLOTBOARD_PUBLIC_URL",
            "SLOTBOARD_ORGANISER_TOKEN",
        ] {
            cmd.env_remove(var);
        }
        let child = cmd
            .arg("--config")
            .arg(self.dir.join("slotboard.toml"))
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("the slotboard binary runs");
        Running { child, port, log }
    }

    /// Starts the binary and waits for `/healthz` to answer 200.
    async fn start(&mut self) -> Result<Running, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let mut last = String::new();
        for _ in 0..5 {
            let mut r = self.spawn(free_port());
            let url = format!("{}/healthz", r.base());
            for _ in 0..600 {
                if r.child.try_wait().unwrap().is_some() {
                    break;
                }
                if let Ok(resp) = http.get(&url).send().await
                    && resp.status().as_u16() == 200
                    && r.child.try_wait().unwrap().is_none()
                {
                    return Ok(r);
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            last = r.log_text();
        }
        Err(format!("the server did not start; last log:\n{last}"))
    }
}

// ------------------------------------------------------------- the phones --

async fn connect(url: &str, hello: Value) -> Result<(Ws, Value), String> {
    let (mut ws, _) = tokio::time::timeout(PATIENCE, tokio_tungstenite::connect_async(url))
        .await
        .map_err(|_| "upgrade timed out".to_owned())?
        .map_err(|e| format!("upgrade: {e}"))?;
    ws.send(Message::text(hello.to_string()))
        .await
        .map_err(|e| format!("hello: {e}"))?;
    loop {
        let msg = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .map_err(|_| "no welcome in time".to_owned())?;
        match msg {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).map_err(|e| e.to_string())?;
                match v["type"].as_str() {
                    Some("welcome" | "resumed") => return Ok((ws, v)),
                    Some("presence" | "event") => continue,
                    _ => return Err(format!("expected welcome, got {v}")),
                }
            }
            Some(Ok(_)) => continue,
            other => return Err(format!("closed before welcome: {other:?}")),
        }
    }
}

/// One phone: always the same participant (its token), always cell `i`.
struct Phone {
    i: usize,
    token: String,
    id: String,
    session: Option<String>,
    seq: u64,
    /// Sent and never answered (the server died first), in sending order.
    pending: Vec<(String, Value)>,
}

impl Phone {
    fn next_req(&mut self, cycle: usize) -> String {
        self.seq += 1;
        format!("p{}-c{cycle}-{}", self.i, self.seq)
    }

    /// What an answered command tells this phone about its own session.
    fn learn(&mut self, cmd: &Value, answer: &Value) {
        if answer["type"] != "ack" {
            return;
        }
        match cmd["op"].as_str() {
            Some("claim") => self.session = Some(format!("s_{}", answer["rev"])),
            Some("release") => self.session = None,
            _ => {}
        }
    }
}

/// What one phone saw during a burst.
#[derive(Default)]
struct Report {
    acked: Vec<(String, u64)>,
    rejected: Vec<(String, String)>,
    sent: Vec<(String, Value)>,
    errors: Vec<String>,
}

/// SIGKILLs the server when the `at`-th ack of the burst arrives.
struct Killer {
    acks: AtomicU64,
    at: u64,
    child: Mutex<Option<Child>>,
    fired: std::sync::atomic::AtomicBool,
}

impl Killer {
    fn acked(&self) {
        let n = self.acks.fetch_add(1, Ordering::SeqCst) + 1;
        if n == self.at {
            self.fired.store(true, Ordering::SeqCst);
            self.kill();
        }
    }

    fn kill(&self) -> bool {
        let mut child = self.child.lock().unwrap();
        match child.as_mut() {
            Some(c) => matches!(c.try_wait(), Ok(None)) && c.kill().is_ok(),
            None => false,
        }
    }
}

/// Reads frames until every req of `waiting` is answered; false when the
/// socket ended first.
async fn answers(
    ws: &mut Ws,
    phone: &mut Phone,
    waiting: &mut Vec<(String, Value)>,
    report: &mut Report,
    killer: &Killer,
) -> bool {
    while !waiting.is_empty() {
        let msg = match tokio::time::timeout(PATIENCE, ws.next()).await {
            Ok(m) => m,
            Err(_) => {
                report
                    .errors
                    .push(format!("phone {}: no answer in {PATIENCE:?}", phone.i));
                return false;
            }
        };
        let text = match msg {
            Some(Ok(Message::Text(t))) => t,
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return false,
            Some(Ok(_)) => continue,
        };
        let v: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                report.errors.push(format!("bad frame {text}: {e}"));
                continue;
            }
        };
        if v["type"] != "ack" && v["type"] != "reject" {
            continue;
        }
        let req = v["req"].as_str().unwrap_or_default().to_owned();
        let Some(at) = waiting.iter().position(|(r, _)| *r == req) else {
            report
                .errors
                .push(format!("an answer to no pending req: {v}"));
            continue;
        };
        let (req, cmd) = waiting.remove(at);
        phone.learn(&cmd, &v);
        if v["type"] == "ack" {
            report.acked.push((req, v["rev"].as_u64().unwrap_or(0)));
            killer.acked();
        } else {
            report
                .rejected
                .push((req, v["code"].as_str().unwrap_or("?").to_owned()));
        }
    }
    true
}

/// One phone's burst: release + claim its cell (pipelined), then three
/// edits and a vote on the new session (pipelined).
async fn burst(ws: &mut Ws, phone: &mut Phone, cycle: usize, killer: &Killer) -> Report {
    let mut report = Report::default();
    let mut phases: Vec<Vec<Value>> = Vec::new();
    let (slot, room) = cell(phone.i);
    let mut a = Vec::new();
    if let Some(s) = &phone.session {
        a.push(json!({"op":"release","session":s}));
    }
    a.push(json!({"op":"claim","slot":slot,"room":room,
        "title":format!("c{cycle} p{}", phone.i),"host":"Crash"}));
    phases.push(a);
    phases.push(Vec::new()); // filled once the claim is acked
    for k in 0..phases.len() {
        if k == 1 {
            let Some(s) = phone.session.clone() else {
                break;
            };
            for e in 1..=3 {
                phases[1].push(json!({"op":"edit","session":s,
                    "title":format!("c{cycle} p{} e{e}", phone.i)}));
            }
            phases[1].push(json!({"op":"vote","session":s,"on":true}));
        }
        let mut waiting = Vec::new();
        let mut alive = true;
        for mut cmd in phases[k].clone() {
            let req = phone.next_req(cycle);
            cmd["req"] = json!(req);
            if ws.send(Message::text(cmd.to_string())).await.is_err() {
                alive = false;
                break;
            }
            report.sent.push((req.clone(), cmd.clone()));
            waiting.push((req, cmd));
        }
        if alive {
            alive = answers(ws, phone, &mut waiting, &mut report, killer).await;
        }
        if !alive {
            phone.pending.extend(waiting);
            return report;
        }
    }
    report
}

// ---------------------------------------------------------- the evidence --

/// One journaled change, from the data folder.
#[derive(Clone, PartialEq)]
struct Line {
    by: Option<String>,
    req: Option<String>,
    change: Value,
}

/// The whole history on disk (sealed segments, then the journal), by rev.
fn read_history(event_dir: &Path, errors: &mut Vec<String>) -> BTreeMap<u64, Line> {
    let mut files: Vec<PathBuf> = fs::read_dir(event_dir.join("history"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "jsonl"));
    files.sort();
    files.push(event_dir.join("journal.jsonl"));
    let mut out = BTreeMap::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap_or_default();
        if !text.is_empty() && !text.ends_with('\n') {
            errors.push(format!("{} ends in a torn line after start", f.display()));
        }
        for (n, l) in text.lines().enumerate() {
            let v: Value = match serde_json::from_str(l) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(format!("{}:{}: not JSON ({e})", f.display(), n + 1));
                    continue;
                }
            };
            // The format header (`{"format":1}`) opens a journal: not a change.
            if n == 0 && v.get("format").is_some() && v.get("type").is_none() {
                continue;
            }
            let rev = v["rev"].as_u64().unwrap_or(0);
            let line = Line {
                by: v["by"].as_str().map(str::to_owned),
                req: v["req"].as_str().map(str::to_owned),
                change: v["change"].clone(),
            };
            if let Some(old) = out.insert(rev, line.clone())
                && old != line
            {
                errors.push(format!("rev {rev} is on disk twice, differently"));
            }
        }
    }
    out
}

/// The sessions a history folds to: id -> (slot, room, title, owner, votes).
type Sessions = BTreeMap<String, (String, String, String, String, u64)>;

fn session_of(s: &Value) -> (String, (String, String, String, String, u64)) {
    let t = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
    (
        t("id"),
        (
            t("slot"),
            t("room"),
            t("title"),
            t("owner"),
            s["votes"].as_u64().unwrap_or(0),
        ),
    )
}

fn fold(history: &BTreeMap<u64, Line>, errors: &mut Vec<String>) -> Sessions {
    let mut sessions = Sessions::new();
    for (rev, l) in history {
        let c = &l.change;
        match c["kind"].as_str() {
            Some("claimed" | "edited") => {
                let (id, s) = session_of(&c["session"]);
                sessions.insert(id, s);
            }
            Some("released") => {
                sessions.remove(c["session"].as_str().unwrap_or_default());
            }
            Some("voted") => {
                let id = c["session"].as_str().unwrap_or_default();
                match sessions.get_mut(id) {
                    Some(s) => s.4 = c["votes"].as_u64().unwrap_or(0),
                    None => errors.push(format!("rev {rev}: a vote on a missing session {id}")),
                }
            }
            other => errors.push(format!("rev {rev}: unexpected change {other:?}")),
        }
    }
    sessions
}

/// Whether a journaled change is the whole effect of the command sent.
fn matches_command(cmd: &Value, change: &Value) -> bool {
    match (cmd["op"].as_str(), change["kind"].as_str()) {
        (Some("claim"), Some("claimed")) => {
            let s = &change["session"];
            s["slot"] == cmd["slot"] && s["room"] == cmd["room"] && s["title"] == cmd["title"]
        }
        (Some("edit"), Some("edited")) => {
            change["session"]["id"] == cmd["session"] && change["session"]["title"] == cmd["title"]
        }
        (Some("release"), Some("released")) => change["session"] == cmd["session"],
        (Some("vote"), Some("voted")) => {
            change["session"] == cmd["session"] && change["on"] == true
        }
        _ => false,
    }
}

#[derive(Default)]
struct Totals {
    acked: u64,
    unacked_journaled: u64,
    unacked_lost: u64,
    resent_same_ack: u64,
    torn: u64,
    snapshots: u64,
    kills_mid_burst: u64,
}

async fn crash(
    bin: PathBuf,
    cycles: usize,
    clients: usize,
    max_secs: u64,
    seed: Option<u64>,
    keep: bool,
) -> bool {
    let seed = seed.unwrap_or_else(|| rand::rng().random());
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut site = Site::new(bin, clients + 1, "");
    println!(
        "crash: {cycles} cycles, {clients} phones, seed {seed}, data in {}",
        site.dir.display()
    );
    let started = Instant::now();
    let mut violations: Vec<String> = Vec::new();
    let mut totals = Totals::default();
    // Everything acked so far, and everything sent: (by, req) -> ...
    let mut acked: HashMap<(String, String), u64> = HashMap::new();
    let mut sent: HashMap<(String, String), Value> = HashMap::new();

    let mut server = match site.start().await {
        Ok(s) => s,
        Err(e) => {
            println!("VIOLATION: {e}");
            return false;
        }
    };
    let mut phones: Vec<Phone> = (0..clients)
        .map(|i| Phone {
            i,
            token: format!("{:032x}", rng.random::<u128>()),
            id: String::new(),
            session: None,
            seq: 0,
            pending: Vec::new(),
        })
        .collect();
    let mut done = 0;
    for cycle in 1..=cycles {
        if started.elapsed() > Duration::from_secs(max_secs) {
            println!("time budget of {max_secs} s spent: stopping before cycle {cycle}");
            break;
        }
        let t0 = Instant::now();
        let mut errors = Vec::new();

        // Connect every phone (its token: the same participant each time)
        // and resend what the last kill left unanswered, in order.
        let history = read_history(&site.event_dir(), &mut errors);
        let journaled: HashMap<(String, String), u64> = history
            .iter()
            .filter_map(|(rev, l)| Some(((l.by.clone()?, l.req.clone()?), *rev)))
            .collect();
        let top = history.keys().next_back().copied().unwrap_or(0);
        let url = server.ws_url();
        let mut tasks = Vec::new();
        for mut phone in phones.drain(..) {
            let url = url.clone();
            let journaled = journaled.clone();
            tasks.push(tokio::spawn(async move {
                let mut errors = Vec::new();
                let mut acks = Vec::new();
                let mut same = 0u64;
                let hello = json!({"op":"hello","protocol":1,"token":phone.token});
                let mut ws = match connect(&url, hello).await {
                    Ok((ws, welcome)) => {
                        phone.id = welcome["you"]["id"].as_str().unwrap_or_default().to_owned();
                        ws
                    }
                    Err(e) => {
                        errors.push(format!("phone {}: {e}", phone.i));
                        return (phone, None, errors, acks, same);
                    }
                };
                for (req, cmd) in std::mem::take(&mut phone.pending) {
                    if ws.send(Message::text(cmd.to_string())).await.is_err() {
                        errors.push(format!("phone {}: resend failed", phone.i));
                        break;
                    }
                    let answer = loop {
                        match tokio::time::timeout(PATIENCE, ws.next()).await {
                            Ok(Some(Ok(Message::Text(t)))) => {
                                let v: Value = serde_json::from_str(&t).unwrap_or_default();
                                if v["req"] == req.as_str() {
                                    break Some(v);
                                }
                            }
                            Ok(Some(Ok(_))) => {}
                            _ => break None,
                        }
                    };
                    let Some(answer) = answer else {
                        errors.push(format!("phone {}: no answer to resent {req}", phone.i));
                        break;
                    };
                    let key = (phone.id.clone(), req.clone());
                    match journaled.get(&key) {
                        Some(rev) => {
                            if answer["type"] != "ack" || answer["rev"] != *rev {
                                errors.push(format!(
                                    "resent {req} is journaled at rev {rev} but got {answer}"
                                ));
                            } else {
                                same += 1;
                            }
                        }
                        None => {
                            if answer["type"] == "ack" && answer["rev"].as_u64().unwrap_or(0) <= top
                            {
                                errors.push(format!(
                                    "resent {req} was not journaled but got an old rev: {answer}"
                                ));
                            }
                        }
                    }
                    if answer["type"] == "ack" {
                        acks.push((req.clone(), answer["rev"].as_u64().unwrap_or(0)));
                    }
                    phone.learn(&cmd, &answer);
                }
                (phone, Some(ws), errors, acks, same)
            }));
        }
        let mut sockets = Vec::new();
        for t in tasks {
            let (phone, ws, errs, acks, same) = t.await.expect("phone task");
            errors.extend(errs);
            totals.resent_same_ack += same;
            for (req, rev) in acks {
                acked.insert((phone.id.clone(), req), rev);
            }
            sockets.push(ws);
            phones.push(phone);
        }

        // The burst, and the kill after a random number of acks.
        let expected: u64 = phones
            .iter()
            .map(|p| if p.session.is_some() { 6 } else { 5 })
            .sum();
        let at = rng.random_range(1..expected);
        let child = std::mem::replace(
            &mut server.child,
            Command::new("true").spawn().expect("true(1)"),
        );
        let killer = Arc::new(Killer {
            acks: AtomicU64::new(0),
            at,
            child: Mutex::new(Some(child)),
            fired: false.into(),
        });
        let mut tasks = Vec::new();
        for (mut phone, ws) in phones.drain(..).zip(sockets) {
            let killer = killer.clone();
            tasks.push(tokio::spawn(async move {
                let report = match ws {
                    Some(mut ws) => burst(&mut ws, &mut phone, cycle, &killer).await,
                    None => Report::default(),
                };
                (phone, report)
            }));
        }
        let mut burst_acks = 0;
        for t in tasks {
            let (phone, report) = t.await.expect("phone task");
            errors.extend(report.errors);
            for (req, cmd) in report.sent {
                sent.insert((phone.id.clone(), req), cmd);
            }
            for (req, rev) in report.acked {
                burst_acks += 1;
                acked.insert((phone.id.clone(), req), rev);
            }
            phones.push(phone);
        }
        if !killer.fired.load(Ordering::SeqCst) {
            killer.kill();
            errors.push(format!(
                "the burst ended after {burst_acks} acks, before the kill point {at}"
            ));
        }
        // Mid-burst for real: some commands were sent and never answered.
        if phones.iter().any(|p| !p.pending.is_empty()) {
            totals.kills_mid_burst += 1;
        }
        let mut child = killer.child.lock().unwrap().take().unwrap();
        let _ = child.wait();
        let old_log = server.log_text();
        if old_log.contains("panicked") {
            errors.push(format!("the server panicked:\n{old_log}"));
        }
        drop(server);

        // Restart and compare.
        server = match site.start().await {
            Ok(s) => s,
            Err(e) => {
                violations.push(format!("cycle {cycle}: {e}"));
                break;
            }
        };
        let log = server.log_text();
        let torn = log.contains("torn");
        if torn {
            totals.torn += 1;
        }
        let history = read_history(&site.event_dir(), &mut errors);
        let r = history.keys().next_back().copied().unwrap_or(0);
        if history.len() as u64 != r || history.keys().next().is_some_and(|f| *f != 1) {
            errors.push(format!(
                "revs on disk are not 1..={r} without gaps ({} lines)",
                history.len()
            ));
        }
        let mut seen = HashSet::new();
        let mut unacked_journaled = 0;
        for (rev, l) in &history {
            let (Some(by), Some(req)) = (&l.by, &l.req) else {
                continue;
            };
            let key = (by.clone(), req.clone());
            if !seen.insert(key.clone()) {
                errors.push(format!("req {req} of {by} applied twice (rev {rev})"));
            }
            match sent.get(&key) {
                None => errors.push(format!("rev {rev}: req {req} was never sent")),
                Some(cmd) if !matches_command(cmd, &l.change) => errors.push(format!(
                    "rev {rev}: {} is not the whole change of {cmd}",
                    l.change
                )),
                Some(_) => {}
            }
            match acked.get(&key) {
                Some(a) if a != rev => {
                    errors.push(format!("req {req} acked at rev {a} but journaled at {rev}"))
                }
                Some(_) => {}
                None => unacked_journaled += 1,
            }
        }
        let mut lost = 0;
        for ((by, req), rev) in &acked {
            match history.get(rev) {
                Some(l) if l.by.as_deref() == Some(by) && l.req.as_deref() == Some(req) => {}
                other => {
                    lost += 1;
                    if lost <= 5 {
                        errors.push(format!(
                            "acked req {req} (rev {rev}) not recovered: found {:?}",
                            other.map(|l| l.change.to_string())
                        ));
                    }
                }
            }
        }
        if lost > 0 {
            errors.push(format!("{lost} acked changes lost"));
        }
        let unacked_lost = phones
            .iter()
            .flat_map(|p| {
                p.pending
                    .iter()
                    .map(move |(r, _)| (p.id.clone(), r.clone()))
            })
            .filter(|k| !seen.contains(k))
            .count() as u64;
        let expected_sessions = fold(&history, &mut errors);
        match connect(
            &server.ws_url(),
            json!({"op":"hello","protocol":1,"role":"viewer"}),
        )
        .await
        {
            Ok((mut ws, welcome)) => {
                if welcome["rev"] != r {
                    errors.push(format!("welcome rev {} but {r} on disk", welcome["rev"]));
                }
                let got: Sessions = welcome["sessions"]
                    .as_array()
                    .map(|a| a.iter().map(session_of).collect())
                    .unwrap_or_default();
                if got != expected_sessions {
                    errors.push(format!(
                        "the welcome is not the fold of the history ({} vs {} sessions)",
                        got.len(),
                        expected_sessions.len()
                    ));
                }
                let _ = ws.close(None).await;
            }
            Err(e) => errors.push(format!("viewer: {e}")),
        }
        let snapshot = site.event_dir().join("snapshot.json").exists();
        if snapshot {
            totals.snapshots += 1;
        }
        totals.acked += burst_acks;
        totals.unacked_journaled += unacked_journaled;
        totals.unacked_lost += unacked_lost;
        println!(
            "cycle {cycle:3}: kill after {at:3}/{expected} acks; {burst_acks:3} acked, \
             rev {r:6}, {unacked_journaled} unacked-but-journaled, {unacked_lost} unacked lost, \
             torn line {}, {} ms, {}",
            if torn { "cut" } else { "none" },
            t0.elapsed().as_millis(),
            if errors.is_empty() {
                "ok".to_owned()
            } else {
                format!("{} VIOLATIONS", errors.len())
            }
        );
        for e in &errors {
            println!("  VIOLATION: {e}");
        }
        violations.extend(errors.into_iter().map(|e| format!("cycle {cycle}: {e}")));
        done = cycle;
    }
    println!(
        "summary: {done} cycles in {:.1} s, {} phones, seed {seed}; {} kills left commands unanswered; \
         {} acks in bursts, all checked after each restart ({} acked reqs in total); \
         {} changes journaled without an ack (whole), {} unacked never journaled; \
         {} resent reqs answered with their first ack; {} torn lines cut; violations: {}",
        started.elapsed().as_secs_f64(),
        clients,
        totals.kills_mid_burst,
        totals.acked,
        acked.len(),
        totals.unacked_journaled,
        totals.unacked_lost,
        totals.resent_same_ack,
        totals.torn,
        violations.len()
    );
    let _ = totals.snapshots;
    if keep || !violations.is_empty() {
        println!("data kept in {}", site.dir.display());
    } else {
        let _ = fs::remove_dir_all(&site.dir);
    }
    violations.is_empty() && done > 0
}

// ------------------------------------------------------ stalled sockets --

/// The RSS of a process, in KiB, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn stalled_clients(
    bin: PathBuf,
    stalled: usize,
    changes: usize,
    write_timeout_secs: u64,
) -> bool {
    let extra = format!(
        "write_timeout_secs = {write_timeout_secs}\ncommands_per_sec = 100000\ncommand_burst = 100000\nip_commands_per_sec = 100000\nip_command_burst = 100000"
    );
    let mut site = Site::new(bin, 20, &extra);
    let server = match site.start().await {
        Ok(s) => s,
        Err(e) => {
            println!("{e}");
            return false;
        }
    };
    let pid = server.child.id();
    let url = server.ws_url();
    let base = rss_kib(pid);
    println!("stalled: server pid {pid}, RSS at start {base} KiB");

    // The watcher reads everything and checks the revs.
    let (mut watcher, _) = connect(&url, json!({"op":"hello","protocol":1,"role":"viewer"}))
        .await
        .expect("watcher");
    // Sockets that say hello and then never read again: tungstenite only
    // reads when asked, so their kernel buffers fill and the server's
    // writes to them stall.
    let mut stuck = Vec::new();
    for _ in 0..stalled {
        let (ws, _) = connect(&url, json!({"op":"hello","protocol":1,"role":"viewer"}))
            .await
            .expect("stalled socket");
        stuck.push(ws);
    }
    let with_stalled = rss_kib(pid);
    println!(
        "{stalled} stalled sockets connected: RSS {with_stalled} KiB (+{} KiB, {:.1} KiB each)",
        with_stalled.saturating_sub(base),
        with_stalled.saturating_sub(base) as f64 / stalled as f64
    );

    let (mut phone, _) = connect(&url, json!({"op":"hello","protocol":1}))
        .await
        .expect("phone");
    let long = "x".repeat(400);
    let mut next_rev = 1;
    let mut peak = with_stalled;
    let t0 = Instant::now();
    let mut session = None;
    for n in 0..changes {
        let cmd = match &session {
            None => json!({"op":"claim","slot":"t0","room":"r0","title":"Busy","host":"H",
                "description":long,"req":format!("b{n}")}),
            Some(s) => json!({"op":"edit","session":s,"title":format!("Busy {n}"),
                "description":long,"req":format!("b{n}")}),
        };
        phone
            .send(Message::text(cmd.to_string()))
            .await
            .expect("send");
        // Wait for the ack on the phone, and for the event on the watcher.
        let rev = loop {
            let t = match phone.next().await {
                Some(Ok(Message::Text(t))) => t,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => {
                    println!("the phone was closed: {other:?}");
                    return false;
                }
            };
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "ack" {
                break v["rev"].as_u64().unwrap();
            }
            assert_ne!(v["type"], "reject", "{v}");
        };
        if session.is_none() {
            session = Some(format!("s_{rev}"));
        }
        while next_rev <= rev {
            let t = match watcher.next().await {
                Some(Ok(Message::Text(t))) => t,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => {
                    println!("the watcher was closed at rev {next_rev}: {other:?}");
                    return false;
                }
            };
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "event" {
                assert_eq!(v["rev"], next_rev, "the watcher sees every rev in order");
                next_rev += 1;
            }
        }
        if n % 500 == 0 {
            let rss = rss_kib(pid);
            peak = peak.max(rss);
            println!(
                "  after {n} changes ({:.1} s): RSS {rss} KiB",
                t0.elapsed().as_secs_f64()
            );
        }
    }
    let rss = rss_kib(pid);
    peak = peak.max(rss);
    println!(
        "{changes} changes of ~600 bytes in {:.1} s, the watcher saw every rev in order; \
         RSS now {rss} KiB, peak sampled {peak} KiB",
        t0.elapsed().as_secs_f64()
    );
    // How many stalled sockets has the server dropped? Wait out the write
    // timeout, then read each stalled socket to its end (non-blocking-ish).
    tokio::time::sleep(Duration::from_secs(write_timeout_secs + 2)).await;
    let mut closed = 0;
    for ws in &mut stuck {
        let mut ended = false;
        loop {
            match tokio::time::timeout(Duration::from_millis(200), ws.next()).await {
                Ok(Some(Ok(Message::Close(_)))) | Ok(Some(Err(_))) | Ok(None) => {
                    ended = true;
                    break;
                }
                Ok(Some(Ok(_))) => continue,
                Err(_) => break,
            }
        }
        if ended {
            closed += 1;
        }
    }
    let after = rss_kib(pid);
    println!(
        "after the write timeout: {closed}/{stalled} stalled sockets were closed by the server; RSS {after} KiB"
    );
    drop(stuck);
    let _ = fs::remove_dir_all(&site.dir);
    true
}
