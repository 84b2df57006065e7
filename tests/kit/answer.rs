//! What the server answers to a command, typed: an `ack` with its rev or a
//! `reject` with its code, its message and, for `taken`, the alternatives.
//! Tests say `expect_ack()` or `expect_reject("taken")` instead of reading
//! `["type"]` by hand; the frame itself stays at hand (`answer["holder"]`,
//! `{answer}`) for the checks of the fields that only some answers carry.

use std::fmt;

use serde_json::Value;

/// An `ack` or a `reject`, parsed from the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Ack {
        rev: u64,
        raw: Value,
    },
    Reject {
        code: String,
        message: String,
        alternatives: Option<Value>,
        raw: Value,
    },
}

impl Answer {
    /// Parses an `ack` or `reject` frame; panics on anything else.
    #[track_caller]
    pub fn parse(raw: Value) -> Answer {
        match raw["type"].as_str() {
            Some("ack") => Answer::Ack {
                rev: raw["rev"]
                    .as_u64()
                    .unwrap_or_else(|| panic!("an ack carries its rev: {raw}")),
                raw,
            },
            Some("reject") => Answer::Reject {
                code: raw["code"].as_str().unwrap_or_default().to_owned(),
                message: raw["message"].as_str().unwrap_or_default().to_owned(),
                alternatives: raw.get("alternatives").cloned(),
                raw,
            },
            _ => panic!("not an answer: {raw}"),
        }
    }

    /// The frame as the server sent it.
    pub fn raw(&self) -> &Value {
        match self {
            Answer::Ack { raw, .. } | Answer::Reject { raw, .. } => raw,
        }
    }

    pub fn is_ack(&self) -> bool {
        matches!(self, Answer::Ack { .. })
    }

    /// The rev of an ack; panics with the frame on a reject.
    #[track_caller]
    pub fn expect_ack(&self) -> u64 {
        match self {
            Answer::Ack { rev, .. } => *rev,
            Answer::Reject { raw, .. } => panic!("expected an ack, got {raw}"),
        }
    }

    /// Asserts a reject with this code and a message saying why.
    #[track_caller]
    pub fn expect_reject(&self, want: &str) -> &Answer {
        match self {
            Answer::Reject {
                code, message, raw, ..
            } => {
                assert_eq!(code, want, "expected a {want} reject, got {raw}");
                assert!(!message.is_empty(), "a reject says why: {raw}");
            }
            Answer::Ack { raw, .. } => panic!("expected a {want} reject, got {raw}"),
        }
        self
    }

    /// The reject's code (`None` for an ack).
    pub fn code(&self) -> Option<&str> {
        match self {
            Answer::Reject { code, .. } => Some(code),
            Answer::Ack { .. } => None,
        }
    }
}

impl std::ops::Index<&str> for Answer {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        &self.raw()[key]
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw().fmt(f)
    }
}

impl From<Answer> for Value {
    fn from(a: Answer) -> Value {
        match a {
            Answer::Ack { raw, .. } | Answer::Reject { raw, .. } => raw,
        }
    }
}

/// A frame that [`assert_reject`] can read: an [`Answer`] or a raw JSON
/// frame (a reject that came some other way).
pub trait Frame {
    fn frame(&self) -> &Value;
}

impl Frame for Value {
    fn frame(&self) -> &Value {
        self
    }
}

impl Frame for Answer {
    fn frame(&self) -> &Value {
        self.raw()
    }
}

impl<T: Frame + ?Sized> Frame for &T {
    fn frame(&self) -> &Value {
        (**self).frame()
    }
}

/// Asserts a reject with this code.
#[track_caller]
pub fn assert_reject(answer: &impl Frame, code: &str) {
    let answer = answer.frame();
    assert_eq!(
        answer["type"], "reject",
        "expected a {code} reject, got {answer}"
    );
    assert_eq!(answer["code"], code, "{answer}");
    assert!(
        answer["message"].as_str().is_some_and(|m| !m.is_empty()),
        "a reject says why: {answer}"
    );
}

/// Asserts an ack.
#[track_caller]
pub fn assert_ack(answer: &impl Frame) {
    let answer = answer.frame();
    assert_eq!(answer["type"], "ack", "{answer}");
}
