//! The append-only journal file of one event.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

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

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes `lines` (each ending in `\n`) and fsyncs them. On any failure
    /// the file is cut back to its last durable length.
    pub fn append(&mut self, lines: &[u8]) -> io::Result<()> {
        let result = self
            .file
            .write_all(lines)
            .and_then(|()| self.file.sync_data());
        match result {
            Ok(()) => {
                self.len += lines.len() as u64;
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
