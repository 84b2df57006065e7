//! Integration tests: the real server, driven over real sockets.

mod abuse;
mod admin;
mod alternatives;
mod archive;
mod bulk;
mod demo;
mod device_link;
mod durability;
mod exports;
mod faults;
mod flood;
mod format;
mod format_v2_fixture;
mod frames;
mod fuzz_regressions;
mod grid;
mod grid_forms;
mod http;
mod http_limits;
mod index_state;
mod integrity;
#[path = "../kit/mod.rs"]
mod kit;
mod lifecycle;
mod ops;
mod organiser_sessions;
mod origin;
mod phone;
mod protocol;
mod reload;
mod rules;
mod slow_clients;
mod text;
mod undo;
mod venue;
mod wall;
