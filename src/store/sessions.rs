//! `organiser-sessions.json`: an event's book of revoked organiser sessions
//! (`auth::SessionBook`), beside its journal.
//!
//! A file of its own, not a change in the board's journal, because a logout
//! is not a change of the board: a journaled change is broadcast to every
//! phone and wall, replayed, offered to undo and archived for good, while a
//! revoked session matters only to this server and only until its cookie
//! would have expired anyway (7 days), when it is dropped. Kept out of the
//! board, it leaves the board's formats, its core and its archive as they
//! were. It is small (one generation and a bounded list of ids) and written
//! whole by [`write_atomic`] (temporary file, fsync, rename, fsync of the
//! folder) before the logout is answered; a crash leaves the old book or the
//! new one. A folder without the file (every folder written before it) reads
//! as generation 0 with nothing revoked.
//!
//! ```text
//! {"format":1,"generation":2,"revoked":{"<session id>":<expires, unix s>}}
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{StoreError, write_atomic};
use crate::auth::SessionBook;

/// The file's name in the event's folder.
pub const FILE: &str = "organiser-sessions.json";

/// The format this build writes, and the newest it reads.
pub const FORMAT: u64 = 1;

#[derive(Serialize, Deserialize)]
struct OnDisk {
    format: u64,
    #[serde(flatten)]
    book: SessionBook,
}

/// The path of the book in an event's folder.
pub fn path(event_dir: &Path) -> PathBuf {
    event_dir.join(FILE)
}

/// Reads the book of an event's folder (an empty one if there is no file
/// yet). A file that does not parse, or of a newer format, is an error that
/// names it; nothing is changed.
pub fn load(event_dir: &Path) -> Result<SessionBook, StoreError> {
    let path = path(event_dir);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(SessionBook::default()),
        Err(source) => return Err(StoreError::Io { path, source }),
    };
    #[derive(Deserialize)]
    struct Format {
        format: u64,
    }
    let format = serde_json::from_slice::<Format>(&bytes)
        .map_err(|e| StoreError::Snapshot {
            path: path.clone(),
            why: format!("not a book of organiser sessions ({e})"),
        })?
        .format;
    if format > FORMAT {
        return Err(StoreError::NewerFormat {
            path,
            format,
            newest: FORMAT,
        });
    }
    let disk: OnDisk = serde_json::from_slice(&bytes).map_err(|e| StoreError::Snapshot {
        path: path.clone(),
        why: format!("not a book of organiser sessions ({e})"),
    })?;
    Ok(disk.book)
}

/// Writes the book of an event's folder durably (see the module doc).
pub fn save(event_dir: &Path, book: &SessionBook) -> io::Result<()> {
    fs::create_dir_all(event_dir)?;
    let disk = OnDisk {
        format: FORMAT,
        book: book.clone(),
    };
    let bytes = serde_json::to_vec(&disk).map_err(io::Error::other)?;
    write_atomic(&path(event_dir), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_round_trips_and_a_folder_without_one_reads_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), SessionBook::default());
        let mut book = SessionBook {
            generation: 2,
            ..Default::default()
        };
        book.revoked.insert("ab".repeat(16), 1_800_000_000);
        save(dir.path(), &book).unwrap();
        assert_eq!(load(dir.path()).unwrap(), book);
        let text = fs::read_to_string(path(dir.path())).unwrap();
        assert!(text.starts_with("{\"format\":1,"), "{text}");
    }

    #[test]
    fn a_broken_or_newer_file_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(path(dir.path()), "{\"format\":1,\"generation\":\"x\"").unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains(FILE), "{err}");
        fs::write(
            path(dir.path()),
            "{\"format\":9,\"generation\":0,\"revoked\":{}}",
        )
        .unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains(FILE) && err.contains("newer"), "{err}");
    }
}
