//! `feeds.json`: an event's personal calendar feeds, beside its journal.
//!
//! Each participant who asked for one has a feed id (random, not derived
//! from their token) that serves their own calendar at
//! `/e/{event}/my/{feed}.ics`. A renewed feed replaces the old id, which then
//! answers 404. Like `organiser-sessions.json`, this is not a change of the
//! board (nothing to broadcast, replay or archive), so it is a small file of
//! its own, written whole by [`write_atomic`] before the new address is
//! shown. A folder without the file has no feeds.
//!
//! ```text
//! {"format":1,"feeds":{"<feed id>":"p_<public id>"}}
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{StoreError, write_atomic};
use crate::board::ParticipantId;

/// The file's name in the event's folder.
pub const FILE: &str = "feeds.json";

/// The format this build writes, and the newest it reads.
pub const FORMAT: u64 = 1;

#[derive(Serialize, Deserialize)]
struct OnDisk {
    format: u64,
    feeds: BTreeMap<String, ParticipantId>,
}

pub fn path(event_dir: &Path) -> PathBuf {
    event_dir.join(FILE)
}

/// The feeds of an event's folder (none without the file).
pub fn load(event_dir: &Path) -> Result<BTreeMap<String, ParticipantId>, StoreError> {
    let path = path(event_dir);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(source) => return Err(StoreError::Io { path, source }),
    };
    let disk: OnDisk = serde_json::from_slice(&bytes).map_err(|e| StoreError::Snapshot {
        path: path.clone(),
        why: format!("not a list of calendar feeds ({e})"),
    })?;
    if disk.format > FORMAT {
        return Err(StoreError::NewerFormat {
            path,
            format: disk.format,
            newest: FORMAT,
        });
    }
    Ok(disk.feeds)
}

/// Writes the feeds of an event's folder durably.
pub fn save(event_dir: &Path, feeds: &BTreeMap<String, ParticipantId>) -> io::Result<()> {
    fs::create_dir_all(event_dir)?;
    let disk = OnDisk {
        format: FORMAT,
        feeds: feeds.clone(),
    };
    let bytes = serde_json::to_vec(&disk).map_err(io::Error::other)?;
    write_atomic(&path(event_dir), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_round_trip_and_a_folder_without_them_has_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_empty());
        let mut feeds = BTreeMap::new();
        feeds.insert("ab".repeat(16), ParticipantId::from("p_1"));
        save(dir.path(), &feeds).unwrap();
        assert_eq!(load(dir.path()).unwrap(), feeds);
        fs::write(path(dir.path()), "{\"format\":9,\"feeds\":{}}").unwrap();
        assert!(
            load(dir.path())
                .unwrap_err()
                .to_string()
                .contains("feeds.json")
        );
    }
}
