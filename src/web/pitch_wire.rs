//! The wire form of the pitch queue's ops (`pitch`, `unpitch`, `pitch_next`,
//! `pitch_move`, `pitch_open`, `pitch_hands`) and of the optional `pitch` of a `claim`.
//!
//! Its own file because `protocol.rs` holds the frame layering and the
//! session ops; these five share the queue's fields (a pitch id, a
//! position), read here into a [`PitchOp`] whose rules the core then judges
//! (`board::pitch`). A position may be a number or its digits as text (what
//! an HTML form sends).

use serde::Deserialize;
use serde_json::Value;

use crate::board::{Command, Host, Limits, PitchId, PitchOp, RejectCode, Rejection, Title};

/// The pitch ops, for the `unsupported` message.
pub const OPS: &[&str] = &[
    "pitch",
    "unpitch",
    "pitch_next",
    "pitch_move",
    "pitch_open",
    "pitch_hands",
];

fn invalid(message: String) -> Rejection {
    Rejection::new(RejectCode::Invalid, message)
}

#[derive(Deserialize)]
struct PitchWire {
    title: String,
    host: String,
}

#[derive(Deserialize)]
struct OpenWire {
    open: bool,
}

/// `big` of `pitch_hands`: a boolean, or `true`/`false` as a form sends it.
fn big(value: &Value) -> Result<bool, Rejection> {
    match value.get("big") {
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s == "true" => Ok(true),
        Some(Value::String(s)) if s == "false" => Ok(false),
        Some(_) => Err(invalid("pitch_hands: big must be true or false".into())),
        None => Err(invalid("pitch_hands: missing field `big`".into())),
    }
}

/// The `pitch` id of `value`, if it has one (`null` is none).
fn pitch_id(op: &str, value: &Value) -> Result<Option<PitchId>, Rejection> {
    match value.get("pitch") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(id)) => Ok(Some(PitchId(id.clone()))),
        Some(_) => Err(invalid(format!(
            "{op}: pitch must be a pitch id (a string)"
        ))),
    }
}

fn needed_pitch(op: &str, value: &Value) -> Result<PitchId, Rejection> {
    pitch_id(op, value)?.ok_or_else(|| invalid(format!("{op}: missing field `pitch`")))
}

/// A pitch op from its `op` and its fields (a JSON object).
pub fn command(op: &str, value: &Value, limits: &Limits) -> Result<Command, Rejection> {
    fn text<T>(r: Result<T, crate::board::TextError>) -> Result<T, Rejection> {
        r.map_err(|e| invalid(e.0))
    }
    let op = match op {
        "pitch" => {
            let w = PitchWire::deserialize(value).map_err(|e| invalid(format!("{op}: {e}")))?;
            PitchOp::Pitch {
                title: text(Title::parse(&w.title, limits))?,
                host: text(Host::parse(&w.host, limits))?,
            }
        }
        "unpitch" => PitchOp::Unpitch {
            pitch: needed_pitch(op, value)?,
        },
        "pitch_next" => PitchOp::Next,
        "pitch_move" => PitchOp::Move {
            pitch: needed_pitch(op, value)?,
            position: position(value)?,
        },
        "pitch_open" => PitchOp::Open {
            open: OpenWire::deserialize(value)
                .map_err(|e| invalid(format!("{op}: {e}")))?
                .open,
        },
        "pitch_hands" => PitchOp::Hands {
            pitch: needed_pitch(op, value)?,
            big: big(value)?,
        },
        other => {
            return Err(Rejection::new(
                RejectCode::Unsupported,
                format!("unknown pitch op {other:?}"),
            ));
        }
    };
    Ok(Command::Pitch(op))
}

/// `position`: 0-based, a whole number or its digits.
fn position(value: &Value) -> Result<usize, Rejection> {
    let bad = || invalid("pitch_move: position must be a whole number from 0".into());
    match value.get("position") {
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(bad),
        Some(Value::String(s)) => s.trim().parse::<usize>().map_err(|_| bad()),
        Some(_) => Err(bad()),
        None => Err(invalid("pitch_move: missing field `position`".into())),
    }
}

/// A `claim` with the frame's optional `pitch`: the same claim, made from
/// that pitch.
pub fn claim_from(value: &Value, claim: Command) -> Result<Command, Rejection> {
    Ok(match pitch_id("claim", value)? {
        Some(pitch) => Command::ClaimPitch {
            pitch,
            claim: Box::new(claim),
        },
        None => claim,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(op: &str, v: Value) -> Result<Command, Rejection> {
        command(op, &v, &Limits::default())
    }

    #[test]
    fn each_op_parses() {
        use serde_json::json;
        assert!(matches!(
            parse("pitch", json!({"title": " Rust ", "host": "Maël"})),
            Ok(Command::Pitch(PitchOp::Pitch { title, .. })) if title.as_str() == "Rust"
        ));
        assert_eq!(
            parse("pitch_move", json!({"pitch": "q_3", "position": "2"})).unwrap(),
            Command::Pitch(PitchOp::Move {
                pitch: PitchId::from("q_3"),
                position: 2
            })
        );
        assert_eq!(
            parse("pitch_next", json!({})).unwrap(),
            Command::Pitch(PitchOp::Next)
        );
        assert_eq!(
            parse("pitch_hands", json!({"pitch": "q_3", "big": "true"})).unwrap(),
            Command::Pitch(PitchOp::Hands {
                pitch: PitchId::from("q_3"),
                big: true
            })
        );
        assert_eq!(
            parse("pitch_open", json!({"open": false})).unwrap(),
            Command::Pitch(PitchOp::Open { open: false })
        );
    }

    #[test]
    fn bad_fields_are_invalid() {
        use serde_json::json;
        for (op, v) in [
            ("pitch", json!({"title": "", "host": "Maël"})),
            ("pitch", json!({"title": "t".repeat(81), "host": "Maël"})),
            ("pitch", json!({"title": "Rust", "host": "h\u{7}"})),
            ("pitch", json!({"title": "Rust"})),
            ("unpitch", json!({})),
            ("unpitch", json!({"pitch": 3})),
            ("pitch_move", json!({"pitch": "q_1", "position": -1})),
            ("pitch_move", json!({"pitch": "q_1", "position": "first"})),
            ("pitch_move", json!({"pitch": "q_1"})),
            ("pitch_open", json!({"open": "yes"})),
            ("pitch_hands", json!({"pitch": "q_1"})),
            ("pitch_hands", json!({"pitch": "q_1", "big": "lots"})),
            ("pitch_hands", json!({"big": true})),
        ] {
            assert_eq!(
                parse(op, v.clone()).unwrap_err().code,
                RejectCode::Invalid,
                "{op} {v}"
            );
        }
    }
}
