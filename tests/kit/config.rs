//! The test camp as config text: one place that says what every test's
//! event looks like (its rooms, its day, its slots, its organiser secret),
//! so that the in-process server, the binary and the CLI tests agree.

use std::path::Path;

/// The organiser secret of every test event.
pub const ORGANISER: &str = "test-organiser-secret";

/// The slots of the test camp, in order.
pub const SLOTS: [&str; 3] = ["sat-0930", "sat-1030", "sat-1130"];

/// The rooms of the test camp, largest first.
pub const ROOMS: [&str; 4] = ["amphi", "ouessant", "brehat", "sein"];

/// The 12 cells of the test camp (3 slots x 4 rooms), in a fixed order:
/// `cell(0)` is the first slot in the first room, `cell(4)` the second slot.
pub fn cell(i: usize) -> (&'static str, &'static str) {
    (SLOTS[i / ROOMS.len()], ROOMS[i % ROOMS.len()])
}

/// A data folder as it goes into TOML (forward slashes on every system).
pub fn toml_path(dir: &Path) -> String {
    dir.display().to_string().replace('\\', "/")
}

/// A small BarCamp: one day, three slots, four rooms; `extra_server` lines
/// go into `[server]`. Its day is far in the future on purpose: an event whose
/// last slot is over refuses every command (`ended`), and these tests are not
/// about time. 2037-12-05 is a Saturday, like the demo's first day.
///
/// The test camp lifts the cap of sessions per participant (0) unless
/// `extra_server` sets it: most tests let one client claim many cells and
/// are about something else; tests/it/flood.rs sets the cap it tests.
pub fn config_text(data_dir: &Path, extra_server: &str) -> String {
    let hash = slotboard::auth::hash_secret(ORGANISER);
    let cap = if extra_server.contains("max_sessions_per_participant") {
        ""
    } else {
        "max_sessions_per_participant = 0"
    };
    format!(
        r#"
[server]
bind = "127.0.0.1:0"
public_url = "http://barcamp.test"
data_dir = "{data}"
{cap}
{extra_server}

[[events]]
slug = "camp"
title = "Test Camp"
timezone = "Europe/Paris"
organiser_token_hash = "{hash}"

[[events.rooms]]
id = "amphi"
name = "Amphi"
capacity = 100

[[events.rooms]]
id = "ouessant"
name = "Ouessant"
capacity = 30

[[events.rooms]]
id = "brehat"
name = "Bréhat"
capacity = 20

[[events.rooms]]
id = "sein"
name = "Sein"
capacity = 10

[[events.days]]
date = "2037-12-05"
slots = [
  {{ id = "sat-0930", start = "09:30", end = "10:15" }},
  {{ id = "sat-1030", start = "10:30", end = "11:15" }},
  {{ id = "sat-1130", start = "11:30", end = "12:15" }},
]
"#,
        data = toml_path(data_dir),
    )
}

/// The change lines of a journal or a sealed segment's text: every line
/// after its format header (`{"format":2}`, `{"format":1}` or absent in older files).
pub fn change_lines(text: &str) -> Vec<&str> {
    let body = text.strip_prefix(slotboard::store::HEADER).unwrap_or(text);
    body.lines().collect()
}
