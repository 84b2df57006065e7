//! Putting an archive's files in place atomically: written into a temporary
//! folder beside the archive, each fsynced, and swapped in by rename, the
//! previous archive moved aside and removed last.
//!
//! It is its own file because it is the archive's one promise about the
//! disk: a reader sees the old archive, or briefly none, or the new one,
//! never a half-written one, and a failure leaves the previous one as it was.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::store::sync_dir;

use super::{ArchiveError, io_err};

/// One archive swap at a time in this process.
static SWAP: Mutex<()> = Mutex::new(());
static SEQ: AtomicU64 = AtomicU64::new(0);

/// Puts `files` in `{root}/{slug}/` by a temporary folder and renames.
pub(super) fn install(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::archive::FILES;

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
}
