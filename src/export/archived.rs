//! An archive's `board.json` as it is read back: what `/archive` lists and
//! what an archive's page shows, long after the event left the config.
//!
//! Read leniently (fields added to the live state later are ignored), so an
//! archive written by any version keeps showing. `store::archive` reads the
//! file; views render these plain values.

/// An archived event, as listed on `/archive`: read from its `board.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archived {
    pub slug: String,
    pub title: String,
    /// The first and last days of its slots (`YYYY-MM-DD`), if any.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub sessions: usize,
}

impl Archived {
    /// The summary of the archive of `slug` whose board is `board`.
    pub fn of(slug: String, board: &ArchivedBoard) -> Archived {
        Archived {
            slug,
            title: board.event.title.clone(),
            first_day: board.slots.iter().map(|s| s.day.clone()).min(),
            last_day: board.slots.iter().map(|s| s.day.clone()).max(),
            sessions: board.sessions.len(),
        }
    }
}

/// An archive's `board.json`, read leniently (fields added to the live
/// state later are ignored): what the archive page shows.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ArchivedBoard {
    pub event: ArchivedHead,
    #[serde(default)]
    pub rooms: Vec<ArchivedRoom>,
    #[serde(default)]
    pub slots: Vec<ArchivedSlot>,
    #[serde(default)]
    pub sessions: Vec<ArchivedSession>,
    #[serde(default)]
    pub announcement: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct ArchivedHead {
    pub title: String,
    #[serde(default)]
    pub timezone: String,
    /// Closed for good (an organiser's `end`, or its last slot passed).
    #[serde(default)]
    pub ended: bool,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct ArchivedRoom {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct ArchivedSlot {
    pub id: String,
    pub day: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct ArchivedSession {
    pub slot: String,
    pub room: String,
    pub title: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub votes: u32,
    /// Absent from archives written before links, and when it has none.
    #[serde(default)]
    pub links: Vec<ArchivedLink>,
}

/// One link of an archived session, as board.json keeps it. Read from a
/// file: a page checks it again ([`crate::board::Link::parse`]) before it
/// shows it as a link.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ArchivedLink {
    pub url: String,
    #[serde(default)]
    pub label: String,
}
