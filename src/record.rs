//! One accepted change, as it travels and as it is kept.
//!
//! A [`Record`] is at once the wire `event` frame of the protocol, one line of
//! the journal and one line of an archive's history. The frame is serialized
//! once ([`Record::to_frame`]); the journal line is the same bytes with the
//! request id added at the end ([`Record::line_from_frame`]).

use serde::{Deserialize, Serialize};

use crate::board::{Change, ParticipantId};

/// `{"type":"event","rev":43,"change":{...},"at":"...","by":"p_..."}`.
///
/// `at` and `by` extend the protocol's `{type, rev, change}`: when the change
/// was accepted (UTC, RFC 3339) and the public id of who made it. `req`, the
/// client's request id, is kept in the journal only (so that a retry after a
/// restart still gets its first answer); it is not broadcast, so that no
/// client mistakes someone's event for the answer to its own request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "event")]
pub struct Record {
    pub rev: u64,
    pub change: Change,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<ParticipantId>,
    #[serde(default, skip_serializing)]
    pub req: Option<String>,
}

impl Record {
    /// The wire `event` frame (without `req`).
    pub fn to_frame(&self) -> String {
        serde_json::to_string(self).expect("a record always serializes")
    }

    /// The journal line (with `req`), without the trailing newline.
    pub fn to_line(&self) -> String {
        Self::line_from_frame(&self.to_frame(), self.req.as_deref())
    }

    /// The journal line of a frame: the frame's bytes with `"req"` added as
    /// its last field.
    pub fn line_from_frame(frame: &str, req: Option<&str>) -> String {
        let Some(req) = req else {
            return frame.to_owned();
        };
        let body = frame.strip_suffix('}').expect("a frame is a JSON object");
        let req = serde_json::to_string(req).expect("a string serializes");
        format!("{body},\"req\":{req}}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{ParticipantId, SessionId};

    fn record(req: Option<&str>) -> Record {
        Record {
            rev: 7,
            change: Change::Released {
                session: SessionId::from("s_3"),
            },
            at: "2026-12-05T08:00:00Z".into(),
            by: Some(ParticipantId::from("p_1")),
            req: req.map(str::to_owned),
        }
    }

    #[test]
    fn the_frame_has_no_req_and_the_line_keeps_it() {
        let r = record(Some("c-\"17\""));
        assert!(!r.to_frame().contains("req"));
        let back: Record = serde_json::from_str(&r.to_line()).unwrap();
        assert_eq!(back, r);
        assert!(
            r.to_line()
                .starts_with(&r.to_frame()[..r.to_frame().len() - 1])
        );
    }

    #[test]
    fn a_line_without_req_is_the_frame() {
        let r = record(None);
        assert_eq!(r.to_line(), r.to_frame());
    }
}
