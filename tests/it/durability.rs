//! The real `slotboard` binary, killed and restarted on the same data folder:
//! every change it acked is still there, revisions carry on, a clean SIGTERM
//! leaves a snapshot, and a damaged journal stops it without touching a byte.

use std::collections::BTreeMap;
use std::fs;

use serde_json::Value;

use crate::kit::*;

// ---------------------------------------------------------------- helpers --

async fn newcomer(server: &Running) -> Client {
    Client::join(&server.ws_url(), Cmd::hello()).await
}

async fn returning(server: &Running, token: &str) -> Client {
    Client::join(&server.ws_url(), Cmd::hello().token(token)).await
}

/// What the tests know was acked: session id -> (title, owner id, votes),
/// and the highest acked rev.
#[derive(Default)]
struct Acked {
    sessions: BTreeMap<String, (String, String, u64)>,
    cells: BTreeMap<String, (String, String)>,
    top: u64,
}

impl Acked {
    fn saw(&mut self, answer: &Answer) -> u64 {
        assert_eq!(
            answer["type"], "ack",
            "every command of the burst is acked: {answer}"
        );
        let rev = answer["rev"].as_u64().unwrap();
        self.top = self.top.max(rev);
        rev
    }

    /// Checks a `welcome` holds every acked change.
    fn check(&self, welcome: &Value, when: &str) {
        assert!(
            welcome["rev"].as_u64().unwrap() >= self.top,
            "{when}: welcome rev {} < highest ack {}",
            welcome["rev"],
            self.top
        );
        assert_eq!(
            welcome["rev"].as_u64().unwrap(),
            self.top,
            "{when}: every command was answered, so no other change exists"
        );
        let mut found = BTreeMap::new();
        for s in welcome["sessions"].as_array().unwrap() {
            let id = s["id"].as_str().unwrap().to_owned();
            let cell = (
                s["slot"].as_str().unwrap().to_owned(),
                s["room"].as_str().unwrap().to_owned(),
            );
            assert_eq!(self.cells.get(&id), Some(&cell), "{when}: cell of {id}");
            found.insert(
                id,
                (
                    s["title"].as_str().unwrap().to_owned(),
                    s["owner"].as_str().unwrap().to_owned(),
                    s["votes"].as_u64().unwrap(),
                ),
            );
        }
        assert_eq!(
            found, self.sessions,
            "{when}: the sessions are the acked ones"
        );
    }
}

/// One phone at the camp, always holding cell `i`.
struct Phone {
    i: usize,
    client: Client,
    session: Option<String>,
    reqs: usize,
    /// The last edit sent, with its ack, to retry it after a restart.
    last_edit: Option<(Value, Answer)>,
}

impl Phone {
    fn req(&mut self, cycle: usize) -> String {
        self.reqs += 1;
        format!("p{}-c{cycle}-{}", self.i, self.reqs)
    }

    async fn send(&mut self, cycle: usize, cmd: Cmd) -> (String, Value) {
        let req = self.req(cycle);
        let cmd: Value = cmd.req(&req).into();
        self.client.send(cmd.clone()).await;
        (req, cmd)
    }
}

/// The burst of one cycle: each phone releases its old session and claims
/// its cell again (20 commands, sent before any answer is read), then edits
/// its new session three times and votes for two others (50 commands).
async fn burst(phones: &mut [Phone], cycle: usize, acked: &mut Acked) {
    let mut sent = Vec::new();
    for p in phones.iter_mut() {
        let mut reqs = Vec::new();
        if let Some(s) = p.session.clone() {
            reqs.push(p.send(cycle, Cmd::release(&s)).await.0);
        }
        let (slot, room) = cell(p.i);
        let title = format!("Cycle {cycle} talk {}", p.i);
        let claim = Cmd::claim(slot, room, &title, "Maël");
        reqs.push(p.send(cycle, claim).await.0);
        sent.push(reqs);
    }
    for (p, reqs) in phones.iter_mut().zip(sent) {
        if let Some(old) = p.session.take() {
            acked.saw(&p.client.answer(&reqs[0]).await);
            acked.sessions.remove(&old);
            acked.cells.remove(&old);
        }
        let rev = acked.saw(&p.client.answer(reqs.last().unwrap()).await);
        let id = loop {
            let e = p.client.expect_event().await;
            if e["rev"] == rev {
                break e["change"]["session"]["id"].as_str().unwrap().to_owned();
            }
        };
        let (slot, room) = cell(p.i);
        acked.sessions.insert(
            id.clone(),
            (
                format!("Cycle {cycle} talk {}", p.i),
                p.client.id.clone(),
                0,
            ),
        );
        acked
            .cells
            .insert(id.clone(), (slot.to_owned(), room.to_owned()));
        p.session = Some(id);
    }

    let ids: Vec<String> = phones.iter().map(|p| p.session.clone().unwrap()).collect();
    let mut sent = Vec::new();
    for p in phones.iter_mut() {
        let own = p.session.clone().unwrap();
        let mut cmds = Vec::new();
        for k in 1..=3 {
            let title = format!("Cycle {cycle} talk {} v{k}", p.i);
            cmds.push(p.send(cycle, Cmd::edit(&own).title(&title)).await);
        }
        for d in [1, 2] {
            let other = &ids[(p.i + d) % ids.len()];
            cmds.push(p.send(cycle, Cmd::vote(other, true)).await);
        }
        sent.push(cmds);
    }
    for (p, cmds) in phones.iter_mut().zip(sent) {
        for (req, cmd) in cmds {
            let answer = p.client.answer(&req).await;
            acked.saw(&answer);
            let session = cmd["session"].as_str().unwrap().to_owned();
            let entry = acked.sessions.get_mut(&session).unwrap();
            if cmd["op"] == "edit" {
                entry.0 = cmd["title"].as_str().unwrap().to_owned();
                p.last_edit = Some((cmd, answer));
            } else {
                entry.2 += 1;
            }
        }
    }
}

// ------------------------------------------------------------------ tests --

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_right_after_a_burst_loses_no_acked_change_three_times_over() {
    let site = Site::new("", "");
    let mut acked = Acked::default();
    let mut server = site.start(&[], None).await;
    let mut phones = Vec::new();
    for i in 0..10 {
        let client = newcomer(&server).await;
        phones.push(Phone {
            i,
            client,
            session: None,
            reqs: 0,
            last_edit: None,
        });
    }

    for cycle in 1..=3 {
        burst(&mut phones, cycle, &mut acked).await;
        // The last ack is in: pull the plug at once.
        server.kill();

        server = site.start(&[], None).await;
        let wall = newcomer(&server).await;
        acked.check(&wall.welcome, &format!("after SIGKILL {cycle}"));

        // Every phone comes back with its token and still owns its session.
        let mut back = Vec::new();
        for p in phones.drain(..) {
            let client = returning(&server, &p.client.token).await;
            assert_eq!(client.id, p.client.id, "the same participant");
            back.push(Phone { client, ..p });
        }
        phones = back;

        // A retry of an acked edit, after the restart, is answered with its
        // first ack and changes nothing.
        let (cmd, first) = phones[0].last_edit.clone().unwrap();
        phones[0].client.send(cmd.clone()).await;
        let again = phones[0].client.answer(cmd["req"].as_str().unwrap()).await;
        assert_eq!(
            again, first,
            "cycle {cycle}: a retried req gets its first answer"
        );

        // A newcomer's claim continues the revs without a gap.
        let mut probe = newcomer(&server).await;
        assert_eq!(probe.welcome["rev"], wall.welcome["rev"]);
        let (slot, room) = cell(10);
        let a = probe.claim(slot, room, "Probe").await;
        a.expect_ack();
        assert_eq!(
            a["rev"].as_u64().unwrap(),
            wall.welcome["rev"].as_u64().unwrap() + 1,
            "cycle {cycle}: rev continues after the restart"
        );
        let rev = acked.saw(&a);
        let probe_session = loop {
            let e = probe.expect_event().await;
            if e["rev"] == rev {
                break e["change"]["session"]["id"].as_str().unwrap().to_owned();
            }
        };
        let a = probe.command(Cmd::release(&probe_session)).await;
        assert_eq!(a["rev"].as_u64(), Some(rev + 1), "{a}");
        acked.saw(&a);
    }
    server.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_sockets_exits_zero_and_leaves_a_snapshot() {
    let site = Site::new("", "");
    let mut server = site.start(&[], None).await;
    let mut phone = newcomer(&server).await;
    let mut titles = Vec::new();
    for i in 0..3 {
        let (slot, room) = cell(i);
        let title = format!("Talk {i}");
        phone.claim_ok(slot, room, &title).await;
        titles.push(title);
    }
    assert!(!site.event_dir().join("snapshot.json").exists());

    server.terminate();
    let close = phone.expect_close().await;
    assert_eq!(close_code(&close), 1001, "sockets are closed as going away");
    let status = server.wait_exit().await;
    assert!(
        status.success(),
        "SIGTERM is a clean stop, got {status}; log:\n{}",
        server.log_text()
    );
    drop(server);

    let snapshot: Value =
        serde_json::from_slice(&fs::read(site.event_dir().join("snapshot.json")).unwrap())
            .expect("snapshot.json is JSON");
    assert_eq!(
        snapshot["board"]["rev"], 3,
        "the snapshot is at the last change"
    );
    assert_eq!(
        fs::read(site.journal()).unwrap(),
        b"",
        "the journal was sealed into history/"
    );

    let server = site.start(&[], None).await;
    let wall = newcomer(&server).await;
    assert_eq!(wall.welcome["rev"], 3);
    let mut found: Vec<String> = wall.welcome["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    assert_eq!(found, titles);
    server.kill();
}

/// Three acked claims, then SIGKILL: a journal of three lines.
async fn three_claims_then_sigkill(site: &Site) {
    let server = site.start(&[], None).await;
    let mut phone = newcomer(&server).await;
    for i in 0..3 {
        let (slot, room) = cell(i);
        phone.claim_ok(slot, room, &format!("Talk {i}")).await;
    }
    server.kill();
    let text = fs::read_to_string(site.journal()).unwrap();
    assert_eq!(change_lines(&text).len(), 3, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_journal_line_stops_the_server_and_touches_nothing() {
    let site = Site::new("", "");
    three_claims_then_sigkill(&site).await;
    let text = fs::read_to_string(site.journal()).unwrap();
    // A journal as written before formats were numbered: no header.
    let lines = change_lines(&text);
    let damaged = format!("{}\n{{\"type\":\"ev#garbage\n{}\n", lines[0], lines[2]);
    fs::write(site.journal(), &damaged).unwrap();

    let (status, log) = site.run_to_exit().await;
    assert!(
        !status.success(),
        "a corrupt journal stops the start: {status}"
    );
    let journal = site.journal().display().to_string();
    assert!(
        log.contains(&journal),
        "the message names {journal}:\n{log}"
    );
    assert!(log.contains("line 2"), "the message names the line:\n{log}");
    assert!(!log.contains("panicked"), "no panic:\n{log}");
    assert_eq!(
        fs::read_to_string(site.journal()).unwrap(),
        damaged,
        "the journal is left byte for byte"
    );
    assert!(!site.event_dir().join("snapshot.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_last_line_is_dropped_with_a_warning_and_the_server_starts() {
    let site = Site::new("", "");
    three_claims_then_sigkill(&site).await;
    let full = fs::read_to_string(site.journal()).unwrap();
    let mut torn = full.clone();
    torn.push_str(&change_lines(&full)[0][..30]);
    fs::write(site.journal(), &torn).unwrap();

    let server = site.start(&[], None).await;
    assert!(
        server.log_text().contains("torn"),
        "the cut is logged as a warning:\n{}",
        server.log_text()
    );
    assert_eq!(fs::read_to_string(site.journal()).unwrap(), full);
    let mut phone = newcomer(&server).await;
    assert_eq!(phone.welcome["rev"], 3);
    let (slot, room) = cell(3);
    let a = phone.claim(slot, room, "After the tear").await;
    assert_eq!(a["rev"], 4, "{a}");
    server.kill();
}
