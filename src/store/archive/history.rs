//! Every change of an event from its data folder, oldest first: the sealed
//! `history/` segments, then the journal.
//!
//! It is its own file because it is the one read of the disk that races a
//! running server (which may append and seal meanwhile), and so the one with
//! a retry: both the archive of a running event and the rebuild of a stopped
//! one start here.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::record::Record;
use crate::store::journal::{BadLine, Segment};

use super::{ArchiveError, io_err};

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
            Retry::Fail(ArchiveError::History {
                path: path.clone(),
                why: e.why(),
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
