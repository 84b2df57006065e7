//! The venue's folder, `{data_dir}/venue/`: the events created on its page
//! and which events `/` hides.
//!
//! ```text
//! venue/events/{slug}.json    one created event: {"format":1,"created":"...","event":{...}}
//! venue/hidden.json           {"format":1,"hidden":["old-camp"]}
//! venue/organiser-sessions.json   the venue's logged-out sessions (`store::sessions`)
//! ```
//!
//! One file per created event, so that creating one never rewrites the
//! others, and each is written whole by [`write_atomic`] (temporary file,
//! fsync, rename, fsync of the folder) before the venue is told it exists;
//! a crash leaves the event or nothing. The event's board lives where every
//! board does, in `events/{slug}/`: backing up the data folder backs up both.
//! Every start reads the files back through the validation of config.toml
//! (`config::created::event_of`): a file that does not parse, or no longer
//! passes, stops the start with its path and key, and nothing is changed.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{StoreError, sync_dir, write_atomic};
use crate::config::EventConfig;
use crate::config::created::{self, Created, FORMAT};

/// The venue's folder in the data folder.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("venue")
}

/// Where the events created on the venue's page are.
pub fn events_dir(data_dir: &Path) -> PathBuf {
    dir(data_dir).join("events")
}

/// The file of the created event `slug`.
pub fn event_file(data_dir: &Path, slug: &str) -> PathBuf {
    events_dir(data_dir).join(format!("{slug}.json"))
}

/// Every created event, in the order of their slugs. A data folder without
/// a venue folder has none.
pub fn load_events(data_dir: &Path) -> Result<Vec<EventConfig>, StoreError> {
    let dir = events_dir(data_dir);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(StoreError::Io { path: dir, source }),
    };
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| StoreError::Io {
            path: dir.clone(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // `.x.json.tmp`: a write a crash cut short, never renamed in.
        if name.ends_with(".json") && !name.starts_with('.') {
            paths.push(entry.path());
        }
    }
    paths.sort();
    paths.iter().map(|p| load_event(p)).collect()
}

fn load_event(path: &Path) -> Result<EventConfig, StoreError> {
    let bytes = fs::read(path).map_err(|source| StoreError::Io {
        path: path.to_owned(),
        source,
    })?;
    let bad = |why: String| StoreError::Snapshot {
        path: path.to_owned(),
        why,
    };
    #[derive(Deserialize)]
    struct Format {
        format: u64,
    }
    let format = serde_json::from_slice::<Format>(&bytes)
        .map_err(|e| bad(format!("not an event created on the venue's page ({e})")))?
        .format;
    if format > FORMAT {
        return Err(StoreError::NewerFormat {
            path: path.to_owned(),
            format,
            newest: FORMAT,
        });
    }
    let file: Created = serde_json::from_slice(&bytes)
        .map_err(|e| bad(format!("not an event created on the venue's page ({e})")))?;
    let event = created::event_of(&file.event)
        .map_err(|e| bad(format!("event.{}: {}", e.field, e.message)))?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    if stem.as_deref() != Some(event.slug.as_str()) {
        return Err(bad(format!(
            "holds the event {:?}; a created event's file is named after its slug",
            event.slug
        )));
    }
    Ok(event)
}

/// Writes a created event's file durably; refused if the slug has one.
pub fn save_event(data_dir: &Path, created: &Created) -> io::Result<()> {
    let path = event_file(data_dir, &created.event.slug);
    ensure_dir(data_dir, &events_dir(data_dir))?;
    if path.exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists", path.display()),
        ));
    }
    let bytes = serde_json::to_vec_pretty(created).map_err(io::Error::other)?;
    write_atomic(&path, &bytes)
}

/// Creates `dir` (under `data_dir`) and makes its entry durable.
fn ensure_dir(data_dir: &Path, dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir)?;
    let mut d = dir;
    while let Some(parent) = d.parent() {
        sync_dir(parent)?;
        if parent == data_dir || parent.as_os_str().is_empty() {
            break;
        }
        d = parent;
    }
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct HiddenFile {
    format: u64,
    hidden: BTreeSet<String>,
}

fn hidden_file(data_dir: &Path) -> PathBuf {
    dir(data_dir).join("hidden.json")
}

/// The slugs `/` does not list (none without the file).
pub fn load_hidden(data_dir: &Path) -> Result<BTreeSet<String>, StoreError> {
    let path = hidden_file(data_dir);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(source) => return Err(StoreError::Io { path, source }),
    };
    let file: HiddenFile = serde_json::from_slice(&bytes).map_err(|e| StoreError::Snapshot {
        path: path.clone(),
        why: format!("not the venue's list of hidden events ({e})"),
    })?;
    if file.format > FORMAT {
        return Err(StoreError::NewerFormat {
            path,
            format: file.format,
            newest: FORMAT,
        });
    }
    Ok(file.hidden)
}

/// Writes the hidden slugs durably.
pub fn save_hidden(data_dir: &Path, hidden: &BTreeSet<String>) -> io::Result<()> {
    ensure_dir(data_dir, &dir(data_dir))?;
    let file = HiddenFile {
        format: FORMAT,
        hidden: hidden.clone(),
    };
    let bytes = serde_json::to_vec(&file).map_err(io::Error::other)?;
    write_atomic(&hidden_file(data_dir), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::OrganiserSecret;
    use crate::config::{RawDay, RawEvent, RawSlot, RoomConfig};

    fn created(slug: &str) -> Created {
        let table = RawEvent {
            slug: slug.into(),
            title: "Camp".into(),
            timezone: "UTC".into(),
            languages: vec!["en".into()],
            rooms: vec![RoomConfig {
                id: "r".into(),
                name: "R".into(),
                capacity: 5,
            }],
            days: vec![RawDay {
                date: "2027-01-16".into(),
                slots: vec![RawSlot {
                    id: "s".into(),
                    start: "09:00".into(),
                    end: "10:00".into(),
                }],
            }],
            ..Default::default()
        };
        let secret = OrganiserSecret::from_plain(&"s".repeat(16));
        let (event, _) = created::new_event(table, &secret).unwrap();
        Created {
            format: FORMAT,
            created: "2026-12-02T10:00:00Z".into(),
            event,
        }
    }

    #[test]
    fn created_events_round_trip_and_a_slug_is_written_once() {
        let data = tempfile::tempdir().unwrap();
        assert!(load_events(data.path()).unwrap().is_empty());
        save_event(data.path(), &created("b")).unwrap();
        save_event(data.path(), &created("a")).unwrap();
        let e = save_event(data.path(), &created("a")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        let events = load_events(data.path()).unwrap();
        let slugs: Vec<&str> = events.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["a", "b"]);
        assert!(events[0].created && events[0].organiser.verify(&"s".repeat(16)));
        // A temporary left by a crash is not an event.
        fs::write(events_dir(data.path()).join(".c.json.tmp"), "{").unwrap();
        assert_eq!(load_events(data.path()).unwrap().len(), 2);
    }

    #[test]
    fn a_broken_or_renamed_file_stops_naming_it() {
        let data = tempfile::tempdir().unwrap();
        save_event(data.path(), &created("a")).unwrap();
        let path = event_file(data.path(), "a");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("09:00", "9h")).unwrap();
        let e = load_events(data.path()).unwrap_err().to_string();
        assert!(
            e.contains("a.json") && e.contains("event.days[0].slots[0].start"),
            "{e}"
        );
        fs::write(&path, &text).unwrap();
        fs::rename(&path, event_file(data.path(), "z")).unwrap();
        let e = load_events(data.path()).unwrap_err().to_string();
        assert!(e.contains("named after its slug"), "{e}");
    }

    #[test]
    fn the_hidden_list_round_trips() {
        let data = tempfile::tempdir().unwrap();
        assert!(load_hidden(data.path()).unwrap().is_empty());
        let hidden: BTreeSet<String> = ["old".to_owned()].into();
        save_hidden(data.path(), &hidden).unwrap();
        assert_eq!(load_hidden(data.path()).unwrap(), hidden);
    }
}
