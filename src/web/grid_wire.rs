//! The wire form of the grid ops (`add_room` ... `shift_slots`): their
//! fields, read into a [`GridOp`] with a message that says what to fix.
//!
//! Its own file because `protocol.rs` holds the frame layering and the
//! session ops; these seven ops share one shape (a room or a slot, by id or
//! whole) and the parsing of days and times, which the core's rules then judge
//! (`board::grid_ops`). A room or a slot may be given as its id
//! (`"room":"cafe"`, with `name`, `capacity`, `start`, `end` beside it) or
//! as an object (`"room":{"id":"cafe","name":"Café"}`).

use serde_json::{Map, Value};

use crate::board::grid_ops::{parse_day, parse_hhmm};
use crate::board::{Command, GridOp, RejectCode, Rejection, Room, RoomId, Slot, SlotId};

/// The grid ops, for the `unsupported` message.
pub const OPS: &[&str] = &[
    "add_room",
    "edit_room",
    "remove_room",
    "add_slot",
    "edit_slot",
    "remove_slot",
    "shift_slots",
];

fn invalid(message: String) -> Rejection {
    Rejection::new(RejectCode::Invalid, message)
}

/// The fields of `what` (`room` or `slot`): the object given, or the frame
/// itself with `id` taken from the string given.
fn thing(op: &str, what: &str, value: &Value) -> Result<(String, Map<String, Value>), Rejection> {
    let top = value.as_object().cloned().unwrap_or_default();
    match top.get(what) {
        Some(Value::String(id)) => Ok((id.clone(), top)),
        Some(Value::Object(obj)) => match obj.get("id") {
            Some(Value::String(id)) => Ok((id.clone(), obj.clone())),
            _ => Err(invalid(format!("{op}: {what}.id must be a string"))),
        },
        Some(_) => Err(invalid(format!(
            "{op}: {what} must be an id (a string) or an object with an id"
        ))),
        None => Err(invalid(format!("{op}: missing field `{what}`"))),
    }
}

fn text(op: &str, fields: &Map<String, Value>, key: &str) -> Result<Option<String>, Rejection> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(format!("{op}: {key} must be a string"))),
    }
}

fn needed(op: &str, key: &str, v: Option<String>) -> Result<String, Rejection> {
    v.ok_or_else(|| invalid(format!("{op}: missing field `{key}`")))
}

/// A whole number, or its digits as text (what an HTML form sends).
fn number<T: std::str::FromStr + TryFrom<i64>>(v: &Value) -> Option<T> {
    match v {
        Value::Number(n) => n.as_i64().and_then(|n| T::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn capacity(op: &str, fields: &Map<String, Value>) -> Result<Option<u32>, Rejection> {
    match fields.get("capacity") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => number::<u32>(v).map(Some).ok_or_else(|| {
            invalid(format!(
                "{op}: capacity must be a whole number from 0 to 100000"
            ))
        }),
    }
}

fn time(
    op: &str,
    fields: &Map<String, Value>,
    key: &str,
) -> Result<Option<jiff::civil::Time>, Rejection> {
    text(op, fields, key)?
        .map(|t| parse_hhmm(key, &t).map_err(|why| invalid(format!("{op}: {why}"))))
        .transpose()
}

/// A grid op from its `op` and its fields.
pub fn command(op: &str, value: &Value) -> Result<Command, Rejection> {
    let grid = match op {
        "add_room" | "edit_room" | "remove_room" => {
            let (id, f) = thing(op, "room", value)?;
            let id = RoomId(id);
            match op {
                "add_room" => GridOp::AddRoom {
                    room: Room {
                        id,
                        name: needed(op, "name", text(op, &f, "name")?)?,
                        capacity: capacity(op, &f)?
                            .ok_or_else(|| invalid(format!("{op}: missing field `capacity`")))?,
                    },
                },
                "edit_room" => GridOp::EditRoom {
                    id,
                    name: text(op, &f, "name")?,
                    capacity: capacity(op, &f)?,
                },
                _ => GridOp::RemoveRoom { id },
            }
        }
        "add_slot" | "edit_slot" | "remove_slot" => {
            let (id, f) = thing(op, "slot", value)?;
            let id = SlotId(id);
            match op {
                "add_slot" => {
                    let day = needed(op, "day", text(op, &f, "day")?)?;
                    let missing = |k: &str| invalid(format!("{op}: missing field `{k}`"));
                    GridOp::AddSlot {
                        slot: Slot {
                            id,
                            day: parse_day(&day).map_err(|why| invalid(format!("{op}: {why}")))?,
                            start: time(op, &f, "start")?.ok_or_else(|| missing("start"))?,
                            end: time(op, &f, "end")?.ok_or_else(|| missing("end"))?,
                        },
                    }
                }
                "edit_slot" => GridOp::EditSlot {
                    id,
                    start: time(op, &f, "start")?,
                    end: time(op, &f, "end")?,
                },
                _ => GridOp::RemoveSlot { id },
            }
        }
        _ => {
            let top = value.as_object().cloned().unwrap_or_default();
            let from = needed(op, "from", text(op, &top, "from")?)?;
            let minutes = top
                .get("minutes")
                .and_then(number::<i64>)
                .filter(|m| (-240..=240).contains(m))
                .ok_or_else(|| {
                    invalid(format!(
                        "{op}: minutes must be a whole number from -240 to 240, not 0"
                    ))
                })?;
            GridOp::ShiftSlots {
                from: SlotId(from),
                minutes: minutes as i32,
            }
        }
    };
    Ok(Command::Grid(grid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reject(v: Value) -> String {
        let op = v["op"].as_str().unwrap().to_owned();
        let r = command(&op, &v).unwrap_err();
        assert_eq!(r.code, RejectCode::Invalid);
        r.message
    }

    #[test]
    fn both_shapes_of_a_room_parse_to_the_same_op() {
        let flat = json!({"op":"edit_room","room":"cafe","name":"Café"});
        let nested = json!({"op":"edit_room","room":{"id":"cafe","name":"Café"}});
        assert_eq!(
            command("edit_room", &flat).unwrap(),
            command("edit_room", &nested).unwrap()
        );
    }

    #[test]
    fn bad_fields_say_what_to_fix() {
        assert!(reject(json!({"op":"add_room","room":{"id":"c","name":"C"}})).contains("capacity"));
        assert!(
            reject(json!({"op":"add_room","room":{"id":"c","name":"C","capacity":-1}}))
                .contains("0 to 100000")
        );
        assert!(
            reject(json!({"op":"add_slot","slot":{"id":"x","day":"5 Dec","start":"09:00","end":"10:00"}}))
                .contains("YYYY-MM-DD")
        );
        assert!(reject(json!({"op":"edit_slot","slot":"x","start":"9h"})).contains("HH:MM"));
        assert!(reject(json!({"op":"shift_slots","from":"x","minutes":300})).contains("-240"));
        assert!(reject(json!({"op":"shift_slots","minutes":5})).contains("from"));
        assert!(reject(json!({"op":"remove_room","room":3})).contains("room"));
    }

    #[test]
    fn a_form_sends_numbers_as_text() {
        assert_eq!(
            command("shift_slots", &json!({"from":"a","minutes":"15"})).unwrap(),
            command("shift_slots", &json!({"from":"a","minutes":15})).unwrap()
        );
        assert!(command("add_room", &json!({"room":"c","name":"C","capacity":"4"})).is_ok());
    }

    #[test]
    fn a_shift_parses() {
        assert_eq!(
            command("shift_slots", &json!({"from":"sat-1400","minutes":-15})).unwrap(),
            Command::Grid(GridOp::ShiftSlots {
                from: SlotId::from("sat-1400"),
                minutes: -15
            })
        );
    }
}
