//! A realistic board for the `pages` scenario, filled through the protocol.
//!
//! A fresh bench server has an empty 720-cell board, and a page of empty
//! cells flatters any render cache or compressor. Before `pages` measures,
//! this fills the board as participants would: 100 participants (one of them
//! the returning reader of `page_returning`) each claim 3 cells spread over
//! the board, with titles and hosts of realistic length (some with `<`,
//! `&`, quotes, accents), then each says it wants to attend 10 sessions of
//! others: 300 sessions, 1,000 votes. Every command waits for its ack; a
//! reject or a silent server ends the run (exit 4), since a half-filled
//! board would measure something else.
//!
//! Only protocol-1 `hello`, `claim` and `vote` are used, which every build
//! of slotboard accepts, so `BASE=` builds get the same board.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use super::{Ws, cell, connect_as, num_after, token};

/// Participants, the returning reader (participant 0) included.
pub const PARTICIPANTS: usize = 100;
/// Sessions each participant claims.
pub const SESSIONS_EACH: usize = 3;
/// Sessions each participant votes for (none of its own).
pub const VOTES_EACH: usize = 10;
/// Cells of the bench board (scripts/bench.sh: 20 rooms x 36 slots).
const CELLS: usize = 720;
const ROOMS: usize = 20;

const TOPICS: [&str; 30] = [
    "Rust",
    "Postgres & SQLite",
    "<canvas> art",
    "\"zero trust\" networks",
    "web accessibility",
    "home automation",
    "Kubernetes at small scale",
    "bike repair",
    "specialty coffee",
    "data journalism",
    "open-source licences",
    "variable fonts",
    "sourdough",
    "Git internals",
    "mechanical keyboards",
    "WebAssembly",
    "privacy by design",
    "evaluating LLMs",
    "3D printing",
    "community building",
    "remote work",
    "écologie numérique",
    "film photography",
    "board games",
    "public speaking",
    "mental health in tech",
    "Linux on phones",
    "climate data",
    "self-hosting",
    "HTML <dialog> & popovers",
];

const FORMS: [&str; 10] = [
    "An introduction to {}",
    "{}: lessons from a year in production",
    "Why {} matters more than you think",
    "{} for complete beginners",
    "Hands-on workshop: {}",
    "Ask me anything about {}",
    "{}, the good, the bad and the ugly",
    "Débat : {}, pour ou contre ?",
    "Ce que j'ai appris avec {}",
    "Lightning talks on {}",
];

const HOSTS: [&str; 20] = [
    "Maël Le Goff",
    "Chloé Martin",
    "François & Inès",
    "Zoë O'Brien",
    "Ana María Gutiérrez",
    "Jürgen Weiß",
    "Siobhán Ní Bhriain",
    "Nguyễn Văn An",
    "Tom \"the tinkerer\" Baker",
    "Léa Dubois",
    "Kenji Watanabe",
    "Priya Raghunathan",
    "Björn Åkesson",
    "Amélie Poulain-Gérard",
    "Olusegun Adeyemi",
    "Margaux <Margot> Petit",
    "Camille Rousseau",
    "Dmitri Ivanov",
    "Sofía & friends",
    "Hélène Leclerc",
];

/// The title of session `k` (0..300): each of the 300 is different.
pub fn title(k: usize) -> String {
    let form = FORMS[k / TOPICS.len() % FORMS.len()];
    let t = form.replacen("{}", TOPICS[k % TOPICS.len()], 1);
    t.chars().take(80).collect()
}

fn host(k: usize) -> &'static str {
    HOSTS[k % HOSTS.len()]
}

/// The owner (participant) of session `k`.
fn owner(k: usize) -> usize {
    k % PARTICIPANTS
}

/// The sessions participant `p` votes for: 10 different ones, none its
/// own (a step of 31 never lands on `p`'s residue mod 100 within 10 steps).
pub fn votes_of(p: usize) -> Vec<usize> {
    let n = PARTICIPANTS * SESSIONS_EACH;
    (0..VOTES_EACH).map(|j| (p + 1 + 31 * j) % n).collect()
}

/// The sessions participant `p` owns.
pub fn owned_by(p: usize) -> Vec<usize> {
    (0..SESSIONS_EACH).map(|j| p + j * PARTICIPANTS).collect()
}

/// JSON string literal of `s` (quotes and backslashes escaped; the texts
/// hold no control characters).
fn json(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Sends `frame` (whose `req` is `req`) and reads until its answer: the
/// acked rev, or the reject. Events in between are read and dropped.
async fn command(ws: &mut Ws, req: &str, frame: String) -> Result<u64, String> {
    ws.send(Message::text(frame))
        .await
        .map_err(|e| format!("{req}: {e}"))?;
    let mine = format!(r#""req":"{req}""#);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .map_err(|_| format!("{req}: no answer in 30 s"))?;
        match msg {
            Some(Ok(Message::Text(t))) => {
                if t.starts_with(r#"{"type":"ack""#) && t.contains(&mine) {
                    return num_after(&t, r#""rev":"#).ok_or(format!("{req}: ack without rev"));
                }
                if t.starts_with(r#"{"type":"reject""#) && t.contains(&mine) {
                    return Err(format!("{req} rejected: {t}"));
                }
            }
            Some(Ok(_)) => {}
            other => return Err(format!("{req}: the socket ended ({other:?})")),
        }
    }
}

/// The filled board: its session ids by index, and what it took.
pub struct Filled {
    pub sessions: Vec<String>,
    pub votes: usize,
    pub took: Duration,
}

/// Runs `work` for every participant at once, each on its own socket (as
/// `returning_token` for participant 0, `token(p)` for the others), and
/// closes the socket after. Exits the process on the first failure.
async fn each_participant<F, Fut, T>(url: &str, returning_token: &str, work: F) -> Vec<T>
where
    F: Fn(usize, Ws) -> Fut,
    Fut: std::future::Future<Output = Result<T, String>> + Send + 'static,
    T: Send + 'static,
{
    let mut tasks = Vec::new();
    for p in 0..PARTICIPANTS {
        let tok = if p == 0 {
            returning_token.to_owned()
        } else {
            token(p)
        };
        let (ws, _, _) = connect_as(url, p, None, &tok).await;
        tasks.push(tokio::spawn(work(p, ws)));
    }
    let mut out = Vec::new();
    for t in tasks {
        match t.await {
            Ok(Ok(x)) => out.push(x),
            Ok(Err(e)) => {
                eprintln!("loadgen: filling the board failed: {e}");
                std::process::exit(4);
            }
            Err(e) => {
                eprintln!("loadgen: a filling task panicked: {e}");
                std::process::exit(4);
            }
        }
    }
    out
}

/// Fills the board of the event at `url` (its WebSocket URL). Participant 0
/// is the holder of `returning_token` (the reader of `page_returning`).
pub async fn fill(url: &str, returning_token: &str) -> Filled {
    let t0 = Instant::now();
    let n = PARTICIPANTS * SESSIONS_EACH;
    // Claims: session k in cell k * 720 / 300, spread over all three days.
    let claimed = each_participant(url, returning_token, |p, mut ws| async move {
        let mut mine = Vec::new();
        for k in owned_by(p) {
            debug_assert_eq!(owner(k), p);
            let (slot, room) = cell(k * CELLS / n, ROOMS);
            let req = format!("fill-c{k}");
            let frame = format!(
                r#"{{"op":"claim","req":"{req}","slot":"{slot}","room":"{room}","title":{},"host":{}}}"#,
                json(&title(k)),
                json(host(k)),
            );
            let rev = command(&mut ws, &req, frame).await?;
            mine.push((k, format!("s_{rev}")));
        }
        Ok(mine)
    })
    .await;
    let mut sessions = vec![String::new(); n];
    for (k, id) in claimed.into_iter().flatten() {
        sessions[k] = id;
    }
    // Votes, once every session is on the board.
    let ids = std::sync::Arc::new(sessions.clone());
    let votes = each_participant(url, returning_token, |p, mut ws| {
        let ids = ids.clone();
        async move {
            for k in votes_of(p) {
                let req = format!("fill-v{p}-{k}");
                let frame = format!(
                    r#"{{"op":"vote","req":"{req}","session":"{}","on":true}}"#,
                    ids[k]
                );
                command(&mut ws, &req, frame).await?;
            }
            Ok(VOTES_EACH)
        }
    })
    .await;
    Filled {
        sessions,
        votes: votes.iter().sum(),
        took: t0.elapsed(),
    }
}

/// The titles a page must show, as they appear in its HTML: those of the
/// filled board without characters HTML escapes (`&`, `<`, `>`, quotes).
pub fn probes() -> Vec<String> {
    plain((0..PARTICIPANTS * SESSIONS_EACH).map(title))
}

/// The titles of the returning reader's own sessions, as [`probes`].
pub fn own_probes() -> Vec<String> {
    plain(owned_by(0).into_iter().map(title))
}

fn plain(titles: impl Iterator<Item = String>) -> Vec<String> {
    titles
        .filter(|t| !t.contains(['&', '<', '>', '"', '\'']))
        .collect()
}
