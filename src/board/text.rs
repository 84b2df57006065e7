//! Texts that people type, parsed once at the edge.
//!
//! From the wire, each newtype is built only by `parse`, which trims, counts
//! characters (Unicode scalar values, not bytes) and refuses control
//! characters, so the rules in [`super::Board`] never see an invalid title or
//! tag. `Deserialize` exists for the journal and snapshots, which only ever
//! hold texts that went through `parse`.

use serde::{Deserialize, Serialize};

/// Length limits for the texts of a session. The defaults are the ones of the
/// protocol; an event's config may change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Maximum characters of a title, after trimming (minimum is 1).
    pub title: usize,
    /// Maximum characters of a host name, after trimming (minimum is 1).
    pub host: usize,
    /// Maximum characters of a description.
    pub description: usize,
    /// Maximum number of tags on a session.
    pub tags: usize,
    /// Maximum characters of one tag.
    pub tag: usize,
    /// Maximum characters of the organisers' announcement.
    pub announcement: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            title: 80,
            host: 60,
            description: 500,
            tags: 5,
            tag: 24,
            announcement: 280,
        }
    }
}

/// Why a text was refused; the message names the field and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TextError(pub String);

/// Characters that must never reach a title: control characters (C0, DEL,
/// C1) and the bidirectional overrides that can make a wall lie about what a
/// text says.
fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn check_line(field: &str, raw: &str, min: usize, max: usize) -> Result<String, TextError> {
    let text = raw.trim();
    if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
        return Err(TextError(format!(
            "{field} contains a control character (U+{:04X}); remove it",
            c as u32
        )));
    }
    let n = text.chars().count();
    if n < min {
        return Err(TextError(format!(
            "{field} is empty; write at least {min} character"
        )));
    }
    if n > max {
        return Err(TextError(format!(
            "{field} is {n} characters long; the limit is {max}"
        )));
    }
    Ok(text.to_owned())
}

macro_rules! text_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The text, trimmed and checked.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_newtype!(
    /// A session title: 1 to `limits.title` characters after trimming.
    Title
);
text_newtype!(
    /// Who hosts the session: 1 to `limits.host` characters after trimming.
    Host
);
text_newtype!(
    /// A free description: up to `limits.description` characters; line
    /// breaks are the one control character allowed (`\r\n` becomes `\n`).
    Description
);
text_newtype!(
    /// One tag: 1 to `limits.tag` characters after trimming.
    Tag
);
text_newtype!(
    /// The organisers' announcement; empty means none.
    Announcement
);

impl Title {
    pub fn parse(raw: &str, limits: &Limits) -> Result<Self, TextError> {
        check_line("title", raw, 1, limits.title).map(Title)
    }
}

impl Host {
    pub fn parse(raw: &str, limits: &Limits) -> Result<Self, TextError> {
        check_line("host", raw, 1, limits.host).map(Host)
    }
}

impl Description {
    pub fn parse(raw: &str, limits: &Limits) -> Result<Self, TextError> {
        let text = raw.trim().replace("\r\n", "\n");
        if let Some(c) = text.chars().find(|&c| c != '\n' && is_forbidden(c)) {
            return Err(TextError(format!(
                "description contains a control character (U+{:04X}); remove it",
                c as u32
            )));
        }
        let n = text.chars().count();
        if n > limits.description {
            return Err(TextError(format!(
                "description is {n} characters long; the limit is {}",
                limits.description
            )));
        }
        Ok(Description(text))
    }

    /// The empty description.
    pub fn empty() -> Self {
        Description(String::new())
    }
}

impl Tag {
    pub fn parse(raw: &str, limits: &Limits) -> Result<Self, TextError> {
        check_line("tag", raw, 1, limits.tag).map(Tag)
    }
}

impl Announcement {
    pub fn parse(raw: &str, limits: &Limits) -> Result<Self, TextError> {
        check_line("announcement", raw, 0, limits.announcement).map(Announcement)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The tags of a session: at most `limits.tags`, each a valid [`Tag`];
/// repeated tags are kept once, in their first order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tags(Vec<Tag>);

impl Tags {
    pub fn parse<S: AsRef<str>>(raw: &[S], limits: &Limits) -> Result<Self, TextError> {
        let mut tags: Vec<Tag> = Vec::with_capacity(raw.len());
        for r in raw {
            let tag = Tag::parse(r.as_ref(), limits)?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.len() > limits.tags {
            return Err(TextError(format!(
                "{} tags given; the limit is {}",
                tags.len(),
                limits.tags
            )));
        }
        Ok(Tags(tags))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l() -> Limits {
        Limits::default()
    }

    #[test]
    fn titles_are_trimmed() {
        assert_eq!(Title::parse("  Rust  ", &l()).unwrap().as_str(), "Rust");
    }

    #[test]
    fn whitespace_only_titles_are_rejected() {
        assert!(Title::parse("   ", &l()).is_err());
        assert!(Host::parse("\t", &l()).is_err());
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let eighty = "é".repeat(80);
        assert!(Title::parse(&eighty, &l()).is_ok());
        let err = Title::parse(&format!("{eighty}é"), &l()).unwrap_err();
        assert!(err.0.contains("81 characters"), "{err}");
    }

    #[test]
    fn control_characters_are_rejected_everywhere() {
        assert!(Title::parse("a\u{7}b", &l()).is_err());
        assert!(Title::parse("a\nb", &l()).is_err());
        assert!(Host::parse("a\u{85}b", &l()).is_err());
        assert!(Tag::parse("x\u{0}", &l()).is_err());
        assert!(Description::parse("a\u{1b}[31m", &l()).is_err());
        assert!(Title::parse("evil\u{202E}txt", &l()).is_err());
    }

    #[test]
    fn descriptions_keep_line_breaks() {
        let d = Description::parse("line one\r\nline two", &l()).unwrap();
        assert_eq!(d.as_str(), "line one\nline two");
        assert!(Description::parse(&"x".repeat(501), &l()).is_err());
        assert!(Description::parse("", &l()).is_ok());
    }

    #[test]
    fn tags_are_bounded_and_deduplicated() {
        let t = Tags::parse(&["rust", "rust", " web "], &l()).unwrap();
        assert_eq!(
            t.iter().map(Tag::as_str).collect::<Vec<_>>(),
            ["rust", "web"]
        );
        assert!(Tags::parse(&["a", "b", "c", "d", "e", "f"], &l()).is_err());
        assert!(Tags::parse(&["x".repeat(25)], &l()).is_err());
        assert!(Tags::parse(&[""], &l()).is_err());
    }

    #[test]
    fn emoji_and_accents_are_welcome() {
        assert!(Title::parse("Café 🦀 & Crêpes — l'atelier", &l()).is_ok());
        assert!(Title::parse("👩‍💻 ZWJ", &l()).is_ok());
    }
}
