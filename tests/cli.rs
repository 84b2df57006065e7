//! The `slotboard` binary as an operator meets it: checking a config,
//! refusing a bad one with the file, the key and the fix, and hashing the
//! organiser secret.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use slotboard::auth::OrganiserSecret;

mod kit;
use kit::slotboard_command;

const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml");

/// Runs the binary with `args`, a clean `SLOTBOARD_*` environment plus `env`,
/// and `stdin` as its standard input.
fn slotboard(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = slotboard_command();
    cmd.envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the slotboard binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The shipped config with one edit, written to `dir/bad.toml`.
fn shipped_with(dir: &Path, from: &str, to: &str) -> PathBuf {
    let shipped = std::fs::read_to_string(SHIPPED).unwrap();
    assert!(shipped.contains(from), "config.toml has no {from:?}");
    let path = dir.join("bad.toml");
    std::fs::write(&path, shipped.replacen(from, to, 1)).unwrap();
    path
}

/// Runs `check-config` and the default command (serve) on the file and
/// expects both to refuse it with exit code 2 and a message that contains
/// every one of `wants`.
#[track_caller]
fn expect_refused(path: &Path, env: &[(&str, &str)], wants: &[&str]) {
    let file = path.to_str().unwrap();
    for args in [
        vec!["check-config", "--config", file],
        vec!["--config", file, "--bind", "127.0.0.1:0"],
    ] {
        let out = slotboard(&args, env, "");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with(file), "{args:?}: {stderr}");
        for want in wants {
            assert!(stderr.contains(want), "{args:?}: no {want:?} in {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
        assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
    }
}

#[test]
fn the_shipped_config_checks_ok() {
    let out = slotboard(&["check-config", "--config", SHIPPED], &[], "");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.starts_with(&format!("{SHIPPED}: OK, ")), "{stdout}");
    assert!(
        stdout.contains("barcamp-rennes: 6 rooms, 12 slots"),
        "{stdout}"
    );
}

#[test]
fn the_config_path_comes_from_the_environment_too() {
    let out = slotboard(&["check-config"], &[("SLOTBOARD_CONFIG", SHIPPED)], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn an_unknown_key_is_named_with_the_expected_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = shipped_with(
        dir.path(),
        "data_dir = \"data\"",
        "data_dir = \"data\"\ncolour = \"blue\"",
    );
    expect_refused(
        &path,
        &[],
        &[
            "line",
            "unknown field `colour`",
            "expected one of",
            "`bind`",
        ],
    );
}

#[test]
fn a_duplicate_room_id_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = shipped_with(dir.path(), "id = \"ouessant\"", "id = \"amphi\"");
    expect_refused(
        &path,
        &[],
        &[
            ": events[0].rooms[1].id: ",
            "duplicate room id \"amphi\"",
            "room ids must be unique within an event",
        ],
    );
}

#[test]
fn overlapping_slots_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = shipped_with(
        dir.path(),
        "{ id = \"sat-1030\", start = \"10:30\"",
        "{ id = \"sat-1030\", start = \"10:00\"",
    );
    expect_refused(
        &path,
        &[],
        &[
            ": events[0].days[0].slots[1]: ",
            "\"sat-1030\" (10:00-11:15) overlaps slot \"sat-0930\" (09:30-10:15)",
            "start it at 10:15 or later",
        ],
    );
}

#[test]
fn a_bad_time_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = shipped_with(dir.path(), "start = \"09:30\"", "start = \"9h30\"");
    expect_refused(
        &path,
        &[],
        &[
            ": events[0].days[0].slots[0].start: ",
            "\"9h30\" is not a time",
            "HH:MM",
        ],
    );
}

#[test]
fn a_missing_secret_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = shipped_with(dir.path(), "organiser_token_hash = \"sha256:", "# was: \"");
    expect_refused(
        &path,
        &[],
        &[
            ": events[0].organiser_token_hash: ",
            "no organiser secret",
            "slotboard hash-token",
            "SLOTBOARD_ORGANISER_TOKEN",
        ],
    );
    // The environment variable is the other way to give it.
    let out = slotboard(
        &["check-config", "--config", path.to_str().unwrap()],
        &[("SLOTBOARD_ORGANISER_TOKEN", "a-long-enough-secret")],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_bad_override_is_named() {
    let out = slotboard(
        &["check-config", "--config", SHIPPED],
        &[("SLOTBOARD_PUBLIC_URL", "barcamp.example")],
        "",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("server.public_url"), "{stderr}");
    assert!(stderr.contains("SLOTBOARD_PUBLIC_URL"), "{stderr}");
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let file = path.to_str().unwrap();
    let out = slotboard(&["check-config", "--config", file], &[], "");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with(file), "{stderr}");
    assert!(stderr.contains("--config"), "{stderr}");
}

#[test]
fn garbage_is_refused_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.toml");
    std::fs::write(&path, b"\xff\xfe[[events]]\0 = =").unwrap();
    let out = slotboard(
        &["check-config", "--config", path.to_str().unwrap()],
        &[],
        "",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn hash_token_hashes_the_line_on_stdin() {
    let out = slotboard(&["hash-token"], &[], "my-organiser-secret\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let hash = stdout.trim();
    assert!(hash.starts_with("sha256:"), "{stdout}");
    let secret = OrganiserSecret::parse(hash).unwrap();
    assert!(secret.verify("my-organiser-secret"));
    assert!(!secret.verify("my-organiser-secret\n"));
    assert!(text(&out.stderr).contains("organiser_token_hash"));

    // A Windows line ending is not part of the secret either.
    let out = slotboard(&["hash-token"], &[], "my-organiser-secret\r\n");
    let secret = OrganiserSecret::parse(text(&out.stdout).trim()).unwrap();
    assert!(secret.verify("my-organiser-secret"));
}

#[test]
fn hash_token_refuses_an_empty_or_short_secret() {
    for input in ["", "\n", "short\n", " padded-secret \n"] {
        let out = slotboard(&["hash-token"], &[], input);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{input:?}: {stderr}");
        assert!(text(&out.stdout).is_empty());
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn hash_token_generate_prints_a_secret_and_its_hash() {
    let out = slotboard(&["hash-token", "--generate"], &[], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().map(str::trim).collect();
    let secret = lines
        .iter()
        .find(|l| l.len() == 24 && l.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| panic!("no secret in {stdout}"));
    let hash = lines
        .iter()
        .find_map(|l| l.strip_prefix("organiser_token_hash = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no hash line in {stdout}"));
    assert!(OrganiserSecret::parse(hash).unwrap().verify(secret));
}

#[test]
fn start_up_refuses_an_organiser_secret_under_16_characters() {
    let dir = tempfile::tempdir().unwrap();
    let path = shipped_with(dir.path(), "[server]", "[server]");
    // 15 characters: refused by check-config and by serve, naming the fix.
    expect_refused(
        &path,
        &[("SLOTBOARD_ORGANISER_TOKEN", "fifteen-chars-x")],
        &[
            "SLOTBOARD_ORGANISER_TOKEN",
            "15 characters long",
            "at least 16",
            "slotboard hash-token --generate",
        ],
    );
    // 16 is enough.
    let out = slotboard(
        &["check-config", "--config", path.to_str().unwrap()],
        &[("SLOTBOARD_ORGANISER_TOKEN", "sixteen-chars-xy")],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn hash_token_refuses_a_15_character_secret_and_names_generate() {
    let out = slotboard(&["hash-token"], &[], "fifteen-chars-x\n");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("at least 16"), "{stderr}");
    assert!(stderr.contains("hash-token --generate"), "{stderr}");
    assert!(text(&out.stdout).is_empty());
    let out = slotboard(&["hash-token"], &[], "sixteen-chars-xy\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_generated_secret_is_long_enough_to_start_with_and_fresh_each_time() {
    let secret_of = |out: &Output| -> String {
        let stdout = text(&out.stdout);
        stdout
            .lines()
            .map(str::trim)
            .find(|l| l.len() == 24 && l.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or_else(|| panic!("no secret in {stdout}"))
            .to_owned()
    };
    let a = slotboard(&["hash-token", "--generate"], &[], "");
    let b = slotboard(&["hash-token", "--generate"], &[], "");
    assert!(a.status.success() && b.status.success());
    let secret = secret_of(&a);
    assert_ne!(secret, secret_of(&b), "each run makes a new secret");
    let out = slotboard(
        &["check-config", "--config", SHIPPED],
        &[("SLOTBOARD_ORGANISER_TOKEN", &secret)],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn help_explains_the_commands() {
    let out = slotboard(&["--help"], &[], "");
    let stdout = text(&out.stdout);
    assert!(out.status.success());
    for want in [
        "serve",
        "check-config",
        "hash-token",
        "SLOTBOARD_ORGANISER_TOKEN",
    ] {
        assert!(stdout.contains(want), "no {want:?} in {stdout}");
    }
    let out = slotboard(&["hash-token", "--help"], &[], "");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("organiser_token_hash"), "{stdout}");
    assert!(stdout.contains("--generate"), "{stdout}");
}

#[test]
fn check_config_names_a_slug_of_both_the_file_and_the_venue() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let events = data.join("venue").join("events");
    std::fs::create_dir_all(&events).unwrap();
    let created = serde_json::json!({
        "format": 1,
        "created": "2026-12-02T10:00:00Z",
        "event": {
            "slug": "barcamp-rennes", "title": "Twice", "timezone": "UTC",
            "organiser_token_hash": slotboard::auth::hash_secret("a-secret-of-16-chars"),
            "rooms": [{"id": "r", "name": "R", "capacity": 1}],
            "days": [{"date": "2037-01-01", "slots": [{"id": "s", "start": "09:00", "end": "10:00"}]}]
        }
    });
    std::fs::write(events.join("barcamp-rennes.json"), created.to_string()).unwrap();
    let data_line = format!(
        "data_dir = \"{}\"",
        data.display().to_string().replace('\\', "/")
    );
    let path = shipped_with(dir.path(), "data_dir = \"data\"", &data_line);
    let out = slotboard(
        &["check-config", "--config", path.to_str().unwrap()],
        &[],
        "",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("\"barcamp-rennes\" is defined twice"),
        "{stderr}"
    );
    assert!(
        stderr.contains("config.toml (events[0])") && stderr.contains("barcamp-rennes.json"),
        "{stderr}"
    );
    // Under another slug it is listed beside the file's.
    let renamed = created.to_string().replace("barcamp-rennes", "venue-made");
    std::fs::remove_file(events.join("barcamp-rennes.json")).unwrap();
    std::fs::write(events.join("venue-made.json"), renamed).unwrap();
    let out = slotboard(
        &["check-config", "--config", path.to_str().unwrap()],
        &[],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("created on the venue's page (venue-made)"),
        "{}",
        text(&out.stdout)
    );
}
