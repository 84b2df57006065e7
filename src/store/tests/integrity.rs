//! The checksum of each journal line: a line changed after it was written
//! (a flipped byte, a wrong crc, other valid JSON) stops `open` naming the
//! file and line and touching nothing, in the journal and in the sealed
//! segments of `history/`; journals of format 1, without checksums, still
//! read. Kept apart from `tests.rs` because it is one concern: integrity.

use super::*;
use crate::record::LineCrc;

/// A journal of this build's format: the header, then the morning's lines.
fn written(dir: &Path) -> (Story, String) {
    let story = Story::morning();
    let text = with_header(&story.lines(0..story.records.len()));
    fs::write(journal(dir), &text).unwrap();
    (story, text)
}

/// `text` with its `n`-th line (1-based, counting the header) replaced.
fn with_line(text: &str, n: usize, f: impl FnOnce(&str) -> String) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[n - 1] = f(&lines[n - 1]);
    lines.join("\n") + "\n"
}

/// Writes `damaged` as the journal, and checks `open` refuses it at `line`
/// with words of a checksum, leaving every file as it was.
fn assert_refused(dir: &Path, damaged: &str, line: usize, words: &str) {
    fs::write(journal(dir), damaged).unwrap();
    let before = names(dir);
    let err = open_err(dir);
    assert_corrupt_at(&err, dir, line);
    assert!(err.to_string().contains(words), "{words:?} in: {err}");
    assert_eq!(
        fs::read_to_string(journal(dir)).unwrap(),
        damaged,
        "the journal is left byte for byte"
    );
    assert_eq!(names(dir), before, "no file was added or removed");
}

#[test]
fn every_line_this_build_writes_carries_a_checksum_that_reads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let (story, text) = written(tmp.path());
    assert!(text.starts_with("{\"format\":2}\n"), "{text}");
    for line in text.lines().skip(1) {
        assert_eq!(crate::record::line_crc(line.as_bytes()), LineCrc::Valid);
        assert!(line.contains(",\"req\":\""), "req then crc: {line}");
    }
    let (_, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board);
}

#[test]
fn a_flipped_byte_in_a_line_s_text_is_named_with_its_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, text) = written(tmp.path());
    // "Crêpes as a service" -> "Crêpes as a servicd": still valid JSON.
    let damaged = with_line(&text, 3, |l| l.replacen("service", "servicd", 1));
    assert_refused(tmp.path(), &damaged, 3, "checksum mismatch");
}

#[test]
fn a_wrong_crc_is_named_with_its_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, text) = written(tmp.path());
    let damaged = with_line(&text, 5, |l| {
        let (body, _) = l.rsplit_once(",\"crc\":\"").unwrap();
        format!("{body},\"crc\":\"00000000\"}}")
    });
    assert_refused(tmp.path(), &damaged, 5, "says crc 00000000");
}

#[test]
fn a_line_changed_into_other_valid_json_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, text) = written(tmp.path());
    // Another title, and every other byte as it was: the rules would accept
    // it, only the checksum tells.
    let damaged = with_line(&text, 2, |l| {
        l.replacen("Rust & WebSockets", "The BarCamp is cancelled", 1)
    });
    let changed: Record = serde_json::from_str(damaged.lines().nth(1).unwrap()).unwrap();
    assert!(matches!(changed.change, Change::Claimed { .. }));
    assert_refused(tmp.path(), &damaged, 2, "checksum mismatch");
}

#[test]
fn a_format_2_line_without_its_crc_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (story, text) = written(tmp.path());
    // The line as format 1 wrote it: the crc field gone.
    let damaged = with_line(&text, 4, |_| {
        let r = &story.records[2];
        crate::record::Record::line_from_frame(&r.to_frame(), r.req.as_deref())
            .rsplit_once(",\"crc\"")
            .map(|(body, _)| format!("{body}}}"))
            .unwrap()
    });
    assert_refused(tmp.path(), &damaged, 4, "no checksum");
}

/// The morning's lines as format 1 wrote them: no crc field.
fn v1_lines(story: &Story) -> String {
    story
        .records
        .iter()
        .map(|r| {
            let line = r.to_line();
            let (body, _) = line.rsplit_once(",\"crc\":\"").unwrap();
            format!("{body}}}\n")
        })
        .collect()
}

#[test]
fn format_1_lines_without_a_crc_still_read_with_or_without_a_header() {
    let story = Story::morning();
    for header in ["", "{\"format\":1}\n"] {
        let tmp = tempfile::tempdir().unwrap();
        let text = format!("{header}{}", v1_lines(&story));
        assert!(!text.contains("crc"));
        fs::write(journal(tmp.path()), &text).unwrap();
        let (_, loaded) = open(tmp.path());
        assert_eq!(loaded.board, story.board, "header {header:?}");
        assert_eq!(loaded.acked, story.acked(0..7));
        assert_eq!(fs::read_to_string(journal(tmp.path())).unwrap(), text);
        let history = archive::read_history(tmp.path(), None).unwrap();
        assert_eq!(history, story.records);
    }
}

#[test]
fn a_format_1_journal_that_this_build_appended_to_checks_the_new_lines() {
    // An older build started the journal; this one carried on in it after
    // a crash, until the next snapshot seals it.
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let old: String = v1_lines(&story)
        .lines()
        .take(3)
        .map(|l| l.to_owned() + "\n")
        .collect();
    let text = format!("{{\"format\":1}}\n{old}{}", story.lines(3..7));
    fs::write(journal(tmp.path()), &text).unwrap();
    let (_, loaded) = open(tmp.path());
    assert_eq!(loaded.board, story.board);

    // A checksummed line is checked whatever the header says (a header
    // flipped from 2 to 1 does not switch the checks off).
    let damaged = with_line(&text, 5, |l| l.replacen("\"s_1\"", "\"s_2\"", 1));
    assert_ne!(damaged, text);
    assert_refused(tmp.path(), &damaged, 5, "checksum mismatch");
}

#[test]
fn a_changed_line_in_a_sealed_segment_stops_the_open_and_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let story = Story::morning();
    let (mut store, _) = open(tmp.path());
    store.append(story.lines(0..3).as_bytes()).unwrap();
    store
        .snapshot(&story.board_at(3), story.acked(0..3))
        .unwrap();
    store.append(story.lines(3..7).as_bytes()).unwrap();
    drop(store);

    let segment = tmp.path().join("history/000000000001.jsonl");
    let text = fs::read_to_string(&segment).unwrap();
    let damaged = with_line(&text, 3, |l| l.replacen("service", "servicd", 1));
    fs::write(&segment, &damaged).unwrap();
    let before = names(tmp.path());

    let err = open_err(tmp.path());
    match &err {
        StoreError::Corrupt { path, line, .. } => {
            assert_eq!(path, &segment, "{err}");
            assert_eq!(*line, 3, "{err}");
        }
        other => panic!("expected a corrupt segment, got {other:?}"),
    }
    let words = err.to_string();
    assert!(words.contains(&segment.display().to_string()), "{words}");
    assert!(words.contains("line 3"), "{words}");
    assert!(words.contains("checksum mismatch"), "{words}");
    assert_eq!(fs::read_to_string(&segment).unwrap(), damaged);
    assert_eq!(names(tmp.path()), before);

    match archive::read_history(tmp.path(), None) {
        Err(archive::ArchiveError::History { path, why }) => {
            assert_eq!(path, segment);
            assert!(why.contains("line 3") && why.contains("checksum"), "{why}");
        }
        other => panic!("the archive refuses it too: {other:?}"),
    }
}

#[test]
fn a_flipped_bit_anywhere_in_a_journal_never_opens_to_another_board() {
    let tmp = tempfile::tempdir().unwrap();
    let (story, text) = written(tmp.path());
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        let mut bad = bytes.to_vec();
        bad[i] ^= 0x04;
        fs::write(journal(tmp.path()), &bad).unwrap();
        // Either refused, or (a flipped newline cuts a torn tail, a flipped
        // header reads as format 1 with every crc still checked) a board that
        // is a prefix of the story: never a board nobody made.
        if let Ok((_, loaded)) = EventStore::open(tmp.path(), grid()) {
            let n = loaded.board.rev() as usize;
            assert_eq!(
                loaded.board,
                story.board_at(n),
                "byte {i} flipped opened to another board"
            );
        }
    }
}
