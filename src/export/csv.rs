//! CSV: one row per session, for spreadsheets and scripts.

use crate::board::Board;
use crate::config::EventConfig;

/// The columns of `schedule.csv`, in order.
pub const CSV_HEADER: [&str; 11] = [
    "day",
    "start",
    "end",
    "room_id",
    "room",
    "title",
    "host",
    "description",
    "tags",
    "votes",
    "session_id",
];

/// The board as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted
/// when they need it): a header row, then one row per session in programme
/// order. Times are local to the event (`2026-12-05`, `09:30`); tags are
/// joined with `", "`.
pub fn csv(event: &EventConfig, board: &Board) -> String {
    let labels = super::room_labels(board);
    let mut out = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail, and every field is valid UTF-8.
    out.write_record(CSV_HEADER)
        .expect("a CSV row writes to memory");
    for p in super::programme(event, board, &labels) {
        let s = p.session;
        out.write_record([
            &p.slot.day.to_string(),
            &p.start.strftime("%H:%M").to_string(),
            &p.end.strftime("%H:%M").to_string(),
            p.room.id.as_str(),
            p.room.name.as_str(),
            s.title.as_str(),
            s.host.as_str(),
            s.description.as_str(),
            &super::tags_joined(s),
            &s.votes.to_string(),
            s.id.as_str(),
        ])
        .expect("a CSV row writes to memory");
    }
    let bytes = out.into_inner().expect("a CSV flushes to memory");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}
