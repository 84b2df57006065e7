//! Every route under `/e/{event}` answers 404 for an event this server does
//! not serve, whatever the name holds.
//!
//! One check in front of all of them, rather than one per handler, because a
//! handler that forgot it was the hole of issue 10: `GET
//! /e/x%0d%0a/admin/login` built a redirect to `/e/x\r\n/admin` without
//! looking the event up, and a CR/LF cannot be a `Location` header, so axum
//! answered 500. Here the name is percent-decoded as axum's `Path` decodes
//! it and looked up before any handler runs; a name that is not valid UTF-8,
//! that holds control characters, or that is just unknown gets the
//! not-found page. The handlers still look their event up (they need its
//! handle); this makes a forgotten check harmless.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{AppError, AppState};

/// The middleware: 404 for `/e/{name}...` when `name` is no event of ours.
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(rest) = request.uri().path().strip_prefix("/e/") {
        let raw = rest.split('/').next().unwrap_or_default();
        let name = percent_decode(raw);
        let known = std::str::from_utf8(&name).is_ok_and(|n| state.events.contains_key(n));
        if !known {
            return AppError::NoEvent(String::from_utf8_lossy(&name).into_owned()).into_response();
        }
    }
    next.run(request).await
}

/// `%XX` to the byte it stands for, as axum's `Path` decodes a segment.
fn percent_decode(raw: &str) -> Vec<u8> {
    percent_encoding::percent_decode_str(raw).collect()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decodes_as_paths_are_decoded() {
        assert_eq!(percent_decode("camp"), b"camp");
        assert_eq!(percent_decode("x%0d%0a"), b"x\r\n");
        assert_eq!(percent_decode("%63amp"), b"camp");
        assert_eq!(percent_decode("%ff%FE"), [0xff, 0xfe]);
        assert_eq!(percent_decode("a%2"), b"a%2");
        assert_eq!(percent_decode("a%zz%"), b"a%zz%");
        assert_eq!(percent_decode("%+1"), b"%+1");
    }
}
