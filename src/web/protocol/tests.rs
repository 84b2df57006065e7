//! The frame layering of `protocol.rs`: which bad frame gets which answer.

use super::*;

fn check(frame: &str) -> Result<Incoming, Refusal> {
    parse(frame, &Limits::default())
}

fn error_code(frame: &str) -> ErrorCode {
    match check(frame) {
        Err(Refusal::Error { code, .. }) => code,
        other => panic!("expected an error for {frame}, got {other:?}"),
    }
}

fn reject_code(frame: &str) -> RejectCode {
    match check(frame) {
        Err(Refusal::Reject { rejection, .. }) => rejection.code,
        other => panic!("expected a reject for {frame}, got {other:?}"),
    }
}

#[test]
fn frames_that_are_not_commands_are_bad_json() {
    for f in [
        "nope",
        "[1,2]",
        "42",
        "{}",
        r#"{"op":7,"req":"a"}"#,
        "{\"op\":",
    ] {
        assert_eq!(error_code(f), ErrorCode::BadJson, "{f}");
    }
}

#[test]
fn commands_need_a_usable_req() {
    let long = "r".repeat(65);
    for f in [
        r#"{"op":"release","session":"s_1"}"#.to_string(),
        r#"{"op":"release","req":"","session":"s_1"}"#.to_string(),
        r#"{"op":"release","req":5,"session":"s_1"}"#.to_string(),
        format!(r#"{{"op":"release","req":"{long}","session":"s_1"}}"#),
    ] {
        assert_eq!(error_code(&f), ErrorCode::BadReq, "{f}");
    }
}

#[test]
fn unknown_ops_are_unsupported() {
    assert_eq!(
        reject_code(r#"{"op":"teleport","req":"a"}"#),
        RejectCode::Unsupported
    );
}

#[test]
fn wrong_types_and_missing_fields_are_invalid() {
    for f in [
        r#"{"op":"claim","req":"a","slot":5,"room":"r","title":"t","host":"h"}"#,
        r#"{"op":"claim","req":"a","room":"r","title":"t","host":"h"}"#,
        r#"{"op":"vote","req":"a","session":"s_1","on":"yes"}"#,
        r#"{"op":"set_open","req":"a"}"#,
        r#"{"op":"remove_by_owner","req":"a"}"#,
        r#"{"op":"remove_claims_since","req":"a","rev":"3"}"#,
        r#"{"op":"remove_claims_since","req":"a","rev":-1}"#,
        r#"{"op":"claim","req":"a","slot":"s","room":"r","title":"t\u0007","host":"h"}"#,
        r#"{"op":"claim","req":"a","slot":"s","room":"r","title":"   ","host":"h"}"#,
        r#"{"op":"claim","req":"a","slot":"s","room":"r","title":"t","host":"h","tags":[1]}"#,
    ] {
        assert_eq!(reject_code(f), RejectCode::Invalid, "{f}");
    }
}

#[test]
fn a_full_claim_parses() {
    let f = r#"{"op":"claim","req":"c-1","slot":"sat-0930","room":"amphi","title":" Rust ","host":"Maël","description":null,"tags":["rust"],"extra":1}"#;
    match check(f) {
        Ok(Incoming::Command {
            req,
            command: Command::Claim { title, tags, .. },
        }) => {
            assert_eq!(req, "c-1");
            assert_eq!(title.as_str(), "Rust");
            assert_eq!(tags.iter().count(), 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn hello_with_nulls_parses() {
    let f = r#"{"op":"hello","protocol":1,"since":null,"token":null,"organiser":null,"role":null}"#;
    assert!(matches!(check(f), Ok(Incoming::Hello(_))));
    assert_eq!(
        error_code(r#"{"op":"hello","since":"x"}"#),
        ErrorCode::BadJson
    );
}

#[test]
fn welcome_splices_you_into_the_state() {
    let you = You {
        id: "p_1".into(),
        role: crate::board::Role::Participant,
        token: None,
        votes: vec![],
    };
    let text = welcome_text(r#"{"rev":3,"sessions":[]}"#, &you);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["type"], "welcome");
    assert_eq!(v["protocol"], 1);
    assert_eq!(v["rev"], 3);
    assert_eq!(v["you"]["id"], "p_1");
    assert!(v["you"].get("token").is_none());
}

#[test]
fn claim_and_edit_take_links() {
    let f = r#"{"op":"claim","req":"c","slot":"s","room":"r","title":"t","host":"h","pitch":"p_1","links":[{"url":"https://notes.example/","label":"Notes"}]}"#;
    match check(f) {
        Ok(Incoming::Command {
            command: Command::WithLinks { links, command },
            ..
        }) => {
            assert_eq!(links.len(), 1);
            assert!(matches!(*command, Command::ClaimPitch { .. }));
        }
        other => panic!("{other:?}"),
    }
    let f = r#"{"op":"edit","req":"e","session":"s_1","links":[]}"#;
    match check(f) {
        Ok(Incoming::Command {
            command: Command::WithLinks { links, command },
            ..
        }) => {
            assert!(links.is_empty());
            assert!(matches!(*command, Command::Edit { .. }));
        }
        other => panic!("{other:?}"),
    }
    for f in [
        r#"{"op":"edit","req":"e","session":"s_1","links":[{"url":"javascript:alert(1)"}]}"#,
        r#"{"op":"edit","req":"e","session":"s_1","links":[{"label":"no url"}]}"#,
        r#"{"op":"edit","req":"e","session":"s_1","links":{"url":"https://x.example/"}}"#,
        r#"{"op":"claim","req":"c","slot":"s","room":"r","title":"t","host":"h","links":[{"url":"https://x.example/"},{"url":"https://x.example/"},{"url":"https://x.example/"},{"url":"https://x.example/"}]}"#,
    ] {
        assert_eq!(reject_code(f), RejectCode::Invalid, "{f}");
    }
}
