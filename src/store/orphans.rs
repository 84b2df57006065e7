//! Opening an event's folder against the config: a config change must not
//! orphan a board.
//!
//! When the store cannot replay a folder because sessions or locks sit in
//! rooms or slots the config no longer has, this reads the snapshot and the
//! journal once more and lets `lifecycle` name every such session (id,
//! title, slot, room) and say how to fix the config. Once organisers
//! changed the grid live, the data is judged against that grid, and a config
//! that differs from it gets a warning ([`drift`]), never a refusal.

use std::path::Path;

use crate::board::BoardState;
use crate::config::EventConfig;
use crate::lifecycle::{self, Orphan};
use crate::record::Record;

use super::journal::Segment;
use super::{EventStore, Loaded};

/// Opens an event's folder like [`EventStore::open`]; when that fails
/// because sessions or locks sit in rooms or slots that the config no longer
/// has, the error names each of them and says how to fix the config. Other
/// errors are returned as they are.
pub fn open_checked(dir: &Path, event: &EventConfig) -> anyhow::Result<(EventStore, Loaded)> {
    match EventStore::open(dir, event.grid()) {
        Ok(opened) => {
            // Organisers changed the grid live: the journal wins, and
            // config.toml is told, never obeyed over it.
            let place = dir.display().to_string();
            if let Some(warning) =
                lifecycle::grid_drift(&place, &event.grid(), opened.1.board.grid())
            {
                tracing::warn!(event = %event.slug, "{warning}");
            }
            Ok(opened)
        }
        // A newer slotboard's folder says so, whatever its lines hold.
        Err(e @ super::StoreError::NewerFormat { .. }) => Err(e.into()),
        Err(e) => {
            let found = orphans(dir, event);
            if found.is_empty() {
                Err(e.into())
            } else {
                let place = dir.display().to_string();
                Err(anyhow::anyhow!(lifecycle::orphan_message(
                    &place,
                    &event.grid(),
                    &found
                )))
            }
        }
    }
}

/// The warning of [`lifecycle::grid_drift`] for the folder `dir` of
/// `event`, read-only (for `slotboard check-config`): `None` when the folder
/// holds no grid change, or one that came back to the config's grid.
pub fn drift(dir: &Path, event: &EventConfig) -> Option<String> {
    let (snapshot, records) = read(dir);
    let mut live = snapshot.and_then(|s| s.grid);
    for r in records {
        if let crate::board::Change::Grid { rooms, slots } = r.change {
            live = Some(crate::board::Grid { rooms, slots });
        }
    }
    lifecycle::grid_drift(&dir.display().to_string(), &event.grid(), &live?)
}

/// The snapshot's board and the journal's records of `dir`, as far as
/// they read.
fn read(dir: &Path) -> (Option<BoardState>, Vec<Record>) {
    #[derive(serde::Deserialize)]
    struct SnapshotFile {
        board: BoardState,
    }
    let snapshot = std::fs::read(dir.join("snapshot.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<SnapshotFile>(&b).ok())
        .map(|s| s.board);
    let journal = std::fs::read(dir.join("journal.jsonl")).unwrap_or_default();
    let records: Vec<Record> = match Segment::read(&journal) {
        Ok(segment) => segment
            .records()
            .filter_map(Result::ok)
            .map(|(_, r)| r)
            .collect(),
        Err(_) => Vec::new(),
    };
    (snapshot, records)
}

/// What in `dir` (snapshot, then journal) sits in a cell of no room or no
/// slot of `event`. Read-only; unreadable files give no orphan (the store's
/// own error then says what is wrong with them).
pub fn orphans(dir: &Path, event: &EventConfig) -> Vec<Orphan> {
    let (snapshot, records) = read(dir);
    lifecycle::orphans_in(&event.grid(), snapshot, records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{
        Actor, Cell, Command, Description, Host, Limits, ParticipantId, Role, RoomId, SlotId, Tags,
        Title,
    };
    use crate::config::{Config, Overrides};

    fn event() -> EventConfig {
        let hash = crate::auth::hash_secret("organiser-secret");
        let text = format!(
            "[[events]]\nslug = \"camp\"\ntitle = \"Camp\"\ntimezone = \"Europe/Paris\"\n\
             organiser_token_hash = \"{hash}\"\n\
             [[events.rooms]]\nid = \"amphi\"\nname = \"Amphi\"\ncapacity = 10\n\
             [[events.days]]\ndate = \"2026-12-05\"\nslots = [\n\
               {{ id = \"s0\", start = \"09:30\", end = \"10:15\" }},\n]\n"
        );
        let config = Config::from_toml_str(&text, "t.toml", &Overrides::default()).unwrap();
        config.events.into_iter().next().unwrap()
    }

    /// A folder written with a grid of rooms amphi + atelier, read with a
    /// config of amphi alone.
    fn orphaned_folder(snapshot: bool) -> (tempfile::TempDir, EventConfig) {
        let e = event();
        let mut grid = e.grid();
        grid.rooms.push(crate::board::Room {
            id: RoomId::from("atelier"),
            name: "Atelier".into(),
            capacity: 5,
        });
        let dir = tempfile::tempdir().unwrap();
        let (mut store, loaded) = EventStore::open(dir.path(), grid).unwrap();
        let mut board = loaded.board;
        let alice = Actor {
            id: ParticipantId::from("p_alice"),
            role: Role::Participant,
        };
        let limits = Limits::default();
        let change = board
            .execute(
                &alice,
                &Command::Claim {
                    cell: Cell {
                        slot: SlotId::from("s0"),
                        room: RoomId::from("atelier"),
                    },
                    title: Title::parse("Rust & WebSockets", &limits).unwrap(),
                    host: Host::parse("Maël", &limits).unwrap(),
                    description: Description::empty(),
                    tags: Tags::default(),
                },
            )
            .unwrap();
        let record = Record {
            rev: 1,
            change,
            at: "2026-12-05T08:00:00Z".into(),
            by: Some(alice.id.clone()),
            req: None,
        };
        store
            .append(format!("{}\n", record.to_line()).as_bytes())
            .unwrap();
        if snapshot {
            store.snapshot(&board, Vec::new()).unwrap();
        }
        (dir, e)
    }

    #[test]
    fn a_session_in_a_removed_room_stops_the_start_with_its_name_from_the_journal() {
        let (dir, e) = orphaned_folder(false);
        let before = std::fs::read(dir.path().join("journal.jsonl")).unwrap();
        let err = open_checked(dir.path(), &e).err().unwrap().to_string();
        for part in [
            "s_1",
            "\"Rust & WebSockets\"",
            "slot \"s0\"",
            "room \"atelier\"",
            "the room is not in the config",
            "put these rooms and slots back",
        ] {
            assert!(err.contains(part), "{part:?} missing from: {err}");
        }
        assert_eq!(
            std::fs::read(dir.path().join("journal.jsonl")).unwrap(),
            before,
            "nothing changed on disk"
        );
    }

    #[test]
    fn a_session_in_a_removed_room_stops_the_start_with_its_name_from_the_snapshot() {
        let (dir, e) = orphaned_folder(true);
        assert_eq!(
            std::fs::read(dir.path().join("journal.jsonl")).unwrap(),
            b"",
            "the session is only in the snapshot"
        );
        let err = open_checked(dir.path(), &e).err().unwrap().to_string();
        for part in [
            "s_1",
            "\"Rust & WebSockets\"",
            "slot \"s0\"",
            "room \"atelier\"",
        ] {
            assert!(err.contains(part), "{part:?} missing from: {err}");
        }
    }
}
