//! The archives on disk, for the archive pages: which folders under
//! `{data_dir}/archive/` are archives (newest first), and the `board.json`
//! of one.
//!
//! It is its own file because it only reads what `install.rs` wrote, and
//! reads it forgivingly: a folder that is not an archive is skipped, never
//! an error for the page listing them.

use std::fs;
use std::path::Path;

use crate::config::is_slug;
use crate::export::archived::{Archived, ArchivedBoard};

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
}
