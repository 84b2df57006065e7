//! `slotboard archive` and `slotboard export` as an operator runs them: on
//! an event's data folder, with no server running.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use slotboard::board::{
    Actor, Board, Cell, Command as BoardCommand, Description, Host, Limits, ParticipantId, Role,
    RoomId, SlotId, Tags, Title,
};
use slotboard::config::{Config, Overrides};
use slotboard::record::Record;

mod kit;
use kit::slotboard_command;

fn slotboard(args: &[&str]) -> Output {
    slotboard_command()
        .args(args)
        .output()
        .expect("the slotboard binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const CONFIG: &str = r#"
[server]
public_url = "https://barcamp.example"
data_dir = "unused"

[[events]]
slug = "camp"
title = "Test Camp"
timezone = "Europe/Paris"
languages = ["en", "fr"]

[[events.rooms]]
id = "amphi"
name = "Amphi"
capacity = 100

[[events.rooms]]
id = "sein"
name = "Sein"
capacity = 10

[[events.days]]
date = "2037-12-05"
slots = [
  { id = "sat-0930", start = "09:30", end = "10:15" },
  { id = "sat-1030", start = "10:30", end = "11:15" },
]
"#;

/// A config file and a data folder whose event has played a few changes:
/// the first two sealed in `history/`, the rest in the journal, as a server
/// leaves them.
struct Site {
    dir: tempfile::TempDir,
    board: Board,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
        let config = Config::from_toml_str(
            CONFIG,
            "config.toml",
            &Overrides {
                organiser_token: Some("a-long-enough-organiser-secret".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        let event = config.event("camp").unwrap();
        let mut board = Board::new(event.grid());
        let l = Limits::default();
        let actor = |i: u32| Actor {
            id: ParticipantId(format!("p_{i}")),
            role: Role::Participant,
        };
        let claim = |slot: &str, room: &str, title: &str| BoardCommand::Claim {
            cell: Cell {
                slot: SlotId(slot.into()),
                room: RoomId(room.into()),
            },
            title: Title::parse(title, &l).unwrap(),
            host: Host::parse("Maël", &l).unwrap(),
            description: Description::empty(),
            tags: Tags::default(),
        };
        let commands = [
            (actor(1), claim("sat-0930", "amphi", "Rust")),
            (actor(2), claim("sat-1030", "sein", "Cider")),
            (
                actor(1),
                BoardCommand::Vote {
                    session: slotboard::board::SessionId("s_2".into()),
                    on: true,
                },
            ),
        ];
        let mut lines = Vec::new();
        for (i, (who, command)) in commands.into_iter().enumerate() {
            let change = board.execute(&who, &command).unwrap();
            let record = Record {
                rev: board.rev(),
                change,
                at: format!("2037-12-05T08:0{i}:00Z"),
                by: Some(who.id.clone()),
                req: Some(format!("req-{i}")),
            };
            lines.push(record.to_line() + "\n");
        }
        let events = dir.path().join("data").join("events").join("camp");
        std::fs::create_dir_all(events.join("history")).unwrap();
        std::fs::write(
            events.join("history").join("000000000001.jsonl"),
            lines[..2].concat(),
        )
        .unwrap();
        std::fs::write(events.join("journal.jsonl"), lines[2..].concat()).unwrap();
        Site { dir, board }
    }

    fn config(&self) -> String {
        self.dir.path().join("config.toml").display().to_string()
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        let (config, data) = (self.config(), self.data().display().to_string());
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", &config, "--data-dir", &data]);
        let mut cmd = slotboard_command();
        cmd.env(
            "SLOTBOARD_ORGANISER_TOKEN",
            "a-long-enough-organiser-secret",
        );
        cmd.args(&all).output().unwrap()
    }
}

fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn archive_writes_the_event_from_its_data_folder_and_again_the_same() {
    let site = Site::new();
    let out = site.run(&["archive", "camp"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}{stdout}", text(&out.stderr));
    let dir = site.data().join("archive").join("camp");
    assert!(
        stdout.contains(&format!("Archived event \"camp\" to {}", dir.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains("https://barcamp.example/archive/camp"),
        "{stdout}"
    );
    let files = files_of(&dir);
    assert_eq!(files.len(), 7, "{:?}", files.keys());

    // The final state, and every change without its request id.
    let board: serde_json::Value = serde_json::from_slice(&files["board.json"]).unwrap();
    assert_eq!(board["rev"], 3);
    assert_eq!(board["sessions"][1]["votes"], 1);
    assert_eq!(board["event"]["title"], "Test Camp");
    let history = text(&files["history.jsonl"]);
    assert_eq!(history.lines().count(), 3);
    assert!(!history.contains("req-"), "{history}");
    assert_eq!(board["rev"].as_u64(), Some(site.board.rev()));
    let html = text(&files["index.html"]);
    assert!(html.contains("Rust") && html.contains("Cider"), "{html}");

    // Again: the same bytes.
    let again = site.run(&["archive", "camp"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(files_of(&dir), files);

    // export: the same files, in a folder of one's choice.
    let out_dir = site.dir.path().join("programme");
    let out_str = out_dir.display().to_string();
    let out = site.run(&["export", "camp", &out_str]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("Exported event \"camp\" to {out_str}")),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(files_of(&out_dir), files);
}

#[test]
fn archive_refuses_clearly_what_it_cannot_do() {
    let site = Site::new();

    // An event the config does not declare.
    let out = site.run(&["archive", "nope"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("\"nope\"") && stderr.contains("camp"),
        "{stderr}"
    );

    // An event without a data folder (never started with this data dir).
    std::fs::remove_dir_all(site.data().join("events")).unwrap();
    let out = site.run(&["archive", "camp"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let events = site.data().join("events").join("camp");
    assert!(stderr.contains(&events.display().to_string()), "{stderr}");
    assert!(stderr.contains("no data folder"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_broken_archive_folder_fails_with_its_path_and_keeps_the_previous_archive() {
    let site = Site::new();
    // A good archive first, in a second data folder we then break.
    let out = site.run(&["archive", "camp"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let good = files_of(&site.data().join("archive").join("camp"));
    let moved = site.dir.path().join("kept");
    std::fs::rename(site.data().join("archive"), &moved).unwrap();
    let blocker = site.data().join("archive");
    std::fs::write(&blocker, "a file where the archive folder should be").unwrap();

    let out = site.run(&["archive", "camp"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&blocker.display().to_string()), "{stderr}");
    assert!(
        stderr.contains("cannot create the archive folder"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(files_of(&moved.join("camp")), good);
    assert_eq!(
        std::fs::read_to_string(&blocker).unwrap(),
        "a file where the archive folder should be"
    );
}

#[test]
fn the_help_of_archive_and_export_says_what_they_write() {
    let out = slotboard(&["archive", "--help"]);
    let help = text(&out.stdout);
    assert!(out.status.success());
    for want in [
        "EVENT",
        "index.html",
        "schedule.ics",
        "history.jsonl",
        "/archive/EVENT",
        "--data-dir",
    ] {
        assert!(help.contains(want), "no {want:?} in {help}");
    }
    let out = slotboard(&["export", "--help"]);
    let help = text(&out.stdout);
    assert!(help.contains("DIR") && help.contains("EVENT"), "{help}");
    let out = slotboard(&["--help"]);
    let help = text(&out.stdout);
    assert!(
        help.contains("archive") && help.contains("export"),
        "{help}"
    );
}
