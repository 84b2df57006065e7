//! The names that end up in URLs and folder names: an event's slug, and the
//! ids of rooms and slots.
//!
//! [`is_slug`] is the one slug rule of the server. The config checks it on
//! every event, and the archive pages and the archive listing check it on
//! every name they are given or find on disk: a name that passes can never
//! be `.`, `..` or contain a slash, so it is safe to join to a path.

/// Whether `name` can be an event's slug (and so the name of its folders):
/// `[a-z0-9-]`, 1 to 64 characters, no leading or trailing dash.
pub fn is_slug(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// [`is_slug`], with the message for the organiser when it fails.
pub(super) fn check_slug(slug: &str) -> Result<(), String> {
    const HOW: &str = "use 1 to 64 lowercase letters, digits and dashes, \
                       not starting or ending with a dash, e.g. \"barcamp-rennes\"";
    if is_slug(slug) {
        Ok(())
    } else {
        Err(format!("invalid slug {slug:?}; {HOW}"))
    }
}

/// Room and slot ids: `[A-Za-z0-9_-]`, 1 to 32 characters. `what` is
/// `"room"` or `"slot"`, for the message.
pub(super) fn check_id(id: &str, what: &str) -> Result<(), String> {
    let ok = (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid {what} id {id:?}; use 1 to 32 letters, digits, '-' or '_' (no spaces or accents), \
             e.g. \"{}\"",
            if what == "room" { "amphi" } else { "sat-0930" }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_the_only_folder_names_reachable() {
        for ok in ["camp", "barcamp-2026", "a", "2026", &"a".repeat(64)] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            ".camp.tmp-1",
            "-a",
            "a-",
            "Camp",
            "a b",
            "barcamp_2026",
            "é",
            &"a".repeat(65),
        ] {
            assert!(!is_slug(bad), "{bad}");
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
