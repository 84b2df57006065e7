//! The archive of an event: its final board, its whole history and its
//! programme in the formats other programs read, as plain files that open
//! without slotboard.
//!
//! ```text
//! {data_dir}/archive/{slug}/
//!     board.json       the final state, the same JSON as the live /e/{slug}/board.json
//!     history.jsonl    every change, oldest first: the protocol's `event` frames
//!     index.html       the printable programme (no script, no external asset)
//!     schedule.ics     iCalendar
//!     schedule.csv     one line per session
//!     schedule.xml     frab/pretalx schedule XML (Giggity, ConfClerk)
//!     schedule.json    frab/pretalx schedule JSON
//! ```
//!
//! The files are built in memory, written into a temporary folder beside the
//! archive (`.{slug}.tmp-...`), each fsynced, and swapped in by rename: a
//! reader sees the old archive, or briefly none, or the new one, never a
//! half-written one. A failure leaves the previous archive as it was and
//! touches nothing else: live boards never depend on the archive.
//!
//! Nothing in the files depends on when they are written: times come from
//! the board and its history, so archiving twice gives byte-identical files.
//!
//! The files: `history.rs` reads the changes from the data folder,
//! `rebuild.rs` replays them into a board when no server runs, `render.rs`
//! builds the files in memory, `install.rs` swaps them in atomically, and
//! `listing.rs` finds the archives for the pages. This file holds what they
//! share (the list of files, the error, the folders) and the four ways in:
//! [`write()`], [`export()`], [`write_from_disk`], [`export_from_disk`].

mod history;
mod install;
mod listing;
mod rebuild;
mod render;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::board::Board;
use crate::config::EventConfig;
use crate::export;
pub use crate::export::archived::{
    Archived, ArchivedBoard, ArchivedHead, ArchivedRoom, ArchivedSession, ArchivedSlot,
};
use crate::record::Record;

pub use history::read_history;
use install::install;
pub use listing::{list, read_board, read_summary};
pub use rebuild::board_from_disk;
pub use render::render;

/// The files of an archive, in the order they are listed, with their media
/// types. Nothing else is ever served from an archive folder.
pub const FILES: [(&str, &str); 7] = [
    ("index.html", "text/html; charset=utf-8"),
    ("board.json", "application/json"),
    ("history.jsonl", "application/jsonl; charset=utf-8"),
    ("schedule.ics", "text/calendar; charset=utf-8"),
    ("schedule.csv", "text/csv; charset=utf-8"),
    ("schedule.xml", "application/xml; charset=utf-8"),
    ("schedule.json", "application/json"),
];

/// The media type of an archive file, `None` for any other name.
pub fn content_type(file: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, t)| *t)
}

/// Why an archive or an export could not be written. Every variant names the
/// path and says what went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: io::Error,
    },
    #[error(
        "{}: event \"{slug}\" has no data folder here; check the event's name and --data-dir \
         (the folder is made when the server first starts with the event)",
        path.display()
    )]
    NoEvent { slug: String, path: PathBuf },
    #[error("{}: {why}", path.display())]
    History { path: PathBuf, why: String },
    #[error(
        "event \"{0}\" is shutting down; run `slotboard archive {0}` once the server has stopped"
    )]
    Gone(String),
}

fn io_err(path: &Path, action: &'static str) -> impl FnOnce(io::Error) -> ArchiveError {
    let path = path.to_owned();
    move |source| ArchiveError::Io {
        path,
        action,
        source,
    }
}

/// The folder of an event's archive.
pub fn archive_dir(data_dir: &Path, slug: &str) -> PathBuf {
    data_dir.join("archive").join(slug)
}

/// The folder of an event's live data (journal, snapshot, history).
pub fn event_dir(data_dir: &Path, slug: &str) -> PathBuf {
    data_dir.join("events").join(slug)
}

/// Writes `{data_dir}/archive/{slug}/` from the event's final board (`board`
/// and its `board_json`, as the hub serves it) and its history read from
/// `{data_dir}/events/{slug}/` up to the board's rev. Atomic and
/// re-runnable; returns the archive's folder.
pub fn write(
    data_dir: &Path,
    event: &EventConfig,
    board: &Board,
    board_json: &str,
    public_url: &str,
) -> Result<PathBuf, ArchiveError> {
    let history = read_history(&event_dir(data_dir, &event.slug), Some(board.rev()))?;
    let files = render(event, board, board_json, &history, public_url);
    install(&data_dir.join("archive"), &event.slug, &files)
}

/// Writes the archive's files into `dir` (made if needed), each file
/// replaced atomically; other files in `dir` are left alone.
pub fn export(
    dir: &Path,
    event: &EventConfig,
    board: &Board,
    board_json: &str,
    history: &[Record],
    public_url: &str,
) -> Result<PathBuf, ArchiveError> {
    fs::create_dir_all(dir).map_err(io_err(dir, "create the folder"))?;
    for (name, bytes) in render(event, board, board_json, history, public_url) {
        let path = dir.join(name);
        crate::store::write_atomic(&path, &bytes).map_err(io_err(&path, "write"))?;
    }
    Ok(dir.to_owned())
}

/// Archives an event from its data folder alone, without a running hub
/// (`slotboard archive`): the board is rebuilt from the history.
pub fn write_from_disk(
    data_dir: &Path,
    event: &EventConfig,
    public_url: &str,
) -> Result<PathBuf, ArchiveError> {
    let (board, history) = board_from_disk(data_dir, event)?;
    let json = export::board_json(event, &board);
    let files = render(event, &board, &json, &history, public_url);
    install(&data_dir.join("archive"), &event.slug, &files)
}

/// Writes the archive's files of an event into `dir` from its data folder
/// alone (`slotboard export`).
pub fn export_from_disk(
    dir: &Path,
    data_dir: &Path,
    event: &EventConfig,
    public_url: &str,
) -> Result<PathBuf, ArchiveError> {
    let (board, history) = board_from_disk(data_dir, event)?;
    let json = export::board_json(event, &board);
    export(dir, event, &board, &json, &history, public_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_files_have_their_content_types() {
        // Which folder names are archives is `config::is_slug`'s rule,
        // tested there.
        assert_eq!(content_type("board.json"), Some("application/json"));
        assert_eq!(content_type("journal.jsonl"), None);
        assert_eq!(content_type("../board.json"), None);
    }
}
