//! One accepted change, as it travels and as it is kept.
//!
//! A [`Record`] is at once the wire `event` frame of the protocol, one line of
//! the journal and one line of an archive's history. The frame is serialized
//! once ([`Record::to_frame`]); the journal line is the same bytes with the
//! request id and then a checksum added at the end
//! ([`Record::line_from_frame`]).
//!
//! The checksum is here, beside the splice that makes the line, so that the
//! one function that writes a journal line and the one that checks it
//! ([`line_crc`]) cannot drift apart. It is a CRC32C (as etcd's WAL and
//! Kafka's record batches use): a changed byte, or a line changed into other
//! valid JSON, no longer matches. It guards against a disk, a copy or an
//! editor, not against someone who recomputes it: it is not a signature.

use std::fmt::Write as _;

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

    /// The journal line (with `req` and `crc`), without the trailing newline.
    pub fn to_line(&self) -> String {
        Self::line_from_frame(&self.to_frame(), self.req.as_deref())
    }

    /// The journal line of a frame: the frame's bytes with `"req"` (when
    /// there is one) and then `"crc"` added as its last fields:
    /// `{...frame...,"req":"c-1","crc":"1a2b3c4d"}`. The crc is the CRC32C of
    /// the line without its crc field (`{...frame...,"req":"c-1"}`), as
    /// eight lowercase hex digits. One pass over the line: the hub's hot
    /// path pays one checksum per change.
    pub fn line_from_frame(frame: &str, req: Option<&str>) -> String {
        let body = frame.strip_suffix('}').expect("a frame is a JSON object");
        let req = req.map(|r| serde_json::to_string(r).expect("a string serializes"));
        let req_len = req.as_ref().map_or(0, |r| r.len() + 7);
        let mut line = String::with_capacity(body.len() + req_len + CRC_TAIL + 1);
        line.push_str(body);
        if let Some(req) = req {
            line.push_str(",\"req\":");
            line.push_str(&req);
        }
        let crc = crc_of(line.as_bytes());
        write!(line, "{CRC_FIELD}{crc:08x}\"}}").expect("writing to a String does not fail");
        line
    }
}

/// What opens the checksum field at the end of a journal line.
const CRC_FIELD: &str = ",\"crc\":\"";

/// The length of the checksum field and the closing brace:
/// `,"crc":"1a2b3c4d"}`.
const CRC_TAIL: usize = CRC_FIELD.len() + 8 + 2;

/// The CRC32C of `body` followed by a closing `}`: of the line as it reads
/// without its crc field.
fn crc_of(body: &[u8]) -> u32 {
    crc32c::crc32c_append(crc32c::crc32c(body), b"}")
}

/// What the checksum of a journal line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineCrc {
    /// The line ends in a crc field, and its text gives that crc.
    Valid,
    /// The line does not end in a crc field (lines of format 1 have none).
    Absent,
    /// The line ends in a crc field, but its text gives another crc: a byte
    /// of the line changed after it was written.
    Mismatch { written: u32, computed: u32 },
}

/// Checks the checksum of one journal line (without its newline), on its
/// bytes alone: a line that is not JSON at all has a checksum to check too.
/// The field is found only at the very end, as [`Record::line_from_frame`]
/// puts it: inside a JSON string every `"` is escaped, so the text of a
/// field (a title, a `req`) cannot pass for it.
pub fn line_crc(line: &[u8]) -> LineCrc {
    let Some(split) = line.len().checked_sub(CRC_TAIL) else {
        return LineCrc::Absent;
    };
    let (body, tail) = line.split_at(split);
    let Some(hex) = tail
        .strip_prefix(CRC_FIELD.as_bytes())
        .and_then(|t| t.strip_suffix(b"\"}"))
    else {
        return LineCrc::Absent;
    };
    let written = hex
        .iter()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        .then(|| std::str::from_utf8(hex).ok())
        .flatten()
        .and_then(|h| u32::from_str_radix(h, 16).ok());
    let Some(written) = written else {
        return LineCrc::Absent;
    };
    let computed = crc_of(body);
    if computed == written {
        LineCrc::Valid
    } else {
        LineCrc::Mismatch { written, computed }
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
    fn a_line_without_req_is_the_frame_with_its_crc() {
        let r = record(None);
        let frame = r.to_frame();
        let line = r.to_line();
        let expected = format!(
            "{},\"crc\":\"{:08x}\"}}",
            &frame[..frame.len() - 1],
            crc32c::crc32c(frame.as_bytes())
        );
        assert_eq!(line, expected);
        assert_eq!(line_crc(line.as_bytes()), LineCrc::Valid);
    }

    #[test]
    fn the_crc_is_over_the_line_without_its_crc_field_and_comes_last() {
        let r = record(Some("c-1"));
        let line = r.to_line();
        let (without, crc) = line.rsplit_once(",\"crc\":\"").unwrap();
        let crc = crc.strip_suffix("\"}").unwrap();
        assert_eq!(crc.len(), 8);
        assert_eq!(
            format!("{:08x}", crc32c::crc32c(format!("{without}}}").as_bytes())),
            crc
        );
        assert!(without.ends_with(",\"req\":\"c-1\""), "{line}");
        assert_eq!(line_crc(line.as_bytes()), LineCrc::Valid);
    }

    #[test]
    fn a_flipped_byte_anywhere_in_the_line_is_a_mismatch_or_no_crc() {
        let line = record(Some("c-1")).to_line().into_bytes();
        for i in 0..line.len() {
            let mut bad = line.clone();
            bad[i] ^= 0x01;
            assert_ne!(
                line_crc(&bad),
                LineCrc::Valid,
                "byte {i} flipped: {}",
                String::from_utf8_lossy(&bad)
            );
        }
    }

    #[test]
    fn a_line_changed_into_other_valid_json_no_longer_matches() {
        let line = record(Some("c-1")).to_line();
        let changed = line.replace("\"s_3\"", "\"s_4\"");
        assert_ne!(changed, line);
        assert!(serde_json::from_str::<Record>(&changed).is_ok());
        assert!(matches!(
            line_crc(changed.as_bytes()),
            LineCrc::Mismatch { .. }
        ));
    }

    #[test]
    fn a_crc_inside_a_string_is_not_taken_for_the_field() {
        // A req that holds the crc field's text: it is escaped in the line.
        let r = record(Some("x\",\"crc\":\"00000000"));
        let line = r.to_line();
        assert_eq!(line_crc(line.as_bytes()), LineCrc::Valid);
        let frame_only = Record::line_from_frame(&r.to_frame(), None);
        assert_eq!(line_crc(r.to_frame().as_bytes()), LineCrc::Absent);
        assert_eq!(line_crc(frame_only.as_bytes()), LineCrc::Valid);
        assert_eq!(line_crc(b"{}"), LineCrc::Absent);
        assert_eq!(line_crc(b""), LineCrc::Absent);
        assert_eq!(line_crc(b",\"crc\":\"0000000G\"}"), LineCrc::Absent);
    }
}
