//! The ceiling: a minimal tokio-tungstenite broadcast server with no
//! application logic, speaking just enough of slotboard's protocol for the
//! load generator (hello -> welcome; claim/edit/vote/release -> ack + one `event` frame to
//! everyone). No journal, no rules, no rate limits, no pings: whatever
//! slotboard reaches is measured as a ratio of this (docs/benchmarks.md).
//!
//! It is built the way slotboard's transport is (same socket buffers, one
//! task per connection, a `broadcast` ring of frames serialized once, frames
//! taken from the ring in batches and written with one flush), so the ratio
//! shows the cost of the application, not of a different design.
//!
//! ```text
//! cargo run --release --example ceiling -- 127.0.0.1:8090
//! ```

use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

struct State {
    /// The last rev; held while sending so frames go out in rev order.
    rev: Mutex<u64>,
    tx: broadcast::Sender<Utf8Bytes>,
}

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".into());
    let listener = TcpListener::bind(&addr).await.expect("bind");
    println!("ceiling listening on {addr}");
    let (tx, _) = broadcast::channel(1024);
    let state = Arc::new(State {
        rev: Mutex::new(0),
        tx,
    });
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let state = state.clone();
        tokio::spawn(async move {
            let _ = serve(state, stream).await;
        });
    }
}

fn field<'a>(v: &'a serde_json::Value, k: &str) -> &'a str {
    v.get(k).and_then(|x| x.as_str()).unwrap_or("")
}

async fn serve(state: Arc<State>, stream: TcpStream) -> Result<(), Box<dyn std::error::Error>> {
    let _ = stream.set_nodelay(true);
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(1024 * 1024);
    let mut ws = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await?;
    // hello -> welcome, subscribed at that rev.
    let mut rx = loop {
        match ws.next().await {
            Some(Ok(Message::Text(_))) => {
                let (rx, welcome) = {
                    let rev = state.rev.lock().unwrap();
                    let rx = state.tx.subscribe();
                    (
                        rx,
                        format!(r#"{{"type":"welcome","protocol":1,"rev":{}}}"#, *rev),
                    )
                };
                ws.send(Message::text(welcome)).await?;
                break rx;
            }
            Some(Ok(_)) => continue,
            _ => return Ok(()),
        }
    };
    loop {
        tokio::select! {
            msg = ws.next() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                    Some(Ok(_)) => continue,
                };
                let Ok(cmd) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
                let (kind, id) = match field(&cmd, "op") {
                    "claim" => ("claimed", None),
                    "edit" => ("edited", Some(field(&cmd, "session"))),
                    "vote" => ("voted", Some(field(&cmd, "session"))),
                    "release" => ("released", Some(field(&cmd, "session"))),
                    _ => continue,
                };
                let title = serde_json::to_string(field(&cmd, "title"))?;
                let req = serde_json::to_string(field(&cmd, "req"))?;
                let r = {
                    let mut rev = state.rev.lock().unwrap();
                    *rev += 1;
                    let r = *rev;
                let id = id.map_or(format!("s_{r}"), str::to_owned);
                // The same shape and size as slotboard's event frame.
                let frame = if kind == "released" {
                    format!(
                        r#"{{"type":"event","rev":{r},"change":{{"kind":"released","session":"{id}"}},"at":"2026-12-05T08:31:07.118Z","by":"p_0123456789abcdef"}}"#
                    )
                } else if kind == "voted" {
                    let on = cmd.get("on").and_then(|v| v.as_bool()).unwrap_or(true);
                    format!(
                        r#"{{"type":"event","rev":{r},"change":{{"kind":"voted","session":"{id}","votes":1,"voter":"p_0123456789abcdef","on":{on}}},"at":"2026-12-05T08:31:07.118Z","by":"p_0123456789abcdef"}}"#
                    )
                } else {
                    format!(
                    r#"{{"type":"event","rev":{r},"change":{{"kind":"{kind}","session":{{"id":"{id}","slot":"d0-s00","room":"r00","title":{title},"host":"loadgen","description":"","tags":[],"owner":"p_0123456789abcdef","votes":0}}}},"at":"2026-12-05T08:31:07.118Z","by":"p_0123456789abcdef"}}"#
                )
                };
                    let _ = state.tx.send(Utf8Bytes::from(frame));
                    r
                };
                ws.send(Message::text(format!(r#"{{"type":"ack","req":{req},"rev":{r}}}"#))).await?;
            }
            frame = rx.recv() => match frame {
                Ok(f) => {
                    ws.feed(Message::Text(f)).await?;
                    let mut n = 1;
                    while n < 64 {
                        match rx.try_recv() {
                            Ok(f) => ws.feed(Message::Text(f)).await?,
                            Err(_) => break,
                        }
                        n += 1;
                    }
                    ws.flush().await?;
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let rev = *state.rev.lock().unwrap();
                    ws.send(Message::text(format!(r#"{{"type":"welcome","protocol":1,"rev":{rev}}}"#))).await?;
                    rx = rx.resubscribe();
                }
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
        }
    }
}
