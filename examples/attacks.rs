//! Issue 10's attacks, replayed against a running server, each measured again.
//!
//! Issue 10 ("What an attacker at the venue tries") was found by hand against
//! the release build with the demo config. This program replays every attack
//! it quotes, so the figures of the issue can be measured before and after its
//! fixes on the same machine (scripts/attacks.sh runs it against both builds;
//! the table is in docs/security.md). Each attack prints one line,
//! `ATTACK name: figure`. It never assumes which build it talks to: an old
//! server answers differently, and whatever it answers is printed, never a
//! panic.
//!
//! ```text
//! cargo run --release --example attacks -- --url http://127.0.0.1:8080 \
//!     --event barcamp-rennes --secret demo-organiser-2026 --pid $(pgrep -n slotboard)
//! ```
//!
//! The organiser guessing attacks run last: they spend the address's failure
//! budget, after which the right secret (used to clean the board between
//! attacks) is refused too. The socket guessing uses a second event
//! (`--event2`) so its figure is not the form's budget spent twice.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

#[derive(Parser)]
#[command(about = "replays issue 10's attacks against a running slotboard (docs/security.md)")]
struct Args {
    /// The server, as http://host:port.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// An event with 72 free cells (the demo's barcamp-rennes).
    #[arg(long, default_value = "barcamp-rennes")]
    event: String,
    /// Its organiser secret (the demo's, see README).
    #[arg(long, default_value = "demo-organiser-2026")]
    secret: String,
    /// A second event, whose failure budget the socket guessing spends.
    #[arg(long, default_value = "barcamp-brest")]
    event2: String,
    /// The server's pid, for its RSS from /proc.
    #[arg(long)]
    pid: Option<u32>,
    /// Seconds the slow HTTP clients are left open before they are counted.
    #[arg(long, default_value_t = 12)]
    slow_secs: u64,
    /// Seconds waited before the form flood, for the address's budget of new
    /// claimants (one a second, bursts of 40) to refill after the socket one.
    #[arg(long, default_value_t = 41)]
    refill_secs: u64,
    /// Seconds each guessing attack runs.
    #[arg(long, default_value_t = 5)]
    guess_secs: u64,
}

struct Ctx {
    http: reqwest::Client,
    base: String,
    ws_base: String,
    event: String,
    secret: String,
    pid: Option<u32>,
}

fn report(name: &str, result: Result<String>) {
    match result {
        Ok(figure) => println!("ATTACK {name}: {figure}"),
        Err(e) => println!("ATTACK {name}: error: {e:#}"),
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let base = args.url.trim_end_matches('/').to_owned();
    let ws_base = base.replacen("http", "ws", 1);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .pool_max_idle_per_host(64)
        .build()
        .expect("an HTTP client");
    let ctx = Ctx {
        http,
        base,
        ws_base,
        event: args.event.clone(),
        secret: args.secret.clone(),
        pid: args.pid,
    };
    if let Err(e) = clean(&ctx).await {
        println!("NOTE could not clean the board first: {e:#}");
    }
    report("one token, 4 sockets", one_token(&ctx).await);
    cleanup(&ctx).await;
    report("72 fresh tokens, one address", fresh_tokens(&ctx).await);
    cleanup(&ctx).await;
    // The claim budget of the address refills at one a second: give
    // it back before the form flood, so each attack meets the shipped limit.
    tokio::time::sleep(Duration::from_secs(args.refill_secs)).await;
    report("cookie-less form claims", cookieless_claims(&ctx).await);
    cleanup(&ctx).await;
    report("100 form votes", form_votes(&ctx).await);
    cleanup(&ctx).await;
    report("device link GET /me?t=", device_link(&ctx).await);
    report("logout then reuse the cookie", logout_reuse(&ctx).await);
    cleanup(&ctx).await;
    report("admin post, foreign Origin", foreign_origin(&ctx).await);
    cleanup(&ctx).await;
    report("invisible titles", invisible_titles(&ctx).await);
    report("CSV formula", csv_formula(&ctx).await);
    cleanup(&ctx).await;
    report("2000 junk frames before hello", junk_frames(&ctx).await);
    report("too-large form body", large_body(&ctx).await);
    report("CR/LF in the event name", crlf_event(&ctx).await);
    report(
        "500 half-sent requests, 100 stalled 1.9 MB bodies",
        slow_http(&ctx, args.slow_secs).await,
    );
    let guess = Duration::from_secs(args.guess_secs);
    report(
        "50 parallel wrong logins (form)",
        guess_form(&ctx, guess).await,
    );
    report(
        "50 parallel wrong logins (socket hello)",
        guess_socket(&ctx, &args.event2, guess).await,
    );
}

// ---------------------------------------------------------------- helpers

async fn connect(ctx: &Ctx) -> Result<Ws> {
    let url = format!("{}/e/{}/ws", ctx.ws_base, ctx.event);
    let (ws, _) = timeout(
        Duration::from_secs(10),
        tokio_tungstenite::connect_async(url),
    )
    .await
    .context("connect timed out")??;
    Ok(ws)
}

/// The next JSON frame, within `wait`; `None` when the socket closed.
async fn next_json(ws: &mut Ws, wait: Duration) -> Result<Option<Value>> {
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match timeout(left, ws.next()).await {
            Err(_) => bail!("no frame within {wait:?}"),
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return Ok(None),
            Ok(Some(Ok(Message::Text(t)))) => return Ok(Some(serde_json::from_str(&t)?)),
            Ok(Some(Ok(_))) => {}
        }
    }
}

async fn send(ws: &mut Ws, v: Value) -> Result<()> {
    ws.send(Message::text(v.to_string())).await?;
    Ok(())
}

/// Says hello and returns the first answer (welcome or error).
async fn hello(ws: &mut Ws, token: Option<&str>, organiser: Option<&str>) -> Result<Value> {
    let role = organiser.map(|_| "organiser");
    send(
        ws,
        json!({"op":"hello","protocol":1,"token":token,"organiser":organiser,"role":role}),
    )
    .await?;
    next_json(ws, Duration::from_secs(10))
        .await?
        .ok_or_else(|| anyhow!("closed after hello"))
}

/// Waits for the ack or reject of `req`, skipping broadcast events.
async fn answer(ws: &mut Ws, req: &str) -> Result<Value> {
    loop {
        let frame = next_json(ws, Duration::from_secs(10))
            .await?
            .ok_or_else(|| anyhow!("closed before the answer to {req}"))?;
        if frame["req"] == req {
            return Ok(frame);
        }
    }
}

async fn organiser(ctx: &Ctx) -> Result<Ws> {
    let mut ws = connect(ctx).await?;
    let w = hello(&mut ws, None, Some(&ctx.secret)).await?;
    if w["type"] != "welcome" {
        bail!("organiser hello answered {w}");
    }
    Ok(ws)
}

async fn board(ctx: &Ctx) -> Result<Value> {
    let url = format!("{}/e/{}/board.json", ctx.base, ctx.event);
    Ok(ctx.http.get(url).send().await?.json().await?)
}

fn sessions(board: &Value) -> Vec<Value> {
    board["sessions"].as_array().cloned().unwrap_or_default()
}

/// Every cell of the event, slot by slot.
async fn cells(ctx: &Ctx) -> Result<Vec<(String, String)>> {
    let b = board(ctx).await?;
    let ids = |key: &str| -> Vec<String> {
        b[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["id"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (slots, rooms) = (ids("slots"), ids("rooms"));
    Ok(slots
        .iter()
        .flat_map(|s| rooms.iter().map(move |r| (s.clone(), r.clone())))
        .collect())
}

/// Sends `cmd` as the organiser until it is not rate limited.
async fn paced(ws: &mut Ws, mut cmd: Value, req: String) -> Result<Value> {
    cmd["req"] = json!(req);
    for _ in 0..100 {
        send(ws, cmd.clone()).await?;
        let a = answer(ws, &req).await?;
        if a["code"] != "rate_limited" {
            return Ok(a);
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    bail!("still rate limited")
}

/// Removes every session, lock and the announcement, as the organiser.
async fn clean(ctx: &Ctx) -> Result<()> {
    let b = board(ctx).await?;
    let mut ws = organiser(ctx).await?;
    let n = next_req();
    let list = sessions(&b);
    if !list.is_empty() {
        let bulk = paced(
            &mut ws,
            json!({"op":"remove_claims_since","rev":1}),
            format!("clean-{n}-bulk"),
        )
        .await?;
        if bulk["type"] != "ack" {
            for (i, s) in list.iter().enumerate() {
                let cmd = json!({"op":"release","session":s["id"]});
                paced(&mut ws, cmd, format!("clean-{n}-{i}")).await?;
            }
        }
    }
    for (i, l) in b["locks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let cmd = json!({"op":"unlock","slot":l["slot"],"room":l["room"]});
        paced(&mut ws, cmd, format!("clean-{n}-u{i}")).await?;
    }
    if !b["announcement"].is_null() {
        let cmd = json!({"op":"announce","text":""});
        paced(&mut ws, cmd, format!("clean-{n}-a")).await?;
    }
    Ok(())
}

async fn cleanup(ctx: &Ctx) {
    if let Err(e) = clean(ctx).await {
        println!("NOTE cleaning the board failed: {e:#}");
    }
}

fn next_req() -> usize {
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn claim(slot: &str, room: &str, title: &str, req: &str) -> Value {
    json!({"op":"claim","req":req,"slot":slot,"room":room,"title":title,"host":"Mallory"})
}

fn count<K: Ord>(m: &mut BTreeMap<K, usize>, k: K) {
    *m.entry(k).or_default() += 1;
}

fn tally<K: std::fmt::Display>(m: &BTreeMap<K, usize>) -> String {
    let parts: Vec<String> = m.iter().map(|(k, v)| format!("{v}x {k}")).collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

fn rss_kb(pid: Option<u32>) -> Option<i64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn set_cookie(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            let kv = v.split(';').next().unwrap_or("");
            kv[name.len() + 1..].to_owned()
        })
}

async fn post_form(
    ctx: &Ctx,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
    origin: Option<&str>,
) -> Result<reqwest::Response> {
    let mut rq = ctx
        .http
        .post(format!("{}{path}", ctx.base))
        .header(reqwest::header::CONTENT_TYPE, FORM)
        .body(encode(form));
    if let Some(c) = cookie {
        rq = rq.header(reqwest::header::COOKIE, c);
    }
    if let Some(o) = origin {
        rq = rq.header(reqwest::header::ORIGIN, o);
    }
    Ok(rq.send().await?)
}

const FORM: &str = "application/x-www-form-urlencoded";

/// A form body (reqwest's `form` needs a feature the project does not use).
fn encode(form: &[(&str, &str)]) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    form.iter()
        .map(|(k, v)| {
            let (k, v) = (
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC),
            );
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Logs in on the admin form; the organiser cookie's value.
async fn login(ctx: &Ctx) -> Result<String> {
    let path = format!("/e/{}/admin/login", ctx.event);
    let resp = post_form(ctx, &path, &[("secret", &ctx.secret)], None, None).await?;
    set_cookie(&resp, "slotboard_organiser")
        .ok_or_else(|| anyhow!("login answered {} without a cookie", resp.status()))
}

// ---------------------------------------------------------------- flooding

async fn one_token(ctx: &Ctx) -> Result<String> {
    let cells = cells(ctx).await?;
    let mut first = connect(ctx).await?;
    let w = hello(&mut first, None, None).await?;
    let token = w["you"]["token"]
        .as_str()
        .ok_or_else(|| anyhow!("no token in {w}"))?
        .to_owned();
    let mut sockets = vec![first];
    for _ in 0..3 {
        let mut ws = connect(ctx).await?;
        hello(&mut ws, Some(&token), None).await?;
        sockets.push(ws);
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (k, mut ws) in sockets.into_iter().enumerate() {
        let mine: Vec<_> = cells.iter().skip(k).step_by(4).cloned().collect();
        tasks.push(tokio::spawn(async move {
            let mut codes = BTreeMap::new();
            for (i, (slot, room)) in mine.iter().enumerate() {
                let req = format!("t{k}-{i}");
                send(&mut ws, claim(slot, room, "Mine", &req)).await?;
            }
            for i in 0..mine.len() {
                let a = answer(&mut ws, &format!("t{k}-{i}")).await?;
                let code = a["code"].as_str().unwrap_or("ack").to_owned();
                count(&mut codes, code);
            }
            anyhow::Ok(codes)
        }));
    }
    let mut codes = BTreeMap::new();
    for t in tasks {
        for (k, v) in t.await?? {
            *codes.entry(k).or_default() += v;
        }
    }
    let took = start.elapsed();
    let got = sessions(&board(ctx).await?).len();
    Ok(format!(
        "{got} of {} cells in {:.2} s ({})",
        cells.len(),
        took.as_secs_f64(),
        tally(&codes)
    ))
}

async fn fresh_tokens(ctx: &Ctx) -> Result<String> {
    let cells = cells(ctx).await?;
    let mut sockets = Vec::new();
    for _ in &cells {
        let mut ws = connect(ctx).await?;
        hello(&mut ws, None, None).await?;
        sockets.push(ws);
    }
    let start = Instant::now();
    let window = Duration::from_secs(5);
    let mut tasks = Vec::new();
    for (i, (mut ws, (slot, room))) in sockets.into_iter().zip(cells.clone()).enumerate() {
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            let mut refusals = BTreeMap::new();
            while start.elapsed() < window {
                let req = format!("f{i}-{n}");
                n += 1;
                send(&mut ws, claim(&slot, &room, "Fresh", &req)).await?;
                let a = answer(&mut ws, &req).await?;
                if a["type"] == "ack" {
                    return anyhow::Ok((Some(start.elapsed()), refusals));
                }
                count(&mut refusals, a["code"].as_str().unwrap_or("?").to_owned());
                if a["code"] != "rate_limited" {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Ok((None, refusals))
        }));
    }
    let (mut got, mut last, mut refusals) = (0, Duration::ZERO, BTreeMap::new());
    for t in tasks {
        let (at, r) = t.await??;
        if let Some(at) = at {
            got += 1;
            last = last.max(at);
        }
        for (k, v) in r {
            *refusals.entry(k).or_default() += v;
        }
    }
    Ok(format!(
        "{got} of {} cells in the first 5 s (last at {:.2} s; each retried every 250 ms; refusals: {})",
        cells.len(),
        last.as_secs_f64(),
        tally(&refusals)
    ))
}

async fn cookieless_claims(ctx: &Ctx) -> Result<String> {
    let cells = cells(ctx).await?;
    let path = format!("/e/{}/claim", ctx.event);
    let start = Instant::now();
    let mut statuses = BTreeMap::new();
    for chunk in cells.chunks(8) {
        let posts = chunk.iter().map(|(slot, room)| {
            let req = format!("c-{}", next_req());
            let path = path.clone();
            async move {
                let form = [
                    ("slot", slot.as_str()),
                    ("room", room.as_str()),
                    ("title", "Form"),
                    ("host", "Mallory"),
                    ("req", req.as_str()),
                ];
                post_form(ctx, &path, &form, None, None).await
            }
        });
        for r in futures_util::future::join_all(posts).await {
            count(&mut statuses, r?.status().as_u16());
        }
    }
    let took = start.elapsed();
    let got = sessions(&board(ctx).await?).len();
    Ok(format!(
        "{got} of {} cells in {:.2} s (HTTP {})",
        cells.len(),
        took.as_secs_f64(),
        tally(&statuses)
    ))
}

async fn form_votes(ctx: &Ctx) -> Result<String> {
    let (slot, room) = cells(ctx).await?.into_iter().next().context("no cell")?;
    let mut ws = organiser(ctx).await?;
    let a = paced(
        &mut ws,
        claim(&slot, &room, "Vote me", ""),
        "v-claim".into(),
    )
    .await?;
    let rev = a["rev"]
        .as_u64()
        .ok_or_else(|| anyhow!("claim answered {a}"))?;
    let session = format!("s_{rev}");
    // One phone (one cookie), voting and unvoting as fast as it can.
    let page = ctx
        .http
        .get(format!("{}/e/{}", ctx.base, ctx.event))
        .send()
        .await?;
    let token = set_cookie(&page, "slotboard_token").context("no token cookie")?;
    let cookie = format!("slotboard_token={token}");
    let path = format!("/e/{}/vote", ctx.event);
    let start = Instant::now();
    let mut one = BTreeMap::new();
    for i in 0..100 {
        let on = if i % 2 == 0 { "true" } else { "false" };
        let req = format!("v-{}", next_req());
        let form = [("session", session.as_str()), ("on", on), ("req", &req)];
        let r = post_form(ctx, &path, &form, Some(&cookie), None).await?;
        count(&mut one, r.status().as_u16());
    }
    let one_took = start.elapsed();
    // 100 cookie-less posts: each a new participant voting once.
    let start = Instant::now();
    let mut many = BTreeMap::new();
    for _ in 0..100 {
        let req = format!("v-{}", next_req());
        let form = [("session", session.as_str()), ("on", "true"), ("req", &req)];
        let r = post_form(ctx, &path, &form, None, None).await?;
        count(&mut many, r.status().as_u16());
    }
    let many_took = start.elapsed();
    let votes = sessions(&board(ctx).await?)
        .iter()
        .find(|s| s["id"] == session.as_str())
        .map(|s| s["votes"].clone())
        .unwrap_or(Value::Null);
    Ok(format!(
        "one cookie, 100 posts (on/off): HTTP {} in {:.2} s; 100 cookie-less: HTTP {} in {:.2} s, the session has {votes} votes",
        tally(&one),
        one_took.as_secs_f64(),
        tally(&many),
        many_took.as_secs_f64()
    ))
}

// ------------------------------------------------------------- identities

async fn device_link(ctx: &Ctx) -> Result<String> {
    let mut ws = connect(ctx).await?;
    let w = hello(&mut ws, None, None).await?;
    let attacker = w["you"]["token"].as_str().context("no token")?.to_owned();
    let victim = "slotboard_token=vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv";
    let url = format!("{}/e/{}/me?t={attacker}", ctx.base, ctx.event);
    let resp = ctx
        .http
        .get(url)
        .header(reqwest::header::COOKIE, victim)
        .send()
        .await?;
    let status = resp.status().as_u16();
    let replaced = match set_cookie(&resp, "slotboard_token") {
        Some(v) if v == attacker => "Set-Cookie: the attacker's token (identity replaced)",
        Some(_) => "Set-Cookie: another token",
        None => "no token cookie set (identity kept)",
    };
    Ok(format!("HTTP {status}, {replaced}"))
}

async fn logout_reuse(ctx: &Ctx) -> Result<String> {
    let cookie = format!("slotboard_organiser={}", login(ctx).await?);
    let out = format!("/e/{}/admin/logout", ctx.event);
    let r = post_form(ctx, &out, &[], Some(&cookie), None).await?;
    let logout = r.status().as_u16();
    let (slot, room) = cells(ctx).await?.into_iter().nth(5).context("no cell")?;
    let lock = format!("/e/{}/admin/lock", ctx.event);
    let req = format!("l-{}", next_req());
    let form = [
        ("slot", slot.as_str()),
        ("room", room.as_str()),
        ("req", &req),
    ];
    let r = post_form(ctx, &lock, &form, Some(&cookie), None).await?;
    let status = r.status().as_u16();
    let locked = board(ctx).await?["locks"].as_array().is_some_and(|l| {
        l.iter()
            .any(|c| c["slot"] == slot.as_str() && c["room"] == room.as_str())
    });
    Ok(format!(
        "logout HTTP {logout}; the copied cookie's lock post HTTP {status}: {}",
        if locked {
            "cell locked (cookie still works)"
        } else {
            "refused, nothing locked"
        }
    ))
}

async fn foreign_origin(ctx: &Ctx) -> Result<String> {
    let cookie = format!("slotboard_organiser={}", login(ctx).await?);
    let path = format!("/e/{}/admin/announce", ctx.event);
    let req = format!("o-{}", next_req());
    let text = "The BarCamp is cancelled, go home";
    let form = [("text", text), ("req", req.as_str())];
    let origin = Some("https://evil.example");
    let r = post_form(ctx, &path, &form, Some(&cookie), origin).await?;
    let status = r.status().as_u16();
    let shown = board(ctx).await?["announcement"] == text;
    Ok(format!(
        "HTTP {status}: {}",
        if shown {
            "the wall reads it"
        } else {
            "refused, nothing announced"
        }
    ))
}

// ------------------------------------------------------------------- text

async fn invisible_titles(ctx: &Ctx) -> Result<String> {
    let invisible = [
        ("zero-width space", "\u{200B}"),
        ("joiners", "\u{200D}\u{200C}"),
        ("BOM", "\u{FEFF}"),
        ("combining marks only", "\u{0301}\u{0302}"),
        ("tag characters", "\u{E0041}\u{E0042}"),
        ("Hangul filler", "\u{3164}"),
    ];
    let cells = cells(ctx).await?;
    let mut ws = organiser(ctx).await?;
    let mut rejected = Vec::new();
    let mut accepted = Vec::new();
    for (i, (name, title)) in invisible.iter().enumerate() {
        let (slot, room) = &cells[i];
        let a = paced(
            &mut ws,
            claim(slot, room, title, ""),
            format!("i-{}", next_req()),
        )
        .await?;
        if a["type"] == "ack" {
            accepted.push(*name);
        } else {
            rejected.push(format!("{name}: {}", a["code"].as_str().unwrap_or("?")));
        }
    }
    let (slot, room) = &cells[10];
    let a = paced(
        &mut ws,
        claim(slot, room, "Line\u{2028}break", ""),
        format!("i-{}", next_req()),
    )
    .await?;
    let sep = a["code"].as_str().unwrap_or("accepted").to_owned();
    let (slot, room) = &cells[11];
    let real = "Café 👩‍💻 Ρust";
    let a = paced(
        &mut ws,
        claim(slot, room, real, ""),
        format!("i-{}", next_req()),
    )
    .await?;
    let kept = a["code"].as_str().unwrap_or("accepted").to_owned();
    Ok(format!(
        "{} of {} rejected ({}); accepted: {}; U+2028 in a title: {sep}; a real title with accents and a ZWJ emoji: {kept}",
        rejected.len(),
        invisible.len(),
        rejected.join(", "),
        if accepted.is_empty() {
            "none".into()
        } else {
            accepted.join(", ")
        }
    ))
}

async fn csv_formula(ctx: &Ctx) -> Result<String> {
    let (slot, room) = cells(ctx).await?.into_iter().nth(20).context("no cell")?;
    let title = "=HYPERLINK(\"http://evil.example\",\"slides\")";
    let mut ws = organiser(ctx).await?;
    let a = paced(
        &mut ws,
        claim(&slot, &room, title, ""),
        format!("x-{}", next_req()),
    )
    .await?;
    if a["type"] != "ack" {
        bail!("the claim was refused: {a}");
    }
    let url = format!("{}/e/{}/schedule.csv", ctx.base, ctx.event);
    let body = ctx.http.get(url).send().await?.text().await?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    for record in reader.records() {
        let record = record?;
        if let Some(cell) = record.iter().find(|c| c.contains("HYPERLINK")) {
            let first = cell.chars().next().unwrap_or(' ');
            return Ok(format!(
                "the title's cell starts with {first:?} ({})",
                if first == '=' {
                    "a formula, runs"
                } else {
                    "neutralised"
                }
            ));
        }
    }
    bail!("no HYPERLINK cell in schedule.csv")
}

// ----------------------------------------------------------------- socket

async fn junk_frames(ctx: &Ctx) -> Result<String> {
    let ws = connect(ctx).await?;
    let (mut tx, mut rx) = ws.split();
    let start = Instant::now();
    let writer = tokio::spawn(async move {
        let mut sent = 0;
        for i in 0..2000 {
            if tx.send(Message::text(format!("junk {i}"))).await.is_err() {
                break;
            }
            sent += 1;
        }
        sent
    });
    let mut answers = BTreeMap::new();
    let mut last = Duration::ZERO;
    let mut closed = "still open".to_owned();
    loop {
        match timeout(Duration::from_secs(3), rx.next()).await {
            Err(_) => break,
            Ok(None) | Ok(Some(Err(_))) => {
                closed = format!("closed at {:.2} s", start.elapsed().as_secs_f64());
                break;
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                let code = frame.map_or("no code".into(), |f| u16::from(f.code).to_string());
                closed = format!(
                    "closed with {code} at {:.2} s",
                    start.elapsed().as_secs_f64()
                );
                break;
            }
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                let code = v["code"].as_str().unwrap_or("?").to_owned();
                count(&mut answers, code);
                last = start.elapsed();
            }
            Ok(Some(Ok(_))) => {}
        }
    }
    let sent = writer.await?;
    let n: usize = answers.values().sum();
    Ok(format!(
        "{sent} sent, {n} answered ({}) by {:.2} s, {closed}",
        tally(&answers),
        last.as_secs_f64()
    ))
}

// ------------------------------------------------------------------- HTTP

async fn large_body(ctx: &Ctx) -> Result<String> {
    let pad = "x".repeat(64 * 1024);
    let path = format!("/e/{}/claim", ctx.event);
    let form = [("pad", pad.as_str()), ("title", "Big"), ("host", "Mallory")];
    let r = post_form(ctx, &path, &form, None, None).await?;
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|l| format!(" to {l}"))
        .unwrap_or_default();
    Ok(format!("a 64 KiB claim form: HTTP {status}{location}"))
}

async fn crlf_event(ctx: &Ctx) -> Result<String> {
    let url = format!("{}/e/x%0d%0a/admin/login", ctx.base);
    let get = ctx.http.get(&url).send().await?.status().as_u16();
    let post = ctx
        .http
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, FORM)
        .body(encode(&[("secret", "x")]))
        .send()
        .await?
        .status()
        .as_u16();
    let page = ctx
        .http
        .get(format!("{}/e/x%0d%0a", ctx.base))
        .send()
        .await?
        .status()
        .as_u16();
    Ok(format!(
        "GET /e/x%0d%0a/admin/login HTTP {get}, POST HTTP {post}, GET /e/x%0d%0a HTTP {page}"
    ))
}

/// A connection is open while a read gets no EOF (nor error) right away.
async fn still_open(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match timeout(
            Duration::from_millis(20),
            tokio::io::AsyncReadExt::read(stream, &mut buf),
        )
        .await
        {
            Err(_) => return true,
            Ok(Ok(0)) | Ok(Err(_)) => return false,
            // An answer (408, 413): read on to see whether it is closed.
            Ok(Ok(_)) => {}
        }
    }
}

async fn slow_http(ctx: &Ctx, secs: u64) -> Result<String> {
    let addr = ctx
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let before = rss_kb(ctx.pid);
    let start = Instant::now();
    let host = addr.clone();
    let half = (0..500).map(|_| {
        let addr = addr.clone();
        let host = host.clone();
        async move {
            let mut s = TcpStream::connect(&addr).await.ok()?;
            let head = format!("GET /e/x HTTP/1.1\r\nHost: {host}\r\nX-Slow: 1\r\n");
            s.write_all(head.as_bytes()).await.ok()?;
            Some(s)
        }
    });
    let mut halves: Vec<TcpStream> = futures_util::future::join_all(half)
        .await
        .into_iter()
        .flatten()
        .collect();
    let opened_half = halves.len();
    let event = ctx.event.clone();
    let chunk = vec![b'a'; 64 * 1024];
    let stalled = (0..100).map(|_| {
        let addr = addr.clone();
        let host = host.clone();
        let event = event.clone();
        let chunk = chunk.clone();
        async move {
            let mut s = TcpStream::connect(&addr).await.ok()?;
            let head = format!(
                "POST /e/{event}/claim HTTP/1.1\r\nHost: {host}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\ntitle="
            );
            s.write_all(head.as_bytes()).await.ok()?;
            let mut sent = 0usize;
            while sent < 1_900_000 {
                let n = chunk.len().min(1_900_000 - sent);
                match timeout(Duration::from_secs(2), s.write_all(&chunk[..n])).await {
                    Ok(Ok(())) => sent += n,
                    _ => break,
                }
            }
            Some((s, sent))
        }
    });
    let mut stalls: Vec<(TcpStream, usize)> = futures_util::future::join_all(stalled)
        .await
        .into_iter()
        .flatten()
        .collect();
    let full = stalls.iter().filter(|(_, n)| *n >= 1_900_000).count();
    let peak = rss_kb(ctx.pid);
    let wait = Duration::from_secs(secs).saturating_sub(start.elapsed());
    tokio::time::sleep(wait).await;
    let mut half_open = 0;
    for s in &mut halves {
        half_open += usize::from(still_open(s).await);
    }
    let mut stall_open = 0;
    for (s, _) in &mut stalls {
        stall_open += usize::from(still_open(s).await);
    }
    let after = rss_kb(ctx.pid);
    let rss = match (before, peak, after) {
        (Some(b), Some(p), Some(a)) => format!(
            "; server RSS {:.1} MB, +{:.1} MB once all sent, +{:.1} MB at {secs} s",
            b as f64 / 1024.0,
            (p - b) as f64 / 1024.0,
            (a - b) as f64 / 1024.0
        ),
        _ => String::new(),
    };
    Ok(format!(
        "after {secs} s: {half_open} of {opened_half} half-sent open, {stall_open} of {} stalled bodies open ({full} sent all 1.9 MB){rss}",
        stalls.len()
    ))
}

// -------------------------------------------------------------- guessing

async fn guess_form(ctx: &Ctx, run: Duration) -> Result<String> {
    let path = format!("/e/{}/admin/login", ctx.event);
    let tallies = Arc::new(std::sync::Mutex::new(BTreeMap::new()));
    let start = Instant::now();
    let workers = (0..50).map(|w| {
        let path = path.clone();
        let tallies = tallies.clone();
        async move {
            let mut i = 0;
            while start.elapsed() < run {
                let secret = format!("wrong-guess-{w}-{i}-xxxxxxxx");
                i += 1;
                let code = match post_form(ctx, &path, &[("secret", &secret)], None, None).await {
                    Ok(r) => r.status().as_u16().to_string(),
                    Err(_) => "error".into(),
                };
                count(&mut tallies.lock().unwrap(), code);
            }
        }
    });
    futures_util::future::join_all(workers).await;
    let took = start.elapsed().as_secs_f64();
    let t = tallies.lock().unwrap().clone();
    let checked = t.get("401").copied().unwrap_or(0);
    Ok(format!(
        "{} in {took:.1} s: {:.1} checked guesses/s",
        tally(&t),
        checked as f64 / took
    ))
}

async fn guess_socket(ctx: &Ctx, event: &str, run: Duration) -> Result<String> {
    let url = format!("{}/e/{event}/ws", ctx.ws_base);
    let tallies = Arc::new(std::sync::Mutex::new(BTreeMap::new()));
    let start = Instant::now();
    let workers = (0..50).map(|w| {
        let url = url.clone();
        let tallies = tallies.clone();
        async move {
            let Ok(Ok((mut ws, _))) = timeout(
                Duration::from_secs(10),
                tokio_tungstenite::connect_async(url),
            )
            .await
            else {
                count(&mut tallies.lock().unwrap(), "no socket".to_owned());
                return;
            };
            let mut i = 0;
            while start.elapsed() < run {
                let secret = format!("wrong-guess-{w}-{i}-xxxxxxxx");
                i += 1;
                let kind = match hello(&mut ws, None, Some(&secret)).await {
                    Ok(v) if v["type"] == "welcome" => "welcome (guessed!)".to_owned(),
                    Ok(v) => {
                        let msg = v["message"].as_str().unwrap_or("");
                        match v["code"].as_str().unwrap_or("?") {
                            "forbidden" if msg.contains("not checked") => "not checked".to_owned(),
                            "forbidden" => "forbidden (checked)".to_owned(),
                            other => other.to_owned(),
                        }
                    }
                    Err(_) => {
                        count(&mut tallies.lock().unwrap(), "closed".to_owned());
                        return;
                    }
                };
                count(&mut tallies.lock().unwrap(), kind);
            }
        }
    });
    futures_util::future::join_all(workers).await;
    let took = start.elapsed().as_secs_f64();
    let t = tallies.lock().unwrap().clone();
    let checked = t.get("forbidden (checked)").copied().unwrap_or(0);
    Ok(format!(
        "on {event}: {} in {took:.1} s: {:.1} checked guesses/s",
        tally(&t),
        checked as f64 / took
    ))
}
