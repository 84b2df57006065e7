//! Integration tests: the real server, driven over real sockets.

mod admin;
mod archive;
mod common;
mod durability;
mod exports;
mod frames;
mod http;
mod lifecycle;
mod ops;
mod phone;
mod protocol;
mod rules;
mod wall;
