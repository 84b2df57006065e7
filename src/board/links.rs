//! The links of a session (shared notes, slides, a video call), parsed once.
//!
//! Its own file because a link is a text with rules of its own (a URL, not a
//! line of prose) and because links are the one thing that may still change
//! after an event has ended: the rule that lets a links-only `edit` through an
//! ended board is written here, beside what it lets through.
//!
//! A link is up to [`MAX_URL`] characters of an absolute `http:` or `https:`
//! URL with a host (parsed by the `url` crate, kept in its normalised form, so
//! every page and export shows the same, percent-encoded text) and a label of
//! 0 to [`MAX_LABEL`] characters on one line; a session has at most
//! [`MAX_LINKS`]. Anything else is refused with a message naming what to fix.

use serde::{Deserialize, Serialize};

use super::text::is_forbidden;
use super::{Actor, Board, Change, Command, RejectCode, Rejection, TextError, line_problem};

/// The most links a session carries.
pub const MAX_LINKS: usize = 3;
/// The longest URL, in characters (as given and once normalised).
pub const MAX_URL: usize = 500;
/// The longest label, in characters after trimming.
pub const MAX_LABEL: usize = 40;

/// One link: a checked URL and its label (possibly empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    url: String,
    #[serde(default)]
    label: String,
}

impl Link {
    /// Checks one link; `n` (from 1) names it in the message.
    pub fn parse(n: usize, url: &str, label: &str) -> Result<Link, TextError> {
        let bad = |what: String| TextError(format!("link {n}: {what}"));
        let raw = url.trim();
        if let Some(c) = raw.chars().find(|&c| is_forbidden(c)) {
            return Err(bad(format!(
                "the url contains a control character (U+{:04X}); remove it",
                c as u32
            )));
        }
        if raw.is_empty() {
            return Err(bad(
                "the url is empty; give an http:// or https:// address".into()
            ));
        }
        let len = raw.chars().count();
        if len > MAX_URL {
            return Err(bad(format!(
                "the url is {len} characters long; the limit is {MAX_URL}"
            )));
        }
        let parsed = url::Url::parse(raw).map_err(|e| {
            bad(format!(
                "the url is not an absolute address ({e}); write it as https://host/..."
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad(format!(
                "the url's scheme is {:?}; only http: and https: links are allowed",
                parsed.scheme()
            )));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(bad(
                "the url has no host; write it as https://host/...".into()
            ));
        }
        let url = String::from(parsed);
        if url.chars().count() > MAX_URL {
            return Err(bad(format!(
                "the url is longer than {MAX_URL} characters once encoded; shorten it"
            )));
        }
        let label = label.trim();
        let n_label = label.chars().count();
        if n_label > MAX_LABEL {
            return Err(bad(format!(
                "the label is {n_label} characters long; the limit is {MAX_LABEL}"
            )));
        }
        if let Some(why) = line_problem(label) {
            return Err(bad(format!("the label {why}")));
        }
        Ok(Link {
            url,
            label: label.to_owned(),
        })
    }

    /// The URL, normalised (safe to put in an `href` once escaped).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The label as typed (trimmed); may be empty.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What to show for the link: its label, or its URL when it has none.
    pub fn text(&self) -> &str {
        if self.label.is_empty() {
            &self.url
        } else {
            &self.label
        }
    }
}

/// The links of a session: at most [`MAX_LINKS`], in the owner's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Links(Vec<Link>);

impl Links {
    /// Checks a list of `(url, label)`.
    pub fn parse<U: AsRef<str>, L: AsRef<str>>(raw: &[(U, L)]) -> Result<Links, TextError> {
        if raw.len() > MAX_LINKS {
            return Err(TextError(format!(
                "{} links given; a session has at most {MAX_LINKS}: remove {}",
                raw.len(),
                raw.len() - MAX_LINKS
            )));
        }
        raw.iter()
            .enumerate()
            .map(|(i, (u, l))| Link::parse(i + 1, u.as_ref(), l.as_ref()))
            .collect::<Result<Vec<_>, _>>()
            .map(Links)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Link> {
        self.0.iter()
    }

    pub fn first(&self) -> Option<&Link> {
        self.0.first()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Command {
    /// Whether this command only changes the links of a session: the one
    /// command an ended board still takes (from its owner or an organiser).
    pub fn is_links_only(&self) -> bool {
        match self {
            Command::WithLinks { command, .. } => matches!(
                **command,
                Command::Edit {
                    title: None,
                    host: None,
                    description: None,
                    tags: None,
                    ..
                }
            ),
            _ => false,
        }
    }
}

impl Board {
    /// A claim or an edit with `links`: the claim's session carries them; the
    /// edit replaces the session's links with them (`[]` removes them).
    pub(super) fn decide_with_links(
        &self,
        actor: &Actor,
        links: &Links,
        command: &Command,
    ) -> Result<Change, Rejection> {
        match command {
            Command::Claim { .. } | Command::ClaimPitch { .. } => {
                match self.decide(actor, command)? {
                    Change::Claimed { mut session, pitch } => {
                        session.links = links.clone();
                        Ok(Change::Claimed { session, pitch })
                    }
                    other => Ok(other),
                }
            }
            Command::Edit { .. } => self.decide_edit(actor, command, Some(links)),
            _ => Err(Rejection::new(
                RejectCode::Invalid,
                "links go with a claim or an edit",
            )),
        }
    }
}
