//! Faults, end to end (see docs/reliability.md): a journal that cannot be
//! written and then can again, a client that stops reading, and a peer that
//! goes silent without closing. SIGKILL cycles are in `durability.rs` (short)
//! and `scripts/crash-cycles.sh` (100 cycles of 100 phones).

use std::collections::HashMap;
use std::fs;

use serde_json::Value;
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::kit::*;

// ------------------------------------------------------------- disk faults --

/// `req` -> how many times it is in the journal.
fn reqs_in(journal: &std::path::Path) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for line in fs::read_to_string(journal).unwrap_or_default().lines() {
        let v: Value = serde_json::from_str(line).expect("whole journal lines");
        if let Some(r) = v["req"].as_str() {
            *out.entry(r.to_owned()).or_default() += 1;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_journal_refuses_writes_keeps_reads_and_recovers_by_itself() {
    // Files of at most 3 KiB: a few claims with long descriptions fit, then
    // the journal write fails.
    let site = Site::new("", "");
    let server = site.start(&[], Some(3)).await;
    let mut phone = Client::join(&server.ws_url(), Cmd::hello()).await;
    let mut wall = Client::join(&server.ws_url(), Cmd::hello_viewer()).await;
    let description = "d".repeat(450);
    let claim = |i: usize, req: &str| {
        let (slot, room) = cell(i);
        Cmd::claim(slot, room, &format!("Talk {i}"), "Maël")
            .description(&description)
            .req(req)
    };
    let mut acked = 0;
    let (failed_req, failed_cmd) = loop {
        assert!(acked < 12, "a 3 KiB journal fills up within 12 claims");
        let req = format!("c{acked}");
        let cmd = claim(acked, &req);
        phone.send(cmd.clone()).await;
        let a = phone.answer(&req).await;
        if a["type"] == "reject" {
            assert_reject(&a, "unavailable");
            break (req, cmd);
        }
        assert_eq!(a["rev"], acked as u64 + 1, "{a}");
        acked += 1;
    };
    assert!(acked >= 1, "the first claims fit");
    for rev in 1..=acked as u64 {
        wall.expect_event_rev(rev).await;
    }

    // While the disk fails: every write is refused, with the same answer for
    // a retry; reads and pages work; /healthz says which event is sick.
    for _ in 0..2 {
        phone.send(failed_cmd.clone()).await;
        assert_reject(&phone.answer(&failed_req).await, "unavailable");
    }
    let (slot, room) = cell(11);
    let other = phone.command(Cmd::claim(slot, room, "Short", "H")).await;
    assert_reject(&other, "unavailable");
    let r = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert!(r.text().await.unwrap().contains("camp"));
    let board: Value = reqwest::get(server.url("/e/camp/board.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        board["rev"], acked as u64,
        "board.json serves the last durable state"
    );
    assert_eq!(board["sessions"].as_array().unwrap().len(), acked);
    for page in ["/e/camp", "/e/camp/wall", "/e/camp/schedule.ics"] {
        let r = reqwest::get(server.url(page)).await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{page} while the disk fails");
    }
    let late = Client::join(&server.ws_url(), Cmd::hello_viewer()).await;
    assert_eq!(
        late.welcome["rev"], acked as u64,
        "a newcomer gets the durable state"
    );
    assert_eq!(
        reqs_in(&site.journal()).get(&failed_req),
        None,
        "nothing of a refused write stays in the journal"
    );
    assert!(
        fs::read(site.journal()).unwrap().ends_with(b"\n"),
        "the failed write was cut back to whole lines"
    );

    // The disk comes back. Nothing else is done: /healthz turns 200 by
    // itself, before anyone writes (a load balancer that trusts it would
    // otherwise keep everyone out for good).
    server.lift_file_size_limit();
    wait_until("/healthz to recover without a write", PATIENCE, || async {
        let r = reqwest::get(server.url("/healthz")).await.unwrap();
        r.status().as_u16() == 200
    })
    .await;
    assert_eq!(
        reqs_in(&site.journal()).get(&failed_req),
        None,
        "the check wrote nothing into the journal"
    );
    // The same req, retried, is written and acked once; a retry of it gets
    // the same ack.
    phone.send(failed_cmd.clone()).await;
    let ack = phone.answer(&failed_req).await;
    assert_eq!(ack["type"], "ack", "the write resumes by itself: {ack}");
    let rev = acked as u64 + 1;
    assert_eq!(ack["rev"], rev, "{ack}");
    phone.send(failed_cmd.clone()).await;
    assert_eq!(
        phone.answer(&failed_req).await,
        ack,
        "a retry gets the first ack"
    );
    let r = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "healthy again after a good write");
    // The wall sees the change once, and the next one right after it.
    let e = wall.expect_event_rev(rev).await;
    assert_eq!(e["change"]["kind"], "claimed");
    let (slot, room) = cell(10);
    let next = phone.command(Cmd::claim(slot, room, "After", "H")).await;
    assert_eq!(next["rev"], rev + 1, "{next}");
    wall.expect_event_rev(rev + 1).await;
    let board: Value = reqwest::get(server.url("/e/camp/board.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let titles: Vec<&str> = board["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    let failed_title = failed_cmd.json()["title"].as_str().unwrap();
    assert_eq!(
        titles.iter().filter(|t| **t == failed_title).count(),
        1,
        "no duplicate: {titles:?}"
    );
    assert_eq!(reqs_in(&site.journal()).get(&failed_req), Some(&1));
    assert!(server.log_text().contains("journal write failed"));

    // Nothing acked is lost across a crash: SIGKILL, start without a limit.
    server.kill();
    let server = site.start(&[], None).await;
    let viewer = Client::join(&server.ws_url(), Cmd::hello_viewer()).await;
    assert_eq!(viewer.welcome["rev"], rev + 1);
    assert_eq!(
        viewer.welcome["sessions"].as_array().unwrap().len(),
        acked + 2,
        "every acked claim, once"
    );
    let mut again = Client::join(&server.ws_url(), Cmd::hello().token(&phone.token)).await;
    again.send(failed_cmd.clone()).await;
    assert_eq!(
        again.answer(&failed_req).await,
        ack,
        "after a restart too, the retry gets the first ack"
    );
}

// ------------------------------------------------------ slow and dead peers --

/// A WebSocket whose receive buffer is as small as the kernel allows, so
/// that a client that stops reading stalls the server's writes quickly.
async fn small_buffer_socket(camp: &TestServer, hello: Cmd) -> Ws {
    let sock = TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    let stream = sock.connect(camp.addr).await.unwrap();
    let req = camp.ws_url().into_client_request().unwrap();
    let (mut ws, _) =
        tokio_tungstenite::client_async(req, tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await
            .expect("upgrade");
    futures_util::SinkExt::send(
        &mut ws,
        tokio_tungstenite::tungstenite::Message::text(hello.to_string()),
    )
    .await
    .unwrap();
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_dropped_while_the_others_get_every_event() {
    let camp = TestServer::start_with(
        "write_timeout_secs = 1\nbroadcast_buffer = 64\n\
         commands_per_sec = 100000\ncommand_burst = 100000\nip_commands_per_sec = 100000\nip_command_burst = 100000",
    )
    .await;
    let mut watcher = camp.viewer().await;
    let mut phone = camp.participant().await;
    // Says hello, then never reads again: not even its welcome.
    let stalled = small_buffer_socket(&camp, Cmd::hello_viewer()).await;
    watcher.expect_presence(3).await;

    // The phone keeps editing one session with a long description. The
    // stalled socket's buffers fill, its writes stall past the write
    // timeout (or it lags the ring too often) and the server drops it,
    // which the watcher sees as presence going back to 2. Meanwhile the
    // watcher must get every event, in order.
    let session = phone.claim_ok("sat-0930", "amphi", "Busy").await;
    let mut rev = watcher.expect_event().await["rev"].as_u64().unwrap();
    assert_eq!(rev, 1);
    let long = "x".repeat(490);
    let mut n = 0;
    while watcher.presence != Some(2) {
        assert!(n < 50_000, "the stalled client was never dropped");
        // 16 edits at a time (fewer than the ring holds), then their answers, then their events.
        let mut reqs = Vec::new();
        for _ in 0..16 {
            n += 1;
            let req = format!("e{n}");
            phone
                .send(
                    Cmd::edit(&session)
                        .req(&req)
                        .title(&format!("Busy {n}"))
                        .description(&long),
                )
                .await;
            reqs.push(req);
        }
        let mut want = rev;
        for req in reqs {
            let a = phone.answer(&req).await;
            a.expect_ack();
            want = want.max(a["rev"].as_u64().unwrap());
        }
        while rev < want {
            rev += 1;
            watcher.expect_event_rev(rev).await;
        }
        // The phone reads its own events too, or it would stall as well.
        while phone.unread_events() > 0 {
            phone.expect_event().await;
        }
    }
    eprintln!("the stalled client was dropped after {n} edits");
    // Once dropped, it stays dropped; everyone else carries on.
    drop(stalled);
    let a = phone.command(Cmd::edit(&session).title("Calm")).await;
    watcher.expect_event_rev(a["rev"].as_u64().unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_goes_silent_without_closing_is_dropped_after_the_idle_timeout() {
    let camp = TestServer::start_with("ping_interval_secs = 1\nidle_timeout_secs = 2").await;
    let mut watcher = camp.viewer().await;
    // Connects, says hello, then is never read nor written again, and never
    // sends a FIN: to the server it is a phone that left the venue wifi.
    // (Nothing reads its socket, so not even the pings get an answer.)
    let ghost = small_buffer_socket(&camp, Cmd::hello()).await;
    watcher.expect_presence(2).await;
    // The watcher answers pings (it reads), the ghost does not.
    watcher.expect_presence(1).await;
    let mut phone = camp.participant().await;
    phone.claim_ok("sat-0930", "amphi", "After the ghost").await;
    watcher.expect_event_rev(1).await;
    drop(ghost);
}
