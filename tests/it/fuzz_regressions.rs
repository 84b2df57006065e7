//! The fuzz targets' checks, on the stable toolchain: every committed seed of
//! `fuzz/corpus/` and every input the fuzzer ever found in
//! `fuzz/regressions/` replays through the same harness as `cargo fuzz`
//! (`fuzz/src/harness.rs`, included here), so a fixed crash stays fixed.
//! How to fuzz: docs/fuzzing.md.

use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/harness.rs"]
mod harness;

fn inputs(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every file of `dirs`; returns each file's name and what `run` said.
fn replay<T>(dirs: &[&str], run: fn(&[u8]) -> T) -> Vec<(String, T)> {
    let mut out = Vec::new();
    for dir in dirs {
        for path in inputs(dir) {
            let data = std::fs::read(&path).expect("a readable corpus file");
            let outcome = std::panic::catch_unwind(|| run(&data));
            let Ok(result) = outcome else {
                panic!("{} breaks an invariant", path.display());
            };
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, result));
        }
    }
    out
}

/// The seeds that the seeded board accepts; every other single-frame seed is
/// refused by the parser or rejected by the rules. Keeps the corpus honest:
/// a seed that stopped reaching the code it was written for fails here.
const ACCEPTED: &[&str] = &[
    "announce",
    "announce_clear",
    "claim_empty_board",
    "claim_free",
    "claim_full",
    "edit_closed_owner",
    "edit_organiser",
    "edit_own",
    "end",
    // The harness reads bytes as `from_utf8_lossy`: a title of U+FFFD. (The
    // server never sees such a frame: the socket refuses non-UTF-8 text.)
    "invalid_utf8",
    "lock",
    "move_organiser_closed",
    "move_own",
    "release_organiser",
    "release_own",
    "req_64_unicode",
    "set_open_false",
    "set_open_true_closed",
    "surrogate_pair",
    "swap",
    "tags_six_dupes",
    "title_80_crabs",
    "unlock",
    "vote_off",
    "vote_on",
    "whitespace",
];

#[test]
fn the_single_frame_corpus_holds_the_invariants() {
    let results = replay(
        &["fuzz/corpus/frame_apply", "fuzz/regressions/frame_apply"],
        harness::run_frame,
    );
    assert!(results.len() >= 50, "the seed corpus is committed");
    let accepted: Vec<&str> = results
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(accepted, ACCEPTED);
}

#[test]
fn the_sequence_corpus_holds_the_invariants() {
    let results = replay(
        &[
            "fuzz/corpus/frame_sequence",
            "fuzz/regressions/frame_sequence",
        ],
        harness::run_sequence,
    );
    assert!(results.len() >= 50, "the seed corpus is committed");
    let accepted = |name: &str| results.iter().find(|(n, _)| n == name).map(|r| r.1);
    assert_eq!(accepted("claim_edit_vote_release"), Some(6));
    assert_eq!(accepted("ended_start"), Some(0));
}

/// Replays a whole working corpus (say `fuzz/work/frame_apply` after a
/// `cargo fuzz run`) in this debug build, where integer overflow panics,
/// which the `-O` fuzz build does not check: set
/// `SLOTBOARD_FUZZ_REPLAY_APPLY` and/or `SLOTBOARD_FUZZ_REPLAY_SEQUENCE` to
/// a folder (relative to the crate root). Without them this test does nothing.
#[test]
fn a_working_corpus_named_in_the_environment_holds_the_invariants() {
    if let Ok(dir) = std::env::var("SLOTBOARD_FUZZ_REPLAY_APPLY") {
        let n = replay(&[dir.as_str()], harness::run_frame).len();
        assert!(n > 0, "no file in {dir}");
        eprintln!("replayed {n} single frames from {dir}");
    }
    if let Ok(dir) = std::env::var("SLOTBOARD_FUZZ_REPLAY_SEQUENCE") {
        let n = replay(&[dir.as_str()], harness::run_sequence).len();
        assert!(n > 0, "no file in {dir}");
        eprintln!("replayed {n} sequences from {dir}");
    }
}
