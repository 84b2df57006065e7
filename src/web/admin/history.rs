//! The audit log from the changes the hub holds: each record as a line (when
//! in the event's timezone, who, what), and the words for the change the
//! undo button would take back.
//!
//! The words come from the one table of `views::admin::describe`; what is
//! done here is following session titles through the log, so that a line
//! names a session by its title of that moment, released sessions included.

use std::collections::{BTreeMap, BTreeSet};

use crate::board::{Board, Change, SessionId};
use crate::config::EventConfig;
use crate::i18n::Lang;
use crate::record::Record;
use crate::views;
use crate::views::admin::AuditLine;

/// The changes the hub still holds, oldest first.
pub(super) struct History<'a> {
    records: &'a [Record],
}

impl<'a> History<'a> {
    pub(super) fn new(records: &'a [Record]) -> History<'a> {
        History { records }
    }

    /// The words for the record at `rev`, with the titles of that moment.
    pub(super) fn describe(&self, lang: Lang, board: &Board, rev: u64) -> Option<String> {
        let i = self.records.iter().position(|r| r.rev == rev)?;
        let mut titles = titles(board);
        for r in &self.records[..=i] {
            follow(&mut titles, &r.change);
        }
        Some(views::admin::describe(
            lang,
            board.grid(),
            &self.records[i].change,
            &titles,
        ))
    }

    /// The last `limit` lines of the log, newest first; `undos` are the revs
    /// of the changes undo made.
    pub(super) fn audit(
        &self,
        lang: Lang,
        event: &EventConfig,
        board: &Board,
        undos: &BTreeSet<u64>,
        limit: usize,
    ) -> Vec<AuditLine> {
        let mut titles = titles(board);
        let tz = event.tz();
        let start = self.records.len().saturating_sub(limit);
        for r in &self.records[..start] {
            follow(&mut titles, &r.change);
        }
        let mut lines = Vec::with_capacity(self.records.len() - start);
        for r in &self.records[start..] {
            follow(&mut titles, &r.change);
            let time =
                r.at.parse::<jiff::Timestamp>()
                    .map(|t| t.to_zoned(tz.clone()).strftime("%H:%M:%S").to_string())
                    .unwrap_or_else(|_| r.at.clone());
            lines.push(AuditLine {
                rev: r.rev,
                at: r.at.clone(),
                time,
                by: r
                    .by
                    .as_ref()
                    .map_or_else(|| "—".to_owned(), |b| b.0.clone()),
                what: views::admin::describe(lang, board.grid(), &r.change, &titles),
                undo: undos.contains(&r.rev),
                claim: is_claim(r),
            });
        }
        lines.reverse();
        lines
    }
}

/// Whether `r` puts a session on the board: its line offers "undo every
/// claim since this one" (the rule of which sessions go is the core's,
/// [`crate::board::bulk`]: those claimed at or after this rev).
fn is_claim(r: &Record) -> bool {
    matches!(r.change, Change::Claimed { .. })
}

/// Session titles known at each point, starting from the board's.
fn titles(board: &Board) -> BTreeMap<SessionId, String> {
    board
        .sessions()
        .map(|s| (s.id.clone(), s.title.as_str().to_owned()))
        .collect()
}

/// Learns the title a change gives a session.
fn follow(titles: &mut BTreeMap<SessionId, String>, change: &Change) {
    match change {
        Change::Claimed { session, .. } | Change::Edited { session } => {
            titles.insert(session.id.clone(), session.title.as_str().to_owned());
        }
        Change::Restored { sessions, .. } => {
            for s in sessions {
                titles.insert(s.id.clone(), s.title.as_str().to_owned());
            }
        }
        _ => {}
    }
}
