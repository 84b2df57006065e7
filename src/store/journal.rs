//! The journal file of one event: the append-only writer, and the one reader
//! of its lines that both the replay at start and the archive's history use.
//!
//! A journal (and so every sealed segment of `history/`, which is a renamed
//! journal) is either empty, or a header line `{"format":2}` followed by one
//! change a line. Each change line is the wire `event` frame with the request
//! id and a CRC32C of the line spliced on ([`Record::line_from_frame`]); the
//! header is the only line that is not a change. The header goes out with the
//! first change, in the same write and fsync, so an empty journal stays zero
//! bytes and a journal never holds a header without a change after a clean
//! write.
//!
//! Format 1 is the same without the checksums: lines that end in the
//! request id, under a header `{"format":1}`, or with no header at all in
//! files written before formats were numbered. Those are still read. In
//! them, a line that does carry a crc is checked all the same: a journal
//! that an older build started and this one appended to (until the next
//! snapshot seals it) holds both kinds, and a header flipped from 2 to 1
//! must not switch the checks off. In format 2 every change line must carry
//! its crc.
//!
//! The check is over the line's bytes, before it is parsed: a changed byte
//! stops the start with the file and the line, as a line that is not JSON
//! does, even when the change left valid JSON (another title, another rev).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::record::{LineCrc, Record, line_crc};

/// The journal format this build writes, and the newest it reads: 2, lines
/// with a checksum. (The snapshot has its own number, `SNAPSHOT_FORMAT`.)
pub const JOURNAL_FORMAT: u64 = 2;

/// The first line of every journal this build writes.
pub const HEADER: &str = "{\"format\":2}\n";

/// The header line, as read: any JSON object with a numeric `format` (a
/// later format may add fields to it).
#[derive(serde::Deserialize)]
struct Header {
    format: u64,
}

/// The format of a header line; `None` for any other line. A change line
/// has no `format`: only a header parses as one.
pub fn header_format(line: &[u8]) -> Option<u64> {
    serde_json::from_slice::<Header>(line)
        .ok()
        .map(|h| h.format)
}

/// The complete lines of a journal or a sealed segment, parsed on demand.
pub struct Segment<'a> {
    /// Bytes up to the end of the last complete line. Everything after it
    /// is a line a crash cut short (never fsynced, so never acknowledged),
    /// or a line a running server is still writing.
    pub complete: usize,
    /// Whether the file starts with a header line.
    pub has_header: bool,
    /// The file's format: its header's, or 1 without one.
    pub format: u64,
    body: &'a [u8],
    /// The line number (1-based) of the first line of `body`.
    first_line: usize,
}

/// A line that is not what a journal may hold.
#[derive(Debug)]
pub enum BadLine {
    /// The line (1-based, counting the header) is not a change.
    NotAChange {
        line: usize,
        error: serde_json::Error,
    },
    /// The line's checksum is missing (in format 2) or does not match its
    /// text.
    Checksum { line: usize, why: String },
    /// The header says a format newer than [`JOURNAL_FORMAT`].
    Newer { format: u64 },
}

impl BadLine {
    /// What is wrong, in words, for a message that names the file.
    pub fn why(&self) -> String {
        match self {
            BadLine::NotAChange { line, error } => format!("line {line} is not a change ({error})"),
            BadLine::Checksum { line, why } => format!("line {line} is corrupted ({why})"),
            BadLine::Newer { format } => newer_format(*format, JOURNAL_FORMAT),
        }
    }
}

impl<'a> Segment<'a> {
    /// Reads the header of `bytes` (the whole file), refusing a newer format.
    pub fn read(bytes: &'a [u8]) -> Result<Segment<'a>, BadLine> {
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let lines = &bytes[..complete];
        let first_end = lines.iter().position(|&b| b == b'\n').unwrap_or(0);
        let header = header_format(&lines[..first_end]);
        // Without a header, a file from before formats were numbered: 1.
        let (format, body, first_line) = match header {
            Some(format) => (format, &lines[first_end + 1..], 2),
            None => (1, lines, 1),
        };
        if format > JOURNAL_FORMAT {
            return Err(BadLine::Newer { format });
        }
        Ok(Segment {
            complete,
            has_header: header.is_some(),
            format,
            body,
            first_line,
        })
    }

    /// The changes, oldest first, each with its line number (1-based,
    /// counting the header); empty lines are skipped. Each line's checksum
    /// is checked before it is parsed (see the module's doc).
    pub fn records(&self) -> impl Iterator<Item = Result<(usize, Record), BadLine>> + 'a {
        let first_line = self.first_line;
        let crc_required = self.format >= 2;
        self.body
            .split(|&b| b == b'\n')
            .enumerate()
            .filter(|(_, line)| !line.is_empty())
            .map(move |(i, line)| {
                let line_no = first_line + i;
                check_crc(line, crc_required)
                    .map_err(|why| BadLine::Checksum { line: line_no, why })?;
                // The crc field, last, is not a field of `Record`: serde
                // passes over it.
                serde_json::from_slice::<Record>(line)
                    .map(|r| (line_no, r))
                    .map_err(|error| BadLine::NotAChange {
                        line: line_no,
                        error,
                    })
            })
    }
}

impl Segment<'_> {
    /// Checks the checksum of every line without parsing them: what the
    /// start asks of the sealed segments of `history/`, which it does not
    /// replay but the archive will need whole.
    pub fn verify(&self) -> Result<(), BadLine> {
        let crc_required = self.format >= 2;
        for (i, line) in self.body.split(|&b| b == b'\n').enumerate() {
            if !line.is_empty() {
                check_crc(line, crc_required).map_err(|why| BadLine::Checksum {
                    line: self.first_line + i,
                    why,
                })?;
            }
        }
        Ok(())
    }
}

/// Checks one line's checksum; the words of what is wrong otherwise.
fn check_crc(line: &[u8], required: bool) -> Result<(), String> {
    match line_crc(line) {
        LineCrc::Valid => Ok(()),
        LineCrc::Absent if !required => Ok(()),
        LineCrc::Absent => Err(
            "no checksum: every change of a format 2 journal ends in its \
                                \"crc\" field, so the line was changed after it was written"
                .to_owned(),
        ),
        LineCrc::Mismatch { written, computed } => Err(format!(
            "checksum mismatch: the line says crc {written:08x}, its text gives {computed:08x}, \
             so it was changed after it was written"
        )),
    }
}

/// The words for a file that a newer slotboard wrote; `newest` is the
/// newest format of that kind of file this build reads.
pub fn newer_format(format: u64, newest: u64) -> String {
    format!(
        "written by a newer slotboard (data format {format}; this build reads formats up to \
         {newest}); run that version or newer"
    )
}

/// An open journal: whole lines are appended and fsynced together (group
/// commit: the hub hands over every change of a batch at once).
pub struct Journal {
    path: PathBuf,
    file: File,
    /// Bytes known to be complete and durable.
    len: u64,
}

impl Journal {
    /// Opens the journal, cutting it to `len` (the end of its last complete
    /// line) so that the next append starts on a fresh line.
    pub fn open(path: &Path, len: u64) -> io::Result<Self> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        if file.metadata()?.len() != len {
            file.set_len(len)?;
            file.sync_all()?;
        }
        file.seek(SeekFrom::Start(len))?;
        Ok(Journal {
            path: path.to_owned(),
            file,
            len,
        })
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the journal holds no change (it then holds no header either).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes an append of `lines` bytes writes: the header too, when it is
    /// the journal's first.
    pub fn bytes_for(&self, lines: usize) -> usize {
        if self.is_empty() {
            HEADER.len() + lines
        } else {
            lines
        }
    }

    /// Writes `lines` (each ending in `\n`) and fsyncs them, after the header
    /// when the journal is empty. On any failure the file is cut back to its
    /// last durable length.
    pub fn append(&mut self, lines: &[u8]) -> io::Result<()> {
        let result = if self.is_empty() {
            let mut first = Vec::with_capacity(HEADER.len() + lines.len());
            first.extend_from_slice(HEADER.as_bytes());
            first.extend_from_slice(lines);
            self.file.write_all(&first).map(|()| first.len())
        } else {
            self.file.write_all(lines).map(|()| lines.len())
        };
        let result = result.and_then(|n| self.file.sync_data().map(|()| n));
        match result {
            Ok(n) => {
                self.len += n as u64;
                Ok(())
            }
            Err(e) => {
                // Best effort: if even this fails, the torn tail is cut at the
                // next start, and the next append seeks back to `len` anyway.
                let _ = self.file.set_len(self.len);
                let _ = self.file.seek(SeekFrom::Start(self.len));
                Err(e)
            }
        }
    }

    /// Moves the journal's content to `sealed` and carries on with an empty
    /// journal at the same path.
    pub fn seal_into(&mut self, sealed: &Path) -> io::Result<()> {
        self.file.sync_all()?;
        fs::rename(&self.path, sealed)?;
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&self.path);
        let file = match opened {
            Ok(f) => f,
            Err(e) => {
                // Put the journal back: appends would otherwise go on into
                // the sealed file, which replay does not read after the
                // snapshot.
                let _ = fs::rename(sealed, &self.path);
                return Err(e);
            }
        };
        self.file = file;
        self.len = 0;
        Ok(())
    }
}
