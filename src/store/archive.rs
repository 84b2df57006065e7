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

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::board::Board;
use crate::config::{EventConfig, is_slug};
use crate::export;
pub use crate::export::archived::{
    Archived, ArchivedBoard, ArchivedHead, ArchivedRoom, ArchivedSession, ArchivedSlot,
};
use crate::i18n::Lang;
use crate::record::Record;

use super::journal::{BadLine, Segment};
use super::sync_dir;

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

/// Every change of the event in `event_dir` from rev 1 to `upto` (or to the
/// last complete journal line), oldest first: the sealed `history/`
/// segments, then the journal. Read-only: a running server may go on
/// appending and sealing meanwhile (a segment sealed during the read is
/// found on the next try).
pub fn read_history(event_dir: &Path, upto: Option<u64>) -> Result<Vec<Record>, ArchiveError> {
    if !event_dir.is_dir() {
        return Err(ArchiveError::NoEvent {
            slug: event_dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: event_dir.to_owned(),
        });
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        match read_history_once(event_dir, upto) {
            Err(Retry::Again(_)) if attempt < 5 => continue,
            Err(Retry::Again(e) | Retry::Fail(e)) => return Err(e),
            Ok(records) => return Ok(records),
        }
    }
}

enum Retry {
    /// Maybe a race with the hub sealing its journal: read again.
    Again(ArchiveError),
    Fail(ArchiveError),
}

fn read_history_once(event_dir: &Path, upto: Option<u64>) -> Result<Vec<Record>, Retry> {
    let history = event_dir.join("history");
    let mut files: Vec<PathBuf> = match fs::read_dir(&history) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Retry::Fail(io_err(&history, "read the folder")(e))),
    };
    files.sort();
    files.push(event_dir.join("journal.jsonl"));

    let mut records: BTreeMap<u64, Record> = BTreeMap::new();
    for path in &files {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            // Sealed (renamed into history/) since the listing.
            // The journal is briefly missing while it is sealed; any change
            // this misses shows as a gap below, and the read is done again.
            Err(e) if e.kind() == io::ErrorKind::NotFound && path.ends_with("journal.jsonl") => {
                continue;
            }
            // Sealed segments are never removed: a race, or a real loss.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Retry::Again(io_err(path, "read")(e)));
            }
            Err(e) => return Err(Retry::Fail(io_err(path, "read")(e))),
        };
        // Only complete lines: a torn last line was never acknowledged, and a
        // line being written by a running server is not finished yet.
        let bad = |e: BadLine| {
            let why = match e {
                BadLine::NotAChange { line, error } => {
                    format!("line {line} is not a change ({error})")
                }
                BadLine::Newer { format } => super::journal::newer_format(format),
            };
            Retry::Fail(ArchiveError::History {
                path: path.clone(),
                why,
            })
        };
        for line in Segment::read(&bytes).map_err(bad)?.records() {
            let (_, record) = line.map_err(bad)?;
            if upto.is_some_and(|u| record.rev > u) {
                continue;
            }
            records.entry(record.rev).or_insert(record);
        }
    }

    let last = records.keys().next_back().copied().unwrap_or(0);
    let want = upto.unwrap_or(last);
    let missing = (1..=want).find(|r| !records.contains_key(r));
    if let Some(rev) = missing {
        let e = ArchiveError::History {
            path: event_dir.to_owned(),
            why: format!(
                "the history is incomplete: change {rev} of {want} is in none of history/*.jsonl \
                 and journal.jsonl; restore the event's folder from a backup"
            ),
        };
        // A running hub may have sealed its journal between the listing and
        // the read; a second read sees the new segment.
        return Err(Retry::Again(e));
    }
    Ok(records.into_values().collect())
}

/// Rebuilds an event's board from its data folder alone (the server need
/// not run): every change of its history replayed onto an empty board of the
/// config's grid. Returns the board and its history.
pub fn board_from_disk(
    data_dir: &Path,
    event: &EventConfig,
) -> Result<(Board, Vec<Record>), ArchiveError> {
    let dir = event_dir(data_dir, &event.slug);
    let records = read_history(&dir, None)?;
    let mut board = Board::new(event.grid());
    for r in &records {
        board.apply(&r.change).map_err(|e| ArchiveError::History {
            path: dir.clone(),
            why: format!(
                "change {} does not fit the board of the config ({e}); \
                 was a room or slot removed from the config?",
                r.rev
            ),
        })?;
    }
    // The snapshot is never ahead of the history; if it is, changes were lost.
    let snap_path = dir.join("snapshot.json");
    if let Ok(bytes) = fs::read(&snap_path) {
        #[derive(serde::Deserialize)]
        struct Rev {
            board: RevOnly,
        }
        #[derive(serde::Deserialize)]
        struct RevOnly {
            rev: u64,
        }
        if let Ok(snap) = serde_json::from_slice::<Rev>(&bytes) {
            if snap.board.rev > board.rev() {
                return Err(ArchiveError::History {
                    path: dir,
                    why: format!(
                        "snapshot.json is at change {} but the history stops at {}; \
                         restore history/ from a backup",
                        snap.board.rev,
                        board.rev()
                    ),
                });
            }
        }
    }
    Ok((board, records))
}

/// Every file of the archive, built in memory: `(name, bytes)` in the order
/// of [`FILES`].
pub fn render(
    event: &EventConfig,
    board: &Board,
    board_json: &str,
    history: &[Record],
    public_url: &str,
) -> Vec<(&'static str, Vec<u8>)> {
    // The time of the last change stands for "now" wherever a format wants a
    // timestamp: archiving again gives the same bytes.
    let updated = history
        .last()
        .and_then(|r| r.at.parse::<jiff::Timestamp>().ok());
    let mut lines = String::new();
    for r in history {
        // The protocol's `event` frame: no request id, only public ids.
        lines.push_str(&r.to_frame());
        lines.push('\n');
    }
    // The programme in the event's first language.
    let lang = event
        .languages
        .first()
        .and_then(|c| Lang::parse(c))
        .unwrap_or(Lang::Fr);
    let mut files: Vec<(&'static str, Vec<u8>)> = vec![
        ("board.json", board_json.as_bytes().to_vec()),
        ("history.jsonl", lines.into_bytes()),
        (
            "schedule.ics",
            export::ics(event, board, public_url, updated).into_bytes(),
        ),
        ("schedule.csv", export::csv(event, board).into_bytes()),
        (
            "schedule.xml",
            export::frab_xml(event, board, public_url).into_bytes(),
        ),
        (
            "schedule.json",
            export::frab_json(event, board, public_url).into_bytes(),
        ),
        (
            "index.html",
            export::static_html(event, board, lang).into_bytes(),
        ),
    ];
    files.sort_by_key(|(name, _)| FILES.iter().position(|(n, _)| n == name));
    files
}

/// One archive swap at a time in this process.
static SWAP: Mutex<()> = Mutex::new(());
static SEQ: AtomicU64 = AtomicU64::new(0);

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
        super::write_atomic(&path, &bytes).map_err(io_err(&path, "write"))?;
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

/// Puts `files` in `{root}/{slug}/` by a temporary folder and renames.
fn install(
    root: &Path,
    slug: &str,
    files: &[(&'static str, Vec<u8>)],
) -> Result<PathBuf, ArchiveError> {
    let _one_at_a_time = SWAP.lock().unwrap_or_else(|p| p.into_inner());
    if !root.is_dir() {
        fs::create_dir_all(root).map_err(io_err(root, "create the archive folder"))?;
        if let Some(parent) = root.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent).map_err(io_err(parent, "fsync the folder"))?;
        }
    }
    let target = root.join(slug);
    let unique = format!(
        "{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    let tmp = root.join(format!(".{slug}.tmp-{unique}"));
    let result = (|| {
        fs::create_dir(&tmp).map_err(io_err(&tmp, "create the temporary folder"))?;
        for (name, bytes) in files {
            let path = tmp.join(name);
            let mut f = fs::File::create(&path).map_err(io_err(&path, "create"))?;
            f.write_all(bytes).map_err(io_err(&path, "write"))?;
            f.sync_all().map_err(io_err(&path, "fsync"))?;
        }
        sync_dir(&tmp).map_err(io_err(&tmp, "fsync the folder"))?;
        swap_in(root, &tmp, &target, &unique)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result.map(|()| target)
}

/// Renames `tmp` to `target`; an archive already there is renamed away
/// first and removed last (put back if the new one cannot go in).
fn swap_in(root: &Path, tmp: &Path, target: &Path, unique: &str) -> Result<(), ArchiveError> {
    let slug = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let old = root.join(format!(".{slug}.old-{unique}"));
    let had_old = match fs::rename(target, &old) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(io_err(target, "move the previous archive aside")(e)),
    };
    if let Err(e) = fs::rename(tmp, target) {
        if had_old {
            let _ = fs::rename(&old, target);
        }
        return Err(io_err(target, "put the new archive in place")(e));
    }
    sync_dir(root).map_err(io_err(root, "fsync the folder"))?;
    if had_old {
        // The new archive is in place; the old one is garbage now.
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}

/// The archives under `{data_dir}/archive/`, newest first (by last day, then
/// slug). Folders without a readable `board.json` are skipped.
pub fn list(data_dir: &Path) -> Vec<Archived> {
    let root = data_dir.join("archive");
    let Ok(entries) = fs::read_dir(&root) else {
        return Vec::new();
    };
    let mut found: Vec<Archived> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let slug = e.file_name().to_str()?.to_owned();
            if !is_slug(&slug) {
                return None;
            }
            read_summary(&root.join(&slug), slug)
        })
        .collect();
    found.sort_by(|a, b| {
        (&b.last_day, &b.first_day, &a.slug).cmp(&(&a.last_day, &a.first_day, &b.slug))
    });
    found
}

/// The summary of one archive folder, from its `board.json`.
pub fn read_summary(dir: &Path, slug: String) -> Option<Archived> {
    Some(Archived::of(slug, &read_board(dir)?))
}

/// The `board.json` of the archive folder `dir`.
pub fn read_board(dir: &Path) -> Option<ArchivedBoard> {
    let bytes = fs::read(dir.join("board.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> Vec<(&'static str, Vec<u8>)> {
        FILES
            .iter()
            .map(|(name, _)| (*name, format!("{name}: {text}").into_bytes()))
            .collect()
    }

    fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_new_archive_replaces_the_old_one_whole() {
        let root = tempfile::tempdir().unwrap();
        let dir = install(root.path(), "camp", &files("first")).unwrap();
        assert_eq!(read_all(&dir).len(), 7);
        install(root.path(), "camp", &files("second")).unwrap();
        assert!(
            read_all(&dir)
                .iter()
                .all(|(_, b)| String::from_utf8_lossy(b).ends_with("second"))
        );
        let names: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["camp"], "no temporary or old folder is left");
    }

    #[test]
    fn a_write_that_fails_halfway_leaves_the_previous_archive_as_it_was() {
        let root = tempfile::tempdir().unwrap();
        let dir = install(root.path(), "camp", &files("good")).unwrap();
        let before = read_all(&dir);
        // The fourth file cannot be created: the failure comes after three
        // files of the new archive were written.
        let mut bad = files("bad");
        bad[3].0 = "no-such-folder/schedule.ics";
        let err = install(root.path(), "camp", &bad).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("no-such-folder"), "{message}");
        assert!(message.contains("cannot create"), "{message}");
        assert_eq!(read_all(&dir), before);
        let names: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["camp"], "the temporary folder is removed");
    }

    #[test]
    fn the_list_is_newest_first_and_skips_what_is_not_an_archive() {
        let data = tempfile::tempdir().unwrap();
        let root = data.path().join("archive");
        let board = |title: &str, days: &[&str]| {
            let slots: Vec<_> = days
                .iter()
                .enumerate()
                .map(|(i, d)| serde_json::json!({"id":format!("s{i}"),"day":d,"start":"09:00","end":"10:00"}))
                .collect();
            serde_json::json!({"rev":1,"event":{"slug":"x","title":title,"timezone":"Europe/Paris"},
                "rooms":[],"slots":slots,"sessions":[],"locks":[],"announcement":null})
            .to_string()
        };
        for (slug, title, days) in [
            ("old", "Old camp", &["2025-05-01"][..]),
            ("new", "New camp", &["2026-12-05", "2026-12-06"][..]),
            ("mid", "Mid camp", &["2026-03-01"][..]),
        ] {
            fs::create_dir_all(root.join(slug)).unwrap();
            fs::write(root.join(slug).join("board.json"), board(title, days)).unwrap();
        }
        fs::create_dir_all(root.join(".new.tmp-1")).unwrap();
        fs::write(
            root.join(".new.tmp-1/board.json"),
            board("Temp", &["2027-01-01"]),
        )
        .unwrap();
        fs::create_dir_all(root.join("broken")).unwrap();
        fs::write(root.join("broken/board.json"), "{").unwrap();
        let list = list(data.path());
        let slugs: Vec<_> = list.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(slugs, ["new", "mid", "old"]);
        assert_eq!(list[0].first_day.as_deref(), Some("2026-12-05"));
        assert_eq!(list[0].last_day.as_deref(), Some("2026-12-06"));
        assert_eq!(list[0].title, "New camp");
    }

    #[test]
    fn slugs_are_the_only_folder_names_reachable() {
        for ok in ["camp", "barcamp-2026", "a"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            ".camp.tmp-1",
            "-a",
            "a-",
            "Camp",
            "a b",
        ] {
            assert!(!is_slug(bad), "{bad}");
        }
        assert_eq!(content_type("board.json"), Some("application/json"));
        assert_eq!(content_type("journal.jsonl"), None);
        assert_eq!(content_type("../board.json"), None);
    }
}
