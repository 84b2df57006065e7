//! Slow and greedy HTTP clients of issue 10, over raw TCP against the real
//! server: half-sent headers and stalled bodies are closed in time, an
//! oversized header block is refused, plain HTTP connections over the
//! per-IP cap are refused while others still get in, and WebSockets and
//! keep-alive clients still work. The server runs with timeouts of 300 ms;
//! every wait is for the close or the answer itself, bounded by `PATIENCE`.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::kit::*;

const FAST: &str = "header_read_timeout_ms = 300\nbody_read_timeout_ms = 300";

/// Everything the server sends until it closes the connection, or `None`
/// when it did not close it within `PATIENCE`.
async fn read_to_close(tcp: &mut TcpStream) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 4096];
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&got).into_owned())
}

/// A TCP connection to `server` from the local address `from`.
async fn connect_from(from: &str, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    socket.connect(server).await.unwrap()
}

/// One response read off a keep-alive connection: its head and body.
async fn read_response(tcp: &mut TcpStream) -> (String, String) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = tokio::time::timeout(PATIENCE, tcp.read(&mut buf))
            .await
            .expect("a response in time")
            .unwrap();
        assert!(n > 0, "closed before a response: {got:?}");
        got.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&got[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().unwrap())
        })
        .expect("a content-length");
    while got.len() < head_end + length {
        let n = tokio::time::timeout(PATIENCE, tcp.read(&mut buf))
            .await
            .expect("a body in time")
            .unwrap();
        assert!(n > 0, "closed inside a body");
        got.extend_from_slice(&buf[..n]);
    }
    let body = String::from_utf8_lossy(&got[head_end..head_end + length]).into_owned();
    (head, body)
}

/// A complete `GET /healthz` from `from`, and the status line of its answer
/// (or of the refusal the server wrote at once).
async fn healthz_from(from: &str, server: SocketAddr) -> String {
    let mut tcp = connect_from(from, server).await;
    let _ = tcp
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: barcamp.test\r\nconnection: close\r\n\r\n")
        .await;
    let answer = read_to_close(&mut tcp).await.expect("the server closes");
    answer.lines().next().unwrap_or("").to_owned()
}

#[tokio::test]
async fn half_sent_headers_and_silent_connections_are_closed_in_time() {
    let camp = TestServer::start_with(FAST).await;
    let mut half = TcpStream::connect(camp.addr).await.unwrap();
    half.write_all(b"GET /e/camp HTTP/1.1\r\nhost: barcamp.test\r\nx-pad: aaaa")
        .await
        .unwrap();
    let mut silent = TcpStream::connect(camp.addr).await.unwrap();
    assert!(
        read_to_close(&mut half).await.is_some(),
        "a half-sent request is still open"
    );
    assert!(
        read_to_close(&mut silent).await.is_some(),
        "a connection that never sent a byte is still open"
    );
    // The server still answers everyone else.
    assert_eq!(get(&camp, "/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_stalled_form_body_is_answered_408_in_time_and_nothing_is_applied() {
    let camp = TestServer::start_with(FAST).await;
    for accept in ["text/html", "application/json"] {
        let mut tcp = TcpStream::connect(camp.addr).await.unwrap();
        let head = format!(
            "POST /e/camp/claim HTTP/1.1\r\nhost: barcamp.test\r\naccept: {accept}\r\n\
             content-type: application/x-www-form-urlencoded\r\ncontent-length: 4000\r\n\r\n\
             slot=sat-0930&room=amphi&title=Rust&host=M"
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        let answer = read_to_close(&mut tcp)
            .await
            .expect("a stalled body is still open");
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        if accept == "application/json" {
            assert!(answer.contains(r#""code":"timeout""#), "{answer}");
        } else {
            assert!(answer.contains("Too slow"), "{answer}");
            assert!(answer.contains("Trop lent"), "{answer}");
        }
    }
    let board = get_json(&camp, "/e/camp/board.json").await;
    assert_eq!(board["rev"], 0, "{board}");
}

#[tokio::test]
async fn an_oversized_header_block_is_refused_and_a_normal_one_served() {
    let camp = TestServer::start().await;
    let mut tcp = TcpStream::connect(camp.addr).await.unwrap();
    let pad = "a".repeat(20 * 1024);
    let request = format!(
        "GET /healthz HTTP/1.1\r\nhost: barcamp.test\r\nx-pad: {pad}\r\nconnection: close\r\n\r\n"
    );
    let _ = tcp.write_all(request.as_bytes()).await;
    let answer = read_to_close(&mut tcp).await.expect("the server closes");
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer:.200}");

    let mut tcp = TcpStream::connect(camp.addr).await.unwrap();
    let pad = "a".repeat(8 * 1024);
    let request = format!(
        "GET /healthz HTTP/1.1\r\nhost: barcamp.test\r\ncookie: x={pad}\r\nconnection: close\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let answer = read_to_close(&mut tcp).await.expect("the server closes");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:.200}");
}

/// A cap of three sockets per address, two of them WebSockets at most.
const CAP_3: &str = "max_connections_per_ip = 2\nmax_tcp_connections_per_ip = 3";

#[tokio::test]
async fn connections_over_the_per_ip_cap_are_refused_while_others_get_in() {
    let camp = TestServer::start_with(CAP_3).await;
    // Three idle connections from 127.0.0.1 fill its cap (the accept loop
    // admits them in order, before the fourth).
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect_from("127.0.0.1", camp.addr).await);
    }
    let mut fourth = connect_from("127.0.0.1", camp.addr).await;
    let refused = read_to_close(&mut fourth)
        .await
        .expect("refused and closed");
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    assert!(refused.contains("Too many connections"), "{refused}");
    assert!(refused.contains("Trop de connexions"), "{refused}");
    // Another address still gets in.
    assert_eq!(
        healthz_from("127.0.0.2", camp.addr).await,
        "HTTP/1.1 200 OK"
    );
    // One closed connection gives its place back.
    drop(held.pop());
    wait_for("a place freed by a closed connection", PATIENCE, || async {
        (healthz_from("127.0.0.1", camp.addr).await == "HTTP/1.1 200 OK").then_some(())
    })
    .await;
}

#[tokio::test]
async fn websockets_and_keep_alive_clients_still_work_under_the_limits() {
    let camp = TestServer::start_with(&format!("{FAST}\n{CAP_3}")).await;
    // Two WebSockets hold one place each among the three: a keep-alive
    // connection still gets the third, and serves request after request.
    let mut a = camp.participant().await;
    let mut b = camp.participant().await;
    a.claim_ok("sat-0930", "amphi", "Rust").await;
    let mut tcp = TcpStream::connect(camp.addr).await.unwrap();
    for _ in 0..3 {
        tcp.write_all(b"GET /healthz HTTP/1.1\r\nhost: barcamp.test\r\n\r\n")
            .await
            .unwrap();
        let (head, body) = read_response(&mut tcp).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert_eq!(body, "ok\n");
    }
    // Idle past the header timeout, it is closed, and its place freed.
    assert!(
        read_to_close(&mut tcp).await.is_some(),
        "an idle keep-alive connection is still open"
    );
    wait_for("the keep-alive connection's place", PATIENCE, || async {
        (healthz_from("127.0.0.1", camp.addr).await == "HTTP/1.1 200 OK").then_some(())
    })
    .await;
    // The WebSockets lived through it all: the header timeout is HTTP's.
    b.claim_ok("sat-1030", "amphi", "Tokio").await;
    // A closed WebSocket gives its place back too: with it gone, two more
    // connections fit beside the one left.
    a.leave().await;
    wait_for("the closed WebSocket's place", PATIENCE, || async {
        let one = connect_from("127.0.0.1", camp.addr).await;
        let status = healthz_from("127.0.0.1", camp.addr).await;
        drop(one);
        (status == "HTTP/1.1 200 OK").then_some(())
    })
    .await;
}

fn check(extra_server: &str) -> Result<slotboard::config::Config, String> {
    let dir = tempfile::tempdir().unwrap();
    let text = config_text(dir.path(), extra_server);
    let overrides = slotboard::config::Overrides::default();
    slotboard::config::Config::from_toml_str(&text, "test.toml", &overrides)
        .map_err(|e| e.to_string())
}

#[test]
fn the_http_keys_have_safe_defaults_and_bad_values_are_clear_errors() {
    let c = check("").unwrap();
    assert_eq!(c.server.header_read_timeout_ms, 10_000);
    assert_eq!(c.server.body_read_timeout_ms, 10_000);
    assert_eq!(c.server.max_tcp_connections_per_ip, 6000);
    for (extra, key, words) in [
        (
            "header_read_timeout_ms = 0",
            "server.header_read_timeout_ms",
            "at least 1",
        ),
        (
            "body_read_timeout_ms = 0",
            "server.body_read_timeout_ms",
            "at least 1",
        ),
        (
            "max_tcp_connections_per_ip = 100",
            "server.max_tcp_connections_per_ip",
            "below max_connections_per_ip (5000)",
        ),
    ] {
        let err = check(extra).expect_err(extra);
        assert!(err.starts_with(&format!("test.toml: {key}: ")), "{err}");
        assert!(err.contains(words), "{err}");
    }
    // Lowering both together is fine; unset, it follows the WebSocket cap.
    assert!(check("max_connections_per_ip = 50\nmax_tcp_connections_per_ip = 60").is_ok());
    let c = check("max_connections_per_ip = 100000").unwrap();
    assert_eq!(c.server.max_tcp_connections_per_ip, 101_000);
}

#[tokio::test]
async fn slow_clients_do_not_hold_a_shutdown() {
    let mut camp = TestServer::start_with(FAST).await;
    let mut half = TcpStream::connect(camp.addr).await.unwrap();
    half.write_all(b"GET /e/camp HTTP/1.1\r\nhost: barcamp.test\r\n")
        .await
        .unwrap();
    let mut body = TcpStream::connect(camp.addr).await.unwrap();
    body.write_all(
        b"POST /e/camp/vote HTTP/1.1\r\nhost: barcamp.test\r\n\
          content-type: application/x-www-form-urlencoded\r\ncontent-length: 500\r\n\r\nsession=",
    )
    .await
    .unwrap();
    let mut idle = TcpStream::connect(camp.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: barcamp.test\r\n\r\n")
        .await
        .unwrap();
    let (head, _) = read_response(&mut idle).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // Before, the graceful shutdown waited for these requests for good.
    tokio::time::timeout(PATIENCE, camp.stop())
        .await
        .expect("the server stops despite its slow clients");
    for tcp in [&mut half, &mut body, &mut idle] {
        assert!(read_to_close(tcp).await.is_some());
    }
}
