//! Commands and greetings of the WebSocket protocol as builders, so that a
//! test says `Cmd::claim(slot, room, title, host)` and not a hand-written
//! JSON object whose typo would test nothing. Raw `json!` stays where a test
//! sends a deliberately malformed frame (a field of the wrong type, one
//! missing, a frame that is not JSON): those test the parser, not the rules.
//!
//! A `Cmd` prints as its JSON text, so a table of commands can name the one
//! that failed (`"{cmd} -> {answer}"`).

use std::fmt;

use serde_json::{Value, json};

use crate::kit::config::ORGANISER;

/// A command (or `hello`) to send; `Into<Value>` for [`crate::kit::Client::send`].
#[derive(Clone, Debug, PartialEq)]
pub struct Cmd(Value);

impl Cmd {
    fn op(op: &str) -> Cmd {
        Cmd(json!({ "op": op }))
    }

    /// Any field, for what has no builder of its own.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Cmd {
        self.0[key] = value.into();
        self
    }

    /// The request id of this command (the client adds a fresh one when
    /// there is none).
    pub fn req(self, req: &str) -> Cmd {
        self.with("req", req)
    }

    pub fn json(&self) -> &Value {
        &self.0
    }

    /// The command as the JSON value that goes on the wire.
    pub fn to_value(&self) -> Value {
        self.0.clone()
    }

    // --------------------------------------------------------------- hello --

    /// `hello` of protocol 1 (a new participant).
    pub fn hello() -> Cmd {
        Cmd::op("hello").with("protocol", 1)
    }

    /// `hello` with the organiser secret.
    pub fn hello_organiser() -> Cmd {
        Cmd::hello().organiser(ORGANISER)
    }

    /// `hello` of a viewer (a wall).
    pub fn hello_viewer() -> Cmd {
        Cmd::hello().role("viewer")
    }

    pub fn token(self, token: &str) -> Cmd {
        self.with("token", token)
    }

    pub fn organiser(self, secret: &str) -> Cmd {
        self.with("organiser", secret)
    }

    pub fn role(self, role: &str) -> Cmd {
        self.with("role", role)
    }

    pub fn since(self, rev: u64) -> Cmd {
        self.with("since", rev)
    }

    // ------------------------------------------------------------ sessions --

    pub fn claim(slot: &str, room: &str, title: &str, host: &str) -> Cmd {
        Cmd::op("claim")
            .with("slot", slot)
            .with("room", room)
            .with("title", title)
            .with("host", host)
    }

    /// `edit` of a session; add the fields with [`Cmd::title`], ...
    pub fn edit(session: &str) -> Cmd {
        Cmd::op("edit").with("session", session)
    }

    pub fn title(self, title: &str) -> Cmd {
        self.with("title", title)
    }

    pub fn host(self, host: &str) -> Cmd {
        self.with("host", host)
    }

    pub fn description(self, text: &str) -> Cmd {
        self.with("description", text)
    }

    pub fn tags(self, tags: &[&str]) -> Cmd {
        self.with("tags", json!(tags))
    }

    pub fn vote(session: &str, on: bool) -> Cmd {
        Cmd::op("vote").with("session", session).with("on", on)
    }

    pub fn release(session: &str) -> Cmd {
        Cmd::op("release").with("session", session)
    }

    /// `move` (a keyword in Rust) of a session to another cell.
    pub fn move_to(session: &str, slot: &str, room: &str) -> Cmd {
        Cmd::op("move")
            .with("session", session)
            .with("slot", slot)
            .with("room", room)
    }

    pub fn swap(a: &str, b: &str) -> Cmd {
        Cmd::op("swap").with("a", a).with("b", b)
    }

    // ------------------------------------------------------------ organiser --

    pub fn lock(slot: &str, room: &str) -> Cmd {
        Cmd::op("lock").with("slot", slot).with("room", room)
    }

    pub fn unlock(slot: &str, room: &str) -> Cmd {
        Cmd::op("unlock").with("slot", slot).with("room", room)
    }

    pub fn announce(text: &str) -> Cmd {
        Cmd::op("announce").with("text", text)
    }

    pub fn set_open(open: bool) -> Cmd {
        Cmd::op("set_open").with("open", open)
    }

    pub fn end() -> Cmd {
        Cmd::op("end")
    }

    // ------------------------------------------------------------- refusals --

    /// An op the protocol does not have (answered `unsupported`); the frame
    /// is otherwise well formed.
    pub fn unknown_op(op: &str) -> Cmd {
        Cmd::op(op)
    }
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Cmd> for Value {
    fn from(c: Cmd) -> Value {
        c.0
    }
}
