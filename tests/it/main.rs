//! Integration tests: the real server, driven over real sockets.

mod admin;
mod common;
mod durability;
mod frames;
mod http;
mod phone;
mod protocol;
mod rules;
mod wall;
