//! Journal integrity through the real binary: every journal line carries a
//! CRC32C of its text, so a line changed after it was written, even into
//! other valid JSON that the rules would accept (another title), stops the
//! start, naming the file and the line, and leaves every file as it was.
//! The same holds for a sealed segment of `history/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::kit::*;

/// Every file under `dir` with its bytes: what "touching nothing" compares.
fn files_of(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            out.extend(files_of(&e.path()));
        } else {
            out.insert(e.path(), fs::read(e.path()).unwrap());
        }
    }
    out
}

const TALKS: [(&str, &str, &str); 3] = [
    ("sat-0930", "amphi", "Talk zero"),
    ("sat-0930", "ouessant", "Talk one"),
    ("sat-0930", "brehat", "Talk two"),
];

/// Three acked claims, then `stop` (SIGKILL keeps them in the journal, a
/// clean stop seals them into `history/`).
async fn three_claims(site: &Site, clean: bool) {
    let mut server = site.start(&[], None).await;
    let mut phone = Client::join(&server.ws_url(), Cmd::hello()).await;
    for (slot, room, title) in TALKS {
        phone.claim_ok(slot, room, title).await;
    }
    phone.leave().await;
    if clean {
        server.terminate();
        assert!(server.wait_exit().await.success());
    } else {
        server.kill();
    }
}

/// Changes `title` into `into` in `path` (same length or not: still JSON).
fn retitle(path: &Path, title: &str, into: &str) -> String {
    let text = fs::read_to_string(path).unwrap();
    assert!(
        text.contains(title),
        "{title} in {}: {text}",
        path.display()
    );
    let damaged = text.replacen(title, into, 1);
    fs::write(path, &damaged).unwrap();
    damaged
}

/// Starts the binary on a damaged folder and checks it refuses, naming
/// `file` and `line`, and touches nothing.
async fn assert_refused(site: &Site, file: &Path, line: usize) {
    let before = files_of(&site.data());
    let (status, log) = site.run_to_exit().await;
    assert!(!status.success(), "a changed line stops the start: {log}");
    for words in [
        &file.display().to_string()[..],
        &format!("line {line} ")[..],
        "checksum mismatch",
        "left untouched",
    ] {
        assert!(log.contains(words), "{words:?} in:\n{log}");
    }
    assert!(!log.contains("panicked"), "no panic:\n{log}");
    assert_eq!(files_of(&site.data()), before, "every file is as it was");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_line_changed_into_another_title_stops_the_start() {
    let site = Site::new("", "");
    three_claims(&site, false).await;
    let text = fs::read_to_string(site.journal()).unwrap();
    assert!(text.starts_with("{\"format\":2}\n"), "{text}");
    assert_eq!(change_lines(&text).len(), 3);
    assert!(
        change_lines(&text)
            .iter()
            .all(|l| l.contains(",\"crc\":\"")),
        "{text}"
    );
    // Line 3 of the file: the header, then "Talk zero", then "Talk one".
    retitle(&site.journal(), "Talk one", "Talk 1ne");
    assert_refused(&site, &site.journal(), 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_line_in_a_sealed_segment_stops_the_start() {
    let site = Site::new("", "");
    three_claims(&site, true).await;
    let segment = site.event_dir().join("history/000000000001.jsonl");
    assert!(segment.exists(), "a clean stop seals the journal");
    retitle(&segment, "Talk two", "Cancelled");
    assert_refused(&site, &segment, 4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intact_folder_starts_again_on_the_same_board() {
    let site = Site::new("", "");
    three_claims(&site, false).await;
    let server = site.start(&[], None).await;
    let phone = Client::join(&server.ws_url(), Cmd::hello()).await;
    assert_eq!(phone.welcome["rev"], 3);
    let titles: Vec<&str> = phone.welcome["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    for (_, _, title) in TALKS {
        assert!(titles.contains(&title), "{title} in {titles:?}");
    }
    server.kill();
}
