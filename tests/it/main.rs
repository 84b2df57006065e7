//! Integration tests: the real server, driven over real sockets.

mod common;
mod durability;
mod frames;
mod http;
mod protocol;
mod rules;
