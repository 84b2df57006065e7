//! The demo event at start: its days set to today and tomorrow, its folder
//! made to fit them, and a few sample sessions on an empty board, so that
//! `cargo run --release` on any date shows a BarCamp that is happening now.
//!
//! The server calls [`prepare`] once, before it opens the events. For each
//! the demo (the `[demo]` table; the other events are not touched, nor their
//! folders):
//!
//! 1. its days become today and tomorrow at the server's clock
//!    ([`Config::with_demo_days`], the pure rule of `config::demo`);
//! 2. its folder keeps the dates it was made for in [`MARKER`]. When they are
//!    not today's and tomorrow's (a restart on another day), or when the
//!    folder cannot be opened against the demo's grid (rooms edited in
//!    config.toml, a damaged journal), the folder is reset: deleted when its
//!    marker says it is the demo's, with the demo's archive if it ended;
//!    moved aside to `{data_dir}/demo-replaced/` when it has no marker (it
//!    may be a real event's data, which is never deleted). So the orphan
//!    check never stops the start because of the demo, and a restart on the
//!    same day keeps the demo's claims;
//! 3. on a board that never changed (rev 0), a demo organiser (the actor
//!    [`DEMO_ACTOR`]) announces that this is a demo and claims
//!    [`SAMPLES`] around the current hour, as ordinary journaled changes
//!    (fsynced before the server answers anyone): the wall shows `now` and
//!    `next` with sessions in them, and people claim beside them.

use std::path::{Path, PathBuf};

use anyhow::Context;
use jiff::Timestamp;

use crate::board::{
    Actor, Announcement, Board, Cell, Command, Description, Host, Limits, ParticipantId, Role,
    RoomId, SlotId, Tags, Title,
};
use crate::config::demo::{demo_dates, demo_slot_id};
use crate::config::{Config, EventConfig};
use crate::record::Record;
use crate::store::{self, EventStore};

/// The file of a demo's folder that names the dates it was made for.
pub const MARKER: &str = "demo-dates.txt";

/// The public id of the organiser who seeds the demo.
pub const DEMO_ACTOR: &str = "demo";

/// The sample sessions: title, host, tags, and where they go as (hours
/// after the current one, room index).
pub const SAMPLES: &[(&str, &str, &[&str], usize, usize)] = &[
    ("Rust pour les curieux", "Maël", &["rust", "débutant"], 0, 0),
    ("WebSockets in practice", "Priya", &["web"], 0, 1),
    ("Le vélo en ville", "Aziliz", &["mobilité"], 0, 2),
    ("Self-hosting at home", "Sam", &["ops"], 1, 0),
    ("Crêpes et open data", "Yann", &["data"], 1, 1),
    ("Accessibility checklist", "Noor", &["a11y", "web"], 2, 0),
    ("Écrire sa première conférence", "Gwen", &[], 2, 2),
    ("Mechanical keyboards", "Tom", &["hardware"], 3, 1),
];

/// The announcement the demo starts with, on the wall in both languages.
pub const ANNOUNCEMENT: &str = "Ceci est une démo : réservez un créneau, elle repart à zéro \
     chaque jour. · This is a demo: claim a slot, it starts afresh each day.";

/// The config with its demo events' days set at `now`, their folders made to
/// fit them and their empty boards seeded (see the module docs). Events that
/// are not the demo are left as they are.
pub async fn prepare(config: Config, now: Timestamp) -> anyhow::Result<Config> {
    let config = config.with_demo_days(now);
    let demos: Vec<EventConfig> = config.demo_events().cloned().collect();
    for event in demos {
        let data_dir = config.server.data_dir.clone();
        let limits = config.limits.clone();
        let slug = event.slug.clone();
        tokio::task::spawn_blocking(move || prepare_folder(&data_dir, &event, &limits, now))
            .await?
            .with_context(|| format!("cannot prepare the folder of the demo event {slug:?}"))?;
    }
    Ok(config)
}

/// Steps 2 and 3 of the module docs for one demo event, whose days are set.
pub fn prepare_folder(
    data_dir: &Path,
    event: &EventConfig,
    limits: &Limits,
    now: Timestamp,
) -> anyhow::Result<()> {
    let dir = data_dir.join("events").join(&event.slug);
    let dates = demo_dates(&event.tz(), now);
    let want = format!("{} {}\n", dates[0], dates[1]);
    let found = std::fs::read_to_string(dir.join(MARKER)).ok();
    if dir.exists() && found.as_deref() != Some(want.as_str()) {
        tracing::info!(event = %event.slug, was = ?found, now = %want.trim(),
            "the demo's dates changed: starting it afresh");
        reset(data_dir, event, now)?;
    }
    let (mut store, loaded) = match EventStore::open(&dir, event.grid()) {
        Ok(opened) => opened,
        Err(e) => {
            tracing::warn!(event = %event.slug, error = %e,
                "the demo's folder does not fit its grid: starting it afresh");
            reset(data_dir, event, now)?;
            EventStore::open(&dir, event.grid())?
        }
    };
    store::write_atomic(&dir.join(MARKER), want.as_bytes())?;
    if loaded.board.rev() == 0 {
        let lines = seed_lines(event, loaded.board, limits, now);
        store.append(lines.as_bytes())?;
        tracing::info!(event = %event.slug, "the demo is seeded with sample sessions");
    }
    Ok(())
}

/// Empties the demo's place in the data folder: deleted when it is the
/// demo's (its marker), moved aside to `demo-replaced/` otherwise.
fn reset(data_dir: &Path, event: &EventConfig, now: Timestamp) -> anyhow::Result<()> {
    let dir = data_dir.join("events").join(&event.slug);
    let archive = data_dir.join("archive").join(&event.slug);
    if dir.join(MARKER).exists() {
        remove_if_there(&dir)?;
        remove_if_there(&archive)?;
    } else {
        let aside = data_dir.join("demo-replaced");
        for (what, from) in [("events", &dir), ("archive", &archive)] {
            if from.exists() {
                let to = aside.join(format!("{}-{what}-{}", event.slug, now.as_second()));
                std::fs::create_dir_all(&aside)?;
                std::fs::rename(from, &to)
                    .with_context(|| format!("cannot move {} aside", from.display()))?;
                tracing::warn!(event = %event.slug, from = %from.display(), to = %to.display(),
                    "a folder without the demo's marker was in the demo's place: moved aside");
            }
        }
    }
    Ok(())
}

fn remove_if_there(dir: &PathBuf) -> anyhow::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// The journal lines of the demo's first changes on `board` (rev 0): the
/// announcement, then the [`SAMPLES`] from the current hour on. A sample
/// the board refuses (a demo with fewer rooms) is left out.
pub fn seed_lines(
    event: &EventConfig,
    mut board: Board,
    limits: &Limits,
    now: Timestamp,
) -> String {
    let actor = Actor {
        id: ParticipantId::from(DEMO_ACTOR),
        role: Role::Organiser,
    };
    let hour = usize::try_from(now.to_zoned(event.tz()).hour()).unwrap_or(0);
    let mut commands = Vec::new();
    if let Ok(text) = Announcement::parse(ANNOUNCEMENT, limits) {
        commands.push(Command::Announce { text });
    }
    for &(title, host, tags, later, room) in SAMPLES {
        let (index, Some(room)) = (hour + later, event.rooms.get(room)) else {
            continue;
        };
        let slot = demo_slot_id(index / 24 + 1, (index % 24) as i8);
        let (Ok(title), Ok(host), Ok(tags)) = (
            Title::parse(title, limits),
            Host::parse(host, limits),
            Tags::parse(tags, limits),
        ) else {
            continue;
        };
        commands.push(Command::Claim {
            cell: Cell {
                slot: SlotId(slot),
                room: RoomId(room.id.clone()),
            },
            title,
            host,
            description: Description::empty(),
            tags,
        });
    }
    let at = now.to_string();
    let mut lines = String::new();
    for command in commands {
        let Ok(change) = board.execute(&actor, &command) else {
            continue;
        };
        let record = Record {
            rev: board.rev(),
            change,
            at: at.clone(),
            by: Some(actor.id.clone()),
            req: None,
        };
        lines.push_str(&record.to_line());
        lines.push('\n');
    }
    lines
}
