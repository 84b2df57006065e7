//! One accepted change, as it travels and as it is kept.
//!
//! A [`Record`] is at once the wire `event` frame of the protocol, one line of
//! the journal and one line of an archive's history: the same bytes, made
//! once by [`Record::to_line`].

use serde::{Deserialize, Serialize};

use crate::board::{Change, ParticipantId};

/// `{"type":"event","rev":43,"change":{...},"at":"...","by":"p_...","req":"c-17"}`.
///
/// `at`, `by` and `req` extend the protocol's `{type, rev, change}`: when the
/// change was accepted (UTC, RFC 3339), the public id of who made it, and the
/// client's request id, which lets a retry after a restart still be answered
/// with its first answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "event")]
pub struct Record {
    pub rev: u64,
    pub change: Change,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<ParticipantId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub req: Option<String>,
}

impl Record {
    /// The record as one line of JSON, without the trailing newline.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a record always serializes")
    }
}
