//! The archive of a running event: when its board ends, the hub's final
//! board is written to `{data_dir}/archive/{slug}/` by `store::archive`.
//!
//! This sits in the hub, not in `store` or `lifecycle`, because it needs a
//! running event (its handle, to take the board as it is now and to wait for
//! its end): the disk is handed plain data, and lifecycle decides without a
//! task or a file.

use std::path::{Path, PathBuf};

use crate::store::archive::{self, ArchiveError};

use super::EventHandle;

/// Archives a running event as it is now: takes the hub's current board and
/// writes the archive on the blocking pool, so the hub and every other board
/// go on while the files are written. Returns the archive's folder.
pub async fn archive_event(
    handle: &EventHandle,
    data_dir: &Path,
    public_url: &str,
) -> Result<PathBuf, ArchiveError> {
    let slug = handle.config.slug.clone();
    let snapshot = handle
        .snapshot()
        .await
        .map_err(|_| ArchiveError::Gone(slug.clone()))?;
    let config = handle.config.clone();
    let data_dir = data_dir.to_owned();
    let public_url = public_url.to_owned();
    let result = tokio::task::spawn_blocking(move || {
        archive::write(
            &data_dir,
            &config,
            &snapshot.board,
            &snapshot.json,
            &public_url,
        )
    })
    .await
    .map_err(|_| ArchiveError::Gone(slug.clone()))?;
    match &result {
        Ok(dir) => tracing::info!(event = %slug, path = %dir.display(), "archived"),
        Err(e) => {
            tracing::warn!(event = %slug, error = %e, "archive failed; the live board goes on")
        }
    }
    result
}

/// Archives the event once it has ended: at once if it had already ended
/// before this start and its archive is missing, else when its board ends
/// (an organiser's `end`, or its last slot passing); then again after each
/// change the ended board still takes (a links-only `edit`: notes and slides
/// come after the session), so the archive shows them. A failure is logged
/// by [`archive_event`] and never touches the live board; `slotboard
/// archive EVENT` writes it again by hand.
///
/// The hub marks the `ended` watch after every change it makes durable on an
/// ended board (`send_replace`, which wakes the watchers even when the value
/// stays `true`): each wake here is one more accepted change. The archive is
/// rendered from the board alone, so writing it again with nothing changed
/// gives the same bytes.
pub fn archive_when_ended(handle: EventHandle, data_dir: PathBuf, public_url: String) {
    let mut ended = handle.ended_watch();
    let already = *ended.borrow_and_update();
    tokio::spawn(async move {
        let board_json = archive::archive_dir(&data_dir, &handle.config.slug).join("board.json");
        if !already && ended.wait_for(|e| *e).await.is_err() {
            return; // The hub stopped first (shutdown).
        }
        if !(already && board_json.exists()) {
            let _ = archive_event(&handle, &data_dir, &public_url).await;
        }
        // Each later change on the ended board: written again. A change
        // that lands while the files are written wakes the loop once more.
        while ended.changed().await.is_ok() {
            ended.borrow_and_update();
            let _ = archive_event(&handle, &data_dir, &public_url).await;
        }
    });
}
