//! Abuse: the per-IP connection cap (and the trusted proxies that decide what
//! the IP is), the server-wide connection limit, no permessage-deflate, and
//! the config keys behind them.

use std::io::Write;
use std::sync::{Arc, Mutex};

use slotboard::config::{Config, Overrides};
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::kit::*;

/// An upgrade request for `camp`'s socket, with extra headers.
fn request(camp: &TestServer, headers: &[(&'static str, &str)]) -> Request {
    let mut req = ws_request(&camp.ws_url());
    for (name, value) in headers {
        req.headers_mut()
            .append(*name, HeaderValue::from_str(value).unwrap());
    }
    req
}

/// Connects and says hello; the socket is ready for commands.
async fn join_with(camp: &TestServer, headers: &[(&'static str, &str)]) -> Client {
    let mut c = Client::connect_request(request(camp, headers))
        .await
        .expect("the upgrade is accepted");
    c.hello(Cmd::hello()).await;
    c
}

/// The status and body of a refused upgrade; panics if it was accepted.
async fn refused(camp: &TestServer, headers: &[(&'static str, &str)]) -> (u16, String) {
    match tokio_tungstenite::connect_async(request(camp, headers)).await {
        Ok(_) => panic!("the upgrade was accepted"),
        Err(tungstenite::Error::Http(resp)) => {
            let body = resp
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            (resp.status().as_u16(), body)
        }
        Err(e) => panic!("expected an HTTP refusal, got {e}"),
    }
}

/// Retries an upgrade until it is accepted (a closed socket's place comes
/// back when the server has seen it close).
async fn join_eventually(camp: &TestServer, headers: &[(&'static str, &str)]) -> Client {
    let mut c = wait_for("a place to come back", PATIENCE, || async {
        Client::connect_request(request(camp, headers)).await.ok()
    })
    .await;
    c.hello(Cmd::hello()).await;
    c
}

#[tokio::test]
async fn the_fourth_connection_from_one_ip_is_refused_and_the_first_three_keep_working() {
    let camp = TestServer::start_with("max_connections_per_ip = 3").await;
    let mut a = camp.participant().await;
    let mut b = camp.participant().await;
    let mut c = camp.participant().await;

    let (status, body) = refused(&camp, &[]).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("Too many connections"), "{body}");
    assert!(body.contains("at most 3"), "{body}");

    // The three are untouched: each can still act and hear the others.
    a.claim_ok("sat-0930", "amphi", "Rust at the venue").await;
    b.expect_event().await;
    c.expect_event().await;
    b.claim_ok("sat-0930", "sein", "Mesh networks").await;
    c.claim_ok("sat-1030", "amphi", "Crêpes").await;

    // Closing one lets a new one in.
    a.leave().await;
    let mut d = join_eventually(&camp, &[]).await;
    d.claim_ok("sat-1130", "amphi", "Late arrival").await;
    assert_eq!(refused(&camp, &[]).await.0, 429);
}

#[tokio::test]
async fn forwarded_for_is_ignored_from_an_untrusted_peer() {
    let camp = TestServer::start_with("max_connections_per_ip = 1").await;
    let _first = join_with(&camp, &[("x-forwarded-for", "203.0.113.1")]).await;
    // Another forwarded address does not make 127.0.0.1 someone else.
    let (status, body) = refused(&camp, &[("x-forwarded-for", "203.0.113.2")]).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(refused(&camp, &[]).await.0, 429);
}

#[tokio::test]
async fn forwarded_for_from_a_trusted_proxy_gives_each_client_its_own_cap() {
    let camp = TestServer::start_with(
        "max_connections_per_ip = 1\ntrusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]",
    )
    .await;
    let mut one = join_with(&camp, &[("x-forwarded-for", "203.0.113.1")]).await;
    let mut two = join_with(&camp, &[("x-forwarded-for", "203.0.113.2")]).await;
    // A chain through an inner trusted proxy: the client is the rightmost
    // untrusted hop, whatever the client itself prepended.
    let (status, body) = refused(
        &camp,
        &[("x-forwarded-for", "198.51.100.7, 203.0.113.1, 10.1.2.3")],
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        refused(&camp, &[("x-forwarded-for", "203.0.113.2")])
            .await
            .0,
        429
    );
    // The proxy's own address (no header) is a client of its own.
    let _direct = join_with(&camp, &[]).await;
    one.claim_ok("sat-0930", "amphi", "From behind the proxy")
        .await;
    two.expect_event().await;
}

#[tokio::test]
async fn beyond_max_connections_the_upgrade_gets_503() {
    let camp = TestServer::start_with("max_connections = 2").await;
    let a = camp.participant().await;
    let _b = camp.viewer().await;
    let (status, body) = refused(&camp, &[]).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("server is full"), "{body}");
    // Plain pages are still served.
    assert_eq!(http_get(&camp, "/e/camp/board.json").await.0, 200);
    a.leave().await;
    let _c = join_eventually(&camp, &[]).await;
}

#[tokio::test]
async fn no_permessage_deflate_is_negotiated() {
    let camp = TestServer::start().await;
    let req = request(
        &camp,
        &[(
            "sec-websocket-extensions",
            "permessage-deflate; client_max_window_bits",
        )],
    );
    let (mut ws, resp) = tokio_tungstenite::connect_async(req)
        .await
        .expect("the upgrade is accepted, without the extension");
    assert_eq!(resp.status().as_u16(), 101);
    assert!(
        resp.headers().get("sec-websocket-extensions").is_none(),
        "{:?}",
        resp.headers()
    );
    let _ = ws.close(None).await;
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread: the subscriber set for this thread sees the server's tasks too.
#[tokio::test(flavor = "current_thread")]
async fn refusals_are_logged_once_not_per_request() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    // Callsites first hit by other tests (other threads, no subscriber)
    // cached "never": have them ask again, now that this thread listens.
    tracing::callsite::rebuild_interest_cache();

    let camp = TestServer::start_with("max_connections_per_ip = 1").await;
    let _only = camp.participant().await;
    for _ in 0..5 {
        assert_eq!(refused(&camp, &[]).await.0, 429);
    }
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("the open-file limit permits") || log.contains("no open-file limit"),
        "{log}"
    );
    let refusals = log.matches("at its connection cap").count();
    assert_eq!(refusals, 1, "{log}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_rate_limited_connection_is_logged_once_not_per_message() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    // Callsites first hit by other tests (other threads, no subscriber)
    // cached "never": have them ask again, now that this thread listens.
    tracing::callsite::rebuild_interest_cache();

    let camp = TestServer::start_with("commands_per_sec = 1\ncommand_burst = 1").await;
    let mut phone = camp.participant().await;
    // Ten votes at once: the burst lets one through, most of the rest are
    // refused (however slow the machine, ten frames in one go outrun one
    // token a second).
    let reqs: Vec<String> = (0..10).map(|_| phone.next_req()).collect();
    for req in &reqs {
        phone.send(Cmd::vote("s_99", true).req(req)).await;
    }
    let mut limited = 0;
    for req in &reqs {
        if phone.answer(req).await["code"] == "rate_limited" {
            limited += 1;
        }
    }
    assert!(limited >= 1, "no command was rate limited");
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        log.matches("rate limiting this connection").count(),
        1,
        "{log}"
    );
    assert!(!log.contains(&phone.token), "{log}");
}

#[tokio::test]
async fn connections_from_one_address_share_its_command_rate() {
    // Behind a trusted proxy, so X-Forwarded-For says who is who.
    let camp = TestServer::start_with(
        "ip_commands_per_sec = 1\nip_command_burst = 3\ntrusted_proxies = [\"127.0.0.1\"]",
    )
    .await;
    let venue = [("x-forwarded-for", "203.0.113.7")];
    let (mut a, mut b) = (
        join_with(&camp, &venue).await,
        join_with(&camp, &venue).await,
    );
    let mut elsewhere = join_with(&camp, &[("x-forwarded-for", "198.51.100.9")]).await;
    // Ten commands from the venue's address, five on each connection, each
    // well within its own connection's rate: the address's burst is three,
    // and ten frames in one go outrun one token a second.
    let mut sent = Vec::new();
    for _ in 0..5 {
        for c in [&mut a, &mut b] {
            let req = c.next_req();
            c.send(Cmd::vote("s_99", true).req(&req)).await;
            sent.push(req);
        }
    }
    let mut limited = Vec::new();
    for (i, req) in sent.iter().enumerate() {
        let c = if i % 2 == 0 { &mut a } else { &mut b };
        let answer = c.answer(req).await;
        if answer["code"] == "rate_limited" {
            limited.push(answer);
        }
    }
    assert!(limited.len() >= 5, "{limited:?}");
    assert!(
        limited
            .iter()
            .all(|r| r["message"].as_str().unwrap().contains("from your network")),
        "{limited:?}"
    );
    // Another address is not affected.
    let answer = elsewhere.command(Cmd::vote("s_99", true)).await;
    assert_ne!(answer["code"], "rate_limited", "{answer}");
}

fn check(extra_server: &str) -> Result<Config, String> {
    let dir = tempfile::tempdir().unwrap();
    let text = config_text(dir.path(), extra_server);
    Config::from_toml_str(&text, "test.toml", &Overrides::default()).map_err(|e| e.to_string())
}

#[test]
fn the_new_keys_have_safe_defaults_and_bad_values_are_clear_errors() {
    let c = check("").unwrap();
    assert_eq!(c.server.max_connections_per_ip, 5000);
    assert_eq!(c.server.max_connections, None);
    assert_eq!(c.server.reserved_fds, 256);
    assert!(c.server.trusted_proxies.is_empty());
    assert_eq!(c.server.ip_commands_per_sec, 1000);
    assert_eq!(c.server.ip_command_burst, 5000);
    assert_eq!(c.server.listen_backlog, 8192);

    let c = check("trusted_proxies = [\" 10.0.0.0/8\", \"::1\", \"192.0.2.7/32\"]").unwrap();
    assert_eq!(c.server.trusted_proxies, ["10.0.0.0/8", "::1", "192.0.2.7"]);

    for (extra, key, words) in [
        (
            "max_connections_per_ip = 0",
            "server.max_connections_per_ip",
            "at least 1",
        ),
        (
            "max_connections = 0",
            "server.max_connections",
            "refuse every",
        ),
        ("reserved_fds = 3", "server.reserved_fds", "at least 16"),
        (
            "ip_commands_per_sec = 0",
            "server.ip_commands_per_sec",
            "at least 1",
        ),
        (
            "ip_command_burst = 0",
            "server.ip_command_burst",
            "at least 1",
        ),
        ("listen_backlog = 0", "server.listen_backlog", "at least 1"),
        (
            "trusted_proxies = [\"proxy.example\"]",
            "server.trusted_proxies[0]",
            "not an IP address",
        ),
        (
            "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/40\"]",
            "server.trusted_proxies[1]",
            "prefix length",
        ),
    ] {
        let err = check(extra).expect_err(extra);
        assert!(err.starts_with(&format!("test.toml: {key}: ")), "{err}");
        assert!(err.contains(words), "{err}");
    }
    let err = check("max_connections_per_ip = -1").expect_err("negative");
    assert!(err.contains("max_connections_per_ip"), "{err}");
    let err = check("trusted_proxies = \"127.0.0.1\"").expect_err("not a list");
    assert!(err.contains("trusted_proxies"), "{err}");
}
