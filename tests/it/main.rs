//! Integration tests: the real server, driven over real sockets.

mod abuse;
mod admin;
mod alternatives;
mod archive;
mod common;
mod durability;
mod exports;
mod faults;
mod frames;
mod fuzz_regressions;
mod http;
mod lifecycle;
mod ops;
mod phone;
mod process;
mod protocol;
mod rules;
mod wall;
