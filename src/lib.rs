//! slotboard: the live session board of a BarCamp.
//!
//! # Layout
//!
//! - [`board`]: the pure domain. A board of rooms x slots answers each command
//!   with a change or a rejection. No IO, no clock, no async.
//! - [`record`]: one accepted change as it is broadcast, journaled and archived.
//! - [`store`]: the disk: journal (fsync before ack), snapshots by atomic
//!   rename, replay at start.
//! - [`hub`]: one actor task per event, the single writer of its board; group
//!   commit, then answers and one broadcast per change.
//! - [`web`]: HTTP routes and the WebSocket protocol (`web::protocol`,
//!   `web::socket`).
//! - [`views`]: the HTML pages, with maud.
//! - [`export`]: the schedule as iCalendar, CSV, frab XML/JSON and a static
//!   printable HTML programme; pure and deterministic.
//! - [`lifecycle`]: upcoming, live, ended, from the days in the event's
//!   timezone or an organiser's close; the check for orphaned sessions.
//! - [`metrics`]: the Prometheus counters behind `/metrics`.
//! - [`i18n`]: French and English.
//! - [`config`], [`auth`]: the config file, tokens and the organiser secret.
//! - [`clock`], [`ids`]: the time of day and the random form ids, injected
//!   (tests hand the server a clock they move).
//! - [`demo`]: the demo event, live today whatever the date: its folder and
//!   its sample sessions at start.
//! - [`server`]: start, serve, shut down; `main.rs` only parses the CLI.
#![forbid(unsafe_code)]

pub mod auth;
pub mod board;
pub mod clock;
pub mod config;
pub mod demo;
pub mod export;
pub mod hub;
pub mod i18n;
pub mod ids;
pub mod lifecycle;
pub mod limits;
pub mod metrics;
pub mod record;
pub mod server;
pub mod store;
pub mod views;
pub mod web;
