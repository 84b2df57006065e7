//! The wire format of protocol v1: client frames in, server frames out.
//!
//! Parsing is layered so that every bad frame gets the most useful answer:
//! a frame that is not a JSON object with an `op` is an `error bad_json`; a
//! command without a usable `req` is an `error bad_req`; once the `req` is
//! known, anything else wrong is a `reject` carrying that `req` (`unsupported`
//! for an unknown op, `invalid` for a missing field, a wrong type or a text
//! over its limits), so the client can tell which of its commands failed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::board::{
    Announcement, Cell, Command, Description, Host, Limits, Links, ParticipantId, RejectCode,
    Rejection, RoomId, SessionId, SlotId, Tags, Title,
};

/// The version of the protocol this server speaks.
pub const PROTOCOL: u32 = 1;

/// Longest `req` a client may choose.
pub const MAX_REQ: usize = 64;

/// A frame from a client, understood.
#[derive(Debug)]
pub enum Incoming {
    Hello(Hello),
    Command { req: String, command: Command },
}

/// The first frame of a connection.
#[derive(Debug, Default, Deserialize)]
pub struct Hello {
    pub protocol: Option<u32>,
    pub since: Option<u64>,
    pub token: Option<String>,
    pub organiser: Option<String>,
    pub role: Option<String>,
}

/// A frame that was not understood, and how to answer it.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Answer with an `error` frame.
    Error { code: ErrorCode, message: String },
    /// Answer with a `reject` frame for this `req`.
    Reject { req: String, rejection: Rejection },
}

/// The codes of `error` frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadJson,
    BadReq,
    NoHello,
    /// Extension: `hello` asked for a protocol this server does not speak.
    BadProtocol,
    /// Extension: `hello` proved no organiser secret, or a wrong one.
    Forbidden,
    /// Extension: frames that are not commands came faster than the
    /// connection's budget; sent once, then the rest are dropped unanswered.
    RateLimited,
}

fn bad_json(message: impl Into<String>) -> Refusal {
    Refusal::Error {
        code: ErrorCode::BadJson,
        message: message.into(),
    }
}

/// Reads one text frame.
pub fn parse(text: &str, limits: &Limits) -> Result<Incoming, Refusal> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| bad_json(format!("the frame is not JSON: {e}")))?;
    let Value::Object(obj) = &value else {
        return Err(bad_json("a frame must be one JSON object"));
    };
    let op = match obj.get("op") {
        Some(Value::String(op)) => op.as_str(),
        Some(_) => return Err(bad_json("\"op\" must be a string")),
        None => return Err(bad_json("the frame has no \"op\"")),
    };
    if op == "hello" {
        return Hello::deserialize(&value)
            .map(Incoming::Hello)
            .map_err(|e| bad_json(format!("hello: {e}")));
    }
    let req = match obj.get("req") {
        Some(Value::String(r)) if !r.is_empty() && r.chars().count() <= MAX_REQ => r.clone(),
        Some(Value::String(_)) => {
            return Err(Refusal::Error {
                code: ErrorCode::BadReq,
                message: format!("\"req\" must be 1 to {MAX_REQ} characters"),
            });
        }
        Some(_) => {
            return Err(Refusal::Error {
                code: ErrorCode::BadReq,
                message: "\"req\" must be a string".into(),
            });
        }
        None => {
            return Err(Refusal::Error {
                code: ErrorCode::BadReq,
                message: "every command needs a \"req\": an id of your choice, 1 to 64 characters"
                    .into(),
            });
        }
    };
    match command(op, &value, limits) {
        Ok(command) => Ok(Incoming::Command { req, command }),
        Err(rejection) => Err(Refusal::Reject { req, rejection }),
    }
}

#[derive(Deserialize)]
struct ClaimWire {
    slot: String,
    room: String,
    title: String,
    host: String,
    description: Option<String>,
    tags: Option<Vec<String>>,
    links: Option<Vec<LinkWire>>,
}

#[derive(Deserialize)]
struct EditWire {
    session: String,
    title: Option<String>,
    host: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    links: Option<Vec<LinkWire>>,
}

/// One of the `links` of a claim or an edit.
#[derive(Deserialize)]
struct LinkWire {
    url: String,
    #[serde(default)]
    label: String,
}

/// `command` with the frame's `links`, when it has them.
fn with_links(links: Option<Vec<LinkWire>>, command: Command) -> Result<Command, Rejection> {
    let Some(links) = links else {
        return Ok(command);
    };
    let raw: Vec<(String, String)> = links.into_iter().map(|l| (l.url, l.label)).collect();
    let links = Links::parse(&raw).map_err(|e| Rejection::new(RejectCode::Invalid, e.0))?;
    Ok(Command::WithLinks {
        links,
        command: Box::new(command),
    })
}

#[derive(Deserialize)]
struct SessionWire {
    session: String,
}

#[derive(Deserialize)]
struct MoveWire {
    session: String,
    slot: String,
    room: String,
}

#[derive(Deserialize)]
struct SwapWire {
    a: String,
    b: String,
}

#[derive(Deserialize)]
struct CellWire {
    slot: String,
    room: String,
}

#[derive(Deserialize)]
struct OpenWire {
    open: bool,
}

#[derive(Deserialize)]
struct AnnounceWire {
    text: String,
}

#[derive(Deserialize)]
struct VoteWire {
    session: String,
    on: bool,
}

#[derive(Deserialize)]
struct OwnerWire {
    owner: String,
}

#[derive(Deserialize)]
struct SinceWire {
    rev: u64,
}

/// The ops this server knows, for the `unsupported` message.
pub const OPS: &[&str] = &[
    "claim",
    "edit",
    "release",
    "move",
    "swap",
    "lock",
    "unlock",
    "set_open",
    "announce",
    "vote",
    "end",
    "remove_by_owner",
    "remove_claims_since",
];

/// A command from its `op` and its fields (a JSON object): the same parsing
/// for socket frames and HTML forms.
pub fn command(op: &str, value: &Value, limits: &Limits) -> Result<Command, Rejection> {
    fn fields<'de, T: Deserialize<'de>>(op: &str, value: &'de Value) -> Result<T, Rejection> {
        T::deserialize(value).map_err(|e| invalid(format!("{op}: {e}")))
    }
    fn invalid(message: String) -> Rejection {
        Rejection::new(RejectCode::Invalid, message)
    }
    fn text<T>(r: Result<T, crate::board::TextError>) -> Result<T, Rejection> {
        r.map_err(|e| invalid(e.0))
    }
    let cell = |slot: String, room: String| Cell {
        slot: SlotId(slot),
        room: RoomId(room),
    };
    Ok(match op {
        "claim" => {
            let w: ClaimWire = fields(op, value)?;
            let claim = Command::Claim {
                cell: cell(w.slot, w.room),
                title: text(Title::parse(&w.title, limits))?,
                host: text(Host::parse(&w.host, limits))?,
                description: match w.description {
                    Some(d) => text(Description::parse(&d, limits))?,
                    None => Description::empty(),
                },
                tags: match w.tags {
                    Some(t) => text(Tags::parse(&t, limits))?,
                    None => Tags::default(),
                },
            };
            with_links(w.links, super::pitch_wire::claim_from(value, claim)?)?
        }
        "edit" => {
            let w: EditWire = fields(op, value)?;
            let edit = Command::Edit {
                session: SessionId(w.session),
                title: w
                    .title
                    .map(|t| text(Title::parse(&t, limits)))
                    .transpose()?,
                host: w.host.map(|h| text(Host::parse(&h, limits))).transpose()?,
                description: w
                    .description
                    .map(|d| text(Description::parse(&d, limits)))
                    .transpose()?,
                tags: w.tags.map(|t| text(Tags::parse(&t, limits))).transpose()?,
            };
            with_links(w.links, edit)?
        }
        "release" => Command::Release {
            session: SessionId(fields::<SessionWire>(op, value)?.session),
        },
        "move" => {
            let w: MoveWire = fields(op, value)?;
            Command::Move {
                session: SessionId(w.session),
                to: cell(w.slot, w.room),
            }
        }
        "swap" => {
            let w: SwapWire = fields(op, value)?;
            Command::Swap {
                a: SessionId(w.a),
                b: SessionId(w.b),
            }
        }
        "lock" | "unlock" => {
            let w: CellWire = fields(op, value)?;
            let c = cell(w.slot, w.room);
            if op == "lock" {
                Command::Lock { cell: c }
            } else {
                Command::Unlock { cell: c }
            }
        }
        "set_open" => Command::SetOpen {
            open: fields::<OpenWire>(op, value)?.open,
        },
        "announce" => Command::Announce {
            text: text(Announcement::parse(
                &fields::<AnnounceWire>(op, value)?.text,
                limits,
            ))?,
        },
        "vote" => {
            let w: VoteWire = fields(op, value)?;
            Command::Vote {
                session: SessionId(w.session),
                on: w.on,
            }
        }
        // Extension: organisers close the event for good; no field.
        "end" => Command::End,
        // Extensions: organisers remove in bulk, in one `removed` change.
        "remove_by_owner" => Command::RemoveByOwner {
            owner: ParticipantId(fields::<OwnerWire>(op, value)?.owner),
        },
        "remove_claims_since" => Command::RemoveClaimsSince {
            rev: fields::<SinceWire>(op, value)?.rev,
        },
        op if super::grid_wire::OPS.contains(&op) => super::grid_wire::command(op, value)?,
        op if super::pitch_wire::OPS.contains(&op) => {
            super::pitch_wire::command(op, value, limits)?
        }
        other => {
            return Err(Rejection::new(
                RejectCode::Unsupported,
                format!(
                    "unknown op {other:?}; this server knows: hello, {}",
                    [OPS, super::grid_wire::OPS, super::pitch_wire::OPS]
                        .concat()
                        .join(", ")
                ),
            ));
        }
    })
}

/// What a client learns about itself.
#[derive(Debug, Clone, Serialize)]
pub struct You {
    pub id: String,
    pub role: crate::board::Role,
    /// Only when the server has just issued it: keep it and send it in the
    /// next `hello`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Extension: the sessions this participant wants to attend.
    pub votes: Vec<SessionId>,
}

/// The frames a connection writes itself (events and presence are written
/// once by the hub and shared).
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outgoing<'a> {
    Resumed {
        since: u64,
        rev: u64,
        you: &'a You,
    },
    Ack {
        req: &'a str,
        rev: u64,
    },
    Reject {
        req: &'a str,
        code: RejectCode,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        session: Option<&'a SessionId>,
        /// Free cells to offer instead of a taken (or locked) one.
        #[serde(skip_serializing_if = "<[Cell]>::is_empty")]
        alternatives: &'a [Cell],
        /// Extension, for `session_limit`: sessions held, and the most allowed.
        #[serde(skip_serializing_if = "Option::is_none")]
        held: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
    },
    Error {
        code: ErrorCode,
        message: &'a str,
    },
}

impl Outgoing<'_> {
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("server frames always serialize")
    }
}

/// A `reject` frame.
pub fn reject_text(req: &str, rejection: &Rejection) -> String {
    Outgoing::Reject {
        req,
        code: rejection.code,
        message: &rejection.message,
        session: rejection.session.as_ref(),
        alternatives: &rejection.alternatives,
        held: rejection.held,
        max: rejection.max,
    }
    .to_text()
}

/// The `welcome` frame: the shared state JSON with `type`, `protocol` and the
/// connection's own `you` spliced around it, so the state is serialized once
/// per revision, not once per connection.
pub fn welcome_text(state_json: &str, you: &You) -> String {
    let inner = state_json
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .expect("the state is a JSON object");
    let you = serde_json::to_string(you).expect("you always serializes");
    format!(r#"{{"type":"welcome","protocol":{PROTOCOL},{inner},"you":{you}}}"#)
}

#[cfg(test)]
mod tests;
