//! The test kit that every test target shares (`tests/it`, `tests/cli.rs`,
//! `tests/archive_cli.rs`, `tests/browser.rs`), so that a test reads like a
//! BarCamp and each piece of plumbing exists once: the config text of the
//! test camp, the server in-process and the binary as a process, the typed
//! WebSocket client with its command builders and typed answers, HTTP and
//! the no-JavaScript form client, and bounded waits for a condition.
//!
//! Each target includes it with `mod kit;` (or `#[path = "../kit/mod.rs"]`)
//! and uses what it needs; the rest is dead code for that target, hence the
//! `allow` below.
#![allow(dead_code, unused_imports)]

pub mod answer;
pub mod client;
pub mod cmd;
pub mod config;
pub mod forms;
pub mod http;
pub mod launch;
pub mod organiser;
pub mod process;
pub mod wait;

pub use answer::*;
pub use client::*;
pub use cmd::*;
pub use config::*;
pub use forms::*;
pub use http::*;
pub use launch::*;
pub use organiser::*;
pub use process::*;
pub use wait::*;
