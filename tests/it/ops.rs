//! Operations: `/metrics` counts what happened, `/healthz` fails when a
//! journal cannot be written, logs keep no secret, and SIGTERM during a burst
//! loses no acked change and answers every command it journaled.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use crate::kit::*;

// ------------------------------------------------------- metrics parsing --

/// One sample line: `name{labels} value`.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the text format strictly enough to catch a malformed line: every
/// line is `# HELP name text`, `# TYPE name type`, `# UNIT name unit`, the
/// final `# EOF`, or a sample of a family whose TYPE came before it.
fn parse_metrics(text: &str) -> Vec<Sample> {
    fn is_name(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    }
    let mut typed: Vec<(String, String)> = Vec::new();
    let mut samples = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"# EOF"), "ends with # EOF:\n{text}");
    for line in &lines[..lines.len() - 1] {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let kind = parts.next().unwrap();
            let name = parts.next().unwrap_or("");
            let what = parts.next().unwrap_or("");
            assert!(is_name(name), "metric name in {line:?}");
            match kind {
                "HELP" => assert!(!what.is_empty(), "help text in {line:?}"),
                "TYPE" => {
                    assert!(
                        [
                            "counter",
                            "gauge",
                            "histogram",
                            "summary",
                            "info",
                            "unknown"
                        ]
                        .contains(&what),
                        "type in {line:?}"
                    );
                    typed.push((name.to_owned(), what.to_owned()));
                }
                "UNIT" => {}
                _ => panic!("unknown comment line {line:?}"),
            }
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("sample has a value: {line:?}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v
                .parse()
                .unwrap_or_else(|_| panic!("value is a number: {line:?}")),
        };
        let (name, labels) = match series.split_once('{') {
            None => (series, BTreeMap::new()),
            Some((name, rest)) => {
                let inner = rest
                    .strip_suffix('}')
                    .unwrap_or_else(|| panic!("labels end with }}: {line:?}"));
                let mut labels = BTreeMap::new();
                // Label values here never hold a comma or a quote.
                for pair in inner.split(',') {
                    let (k, v) = pair
                        .split_once('=')
                        .unwrap_or_else(|| panic!("label k=\"v\" in {line:?}"));
                    assert!(is_name(k), "label name {k:?} in {line:?}");
                    let v = v
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or_else(|| panic!("quoted label value in {line:?}"));
                    labels.insert(k.to_owned(), v.to_owned());
                }
                (name, labels)
            }
        };
        assert!(is_name(name), "metric name in {line:?}");
        let (family, kind) = typed
            .last()
            .unwrap_or_else(|| panic!("a TYPE line comes before {line:?}"));
        let suffixes: &[&str] = match kind.as_str() {
            "counter" => &["_total", "_created"],
            "histogram" => &["_bucket", "_sum", "_count", "_created"],
            _ => &[""],
        };
        assert!(
            suffixes.iter().any(|s| name == format!("{family}{s}")),
            "{name} belongs to the family {family} ({kind}) declared before it"
        );
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    samples
}

/// The value of the sample with exactly these labels.
fn sample(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let want: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    samples
        .iter()
        .find(|s| s.name == name && s.labels == want)
        .map(|s| s.value)
}

async fn scrape(base: &str) -> Vec<Sample> {
    let r = reqwest::get(format!("{base}/metrics"))
        .await
        .expect("GET /metrics");
    assert_eq!(r.status().as_u16(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        ct.starts_with("application/openmetrics-text") || ct.starts_with("text/plain"),
        "{ct}"
    );
    parse_metrics(&r.text().await.unwrap())
}

// ------------------------------------------------------------------ /metrics

#[tokio::test]
async fn metrics_count_commands_rejects_connections_and_latencies_per_event() {
    let camp = TestServer::start().await;
    let base = format!("http://{}", camp.addr);

    // Before anything: valid text, zero connections.
    let s = scrape(&base).await;
    assert_eq!(
        sample(&s, "slotboard_connections", &[("event", "camp")]),
        Some(0.0)
    );

    let mut ana = camp.participant().await;
    let mut bob = camp.participant().await;
    ana.claim_ok("sat-0930", "amphi", "Rust").await;
    ana.claim_ok("sat-0930", "sein", "Tea").await;
    assert_reject(&bob.claim("sat-0930", "amphi", "Late").await, "taken");
    // Refused by the parser (an empty title): a reject with no op.
    assert_reject(&bob.claim("sat-1030", "amphi", "   ").await, "invalid");

    let s = scrape(&base).await;
    let ev = ("event", "camp");
    let commands = |op: &str, outcome: &str| {
        sample(
            &s,
            "slotboard_commands_total",
            &[ev, ("op", op), ("outcome", outcome)],
        )
    };
    assert_eq!(commands("claim", "ack"), Some(2.0));
    assert_eq!(commands("claim", "reject"), Some(1.0));
    assert_eq!(
        sample(&s, "slotboard_rejects_total", &[ev, ("code", "taken")]),
        Some(1.0)
    );
    assert_eq!(
        sample(&s, "slotboard_rejects_total", &[ev, ("code", "invalid")]),
        Some(1.0)
    );
    assert_eq!(sample(&s, "slotboard_connections", &[ev]), Some(2.0));
    assert_eq!(sample(&s, "slotboard_changes_total", &[ev]), Some(2.0));
    // Two claims answered one at a time: two journal writes; three commands
    // reached the hub.
    assert_eq!(
        sample(&s, "slotboard_journal_append_seconds_count", &[ev]),
        Some(2.0)
    );
    assert_eq!(sample(&s, "slotboard_ack_seconds_count", &[ev]), Some(3.0));
    let inf = sample(&s, "slotboard_ack_seconds_bucket", &[ev, ("le", "+Inf")]);
    assert_eq!(inf, Some(3.0), "the +Inf bucket holds every observation");
    let journal = fs::metadata(camp.event_dir().join("journal.jsonl"))
        .unwrap()
        .len();
    assert_eq!(
        sample(&s, "slotboard_journal_bytes", &[ev]),
        Some(journal as f64)
    );
    assert_eq!(sample(&s, "slotboard_journal_healthy", &[ev]), Some(1.0));
    for name in [
        "slotboard_broadcast_lag_resyncs_total",
        "slotboard_broadcast_lag_drops_total",
    ] {
        assert_eq!(sample(&s, name, &[ev]), Some(0.0), "{name}");
    }

    bob.leave().await;
    ana.expect_presence(1).await;
    let s = scrape(&base).await;
    assert_eq!(sample(&s, "slotboard_connections", &[ev]), Some(1.0));
}

#[tokio::test]
async fn metrics_count_broadcast_lag_resyncs() {
    // A ring of one frame: a batch of two changes or more overtakes every
    // connection, which then gets a fresh `welcome`.
    let camp = TestServer::start_with("broadcast_buffer = 1").await;
    let mut busy = camp.participant().await;
    let mut wall = camp.viewer().await;
    // Twelve claims sent without waiting: while the first batch's fsync
    // runs, the rest queue up and are journaled (and broadcast) together.
    let mut reqs = Vec::new();
    for i in 0..12 {
        let (slot, room) = cell(i);
        let req = format!("lag-{i}");
        busy.send(Cmd::claim(slot, room, &format!("T{i}"), "X").req(&req))
            .await;
        reqs.push(req);
    }
    for req in &reqs {
        busy.answer(req).await.expect_ack();
    }
    // The wall catches up to rev 12 through a fresh welcome.
    let mut welcomes = 0;
    loop {
        let msg = tokio::time::timeout(PATIENCE, wall.ws.next())
            .await
            .expect("the wall hears in time");
        let Some(Ok(Message::Text(t))) = msg else {
            continue;
        };
        let v: Value = serde_json::from_str(&t).unwrap();
        if v["type"] == "welcome" {
            welcomes += 1;
        }
        if (v["type"] == "welcome" || v["type"] == "event") && v["rev"] == 12 {
            break;
        }
    }
    assert!(
        welcomes >= 1,
        "the wall fell behind and got a fresh welcome"
    );
    let s = scrape(&format!("http://{}", camp.addr)).await;
    let ev = ("event", "camp");
    let resyncs = sample(&s, "slotboard_broadcast_lag_resyncs_total", &[ev]).unwrap();
    assert!(
        resyncs >= f64::from(welcomes),
        "{resyncs} resyncs counted, the wall alone had {welcomes}"
    );
    assert_eq!(
        sample(&s, "slotboard_broadcast_lag_drops_total", &[ev]),
        Some(0.0)
    );
}

// ------------------------------------------------ the binary, as in production

/// A second day of ten slots (`sun-0` .. `sun-9`), 40 more cells.
fn sunday() -> String {
    let slots: Vec<String> = (0..10)
        .map(|i| {
            format!(
                "{{ id = \"sun-{i}\", start = \"{:02}:00\", end = \"{:02}:45\" }}",
                8 + i,
                8 + i
            )
        })
        .collect();
    format!(
        "\n[[events.days]]\ndate = \"2037-12-06\"\nslots = [\n  {}\n]\n",
        slots.join(",\n  ")
    )
}

/// Every journaled change in the folder (history segments and the journal),
/// as `req -> rev` for the lines that carry a `req`.
fn journaled_reqs(event_dir: &Path) -> HashMap<String, u64> {
    let mut files = vec![event_dir.join("journal.jsonl")];
    if let Ok(dir) = fs::read_dir(event_dir.join("history")) {
        files.extend(dir.map(|e| e.unwrap().path()));
    }
    let mut reqs = HashMap::new();
    for f in files {
        let Ok(text) = fs::read_to_string(&f) else {
            continue;
        };
        for line in text.lines() {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: a JSON line: {e}", f.display()));
            if let Some(req) = v["req"].as_str() {
                let rev = v["rev"].as_u64().unwrap();
                assert!(
                    reqs.insert(req.to_owned(), rev).is_none(),
                    "{req} journaled once"
                );
            }
        }
    }
    reqs
}

// --------------------------------------------------------------- /healthz

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_fails_when_the_journal_cannot_be_written() {
    let site = Site::new("", "");
    // The server may write files of at most 2 KiB: the journal fills up
    // after a few claims with long descriptions, and the next write fails.
    let server = site.start(&[], Some(2)).await;
    let mut phone = Client::join(&server.ws_url(), Cmd::hello()).await;
    let description = "d".repeat(450);
    let mut failed = None;
    for i in 0..12 {
        let (slot, room) = cell(i);
        let a = phone
            .command(Cmd::claim(slot, room, &format!("T{i}"), "Maël").description(&description))
            .await;
        if a["type"] == "reject" {
            assert_reject(&a, "unavailable");
            failed = Some(i);
            break;
        }
    }
    let failed = failed.expect("a 2 KiB journal fills up within 12 claims");
    assert!(failed >= 1, "the first claims fit");

    let r = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let body = r.text().await.unwrap();
    assert!(body.contains("camp"), "names the event: {body}");

    let s = scrape(&server.url("")).await;
    let ev = ("event", "camp");
    assert_eq!(sample(&s, "slotboard_journal_healthy", &[ev]), Some(0.0));
    assert_eq!(
        sample(
            &s,
            "slotboard_rejects_total",
            &[ev, ("code", "unavailable")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&s, "slotboard_changes_total", &[ev]),
        Some(failed as f64),
        "the refused claim is not counted as a change"
    );
    // The failed write was cut back: the journal holds the acked claims only.
    let journal = fs::read_to_string(site.event_dir().join("journal.jsonl")).unwrap();
    assert_eq!(change_lines(&journal).len(), failed, "{journal}");
    assert_eq!(
        sample(&s, "slotboard_journal_bytes", &[ev]),
        Some(journal.len() as f64)
    );
    assert!(
        server.log_text().contains("journal write failed"),
        "{}",
        server.log_text()
    );
}

// ------------------------------------------------------------------- logs

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_logs_hold_no_token_secret_or_session_text() {
    const TOKEN: &str = "KNOWN-token_0123456789abcdefXYZ";
    const TITLE: &str = "SECRET-TITLE-123";
    const DESCRIPTION: &str = "SECRET-DESCRIPTION-456";
    const WRONG: &str = "WRONG-SECRET-789-guess";
    let site = Site::new("", "");

    for format in ["text", "json"] {
        let mut server = site
            .start(
                &[("RUST_LOG", "debug"), ("SLOTBOARD_LOG_FORMAT", format)],
                None,
            )
            .await;
        let mut phone = Client::join(&server.ws_url(), Cmd::hello().token(TOKEN)).await;
        let (slot, room) = cell(if format == "text" { 0 } else { 1 });
        let a = phone
            .command(Cmd::claim(slot, room, TITLE, "Maël").description(DESCRIPTION))
            .await;
        a.expect_ack();
        let mut organiser = Client::join(&server.ws_url(), Cmd::hello_organiser()).await;
        let a = organiser
            .command(Cmd::announce(&format!("SECRET-ANNOUNCEMENT-{format}")))
            .await;
        a.expect_ack();

        // A wrong secret, and a login through the admin form.
        let mut guess = Client::connect(&server.ws_url()).await;
        guess.send(Cmd::hello().organiser(WRONG)).await;
        guess.expect_error().await;
        let http = http_client();
        let login = http
            .post(server.url("/e/camp/admin/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("secret={ORGANISER}"))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status().as_u16(), 303);
        let cookies: Vec<String> = login
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| {
                let c = c.to_str().unwrap();
                let value = c.split(';').next().unwrap();
                value.split_once('=').unwrap().1.to_owned()
            })
            .collect();
        assert!(!cookies.is_empty());

        server.terminate();
        assert!(server.wait_exit().await.success());
        let log = server.log_text();
        // The logs are at debug level and carry the connection's span.
        assert!(log.contains("DEBUG") || log.contains("\"DEBUG\""), "{log}");
        assert!(
            log.contains(&phone.id),
            "the connection span names the public id {}:\n{log}",
            phone.id
        );
        if format == "json" {
            for line in log.lines() {
                serde_json::from_str::<Value>(line)
                    .unwrap_or_else(|e| panic!("a JSON log line ({e}): {line}"));
            }
        }
        let mut secrets = vec![
            TOKEN,
            TITLE,
            DESCRIPTION,
            ORGANISER,
            WRONG,
            "SECRET-ANNOUNCEMENT",
        ];
        secrets.extend(cookies.iter().map(String::as_str));
        for secret in secrets {
            assert!(
                !log.contains(secret),
                "{format} logs contain {secret:?}:\n{log}"
            );
        }
    }
}

// ------------------------------------------------------ SIGTERM in a burst

/// Reads a connection to its end: the answers by `req`, and the close code.
async fn drain(ws: &mut Ws) -> (HashMap<String, Value>, Option<u16>) {
    let mut answers = HashMap::new();
    loop {
        let msg = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .expect("the connection ends in time");
        match msg {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] == "ack" || v["type"] == "reject" {
                    let req = v["req"].as_str().unwrap().to_owned();
                    assert!(answers.insert(req, v).is_none(), "one answer per req");
                }
            }
            Some(Ok(Message::Close(c))) => return (answers, c.map(|c| u16::from(c.code))),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (answers, None),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_during_a_burst_answers_what_it_journaled_and_loses_no_ack() {
    const PHONES: usize = 8;
    const EDITS: usize = 60;
    let site = Site::new(
        "commands_per_sec = 100000\ncommand_burst = 100000\nip_commands_per_sec = 100000\nip_command_burst = 100000",
        &sunday(),
    );
    let mut server = site.start(&[], None).await;

    // Each phone owns one Saturday session before the burst.
    let mut phones = Vec::new();
    for i in 0..PHONES {
        let mut c = Client::join(&server.ws_url(), Cmd::hello()).await;
        let (slot, room) = cell(i);
        let session = c.claim_ok(slot, room, &format!("Phone {i}")).await;
        phones.push((c, session));
    }

    // The burst: each phone claims its four Sunday cells and edits its
    // session many times, without waiting; SIGTERM lands halfway through.
    let mut sent: Vec<Vec<(String, Value)>> = vec![Vec::new(); PHONES];
    let commands = |i: usize, session: &str| -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (k, room) in ["amphi", "ouessant", "brehat", "sein"].iter().enumerate() {
            let req = format!("p{i}-claim-{k}");
            out.push((
                req.clone(),
                Cmd::claim(
                    &format!("sun-{i}"),
                    room,
                    &format!("Sunday {i}.{k}"),
                    "Maël",
                )
                .req(&req)
                .into(),
            ));
        }
        for k in 0..EDITS {
            let req = format!("p{i}-edit-{k}");
            out.push((
                req.clone(),
                Cmd::edit(session)
                    .title(&format!("Phone {i} v{k}"))
                    .req(&req)
                    .into(),
            ));
        }
        out
    };
    let all: Vec<Vec<(String, Value)>> = phones
        .iter()
        .enumerate()
        .map(|(i, (_, s))| commands(i, s))
        .collect();
    let half = all[0].len() / 2;
    for (i, (c, _)) in phones.iter_mut().enumerate() {
        for (req, cmd) in &all[i][..half] {
            c.ws.send(Message::text(cmd.to_string())).await.unwrap();
            sent[i].push((req.clone(), cmd.clone()));
        }
    }
    // Once the server is at work on the burst (phone 0 has an answer),
    // SIGTERM.
    let first = loop {
        let msg = tokio::time::timeout(PATIENCE, phones[0].0.ws.next())
            .await
            .expect("the burst is answered in time");
        if let Some(Ok(Message::Text(t))) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "ack" || v["type"] == "reject" {
                break v;
            }
        }
    };
    server.terminate();
    for (i, (c, _)) in phones.iter_mut().enumerate() {
        for (req, cmd) in &all[i][half..] {
            // The server may already be closing: later sends may fail.
            if c.ws.send(Message::text(cmd.to_string())).await.is_err() {
                break;
            }
            sent[i].push((req.clone(), cmd.clone()));
        }
    }

    let mut acked: HashMap<String, u64> = HashMap::new();
    assert_eq!(first["type"], "ack", "{first}");
    acked.insert(
        first["req"].as_str().unwrap().to_owned(),
        first["rev"].as_u64().unwrap(),
    );
    for (i, (c, _)) in phones.iter_mut().enumerate() {
        let (answers, close) = drain(&mut c.ws).await;
        assert_eq!(close, Some(1001), "phone {i}: closed as going away");
        for (req, a) in answers {
            assert_eq!(a["type"], "ack", "every answered command was acked: {a}");
            acked.insert(req, a["rev"].as_u64().unwrap());
        }
    }
    let status = server.wait_exit().await;
    assert!(
        status.success(),
        "SIGTERM is a clean stop: {status}; log:\n{}",
        server.log_text()
    );
    drop(server);

    // On disk: every acked command with its rev, and nothing journaled that
    // its phone was not told about.
    let journaled = journaled_reqs(&site.event_dir());
    for (req, rev) in &acked {
        assert_eq!(journaled.get(req), Some(rev), "acked {req} is on disk");
    }
    for (req, rev) in &journaled {
        if req.starts_with('p') && req.contains('-') {
            assert_eq!(
                acked.get(req),
                Some(rev),
                "journaled {req} was answered before the close"
            );
        }
    }
    assert!(site.event_dir().join("snapshot.json").exists());

    // After a restart the board holds every acked change.
    let server = site.start(&[], None).await;
    let wall = Client::join(&server.ws_url(), Cmd::hello_viewer()).await;
    let top = acked.values().max().copied().unwrap();
    assert!(wall.welcome["rev"].as_u64().unwrap() >= top);
    let sessions = wall.welcome["sessions"].as_array().unwrap();
    for (i, (c, session)) in phones.iter().enumerate() {
        let last_edit = (0..EDITS)
            .rev()
            .find(|k| acked.contains_key(&format!("p{i}-edit-{k}")));
        let s = sessions
            .iter()
            .find(|s| s["id"] == *session)
            .expect("the phone's session is there");
        let want = last_edit.map_or(format!("Phone {i}"), |k| format!("Phone {i} v{k}"));
        assert_eq!(s["title"], want.as_str(), "phone {i}'s last acked title");
        for k in 0..4 {
            if acked.contains_key(&format!("p{i}-claim-{k}")) {
                let title = format!("Sunday {i}.{k}");
                let found = sessions
                    .iter()
                    .find(|s| s["title"] == title.as_str())
                    .unwrap_or_else(|| panic!("acked claim {title} is on the board"));
                assert_eq!(found["owner"], c.id.as_str());
                assert_eq!(found["slot"], format!("sun-{i}").as_str());
            }
        }
    }
}
