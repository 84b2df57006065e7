//! Texts that people type, parsed once at the edge.
//!
//! From the wire, each newtype is built only by `parse`, which trims, counts
//! characters (Unicode scalar values, not bytes) and refuses control
//! characters, so the rules in [`super::Board`] never see an invalid title or
//! tag. `Deserialize` exists for the journal and snapshots, which only ever
//! hold texts that went through `parse`.
//!
//! The one-line texts (title, host, tag, announcement; the config's room and
//! event names use [`line_problem`]) also refuse what lets a text lie on the
//! wall: line and paragraph separators (U+2028, U+2029) that break a line
//! where none is expected, tag characters (U+E0000..U+E007F) that hide a text
//! no one sees, and a title or host with no visible character at all, which
//! makes a taken cell look free. Visible is judged by the Unicode general
//! category (crate `unicode-general-category`, kept up with Unicode) plus the
//! fillers that are letters or symbols by category yet draw nothing. Real
//! text keeps passing: accents, CJK, Arabic, homoglyphs, emoji with joiners,
//! regional-indicator flags and the subdivision flags (🏴 + tags), which are
//! the one well-formed use of tag characters.

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

/// Characters that must never reach any text: control characters (C0, DEL,
/// C1) and the bidirectional overrides that can make a wall lie about what a
/// text says.
pub(super) fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The tag characters, invisible letters that can carry a hidden text.
fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0000}'..='\u{E007F}')
}

/// The black flag that begins a subdivision flag (🏴 + tags, UTS #51).
const TAG_BASE: char = '\u{1F3F4}';
/// CANCEL TAG, which ends a subdivision flag.
const TAG_END: char = '\u{E007F}';
/// The longest subdivision code (`gbsct` is 5; ISO 3166-2 allows 2 + 4).
const TAG_SPEC_MAX: usize = 6;

/// Letters and symbols by category that draw nothing: the Hangul fillers and
/// the blank braille pattern, the usual ways to write an "empty" name.
const FILLERS: [char; 5] = ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}'];

/// Whether a character draws something on its own. Not: spaces, format
/// characters (zero-width spaces and joiners, BOM, bidi marks, tags),
/// combining marks (and variation selectors, which are marks), controls,
/// unassigned code points and the [`FILLERS`].
pub fn is_visible(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    !c.is_whitespace()
        && !FILLERS.contains(&c)
        && !matches!(
            get_general_category(c),
            G::Control
                | G::Format
                | G::Surrogate
                | G::Unassigned
                | G::NonspacingMark
                | G::SpacingMark
                | G::EnclosingMark
                | G::SpaceSeparator
                | G::LineSeparator
                | G::ParagraphSeparator
        )
}

/// The length of a well-formed subdivision flag's tags at the start of
/// `rest` (the text after a 🏴): lowercase letters and digits, then CANCEL
/// TAG. `None` if they are anything else.
fn flag_tags(rest: &str) -> Option<usize> {
    let mut len = 0;
    for (n, c) in rest.chars().enumerate() {
        if c == TAG_END {
            return (1..=TAG_SPEC_MAX)
                .contains(&n)
                .then_some(len + c.len_utf8());
        }
        if !matches!(c, '\u{E0030}'..='\u{E0039}' | '\u{E0061}'..='\u{E007A}') {
            return None;
        }
        len += c.len_utf8();
    }
    None
}

/// What is wrong with a one-line text, as "what; how to fix" (the caller
/// names the field), or `None` if nothing is. Does not judge length or
/// visibility: see [`invisible_problem`].
pub fn line_problem(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        if c == TAG_BASE {
            if let Some(n) = flag_tags(rest) {
                rest = &rest[n..];
            }
            continue;
        }
        let what = if is_forbidden(c) {
            "a control character"
        } else if matches!(c, '\u{2028}' | '\u{2029}') {
            "a line or paragraph separator"
        } else if is_tag(c) {
            "an invisible tag character"
        } else {
            continue;
        };
        let fix = if is_tag(c) {
            "remove it (only a subdivision flag such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿 may use them)"
        } else {
            "remove it and write the text on one line"
        };
        return Some(format!("contains {what} (U+{:04X}); {fix}", c as u32));
    }
    None
}

/// Why a non-empty text shows nothing, or `None` if it shows something.
pub fn invisible_problem(text: &str) -> Option<String> {
    if text.is_empty() || text.chars().any(is_visible) {
        return None;
    }
    let first = text.chars().next().map_or(0, |c| c as u32);
    Some(format!(
        "shows nothing: it holds only invisible characters, combining marks or fillers \
         (U+{first:04X}); write at least one visible letter, digit or symbol"
    ))
}

fn check_line(field: &str, raw: &str, min: usize, max: usize) -> Result<String, TextError> {
    let text = raw.trim();
    if let Some(why) = line_problem(text) {
        return Err(TextError(format!("{field} {why}")));
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
    if let Some(why) = invisible_problem(text) {
        return Err(TextError(format!("{field} {why}")));
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
