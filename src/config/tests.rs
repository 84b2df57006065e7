//! The rules of the config, one test per rule: each test breaks one thing in
//! a small valid config and checks the key and the message the organiser
//! reads, since those messages are the interface of a config file.

use super::*;
use crate::board::RoomId;
use std::time::Duration;

const HASH: &str = "sha256:00000000000000000000000000000000:277e7ff6d232b9763f4a66e8d05d210da32dac9c6dbce1026ad4cc98acb5fefe";

/// A small valid config; each test breaks one thing in it.
fn base() -> String {
    format!(
        r#"
[server]
bind = "127.0.0.1:0"
public_url = "http://localhost:8080"

[[events]]
slug = "barcamp-test"
title = "BarCamp Test"
timezone = "Europe/Paris"
organiser_token_hash = "{HASH}"

[[events.rooms]]
id = "amphi"
name = "Amphi"
capacity = 120

[[events.rooms]]
id = "ouessant"
name = "Salle Ouessant"
capacity = 40

[[events.days]]
date = "2026-12-05"
slots = [
  {{ id = "sat-0930", start = "09:30", end = "10:15" }},
  {{ id = "sat-1030", start = "10:30", end = "11:15" }},
]

[[events.days]]
date = "2026-12-06"
slots = [
  {{ id = "sun-1030", start = "10:30", end = "11:15" }},
  {{ id = "sun-0930", start = "09:30", end = "10:15" }},
]
"#
    )
}

fn load(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml_str(text, "test.toml", &Overrides::default())
}

fn replaced(from: &str, to: &str) -> String {
    let text = base();
    assert!(text.contains(from), "base config has no {from:?}");
    text.replacen(from, to, 1)
}

/// Replaces `from` by `to` in the base config and expects an error at
/// `key` whose message contains `want`.
#[track_caller]
fn check(from: &str, to: &str, key: &str, want: &str) {
    check_text(&replaced(from, to), key, want);
}

#[track_caller]
fn check_text(text: &str, key: &str, want: &str) {
    let err = load(text).expect_err("config should be refused");
    let shown = err.to_string();
    assert_eq!(err.key(), Some(key), "{shown}");
    assert!(shown.starts_with(&format!("test.toml: {key}: ")), "{shown}");
    assert!(shown.contains(want), "expected {want:?} in: {shown}");
}

#[test]
fn the_base_config_loads() {
    let c = load(&base()).unwrap();
    assert_eq!(c.events.len(), 1);
    let e = &c.events[0];
    assert_eq!(e.languages, ["fr", "en"]);
    assert!(e.organiser().verify("abc"));
    assert_eq!(c.limits, Limits::default());
    assert_eq!(c.server.ping_interval(), Duration::from_secs(20));
    assert_eq!(c.server.resume_window, 10_000);
}

#[test]
fn the_shipped_config_loads() {
    let c = Config::from_toml_str(
        include_str!("../../config.toml"),
        "config.toml",
        &Overrides::default(),
    )
    .unwrap();
    let e = c.event("barcamp-rennes").unwrap();
    assert_eq!(e.timezone, "Europe/Paris");
    assert!(e.rooms.len() >= 5);
    assert_eq!(e.days.len(), 2);
    assert!(e.organiser().verify("demo-organiser-2026"));
    assert!(!e.organiser().verify("demo-organiser-2025"));
    // Every demo secret README shows opens its event, and is long enough to
    // be given as SLOTBOARD_ORGANISER_TOKEN too.
    for (slug, secret) in [
        ("barcamp-rennes", "demo-organiser-2026"),
        ("barcamp-brest", "demo-organiser-brest-2027"),
    ] {
        assert!(c.event(slug).unwrap().organiser().verify(secret), "{slug}");
        assert!(secret.chars().count() >= crate::config::MIN_SECRET_CHARS);
        assert!(include_str!("../../README.md").contains(&format!("`{secret}`")));
    }
    assert_eq!(c.server.bind, "0.0.0.0:8080".parse().unwrap());
    assert_eq!(c.server.public_url, "http://localhost:8080");
    assert_eq!(c.server.data_dir, PathBuf::from("data"));
}

#[test]
fn grid_sorts_slots_by_day_and_start() {
    let c = load(&base()).unwrap();
    let g = c.events[0].grid();
    let ids: Vec<_> = g.slots.iter().map(|s| s.id.0.as_str()).collect();
    assert_eq!(ids, ["sat-0930", "sat-1030", "sun-0930", "sun-1030"]);
    assert_eq!(g.slots[2].day.to_string(), "2026-12-06");
    assert_eq!(crate::board::hhmm(g.slots[2].start), "09:30");
    assert_eq!(crate::board::hhmm(g.slots[2].end), "10:15");
    assert_eq!(g.rooms[1].id, RoomId("ouessant".into()));
    assert_eq!(g.rooms[1].name, "Salle Ouessant");
    assert_eq!(g.rooms[1].capacity, 40);
}

#[test]
fn slot_times_are_in_the_event_timezone() {
    let c = load(&base()).unwrap();
    let (start, end) = c.events[0].slot_times("sat-0930").unwrap();
    assert_eq!(start.to_string(), "2026-12-05T09:30:00+01:00[Europe/Paris]");
    assert_eq!(end.to_string(), "2026-12-05T10:15:00+01:00[Europe/Paris]");
    assert!(c.events[0].slot_times("nope").is_none());
    assert_eq!(c.events[0].tz().iana_name(), Some("Europe/Paris"));
}

#[test]
fn slots_may_be_written_as_tables() {
    let text = replaced(
        "slots = [\n  { id = \"sun-1030\", start = \"10:30\", end = \"11:15\" },\n  { id = \"sun-0930\", start = \"09:30\", end = \"10:15\" },\n]",
        "[[events.days.slots]]\nid = \"sun-0930\"\nstart = \"09:30\"\nend = \"10:15\"",
    );
    let c = load(&text).unwrap();
    assert_eq!(c.events[0].days[1].slots[0].id, "sun-0930");
}

#[test]
fn timezone_names_are_canonicalized() {
    let c = load(&replaced("\"Europe/Paris\"", "\"europe/paris\"")).unwrap();
    assert_eq!(c.events[0].timezone, "Europe/Paris");
}

// --- syntax and unknown keys keep toml's message ---------------------

#[test]
fn unknown_keys_are_refused_with_the_expected_ones() {
    for (from, to, unknown) in [
        ("[server]\n", "[server]\ncolour = \"red\"\n", "colour"),
        ("capacity = 120", "capacity = 120\nseats = 3", "seats"),
        ("slug =", "slogan = \"x\"\nslug =", "slogan"),
        (
            "{ id = \"sat-0930\",",
            "{ room = \"x\", id = \"sat-0930\",",
            "room",
        ),
        ("[server]", "[limits]\ntitel = 3\n[server]", "titel"),
        ("[server]", "[sever]\n[server]", "sever"),
    ] {
        let err = load(&replaced(from, to)).unwrap_err();
        let shown = err.to_string();
        assert!(matches!(err, ConfigError::Syntax { .. }), "{shown}");
        assert!(shown.starts_with("test.toml: "), "{shown}");
        assert!(
            shown.contains(&format!("unknown field `{unknown}`")),
            "{shown}"
        );
        assert!(shown.contains("expected"), "{shown}");
        assert!(shown.contains("line"), "{shown}");
    }
}

#[test]
fn syntax_errors_carry_the_line() {
    let err = load(&replaced("capacity = 120", "capacity = ")).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("test.toml: TOML parse error at line"),
        "{shown}"
    );
}

#[test]
fn wrong_types_are_refused() {
    let err = load(&replaced("capacity = 120", "capacity = -3")).unwrap_err();
    assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
    let err = load(&replaced("capacity = 120", "capacity = \"many\"")).unwrap_err();
    assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
}

#[test]
fn bad_bind_address_says_what_to_write() {
    let err = load(&replaced("127.0.0.1:0", "localhost:8080")).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("invalid bind address \"localhost:8080\""),
        "{shown}"
    );
    assert!(shown.contains("0.0.0.0:8080"), "{shown}");
}

#[test]
fn missing_file_says_which_and_how() {
    let err = Config::load(
        Path::new("/nonexistent/slotboard.toml"),
        &Overrides::default(),
    )
    .unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("/nonexistent/slotboard.toml: cannot read"),
        "{shown}"
    );
    assert!(shown.contains("--config"), "{shown}");
}

// --- events ----------------------------------------------------------

#[test]
fn no_events() {
    let text = base();
    let cut = text.find("[[events]]").unwrap();
    check_text(&text[..cut], "events", "no event is defined");
}

#[test]
fn duplicate_event_slug() {
    let text = base();
    let event = &text[text.find("[[events]]").unwrap()..];
    check_text(
        &format!("{text}\n{event}"),
        "events[1].slug",
        "duplicate event slug \"barcamp-test\"",
    );
}

#[test]
fn bad_slugs() {
    for slug in [
        "",
        "BarCamp",
        "-camp",
        "camp-",
        "bar camp",
        "barcamp_2026",
        "é",
        &"a".repeat(65),
    ] {
        check(
            "\"barcamp-test\"",
            &format!("{slug:?}"),
            "events[0].slug",
            "invalid slug",
        );
    }
    assert!(
        load(&replaced(
            "\"barcamp-test\"",
            &format!("{:?}", "a".repeat(64))
        ))
        .is_ok()
    );
    assert!(load(&replaced("\"barcamp-test\"", "\"2026\"")).is_ok());
}

#[test]
fn empty_title() {
    check("\"BarCamp Test\"", "\"  \"", "events[0].title", "is empty");
}

#[test]
fn unknown_timezone() {
    check(
        "\"Europe/Paris\"",
        "\"Europe/Rennes\"",
        "events[0].timezone",
        "unknown timezone \"Europe/Rennes\"; use an IANA name",
    );
    check(
        "\"Europe/Paris\"",
        "\"+01:00\"",
        "events[0].timezone",
        "unknown timezone",
    );
}

#[test]
fn unknown_language() {
    check(
        "timezone = \"Europe/Paris\"",
        "timezone = \"Europe/Paris\"\nlanguages = [\"fr\", \"de\"]",
        "events[0].languages[1]",
        "unknown language \"de\"",
    );
    check(
        "timezone = \"Europe/Paris\"",
        "timezone = \"Europe/Paris\"\nlanguages = []",
        "events[0].languages",
        "is empty",
    );
    check(
        "timezone = \"Europe/Paris\"",
        "timezone = \"Europe/Paris\"\nlanguages = [\"en\", \"en\"]",
        "events[0].languages[1]",
        "listed twice",
    );
    let c = load(&replaced(
        "timezone = \"Europe/Paris\"",
        "timezone = \"Europe/Paris\"\nlanguages = [\"en\"]",
    ))
    .unwrap();
    assert_eq!(c.events[0].languages, ["en"]);
}

// --- rooms -----------------------------------------------------------

#[test]
fn no_rooms() {
    let text = base().replace(
        "[[events.rooms]]\nid = \"amphi\"\nname = \"Amphi\"\ncapacity = 120\n",
        "",
    );
    let text = text.replace(
        "[[events.rooms]]\nid = \"ouessant\"\nname = \"Salle Ouessant\"\ncapacity = 40\n",
        "",
    );
    check_text(&text, "events[0].rooms", "no room is defined");
}

#[test]
fn duplicate_room_id() {
    check(
        "id = \"ouessant\"",
        "id = \"amphi\"",
        "events[0].rooms[1].id",
        "duplicate room id \"amphi\"; room ids must be unique within an event",
    );
}

#[test]
fn bad_room_ids() {
    for id in ["", "salle 1", "bréhat", "a/b", &"r".repeat(33)] {
        check(
            "id = \"amphi\"",
            &format!("id = {id:?}"),
            "events[0].rooms[0].id",
            "invalid room id",
        );
    }
}

#[test]
fn empty_room_name() {
    check("\"Amphi\"", "\"\"", "events[0].rooms[0].name", "is empty");
}

#[test]
fn names_that_show_nothing_or_break_the_line_are_refused() {
    let room = "events[0].rooms[0].name";
    check("\"Amphi\"", "\"\\u3164\"", room, "visible");
    check("\"Amphi\"", "\"\\u200b\\u200d\"", room, "visible");
    check("\"Amphi\"", "\"Am\\u2028phi\"", room, "one line");
    check(
        "\"BarCamp Test\"",
        "\"Bar\\U000E0041\"",
        "events[0].title",
        "tag character",
    );
    assert!(load(&replaced("\"Amphi\"", "\"Amphi 🦀 ✨ à l'étage\"")).is_ok());
}

#[test]
fn names_are_trimmed() {
    let c = load(&replaced("\"Amphi\"", "\"  Amphi \"")).unwrap();
    assert_eq!(c.events[0].rooms[0].name, "Amphi");
    let c = load(&replaced("\"BarCamp Test\"", "\" BarCamp Test\"")).unwrap();
    assert_eq!(c.events[0].title, "BarCamp Test");
}

#[test]
fn zero_capacity() {
    check(
        "capacity = 40",
        "capacity = 0",
        "events[0].rooms[1].capacity",
        "is 0",
    );
}

// --- days and slots --------------------------------------------------

#[test]
fn bad_dates() {
    for date in [
        "2026-13-01",
        "2026-02-30",
        "05/12/2026",
        "2026-1-5",
        "2026-12-05T00:00",
    ] {
        check(
            "\"2026-12-05\"",
            &format!("{date:?}"),
            "events[0].days[0].date",
            "is not a date; write it as YYYY-MM-DD",
        );
    }
}

#[test]
fn bad_times() {
    for time in [
        "9h30", "25:00", "9:30", "09:60", "24:00", "09:30:00", "", "０9:30",
    ] {
        check(
            "start = \"10:30\"",
            &format!("start = {time:?}"),
            "events[0].days[0].slots[1].start",
            "is not a time; write it as HH:MM on a 24-hour clock",
        );
    }
    check(
        "end = \"10:15\"",
        "end = \"10h15\"",
        "events[0].days[0].slots[0].end",
        "is not a time",
    );
}

#[test]
fn start_not_before_end() {
    check(
        "end = \"11:15\"",
        "end = \"10:30\"",
        "events[0].days[0].slots[1].end",
        "the end must be after the start",
    );
    check(
        "end = \"11:15\"",
        "end = \"10:00\"",
        "events[0].days[0].slots[1].end",
        "ends at 10:00 but starts at 10:30",
    );
}

#[test]
fn duplicate_slot_id_across_days() {
    check(
        "id = \"sun-0930\"",
        "id = \"sat-0930\"",
        "events[0].days[1].slots[1].id",
        "duplicate slot id \"sat-0930\" (already used at events[0].days[0].slots[0])",
    );
}

#[test]
fn bad_slot_id() {
    check(
        "id = \"sat-1030\"",
        "id = \"sat 10:30\"",
        "events[0].days[0].slots[1].id",
        "invalid slot id",
    );
}

#[test]
fn overlapping_slots() {
    check(
        "start = \"10:30\"",
        "start = \"10:00\"",
        "events[0].days[0].slots[1]",
        "slot \"sat-1030\" (10:00-11:15) overlaps slot \"sat-0930\" (09:30-10:15) on 2026-12-05; \
         slots of a day must not overlap, so start it at 10:15 or later",
    );
    // Declared out of order, the later-starting one is named.
    check(
        "{ id = \"sun-0930\", start = \"09:30\", end = \"10:15\" }",
        "{ id = \"sun-0930\", start = \"09:30\", end = \"12:00\" }",
        "events[0].days[1].slots[0]",
        "slot \"sun-1030\" (10:30-11:15) overlaps slot \"sun-0930\" (09:30-12:00)",
    );
    // Same start.
    check(
        "start = \"10:30\", end = \"11:15\" },\n]\n\n[[events.days]]",
        "start = \"09:30\", end = \"10:00\" },\n]\n\n[[events.days]]",
        "events[0].days[0].slots[1]",
        "overlaps",
    );
    // Back to back is fine.
    assert!(load(&replaced("start = \"10:30\"", "start = \"10:15\"")).is_ok());
}

#[test]
fn day_without_slots() {
    let text = base();
    let from = text.find("slots = [\n  { id = \"sun").unwrap();
    check_text(
        &format!("{}slots = []\n", &text[..from]),
        "events[0].days[1].slots",
        "day 2026-12-06 has no slot",
    );
}

#[test]
fn no_days() {
    let text = base();
    let cut = text.find("[[events.days]]").unwrap();
    check_text(&text[..cut], "events[0].days", "no day is defined");
}

#[test]
fn duplicate_day() {
    check(
        "date = \"2026-12-06\"",
        "date = \"2026-12-05\"",
        "events[0].days[1].date",
        "day 2026-12-05 is declared twice",
    );
}

// --- server ----------------------------------------------------------

#[test]
fn public_url_is_normalized() {
    for (given, stored) in [
        ("http://localhost:8080/", "http://localhost:8080"),
        ("HTTPS://BarCamp.Example", "https://barcamp.example"),
        ("https://barcamp.example:443/", "https://barcamp.example"),
        ("http://10.0.0.5:80", "http://10.0.0.5"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ] {
        let c = load(&replaced(
            "\"http://localhost:8080\"",
            &format!("{given:?}"),
        ))
        .unwrap();
        assert_eq!(c.server.public_url, stored, "{given}");
    }
}

#[test]
fn bad_public_urls() {
    for url in [
        "localhost:8080",
        "ftp://example.org",
        "https://",
        "https://example.org/board",
        "https://example.org?x=1",
        "https://user@example.org",
        "https://exa mple.org",
        "https://example.org:0",
        "https://example.org:99999",
        "https://example.org:",
        "https://[::1",
        "",
    ] {
        check(
            "\"http://localhost:8080\"",
            &format!("{url:?}"),
            "server.public_url",
            "is not a valid http(s)://host[:port] URL",
        );
    }
}

#[test]
fn allowed_origins_are_checked_and_normalized() {
    let c = load(&replaced(
        "[server]\n",
        "[server]\nallowed_origins = [\"https://BarCamp.example/\"]\n",
    ))
    .unwrap();
    assert_eq!(c.server.allowed_origins, ["https://barcamp.example"]);
    assert!(c.server.is_configured_origin("https://barcamp.example"));
    assert!(c.server.is_configured_origin("https://barcamp.example:443"));
    assert!(c.server.is_configured_origin("http://localhost:8080"));
    assert!(!c.server.is_configured_origin("https://evil.example"));
    assert!(!c.server.is_configured_origin("null"));
    check(
        "[server]\n",
        "[server]\nallowed_origins = [\"https://ok.example\", \"*\"]\n",
        "server.allowed_origins[1]",
        "is not a valid",
    );
}

#[test]
fn zero_server_values() {
    for key in [
        "ping_interval_secs",
        "handshake_timeout_secs",
        "commands_per_sec",
        "command_burst",
        "resume_window",
        "snapshot_every",
        "broadcast_buffer",
        "write_timeout_secs",
    ] {
        check(
            "[server]\n",
            &format!("[server]\n{key} = 0\n"),
            &format!("server.{key}"),
            "is 0; it must be at least 1",
        );
    }
    check(
        "[server]\n",
        "[server]\nidle_timeout_secs = 20\n",
        "server.idle_timeout_secs",
        "not longer than ping_interval_secs",
    );
    check(
        "[server]\n",
        "[server]\nmax_frame_bytes = 100\n",
        "server.max_frame_bytes",
        "at least 1024",
    );
    check(
        "[server]\n",
        "[server]\ndata_dir = \"\"\n",
        "server.data_dir",
        "is empty",
    );
}

#[test]
fn zero_limits() {
    for key in ["title", "host", "tag", "announcement"] {
        check(
            "[server]",
            &format!("[limits]\n{key} = 0\n\n[server]"),
            &format!("limits.{key}"),
            "is 0, which would refuse every text",
        );
    }
    // No description and no tags are legitimate choices.
    let c = load(&replaced(
        "[server]",
        "[limits]\ndescription = 0\ntags = 0\n[server]",
    ))
    .unwrap();
    assert_eq!(c.limits.description, 0);
    assert_eq!(c.limits.title, 80);
}

// --- organiser secret ------------------------------------------------

#[test]
fn missing_organiser_secret() {
    check(
        &format!("organiser_token_hash = \"{HASH}\"\n"),
        "",
        "events[0].organiser_token_hash",
        "has no organiser secret; run `slotboard hash-token`",
    );
    let err = load(&replaced(
        &format!("organiser_token_hash = \"{HASH}\"\n"),
        "",
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("SLOTBOARD_ORGANISER_TOKEN"), "{err}");
}

#[test]
fn malformed_organiser_hash() {
    check(
        HASH,
        "demo-organiser-2026",
        "events[0].organiser_token_hash",
        "malformed organiser hash",
    );
    check(
        HASH,
        &HASH.replace("sha256:", "md5:"),
        "events[0].organiser_token_hash",
        "unsupported hash scheme",
    );
}

#[test]
fn env_token_overrides_and_applies_to_every_event() {
    let text = replaced(&format!("organiser_token_hash = \"{HASH}\"\n"), "");
    let event = text[text.find("[[events]]").unwrap()..].replace("barcamp-test", "barcamp-two");
    let overrides = Overrides {
        organiser_token: Some("env-secret-1234567".into()),
        ..Overrides::default()
    };
    let c = Config::from_toml_str(&format!("{text}\n{event}"), "t.toml", &overrides).unwrap();
    assert_eq!(c.events.len(), 2);
    for e in &c.events {
        assert!(e.organiser().verify("env-secret-1234567"));
        assert!(!e.organiser().verify("abc"));
    }
    // It also wins over a hash in the file.
    let c = Config::from_toml_str(&base(), "t.toml", &overrides).unwrap();
    assert!(c.events[0].organiser().verify("env-secret-1234567"));
    assert!(!c.events[0].organiser().verify("abc"));
}

#[test]
fn short_env_token_is_refused() {
    let overrides = Overrides {
        organiser_token: Some("abc".into()),
        ..Overrides::default()
    };
    let err = Config::from_toml_str(&base(), "t.toml", &overrides).unwrap_err();
    assert_eq!(err.key(), Some("SLOTBOARD_ORGANISER_TOKEN"));
    assert!(err.to_string().contains("at least 16"), "{err}");
}

#[test]
fn overrides_win_over_the_file() {
    let overrides = Overrides {
        bind: Some("127.0.0.1:9999".parse().unwrap()),
        data_dir: Some("/tmp/slotboard-x".into()),
        public_url: Some("https://board.example/".into()),
        organiser_token: None,
        venue_token: None,
    };
    let c = Config::from_toml_str(&base(), "t.toml", &overrides).unwrap();
    assert_eq!(c.server.bind, "127.0.0.1:9999".parse().unwrap());
    assert_eq!(c.server.data_dir, PathBuf::from("/tmp/slotboard-x"));
    assert_eq!(c.server.public_url, "https://board.example");

    let bad = Overrides {
        public_url: Some("board.example".into()),
        ..Overrides::default()
    };
    let err = Config::from_toml_str(&base(), "t.toml", &bad).unwrap_err();
    assert_eq!(err.key(), Some("server.public_url"));
    assert!(err.to_string().contains("SLOTBOARD_PUBLIC_URL"), "{err}");
}

#[test]
fn overrides_debug_hides_the_token() {
    let o = Overrides {
        organiser_token: Some("very-secret-token".into()),
        ..Overrides::default()
    };
    assert!(!format!("{o:?}").contains("very-secret"));
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "\u{0}",
        "[[events]]",
        "events = 3",
        "[server]\nbind = 3",
        "[[events]]\nslug=\"a\"\ntitle=\"t\"\ntimezone=\"UTC\"\n[[events.days]]\ndate=\"9999-99-99\"",
        "[[events]]\nslug=\"a\"\ntitle=\"t\"\ntimezone=\"\"\n",
        "[[events]]\nslug=\"a\"\ntitle=\"t\"\ntimezone=\"UTC\"\norganiser_token_hash=\"sha256:é:é\"",
    ] {
        assert!(load(text).is_err(), "{text:?}");
    }
}

// --- typed values and the one place of each default ------------------

#[test]
fn an_empty_server_table_is_the_default_server() {
    let text = replaced(
        "[server]\nbind = \"127.0.0.1:0\"\npublic_url = \"http://localhost:8080\"\n",
        "[server]\n",
    );
    let c = load(&text).unwrap();
    assert_eq!(c.server, ServerConfig::default());
    let d = ServerConfig::default();
    assert_eq!(d.bind, "0.0.0.0:8080".parse().unwrap());
    assert_eq!(d.max_frame_bytes, 16 * 1024);
    assert_eq!((d.commands_per_sec, d.command_burst), (10, 20));
    assert_eq!(d.idle_timeout(), Duration::from_secs(60));
    assert!(d.trusted_proxies.is_empty());
}

#[test]
fn messages_quote_the_defaults() {
    check(
        "[server]\n",
        "[server]\nreserved_fds = 3\n",
        "server.reserved_fds",
        "(the default is 256)",
    );
    check(
        "[server]\n",
        "[server]\nmax_frame_bytes = 1000\n",
        "server.max_frame_bytes",
        "(the default is 16384)",
    );
}

#[test]
fn days_and_slots_are_parsed_once() {
    let c = load(&base()).unwrap();
    let e = &c.events[0];
    assert_eq!(e.days[0].date, jiff::civil::date(2026, 12, 5));
    let slot = &e.days[1].slots[0];
    assert_eq!(slot.id, "sun-1030");
    assert_eq!(slot.start, jiff::civil::time(10, 30, 0, 0));
    assert_eq!(
        (slot.start_hhmm(), slot.end_hhmm()),
        ("10:30".into(), "11:15".into())
    );
    assert_eq!(
        e.first_and_last_day(),
        Some((
            jiff::civil::date(2026, 12, 5),
            jiff::civil::date(2026, 12, 6)
        ))
    );
}

#[test]
fn trusted_proxies_are_parsed_once() {
    let c = load(&replaced(
        "[server]\n",
        "[server]\ntrusted_proxies = [\" 10.0.0.0/8\", \"192.0.2.7/32\"]\n",
    ))
    .unwrap();
    let nets = &c.server.trusted_proxies;
    assert_eq!(nets, &["10.0.0.0/8", "192.0.2.7"]);
    assert!(nets[0].contains("10.9.8.7".parse().unwrap()));
    assert_eq!(nets[1].to_string(), "192.0.2.7");
}

#[test]
fn the_venue_secret_is_long_enough_and_opens_no_event() {
    let c = Config::from_toml_str(&base(), "t.toml", &Overrides::default()).unwrap();
    assert!(c.server.venue.is_none(), "off unless given");
    assert_eq!(c.server.timezone, "Europe/Paris");
    let short = Overrides {
        venue_token: Some("short".into()),
        ..Default::default()
    };
    let e = Config::from_toml_str(&base(), "t.toml", &short).unwrap_err();
    assert_eq!(e.key(), Some("SLOTBOARD_VENUE_TOKEN"));
    let venue = Overrides {
        venue_token: Some("v".repeat(16)),
        ..Default::default()
    };
    let c = Config::from_toml_str(&base(), "t.toml", &venue).unwrap();
    assert!(c.server.venue.as_ref().unwrap().verify(&"v".repeat(16)));
    // The same secret as the organisers' is refused, from either side.
    let same = Overrides {
        venue_token: Some("o".repeat(16)),
        organiser_token: Some("o".repeat(16)),
        ..Default::default()
    };
    let e = Config::from_toml_str(&base(), "t.toml", &same).unwrap_err();
    assert!(e.to_string().contains("barcamp-test"), "{e}");
    let hash = crate::auth::OrganiserSecret::from_plain(&"o".repeat(16)).hash_string();
    let text = base().replace(
        "public_url = \"http://localhost:8080\"",
        &format!("public_url = \"http://localhost:8080\"\nvenue_token_hash = \"{hash}\""),
    );
    let organisers = Overrides {
        organiser_token: Some("o".repeat(16)),
        ..Default::default()
    };
    let e = Config::from_toml_str(&text, "t.toml", &organisers).unwrap_err();
    assert_eq!(e.key(), Some("server.venue_token_hash"));
    let bad = base().replace("[server]", "[server]\ntimezone = \"Mars/Olympus\"");
    let e = Config::from_toml_str(&bad, "t.toml", &Overrides::default()).unwrap_err();
    assert_eq!(e.key(), Some("server.timezone"));
}
