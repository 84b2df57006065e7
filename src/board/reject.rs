//! How a board says no: the protocol's reject codes, a rejected command, and
//! a change that does not fit (only a foreign or corrupted journal makes one).
//!
//! Its own file because the codes are part of the wire and every layer above
//! maps them (to notices, to HTTP answers), while the rules only produce them.

use serde::{Deserialize, Serialize};

use super::{Cell, SessionId};

/// The reject codes of the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    Taken,
    Locked,
    Closed,
    Forbidden,
    NotFound,
    Invalid,
    RateLimited,
    Unsupported,
    /// The change could not be written to disk; nothing was applied. Retry.
    Unavailable,
    /// The event has ended: its board is read-only for good.
    Ended,
    /// The participant already holds the most sessions one person may hold
    /// in this event (`max_sessions_per_participant`); the reject says how
    /// many (`held`, `max`).
    SessionLimit,
}

impl RejectCode {
    /// Every code, in the order above: what pages that map codes to their
    /// words walk, instead of a list of their own.
    pub const ALL: [RejectCode; 11] = [
        RejectCode::Taken,
        RejectCode::Locked,
        RejectCode::Closed,
        RejectCode::Forbidden,
        RejectCode::NotFound,
        RejectCode::Invalid,
        RejectCode::RateLimited,
        RejectCode::Unsupported,
        RejectCode::Unavailable,
        RejectCode::Ended,
        RejectCode::SessionLimit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Taken => "taken",
            RejectCode::Locked => "locked",
            RejectCode::Closed => "closed",
            RejectCode::Forbidden => "forbidden",
            RejectCode::NotFound => "not_found",
            RejectCode::Invalid => "invalid",
            RejectCode::RateLimited => "rate_limited",
            RejectCode::Unsupported => "unsupported",
            RejectCode::Unavailable => "unavailable",
            RejectCode::Ended => "ended",
            RejectCode::SessionLimit => "session_limit",
        }
    }
}

/// A command refused: the code is for programs, the message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub code: RejectCode,
    pub message: String,
    /// For `taken`: the session that holds the cell.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub session: Option<SessionId>,
    /// For `taken` and `locked` on a claim or a move: free cells to offer
    /// instead, nearest first ([`schedule::alternatives`](super::schedule::alternatives)).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub alternatives: Vec<Cell>,
    /// For `session_limit`: how many sessions the participant holds.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub held: Option<u32>,
    /// For `session_limit`: the most one participant may hold.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub max: Option<u32>,
}

impl Rejection {
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Rejection {
            code,
            message: message.into(),
            session: None,
            alternatives: Vec::new(),
            held: None,
            max: None,
        }
    }
}

/// A change that cannot be applied to this board: only replay of a foreign or
/// corrupted journal can produce one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("change does not fit the board: {0}")]
pub struct Inconsistent(pub String);
