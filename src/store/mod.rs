//! The disk: one folder per event, holding its journal, its last snapshot and
//! the sealed segments of its history.
//!
//! ```text
//! {data_dir}/events/{slug}/
//!     journal.jsonl              {"format":2}, then the changes after the snapshot, one Record a line (with its crc)
//!     snapshot.json              the board at some rev, written by atomic rename
//!     history/000000000001.jsonl sealed journal segments, kept for the archive
//! ```
//!
//! Snapshot and journal say their data format ([`SNAPSHOT_FORMAT`],
//! [`JOURNAL_FORMAT`]; see `journal.rs` for the header and the checksum of
//! each line); a file of a newer format, or a journal line that fails its
//! checksum, stops `open`.
//!
//! Every write that matters is followed by `fsync` before the caller is told
//! it succeeded; files are replaced by write-temp, fsync, rename, fsync-dir.
//! Reading (`open`) never changes a file, except to cut a torn last line that
//! a crash left in the journal.

pub mod archive;
pub mod feeds;
mod journal;
pub mod orphans;
pub mod sessions;
pub mod venue;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::board::{Board, BoardState, Grid, ParticipantId};
use crate::record::Record;

pub use journal::{HEADER, JOURNAL_FORMAT, Journal};

/// The snapshot format this build writes, and the newest it reads. The
/// journal's checksums (its format 2) left the snapshot as it was.
pub const SNAPSHOT_FORMAT: u64 = 1;

use journal::{BadLine, Segment};

/// What stops an event's store from opening. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{path}: line {line} is corrupted ({why}); the files were left untouched. \
         Restore this event's folder from a backup, or move the file away to start from the snapshot"
    )]
    Corrupt {
        path: PathBuf,
        line: usize,
        why: String,
    },
    #[error("{path}: {why}; the files were left untouched")]
    Snapshot { path: PathBuf, why: String },
    #[error(
        "{path}: {}; the files were left untouched",
        journal::newer_format(*format, *newest)
    )]
    NewerFormat {
        path: PathBuf,
        format: u64,
        /// The newest format of this kind of file that this build reads.
        newest: u64,
    },
}

/// A request id already answered with an ack, kept across restarts so a
/// client's retry is not applied twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckedReq {
    pub by: ParticipantId,
    pub req: String,
    pub rev: u64,
}

#[derive(Serialize, Deserialize)]
struct SnapshotFile {
    /// The data format ([`SNAPSHOT_FORMAT`]); absent in snapshots written before
    /// formats were numbered, which are format 1.
    #[serde(default = "format_one")]
    format: u64,
    board: BoardState,
    #[serde(default)]
    acked: Vec<AckedReq>,
}

fn format_one() -> u64 {
    1
}

/// Only the format of a snapshot, whatever else it holds.
#[derive(Deserialize)]
struct FormatOnly {
    #[serde(default = "format_one")]
    format: u64,
}

/// An event's board as found on disk.
pub struct Loaded {
    pub board: Board,
    /// The board of the snapshot, before `recent` (what undo judges the
    /// recent changes on).
    pub base: Board,
    /// The wire frames of the journal's changes after the snapshot, oldest
    /// first, for resuming clients: `(rev, frame)`.
    pub recent: Vec<(u64, String)>,
    /// Request ids already acked, from the snapshot and the journal.
    pub acked: Vec<AckedReq>,
    /// Whether a torn last line was cut from the journal.
    pub torn: bool,
}

/// One event's folder, open for appending.
pub struct EventStore {
    dir: PathBuf,
    journal: Journal,
}

impl EventStore {
    /// Opens (creating if needed) the folder of one event and replays it onto
    /// a board of `grid`.
    pub fn open(dir: &Path, grid: Grid) -> Result<(EventStore, Loaded), StoreError> {
        let io_err = |path: &Path| {
            let path = path.to_owned();
            move |source| StoreError::Io { path, source }
        };
        fs::create_dir_all(dir.join("history")).map_err(io_err(dir))?;

        let snap_path = dir.join("snapshot.json");
        let (mut board, mut acked) = match fs::read(&snap_path) {
            Ok(bytes) => {
                // The format first: a newer snapshot may not parse as this
                // build's.
                if let Ok(FormatOnly { format }) = serde_json::from_slice(&bytes) {
                    if format > SNAPSHOT_FORMAT {
                        return Err(StoreError::NewerFormat {
                            path: snap_path,
                            format,
                            newest: SNAPSHOT_FORMAT,
                        });
                    }
                }
                let snap: SnapshotFile =
                    serde_json::from_slice(&bytes).map_err(|e| StoreError::Snapshot {
                        path: snap_path.clone(),
                        why: format!("not a valid snapshot ({e})"),
                    })?;
                let board = Board::restore(grid, snap.board).map_err(|e| StoreError::Snapshot {
                    path: snap_path.clone(),
                    why: e.to_string(),
                })?;
                (board, snap.acked)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => (Board::new(grid), Vec::new()),
            Err(e) => return Err(io_err(&snap_path)(e)),
        };

        verify_history(&dir.join("history"))?;

        let journal_path = dir.join("journal.jsonl");
        let bytes = match fs::read(&journal_path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io_err(&journal_path)(e)),
        };
        let corrupt = |line: usize, why: String| StoreError::Corrupt {
            path: journal_path.clone(),
            line,
            why,
        };
        let bad = |e: BadLine| match e {
            BadLine::Newer { format } => StoreError::NewerFormat {
                path: journal_path.clone(),
                format,
                newest: JOURNAL_FORMAT,
            },
            BadLine::NotAChange { line, error } => corrupt(line, format!("not a change: {error}")),
            BadLine::Checksum { line, why } => corrupt(line, why),
        };
        let segment = Segment::read(&bytes).map_err(bad)?;
        let mut recent = Vec::new();
        let base = board.clone();
        let snapshot_rev = board.rev();
        let mut previous: Option<u64> = None;
        for line in segment.records() {
            let (line, record) = line.map_err(bad)?;
            let corrupt = |why: String| corrupt(line, why);
            // Revs follow each other by exactly 1 through the whole file...
            if previous.is_some_and(|p| record.rev != p + 1) {
                return Err(corrupt(format!(
                    "rev {} follows rev {}: revs must grow by exactly 1",
                    record.rev,
                    previous.unwrap_or_default()
                )));
            }
            previous = Some(record.rev);
            // ...the lines the snapshot already covers are skipped...
            if record.rev <= snapshot_rev {
                continue;
            }
            // ...and the first line after them continues the snapshot.
            if record.rev != board.rev() + 1 {
                return Err(corrupt(format!(
                    "rev {} follows rev {}: changes are missing",
                    record.rev,
                    board.rev()
                )));
            }
            board
                .apply(&record.change)
                .map_err(|e| corrupt(e.to_string()))?;
            if let (Some(by), Some(req)) = (&record.by, &record.req) {
                acked.push(AckedReq {
                    by: by.clone(),
                    req: req.clone(),
                    rev: record.rev,
                });
            }
            recent.push((record.rev, record.to_frame()));
        }
        // What is kept: the complete lines. A header with no change after it
        // is the start of a first write that a crash cut short: it goes too,
        // so that an empty journal is zero bytes.
        let complete = if segment.has_header && previous.is_none() {
            0
        } else {
            segment.complete
        };
        let torn = complete < bytes.len();

        let journal =
            Journal::open(&journal_path, complete as u64).map_err(io_err(&journal_path))?;
        if torn {
            tracing::warn!(
                path = %journal_path.display(),
                dropped_bytes = bytes.len() - complete,
                "the journal ended in a torn line (a crash during a write); it was never acknowledged and has been cut"
            );
        }
        sync_dir(dir).map_err(io_err(dir))?;
        Ok((
            EventStore {
                dir: dir.to_owned(),
                journal,
            },
            Loaded {
                board,
                base,
                recent,
                acked,
                torn,
            },
        ))
    }

    /// Appends whole lines and makes them durable. On failure the journal is
    /// cut back to where it was, so a later append starts on a clean line.
    pub fn append(&mut self, lines: &[u8]) -> io::Result<()> {
        self.journal.append(lines)
    }

    /// Bytes in the current journal.
    pub fn journal_len(&self) -> u64 {
        self.journal.len()
    }

    /// Whether an append of `bytes` bytes would succeed now, without
    /// touching the journal: as many bytes written at the journal's length
    /// into a scratch file beside it, synced, then removed. It fails as that
    /// append would for a full disk, a read-only folder, an I/O error or a
    /// file-size limit.
    pub fn probe(&self, bytes: usize) -> io::Result<()> {
        use std::io::{Seek, SeekFrom};
        let path = self.dir.join(".probe");
        let result = (|| {
            let mut file = fs::OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .open(&path)?;
            file.seek(SeekFrom::Start(self.journal.len()))?;
            file.write_all(&vec![b'\n'; self.journal.bytes_for(bytes).max(1)])?;
            file.sync_data()
        })();
        let _ = fs::remove_file(&path);
        result
    }

    /// Writes a snapshot of `board`, then seals the journal into `history/`
    /// and starts an empty one. A crash at any point leaves a folder that
    /// `open` replays to the same board.
    pub fn snapshot(&mut self, board: &Board, acked: Vec<AckedReq>) -> io::Result<()> {
        let file = SnapshotFile {
            format: SNAPSHOT_FORMAT,
            board: board.state(),
            acked,
        };
        let bytes = serde_json::to_vec(&file).map_err(io::Error::other)?;
        write_atomic(&self.dir.join("snapshot.json"), &bytes)?;
        if self.journal.is_empty() {
            return Ok(());
        }
        let first_rev = first_rev_of(&self.dir.join("journal.jsonl"))?.unwrap_or(board.rev());
        let sealed = self
            .dir
            .join("history")
            .join(format!("{first_rev:012}.jsonl"));
        self.journal.seal_into(&sealed)?;
        sync_dir(&self.dir.join("history"))?;
        sync_dir(&self.dir)?;
        Ok(())
    }

    /// Every change ever journaled for this event, oldest first: the sealed
    /// history segments, then the live journal.
    pub fn history_files(&self) -> io::Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = fs::read_dir(self.dir.join("history"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        files.push(self.dir.join("journal.jsonl"));
        Ok(files)
    }
}

/// Checks every line of the sealed segments in `history` against its
/// checksum (and each segment's format), so that a damaged segment stops the
/// start, naming its file and line, rather than the archive at the event's
/// end. Only checksums: the segments are not replayed (the snapshot covers
/// them). Reads only.
fn verify_history(history: &Path) -> Result<(), StoreError> {
    let io_err = |path: &Path| {
        let path = path.to_owned();
        move |source| StoreError::Io { path, source }
    };
    let mut files: Vec<PathBuf> = fs::read_dir(history)
        .map_err(io_err(history))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    for path in files {
        let bytes = fs::read(&path).map_err(io_err(&path))?;
        let checked = Segment::read(&bytes).and_then(|s| s.verify());
        match checked {
            Ok(()) => {}
            Err(BadLine::Newer { format }) => {
                return Err(StoreError::NewerFormat {
                    path,
                    format,
                    newest: JOURNAL_FORMAT,
                });
            }
            Err(BadLine::Checksum { line, why }) => {
                return Err(StoreError::Corrupt { path, line, why });
            }
            Err(BadLine::NotAChange { line, error }) => {
                return Err(StoreError::Corrupt {
                    path,
                    line,
                    why: format!("not a change: {error}"),
                });
            }
        }
    }
    Ok(())
}

/// The rev of the first change of a journal: its first line, or its second
/// after a header.
fn first_rev_of(path: &Path) -> io::Result<Option<u64>> {
    use std::io::BufRead;
    let mut file = io::BufReader::new(fs::File::open(path)?);
    let mut line = String::new();
    file.read_line(&mut line)?;
    if journal::header_format(line.trim_end().as_bytes()).is_some() {
        line.clear();
        file.read_line(&mut line)?;
    }
    Ok(serde_json::from_str::<Record>(line.trim_end())
        .ok()
        .map(|r| r.rev))
}

/// Replaces `path` with `bytes` so that a crash leaves either the old file or
/// the new one: write a temporary file, fsync it, rename it over, fsync the
/// folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("no file name"))?;
    let tmp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Makes a folder's entries (created, renamed files) durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests;
