//! Durable changes per second through one event's writer and journal, in
//! process and without sockets, so fan-out does not hide it.
//!
//! Opens an `EventStore` in a temporary folder (on the same disk as the
//! current directory, so fdatasync is real), spawns the event's hub, then
//! runs `writers` closed loops that each submit an edit, wait for its ack (on
//! disk), and submit the next. Reports acked changes per second, the ack
//! latency (p50/p99/max), and how many changes each fsync carried (group
//! commit).
//!
//! ```text
//! cargo run --release --example durable -- --writers 1,16,256,1024 --secs 5
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use slotboard::board::{Actor, Command, Limits, ParticipantId, Role, SessionId, Title};
use slotboard::config::{Config, EventConfig, Overrides};
use slotboard::hub::{Answer, EventHandle, HubOptions};
use slotboard::store::EventStore;

#[derive(Parser)]
struct Args {
    /// Concurrent writers, one run each.
    #[arg(long, value_delimiter = ',', default_value = "1,16,256,1024")]
    writers: Vec<usize>,
    /// Seconds per run.
    #[arg(long, default_value_t = 5)]
    secs: u64,
    /// Folder for the temporary data (default: ./target).
    #[arg(long, default_value = "target")]
    dir: std::path::PathBuf,
}

const ROOMS: usize = 32;
const DAYS: usize = 3;
const SLOTS_A_DAY: usize = 12;

/// 32 rooms x 36 slots: 1,152 cells.
fn event_config() -> Arc<EventConfig> {
    let mut toml = String::from(
        "[[events]]\nslug = \"bench\"\ntitle = \"Bench\"\ntimezone = \"Europe/Paris\"\n",
    );
    for r in 0..ROOMS {
        toml.push_str(&format!(
            "\n[[events.rooms]]\nid = \"r{r:02}\"\nname = \"Room {r}\"\ncapacity = 20\n"
        ));
    }
    for d in 0..DAYS {
        toml.push_str(&format!(
            "\n[[events.days]]\ndate = \"2037-12-{:02}\"\nslots = [\n",
            d + 1
        ));
        for s in 0..SLOTS_A_DAY {
            let h = 8 + s;
            toml.push_str(&format!(
                "  {{ id = \"d{d}-s{s:02}\", start = \"{h:02}:00\", end = \"{h:02}:45\" }},\n"
            ));
        }
        toml.push_str("]\n");
    }
    let overrides = Overrides {
        organiser_token: Some("durable-bench-secret".into()),
        ..Default::default()
    };
    let config = Config::from_toml_str(&toml, "durable.toml", &overrides).expect("bench config");
    Arc::new(config.events[0].clone())
}

fn pct(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn run(writers: usize, secs: u64, dir: &std::path::Path) {
    let data = tempfile::tempdir_in(dir).expect("temp dir");
    let config = event_config();
    let (store, loaded) = EventStore::open(data.path(), config.grid()).expect("store");
    let options = HubOptions {
        // Fewer snapshots in the way; the default (1,000) is measured too
        // since a snapshot is part of the writer's work.
        ..HubOptions::default()
    };
    let hub = EventHandle::spawn(config.clone(), store, loaded, options);
    let limits = Limits::default();
    let grid = config.grid();
    // Each writer claims its own cell, then edits its session's title.
    let mut sessions = Vec::new();
    for w in 0..writers {
        let actor = Actor {
            id: ParticipantId(format!("p_{w:016x}")),
            role: Role::Participant,
        };
        let cell = slotboard::board::Cell {
            slot: grid.slots[w / ROOMS].id.clone(),
            room: grid.rooms[w % ROOMS].id.clone(),
        };
        let claim = Command::Claim {
            cell,
            title: Title::parse(&format!("Writer {w}"), &limits).expect("title"),
            host: slotboard::board::Host::parse("durable", &limits).expect("host"),
            description: slotboard::board::Description::empty(),
            tags: slotboard::board::Tags::default(),
        };
        match hub.command(actor.clone(), None, claim).await {
            Answer::Ack { .. } => {}
            Answer::Reject(r) => panic!("setup claim refused: {r:?}"),
        }
        sessions.push(actor);
    }
    let snap = hub.snapshot().await.expect("hub");
    let mut pairs = Vec::new();
    for actor in sessions {
        let s = snap
            .board
            .sessions()
            .find(|s| s.owner == actor.id)
            .expect("claimed");
        pairs.push((actor, s.id.clone()));
    }
    let before = hub.stats();
    let start = Instant::now();
    let end = start + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for (w, (actor, session)) in pairs.into_iter().enumerate() {
        let hub = hub.clone();
        tasks.push(tokio::spawn(async move {
            let limits = Limits::default();
            let mut lat = Vec::new();
            let mut seq = 0u64;
            while Instant::now() < end {
                let command = Command::Edit {
                    session: SessionId::from(session.0.as_str()),
                    title: Some(Title::parse(&format!("W{w} edit {seq}"), &limits).expect("t")),
                    host: None,
                    description: None,
                    tags: None,
                };
                let t = Instant::now();
                let answer = hub
                    .submit(actor.clone(), Some(format!("{w}-{seq}")), command)
                    .await
                    .await;
                match answer {
                    Ok(Answer::Ack { .. }) => lat.push(t.elapsed().as_micros() as u64),
                    other => panic!("edit refused: {other:?}"),
                }
                seq += 1;
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.expect("writer"));
    }
    let took = start.elapsed().as_secs_f64();
    let after = hub.stats();
    hub.shutdown().await;
    lat.sort_unstable();
    let changes = after.changes - before.changes;
    let appends = (after.appends - before.appends).max(1);
    println!(
        "RESULT durable writers={writers} acked={} acked_per_s={:.0} ack_p50_ms={:.2} ack_p99_ms={:.2} ack_max_ms={:.2} changes_per_fsync={:.1}",
        lat.len(),
        lat.len() as f64 / took,
        pct(&lat, 0.5) as f64 / 1000.0,
        pct(&lat, 0.99) as f64 / 1000.0,
        lat.last().copied().unwrap_or(0) as f64 / 1000.0,
        changes as f64 / appends as f64,
    );
}

fn main() {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for &w in &args.writers {
        assert!(w <= ROOMS * DAYS * SLOTS_A_DAY, "at most 1152 writers");
        rt.block_on(run(w, args.secs, &args.dir));
    }
}
